"""Tests for engine.datasets: the shapes of the generated data, the split, features, and the JSON door."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import limits
from engine.datasets import DATASETS, FEATURES, Dataset, DataSpec, make_dataset
from engine.errors import LabInputError


def everything(name, noise=0.0):
    """All 400 points of a generated set as training data, so no split to think about."""
    d = make_dataset(DataSpec(name=name, n_points=400, noise=noise, test_fraction=0.0))
    return d.raw_train, d.y_train[:, 0]


# --- the registry ------------------------------------------------------------------------------

def test_registry_order_and_kinds():
    assert list(DATASETS) == ["xor", "circle", "gaussians", "spiral", "moons", "spiral3", "blobs4", "sine", "plane"]
    assert {n: i.kind for n, i in DATASETS.items() if i.kind == "regression"} == {
        "sine": "regression", "plane": "regression"}
    assert DATASETS["sine"].n_raw_inputs == 1 and DATASETS["moons"].title == "Two moons"
    assert list(FEATURES) == ["x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"]


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_generator_shapes_and_ranges(name):
    info = DATASETS[name]
    x, y = info.generate(np.random.default_rng(1), 37, 0.1)
    assert x.shape == (37, info.n_raw_inputs) and y.shape == (37, max(1, len(info.classes)))
    assert x.dtype == y.dtype == np.float64
    assert np.all(np.abs(x) <= 6)
    if info.kind == "classification":
        assert set(np.unique(y)) == {0.0, 1.0}
    if info.classes:  # one class per example: each target row is one-hot
        assert np.all(y.sum(axis=1) == 1.0)


def test_classes_are_balanced():
    # Classes alternate with the row index: 400 points -> 200 of each.
    for name, info in DATASETS.items():
        if info.kind == "classification" and not info.classes:
            assert everything(name)[1].sum() == 200, name


# --- each generator without noise follows its rule exactly ------------------------------------------

def test_xor_labels_follow_the_sign_rule():
    x, y = everything("xor")
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] > 0).astype(float))
    assert np.all(np.abs(x) >= 0.1) and np.all(np.abs(x) <= 1.0)  # the gap keeps every sign clear
    # four clusters, 100 points in each quadrant
    quadrants = {tuple(q): c for q, c in zip(*np.unique(np.sign(x), axis=0, return_counts=True))}
    assert quadrants == {(-1.0, -1.0): 100, (-1.0, 1.0): 100, (1.0, -1.0): 100, (1.0, 1.0): 100}


def test_circle_labels_follow_the_radius_rule():
    x, y = everything("circle")
    r = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_array_equal(y, (r < 0.6).astype(float))
    assert r[y == 1].max() <= 0.5 and 0.7 <= r[y == 0].min() and r.max() <= 1.0


def test_gaussian_blobs_sit_at_their_centres():
    x, y = everything("gaussians")
    # 200 points of σ 0.25: each mean is within 4 standard errors (4 · 0.25 / √200 ≈ 0.07).
    np.testing.assert_allclose(x[y == 1].mean(axis=0), [0.5, 0.5], atol=0.07)
    np.testing.assert_allclose(x[y == 0].mean(axis=0), [-0.5, -0.5], atol=0.07)
    np.testing.assert_allclose(x[y == 1].std(axis=0), [0.25, 0.25], atol=0.05)


def test_spiral_arms_follow_their_angle():
    x, y = everything("spiral")
    r = np.hypot(x[:, 0], x[:, 1])
    # Arm k: angle = 3π·r + k·π. Wrap the difference onto (-π, π] and it must vanish.
    off = np.angle(np.exp(1j * (np.arctan2(x[:, 1], x[:, 0]) - 3 * np.pi * r - np.pi * y)))
    np.testing.assert_allclose(off, 0.0, atol=1e-9)
    assert 0.05 <= r.min() and r.max() <= 1.0


def test_moons_are_unit_half_circles():
    x, y = everything("moons")
    upper, lower = x[y == 0], x[y == 1]
    # upper moon: centre (-0.5, -0.25), above its centre; lower moon: centre (0.5, 0.25), below it
    np.testing.assert_allclose(np.hypot(upper[:, 0] + 0.5, upper[:, 1] + 0.25), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 0.5, lower[:, 1] - 0.25), 1.0)
    assert np.all(upper[:, 1] >= -0.25) and np.all(lower[:, 1] <= 0.25)


def test_sine_targets_are_sin_x():
    x, y = everything("sine")
    np.testing.assert_array_equal(y, np.sin(x[:, 0]))
    assert -math.pi <= x.min() and x.max() <= math.pi


def test_plane_targets_follow_the_formula():
    x, y = everything("plane")
    # e.g. at (1, -1): 0.6 + 0.4 + 0.1 = 1.1
    np.testing.assert_allclose(y, 0.6 * x[:, 0] - 0.4 * x[:, 1] + 0.1, rtol=0, atol=1e-15)


def test_noise_is_the_jitter_standard_deviation():
    clean_x, _ = everything("sine")
    _, noisy_y = everything("sine", noise=0.5)
    # Same seed, same x draws; the residual is N(0, 0.5²). With 400 points its std is 0.5 ± ~0.035.
    assert abs((noisy_y - np.sin(clean_x[:, 0])).std() - 0.5) < 0.07
    # Classification noise moves inputs; the labels stay those of the clean points.
    x0, y0 = everything("xor")
    x1, y1 = everything("xor", noise=0.3)
    np.testing.assert_array_equal(y0, y1)
    assert abs((x1 - x0).std() - 0.3) < 0.03


# --- the split ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "n, fraction, n_test",
    [(200, 0.5, 100), (200, 0.25, 50), (10, 0.3, 3), (5, 0.5, 2), (2, 0.9, 1), (1, 0.5, 0), (7, 0.0, 0)],
)
def test_split_sizes(n, fraction, n_test):
    # round(5 · 0.5) = round(2.5) = 2 (halves to even); round(2 · 0.9) = 2 is capped at n - 1 = 1.
    d = make_dataset(DataSpec(name="moons", n_points=n, test_fraction=fraction))
    assert (len(d.x_test), len(d.x_train)) == (n_test, n - n_test)
    assert len(d.y_test) == len(d.raw_test) == n_test and len(d.y_train) == len(d.raw_train) == n - n_test


def test_split_is_a_partition_of_the_points():
    whole = make_dataset(DataSpec(name="spiral", n_points=50, test_fraction=0.0))
    split = make_dataset(DataSpec(name="spiral", n_points=50, test_fraction=0.4))
    def rows(*parts):
        return sorted(map(tuple, np.vstack(parts).tolist()))

    assert rows(split.raw_train, split.raw_test) == rows(whole.raw_train)


def test_explicit_rows_keep_their_order():
    rows = tuple((float(i), 10.0 * i) for i in range(10))
    targets = tuple((float(i % 2),) for i in range(10))
    d = make_dataset(DataSpec(name="explicit", x=rows, y=targets, test_fraction=0.3))
    assert len(d.x_test) == 3 and len(d.x_train) == 7
    for xs, ys in ((d.x_train, d.y_train), (d.x_test, d.y_test)):
        assert list(xs[:, 0]) == sorted(xs[:, 0])
        np.testing.assert_array_equal(xs[:, 1], 10 * xs[:, 0])  # each row stays whole
        np.testing.assert_array_equal(ys[:, 0], xs[:, 0] % 2)  # and keeps its target
    assert sorted([*d.x_train[:, 0], *d.x_test[:, 0]]) == list(range(10))


def test_explicit_truth_table_worked_example():
    spec = DataSpec(name="explicit", x=((0, 0), (0, 1), (1, 0), (1, 1)), y=((0,), (1,), (1,), (0,)),
                    test_fraction=0.0, features=("x1_x2",))
    d = make_dataset(spec)
    # x₁x₂ is 0·0, 0·1, 1·0, 1·1 = 0, 0, 0, 1
    np.testing.assert_array_equal(d.x_train, [[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 1]])
    np.testing.assert_array_equal(d.y_train, [[0], [1], [1], [0]])
    assert d.input_names == ("x₁", "x₂", "x₁x₂") and d.kind == "classification"
    assert d.x_test.shape == (0, 3) and d.y_test.shape == (0, 1)
    assert spec.input_size() == 3 and spec.output_size() == 1


def test_one_explicit_row_is_all_training():
    d = make_dataset(DataSpec(name="explicit", x=((0.5,),), y=((2.0, -1.0),), kind="regression", test_fraction=0.5))
    np.testing.assert_array_equal(d.x_train, [[0.5]])
    np.testing.assert_array_equal(d.y_train, [[2.0, -1.0]])
    assert len(d.x_test) == 0 and d.kind == "regression" and d.input_names == ("x₁",)


def test_explicit_input_names_count_up():
    d = make_dataset(DataSpec(name="explicit", x=((0,) * 8,), y=((0,),)))
    assert d.input_names == ("x₁", "x₂", "x₃", "x₄", "x₅", "x₆", "x₇", "x₈")


# --- features ----------------------------------------------------------------------------------

def test_feature_columns_equal_their_formulas():
    spec = DataSpec(name="gaussians", n_points=60, features=("sin_x2", "x1_sq", "x1_x2", "x2_sq", "sin_x1"))
    d = make_dataset(spec)
    for raw, x in ((d.raw_train, d.x_train), (d.raw_test, d.x_test)):
        a, b = raw[:, 0], raw[:, 1]
        # raw inputs first, then the features in the order asked for
        np.testing.assert_array_equal(x, np.column_stack([a, b, np.sin(b), a**2, a * b, b**2, np.sin(a)]))
    assert d.input_names == ("x₁", "x₂", "sin(x₂)", "x₁²", "x₁x₂", "x₂²", "sin(x₁)")
    assert spec.input_size() == 7 == d.x_train.shape[1]


def test_features_do_not_change_the_points():
    plain = make_dataset(DataSpec(name="circle", seed=3))
    extra = make_dataset(DataSpec(name="circle", seed=3, features=("x1_sq",)))
    np.testing.assert_array_equal(plain.x_train, extra.x_train[:, :2])
    np.testing.assert_array_equal(plain.y_test, extra.y_test)


# --- determinism and immutability --------------------------------------------------------------

@pytest.mark.parametrize("name", list(DATASETS))
def test_same_spec_same_bits_other_seed_other_points(name):
    a, b = make_dataset(DataSpec(name=name, seed=7)), make_dataset(DataSpec(name=name, seed=7))
    c = make_dataset(DataSpec(name=name, seed=8))
    for field in ("x_train", "y_train", "x_test", "y_test", "raw_train", "raw_test"):
        assert getattr(a, field).tobytes() == getattr(b, field).tobytes()
    assert not np.array_equal(a.raw_train, c.raw_train)


def test_arrays_are_float64_and_read_only():
    d = make_dataset(DataSpec(name="explicit", x=((1, 2), (3, 4)), y=((0,), (1,)), test_fraction=0.5))
    for field in ("x_train", "y_train", "x_test", "y_test", "raw_train", "raw_test"):
        a = getattr(d, field)
        assert a.dtype == np.float64 and not a.flags.writeable
        with pytest.raises(ValueError):
            a[...] = 0


def test_engine_datasets_imports_no_dash_or_plotly():
    code = "import sys, engine.datasets; sys.exit(any(m.split('.')[0] in ('dash', 'plotly') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- JSON round trips ----------------------------------------------------------------------------

def json_round_trip(spec):
    return DataSpec.from_dict(json.loads(json.dumps(spec.to_dict())))


def test_default_round_trip_and_plain_json_types():
    d = DataSpec().to_dict()
    assert d == {"name": "xor", "n_points": 200, "noise": 0.1, "test_fraction": 0.5, "seed": 0,
                 "features": [], "x": [], "y": [], "kind": "classification", "classes": []}
    assert json_round_trip(DataSpec()) == DataSpec()
    assert DataSpec.from_dict({}) == DataSpec()  # missing fields take their defaults


def test_explicit_round_trip_normalises_to_floats_and_tuples():
    spec = DataSpec.from_dict({"name": "explicit", "x": [[1, 2.5]], "y": [[1]], "features": ["x2_sq"]})
    assert spec.x == ((1.0, 2.5),) and spec.y == ((1.0,),) and spec.features == ("x2_sq",)
    assert type(spec.x[0][0]) is float
    assert json_round_trip(spec) == spec


def finite(lo=-limits.MAX_ABS_VALUE, hi=limits.MAX_ABS_VALUE):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def specs(draw):
    name = draw(st.sampled_from([*DATASETS, "explicit"]))
    kind = draw(st.sampled_from(["classification", "regression"]))
    x = y = ()
    if name == "explicit":
        rows = draw(st.integers(1, 12))
        n_in, n_out = draw(st.integers(1, limits.MAX_INPUTS)), draw(st.integers(1, limits.MAX_OUTPUTS))
        target = st.sampled_from([0.0, 1.0]) if kind == "classification" else finite()
        x = tuple(tuple(draw(finite()) for _ in range(n_in)) for _ in range(rows))
        y = tuple(tuple(draw(target) for _ in range(n_out)) for _ in range(rows))
        two_inputs = n_in == 2
    else:
        two_inputs = DATASETS[name].n_raw_inputs == 2
    features = draw(st.lists(st.sampled_from(list(FEATURES)), unique=True)) if two_inputs else []
    return DataSpec(
        name=name,
        n_points=draw(st.integers(limits.MIN_POINTS, 40)),
        noise=draw(finite(0.0, limits.MAX_NOISE)),
        test_fraction=draw(st.floats(0.0, 1.0, exclude_max=True)),
        seed=draw(st.integers(0, limits.MAX_SEED)),
        features=tuple(features),
        x=x,
        y=y,
        kind=kind,
    )


@settings(max_examples=150, deadline=None)
@given(specs())
def test_round_trip_property(spec):
    assert json_round_trip(spec) == spec
    assert json_round_trip(spec).to_dict() == spec.to_dict()


@settings(max_examples=60, deadline=None)
@given(specs())
def test_make_dataset_property(spec):
    d = make_dataset(spec)
    assert isinstance(d, Dataset)
    n = len(spec.x) if spec.name == "explicit" else spec.n_points
    assert len(d.x_train) + len(d.x_test) == n and len(d.x_train) >= 1
    assert d.x_train.shape[1] == d.x_test.shape[1] == spec.input_size() == len(d.input_names)
    assert d.y_train.shape[1] == d.y_test.shape[1] == spec.output_size()
    assert d.raw_train.shape == (len(d.x_train), spec.n_raw_inputs)
    assert np.all(np.isfinite(d.x_train)) and np.all(np.isfinite(d.y_train))
    if d.kind == "classification":
        assert set(np.unique(np.concatenate([d.y_train, d.y_test]))) <= {0.0, 1.0}


# --- bad input: each refused with a message naming the field, the value and what is allowed ----------

def explicit(**fields):
    return {"name": "explicit", "x": [[0, 0], [1, 1]], "y": [[0], [1]], **fields}


@pytest.mark.parametrize(
    "given, words",
    [
        ([1, 2], ["data must be an object", "list"]),
        ({"name": "swirl"}, ["data.name", "'swirl'", "xor", "explicit"]),
        ({"name": 3}, ["data.name", "3"]),
        ({"colour": "red"}, ["unknown", "'colour'", "allowed", "n_points"]),
        ({1: 2}, ["unknown", "1", "allowed"]),
        ({"n_points": "200"}, ["data.n_points", "whole number", "'200'"]),
        ({"n_points": True}, ["data.n_points", "whole number", "True"]),
        ({"seed": False}, ["data.seed", "whole number", "False"]),
        ({"n_points": 2.5}, ["data.n_points", "whole number", "2.5"]),
        ({"n_points": limits.MAX_POINTS + 1}, ["data.n_points", "2000", "2001"]),
        ({"n_points": 0}, ["data.n_points", "from 1 to 2000"]),
        ({"seed": -1}, ["data.seed", "-1"]),
        ({"seed": 2**32}, ["data.seed", str(limits.MAX_SEED)]),
        ({"noise": 2.5}, ["data.noise", "from 0 to 2", "2.5"]),
        ({"noise": -0.1}, ["data.noise", "-0.1"]),
        ({"noise": float("nan")}, ["data.noise", "finite", "nan"]),
        ({"noise": float("inf")}, ["data.noise", "finite", "inf"]),
        ({"noise": 10**400}, ["data.noise", "outside"]),
        ({"noise": True}, ["data.noise", "number", "True"]),
        ({"noise": None}, ["data.noise", "number", "None"]),
        ({"test_fraction": 1}, ["data.test_fraction", "below 1"]),
        ({"test_fraction": -0.5}, ["data.test_fraction", "-0.5"]),
        ({"kind": "clustering"}, ["data.kind", "'clustering'", "regression"]),
        ({"features": "x1_sq"}, ["data.features", "list", "str"]),
        ({"features": ["x3_sq"]}, ["data.features", "'x3_sq'", "x1_sq"]),
        ({"features": ["x1_sq", "x1_sq"]}, ["data.features", "twice"]),
        ({"name": "sine", "features": ["x1_sq"]}, ["data.features", "two inputs", "'sine' has 1"]),
        ({"name": "xor", "x": [[1, 2]], "y": [[0]]}, ["data.x", "only for name 'explicit'", "'xor'"]),
        (explicit(x=[]), ["data.x", "at least one row"]),
        (explicit(x=[[0, 0], [1, 1, 1]]), ["data.x", "same number", "row 1 has 2, row 2 has 3"]),
        (explicit(x=[[0, 0], []]), ["data.x row 2", "1 to 8", "not 0"]),
        (explicit(x=[[0] * 9, [0] * 9]), ["data.x row 1", "1 to 8", "not 9"]),
        (explicit(y=[[0] * 5, [0] * 5]), ["data.y row 1", "1 to 4", "not 5"]),
        (explicit(y=[[0], [1], [1]]), ["data.x has 2 row(s)", "data.y has 3"]),
        (explicit(y=[[0], [0.5]]), ["data.y", "0 or 1", "not 0.5", "regression"]),
        (explicit(x=[[0, 0], [1, float("nan")]]), ["data.x row 2, column 2", "finite", "nan"]),
        (explicit(x=[[0, 0], [1, float("-inf")]]), ["data.x row 2, column 2", "finite", "-inf"]),
        (explicit(x=[[0, 0], [1, 2e6]]), ["data.x row 2, column 2", "1e+06", "outside"]),
        (explicit(x=[[0, 0], [1, 10**400]]), ["data.x row 2, column 2", "outside"]),
        (explicit(x=[[0, 0], [1, True]]), ["data.x row 2, column 2", "number", "True"]),
        (explicit(x=[[0, 0], [1, "2"]]), ["data.x row 2, column 2", "number", "'2'"]),
        (explicit(x=[[0, 0], 7]), ["data.x row 2", "list"]),
        (explicit(y=[[0], [1]] * 1001, x=[[0, 0], [1, 1]] * 1001), ["data.x", "0 to 2000", "not 2002"]),
        (explicit(x=[[0], [1]], features=["x1_sq"]), ["data.features", "two inputs", "has 1"]),
    ],
)
def test_bad_input_is_refused_with_a_useful_message(given, words):
    with pytest.raises(LabInputError) as caught:
        DataSpec.from_dict(given)
    message = str(caught.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
