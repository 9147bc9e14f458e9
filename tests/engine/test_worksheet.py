"""The worksheet of one step: its key against numbers worked by hand, against the engine's own step,
and against a student who rounds what they write; the seeded choice of blanks; every lesson."""

import json

import numpy as np
import pytest

import engine
from engine import LabInputError
from engine.activations import ACTIVATIONS
from engine.losses import LOSSES
from engine.passes import uses_logits
from engine.penalties import PENALTIES
from engine.worksheet import DIGITS, KINDS, MAX_BLANKS, choose_blanks, make_worksheet, right

DEFAULT = engine.PRESETS["default"].state


def test_default_lesson_by_hand():
    ws = make_worksheet(DEFAULT())
    v = ws.value
    # z1 = [0.5·1 − 0.3·0.5 + 0.1, 0.2·1 + 0.8·0.5 − 0.1] = [0.45, 0.5]; σ → [0.6106392, 0.6224593]
    assert [v("z", 1, 0), v("z", 1, 1)] == [pytest.approx(0.45, abs=1e-12), pytest.approx(0.5, abs=1e-12)]
    assert v("a", 1, 0) == pytest.approx(0.6106392, abs=1e-7) and v("a", 1, 1) == pytest.approx(0.6224593, abs=1e-7)
    # z2 = 0.7·0.6106392 − 0.4·0.6224593 + 0.2 = 0.3784637; o = σ(0.3784637) = 0.5935025
    assert v("z", 2, 0) == pytest.approx(0.3784637, abs=1e-7) and v("a", 2, 0) == pytest.approx(0.5935025, abs=1e-7)
    # C = ½(0.5935025 − 1)² = 0.0826201
    assert v("loss") == pytest.approx(0.0826201, abs=1e-7)
    # δo = (o − t)·o(1 − o) = −0.4064975 · 0.5935025 · 0.4064975 = −0.0980705
    assert v("delta", 2, 0) == pytest.approx(-0.0980705, abs=1e-7)
    # ∂C/∂w(h1→o) = h1·δo = 0.6106392 · −0.0980705 = −0.0598857; ∂C/∂w(h2→o) = 0.6224593 · −0.0980705 = −0.0610449
    assert v("grad", 2, 0, 0) == pytest.approx(-0.0598857, abs=1e-7)
    assert v("grad", 2, 0, 1) == pytest.approx(-0.0610449, abs=1e-7)
    # δh1 = 0.7·δo·h1(1 − h1) = 0.7 · −0.0980705 · 0.6106392 · 0.3893608 = −0.0163220
    # δh2 = −0.4·δo·h2(1 − h2) = −0.4 · −0.0980705 · 0.6224593 · 0.3775407 = 0.0092188
    assert v("delta", 1, 0) == pytest.approx(-0.0163220, abs=1e-7)
    assert v("delta", 1, 1) == pytest.approx(0.0092188, abs=1e-7)
    # ∂C/∂w(x2→h1) = x2·δh1 = 0.5 · −0.0163220 = −0.0081610
    assert v("grad", 1, 0, 1) == pytest.approx(-0.0081610, abs=1e-7)
    # η = 1: w⁺(h1→o) = 0.7 − 1 · (−0.0598857) = 0.7598857; w⁺(x1→h1) = 0.5 − 1 · (1 · −0.0163220) = 0.5163220
    assert v("update", 2, 0, 0) == pytest.approx(0.7598857, abs=1e-7)
    assert v("update", 1, 0, 0) == pytest.approx(0.5163220, abs=1e-7)
    # The givens are the lesson's own round numbers: nothing was rounded, and SGD on a batch of one
    # is the lab's own update, so the sheet has no note about it.
    assert not ws.rounded and ws.update_note == ""
    assert ws.x == (1.0, 0.5) and ws.t == (1.0,) and ws.W[2] == ((0.7, -0.4),) and ws.b[1] == (0.1, -0.1)


@pytest.mark.parametrize("key", ["default", "worked_example"])
def test_the_key_is_the_labs_own_step_where_the_lab_steps_as_the_sheet_does(key):
    # SGD on a batch of one: the sheet's w⁺ are exactly the weights engine.full_step makes, and every
    # other number is the engine's passes on the example on show.
    state = engine.PRESETS[key].state()
    ws = make_worksheet(state, blanks=MAX_BLANKS, kinds=KINDS)
    after = engine.full_step(state)
    shown = engine.example_passes(state)
    def exact(q):
        l, i, j = q.layer, q.row, q.col
        return {"z": lambda: shown.fwd.z[l][0, i], "a": lambda: shown.fwd.a[l][0, i], "loss": lambda: shown.bwd.cost,
                "delta": lambda: shown.bwd.delta[l][0, i], "grad": lambda: shown.bwd.grad_W[l][i, j],
                "update": lambda: after.params.W[l][i, j]}[q.kind]()

    for q in ws.quantities:
        assert q.value == exact(q), q.key
    assert all(q.blank for q in ws.quantities)  # MAX_BLANKS of every kind: every number is asked for


def test_the_worked_examples_published_updates():
    # The classic walk-through's w5⁺ = 0.35891648 (h1 → o1) and w1⁺ = 0.14978072 (x1 → h1).
    ws = make_worksheet(engine.PRESETS["worked_example"].state())
    assert ws.value("update", 2, 0, 0) == pytest.approx(0.35891648, abs=1e-8)
    assert ws.value("update", 1, 0, 0) == pytest.approx(0.14978072, abs=1e-8)


def test_a_larger_batch_or_another_optimizer_is_said_and_the_sheet_stays_plain_sgd():
    circle = engine.PRESETS["circle"].state()
    ws = make_worksheet(circle, blanks=MAX_BLANKS, kinds=("grad", "update"))
    assert "batch of 10" in ws.update_note and "plain gradient descent on this one example" in ws.update_note
    for q in ws.quantities:
        if q.kind == "update":  # w⁺ = w − η·(this example's ∂C/∂w), from the sheet's own numbers
            assert q.value == pytest.approx(ws.W[q.layer][q.row][q.col] - ws.learning_rate
                                            * ws.value("grad", q.layer, q.row, q.col), abs=1e-15)
    adam = make_worksheet(engine.PRESETS["three_classes"].state())
    assert "Adam" in adam.update_note
    momentum = actions_with(DEFAULT(), optimizer="momentum")
    assert "momentum" in make_worksheet(momentum).update_note


def actions_with(state, **train):
    return state.replace(train=engine.TrainConfig.from_dict(state.train.to_dict() | train))


def test_a_trained_lab_gives_its_weights_rounded_and_says_so():
    state = engine.train_steps(engine.PRESETS["circle"].state(), 20)
    ws = make_worksheet(state)
    assert ws.step == 20 and ws.rounded
    for l in range(1, ws.n_layers + 1):
        np.testing.assert_array_equal(np.array(ws.W[l]), np.round(state.params.W[l], DIGITS))
    # The key is the engine's passes on the rounded numbers, not on the lab's.
    rounded = state.replace(params=engine.Params((None, *(np.array(w) for w in ws.W[1:])),
                                                 (None, *(np.array(b) for b in ws.b[1:]))))
    fwd = engine.forward(rounded.spec, rounded.params, np.array([ws.x]))
    assert ws.value("a", ws.n_layers, 0) == float(fwd.output[0, 0])


def test_the_same_seed_gives_the_same_blanks_and_others_differ():
    state = engine.PRESETS["circle"].state()
    first = [q.key for q in make_worksheet(state, seed=7).blanks]
    assert first == [q.key for q in make_worksheet(state, seed=7).blanks]
    others = {tuple(q.key for q in make_worksheet(state, seed=s).blanks) for s in range(8)}
    assert len(others) == 8
    # Pinned, so a change in how blanks are drawn is seen (a shared link must keep its sheet).
    assert [q.key for q in make_worksheet(DEFAULT(), seed=1).blanks] == [
        "z[1][0]", "a[1][0]", "z[2][0]", "a[2][0]", "delta[1][0]", "grad[1][0,1]", "update[2][0,0]", "update[2][0,1]"]


def test_every_kind_asked_for_gets_its_share():
    state = engine.PRESETS["circle"].state()
    for seed in range(20):
        ws = make_worksheet(state, seed=seed, blanks=9, kinds=("z", "delta", "update"))
        counts = {k: sum(q.kind == k for q in ws.blanks) for k in ("z", "delta", "update")}
        assert counts == {"z": 3, "delta": 3, "update": 3}
        assert all(q.kind in ("z", "delta", "update") for q in ws.blanks)
    # A kind with fewer numbers than its share passes its turn on: the loss is one number.
    ws = make_worksheet(DEFAULT(), blanks=6, kinds=("loss", "z"))
    assert [q.kind for q in ws.blanks].count("loss") == 1 and len(ws.blanks) == 4  # C and all three z
    # Every z, a and δ (3 each), ∂C/∂w and w⁺ (6 each): 21, the loss not being asked for.
    assert len(make_worksheet(DEFAULT(), blanks=MAX_BLANKS).blanks) == 21


def test_choose_blanks_alone():
    found = ["z"] * 5 + ["a"] * 5
    assert choose_blanks(found, ("z", "a"), 4, 3) == choose_blanks(found, ("z", "a"), 4, 3)
    chosen = choose_blanks(found, ("z", "a"), 4, 3)
    assert len(chosen) == 4 and sum(i < 5 for i in chosen) == 2


@pytest.mark.parametrize("key", list(engine.PRESETS))
def test_every_lesson_yields_a_worksheet(key):
    state = engine.PRESETS[key].state()
    ws = make_worksheet(state)
    assert len(ws.blanks) == 8
    assert all(np.isfinite(q.value) for q in ws.quantities)
    counted = sum(2 * n for n in state.spec.sizes[1:]) + 1 + sum(state.spec.sizes[1:]) + 2 * sum(
        a * b for a, b in zip(state.spec.sizes[1:], state.spec.sizes[:-1]))
    assert len(ws.quantities) == counted
    assert json.loads(json.dumps(ws.to_dict()))["quantities"][0]["kind"] == "z"


def student(ws, spec, weight_decay, penalty) -> dict:
    """Every number worked by hand from the sheet, each written to DIGITS decimals before it is used."""
    def r(v):
        return np.round(v, DIGITS)
    L = ws.n_layers
    W = [None, *(np.array(w) for w in ws.W[1:])]
    b = [None, *(np.array(v) for v in ws.b[1:])]
    a, z, out = [np.array(ws.x)], [None], {}
    for l in range(1, L + 1):
        z.append(r(W[l] @ a[-1] + b[l]))
        a.append(r(ACTIVATIONS[spec.activations[l - 1]].f(z[l][None])[0]))
        for i in range(len(z[l])):
            out[("z", l, i, None)], out[("a", l, i, None)] = z[l][i], a[l][i]
    o, t = a[L][None], np.array(ws.t)[None]
    out[("loss", 0, 0, None)] = r(LOSSES[spec.loss].per_example(o, t)[0] + sum(
        weight_decay * np.sum(PENALTIES[penalty].each(w)) for w in W[1:]))
    delta = [None] * (L + 1)
    if uses_logits(spec):
        delta[L] = r(LOSSES[spec.loss].logits_delta(o, t)[0])
    else:
        delta[L] = r(r(LOSSES[spec.loss].grad(o, t)) * r(ACTIVATIONS[spec.activations[-1]].df(z[L][None])))[0]
    for l in range(L, 1, -1):
        delta[l - 1] = r(r(delta[l] @ W[l]) * r(ACTIVATIONS[spec.activations[l - 2]].df(z[l - 1])))
    for l in range(1, L + 1):
        grad = r(np.outer(delta[l], a[l - 1]) + weight_decay * PENALTIES[penalty].slope(W[l]))
        new = r(W[l] - ws.learning_rate * grad)
        for i in range(grad.shape[0]):
            out[("delta", l, i, None)] = delta[l][i]
            for j in range(grad.shape[1]):
                out[("grad", l, i, j)], out[("update", l, i, j)] = grad[i, j], new[i, j]
    return out


@pytest.mark.parametrize("key", list(engine.PRESETS))
@pytest.mark.parametrize("steps", [0, 40])
def test_a_student_who_rounds_to_four_decimals_gets_every_answer_right(key, steps):
    state = engine.train_steps(engine.PRESETS[key].state(), steps)
    if key == "default":  # and with a penalty on the weights: ∂C/∂w gains λw
        state = actions_with(state, weight_decay=0.01)
    ws = make_worksheet(state)
    worked = student(ws, state.spec, state.train.weight_decay, state.train.penalty)
    wrong = [q.key for q in ws.quantities if not right(worked[(q.kind, q.layer, q.row, q.col)], q.value)]
    assert not wrong
    # … and a slip in the fourth decimal's neighbour is caught where the key is small.
    assert not right(ws.value("z", 1, 0) + 0.002, ws.value("z", 1, 0)) or abs(ws.value("z", 1, 0)) > 1.5


@pytest.mark.parametrize("seed, blanks, kinds", [
    (-1, 8, ("z",)), (2**32, 8, ("z",)), ("1", 8, ("z",)), (True, 8, ("z",)),
    (1, 0, ("z",)), (1, MAX_BLANKS + 1, ("z",)), (1, 2.5, ("z",)),
    (1, 8, ()), (1, 8, ("z", "w")), (1, 8, "z"), (1, 8, (3,)),
])
def test_a_bad_choice_is_refused_with_a_reason(seed, blanks, kinds):
    with pytest.raises(LabInputError):
        make_worksheet(DEFAULT(), seed, blanks, kinds)
