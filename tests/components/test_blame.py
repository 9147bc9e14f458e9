"""The blame game against the default lesson by hand and the engine's own δ and gradients.

Default lesson (see test_equations.py for the whole forward pass): δ_o = −0.098070, and for h1
    incoming:    w·δ from o1 = 0.7 · (−0.098070) = −0.068649;   σ′(z_h1) = 0.237759
    δ_h1 = −0.068649 · 0.237759 = −0.016322
    outgoing:    x1·δ = 1 · (−0.016322) = −0.016322,   x2·δ = 0.5 · (−0.016322) = −0.008161
    passed back: w·δ = 0.5 · (−0.016322) = −0.008161,  −0.3 · (−0.016322) = +0.004897
x1 is the more active input (1 against 0.5), so its weight takes twice the blame.
"""

import json
from itertools import pairwise

import numpy as np
import pytest

import engine
from components import palette
from components.blame import (
    NOT_YET,
    blame_figure,
    blame_figure_height,
    blame_note,
    blame_terms,
    layer_blame,
    layer_blame_figure,
)
from components.equations import shown_passes
from components.numbers import MINUS, num, sub
from engine.activations import ACTIVATIONS

from .test_equations import NETWORKS, at, default, lesson, walk

BACKWARD_2, BACKWARD_1, UPDATE = 3, 4, 5  # cursor indices of the default lesson


def neurons(spec):
    return [(l, i) for l in range(1, spec.n_layers + 1) for i in range(spec.sizes[l])]


def test_blame_terms_of_h1_by_hand():
    terms = blame_terms(at(default(), BACKWARD_1), 1, 0)
    assert [n for n, _ in terms["incoming"]] == ["o₁"]
    assert terms["incoming"][0][1] == pytest.approx(-0.068649, abs=1e-6)
    assert terms["delta"] == pytest.approx(-0.016322, abs=1e-6)
    assert [n for n, _ in terms["outgoing"]] == ["x₁", "x₂"]
    assert [v for _, v in terms["outgoing"]] == pytest.approx([-0.016322, -0.008161], abs=1e-6)
    assert [n for n, _ in terms["passed_back"]] == ["x₁", "x₂"]
    assert [v for _, v in terms["passed_back"]] == pytest.approx([-0.008161, 0.004897], abs=1e-6)


def test_the_output_has_no_incoming_terms():
    terms = blame_terms(at(default(), BACKWARD_2), 2, 0)
    assert terms["incoming"] == []
    assert terms["delta"] == pytest.approx(-0.098070, abs=1e-6)
    # h2 (0.622459) is a little more active than h1 (0.610639), so it takes a little more blame.
    assert [v for _, v in terms["outgoing"]] == pytest.approx([-0.059886, -0.061045], abs=1e-6)


def test_an_input_has_no_blame_terms():
    with pytest.raises(ValueError):
        blame_terms(default(), 0, 0)


@pytest.mark.parametrize("name", list(NETWORKS))
def test_arriving_blame_times_the_slope_is_delta(name):
    state = at(NETWORKS[name](), 2 * NETWORKS[name]().spec.n_layers)
    _, passes, _ = shown_passes(state)
    spec = state.spec
    for l, i in neurons(spec):
        terms = blame_terms(state, l, i)
        assert terms["delta"] == float(passes.bwd.delta[l][0, i])
        if l < spec.n_layers:
            slope = float(ACTIVATIONS[spec.activations[l - 1]].df(passes.fwd.z[l])[0, i])
            assert sum(v for _, v in terms["incoming"]) * slope == pytest.approx(terms["delta"], rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("name", list(NETWORKS))
def test_outgoing_blame_is_the_edge_gradient(name):
    for state in walk(engine.train_steps(NETWORKS[name](), 1))[1:]:
        _, passes, _ = shown_passes(state)
        for l, i in neurons(state.spec):
            outgoing = [v for _, v in blame_terms(state, l, i)["outgoing"]]
            assert outgoing == pytest.approx(passes.bwd.grad_W[l][i].tolist(), rel=1e-12, abs=1e-300)


def test_passed_back_blame_is_what_the_layer_below_receives():
    # Σ_i W[l][i, j]·δ_i over the neurons i of layer l is the ∂C/∂a of neuron j below.
    state = at(NETWORKS["tanh 2-3-3-2"](), 6)
    for l in (2, 3):
        for j in range(state.spec.sizes[l - 1]):
            handed = sum(blame_terms(state, l, i)["passed_back"][j][1] for i in range(state.spec.sizes[l]))
            arrived = sum(v for _, v in blame_terms(state, l - 1, j)["incoming"])
            assert handed == pytest.approx(arrived, rel=1e-12)


def test_with_weight_decay_the_edge_adds_lambda_w():
    state = at(lesson((2, 2, 1), ("sigmoid", "sigmoid"), "squared_error", seed=1, decay=0.3), 4)
    params, passes, _ = shown_passes(state)
    outgoing = [v for _, v in blame_terms(state, 1, 0)["outgoing"]]
    assert np.allclose(np.array(outgoing) + 0.3 * params.W[1][0], passes.bwd.grad_W[1][0], rtol=1e-12)


def test_blame_fades_toward_the_inputs_in_the_deep_sigmoid_network():
    state = engine.full_step(engine.PRESETS["deep_sigmoid"].state())
    rows = layer_blame(state)
    assert [n for n, _ in rows] == ["Hidden 1", "Hidden 2", "Hidden 3", "Hidden 4", "Hidden 5", "Output"]
    means = [v for _, v in rows]
    assert means[0] < means[-1] / 100  # 2.4e−5 against 0.133: each sigmoid slope is at most 1/4
    assert all(a < b for a, b in pairwise(means))
    _, passes, _ = shown_passes(state)
    assert means[2] == pytest.approx(float(np.mean(np.abs(passes.bwd.delta[3][0]))))
    fig = layer_blame_figure(state)
    assert fig["layout"]["yaxis"]["type"] == "log"
    assert "fades toward the inputs" in fig["layout"]["annotations"][0]["text"]
    assert fig["data"][0]["x"] == ["H1", "H2", "H3", "H4", "H5", "Out"]
    assert fig["data"][0]["text"] == [num(v) for v in means]


def test_layer_blame_figure_follows_the_phase():
    assert layer_blame_figure(default())["layout"]["annotations"][0]["text"] == NOT_YET
    fig = layer_blame_figure(at(default(), BACKWARD_2))
    assert fig["data"][0]["y"][0] is None and fig["data"][0]["text"] == ["?", num(0.098070)]
    assert "not reached yet: Hidden 1" in fig["layout"]["annotations"][0]["text"]
    fig = layer_blame_figure(at(default(), BACKWARD_1))
    # mean |δ| of hidden 1 = (0.016322 + 0.009219) / 2 = 0.012770: a linear axis (7.7×, not 100×)
    assert fig["data"][0]["y"] == pytest.approx([0.012770, 0.098070], abs=1e-6)
    assert fig["layout"]["yaxis"]["type"] == "linear"
    assert "1/7.7" in fig["layout"]["annotations"][0]["text"]


def test_blame_figure_of_a_hidden_neuron():
    state = at(default(), BACKWARD_1)
    fig = blame_figure(state, 1, 0)
    top, bottom = fig["data"]
    assert top["y"] == ["o₁", "δ = Σ·f′(z)"]
    assert top["x"] == pytest.approx([-0.068649, -0.016322], abs=1e-6)
    assert bottom["y"] == ["x₁", "x₂"]
    assert bottom["x"] == [v for _, v in blame_terms(state, 1, 0)["outgoing"]]
    assert top["text"] == [f"{MINUS}0.069", f"{MINUS}0.016"] and bottom["text"] == [f"{MINUS}0.016", f"{MINUS}0.008"]
    assert all(t["type"] == "bar" and t["orientation"] == "h" for t in fig["data"])
    assert top["marker"]["color"] == bottom["marker"]["color"] == palette.BLAME
    layout = fig["layout"]
    headings = [a["text"] for a in layout["annotations"]]
    assert headings == ["Blame arriving (w·δ from the next layer)", "Blame handed to each input (a_in·δ = ∂C/∂w)"]
    assert layout["xaxis"]["title"]["text"] and layout["xaxis2"]["title"]["text"] == "a_in·δ = ∂C/∂w"
    assert layout["xaxis"]["range"] == layout["xaxis2"]["range"]  # one scale: bar lengths compare
    assert layout["yaxis"]["domain"][0] > layout["yaxis2"]["domain"][1]
    json.dumps(fig, allow_nan=False)


def test_blame_figure_of_the_output_shows_the_loss_slope():
    fig = blame_figure(at(default(), BACKWARD_2), 2, 0)
    top, bottom = fig["data"]
    assert top["y"] == ["∂C/∂o₁", "δ = ∂C/∂o·f′"]
    assert top["x"] == pytest.approx([-0.406497, -0.098070], abs=1e-6)  # o − t, then × σ′(z_o)
    assert bottom["y"] == ["h₁", "h₂"]
    bce = at(lesson((2, 3, 1), ("tanh", "sigmoid"), "bce", seed=4), 3)
    top, _ = blame_figure(bce, 2, 0)["data"]
    assert top["y"] == ["δ = o₁ − t"] and len(top["x"]) == 1
    two = at(lesson((2, 3, 2), ("tanh", "sigmoid"), "bce", seed=4), 3)  # BCE is averaged over the outputs
    assert blame_figure(two, 2, 1)["data"][0]["y"] == ["δ = (o₂ − t)/2"]


@pytest.mark.parametrize("steps", [0, 3])
def test_a_softmax_output_takes_p_minus_t_in_every_phase(steps):
    # Cross-entropy after a softmax: the engine's δ is p − t straight from z, so the picture shows that
    # one bar, never a ∂C/∂o and a softmax′ the backward pass does not compute.
    for state in walk(engine.train_steps(engine.PRESETS["three_classes"].state(), steps)):
        _, passes, shown = shown_passes(state)
        L = state.spec.n_layers
        p, t, d = passes.fwd.a[L][0], passes.y[0], passes.bwd.delta[L][0]
        for k in range(3):
            fig, note = blame_figure(state, L, k), blame_note(state, L, k)
            if shown.backward_from > L:
                assert fig["data"] == [] and note == NOT_YET + "."
                continue
            assert d[k] == pytest.approx(p[k] - t[k], abs=1e-15)
            top, bottom = fig["data"]
            assert top["y"] == [f"δ = o{sub(k + 1)} − t{sub(k + 1)}"] and top["x"] == [float(d[k])]
            assert not any("∂C/∂o" in label for label in top["y"])
            assert fig["layout"]["xaxis"]["title"]["text"] == "δ = ∂C/∂z"
            assert bottom["x"] == pytest.approx(passes.bwd.grad_W[L][k].tolist(), rel=1e-12, abs=1e-300)
            assert blame_figure_height(state, L, k) == blame_figure_height(state, L, 0)  # one bar above the inputs'
            assert note.startswith(f"o{sub(k + 1)} gave class {'ABC'[k]} a probability of {num(float(p[k]))} "
                                   f"where the target is {num(float(t[k]))}, so its share of the blame is "
                                   f"δ = {num(float(p[k]))} − {num(float(t[k]))} = {num(float(d[k]), True)}.")


def test_blame_figure_waits_for_the_backward_phase():
    for index in (-1, 0, 1, 2, BACKWARD_2):
        state = at(default(), index)
        fig = blame_figure(state, 1, 0)
        assert fig["data"] == [] and fig["layout"]["annotations"][0]["text"] == NOT_YET
        assert blame_note(state, 1, 0) == NOT_YET + "."
    assert blame_figure(at(default(), BACKWARD_2), 2, 0)["data"]  # the output's δ is known by then
    assert blame_figure(at(default(), UPDATE), 1, 0)["data"]


def test_blame_figure_height_grows_with_the_bars():
    state = at(NETWORKS["tanh 2-3-3-2"](), 6)
    small, big = blame_figure_height(state, 1, 0), blame_figure_height(state, 2, 0)  # 3 + 1 over 2 bars; 2 + 1 over 3
    assert big == small and blame_figure_height(state, 3, 0) < small  # the output: 2 + 3 bars
    assert blame_figure_height(default(), 1, 0) == 160


def test_blame_note_names_the_most_active_input():
    state = at(default(), BACKWARD_1)
    note = blame_note(state, 1, 0)
    assert note == (f"h₁'s share of the blame is δ = {MINUS}0.016. The weight from x₁ takes the most, "
                    f"∂C/∂w = {MINUS}0.016: it was the most active input (a = 1.000, the largest |a|; next x₂: 0.500).")
    note = blame_note(state, 2, 0)
    assert "from h₂ takes the most" in note and "a = 0.622" in note and "next h₁: 0.611" in note
    assert "input" in blame_note(state, 0, 0)


def test_blame_note_with_a_dead_relu():
    state = lesson((2, 2, 1), ("relu", "sigmoid"), "squared_error", seed=2)
    W = [None, np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([[0.5, 0.5]])]
    b = [None, np.array([0.1, -5.0]), np.array([0.0])]
    state = state.replace(params=engine.Params(tuple(W), tuple(b)))
    state = at(state, 4)
    # h2 = ReLU(negative) = 0 feeds o1 nothing; and h2's own δ is 0 (ReLU′ = 0).
    assert "hands none" in blame_note(state, 1, 1)
    assert "from h₁ takes the most" in blame_note(state, 2, 0)


@pytest.mark.parametrize("name", list(engine.PRESETS))
def test_figures_are_plain_json_in_every_phase(name):
    for state in walk(engine.PRESETS[name].state()):
        for l, i in [(1, 0), (state.spec.n_layers, 0)]:
            json.dumps(blame_figure(state, l, i), allow_nan=False)
            assert isinstance(blame_note(state, l, i), str)
        json.dumps(layer_blame_figure(state), allow_nan=False)
