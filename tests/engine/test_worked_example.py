"""The classic worked example, number by number.

Network 2-2-2, sigmoid everywhere, squared error ½Σ(t−o)², inputs 0.05/0.10,
targets 0.01/0.99, learning rate 0.5, biases 0.35/0.60 frozen.
"""

import dataclasses

import numpy as np
import pytest

import engine
from engine.network import Params
from engine.presets import worked_example
from engine.worked_example import (
    ERROR_AFTER,
    PUBLISHED,
    SECTIONS,
    WEIGHTS,
    agrees,
    computed_values,
    error_in_published_order,
)


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
    # The published walk-through states 0.291027924. Not rounding: its own 8- and 9-digit weights
    # give 0.291027774 too. See test_the_published_error_after_the_update_is_explained below.
    assert after.last_update.cost_after == pytest.approx(0.291027773694, abs=1e-9)
    assert after.last_update.cost_before == pytest.approx(0.298371108760, abs=1e-9)
    assert after.history.entries[-1][1] == pytest.approx(0.291027773694, abs=1e-9)
    o = engine.example_passes(after).fwd.output[0]
    assert o == pytest.approx([0.742088111, 0.775284968], abs=1e-9)


# ---- The published numbers, row by row (engine/worked_example.py) ------------------------------


def test_every_published_value_is_matched_but_the_explained_one(lesson):
    rows = computed_values(lesson)
    assert [r.name for r in rows] == [p[1] for p in PUBLISHED]
    assert len(rows) == 20  # 6 forward, 3 loss, 2 gradients, 8 weights, 1 error after the update
    assert {r.section for r in rows} == set(SECTIONS)
    assert [r.name for r in rows if not r.matches] == [ERROR_AFTER]
    for r in rows:
        if r.matches:
            assert r.note == ""
            # The rule, spelled out: within half a unit of the last published digit.
            assert abs(r.computed - float(r.published)) <= 0.5 * 10.0 ** -r.decimals + 1e-15


def test_a_few_rows_by_hand(lesson):
    by_name = {r.name: r for r in computed_values(lesson)}
    # out_o1 = σ(1.105905967) = 0.751365070 (9 digits); published with 8 decimals, 0.75136507.
    assert by_name["out_o1"].computed == pytest.approx(0.751365069552, abs=1e-12)
    assert by_name["out_o1"].decimals == 8
    # E_o1 = ½(0.01 − 0.751365070)² = ½ · 0.549622167 = 0.274811083
    assert by_name["E_o1"].computed == pytest.approx(0.274811083176, abs=1e-12)
    # w7⁺ = 0.50 − 0.5 · (−0.022602540) = 0.511301270; the trailing zero is published, so 9 decimals.
    assert by_name["w7⁺"].published == "0.511301270" and by_name["w7⁺"].decimals == 9
    assert by_name["w7⁺"].computed == pytest.approx(0.511301270239, abs=1e-12)
    assert by_name["∂E/∂w5"].graph_name == "∂C/∂W2[0,0]"


def test_the_published_error_after_the_update_is_explained(lesson):
    row = computed_values(lesson)[-1]
    assert row.name == ERROR_AFTER and row.published == "0.291027924"
    # Backprop's update, fed forward: 0.291027774; 1.5e-7 from the published figure, 300 half-units.
    assert row.computed == pytest.approx(0.291027773694, abs=1e-12)
    assert not row.matches
    # Not rounding: the published (rounded) weights give 0.291027774 as well.
    W = {p[1]: float(p[3]) for p in PUBLISHED}
    W1 = np.array([[W["w1⁺"], W["w2⁺"]], [W["w3⁺"], W["w4⁺"]]])
    W2 = np.array([[W["w5⁺"], W["w6⁺"]], [W["w7⁺"], W["w8⁺"]]])
    rounded = engine.cost(lesson.spec, Params((None, W1, W2), lesson.params.b), [[0.05, 0.10]], [[0.01, 0.99]])
    assert rounded == pytest.approx(0.291027774, abs=5e-10)
    # The walk-through's order: update w5…w8 first, then pull the hidden blame back through w5⁺…w8⁺.
    # That reproduces all nine published digits (0.2910279239).
    assert agrees(error_in_published_order(lesson), "0.291027924")
    assert "0.291027924" in row.note and "w5⁺…w8⁺" in row.note


def test_the_naming_map():
    assert {name: str(ref) for name, ref in WEIGHTS.items()} == {
        "w1": "W1[0,0]", "w2": "W1[0,1]", "w3": "W1[1,0]", "w4": "W1[1,1]",
        "w5": "W2[0,0]", "w6": "W2[0,1]", "w7": "W2[1,0]", "w8": "W2[1,1]",
    }
    # The published numbers force this map: net_h1 = w1·i1 + w2·i2 + b1 = 0.15·0.05 + 0.20·0.10 + 0.35
    # = 0.3775 needs w2 = 0.20 on i2 → h1; with w3 = 0.25 there it would be 0.3825.
    initial = worked_example().params
    assert [WEIGHTS[f"w{i}"].get(initial) for i in range(1, 9)] == [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]
    after = engine.full_step(worked_example()).params
    published = {p[1]: p[3] for p in PUBLISHED}
    for i in range(1, 9):
        assert agrees(WEIGHTS[f"w{i}"].get(after), published[f"w{i}⁺"])
    # Swapping w2 and w3 would break the check: 0.199561432 is not 0.24975114.
    assert not agrees(WEIGHTS["w2"].get(after), published["w3⁺"])


def test_the_update_uses_frozen_biases(lesson):
    assert lesson.train.freeze_biases
    after = engine.full_step(lesson)
    assert after.params.b[1].tolist() == [0.35, 0.35] and after.params.b[2].tolist() == [0.60, 0.60]
    # Moving the biases too leaves every weight's update alone (their gradients are taken first)
    # but not the error after it: 0.280471447 instead of 0.291027774.
    free = lesson.replace(train=dataclasses.replace(lesson.train, freeze_biases=False))
    moved = engine.full_step(free)
    assert moved.params.W[1] == pytest.approx(after.params.W[1], abs=1e-15)
    assert moved.params.W[2] == pytest.approx(after.params.W[2], abs=1e-15)
    assert moved.params.b[2][0] == pytest.approx(0.60 - 0.5 * 0.138498562, abs=1e-9)  # b ← b − η·δ_o1
    assert engine.example_passes(moved).bwd.loss == pytest.approx(0.280471447, abs=1e-9)


def test_a_changed_weight_fails_the_check(lesson):
    nudged = lesson.replace(params=WEIGHTS["w1"].set(lesson.params, 0.16))
    failed = {r.name for r in computed_values(nudged) if not r.matches}
    # net_h1 = 0.16·0.05 + 0.20·0.10 + 0.35 = 0.3780, not 0.3775: everything downstream moves too.
    assert {"net_h1", "out_h1", "net_o1", "out_o1", "E_total", "∂E/∂w5", "w1⁺"} <= failed
    assert "out_h2" not in failed  # h2 does not see w1


def test_agreement_is_to_the_published_digits():
    # Four published decimals: anything within ±0.00005 of 0.3775 rounds to it.
    assert agrees(0.377549, "0.3775") and agrees(0.377451, "0.3775")
    assert not agrees(0.377551, "0.3775") and not agrees(0.377449, "0.3775")
    assert agrees(0.0821670414, "0.082167041") and not agrees(0.0821670416, "0.082167041")
    assert not agrees(float("nan"), "0.3775")


def test_only_a_2_2_2_network(lesson):
    with pytest.raises(engine.LabInputError, match="2-2-2"):
        computed_values(engine.PRESETS["default"].state())
