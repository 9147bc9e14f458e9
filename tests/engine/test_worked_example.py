"""The classic worked example, number by number.

Network 2-2-2, sigmoid everywhere, squared error ½Σ(t−o)², inputs 0.05/0.10,
targets 0.01/0.99, learning rate 0.5, biases 0.35/0.60 frozen.
"""

import numpy as np
import pytest

import engine
from engine.presets import worked_example


@pytest.fixture
def lesson():
    return worked_example()


def test_forward_values(lesson):
    p = engine.example_passes(lesson)
    # net_h1 = 0.15·0.05 + 0.20·0.10 + 0.35 = 0.3775; out_h1 = σ(0.3775) = 0.593269992
    assert p.fwd.z[1][0, 0] == pytest.approx(0.3775, abs=1e-12)
    assert p.fwd.a[1][0] == pytest.approx([0.593269992107, 0.596884378259], abs=1e-9)
    # net_o1 = 0.40·0.593269992 + 0.45·0.596884378 + 0.60 = 1.105905967
    assert p.fwd.z[2][0, 0] == pytest.approx(1.105905967, abs=1e-9)
    assert p.fwd.a[2][0] == pytest.approx([0.751365069552, 0.772928465321], abs=1e-9)
    # E = ½(0.01 − 0.751365070)² + ½(0.99 − 0.772928465)² = 0.274811083 + 0.023560026
    assert p.bwd.loss == pytest.approx(0.298371108760, abs=1e-9)


def test_every_delta(lesson):
    p = engine.example_passes(lesson)
    # δ_o1 = (o1 − t1)·o1(1 − o1) = 0.741365070 · 0.186815602 = 0.138498562
    assert p.bwd.delta[2][0] == pytest.approx([0.138498561603, -0.038098236516], abs=1e-9)
    # δ_h1 = (0.40·δ_o1 + 0.50·δ_o2)·h1(1 − h1) = 0.036350306 · 0.241300709 = 0.008771355
    assert p.bwd.delta[1][0] == pytest.approx([0.008771354689, 0.009954254705], abs=1e-9)


def test_every_gradient(lesson):
    p = engine.example_passes(lesson)
    # ∂E/∂w5 = δ_o1 · out_h1 = 0.138498562 · 0.593269992 = 0.082167041
    assert p.bwd.grad_W[2] == pytest.approx(
        np.array([[0.082167040564, 0.082667627848], [-0.022602540477, -0.022740242216]]), abs=1e-9
    )
    # ∂E/∂w1 = δ_h1 · i1 = 0.008771355 · 0.05 = 0.000438568
    assert p.bwd.grad_W[1] == pytest.approx(
        np.array([[0.000438567734, 0.000877135469], [0.000497712735, 0.000995425471]]), abs=1e-9
    )


def test_all_eight_weights_after_one_step(lesson):
    after = engine.full_step(lesson)
    # w5⁺ = 0.40 − 0.5 · 0.082167041 = 0.358916480, and so on.
    assert after.params.W[2] == pytest.approx(
        np.array([[0.358916479718, 0.408666186076], [0.511301270239, 0.561370121108]]), abs=1e-9
    )
    assert after.params.W[1] == pytest.approx(
        np.array([[0.149780716133, 0.199561432266], [0.249751143632, 0.299502287265]]), abs=1e-9
    )
    # The biases never move in this example.
    assert after.params.b[1].tolist() == [0.35, 0.35]
    assert after.params.b[2].tolist() == [0.60, 0.60]


def test_total_error_after_one_step(lesson):
    after = engine.full_step(lesson)
    # Feeding 0.05/0.10 forward through the eight new weights gives
    # o1 = 0.742088111, o2 = 0.775284968, so E = ½(0.732088111)² + ½(0.214715032)²
    # = 0.267976501 + 0.023051272 = 0.291027774.
    # The published walk-through states 0.291027924: it differs in the seventh decimal
    # because it was worked from rounded intermediate values; the algorithm gives 0.291027774.
    assert after.last_update.cost_after == pytest.approx(0.291027773694, abs=1e-9)
    assert after.last_update.cost_before == pytest.approx(0.298371108760, abs=1e-9)
    assert after.history.entries[-1][1] == pytest.approx(0.291027773694, abs=1e-9)
    o = engine.example_passes(after).fwd.output[0]
    assert o == pytest.approx([0.742088111, 0.775284968], abs=1e-9)
