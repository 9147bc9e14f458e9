"""Loss slices and maps over the network's own parameters, and the teaching calculators.

The landscape is computed vectorised (a grid axis through the forward pass); every number here is
checked against the plain one-point route: ParamRef.set, then engine.cost on the training set.
"""

import dataclasses
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine import LabInputError, ParamRef, all_refs, limits
from engine.presets import circle, deep_sigmoid, default_lesson


def training_cost(state, params=None):
    d = engine.dataset(state.data)
    params = state.params if params is None else params
    return engine.cost(state.spec, params, d.x_train, d.y_train, state.train.weight_decay)


def training_gradient(state, ref):
    d = engine.dataset(state.data)
    fwd = engine.forward(state.spec, state.params, d.x_train)
    bwd = engine.backward(state.spec, state.params, fwd, d.y_train, state.train.weight_decay)
    return ref.gradient(bwd.grad_W, bwd.grad_b)


def with_decay(state, lam):
    return state.replace(train=dataclasses.replace(state.train, weight_decay=lam))


PRESET_STATES = {name: p.state() for name, p in engine.PRESETS.items()}


# ---------------------------------------------------------------------------------------------
# ParamRef


@pytest.mark.parametrize("name", list(PRESET_STATES))
def test_param_ref_text_round_trip_for_every_parameter(name):
    spec = PRESET_STATES[name].spec
    refs = all_refs(spec)
    assert len(refs) == spec.n_params == len(set(refs))
    for ref in refs:
        assert ParamRef.parse(str(ref), spec) == ref


def test_param_ref_text_and_values_on_the_default_lesson():
    s = default_lesson()
    # 2-2-1: W1 (2×2) row by row, b1, then W2 (1×2), b2: 4 + 2 + 2 + 1 = 9 parameters.
    assert [str(r) for r in all_refs(s.spec)] == [
        "W1[0,0]",
        "W1[0,1]",
        "W1[1,0]",
        "W1[1,1]",
        "b1[0]",
        "b1[1]",
        "W2[0,0]",
        "W2[0,1]",
        "b2[0]",
    ]
    ref = ParamRef.parse("W1[1,0]", s.spec)
    assert (ref.kind, ref.layer, ref.row, ref.col) == ("W", 1, 1, 0)
    assert ref.get(s.params) == 0.2
    changed = ref.set(s.params, 0.9)
    assert changed.W[1][1, 0] == 0.9 and s.params.W[1][1, 0] == 0.2  # a new array; the old one untouched
    assert changed.W[2] is s.params.W[2]  # untouched layers are shared
    assert ParamRef.parse("b2[0]", s.spec).get(s.params) == 0.2


@pytest.mark.parametrize(
    "text",
    [
        "W3[0,0]",  # no layer 3 in 2-2-1
        "W0[0,0]",  # layer 0 is the input: no weights
        "b0[0]",
        "W1[2,0]",  # row out of range (layer 1 has 2 neurons)
        "W1[0,2]",  # column out of range (2 inputs)
        "W2[0,2]",
        "b2[1]",  # one output
        "w1[0,0]",  # lower case
        "W1[0]",  # weight without a column
        "b1[0,0]",  # bias with a column
        "W1[0, 1]",  # a space
        "W10[0,0]",
        "W1[-1,0]",
        "",
        " W1[0,0]",
        "W1[0,0]\n",
        None,
        5,
        ["W1[0,0]"],
    ],
)
def test_bad_param_refs_are_refused(text):
    with pytest.raises(LabInputError, match="parameter"):
        ParamRef.parse(text, default_lesson().spec)


# ---------------------------------------------------------------------------------------------
# Loss slices


def test_slice_on_the_default_lesson_by_hand():
    s = default_lesson()
    ref = ParamRef.parse("b2[0]", s.spec)
    sl = engine.loss_slice(s, ref, [0.2, 1.0])
    # At b2 = 0.2 the loss is ½(1 − 0.593503)² = 0.0826201 (see the phases tests for the arithmetic).
    assert sl.current_value == 0.2
    assert sl.loss[0] == pytest.approx(0.0826201, abs=1e-7)
    # At b2 = 1.0: z2 = 0.7·0.610639 − 0.4·0.622459 + 1.0 = 1.178464, o = σ(1.178464) = 0.764672,
    # C = ½·(1 − 0.764672)² = ½·0.235328² = 0.0276897
    assert sl.loss[1] == pytest.approx(0.0276897, abs=1e-7)
    # ∂C/∂b2 = δ2 = (o − t)·o(1 − o) = −0.406497 · 0.593503 · 0.406497 = −0.406497 · 0.241257 = −0.0980705
    assert sl.slope_backprop == pytest.approx(-0.0980705, abs=1e-7)


SLICE_CASES = [
    (name, str(ref)) for name in ("default", "worked_example", "circle") for ref in all_refs(PRESET_STATES[name].spec)
] + [
    # Deep sigmoid: only the last two layers. Near the input the blame has faded to ~1e-6 or less,
    # where a central difference of a cost ~0.1 has lost most of its digits to rounding.
    ("deep_sigmoid", str(ref))
    for ref in all_refs(PRESET_STATES["deep_sigmoid"].spec)
    if ref.layer >= 5
]


@pytest.mark.parametrize(("name", "ref_text"), SLICE_CASES)
def test_slice_current_loss_is_the_cost_and_slopes_agree(name, ref_text):
    s = PRESET_STATES[name]
    ref = ParamRef.parse(ref_text, s.spec)
    w0 = ref.get(s.params)
    sl = engine.loss_slice(s, ref, np.linspace(w0 - 1, w0 + 1, 9))
    assert sl.current_value == w0
    assert sl.current_loss == pytest.approx(training_cost(s), rel=1e-12)
    assert sl.loss[4] == pytest.approx(training_cost(s), rel=1e-12)  # the middle of the 9 values is w0
    assert sl.slope_backprop == pytest.approx(sl.slope_numeric, rel=1e-5, abs=1e-12)
    assert sl.slope_backprop == training_gradient(s, ref)


@pytest.mark.parametrize("lam", [0.0, 0.3])
def test_slice_values_equal_direct_costs(lam):
    s = with_decay(circle(), lam)
    for ref_text in ("W1[2,1]", "b2[3]", "W3[0,0]"):
        ref = ParamRef.parse(ref_text, s.spec)
        values = np.linspace(-3, 3, 13)
        sl = engine.loss_slice(s, ref, values)
        direct = [training_cost(s, ref.set(s.params, v)) for v in values]
        np.testing.assert_allclose(sl.loss, direct, rtol=1e-12)
        assert sl.slope_backprop == pytest.approx(sl.slope_numeric, rel=1e-5)


def test_slice_with_weight_decay_adds_the_penalty():
    # Varying a bias leaves Σw² alone, so with λ = 0.5 every value rises by the same (λ/2)·Σw².
    # Default lesson: Σw² = 0.25 + 0.09 + 0.04 + 0.64 + 0.49 + 0.16 = 1.67, and 0.25 · 1.67 = 0.4175.
    s = default_lesson()
    ref = ParamRef.parse("b1[1]", s.spec)
    values = [-1.0, 0.0, 2.0]
    plain = engine.loss_slice(s, ref, values).loss
    decayed = engine.loss_slice(with_decay(s, 0.5), ref, values).loss
    np.testing.assert_allclose(decayed - plain, 0.4175, rtol=1e-12)


@pytest.mark.parametrize("values", [[0.5], [], [0.0, np.nan], [0.0, np.inf], np.zeros(limits.MAX_SLICE + 1), [[0, 1]]])
def test_slice_values_are_checked(values):
    s = default_lesson()
    with pytest.raises(LabInputError, match="slice's values"):
        engine.loss_slice(s, ParamRef.parse("W1[0,0]", s.spec), values)


# ---------------------------------------------------------------------------------------------
# Loss grids


def test_grid_shape_and_every_point_equals_a_direct_cost():
    s = circle()
    rx, ry = ParamRef.parse("W2[1,3]", s.spec), ParamRef.parse("b1[0]", s.spec)
    vx, vy = np.linspace(-2, 2, 7), np.linspace(-1, 1, 5)  # 7 ≠ 5 so a transposed grid would show
    grid = engine.loss_grid(s, rx, ry, vx, vy)
    assert grid.loss.shape == (5, 7)
    for i, y in enumerate(vy):
        for j, x in enumerate(vx):
            direct = training_cost(s, ry.set(rx.set(s.params, x), y))
            assert grid.loss[i, j] == pytest.approx(direct, rel=1e-12)


@pytest.mark.parametrize("name", ["default", "worked_example", "circle", "deep_sigmoid"])
def test_grid_at_the_current_point_and_its_gradient(name):
    s = PRESET_STATES[name]
    refs = all_refs(s.spec)
    rx, ry = refs[0], refs[-1]  # a first-layer weight and the last bias
    cx, cy = rx.get(s.params), ry.get(s.params)
    # 11 × 9 values centred on the current point, so the nearest grid point is the point itself.
    vx, vy = cx + np.linspace(-1, 1, 11), cy + np.linspace(-0.5, 0.5, 9)
    grid = engine.loss_grid(s, rx, ry, vx, vy)
    assert grid.current == (cx, cy)
    i, j = np.argmin(np.abs(vy - cy)), np.argmin(np.abs(vx - cx))
    assert (i, j) == (4, 5)
    here = training_cost(s, ry.set(rx.set(s.params, vx[j]), vy[i]))
    assert grid.loss[i, j] == pytest.approx(here, rel=1e-12)
    assert grid.loss[i, j] == pytest.approx(training_cost(s), rel=1e-12)
    assert grid.gradient == (training_gradient(s, rx), training_gradient(s, ry))


def test_grid_of_two_weights_in_the_same_layer():
    s = default_lesson()
    rx, ry = ParamRef.parse("W1[0,0]", s.spec), ParamRef.parse("W1[1,1]", s.spec)
    grid = engine.loss_grid(s, rx, ry, [0.0, 0.5, 1.0], [-1.0, 0.8])
    for i, y in enumerate([-1.0, 0.8]):
        for j, x in enumerate([0.0, 0.5, 1.0]):
            assert grid.loss[i, j] == pytest.approx(training_cost(s, ry.set(rx.set(s.params, x), y)), rel=1e-12)
    assert grid.loss[1, 1] == pytest.approx(training_cost(s), rel=1e-12)  # (0.5, 0.8) are today's values


@pytest.mark.parametrize(("x_text", "y_text"), [("W1[0,1]", "W3[0,2]"), ("b2[0]", "b3[0]"), ("W2[0,0]", "b2[0]")])
def test_grid_with_weight_decay_equals_direct_computation(x_text, y_text):
    s = with_decay(circle(), 0.2)
    rx, ry = ParamRef.parse(x_text, s.spec), ParamRef.parse(y_text, s.spec)
    vx, vy = np.linspace(-1.5, 1.5, 6), np.linspace(-2, 2, 4)
    grid = engine.loss_grid(s, rx, ry, vx, vy)
    direct = np.array([[training_cost(s, ry.set(rx.set(s.params, x), y)) for x in vx] for y in vy])
    np.testing.assert_allclose(grid.loss, direct, rtol=1e-12)
    # The penalty is really in there: without decay the map is lower everywhere (Σw² > 0).
    plain = engine.loss_grid(with_decay(s, 0.0), rx, ry, vx, vy).loss
    assert np.all(grid.loss > plain)
    assert grid.gradient == (training_gradient(s, rx), training_gradient(s, ry))


def test_grid_larger_than_one_chunk():
    # 30 × 20 = 600 points: more than one chunk of 256; chunk edges must not shift values.
    s = default_lesson()
    rx, ry = ParamRef.parse("W2[0,0]", s.spec), ParamRef.parse("W2[0,1]", s.spec)
    vx, vy = np.linspace(-3, 3, 30), np.linspace(-3, 3, 20)
    grid = engine.loss_grid(s, rx, ry, vx, vy)
    for i, j in [(0, 0), (8, 16), (12, 25), (19, 29)]:  # flat indices 0, 256, 385, 599
        direct = training_cost(s, ry.set(rx.set(s.params, vx[j]), vy[i]))
        assert grid.loss[i, j] == pytest.approx(direct, rel=1e-12)


def test_grid_inputs_are_checked():
    s = default_lesson()
    rx, ry = ParamRef.parse("W1[0,0]", s.spec), ParamRef.parse("b2[0]", s.spec)
    with pytest.raises(LabInputError, match="two different parameters"):
        engine.loss_grid(s, rx, rx, [0, 1], [0, 1])
    with pytest.raises(LabInputError, match="x values"):
        engine.loss_grid(s, rx, ry, np.zeros(limits.MAX_GRID + 1), [0, 1])
    with pytest.raises(LabInputError, match="y values"):
        engine.loss_grid(s, rx, ry, [0, 1], [0, np.nan])


@given(
    x=st.floats(-5, 5, allow_nan=False),
    y=st.floats(-5, 5, allow_nan=False),
    refs=st.sampled_from([("W1[0,0]", "W2[0,1]"), ("b1[1]", "W1[1,0]"), ("b2[0]", "b1[0]")]),
)
def test_grid_point_property(x, y, refs):
    # Any point of a 2×2 grid is the direct cost there.
    s = default_lesson()
    rx, ry = (ParamRef.parse(r, s.spec) for r in refs)
    grid = engine.loss_grid(s, rx, ry, [x, x + 1], [y, y - 1])
    assert grid.loss[1, 0] == pytest.approx(training_cost(s, ry.set(rx.set(s.params, x), y - 1)), rel=1e-12, abs=1e-15)


# ---------------------------------------------------------------------------------------------
# Teaching calculators


def test_mode_costs_for_2_2_1_by_hand():
    c = engine.mode_costs((2, 2, 1))
    # P = 2·(2 + 1) + 1·(2 + 1) = 9 weights and biases.
    assert c.n_params == 9
    # Forward pass: 2·2 + 2·1 = 6 multiply-adds.
    assert c.forward_pass == 6
    # Forward mode: 6 + (2·2 + 2·1)·9 = 6 + 54 = 60.
    assert c.forward_mode == 60
    # Reverse mode: 6 + W2ᵀδ2 (2·1 = 2) + outer products a_in·δ_out (2·2 + 2·1 = 6) = 14.
    assert c.reverse_mode == 14
    assert c.ratio == pytest.approx(60 / 14)


def test_mode_costs_for_a_single_layer():
    # 3 → 2: P = 2·4 = 8; forward 6; forward mode 6 + 6·8 = 54; reverse 6 + 0 + 6 = 12.
    c = engine.mode_costs((3, 2))
    assert (c.n_params, c.forward_pass, c.forward_mode, c.reverse_mode) == (8, 6, 54, 12)


def test_forward_mode_falls_further_behind_as_the_network_grows():
    # 2-4-1: P = 4·3 + 1·5 = 17; forward 2·4 + 4·1 = 12; forward mode 12 + 12·17 = 216;
    # reverse 12 + 4 + 12 = 28: ratio 216/28 = 7.71, against 60/14 = 4.29 for 2-2-1.
    c = engine.mode_costs((2, 4, 1))
    assert (c.n_params, c.forward_pass, c.forward_mode, c.reverse_mode) == (17, 12, 216, 28)
    sizes = [(2, 2, 1), (2, 4, 1), (2, 4, 4, 1), (4, 8, 8, 2), (8, 8, 8, 8, 8, 8, 8, 4)]
    ratios = [engine.mode_costs(s).ratio for s in sizes]
    assert all(a < b for a, b in pairwise(ratios))
    # The ratio is roughly P / 3: the largest network here (P = 468) makes forward mode ~165 times dearer.
    assert ratios[-1] > 100


@pytest.mark.parametrize("sizes", [(2,), (), (2, 0, 1)])
def test_mode_costs_refuses_non_networks(sizes):
    with pytest.raises(LabInputError):
        engine.mode_costs(sizes)


@pytest.mark.parametrize(
    ("n", "combinations", "seconds", "words"),
    [
        (2, 10**6, 1e-3, "1 ms"),  # 1000² = 1e6 evaluations at 1e9/s = 1 ms
        (4, 10**12, 1e3, "16.7 minutes"),  # 1e12 / 1e9 = 1000 s = 16.67 minutes
        (5, 10**15, 1e6, "11.6 days"),  # 1e6 s / 86 400 = 11.57 days
        (6, 10**18, 1e9, "31.7 years"),  # 1e9 s / 31 557 600 = 31.69 years
    ],
)
def test_brute_force_by_hand(n, combinations, seconds, words):
    b = engine.brute_force(1000, n)
    assert b.combinations == combinations
    assert b.seconds == pytest.approx(seconds, rel=1e-12)
    assert b.words() == words


def test_brute_force_small_units():
    assert engine.brute_force(10, 9).words() == "1 s"  # 1e9 / 1e9
    assert engine.brute_force(6, 10).words() == "60.5 ms"  # 6¹⁰ = 60 466 176 → 0.0605 s
    assert engine.brute_force(10, 13).words() == "2.78 hours"  # 1e4 s / 3600


@pytest.mark.parametrize(("k", "n"), [(10, 400), (10**6, 10**4), (2, 5000)])
def test_brute_force_at_the_top_of_its_range_still_answers(k, n):
    # 10⁴⁰⁰ evaluations overflow a float: the answer is "forever", not a crash.
    b = engine.brute_force(k, n)
    assert b.seconds == float("inf") or b.seconds > 1e300
    assert "years" in b.words() or "universe" in b.words()


@pytest.mark.parametrize(("k", "n"), [(0, 3), (10**6 + 1, 3), (10, 0), (10, 10**4 + 1)])
def test_brute_force_refuses_out_of_range(k, n):
    with pytest.raises(LabInputError):
        engine.brute_force(k, n)


@pytest.mark.parametrize("name", ["default", "worked_example"])
def test_gradient_check_agrees_for_every_parameter(name):
    s = PRESET_STATES[name]
    for ref in all_refs(s.spec):
        check = engine.gradient_check(s, ref)
        assert check.relative_difference < 1e-6, str(ref)
        assert check.backprop == training_gradient(s, ref)


def test_gradient_check_with_weight_decay_and_after_training():
    s = engine.train_steps(with_decay(circle(), 0.05), 5)
    for ref in all_refs(s.spec):
        assert engine.gradient_check(s, ref).relative_difference < 1e-5, str(ref)


def test_gradient_check_notices_a_wrong_gradient():
    # relative difference = |b − n| / max(|b|, |n|): for 1.0 against 1.1, 0.1/1.1.
    g = engine.teaching.GradientCheck(ParamRef("W", 1, 0, 0), 1.0, 1.1)
    assert g.relative_difference == pytest.approx(0.1 / 1.1)
    assert engine.teaching.GradientCheck(ParamRef("b", 1, 0), 0.0, 0.0).relative_difference == 0.0


@pytest.mark.parametrize("h", [0, -1e-6, 2])
def test_gradient_check_step_is_checked(h):
    s = default_lesson()
    with pytest.raises(LabInputError, match="step h"):
        engine.gradient_check(s, all_refs(s.spec)[0], h)


def test_deep_sigmoid_blame_fades_toward_the_input():
    # The reason the deep preset exists: mean |∂C/∂W| shrinks layer by layer going back.
    s = deep_sigmoid()
    bwd = engine.batch_passes(s).bwd
    sizes = [float(np.mean(np.abs(bwd.grad_W[l]))) for l in range(1, s.spec.n_layers + 1)]
    assert all(a < b for a, b in pairwise(sizes))
    assert sizes[0] < sizes[-1] / 1000
