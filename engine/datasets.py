"""Toy data sets for the lab: named generators, extra input features, and a seeded train/test split.

A `DataSpec` is the small, JSON-safe description that lives in the state; `make_dataset` turns it into
arrays. Every generator draws only from the `numpy.random.default_rng(spec.seed)` it is handed, so the
same spec always gives bit-identical arrays.

Generated inputs, before noise (noise widens them):

=========  ==============  =====================================================
name       kind            inputs
=========  ==============  =====================================================
xor        classification  four clusters in [-1, 1]², label 1 where x₁·x₂ > 0
circle     classification  disc r ≤ 0.5 (label 1) inside a ring 0.7 ≤ r ≤ 1 (0)
gaussians  classification  blobs around (-0.5, -0.5) (0) and (0.5, 0.5) (1), σ 0.25
spiral     classification  two interleaved arms of 1.5 turns in [-1, 1]²
moons      classification  two interlocking half circles in [-1.5, 1.5]×[-0.75, 0.75]
spiral3    3 classes       three interleaved arms of 1.25 turns in [-1, 1]²
blobs4     4 classes       blobs around (±0.5, ±0.5), σ 0.2, one class per quadrant
sine       regression      x in [-π, π], y = sin(x)
plane      regression      x in [-1, 1]², y = 0.6·x₁ − 0.4·x₂ + 0.1
=========  ==============  =====================================================

Two classes have one target column, 0 or 1. More classes (`DatasetInfo.classes`, or a DataSpec's own
`classes` for explicit rows) have one column per class and one class per example: the target row is
one-hot, t_k = 1 for the example's class k and 0 for the others, as a softmax output is trained on.

`noise` is the standard deviation of Gaussian jitter added to the inputs (classification; labels come
from the clean points, so noise pushes points across the boundary) or to the target (regression).

Deliberately not here: reading files, scaling or standardising inputs, mini-batches or per-epoch
shuffling (the trainer's job), and anything to do with drawing.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from . import limits, validate
from .errors import LabInputError

KINDS = ("classification", "regression")
EXPLICIT = "explicit"  # the name for rows typed in by a person instead of generated


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    title: str
    kind: str
    n_raw_inputs: int
    generate: Callable[[np.random.Generator, int, float], tuple[np.ndarray, np.ndarray]]
    classes: tuple[str, ...] = ()  # names of 3 or more classes, one-hot targets; () for 0/1 targets


@dataclass(frozen=True)
class FeatureInfo:
    name: str
    label: str
    fn: Callable[[np.ndarray], np.ndarray]


def _jitter(rng, clean, noise):
    return clean + noise * rng.normal(size=clean.shape)


def _column(values):
    return np.asarray(values, dtype=float).reshape(-1, 1)


# Classes alternate with the row index (i % k) so every class gets its share even for a few points;
# make_dataset's shuffle then mixes the order.


def _xor(rng, n, noise):
    quadrant = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]])[np.arange(n) % 4]
    # Keep 0.1 away from the axes so that, without noise, every point has an unambiguous sign.
    clean = quadrant * rng.uniform(0.1, 1.0, size=(n, 2))
    return _jitter(rng, clean, noise), _column(clean[:, 0] * clean[:, 1] > 0)


def _circle(rng, n, noise):
    inner = np.arange(n) % 2 == 0
    # sqrt of a uniform radius² spreads points evenly over the area, not bunched at the centre.
    r = np.where(inner, np.sqrt(rng.uniform(0.0, 0.25, n)), np.sqrt(rng.uniform(0.49, 1.0, n)))
    angle = rng.uniform(0.0, 2 * np.pi, n)
    clean = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _jitter(rng, clean, noise), _column(inner)


def _gaussians(rng, n, noise):
    label = np.arange(n) % 2
    clean = np.where(label[:, None] == 1, 0.5, -0.5) + 0.25 * rng.normal(size=(n, 2))
    return _jitter(rng, clean, noise), _column(label)


def _spiral(rng, n, noise):
    label = np.arange(n) % 2
    r = rng.uniform(0.05, 1.0, n)
    angle = 3 * np.pi * r + np.pi * label  # the second arm is the first turned half a turn
    clean = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _jitter(rng, clean, noise), _column(label)


def _moons(rng, n, noise):
    label = np.arange(n) % 2
    t = rng.uniform(0.0, np.pi, n)
    # Upper moon: unit half circle centred at (-0.5, -0.25); the lower moon is it turned about the origin.
    upper = np.column_stack([np.cos(t) - 0.5, np.sin(t) - 0.25])
    clean = np.where(label[:, None] == 1, -upper, upper)
    return _jitter(rng, clean, noise), _column(label)


def _one_hot(label, k):
    return np.eye(k)[label]


def _spiral3(rng, n, noise):
    label = np.arange(n) % 3
    r = rng.uniform(0.05, 1.0, n)
    angle = 2.5 * np.pi * r + 2 * np.pi * label / 3  # each arm is the first turned a third of a turn
    clean = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _jitter(rng, clean, noise), _one_hot(label, 3)


def _blobs4(rng, n, noise):
    label = np.arange(n) % 4
    centre = np.array([[0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5], [0.5, -0.5]])[label]
    clean = centre + 0.2 * rng.normal(size=(n, 2))
    return _jitter(rng, clean, noise), _one_hot(label, 4)


def _sine(rng, n, noise):
    x = rng.uniform(-np.pi, np.pi, size=(n, 1))
    return x, _jitter(rng, np.sin(x), noise)


def _plane(rng, n, noise):
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    return x, _jitter(rng, _column(0.6 * x[:, 0] - 0.4 * x[:, 1] + 0.1), noise)


DATASETS = {
    info.name: info
    for info in (
        DatasetInfo("xor", "XOR (four clusters)", "classification", 2, _xor),
        DatasetInfo("circle", "Circle in a ring", "classification", 2, _circle),
        DatasetInfo("gaussians", "Two Gaussian blobs", "classification", 2, _gaussians),
        DatasetInfo("spiral", "Two spirals", "classification", 2, _spiral),
        DatasetInfo("moons", "Two moons", "classification", 2, _moons),
        DatasetInfo("spiral3", "Three spirals (3 classes)", "classification", 2, _spiral3, ("A", "B", "C")),
        DatasetInfo("blobs4", "Four blobs (4 classes)", "classification", 2, _blobs4, ("A", "B", "C", "D")),
        DatasetInfo("sine", "Sine wave", "regression", 1, _sine),
        DatasetInfo("plane", "Plane", "regression", 2, _plane),
    )
}

FEATURES = {
    f.name: f
    for f in (
        FeatureInfo("x1_sq", "x₁²", lambda x: x[:, 0] ** 2),
        FeatureInfo("x2_sq", "x₂²", lambda x: x[:, 1] ** 2),
        FeatureInfo("x1_x2", "x₁x₂", lambda x: x[:, 0] * x[:, 1]),
        FeatureInfo("sin_x1", "sin(x₁)", lambda x: np.sin(x[:, 0])),
        FeatureInfo("sin_x2", "sin(x₂)", lambda x: np.sin(x[:, 1])),
    )
}

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _plain_table(rows: list, max_columns: int):
    """The common case at C speed: rows of plain numbers, all the same length and within range,
    as _table returns them; None for anything else, which _table then checks value by value
    and names what is wrong (2,000 rows of 12 values: 3 ms here against 30 ms there)."""
    if not rows or not all(type(r) in (list, tuple) for r in rows):
        return None
    width = len(rows[0])
    if not 1 <= width <= max_columns or any(len(r) != width for r in rows):
        return None
    if not set(map(type, itertools.chain.from_iterable(rows))) <= {float, int}:
        return None
    try:
        table = np.array(rows, dtype=float)
    except OverflowError:  # an integer beyond any float
        return None
    if not np.all(np.abs(table) <= limits.MAX_ABS_VALUE):  # NaN fails this too
        return None
    return tuple(map(tuple, table.tolist()))


def _table(value, field, max_columns):
    """Rows of finite numbers, all the same length, as a tuple of tuples of floats."""
    rows = validate.sequence(value, field, 0, limits.MAX_POINTS)
    fast = _plain_table(rows, max_columns)
    if fast is not None:
        return fast
    out = []
    for i, row in enumerate(rows, start=1):
        row = validate.sequence(row, f"{field} row {i}", 1, max_columns)
        if out and len(row) != len(out[0]):
            raise LabInputError(f"{field}: every row needs the same number of values; "
                                f"row 1 has {len(out[0])}, row {i} has {len(row)}.")
        out.append(tuple(validate.number(v, f"{field} row {i}, column {j}") for j, v in enumerate(row, start=1)))
    return tuple(out)


def _classes(value, name: str, kind: str, y) -> tuple[str, ...]:
    """Checked class names for explicit rows with one-hot targets (one row of y per example)."""
    names = validate.sequence(value, "data.classes", 0, limits.MAX_OUTPUTS)
    if not names:
        return ()
    names = tuple(validate.text(c, "a class name", 40) for c in names)
    if name != EXPLICIT:
        raise LabInputError(f"data.classes are for name 'explicit'; '{name}' has classes of its own.")
    if kind != "classification" or len(names) < 2 or len(set(names)) != len(names) or not all(map(str.strip, names)):
        raise LabInputError("data.classes names 2 to 4 different classes of classification data.")
    for i, row in enumerate(y, start=1):
        if len(row) != len(names) or sorted(row) != [0.0] * (len(names) - 1) + [1.0]:
            raise LabInputError(f"data.y row {i}: with {len(names)} classes each target row is one 1 (the "
                                f"example's class) and {len(names) - 1} zeros, not {list(row)[:6]}.")
    return names


@dataclass(frozen=True)
class DataSpec:
    """What data to use, as plain values; `make_dataset` builds the arrays.

    Construction checks every field (so no invalid spec exists) and normalises lists to tuples and
    whole numbers given as floats to ints. `x`, `y` and `kind` matter only when `name` is "explicit";
    `n_points` and `noise` only for generated data. `classes` names the classes of explicit rows
    whose targets are one-hot (one column per class); () for 0/1 targets or regression.
    """

    name: str = "xor"
    n_points: int = 200
    noise: float = 0.1
    test_fraction: float = 0.5
    seed: int = 0
    features: tuple[str, ...] = ()
    x: tuple[tuple[float, ...], ...] = ()
    y: tuple[tuple[float, ...], ...] = ()
    kind: str = "classification"
    classes: tuple[str, ...] = ()

    def __post_init__(self):
        def put(field, value):  # frozen: the checked, normalised value replaces what was given
            object.__setattr__(self, field, value)

        put("name", validate.choice(self.name, "data.name", (*DATASETS, EXPLICIT)))
        put("n_points", validate.integer(self.n_points, "data.n_points", limits.MIN_POINTS, limits.MAX_POINTS))
        put("noise", validate.number(self.noise, "data.noise", 0.0, limits.MAX_NOISE))
        fraction = validate.number(self.test_fraction, "data.test_fraction", 0.0, 1.0)
        if fraction == 1.0:
            raise LabInputError("data.test_fraction must be at least 0 and below 1, so some points are left "
                                "to train on; 1 is not.")
        put("test_fraction", fraction)
        put("seed", validate.integer(self.seed, "data.seed", 0, limits.MAX_SEED))
        put("kind", validate.choice(self.kind, "data.kind", KINDS))
        put("x", _table(self.x, "data.x", limits.MAX_INPUTS))
        put("y", _table(self.y, "data.y", limits.MAX_OUTPUTS))
        put("classes", _classes(self.classes, self.name, self.kind, self.y))
        if self.name == EXPLICIT:
            if not self.x:
                raise LabInputError("data.x is empty: explicit data needs at least one row of inputs.")
            if len(self.x) != len(self.y):
                raise LabInputError(f"data.x has {len(self.x)} row(s) but data.y has {len(self.y)}; "
                                    "each row of inputs needs one row of targets.")
            bad = [v for row in self.y for v in row if v not in (0.0, 1.0)]
            if self.kind == "classification" and bad and not self.classes:
                raise LabInputError(f"data.y: classification targets must be 0 or 1, not {bad[0]:g}; "
                                    "use kind 'regression' for other values.")
        elif self.x or self.y:
            raise LabInputError(f"data.x and data.y are only for name 'explicit'; '{self.name}' makes its own "
                                "points, so leave them empty.")

        features = validate.sequence(self.features, "data.features", 0, len(FEATURES))
        features = tuple(validate.choice(f, "data.features", tuple(FEATURES)) for f in features)
        if len(set(features)) != len(features):
            raise LabInputError(f"data.features lists a feature twice: {', '.join(features)}.")
        if features and self.n_raw_inputs != 2:
            raise LabInputError(f"data.features are for data with two inputs (x₁, x₂); '{self.name}' has "
                                f"{self.n_raw_inputs}.")
        put("features", features)

    def __hash__(self):
        # The training loop finds its dataset by spec (engine/cache.py) on every step, and hashing
        # 2,000 uploaded rows took longer than the step itself: hash once, on first use.
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(tuple(getattr(self, f.name) for f in fields(self)))
            object.__setattr__(self, "_hash", cached)
        return cached

    @property
    def n_raw_inputs(self) -> int:
        return len(self.x[0]) if self.name == EXPLICIT else DATASETS[self.name].n_raw_inputs

    def input_names(self) -> tuple[str, ...]:
        """x₁, x₂ … for the raw inputs, then each extra input by what it computes (x₁², sin(x₂) …)."""
        raw = tuple(f"x{i}".translate(_SUBSCRIPTS) for i in range(1, self.n_raw_inputs + 1))
        return raw + tuple(FEATURES[f].label for f in self.features)

    def class_names(self) -> tuple[str, ...]:
        """The classes when each example belongs to one of several (one-hot targets); () otherwise."""
        return self.classes if self.name == EXPLICIT else DATASETS[self.name].classes

    def input_size(self) -> int:
        """Columns of `x_train`: raw inputs plus extra features."""
        return self.n_raw_inputs + len(self.features)

    def output_size(self) -> int:
        """Columns of `y_train`: one per class for several classes, else one per target."""
        if self.class_names():
            return len(self.class_names())
        return len(self.y[0]) if self.name == EXPLICIT else 1

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "n_points": self.n_points,
            "noise": self.noise,
            "test_fraction": self.test_fraction,
            "seed": self.seed,
            "features": list(self.features),
            "x": [list(row) for row in self.x],
            "y": [list(row) for row in self.y],
            "kind": self.kind,
            "classes": list(self.classes),
        }

    @classmethod
    def from_dict(cls, d) -> "DataSpec":
        """Check untrusted JSON and build a spec; missing fields take their defaults.

        Raises
        ------
        LabInputError
            Naming the field, what was given and what is allowed.
        """
        if not isinstance(d, dict):
            raise LabInputError(f"data must be an object of settings, not {type(d).__name__}.")
        allowed = [f.name for f in fields(cls)]
        unknown = [repr(k)[:40] for k in d if k not in allowed]
        if unknown:
            raise LabInputError(f"data has unknown field(s) {', '.join(unknown[:5])}; "
                                f"allowed: {', '.join(allowed)}.")
        return cls(**d)


@dataclass(frozen=True)
class Dataset:
    """Arrays ready for training, all float64 and read-only.

    Attributes
    ----------
    x_train, x_test : ndarray, shape (n_train, n_inputs) / (n_test, n_inputs)
        Raw inputs followed by the feature columns, in `input_names` order.
    y_train, y_test : ndarray, shape (n_train, n_outputs) / (n_test, n_outputs)
        Targets; 0.0 or 1.0 for classification.
    kind : str
        "classification" or "regression".
    input_names : tuple of str
        A label per input column, e.g. ("x₁", "x₂", "x₁²").
    raw_train, raw_test : ndarray, shape (n_train, n_raw) / (n_test, n_raw)
        The raw inputs alone, for plotting points in their own plane.
    classes : tuple of str
        The class names when each example is one of several classes (y one-hot, a column per
        class); () for 0/1 targets and for regression.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    kind: str
    input_names: tuple[str, ...]
    raw_train: np.ndarray
    raw_test: np.ndarray
    classes: tuple[str, ...] = ()


def _frozen(a):
    a = np.array(a, dtype=np.float64)  # a fresh copy, so locking it cannot affect anyone else's array
    a.flags.writeable = False
    return a


def make_dataset(spec: DataSpec) -> Dataset:
    """Generate (or take) the points of `spec`, add feature columns and split train/test.

    Parameters
    ----------
    spec : DataSpec

    Returns
    -------
    Dataset
        With n = `spec.n_points` (or the number of explicit rows), round(n · test_fraction) test
        points — Python's round, halves to even — but never all n, so at least one point is left to
        train on. Generated points come in a seeded shuffled order; explicit rows keep the order they
        were given within each part.
    """
    rng = np.random.default_rng(spec.seed)
    if spec.name == EXPLICIT:
        raw, y, kind = np.array(spec.x, dtype=float), np.array(spec.y, dtype=float), spec.kind
    else:
        info = DATASETS[spec.name]
        raw, y = info.generate(rng, spec.n_points, spec.noise)
        kind = info.kind

    n = len(raw)
    n_test = min(round(n * spec.test_fraction), n - 1)
    order = rng.permutation(n)
    test, train = order[:n_test], order[n_test:]
    if spec.name == EXPLICIT:
        # A person who typed a truth table wants to see it in their order.
        test, train = np.sort(test), np.sort(train)

    x = np.column_stack([raw] + [FEATURES[f].fn(raw) for f in spec.features])
    return Dataset(
        x_train=_frozen(x[train]),
        y_train=_frozen(y[train]),
        x_test=_frozen(x[test]),
        y_test=_frozen(y[test]),
        kind=kind,
        input_names=spec.input_names(),
        raw_train=_frozen(raw[train]),
        raw_test=_frozen(raw[test]),
        classes=spec.class_names(),
    )
