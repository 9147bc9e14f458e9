"""The map over two weights on a fixed sample of the rows, and the grid's in-place activations.

A map's cost is grid points × rows, so the page asks loss_grid for at most 300 rows
(app/panels.py). The rows kept are evenly spaced and always the same; these tests check
which rows they are, that a sampled map is exactly the full computation on those rows,
and that the grid's in-place activations are the registry's to the last bit.
"""

import numpy as np
import pytest

import engine
from engine import ParamRef, landscape
from engine.activations import ACTIVATIONS


def test_the_rows_kept_are_evenly_spaced_and_fixed():
    # Row (i · n) // k for i = 0 … k−1.
    assert landscape.sample_rows(10, 4).tolist() == [0, 2, 5, 7]  # 0, 10//4, 20//4, 30//4
    assert landscape.sample_rows(2000, 400).tolist() == list(range(0, 2000, 5))  # every 5th
    assert landscape.sample_rows(400, 400) is None  # few enough rows: all of them
    assert landscape.sample_rows(3, None) is None
    with pytest.raises(engine.LabInputError):
        landscape.sample_rows(10, 0)


def linear_lab(x, y, spec=None, params=None) -> engine.LabState:
    """By default 1 → 1 linear, mean squared error: C(w, b) = mean (w·x + b − y)², every row in training."""
    spec = spec or engine.NetworkSpec((1, 1), ("linear",), "mse", "xavier")
    params = params or engine.Params((None, np.array([[0.5]])), (None, np.array([0.0])))
    data = engine.DataSpec("explicit", test_fraction=0.0, seed=0, kind="regression",
                           x=tuple((v,) for v in x), y=tuple((v,) for v in y))
    return engine.LabState("linear", 0, spec, params, engine.TrainConfig("sgd", 0.1, batch_size=1), data)


def test_a_sample_of_rows_written_twice_gives_the_full_map():
    # Rows A A B B C C D D: every 2nd row, from the first, is A B C D, whose mean is the whole set's.
    lab = linear_lab([0, 0, 1, 1, 2, 2, 3, 3], [1, 1, 1, 1, 3, 3, 3, 3])
    w, b = ParamRef("W", 1, 0, 0), ParamRef("b", 1, 0)
    full = engine.loss_grid(lab, w, b, [0.0, 1.0], [0.0, 1.0])
    half = engine.loss_grid(lab, w, b, [0.0, 1.0], [0.0, 1.0], max_rows=4)
    # By hand, at w = 1, b = 0: outputs 0 1 2 3 against 1 1 3 3: errors 1 0 1 0, C = 2/4 = 0.5;
    # at w = 0, b = 1: outputs 1 1 1 1, errors 0 0 4 4, C = 8/4 = 2.
    assert half.loss[0, 1] == pytest.approx(0.5, abs=1e-15)
    assert half.loss[1, 0] == pytest.approx(2.0, abs=1e-15)
    np.testing.assert_allclose(half.loss, full.loss, rtol=0, atol=1e-15)
    assert (half.rows_used, half.rows_total, half.sampled) == (4, 8, True)
    assert (full.rows_used, full.rows_total, full.sampled) == (8, 8, False)
    assert half.gradient == full.gradient  # the gradient is always the whole set's


def test_a_sampled_map_is_the_full_map_of_the_rows_kept():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-2, 2, 10).round(3), rng.uniform(-1, 1, 10).round(3)
    spec = engine.NetworkSpec((1, 3, 1), ("sigmoid", "linear"), "mse", "xavier")
    params = engine.init_params(spec, np.random.default_rng(1))

    def lab(rows):
        return linear_lab(x[rows], y[rows], spec, params)

    kept = [0, 2, 5, 7]
    refs = ParamRef("W", 1, 1, 0), ParamRef("W", 2, 0, 2)
    values = np.linspace(-3, 3, 7)
    sampled = engine.loss_grid(lab(np.arange(10)), *refs, values, values, max_rows=4)
    direct = engine.loss_grid(lab(kept), *refs, values, values)
    np.testing.assert_array_equal(sampled.loss, direct.loss)
    # … and each point is engine.cost on those rows with the two weights set.
    p = refs[1].set(refs[0].set(params, values[2]), values[5])
    assert sampled.loss[5, 2] == pytest.approx(engine.cost(spec, p, x[kept, None], y[kept, None]), abs=1e-14)


def test_the_work_of_a_map():
    state = engine.PRESETS["default"].state()  # 2-2-1, one training row
    refs = ParamRef("W", 1, 0, 0), ParamRef("W", 2, 0, 1)
    # 41 × 41 points × 1 row × (2 + 1) neurons from layer 1 up; from layer 2 up only the output.
    assert engine.grid_work(state, refs, 41 * 41) == 1681 * 1 * 3
    assert engine.grid_work(state, refs[1:], 124) == 124 * 1 * 1


EDGES = np.array([0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 36.0, -36.0, 745.0, -745.0, 800.0, -800.0,
                  np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("name", sorted(n for n, a in ACTIVATIONS.items() if a.in_place))
def test_the_grids_own_activations_are_the_registrys_to_the_bit(name):
    z = np.concatenate([EDGES, np.random.default_rng(0).normal(0, 5, 1000)]).reshape(5, 203)
    with np.errstate(all="ignore"):
        expected = ACTIVATIONS[name].f(z)
        got = ACTIVATIONS[name].in_place(z.copy())
    np.testing.assert_array_equal(got, expected)
    assert np.array_equal(np.signbit(got), np.signbit(expected))  # −0.0 stays −0.0
