"""engine.surface (what a neuron computes over the input plane) and the ball panel's engine:
descend continued one step at a time with `velocity`, and path_through.

The default lesson (2-2-1 sigmoid, W1 = [[0.5, -0.3], [0.2, 0.8]], b1 = [0.1, -0.1],
W2 = [[0.7, -0.4]], b2 = [0.2], one example x = (1, 0.5)) gives numbers to check by hand:
    z1 = (0.5 - 0.15 + 0.1, 0.2 + 0.4 - 0.1) = (0.45, 0.5)
    a1 = (σ(0.45), σ(0.5)) = (0.610639, 0.622459)
    z2 = 0.7·0.610639 − 0.4·0.622459 + 0.2 = 0.378464,  a2 = σ(0.378464) = 0.593503
"""

import math

import numpy as np
import pytest

import engine
from engine import LabInputError
from engine.surface import PAD, Surface, surface
from engine.toy_curves import CURVES, REST_TOLERANCE, BallPath, descend, path_through


def default():
    return engine.PRESETS["default"].state()


# --- descend continued step by step (the page's Roll button) ---


def one_step_at_a_time(curve, x0, lr, n, momentum):
    """What the page does: n calls of one step, each passing the last step as the velocity."""
    xs = [x0]
    for _ in range(n):
        velocity = xs[-1] - xs[-2] if len(xs) > 1 else 0.0
        xs += descend(curve, xs[-1], lr, 1, momentum, velocity=velocity).x[1:].tolist()
    return np.array(xs)


def test_velocity_continues_a_momentum_path_exactly_worked_example():
    # Bowl L = x²/2 (slope x), lr 0.25, momentum 0.5, from x0 = 2; every number is a binary fraction,
    # so the two ways agree to the last bit:
    #   v1 = 0.5·0      − 0.25·2     = −0.5       x1 = 1.5
    #   v2 = 0.5·−0.5   − 0.25·1.5   = −0.625     x2 = 0.875
    #   v3 = 0.5·−0.625 − 0.25·0.875 = −0.53125   x3 = 0.34375
    #   v4 = 0.5·−0.53125 − 0.25·0.34375 = −0.3515625  x4 = −0.0078125
    whole = descend("bowl", 2.0, 0.25, 10, momentum=0.5)
    np.testing.assert_array_equal(whole.x[:5], [2.0, 1.5, 0.875, 0.34375, -0.0078125])
    np.testing.assert_array_equal(one_step_at_a_time("bowl", 2.0, 0.25, 10, 0.5), whole.x)


def test_one_continued_step_by_hand():
    # Bowl, lr 0.1, momentum 0.5: after 2 → 1.8 (velocity −0.2) the next move is
    # 0.5·(−0.2) − 0.1·1.8 = −0.28, to 1.52: the third position of the 3-step path.
    step = descend("bowl", 1.8, 0.1, 1, 0.5, velocity=-0.2)
    np.testing.assert_allclose(step.x, [1.8, 1.52])
    np.testing.assert_allclose(step.step, [-0.28])
    assert step.x[-1] == descend("bowl", 2.0, 0.1, 2, momentum=0.5).x[-1]
    # Without the velocity the ball starts from rest: only −0.1·1.8 = −0.18.
    np.testing.assert_allclose(descend("bowl", 1.8, 0.1, 1, 0.5).x, [1.8, 1.62])


@pytest.mark.parametrize("name", list(CURVES))
def test_ten_one_step_calls_equal_one_ten_step_path(name):
    # In general the velocity rebuilt from positions, x[k] − x[k−1], can differ from the loop's own v
    # in the last bit, so the paths agree to rounding, not bit for bit.
    c = CURVES[name]
    whole = descend(c, c.start, c.learning_rate, 10, momentum=0.9)
    assert len(whole.x) == 11 and not whole.diverged
    np.testing.assert_allclose(one_step_at_a_time(c, c.start, c.learning_rate, 10, 0.9), whole.x,
                               rtol=0, atol=1e-12)


def test_momentum_path_is_not_plain_descent():
    # Guard for the test above: with momentum the path differs, so passing the velocity matters.
    c = CURVES["two_valleys"]
    plain = descend(c, 2.0, 0.05, 10)
    rolled = descend(c, 2.0, 0.05, 10, momentum=0.9)
    assert np.max(np.abs(plain.x - rolled.x)) > 0.1
    restarted = [2.0]
    for _ in range(10):  # forgetting the velocity each step is plain descent again
        restarted.append(float(descend(c, restarted[-1], 0.05, 1, 0.9).x[-1]))
    np.testing.assert_allclose(restarted, plain.x, rtol=0, atol=1e-12)


def test_velocity_is_ignored_without_momentum():
    np.testing.assert_array_equal(descend("bowl", 2.0, 0.1, 3, velocity=5.0).x, descend("bowl", 2.0, 0.1, 3).x)


@pytest.mark.parametrize("velocity", ["fast", None, True, math.nan, math.inf])
def test_bad_velocity_is_refused(velocity):
    with pytest.raises(LabInputError, match="velocity"):
        descend("bowl", 1.0, 0.1, 1, 0.5, velocity=velocity)


# --- path_through ---


def test_path_through_has_the_curves_loss_and_slope_at_each_position():
    c = CURVES["two_valleys"]
    p = path_through(c, [2.0, 1.5, -1.0])
    assert isinstance(p, BallPath)
    # L(x) = x⁴/4 − x² + 0.5x, slope x³ − 2x + 0.5:
    #   L(2) = 4 − 4 + 1 = 1,  L(1.5) = 1.265625 − 2.25 + 0.75 = −0.234375,  L(−1) = 0.25 − 1 − 0.5 = −1.25
    #   slope(2) = 8 − 4 + 0.5 = 4.5,  slope(1.5) = 3.375 − 3 + 0.5 = 0.875,  slope(−1) = −1 + 2 + 0.5 = 1.5
    np.testing.assert_allclose(p.loss, [1.0, -0.234375, -1.25])
    np.testing.assert_allclose(p.slope, [4.5, 0.875, 1.5])
    np.testing.assert_allclose(p.step, [-0.5, -2.5])
    assert not p.diverged and not p.converged and p.reason == ""


@pytest.mark.parametrize("name", list(CURVES))
def test_path_through_rebuilds_a_descended_path(name):
    c = CURVES[name]
    p = descend(c, c.start, c.learning_rate, 25)
    q = path_through(c, p.x.tolist(), p.reason)
    for field in ("x", "loss", "slope", "step"):
        np.testing.assert_array_equal(getattr(q, field), getattr(p, field))
    assert (q.diverged, q.converged, q.reason) == (p.diverged, p.converged, p.reason)


def test_path_through_flags():
    # At the bottom of the bowl with a last step below REST_TOLERANCE: at rest.
    assert path_through("bowl", [0.0]).converged
    assert path_through("bowl", [REST_TOLERANCE / 10, 0.0]).converged
    assert not path_through("bowl", [0.5, 0.0]).converged  # the last step is 0.5: still moving
    assert not path_through("bowl", [0.5]).converged  # slope 0.5
    gone = path_through("narrow_valley", [1.0, -1.5], "flew off")
    assert gone.diverged and not gone.converged and gone.reason == "flew off"


def test_path_through_follows_a_ball_that_flew_far_off():
    # two_valleys, lr 12 from x = 2: slope 4.5 sends it to 2 − 54 = −52 (still inside the bound −52.5),
    # then slope(−52) = −140608 + 104 + 0.5 = −140503.5 sends it to −52 + 12·140503.5 = −52 + 1686042
    # = 1685990, far past the ±1e6 a typed-in number may have: path_through must still take it.
    p = descend("two_valleys", 2.0, 12.0, 5)
    np.testing.assert_allclose(p.x, [2.0, -52.0, 1685990.0])
    assert p.diverged
    q = path_through("two_valleys", p.x.tolist(), p.reason)
    np.testing.assert_array_equal(q.loss, p.loss)
    assert q.diverged


@pytest.mark.parametrize("xs, match", [
    ([], "at least its start"),
    (["1"], "must be a number"),
    ([True], "must be a number"),
    ([math.nan], "finite"),
    ([1.0, math.inf], "finite"),
    ([1e300], "not a finite number"),  # 5·(1e300)² overflows
])
def test_path_through_refuses_bad_positions(xs, match):
    with pytest.raises(LabInputError, match=match):
        path_through("narrow_valley", xs)


def test_path_through_refuses_an_unknown_curve():
    with pytest.raises(LabInputError, match="must be one of"):
        path_through("cliff", [0.0])


# --- surface ---


def test_default_lesson_surface_by_hand():
    # One example at (1, 0.5): the extent is the point ± 1 on each axis, so 3 points per axis are
    # x1 ∈ {0, 1, 2}, x2 ∈ {−0.5, 0.5, 1.5}, and the middle of the grid is the example itself.
    surf = surface(default(), 3)
    assert isinstance(surf, Surface) and (surf.layer, surf.neuron) == (2, 0)
    np.testing.assert_allclose(surf.xs, [0.0, 1.0, 2.0])
    np.testing.assert_allclose(surf.ys, [-0.5, 0.5, 1.5])
    assert surf.values.shape == (3, 3)
    assert surf.values[1, 1] == pytest.approx(0.593503, abs=1e-6)
    # Hidden neuron h2 there is σ(0.5) = 0.622459.
    assert surface(default(), 3, layer=1, neuron=1).values[1, 1] == pytest.approx(0.622459, abs=1e-6)
    # At (0, −0.5): z1 = (0.1 + 0.15, −0.1 − 0.4) = (0.25, −0.5), a1 = (0.562177, 0.377541),
    # z2 = 0.7·0.562177 − 0.4·0.377541 + 0.2 = 0.442507, σ = 0.608856.
    assert surf.values[0, 0] == pytest.approx(0.608856, abs=1e-6)


def test_every_grid_point_is_the_forward_pass_there():
    state = default()
    surf = surface(state, 7)
    for i, y in enumerate(surf.ys):
        for j, x in enumerate(surf.xs):
            out = engine.forward(state.spec, state.params, np.array([[x, y]])).output[0, 0]
            assert surf.values[i, j] == pytest.approx(out, rel=1e-12)


def test_the_whole_output_layer_is_every_class_probability_and_its_largest_the_decision():
    # Three spiral arms, 2-6-6-3 with a softmax output: neuron None gives all three outputs at once.
    state = engine.train_steps(engine.PRESETS["three_classes"].state(), 20)
    surf = surface(state, 9, neuron=None)
    assert surf.neuron is None and surf.layer == state.spec.n_layers == 3
    assert surf.values.shape == (9, 9, 3)  # values[i, j, k]: class k's probability at (xs[j], ys[i])
    gx, gy = np.meshgrid(surf.xs, surf.ys)
    out = engine.forward(state.spec, state.params, np.column_stack([gx.ravel(), gy.ravel()])).output
    np.testing.assert_allclose(surf.values.reshape(81, 3), out, rtol=1e-12)
    np.testing.assert_allclose(surf.values.sum(axis=-1), 1.0)  # a softmax: each point's probabilities add up to 1
    # The decision at each point is the class the Scores tab would count there.
    np.testing.assert_array_equal(engine.metrics.decisions(surf.values, several=True).ravel(),
                                  engine.metrics.decisions(out, several=True))
    for k in range(3):  # the same numbers as one neuron at a time
        np.testing.assert_array_equal(surf.values[..., k], surface(state, 9, neuron=k).values)


def one_input_classes_state():
    """Three classes along one input, by hand: x < −0.3 is a, −0.3 … 0.3 is b, above is c; 1-4-3 softmax."""
    xs = (-1.0, -0.6, -0.2, 0.0, 0.2, 0.6, 1.0)
    labels = (0, 0, 1, 1, 1, 2, 2)
    data = engine.DataSpec(name="explicit", x=tuple((x,) for x in xs),
                           y=tuple(tuple(float(k == c) for k in range(3)) for c in labels),
                           classes=("a", "b", "c"), test_fraction=0.0)
    spec = engine.NetworkSpec((1, 4, 3), ("tanh", "softmax"), "cross_entropy", "xavier")
    return engine.LabState("one input, three classes", 0, spec, engine.init_params(spec, np.random.default_rng(2)),
                           engine.TrainConfig(), data)


def test_one_input_whole_layer_is_a_curve_per_class():
    state = one_input_classes_state()
    surf = surface(state, 15, neuron=None)
    assert surf.ys is None and surf.values.shape == (15, 3)
    np.testing.assert_allclose(surf.values, engine.forward(state.spec, state.params, surf.xs[:, None]).output,
                               rtol=1e-12)


def features_state():
    """XOR with two extra inputs, x₁² and x₁x₂: a 4-3-1 network."""
    data = engine.DataSpec("xor", n_points=40, noise=0.1, seed=3, features=("x1_sq", "x1_x2"))
    spec = engine.NetworkSpec((4, 3, 1), ("tanh", "sigmoid"), "bce", "xavier")
    params = engine.init_params(spec, np.random.default_rng(5))
    return engine.LabState("features", 3, spec, params, engine.TrainConfig(), data)


def test_surface_computes_the_data_features_at_each_grid_point():
    state = features_state()
    surf = surface(state, 9)
    for i, x2 in enumerate(surf.ys):
        for j, x1 in enumerate(surf.xs):
            x = np.array([[x1, x2, x1 * x1, x1 * x2]])  # the features written out by hand
            out = engine.forward(state.spec, state.params, x).output[0, 0]
            assert surf.values[i, j] == pytest.approx(out, rel=1e-12, abs=1e-15)


def test_surface_spans_all_the_data_with_a_margin():
    state = features_state()
    data = engine.dataset(state.data)
    raw = np.concatenate([data.raw_train, data.raw_test])  # test points are drawn too
    surf = surface(state, 11)
    for k, axis in enumerate((surf.xs, surf.ys)):
        lo, hi = raw[:, k].min(), raw[:, k].max()
        assert axis[0] == pytest.approx(lo - PAD * (hi - lo))
        assert axis[-1] == pytest.approx(hi + PAD * (hi - lo))
        np.testing.assert_allclose(np.diff(axis), (hi - lo) * (1 + 2 * PAD) / 10)


@pytest.mark.parametrize("layer, neuron", [(1, 0), (1, 3), (2, 1), (2, 3), (3, 0)])
def test_neuron_surfaces_are_the_forward_activations(layer, neuron):
    state = engine.PRESETS["circle"].state()  # 2-4-4-1
    surf = surface(state, 12, layer, neuron)
    gx, gy = np.meshgrid(surf.xs, surf.ys)
    fwd = engine.forward(state.spec, state.params, np.column_stack([gx.ravel(), gy.ravel()]))
    np.testing.assert_allclose(surf.values, fwd.a[layer][:, neuron].reshape(12, 12), rtol=1e-12)
    assert (surf.layer, surf.neuron) == (layer, neuron)


def test_one_input_gives_a_curve():
    data = engine.DataSpec("sine", n_points=30, noise=0.0, seed=1)
    spec = engine.NetworkSpec((1, 5, 1), ("tanh", "linear"), "mse", "xavier")
    state = engine.LabState("sine", 1, spec, engine.init_params(spec, np.random.default_rng(1)),
                            engine.TrainConfig(), data)
    surf = surface(state, 20)
    assert surf.ys is None and surf.xs.shape == surf.values.shape == (20,)
    fwd = engine.forward(spec, state.params, surf.xs[:, None])
    np.testing.assert_allclose(surf.values, fwd.output[:, 0], rtol=1e-12)
    np.testing.assert_allclose(surface(state, 20, 1, 4).values, fwd.a[1][:, 4], rtol=1e-12)
    d = engine.dataset(data)
    raw = np.concatenate([d.raw_train, d.raw_test])[:, 0]
    assert surf.xs[0] < raw.min() and surf.xs[-1] > raw.max()


def test_a_single_example_gets_the_plane_around_it():
    data = engine.DataSpec(name="explicit", x=((-3.0, 7.0),), y=((1.0,),), test_fraction=0.0)
    state = default().replace(data=data)
    surf = surface(state, 5)
    np.testing.assert_allclose(surf.xs, [-4.0, -3.5, -3.0, -2.5, -2.0])
    np.testing.assert_allclose(surf.ys, [6.0, 6.5, 7.0, 7.5, 8.0])
    assert np.all(np.isfinite(surf.values))


def test_identical_examples_also_get_a_plane():
    # Two examples at one place: no extent of their own, so ±1 as for one.
    data = engine.DataSpec(name="explicit", x=((1.0, 2.0), (1.0, 2.0)), y=((1.0,), (0.0,)), test_fraction=0.0)
    surf = surface(default().replace(data=data), 3)
    np.testing.assert_allclose(surf.xs, [0.0, 1.0, 2.0])
    np.testing.assert_allclose(surf.ys, [1.0, 2.0, 3.0])


def test_limits_of_resolution_are_inclusive():
    assert surface(default(), 2).values.shape == (2, 2)
    assert surface(default(), engine.limits.MAX_GRID).values.shape == (engine.limits.MAX_GRID,) * 2


@pytest.mark.parametrize("kwargs", [
    {"resolution": 1},
    {"resolution": engine.limits.MAX_GRID + 1},
    {"resolution": 2.5},
    {"resolution": "50"},
    {"resolution": True},
    {"layer": 0},
    {"layer": 3},
    {"layer": -1},
    {"layer": "1"},
    {"layer": 1.0},
    {"layer": 1, "neuron": 2},
    {"neuron": 1},
    {"neuron": -1},
    {"neuron": "0"},
    {"neuron": 0.0},
    {"layer": 1, "neuron": 2.5},
])
def test_bad_requests_are_refused_in_words(kwargs):
    with pytest.raises(LabInputError):
        surface(default(), **kwargs)


def test_missing_neuron_is_named():
    with pytest.raises(LabInputError, match="no neuron 3 in layer 1"):
        surface(default(), 5, 1, 2)


def test_more_than_two_inputs_has_no_surface():
    spec = engine.NetworkSpec((3, 1), ("sigmoid",), "squared_error", "xavier")
    data = engine.DataSpec(name="explicit", x=((1.0, 2.0, 3.0), (0.0, 1.0, 0.0)), y=((1.0,), (0.0,)),
                           test_fraction=0.0)
    state = engine.LabState("3 inputs", 0, spec, engine.init_params(spec, np.random.default_rng(0)),
                            engine.TrainConfig(), data)
    with pytest.raises(LabInputError, match="one or two inputs"):
        surface(state, 5)
