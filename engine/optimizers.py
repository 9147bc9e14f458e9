"""Optimizers: a new Params from the old ones and a gradient, by name.

Each optimizer's memory (velocity, Adam's moments) is an OptimizerState value
that lives in the lab state, so a saved lesson resumes exactly. Nothing is
updated in place: every step returns new arrays.
"""

from dataclasses import dataclass, field

import numpy as np

from . import validate
from .errors import LabInputError
from .network import NetworkSpec, Params

OPTIMIZERS = {"sgd": "Plain gradient descent", "momentum": "Momentum", "adam": "Adam"}
ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8


@dataclass(frozen=True)
class OptimizerState:
    """t: updates made; slots: named Params-shaped memories ("velocity"; "m" and "v" for Adam)."""

    t: int = 0
    slots: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"t": self.t, "slots": {k: p.to_dict() for k, p in self.slots.items()}}

    @classmethod
    def from_dict(cls, d, spec: NetworkSpec, optimizer: str) -> "OptimizerState":
        d = validate.mapping(d, "optimizer_state", ("t", "slots"))
        t = validate.integer(d["t"], "optimizer_state.t", 0, 10**9)
        expected = _slot_names(optimizer)
        slots = d["slots"]
        if not isinstance(slots, dict) or (slots and set(slots) != set(expected)):
            keeps = ", ".join(expected) or "nothing"
            given = ", ".join(sorted(map(str, slots))[:5]) if isinstance(slots, dict) else type(slots).__name__
            raise LabInputError(f"optimizer_state.slots: the {optimizer} optimizer keeps {keeps}, not {given}.")
        return cls(t, {k: Params.from_dict(v, spec) for k, v in slots.items()})

    def __eq__(self, other):
        return isinstance(other, OptimizerState) and self.t == other.t and self.slots == other.slots

    __hash__ = None


def _slot_names(optimizer: str) -> tuple[str, ...]:
    return {"sgd": (), "momentum": ("velocity",), "adam": ("m", "v")}[optimizer]


def _zeros_like(p: Params) -> Params:
    return Params((None,) + tuple(np.zeros_like(w) for w in p.W[1:]), (None,) + tuple(np.zeros_like(b) for b in p.b[1:]))


def _combine(fn, *ps: Params) -> Params:
    """Apply fn to matching arrays of several Params (W and b alike)."""
    W = (None,) + tuple(fn(*ws) for ws in zip(*(p.W[1:] for p in ps)))
    b = (None,) + tuple(fn(*bs) for bs in zip(*(p.b[1:] for p in ps)))
    return Params(W, b)


def update(
    optimizer: str,
    params: Params,
    grads: Params,
    state: OptimizerState | None = None,
    learning_rate: float = 0.5,
    momentum: float = 0.9,
    freeze_biases: bool = False,
) -> tuple[Params, OptimizerState]:
    """One step against the gradient. Returns the new params and the optimizer's new memory.

    sgd: w − η g. momentum: v ← μ v − η g, w + v. adam: the usual bias-corrected moments.
    With freeze_biases every bias keeps its value (the classic worked example does this).

    Parameters
    ----------
    optimizer : str
        "sgd", "momentum" or "adam" (OPTIMIZERS).
    params, grads : Params
        The weights and ∂C/∂w of the same shapes (``backward(...).grads``).
    state : OptimizerState, optional
        The optimizer's memory from its last step; none for the first.
    learning_rate : float
        η (TrainConfig's default).
    """
    state = OptimizerState() if state is None else state
    if optimizer not in OPTIMIZERS:
        raise LabInputError(f"Unknown optimizer {optimizer!r}; choose from {', '.join(OPTIMIZERS)}.")
    slots = state.slots or {k: _zeros_like(params) for k in _slot_names(optimizer)}
    t = state.t + 1
    if optimizer == "sgd":
        new = _combine(lambda w, g: w - learning_rate * g, params, grads)
        slots = {}
    elif optimizer == "momentum":
        v = _combine(lambda v, g: momentum * v - learning_rate * g, slots["velocity"], grads)
        new = _combine(lambda w, v: w + v, params, v)
        slots = {"velocity": v}
    elif optimizer == "adam":
        m = _combine(lambda m, g: ADAM_BETA1 * m + (1 - ADAM_BETA1) * g, slots["m"], grads)
        v = _combine(lambda v, g: ADAM_BETA2 * v + (1 - ADAM_BETA2) * g * g, slots["v"], grads)
        c1, c2 = 1 - ADAM_BETA1**t, 1 - ADAM_BETA2**t
        new = _combine(lambda w, m, v: w - learning_rate * (m / c1) / (np.sqrt(v / c2) + ADAM_EPS), params, m, v)
        slots = {"m": m, "v": v}
    if freeze_biases:
        new = Params(new.W, params.b)
    return new, OptimizerState(t, slots)
