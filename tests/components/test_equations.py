"""The equations panel against a hand calculation, the engine's own numbers and the graph's labels.

The default lesson: 2-2-1, sigmoid everywhere, squared error ½(o − t)², x = (1, 0.5), t = 1,
W1 = [[0.5, −0.3], [0.2, 0.8]], b1 = (0.1, −0.1), W2 = [[0.7, −0.4]], b2 = 0.2.

    z_h1 = 0.5·1 + (−0.3)·0.5 + 0.1 = 0.45        h1 = σ(0.45) = 0.610639  → "0.611"
    z_h2 = 0.2·1 + 0.8·0.5 − 0.1 = 0.5            h2 = σ(0.5)  = 0.622459  → "0.622"
    z_o  = 0.7·0.610639 − 0.4·0.622459 + 0.2 = 0.378464;   o = σ(z_o) = 0.593503 → "0.594"
    ∂C/∂o = o − t = −0.406497;  σ′(z_o) = o(1 − o) = 0.241257
    δ_o  = −0.406497 · 0.241257 = −0.098070                                    → "−0.098"
    ∂C/∂h1 = 0.7 · (−0.098070) = −0.068649;  σ′(z_h1) = 0.610639 · 0.389361 = 0.237759
    δ_h1 = −0.068649 · 0.237759 = −0.016322                                    → "−0.016"
    ∂C/∂W1[0,0] = x1 · δ_h1 = −0.016322, the chain −0.406497 · 0.241257 · 0.7 · 0.237759 · 1
"""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from components.equations import (
    chain_factors,
    chain_rule_markdown,
    equations_markdown,
    gradient_check,
    gradient_check_markdown,
    neuron_equations,
    shown_passes,
)
from components.network_view import network_view
from components.numbers import MINUS, num
from components.tex import term
from components.update_maths import update_terms
from engine import ParamRef
from engine.activations import ACTIVATIONS
from engine.losses import refusal

# Cursor indices of the default lesson (L = 2): −1 ready, 0 forward 1, 1 forward 2, 2 loss,
# 3 backward 2, 4 backward 1, 5 update.
READY, FORWARD_1, FORWARD_2, LOSS, BACKWARD_2, BACKWARD_1, UPDATE = range(-1, 6)


def default():
    return engine.PRESETS["default"].state()


def at(state, index):
    """The state with the cursor at `index` of the current step (−1, ready, only before the first)."""
    assert index >= state.cursor.index or index >= 0
    while state.cursor.index != index:
        state = engine.advance(state)
    return state


def walk(state):
    """The state at every phase of one step: ready, forward 1 … L, loss, backward L … 1, update."""
    states = [state]
    for _ in range(state.cursor.n_phases):
        states.append(engine.advance(states[-1]))
    return states


def lesson(sizes, activations, loss, seed=0, decay=0.0, penalty="l2", y=None):
    """A one-example lesson with random weights, biases, input and target (targets in (0, 1) for BCE,
    one class of the outputs, one-hot, for cross-entropy; or `y`), its weights penalised at rate
    `decay` by `penalty` (engine/penalties.py)."""
    spec = engine.NetworkSpec(sizes, activations, loss, "uniform", init_scale=1.0)
    rng = np.random.default_rng(seed)
    params = engine.init_params(spec, rng)
    params = engine.Params(params.W, (None,) + tuple(rng.uniform(-0.5, 0.5, b.shape) for b in params.b[1:]))
    x = tuple(float(v) for v in rng.uniform(-1.5, 1.5, sizes[0]))
    low = 0.05 if loss == "bce" else -1.0
    if y is None:
        y = tuple(float(v) for v in rng.uniform(low, 0.95, sizes[-1]))
        if loss == "cross_entropy":
            true = int(rng.integers(sizes[-1]))
            y = tuple(float(k == true) for k in range(sizes[-1]))
    data = engine.DataSpec(name="explicit", x=(x,), y=(y,), test_fraction=0.0, seed=seed, kind="regression")
    train = engine.TrainConfig("sgd", 0.5, batch_size=1, weight_decay=decay, penalty=penalty)
    return engine.LabState("test lesson", seed, spec, params, train, data)


NETWORKS = {
    "default": default,
    "worked_example": lambda: engine.PRESETS["worked_example"].state(),
    "tanh 2-3-3-2": lambda: lesson((2, 3, 3, 2), ("tanh", "tanh", "tanh"), "squared_error", seed=3),
    "bce sigmoid 2-3-1": lambda: lesson((2, 3, 1), ("tanh", "sigmoid"), "bce", seed=4),
    "bce sigmoid 3-2-2 relu": lambda: lesson((3, 2, 2), ("relu", "sigmoid"), "bce", seed=5),
    "circle (bce, many examples)": lambda: engine.PRESETS["circle"].state(),
    "one path through two layers": lambda: lesson((2, 2, 1, 1), ("leaky_relu", "tanh", "linear"), "mse", seed=6),
    "three_classes (softmax, cross-entropy)": lambda: engine.PRESETS["three_classes"].state(),
    "softmax 3-2-4 relu": lambda: lesson((3, 2, 4), ("relu", "softmax"), "cross_entropy", seed=7),
}


def edge_gradient(state, ref):
    """The ∂C/∂p the graph shows for this parameter: the passes it draws, after the update the old ones."""
    _, passes, _ = shown_passes(state)
    return ref.gradient(passes.bwd.grad_W, passes.bwd.grad_b)


# ---------------------------------------------------------------- shown_passes


def test_shown_passes_are_the_graphs_passes_in_every_phase():
    state = engine.train_steps(default(), 2)  # weights that have moved, so "before the update" differs
    for s in walk(state):
        params, passes, revealed = shown_passes(s)
        assert revealed == s.cursor.revealed()
        view = network_view(s)
        node = {n["id"]: n for n in view["nodes"]}
        for l in range(s.spec.n_layers + 1):
            for i in range(s.spec.sizes[l]):
                if l <= revealed.forward_to:
                    assert node[f"n{l}-{i}"]["text"] == num(float(passes.fwd.a[l][0, i]), digits=2)
        if revealed.updated:
            assert params is s.last_update.params_before
        else:
            assert params is s.params


# ---------------------------------------------------------------- one neuron, by hand


def test_hidden_neuron_written_out_with_the_hand_numbers():
    text = neuron_equations(at(default(), BACKWARD_1), 1, 0)
    # z_h1 = 0.5·1 + (−0.3)·0.5 + 0.1 = 0.45, term by term
    assert rf"&= 0.500 \cdot 1.000 + ({MINUS}0.300) \cdot 0.500 + 0.100" in text
    assert "&= +0.450" in text
    assert r"\sigma(z_{h_{1}})" in text and "&= 0.611" in text  # σ(0.45) = 0.610639
    assert r"\frac{1}{1 + e^{-z}}" in text  # the sigmoid's real formula
    # ∂C/∂h1 = w·δ_o = 0.7 · (−0.098070) = −0.068649
    assert rf"&= 0.700 \cdot ({MINUS}0.098)" in text and f"&= {MINUS}0.069" in text
    # σ′(z_h1) = h1(1 − h1) = 0.610639 · 0.389361 = 0.237759
    assert r"h_{1}(1 - h_{1}) = 0.611\,(1 - 0.611) = 0.238" in text
    assert rf"&= ({MINUS}0.069) \cdot 0.238" in text and f"&= {MINUS}0.016" in text
    # ∂C/∂b = δ
    assert rf"\frac{{\partial C}}{{\partial b_{{h_{{1}}}}}} &= \delta_{{h_{{1}}}} = {MINUS}0.016" in text
    assert "**h₁** · hidden layer 1, neuron 1 · Sigmoid" in text


def test_output_neuron_shows_both_factors_of_its_delta():
    text = neuron_equations(at(default(), BACKWARD_2), 2, 0)
    # z_o = 0.7·0.610639 + (−0.4)·0.622459 + 0.2 = 0.378464
    assert rf"&= 0.700 \cdot 0.611 + ({MINUS}0.400) \cdot 0.622 + 0.200" in text and "&= +0.378" in text
    # ∂C/∂o = o − t = 0.593503 − 1 = −0.406497; σ′(z_o) = 0.241257; δ = −0.098070
    assert f"o_{{1}} - t_{{1}} = 0.594 - 1.000 = {MINUS}0.406" in text
    assert r"o_{1}(1 - o_{1}) = 0.594\,(1 - 0.594) = 0.241" in text
    assert rf"&= ({MINUS}0.406) \cdot 0.241" in text and f"&= {MINUS}0.098" in text


def test_an_input_is_just_its_value():
    text = neuron_equations(default(), 0, 1)
    assert "x_{2} = 0.500" in text and "input" in text and "?" not in text


def test_values_not_revealed_yet_are_question_marks():
    ready = neuron_equations(default(), 1, 0)
    assert r"z_{h_{1}} &= \;?" in ready and "forward phase" in ready
    assert "0.450" not in ready and "0.611" not in ready
    forward = neuron_equations(at(default(), FORWARD_2), 1, 0)
    assert "&= +0.450" in forward  # the forward pass is known …
    assert r"\delta_{h_{1}} &= \frac{\partial C}{\partial z_{h_{1}}} = \;?" in forward  # … the blame is not
    assert "backward phase" in forward and "0.016" not in forward and "0.098" not in forward
    # After backward 2 the output's δ is known and h1's still is not, exactly as on the graph.
    b2 = at(default(), BACKWARD_2)
    assert f"{MINUS}0.098" in neuron_equations(b2, 2, 0)
    assert r"= \;?" in neuron_equations(b2, 1, 0)
    nodes = {n["id"]: n for n in network_view(b2)["nodes"]}
    assert nodes["n1-0"]["sub"] == "" and nodes["n2-0"]["sub"].startswith(f"δ {MINUS}0.098")


def test_cross_entropy_after_a_sigmoid_says_delta_is_o_minus_t():
    state = at(lesson((2, 3, 1), ("tanh", "sigmoid"), "bce", seed=4), 3)  # backward at the output
    _, passes, _ = shown_passes(state)
    o, t = float(passes.fwd.a[2][0, 0]), float(passes.y[0, 0])
    d = float(passes.bwd.delta[2][0, 0])
    assert d == pytest.approx(o - t, abs=1e-15)
    text = neuron_equations(state, 2, 0)
    assert f"&= {num(o)} - {num(t)}" in text and f"&= {num(d, True)}" in text
    assert "δ = o − t" in text and "cancels" in text
    labels = [label for label, _ in chain_factors(state, "W2[0,1]")]
    assert labels == [r"\frac{\partial C}{\partial z_{o_{1}}}", r"\frac{\partial z_{o_{1}}}{\partial w}"]


# ---------------------------------------------------------------- the chain rule


def test_chain_of_a_hidden_weight_on_the_default_lesson_by_hand():
    factors = chain_factors(at(default(), BACKWARD_1), ParamRef("W", 1, 0, 0))
    assert [label for label, _ in factors] == [
        r"\frac{\partial C}{\partial o_{1}}",
        r"\frac{\partial o_{1}}{\partial z_{o_{1}}}",
        r"\frac{\partial z_{o_{1}}}{\partial h_{1}}",
        r"\frac{\partial h_{1}}{\partial z_{h_{1}}}",
        r"\frac{\partial z_{h_{1}}}{\partial w}",
    ]
    # o − t, σ′(z_o), the weight h1 → o, σ′(z_h1), x1
    assert [v for _, v in factors] == pytest.approx([-0.406497, 0.241257, 0.7, 0.237759, 1.0], abs=1e-6)
    assert math.prod(v for _, v in factors) == pytest.approx(-0.016322, abs=1e-6)


def test_chain_of_an_output_weight_and_of_a_bias():
    state = at(default(), BACKWARD_1)
    factors = chain_factors(state, "W2[0,1]")
    assert [v for _, v in factors] == pytest.approx([-0.406497, 0.241257, 0.622459], abs=1e-6)  # … · h2
    bias = chain_factors(state, "b1[1]")
    assert bias[-1] == (r"\frac{\partial z_{h_{2}}}{\partial b}", 1.0)
    assert [v for _, v in bias] == pytest.approx([-0.406497, 0.241257, -0.4, 0.235004, 1.0], abs=1e-6)


def test_several_paths_use_the_summed_blame():
    # The classic worked example (2-2-2): blame reaches a hidden neuron from both outputs.
    state = at(engine.PRESETS["worked_example"].state(), 4)
    factors = chain_factors(state, "W1[0,0]")
    assert [label for label, _ in factors] == [
        r"\frac{\partial C}{\partial h_{1}}",
        r"\frac{\partial h_{1}}{\partial z_{h_{1}}}",
        r"\frac{\partial z_{h_{1}}}{\partial w}",
    ]
    _, passes, _ = shown_passes(state)
    summed = sum(float(state.params.W[2][k, 0] * passes.bwd.delta[2][0, k]) for k in range(2))
    assert factors[0][1] == pytest.approx(summed, rel=1e-12)
    # The published walk-through's numbers: ∂E/∂w1 = 0.000438568, ∂E/∂w5 = 0.082167041.
    assert math.prod(v for _, v in factors) == pytest.approx(0.000438568, abs=1e-9)
    assert math.prod(v for _, v in chain_factors(state, "W2[0,0]")) == pytest.approx(0.082167041, abs=1e-9)
    assert "along 2 paths" in chain_rule_markdown(state, "W1[0,0]")


@pytest.mark.parametrize("name", list(NETWORKS))
def test_the_chain_multiplies_to_the_edge_gradient_in_every_phase(name):
    start = engine.train_steps(NETWORKS[name](), 1)
    for state in walk(start):
        for ref in engine.all_refs(state.spec):
            product = math.prod(v for _, v in chain_factors(state, ref))
            assert product == pytest.approx(edge_gradient(state, ref), rel=1e-12, abs=1e-300)


def test_the_product_reads_exactly_as_the_graphs_edge_label():
    state = at(default(), BACKWARD_1)
    edges = {e["id"]: e for e in network_view(state)["edges"]}
    for ref in engine.all_refs(state.spec):
        if ref.kind != "W":
            continue
        g = edge_gradient(state, ref)
        assert edges[str(ref)]["grad"] == f"∂ {num(g, True, 3)}"
        text = chain_rule_markdown(state, ref)
        assert f"&= {num(g, True, 3)}\n" in text
        assert f"on the edge from {ref_words(state, ref)}: **{num(g, True, 3)}**" in text


def ref_words(state, ref):
    from components.network_view import neuron_name

    L = state.spec.n_layers
    return f"{neuron_name(ref.layer - 1, ref.col, L)} to {neuron_name(ref.layer, ref.row, L)}"


def test_chain_before_the_backward_phase_shows_the_forward_factors_only():
    text = chain_rule_markdown(at(default(), FORWARD_2), "W1[0,1]")
    assert r"\frac{\partial C}{\partial w} &= \frac{\partial C}{\partial o_{1}} \cdot " in text
    # ∂C/∂o needs the loss, and h1's slope and x2 are known; the product waits for the backward phase.
    assert r"&= ? \cdot 0.241 \cdot 0.700 \cdot 0.238 \cdot 0.500" in text
    assert r"&= \;?" in text and "has not reached layer 1" in text
    text = chain_rule_markdown(at(default(), BACKWARD_2), "W1[0,1]")
    assert rf"&= ({MINUS}0.406) \cdot 0.241 \cdot 0.700 \cdot 0.238 \cdot 0.500" in text
    assert r"&= \;?" in text  # every factor known, but the graph has no gradient on this edge yet
    assert f"{MINUS}0.008" not in text


def test_weight_decay_adds_lambda_w_to_the_chain():
    state = at(lesson((2, 2, 1), ("sigmoid", "sigmoid"), "squared_error", seed=1, decay=0.3), 4)
    params, _, _ = shown_passes(state)
    for ref in engine.all_refs(state.spec):
        product = math.prod(v for _, v in chain_factors(state, ref))
        decay = 0.3 * ref.get(params) if ref.kind == "W" else 0.0  # biases are never decayed
        assert product + decay == pytest.approx(edge_gradient(state, ref), rel=1e-12)
    text = chain_rule_markdown(state, "W1[0,0]")
    assert r"+ \lambda w" in text and "L2 penalty's term λw" in text


def test_an_l1_penalty_adds_lambda_sign_w_to_the_chain():
    state = at(lesson((2, 2, 1), ("tanh", "sigmoid"), "squared_error", seed=2, decay=0.3, penalty="l1"), 4)
    params, _, _ = shown_passes(state)
    for ref in engine.all_refs(state.spec):
        product = math.prod(v for _, v in chain_factors(state, ref))
        penalty = 0.3 * np.sign(ref.get(params)) if ref.kind == "W" else 0.0
        assert product + penalty == pytest.approx(edge_gradient(state, ref), rel=1e-12)
    text = chain_rule_markdown(state, "W1[0,0]")
    assert r"+ \lambda \operatorname{sign}(w)" in text and "L1 penalty's term λ·sign(w)" in text
    assert r"0.300 \cdot \operatorname{sign}(" in text


@st.composite
def random_lessons(draw):
    n_in = draw(st.integers(1, 3))
    hidden = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))
    loss = draw(st.sampled_from(tuple(engine.LOSSES)))
    acts = tuple(draw(st.sampled_from(engine.HIDDEN_ACTIVATIONS)) for _ in hidden)
    out = draw(st.sampled_from(tuple(a for a in engine.ACTIVATIONS if not refusal(loss, a))))
    n_out = draw(st.integers(2 if ACTIVATIONS[out].output_only else 1, 3))  # a softmax shares among 2 or more
    state = lesson((n_in, *hidden, n_out), (*acts, out), loss, seed=draw(st.integers(0, 2**16)))
    if draw(st.booleans()):
        state = engine.full_step(state)
    for _ in range(draw(st.integers(0, state.cursor.n_phases))):
        state = engine.advance(state)
    return state


@settings(max_examples=80, deadline=None)
@given(random_lessons())
def test_the_chain_is_the_gradient_on_random_networks(state):
    for ref in engine.all_refs(state.spec):
        factors = chain_factors(state, ref)
        assert all(np.isfinite(v) for _, v in factors)
        assert math.prod(v for _, v in factors) == pytest.approx(edge_gradient(state, ref), rel=1e-12, abs=1e-300)
    for l in range(1, state.spec.n_layers + 1):  # and every neuron's own panel is well-formed TeX
        for i in range(state.spec.sizes[l]):
            for tex, _ in maths(neuron_equations(state, l, i)):
                check_tex(tex)


# ---------------------------------------------------------------- gradient check


@pytest.mark.parametrize("name", list(NETWORKS))
def test_gradient_check_agrees_on_the_example_shown(name):
    state = at(NETWORKS[name](), 2 * NETWORKS[name]().spec.n_layers)  # the last backward phase
    for ref in engine.all_refs(state.spec):
        check = gradient_check(state, ref)
        assert set(check) == {"backprop", "numeric", "relative"}
        assert check["backprop"] == edge_gradient(state, ref)
        if abs(check["backprop"]) > 1e-5:
            assert check["relative"] < 1e-6
        else:  # too small a slope for a relative difference to mean much: the nudge rounds
            assert abs(check["backprop"] - check["numeric"]) < 1e-10


def test_gradient_check_uses_the_example_not_the_training_set():
    state = engine.PRESETS["circle"].state().replace(example=3)
    ref = ParamRef("W", 1, 0, 1)
    check = gradient_check(state, ref)
    example = engine.example_passes(state)
    assert check["backprop"] == ref.gradient(example.bwd.grad_W, example.bwd.grad_b)
    whole = engine.gradient_check(state, ref)
    assert check["backprop"] != pytest.approx(whole.backprop, rel=1e-3)  # one example is not the mean
    assert check["relative"] < 1e-6


def test_gradient_check_markdown():
    state = at(default(), BACKWARD_1)
    check = gradient_check(state, "W1[0,0]")
    text = gradient_check_markdown(state, "W1[0,0]")
    assert f"| backprop (chain rule) | {num(check['backprop'], True, 8)} |" in text
    assert f"{MINUS}0.01632199" in text  # δ_h1 · x1 = −0.0163220 to eight decimals
    assert f"| relative difference | {num(check['relative'])} |" in text
    assert "agree" in text and "true slope" in text
    early = gradient_check_markdown(at(default(), LOSS), "W1[0,0]")
    assert "| backprop (chain rule) | ? |" in early and "?" not in early.split("nudge")[1].split("|")[2]


# ---------------------------------------------------------------- the whole panel


def test_panel_names_the_parameter_like_the_graph():
    state = at(default(), BACKWARD_1)
    assert equations_markdown(state, "W2[0,0]").startswith("### w from h₁ to o₁\n\nw = +0.700")
    assert equations_markdown(state, ParamRef("W", 1, 1, 0)).startswith("### w from x₁ to h₂")
    assert equations_markdown(state, "b1[1]").startswith("### bias of h₂\n\nb = −0.100".replace("−", MINUS))
    text = equations_markdown(state, "W1[0,0]")
    for part in ("**h₁** · hidden layer 1", r"&= 1.000 \cdot " + f"({MINUS}0.016)", "**Chain rule**",
                 "**Gradient check**"):
        assert part in text


def test_after_the_update_the_panel_shows_the_pass_that_led_to_it():
    state = at(default(), UPDATE)
    text = equations_markdown(state, "W2[0,0]")
    # W2[0,0] moved from 0.7 by −η·∂C/∂w = +0.059886 to 0.759886, as the edge reads "+0.70→+0.76".
    assert "w = +0.700 before the update, +0.760 after it" in text
    assert r"&= 0.700 \cdot 0.611" in text  # z_o of the pass before the update
    assert f"**{MINUS}0.060**" in text


def engine_numbers(state):
    """Every number the panel may show for this state, each as num() writes it."""
    params, passes, _ = shown_passes(state)
    fwd, bwd, spec = passes.fwd, passes.bwd, state.spec
    values = [1.0, *passes.x.ravel(), *passes.y.ravel()]
    for l in range(1, spec.n_layers + 1):
        df = ACTIVATIONS[spec.activations[l - 1]].df(fwd.z[l])
        values += [*params.W[l].ravel(), *params.b[l], *state.params.W[l].ravel(), *state.params.b[l]]
        values += [*fwd.z[l].ravel(), *fwd.a[l].ravel(), *bwd.delta[l].ravel(), *df.ravel()]
        values += [*bwd.grad_W[l].ravel(), *bwd.grad_b[l]]
        if l < spec.n_layers:
            values += [*(bwd.delta[l + 1] @ params.W[l + 1]).ravel(), *(params.W[l + 1] * bwd.delta[l + 1].T).ravel()]
    values += [v for ref in engine.all_refs(spec) for _, v in chain_factors(state, ref)]
    allowed = {text for v in values for text in (num(float(v)), num(float(v), True))}
    for ref in engine.all_refs(spec):
        check = gradient_check(state, ref)
        allowed |= {num(check["backprop"], True, 8), num(check["numeric"], True, 8), num(check["relative"])}
        update = update_terms(state, ref)
        if update:  # the update written out: four decimals, and the learning rate as chosen
            values = (update.before, update.after, update.batch_gradient, *update.memory.values(),
                      *update.memory_before.values())
            allowed |= {num(v, signed, 4) for v in values for signed in (False, True)}
            allowed.add(f"{update.rate:g}")
    return allowed


NUMBER = re.compile(rf"[+{MINUS}]?\d+\.\d+(?:e[+{MINUS}]\d+)?")
TEX_POWER = re.compile(rf"(\S+) \\times 10\^\{{({MINUS}?)(\d+)\}}")


def numbers_written(markdown: str) -> list[str]:
    """Every number in the panel, with TeX's 1.2 × 10⁻⁵ read back as num() writes it, 1.2e−05."""
    plain = TEX_POWER.sub(lambda m: f"{m[1]}e{m[2] or '+'}{int(m[3]):02d}", markdown)
    return NUMBER.findall(plain)


@pytest.mark.parametrize("index", [READY, FORWARD_2, LOSS, BACKWARD_1, UPDATE])
def test_every_number_on_the_panel_is_an_engine_number(index):
    # After one step the weights are no longer round, so no number matches by luck.
    state = at(default(), index) if index == READY else at(engine.train_steps(default(), 1), index)
    allowed = engine_numbers(state)
    for ref in engine.all_refs(state.spec):
        shown = numbers_written(equations_markdown(state, ref))
        assert shown
        assert set(shown) <= allowed, set(shown) - allowed


# ---------------------------------------------------------------- the TeX itself

# Every command the panel writes, each one latex2mathml turns into MathML (tests/components/test_mathml.py
# converts every panel of every phase): a new one is added here on purpose, and checked there.
TEX_COMMANDS = {"frac", "dfrac", "partial", "cdot", "sigma", "tanh", "max", "mathrm", "text", "textstyle", "sum",
                "delta", "lambda", "quad", "le", "to", "begin", "end", ";", ",", " ", "\\",
                "bar", "eta", "mu", "beta", "hat", "sqrt", "epsilon", "times",  # the update's rules (base TeX)
                "log", "ne"}  # softmax with cross-entropy


def maths(markdown):
    """(TeX, display?) of every formula: display ones between lines holding only $$, inline ones in $…$."""
    display = re.findall(r"^\$\$\n(.*?)\n\$\$$", markdown, re.DOTALL | re.MULTILINE)
    rest = re.sub(r"^\$\$\n.*?\n\$\$$", "", markdown, flags=re.DOTALL | re.MULTILINE)
    assert "$$" not in rest  # a $$ … $$ on one line would be typeset inline by Dash's Markdown
    return [(t, True) for t in display] + [(t, False) for t in re.findall(r"\$([^$\n]+)\$", rest)]


def check_tex(tex):
    depth = 0
    for ch in re.sub(r"\\[{}]", "", tex):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, tex
    assert depth == 0, tex
    commands = set(re.findall(r"\\([A-Za-z]+|[^A-Za-z])", tex))
    assert commands <= TEX_COMMANDS, commands - TEX_COMMANDS
    assert re.findall(r"\\begin\{(\w+)\}", tex) == re.findall(r"\\end\{(\w+)\}", tex)


@pytest.mark.parametrize("name", list(NETWORKS))
def test_the_tex_is_well_formed_in_every_phase(name):
    for state in walk(NETWORKS[name]()):
        texts = [equations_markdown(state, ref) for ref in engine.all_refs(state.spec)]
        texts += [neuron_equations(state, 0, i) for i in range(state.spec.sizes[0])]
        for text in texts:
            found = maths(text)
            assert found
            for tex, _ in found:
                check_tex(tex)


# ---------------------------------------------------------------- softmax with cross-entropy at the output


def three_classes():
    return engine.PRESETS["three_classes"].state()


def line_of(text: str, start: str) -> str:
    """The one line of the panel's TeX that starts with `start`, without its row break."""
    found = [line.removesuffix(" \\\\") for line in text.splitlines() if line.startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


def softmax_by_hand(z, t, k):
    """p = e^z / Σe^z; the column ∂p_j/∂z_k = p_j(δ_jk − p_k) of softmax's Jacobian; each term
    (−t_j/p_j)·∂p_j/∂z_k of ∂C/∂z_k; and C = −Σ t log p: all from z and t alone."""
    e = np.exp(z)
    p = e / e.sum()
    jacobian = np.array([p[j] * ((j == k) - p[k]) for j in range(len(p))])
    return e, p, jacobian, -t / p * jacobian, -float(np.sum(t * np.log(p)))


@pytest.mark.parametrize("steps", [0, 3])
def test_softmax_output_written_out_with_the_engines_numbers_in_every_phase(steps):
    for state in walk(engine.train_steps(three_classes(), steps)):
        _, passes, shown = shown_passes(state)
        L = state.spec.n_layers
        z, t = passes.fwd.z[L][0], passes.y[0]
        p, d = passes.fwd.a[L][0], passes.bwd.delta[L][0]
        true = int(np.argmax(t))
        for k in range(3):
            e, p_hand, jacobian, terms, c_hand = softmax_by_hand(z, t, k)
            assert p == pytest.approx(p_hand, rel=1e-12)  # the engine's probabilities
            text = neuron_equations(state, L, k)
            assert text.startswith(f"**o{'₁₂₃'[k]}** · output layer, class {'ABC'[k]} · Softmax")
            o = f"o_{{{k + 1}}}"
            if shown.forward_to < L:
                assert f"{o} &= \\frac{{e^{{z_{{{o}}}}}}}{{\\sum_j e^{{z_{{o_{{j}}}}}}}} = \\;?" in text
                assert not numbers_written(text)
                continue
            # p_k = e^{z_k} / Σ_j e^{z_j}: the z's, each e^z, the sum, the division
            assert line_of(text, r"\textstyle\sum_j e^{z_{o_{j}}} &=").endswith(
                " + ".join(f"e^{{{num(float(v))}}}" for v in z))
            assert "&= " + " + ".join(num(float(v)) for v in e) + " \\\\\n" in text
            assert f"\\frac{{{num(float(e[k]))}}}{{{num(float(e.sum()))}}}" in line_of(text, f"{o} &=")
            assert f"&= {num(float(p[k]))}\n" in text
            assert ", ".join(f"o{'₁₂₃'[j]} ({'ABC'[j]}) = {num(float(p[j]))}" for j in range(3)) in text
            # C = −Σ t log p = −log p of the example's class, the engine's loss on it
            c = float(passes.bwd.per_example[0])
            assert c == pytest.approx(c_hand, rel=1e-12)
            if not shown.loss:
                assert r"C &= -\textstyle\sum_k t_{k} \log(o_{k}) = \;?" in text and num(c) not in text
            else:
                assert line_of(text, "C &=").endswith(f"= -\\log(o_{{{true + 1}}})")
                assert f"&= -\\log({num(float(p[true]))}) \\\\\n&= {num(c)}\n" in text
                for j in range(3):  # every class's term, each t_k·log(p_k)
                    assert f"{term(float(t[j]))} \\cdot \\log({num(float(p[j]))})" in text
            if shown.backward_from > L:
                assert r"\delta_{" + o + r"} &= \frac{\partial C}{\partial z_{" + o + r"}} = \;?" in text
                assert "Jacobian" not in text
                continue
            # δ_k = Σ_j ∂C/∂p_j · ∂p_j/∂z_k: the Jacobian's column, each term, and p_k − t_k
            assert d[k] == pytest.approx(float(np.sum(terms)), abs=1e-12)
            assert d[k] == pytest.approx(p[k] - t[k], abs=1e-15)
            for j in range(3):
                entry = line_of(text, rf"\frac{{\partial o_{{{j + 1}}}}}{{\partial z_{{{o}}}}} &=")
                assert entry.endswith(f"= {num(float(jacobian[j]), True)}")
                assert f"-\\frac{{{num(float(t[j]))}}}{{{num(float(p[j]))}}} \\cdot {term(float(jacobian[j]))}" in text
            assert "\n&= " + " + ".join(term(float(v)) for v in terms) + " \\\\\n" in text
            assert f"&= {o} - t_{{{k + 1}}} = {num(float(p[k]))} - {num(float(t[k]))} = {num(float(d[k]), True)}" in text
            assert f"\\delta_{{{o}}} = {num(float(d[k]), True)}" in text  # ∂C/∂b = δ, the graph's δ
            assert "Jacobian" in text and "δ = o − t" in text and "after a sigmoid" not in text


def test_every_number_on_the_softmax_panel_is_the_engines_or_softmaxs():
    start = engine.train_steps(three_classes(), 2)
    for index in range(start.cursor.n_phases):
        state = at(start, index)
        _, passes, _ = shown_passes(state)
        L = state.spec.n_layers
        z, t = passes.fwd.z[L][0], passes.y[0]
        allowed = engine_numbers(state) | {num(float(passes.bwd.per_example[0]))}
        for k in range(3):
            e, _, jacobian, terms, _ = softmax_by_hand(z, t, k)
            allowed |= {num(float(v), signed) for v in (*e, e.sum(), *jacobian, *terms) for signed in (False, True)}
        for ref in engine.all_refs(state.spec):
            if ref.layer == L or ref.row == 0:  # the outputs' panels, and a hidden neuron's of each layer
                # Up to the update: Adam's rule writes its own constants (tests/components/test_update_maths.py).
                shown = numbers_written(equations_markdown(state, ref).split("#### The update")[0])
                assert set(shown) <= allowed, (ref, set(shown) - allowed)


def test_softmax_after_targets_that_are_not_one_class():
    # Explicit data may ask for a share of two classes, or targets that do not add up to 1; the engine's
    # δ is then p·Σt − t, and the panel writes the same.
    for y, total in (((0.25, 0.75), None), ((0.5, 1.0), 1.5)):
        state = at(lesson((2, 3, 2), ("tanh", "softmax"), "cross_entropy", seed=8, y=y), 4)
        _, passes, _ = shown_passes(state)
        p, d = passes.fwd.a[2][0], passes.bwd.delta[2][0]
        assert d == pytest.approx(p * sum(y) - np.array(y), abs=1e-15)
        for k in range(2):
            text = neuron_equations(state, 2, k)
            assert r"= -\log(o_" not in text  # no one class to take the log of
            assert f"&= {num(float(passes.bwd.per_example[0]))}\n" in text
            if total is None:
                assert f"= {num(float(p[k]))} - {num(y[k])} = {num(float(d[k]), True)}" in text
            else:
                assert f"= {num(float(p[k]))} \\cdot {num(total)} - {num(y[k])} = {num(float(d[k]), True)}" in text
                assert "o·Σt − t" in text


def test_the_sigmoid_note_is_for_bce_alone():
    bce = neuron_equations(at(lesson((2, 3, 2), ("tanh", "sigmoid"), "bce", seed=4), 3), 2, 0)
    assert "after a sigmoid" in bce and "Jacobian" not in bce
    assert r"\,/\, 2" in bce  # BCE is averaged over its two outputs; cross-entropy over classes is not
    softmax = neuron_equations(at(three_classes(), 4), 3, 0)
    assert "after a sigmoid" not in softmax and r"\,/\," not in softmax


def test_the_chain_of_a_softmax_output_weight_starts_from_delta():
    state = at(three_classes(), 4)
    _, passes, _ = shown_passes(state)
    factors = chain_factors(state, "W3[2,1]")
    assert [label for label, _ in factors] == [r"\frac{\partial C}{\partial z_{o_{3}}}",
                                               r"\frac{\partial z_{o_{3}}}{\partial w}"]
    p, t = passes.fwd.a[3][0, 2], passes.y[0, 2]
    assert [v for _, v in factors] == pytest.approx([p - t, passes.fwd.a[2][0, 1]], rel=1e-12)
