"""Toy loss curves: exact slopes, and the lessons each curve promises really happen."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import LabInputError
from engine.limits import MAX_LEARNING_RATE, MAX_PATH
from engine.toy_curves import CURVES, BallPath, ToyCurve, descend

NAMES = tuple(CURVES)


def test_curves_are_the_promised_ones_in_order():
    assert NAMES == ("two_valleys", "plateau", "narrow_valley", "bowl")
    for name, c in CURVES.items():
        assert c.name == name
        assert c.x_min < c.start < c.x_max
        assert c.title and c.lesson and c.formula


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=200, deadline=None)
@given(u=st.floats(0.0, 1.0))
def test_slope_is_the_central_difference_everywhere(name, u):
    c = CURVES[name]
    x = c.x_min + u * (c.x_max - c.x_min)
    h = 1e-5
    numeric = (c.loss(x + h) - c.loss(x - h)) / (2 * h)
    assert c.slope(x) == pytest.approx(numeric, rel=1e-6, abs=1e-7)


@pytest.mark.parametrize("name", NAMES)
def test_loss_and_slope_are_vectorised(name):
    c = CURVES[name]
    xs = np.linspace(c.x_min, c.x_max, 7).reshape(7, 1)
    assert c.loss(xs).shape == c.slope(xs).shape == (7, 1)
    np.testing.assert_allclose(c.loss(xs).ravel(), [c.loss(float(x)) for x in xs.ravel()])
    np.testing.assert_allclose(c.slope(xs).ravel(), [c.slope(float(x)) for x in xs.ravel()])
    assert isinstance(c.loss(1.0), float) and isinstance(c.slope(1.0), float)


def test_worked_example_on_the_bowl():
    # L(x) = x²/2, slope x, so plain descent is x <- x - 0.1 x = 0.9 x:
    #   x: 2 -> 1.8 -> 1.62 -> 1.458
    #   L: 2²/2 = 2, 1.8²/2 = 1.62, 1.62²/2 = 1.3122, 1.458²/2 = 1.062882
    #   step: -0.2, -0.18, -0.162 (each 0.9 of the last)
    p = descend("bowl", 2.0, 0.1, 3)
    np.testing.assert_allclose(p.x, [2.0, 1.8, 1.62, 1.458])
    np.testing.assert_allclose(p.loss, [2.0, 1.62, 1.3122, 1.062882])
    np.testing.assert_allclose(p.slope, p.x)
    np.testing.assert_allclose(p.step, [-0.2, -0.18, -0.162])
    assert not p.diverged and p.reason == "" and not p.converged


def test_worked_example_with_momentum():
    # Bowl, x0 = 2, lr = 0.1, momentum 0.5:
    #   v1 = 0.5*0     - 0.1*2    = -0.2    x1 = 1.8
    #   v2 = 0.5*-0.2  - 0.1*1.8  = -0.28   x2 = 1.52
    #   v3 = 0.5*-0.28 - 0.1*1.52 = -0.292  x3 = 1.228
    p = descend("bowl", 2.0, 0.1, 3, momentum=0.5)
    np.testing.assert_allclose(p.x, [2.0, 1.8, 1.52, 1.228])
    np.testing.assert_allclose(p.step, [-0.2, -0.28, -0.292])


def _hand_loop(c: ToyCurve, x0, lr, n, m):
    x, v, xs = x0, 0.0, [x0]
    with np.errstate(all="ignore"):
        for _ in range(n):
            v = m * v - lr * c.slope(x)
            x = x + v
            xs.append(x)
    return np.array(xs)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    u=st.floats(0.0, 1.0),
    lr=st.floats(1e-4, MAX_LEARNING_RATE),
    n=st.integers(0, 60),
    m=st.one_of(st.just(0.0), st.floats(0.0, 0.99)),
)
def test_path_is_the_update_rule_and_always_finite(name, u, lr, n, m):
    c = CURVES[name]
    x0 = c.x_min + u * (c.x_max - c.x_min)
    p = descend(name, x0, lr, n, momentum=m)
    assert isinstance(p, BallPath)
    k = len(p.x) - 1
    np.testing.assert_array_equal(p.x, _hand_loop(c, x0, lr, n, m)[: k + 1])
    assert p.loss.shape == p.slope.shape == (k + 1,) and p.step.shape == (k,)
    for a in (p.x, p.loss, p.slope, p.step):
        assert np.all(np.isfinite(a))
    np.testing.assert_array_equal(p.step, np.diff(p.x))
    np.testing.assert_array_equal(p.loss, c.loss(p.x))
    np.testing.assert_array_equal(p.slope, c.slope(p.x))
    if p.diverged:
        assert "flew off" in p.reason and f"{lr:g}" in p.reason and not p.converged
    else:
        assert k == n and p.reason == ""


def test_two_valleys_ball_is_trapped_in_the_shallow_valley():
    c = CURVES["two_valleys"]
    p = descend(c, c.start, c.learning_rate, 300)
    end = p.x[-1]
    assert p.converged and not p.diverged
    # It came to rest at a true minimum: x³ - 2x + 0.5 = 0 at x ≈ 1.2670.
    assert end == pytest.approx(1.2670351, abs=1e-6)
    assert c.loss(end - 0.01) > c.loss(end) < c.loss(end + 0.01)
    # ... but the deeper valley is on the left: L ≈ -1.736 at x ≈ -1.526 vs -0.328 here.
    grid = np.linspace(c.x_min, c.x_max, 100_001)
    best = grid[np.argmin(c.loss(grid))]
    assert best == pytest.approx(-1.5257, abs=1e-3)
    assert c.loss(end) == pytest.approx(-0.3284, abs=1e-3)
    assert c.loss(best) == pytest.approx(-1.7365, abs=1e-3)
    assert c.loss(end) > c.loss(best) + 1.0


def test_momentum_carries_the_ball_over_the_bump():
    c = CURVES["two_valleys"]
    stuck = descend(c, 2.0, 0.05, 400)
    rolled = descend(c, 2.0, 0.05, 400, momentum=0.9)
    assert stuck.x[-1] > 1.0  # right, shallow valley
    assert rolled.x[-1] == pytest.approx(-1.5257, abs=1e-2)  # left, deep valley
    assert rolled.loss[-1] < stuck.loss[-1] - 1.0


def test_plateau_ball_crawls_then_speeds_down_the_valley():
    c = CURVES["plateau"]
    p = descend(c, c.start, c.learning_rate, 400)
    assert p.converged and abs(p.x[-1]) < 1e-6
    on_plateau = np.abs(p.step[p.x[:-1] > 4])
    on_slope = np.abs(p.step[(p.x[:-1] > 0.5) & (p.x[:-1] < 2)])
    # Slope on the plain is x/200 plus a vanishing Gaussian part: at x = 7, 0.035.
    assert on_plateau[0] == pytest.approx(7 / 200, rel=1e-6)
    assert on_plateau.max() < 0.05 and on_slope.max() > 0.4
    assert on_slope.max() > 10 * on_plateau.max()
    # Most of the walk is spent crawling across the plain.
    assert len(on_plateau) > 100 > 5 * len(on_slope)


def test_narrow_valley_small_learning_rate_slides_in():
    # x <- (1 - 10 lr) x = 0.5 x: never crosses the bottom.
    p = descend("narrow_valley", 1.0, 0.05, 60)
    np.testing.assert_allclose(p.x[:4], [1.0, 0.5, 0.25, 0.125])
    assert np.all(p.x > 0) and p.converged


def test_narrow_valley_medium_learning_rate_zig_zags():
    # x <- (1 - 10 * 0.15) x = -0.5 x: the slope changes sign every step.
    p = descend("narrow_valley", 1.0, 0.15, 20)
    np.testing.assert_allclose(p.x[:4], [1.0, -0.5, 0.25, -0.125])
    assert np.all(np.sign(p.slope[1:]) == -np.sign(p.slope[:-1]))
    assert not p.diverged and abs(p.x[-1]) < 1e-5


def test_narrow_valley_large_learning_rate_flies_off():
    # x <- (1 - 10 * 0.25) x = -1.5 x; |x| passes the bound 1.5 + 10*3 = 31.5 at
    # step 9 (1.5⁹ ≈ 38.4), and the path stops there.
    p = descend("narrow_valley", 1.0, 0.25, 100)
    assert p.diverged and not p.converged
    assert len(p.x) == 10 and p.x[-1] == pytest.approx(-(1.5**9))
    assert p.reason == (
        "The ball flew off the curve after 9 steps: the learning rate η = 0.25 is too large for this valley. "
        "Each step overshoots the bottom further than the last, so the ball is thrown out of the valley. "
        "Choose a smaller η and Restart."
    )


def test_huge_learning_rate_stops_after_one_step():
    p = descend("two_valleys", 2.0, 100.0, 50)
    # slope(2) = 8 - 4 + 0.5 = 4.5, so x1 = 2 - 450 = -448: far off the curve.
    np.testing.assert_allclose(p.x, [2.0, -448.0])
    assert p.diverged and "after 1 step:" in p.reason


def test_non_finite_values_are_never_returned():
    # slope(0.5) = 5e299 is finite, but one step lands at x ≈ -5e299 where the
    # slope overflows: the path must end at the start, not at inf.
    wild = ToyCurve("wild", "t", "l", -1.0, 1.0, 0.5, 0.1, "L = ?", lambda x: x**2 * 5e299, lambda x: x * 1e300)
    p = descend(wild, 0.5, 1.0, 10)
    assert p.diverged and p.x.tolist() == [0.5] and np.isfinite(p.slope).all()


def test_zero_steps_and_rest():
    p = descend("bowl", 0.0, 0.1, 0)
    assert p.x.tolist() == [0.0] and p.step.shape == (0,) and p.converged
    assert not descend("bowl", 1.0, 0.1, 0).converged


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"curve": "cliff"}, "must be one of two_valleys, plateau, narrow_valley, bowl"),
        ({"curve": 3}, "must be one of"),
        ({"x0": math.nan}, "finite"),
        ({"x0": math.inf}, "finite"),
        ({"x0": 2e6}, "from -1e\\+06 to 1e\\+06"),
        ({"x0": 500.0}, "far off this curve"),
        ({"x0": True}, "must be a number"),
        ({"x0": "1"}, "must be a number"),
        ({"learning_rate": 0.0}, "above 0"),
        ({"learning_rate": -0.1}, "above 0"),
        ({"learning_rate": MAX_LEARNING_RATE * 1.01}, "at most 100"),
        ({"learning_rate": math.nan}, "finite"),
        ({"learning_rate": True}, "must be a number"),
        ({"momentum": 1.0}, "below 1"),
        ({"momentum": -0.1}, "at least 0"),
        ({"momentum": False}, "must be a number"),
        ({"steps": -1}, f"from 0 to {MAX_PATH}"),
        ({"steps": MAX_PATH + 1}, f"from 0 to {MAX_PATH}"),
        ({"steps": 2.5}, "whole number"),
        ({"steps": True}, "whole number"),
    ],
)
def test_bad_input_is_refused_in_words(kwargs, match):
    args = {"curve": "bowl", "x0": 1.0, "learning_rate": 0.1, "steps": 5, "momentum": 0.0} | kwargs
    with pytest.raises(LabInputError, match=match):
        descend(**args)


def test_limits_are_inclusive_where_they_should_be():
    assert len(descend("bowl", 1.0, MAX_LEARNING_RATE, MAX_PATH).x) >= 2
    assert len(descend("bowl", 1.0, 0.01, MAX_PATH, momentum=0.0).x) == MAX_PATH + 1
