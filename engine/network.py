"""The shape of a network (NetworkSpec) and its numbers (Params).

Layers are numbered 0 (input) … L (output). `W[l]` has shape (n_l, n_{l-1}) and
`b[l]` shape (n_l,); index 0 holds None so that code reads like the maths.
This module builds and checks networks; it does not run them (see passes.py).
"""

from dataclasses import dataclass

import numpy as np

from . import limits, validate
from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from .errors import LabInputError
from .losses import LOSSES, refusal

INITS = ("uniform", "xavier", "he", "explicit")


@dataclass(frozen=True)
class NetworkSpec:
    """Layer sizes (n_0 … n_L), one activation per layer 1 … L, a loss and an initialisation."""

    sizes: tuple[int, ...] = (2, 2, 1)
    activations: tuple[str, ...] = ("sigmoid", "sigmoid")
    loss: str = "squared_error"
    init: str = "xavier"
    init_scale: float = 0.5  # half-width of the "uniform" range

    def __post_init__(self):
        check_spec(self)

    @property
    def n_layers(self) -> int:
        """L: the number of layers with weights."""
        return len(self.sizes) - 1

    @property
    def n_params(self) -> int:
        return sum(n * (m + 1) for m, n in zip(self.sizes, self.sizes[1:]))

    def to_dict(self) -> dict:
        return {
            "sizes": list(self.sizes),
            "activations": list(self.activations),
            "loss": self.loss,
            "init": self.init,
            "init_scale": self.init_scale,
        }

    @classmethod
    def from_dict(cls, d) -> "NetworkSpec":
        d = validate.mapping(d, "network", ("sizes", "activations", "loss", "init", "init_scale"))
        sizes = validate.sequence(d["sizes"], "network.sizes", 2, limits.MAX_HIDDEN_LAYERS + 2)
        sizes = tuple(validate.integer(n, "a layer size", 1, 10_000) for n in sizes)
        acts = validate.sequence(d["activations"], "network.activations", 1, limits.MAX_HIDDEN_LAYERS + 1)
        return cls(
            sizes=sizes,
            activations=tuple(validate.choice(a, "an activation", tuple(ACTIVATIONS)) for a in acts),
            loss=validate.choice(d["loss"], "network.loss", tuple(LOSSES)),
            init=validate.choice(d["init"], "network.init", INITS),
            init_scale=validate.number(d["init_scale"], "network.init_scale", 1e-6, 100.0),
        )


def check_spec(spec: NetworkSpec) -> None:
    """Raise LabInputError naming the first limit the spec breaks."""
    sizes = spec.sizes
    if not isinstance(sizes, tuple) or len(sizes) < 2:
        raise LabInputError("A network needs an input layer and an output layer.")
    hidden = len(sizes) - 2
    if not limits.MIN_HIDDEN_LAYERS <= hidden <= limits.MAX_HIDDEN_LAYERS:
        raise LabInputError(f"A network has at most {limits.MAX_HIDDEN_LAYERS} hidden layers, not {hidden}.")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, int):
            raise LabInputError(f"Layer sizes must be whole numbers, not {n!r}.")
    if not limits.MIN_INPUTS <= sizes[0] <= limits.MAX_INPUTS:
        raise LabInputError(f"The input layer has {limits.MIN_INPUTS} to {limits.MAX_INPUTS} neurons, not {sizes[0]}.")
    if not limits.MIN_OUTPUTS <= sizes[-1] <= limits.MAX_OUTPUTS:
        raise LabInputError(
            f"The output layer has {limits.MIN_OUTPUTS} to {limits.MAX_OUTPUTS} neurons, not {sizes[-1]}."
        )
    for i, n in enumerate(sizes[1:-1], start=1):
        if not limits.MIN_NEURONS <= n <= limits.MAX_NEURONS:
            raise LabInputError(
                f"Hidden layer {i} has {limits.MIN_NEURONS} to {limits.MAX_NEURONS} neurons, not {n}."
            )
    if len(spec.activations) != len(sizes) - 1:
        raise LabInputError(
            f"The network needs one activation per layer after the input ({len(sizes) - 1}), "
            f"not {len(spec.activations)}."
        )
    for a in spec.activations:
        if not isinstance(a, str) or a not in ACTIVATIONS:
            raise LabInputError(f"Unknown activation {a!r}; choose from {', '.join(ACTIVATIONS)}.")
    for i, a in enumerate(spec.activations[:-1], start=1):
        if ACTIVATIONS[a].output_only:
            raise LabInputError(f"{ACTIVATIONS[a].title} is for the output layer, not hidden layer {i}: it shares "
                                f"one probability among the outputs. Choose from {', '.join(HIDDEN_ACTIVATIONS)}.")
    if ACTIVATIONS[spec.activations[-1]].output_only and sizes[-1] < 2:
        raise LabInputError(f"A {ACTIVATIONS[spec.activations[-1]].title.lower()} output shares one probability "
                            f"among its classes, so it needs at least 2 output neurons, not {sizes[-1]}.")
    if not isinstance(spec.loss, str) or spec.loss not in LOSSES:
        raise LabInputError(f"Unknown loss {spec.loss!r}; choose from {', '.join(LOSSES)}.")
    if reason := refusal(spec.loss, spec.activations[-1]):
        raise LabInputError(reason)
    if not isinstance(spec.init, str) or spec.init not in INITS:
        raise LabInputError(f"Unknown initialisation {spec.init!r}; choose from {', '.join(INITS)}.")


@dataclass(frozen=True)
class Params:
    """Weights W[l] (n_l, n_{l-1}) and biases b[l] (n_l,) for l = 1 … L; W[0] = b[0] = None."""

    W: tuple
    b: tuple

    def to_dict(self) -> dict:
        return {"W": [w.tolist() for w in self.W[1:]], "b": [b.tolist() for b in self.b[1:]]}

    @classmethod
    def from_dict(cls, d, spec: NetworkSpec) -> "Params":
        d = validate.mapping(d, "params", ("W", "b"))
        L = spec.n_layers
        ws = validate.sequence(d["W"], "params.W", L, L)
        bs = validate.sequence(d["b"], "params.b", L, L)
        W = [None] + [
            validate.matrix(w, f"W{l}", (spec.sizes[l], spec.sizes[l - 1])) for l, w in enumerate(ws, start=1)
        ]
        b = [None] + [validate.matrix(v, f"b{l}", (spec.sizes[l],)) for l, v in enumerate(bs, start=1)]
        return cls(tuple(W), tuple(b))

    def is_finite(self) -> bool:
        return all(np.all(np.isfinite(w)) for w in self.W[1:]) and all(np.all(np.isfinite(v)) for v in self.b[1:])

    def largest(self) -> float:
        return max(max(float(np.max(np.abs(w))) for w in self.W[1:]), max(float(np.max(np.abs(v))) for v in self.b[1:]))

    def __eq__(self, other):
        if not isinstance(other, Params) or len(self.W) != len(other.W):
            return NotImplemented
        pairs = list(zip(self.W[1:], other.W[1:])) + list(zip(self.b[1:], other.b[1:]))
        return all(x.shape == y.shape and np.array_equal(x, y) for x, y in pairs)

    __hash__ = None


def init_params(spec: NetworkSpec, rng: np.random.Generator) -> Params:
    """Random weights by the spec's rule; biases start at zero.

    uniform: U(−s, s) with s = init_scale; xavier: U(±√(6/(n_in+n_out)));
    he: N(0, 2/n_in). "explicit" has no rule: use `explicit_params`.

    Parameters
    ----------
    spec : NetworkSpec
    rng : numpy.random.Generator
        e.g. ``np.random.default_rng(seed)``: the same seed gives the same weights.

    Returns
    -------
    Params
        W[l] of shape (n_l, n_{l-1}) and b[l] of shape (n_l,) for l = 1 … L.
    """
    if spec.init == "explicit":
        raise LabInputError("An explicit initialisation needs its weights: use explicit_params.")
    W, b = [None], [None]
    for n_in, n_out in zip(spec.sizes, spec.sizes[1:]):
        if spec.init == "uniform":
            w = rng.uniform(-spec.init_scale, spec.init_scale, (n_out, n_in))
        elif spec.init == "xavier":
            s = np.sqrt(6.0 / (n_in + n_out))
            w = rng.uniform(-s, s, (n_out, n_in))
        else:
            w = rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in))
        W.append(w)
        b.append(np.zeros(n_out))
    return Params(tuple(W), tuple(b))


def explicit_params(spec: NetworkSpec, weights, biases) -> Params:
    """Params from nested lists, checked against the spec's shapes.

    weights: one (n_l, n_{l-1}) nested list per layer 1 … L; biases: one list of n_l per layer.
    """
    return Params.from_dict({"W": list(weights), "b": list(biases)}, spec)
