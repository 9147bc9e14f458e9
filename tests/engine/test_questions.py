"""Predict, then reveal: every question's right answer is what the engine's next move shows.

Each question is checked against the engine's own numbers, found here a second way (the passes of
the state the next phase reveals), over every lesson and every phase of its first two steps, and on
random networks. The reason's words carry those numbers as the page writes them (components.numbers.num).
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from components.numbers import num
from components.predict import digits_to_tell, why
from engine import LabInputError, LabState
from engine.questions import DIRECTIONS, MAX_CHOICES, SIGNS, check, question


def moments(state: LabState, steps: int = 2):
    """The state before each phase of the first `steps` training steps."""
    for _ in range(steps * state.cursor.n_phases):
        yield state
        state = engine.advance(state)


def truth(state: LabState, q) -> None:
    """Assert that q's numbers and right answers are the engine's, worked out independently."""
    nxt = engine.advance(state)
    assert q.index == state.cursor.next().index == nxt.cursor.index
    assert q.phase == nxt.cursor.phase
    assert 2 <= len(q.choices) <= MAX_CHOICES and len(q.values) == len(q.choices)
    assert q.right and all(0 <= i < len(q.choices) for i in q.right)
    passes = engine.example_passes(nxt)
    if q.kind == "active":
        (l,) = q.subject
        a = passes.fwd.a[l][0]
        assert q.phase.kind == "forward" and q.phase.layer == l
        assert q.values == tuple(float(a[i]) for i in q.choices)
        best = max(range(len(q.choices)), key=lambda k: q.values[k])
        assert best in q.right
    elif q.kind == "loss":
        after = engine.full_step(state)
        before_c, after_c = after.last_update.cost_before, after.last_update.cost_after
        assert q.values == (before_c, after_c)
        assert q.choices == DIRECTIONS
        assert q.right == ((0,) if after_c < before_c else (1,))
        # The cost before is the batch's, as the backward pass on it measures it.
        assert before_c == pytest.approx(engine.batch_passes(state).bwd.cost, rel=1e-12)
    elif q.kind == "sign":
        l, j = q.subject
        d = float(passes.bwd.delta[l][0, j])
        assert q.choices == SIGNS and d != 0
        assert q.right == ((0,) if d > 0 else (1,))
        t = q.terms
        assert t["delta"] == d
        if t["rule"] == "hidden":
            assert t["sum"] * t["slope"] == pytest.approx(d, rel=1e-9, abs=1e-300)
            assert t["slope"] >= 0  # every hidden activation rises: the arriving blame decides the sign
        elif t["rule"] == "logits":
            assert t["output"] - t["target"] == pytest.approx(d, rel=1e-9, abs=1e-12)
        else:
            assert t["dc_da"] * t["slope"] == pytest.approx(d, rel=1e-9, abs=1e-300)
    elif q.kind == "blame":
        l, j = q.subject
        g = passes.bwd.grad_W[l][j]
        assert q.values == tuple(float(g[i]) for i in q.choices)
        for k, i in enumerate(q.choices):  # ∂C/∂w = a_in · δ, on the example the picture shows
            assert q.values[k] == pytest.approx(float(passes.fwd.a[l - 1][0, i]) * q.terms["delta"], rel=1e-12, abs=1e-300)
        best = max(range(len(q.choices)), key=lambda k: abs(q.values[k]))
        assert best in q.right
    else:
        assert q.kind == "move" and nxt.cursor.at_update
        moves = tuple(float(nxt.params.W[l][r, c] - state.params.W[l][r, c]) for l, r, c in q.choices)
        assert q.values == moves
        best = max(range(len(q.choices)), key=lambda k: abs(moves[k]))
        assert best in q.right
        if state.train.optimizer == "sgd":  # Δw = −η·ḡ, the batch's mean gradient
            for k, (l, r, c) in enumerate(q.choices):
                assert moves[k] == pytest.approx(-state.train.learning_rate * q.terms["grad"][k], rel=1e-9, abs=1e-15)
    # The checker agrees, for every choice.
    for i in range(len(q.choices)):
        assert check(q, i) is (i in q.right)


def reason_has_the_numbers(q, n_layers: int) -> None:
    text = why(q, n_layers)
    i = q.right[0]
    if q.kind == "active":
        d = digits_to_tell(q.values, q.right)
        assert all(num(v, digits=d) in text for v in q.values)
        assert f"a = {num(q.values[i], digits=d)} is the largest" in text
    elif q.kind == "loss":
        d = digits_to_tell(q.values, (0,))
        assert f"before the update {num(q.values[0], digits=d)}, after it {num(q.values[1], digits=d)}" in text
        assert text.endswith("down." if q.right == (0,) else "up.")
    elif q.kind == "sign":
        assert num(q.terms["delta"], digits=digits_to_tell((q.terms["delta"], 0.0), (0,))) in text
        assert text.split(": ")[1].startswith("positive" if q.right == (0,) else "negative")
    elif q.kind == "blame":
        d = digits_to_tell([abs(v) for v in q.values], q.right)
        assert f"= {num(q.values[i], digits=d)}, the largest |∂C/∂w|" in text
    else:
        d = digits_to_tell([abs(v) for v in q.values], q.right)
        assert f"{num(q.values[i], signed=True, digits=d)}" in text


@pytest.mark.parametrize("name", list(engine.PRESETS))
def test_every_question_of_every_lesson_is_answered_by_the_engine(name):
    state = engine.PRESETS[name].state()
    kinds = set()
    for s in moments(state):
        q = question(s)
        if q is not None:
            truth(s, q)
            reason_has_the_numbers(q, s.spec.n_layers)
            kinds.add(q.kind)
    assert "loss" in kinds and "move" in kinds and kinds & {"sign", "blame"}


def test_the_default_lessons_first_questions_by_hand():
    state = engine.PRESETS["default"].state()
    q = question(state)
    # h₁: z = 0.5·1 + (−0.3)·0.5 + 0.1 = 0.45, σ = 0.611; h₂: z = 0.2·1 + 0.8·0.5 − 0.1 = 0.5, σ = 0.622.
    assert q.kind == "active" and q.choices == (0, 1) and q.right == (1,)
    assert why(q, 2) == "a = 0.622 is the largest of 0.611, 0.622."
    loss = question(engine.advance(engine.advance(state)))
    assert loss.kind == "loss" and loss.right == (0,)
    assert why(loss, 2) == "C on this step's example: before the update 0.083, after it 0.066: down."


def test_the_same_moment_asks_the_same_question():
    for name in ("circle", "three_classes", "deep_sigmoid"):
        for s in moments(engine.PRESETS[name].state(), 1):
            again = LabState.from_json(s.to_json())
            assert question(again) == question(s) or (question(s) is None and question(again) is None)


def test_the_draw_moves_with_the_moment():
    """Another step or another seed may ask about another neuron: the choice is drawn, not fixed."""
    s = engine.PRESETS["deep_sigmoid"].state()
    asked = {question(engine.train_steps(s, k)).choices for k in range(6)}
    assert len(asked) > 1


def test_a_diverged_lab_and_a_lone_neuron_ask_nothing():
    s = engine.PRESETS["local_minimum"].state()
    assert question(s) is None  # forward into a layer of one neuron: nothing to choose from
    assert question(s.replace(diverged="Training stopped.")) is None


@pytest.mark.parametrize("junk", [-1, 2, 1.0, True, "1", None, [0]])
def test_check_refuses_what_is_no_choice(junk):
    q = question(engine.PRESETS["default"].state())
    with pytest.raises(LabInputError):
        check(q, junk)


@st.composite
def labs(draw):
    """A random network on generated data, part-way through a step."""
    hidden = tuple(draw(st.lists(st.integers(1, 6), min_size=0, max_size=3)))
    act = draw(st.sampled_from(engine.HIDDEN_ACTIVATIONS))
    out, loss = draw(st.sampled_from([("sigmoid", "squared_error"), ("sigmoid", "bce"), ("linear", "squared_error"),
                                      ("tanh", "squared_error")]))
    seed = draw(st.integers(0, 10_000))
    spec = engine.NetworkSpec((2, *hidden, 1), (act,) * len(hidden) + (out,), loss, "xavier")
    data = engine.DataSpec("xor", n_points=40, noise=0.1, test_fraction=0.0, seed=seed)
    optimizer = draw(st.sampled_from(tuple(engine.OPTIMIZERS)))
    train = engine.TrainConfig(optimizer, draw(st.sampled_from([0.03, 0.3, 3.0])),
                               batch_size=draw(st.sampled_from([1, 10])))
    state = LabState("random", seed, spec, engine.init_params(spec, np.random.default_rng(seed)), train, data)
    for _ in range(draw(st.integers(0, state.cursor.n_phases - 1))):
        state = engine.advance(state)
    return state


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(labs())
def test_questions_on_random_networks_are_answered_by_the_engine(state):
    q = question(state)
    if q is not None:
        truth(state, q)
        reason_has_the_numbers(q, state.spec.n_layers)
