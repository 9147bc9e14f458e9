"""Optimizers: a new Params from the old ones and a gradient, by name.

Each optimizer is one record (`Optimizer`): its rule, the memory it keeps between steps (its
slots), the numbers it is tuned with (its settings, each with a default), and how the Equations
tab writes a step of it. The memory is an OptimizerState value that lives in the lab state, so a
saved lesson resumes exactly. Nothing is updated in place: every step returns new arrays.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import validate
from .errors import LabInputError
from .network import NetworkSpec, Params

ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8


@dataclass(frozen=True)
class Setting:
    """A number one optimizer is tuned with: its name in a saved lab, the words a message uses
    for it, its TeX symbol, its default (a lab saved before the setting existed gets this) and
    the closed range it must lie in."""

    name: str
    label: str
    symbol: str
    default: float
    low: float
    high: float


@dataclass(frozen=True)
class Optimizer:
    """One optimizer, by name: everything each part of the lab needs to know about it.

    step(w, g, memory, t, η, settings) → (new w, new memory): one array of weights or biases and
    its batch-mean gradient ḡ, `memory` the slot name → array of the same shape (zeros before the
    first step), t the number of this update (1 for the first), settings name → value.
    recall(memory after, ḡ, η, settings) → memory before, one parameter's numbers: the Equations tab
    shows the memory a step started from, recovered from what the state keeps (the memory after).
    lines(u, p, fmt) → the step written as aligned TeX lines for one parameter p ("w" or "b"), with
    the numbers of `u` (components/update_maths.UpdateTerms) written by fmt.v (signed value),
    fmt.f (a factor, bracketed when negative) and fmt.s (three significant digits)."""

    name: str
    title: str
    words: str
    step: Callable
    recall: Callable
    lines: Callable
    slots: tuple[str, ...] = ()
    settings: tuple[Setting, ...] = ()


def _sgd_step(w, g, memory, t, rate, settings):
    return w - rate * g, {}


def _sgd_lines(u, p, fmt):
    return [
        rf"{p}^+ &= {p} - \eta\,\bar g",
        rf"&= {fmt.v(u.before)} - {u.rate:g} \cdot {fmt.f(u.batch_gradient)}",
        rf"&= {fmt.v(u.after)}",
    ]


def _momentum_step(w, g, memory, t, rate, settings):
    v = settings["momentum"] * memory["velocity"] - rate * g  # v⁺ = μv − ηḡ
    return w + v, {"velocity": v}


def _momentum_recall(after, g, rate, settings):
    mu = settings["momentum"]
    return {"velocity": (after["velocity"] + rate * g) / mu} if mu > 0 else {}


def _momentum_lines(u, p, fmt):
    v_before, v = u.memory_before.get("velocity", 0.0), u.memory["velocity"]
    return [
        r"v^+ &= \mu\, v - \eta\,\bar g",
        (rf"&= {u.settings['momentum']:g} \cdot {fmt.f(v_before)} - {u.rate:g} \cdot {fmt.f(u.batch_gradient)}"
        rf" = {fmt.v(v)}"),
        rf"{p}^+ &= {p} + v^+ = {fmt.v(u.before)} + {fmt.f(v)}",
        rf"&= {fmt.v(u.after)}",
    ]


def _adam_step(w, g, memory, t, rate, settings):
    m = ADAM_BETA1 * memory["m"] + (1 - ADAM_BETA1) * g
    v = ADAM_BETA2 * memory["v"] + (1 - ADAM_BETA2) * g * g
    c1, c2 = 1 - ADAM_BETA1**t, 1 - ADAM_BETA2**t
    return w - rate * (m / c1) / (np.sqrt(v / c2) + ADAM_EPS), {"m": m, "v": v}


def _adam_recall(after, g, rate, settings):
    return {"m": (after["m"] - (1 - ADAM_BETA1) * g) / ADAM_BETA1,
            "v": max((after["v"] - (1 - ADAM_BETA2) * g * g) / ADAM_BETA2, 0.0)}  # ≥ 0 up to rounding


_EPSILON_TEX = f"10^{{{round(np.log10(ADAM_EPS))}}}"


def _adam_lines(u, p, fmt):
    m, v = u.memory["m"], u.memory["v"]
    m_hat, v_hat = m / (1 - ADAM_BETA1**u.t), v / (1 - ADAM_BETA2**u.t)
    g = fmt.f(u.batch_gradient)
    return [
        r"m^+ &= \beta_1 m + (1-\beta_1)\,\bar g",
        rf"&= {ADAM_BETA1:g} \cdot {fmt.f(u.memory_before['m'])} + {1 - ADAM_BETA1:.1f} \cdot {g} = {fmt.v(m)}",
        r"v^+ &= \beta_2 v + (1-\beta_2)\,\bar g^2",
        rf"&= {ADAM_BETA2:g} \cdot {fmt.s(u.memory_before['v'])} + {1 - ADAM_BETA2:.3f} \cdot {g}^2 = {fmt.s(v)}",
        rf"\hat m &= m^+/(1-\beta_1^{{{u.t}}}) = {fmt.v(m_hat)}",
        rf"\hat v &= v^+/(1-\beta_2^{{{u.t}}}) = {fmt.s(v_hat)}",
        rf"{p}^+ &= {p} - \eta\,\frac{{\hat m}}{{\sqrt{{\hat v}} + \epsilon}}",
        rf"&= {fmt.v(u.before)} - {u.rate:g} \cdot \frac{{{fmt.v(m_hat)}}}{{\sqrt{{{fmt.s(v_hat)}}} + {_EPSILON_TEX}}}",
        rf"&= {fmt.v(u.after)}",
    ]


OPTIMIZERS = {o.name: o for o in (
    Optimizer("sgd", "Plain gradient descent", "a step of η against the gradient",
              _sgd_step, lambda after, g, rate, settings: {}, _sgd_lines),
    Optimizer("momentum", "Momentum", "the velocity v remembers earlier steps, so a steady slope builds speed",
              _momentum_step, _momentum_recall, _momentum_lines, slots=("velocity",),
              settings=(Setting("momentum", "the momentum", r"\mu", 0.9, 0.0, 0.999),)),
    Optimizer("adam", "Adam", "m remembers the gradient's direction and v its size, so each parameter steps about η",
              _adam_step, _adam_recall, _adam_lines, slots=("m", "v")),
)}


def all_settings() -> dict[str, Setting]:
    """Every optimizer's settings by name. A lab keeps them all, so switching optimizer and back
    finds a setting as it was left; two optimizers may share one (the same name, the same meaning)."""
    return {s.name: s for o in OPTIMIZERS.values() for s in o.settings}


def optimizer(name) -> Optimizer:
    """The record for `name`, or a message naming the choices."""
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise LabInputError(f"Unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}.")
    return OPTIMIZERS[name]


@dataclass(frozen=True)
class OptimizerState:
    """t: updates made; slots: named Params-shaped memories ("velocity"; "m" and "v" for Adam)."""

    t: int = 0
    slots: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"t": self.t, "slots": {k: p.to_dict() for k, p in self.slots.items()}}

    @classmethod
    def from_dict(cls, d, spec: NetworkSpec, optimizer_name: str) -> "OptimizerState":
        d = validate.mapping(d, "optimizer_state", ("t", "slots"))
        t = validate.integer(d["t"], "optimizer_state.t", 0, 10**9)
        expected = optimizer(optimizer_name).slots
        slots = d["slots"]
        if not isinstance(slots, dict) or (slots and set(slots) != set(expected)):
            keeps = ", ".join(expected) or "nothing"
            given = ", ".join(sorted(map(str, slots))[:5]) if isinstance(slots, dict) else type(slots).__name__
            raise LabInputError(f"optimizer_state.slots: the {optimizer_name} optimizer keeps {keeps}, not {given}.")
        return cls(t, {k: Params.from_dict(v, spec) for k, v in slots.items()})

    def __eq__(self, other):
        return isinstance(other, OptimizerState) and self.t == other.t and self.slots == other.slots

    __hash__ = None


def update(
    optimizer_name: str,
    params: Params,
    grads: Params,
    state: OptimizerState | None = None,
    learning_rate: float = 0.5,
    freeze_biases: bool = False,
    **settings: float,
) -> tuple[Params, OptimizerState]:
    """One step against the gradient. Returns the new params and the optimizer's new memory.

    sgd: w − η g. momentum: v ← μ v − η g, w + v. adam: the usual bias-corrected moments.
    With freeze_biases every bias keeps its value (the classic worked example does this).

    Parameters
    ----------
    optimizer_name : str
        "sgd", "momentum" or "adam" (OPTIMIZERS).
    params, grads : Params
        The weights and ∂C/∂w of the same shapes (``backward(...).grads``).
    state : OptimizerState, optional
        The optimizer's memory from its last step; none for the first.
    learning_rate : float
        η (TrainConfig's default).
    **settings : float
        The optimizer's own settings by name (momentum=0.9); each one not given has its default.
    """
    record = optimizer(optimizer_name)
    unknown = sorted(set(settings) - {s.name for s in record.settings})
    if unknown:
        raise LabInputError(f"The {optimizer_name} optimizer has no setting {', '.join(unknown)}.")
    settings = {s.name: s.default for s in record.settings} | settings
    state = OptimizerState() if state is None else state
    t = state.t + 1
    # Every weight and bias array in one list (W[1..L], then b[1..L]); each slot's arrays alike.
    arrays, gradients = params.W[1:] + params.b[1:], grads.W[1:] + grads.b[1:]
    memory = {name: (state.slots[name].W[1:] + state.slots[name].b[1:]) if state.slots
              else [np.zeros_like(w) for w in arrays] for name in record.slots}
    new, after = [], {name: [] for name in record.slots}
    for i, (w, g) in enumerate(zip(arrays, gradients)):
        w, kept = record.step(w, g, {name: memory[name][i] for name in record.slots}, t, learning_rate, settings)
        new.append(w)
        for name in record.slots:
            after[name].append(kept[name])
    L = len(params.W) - 1
    result = _params(new, L)
    if freeze_biases:
        result = Params(result.W, params.b)
    return result, OptimizerState(t, {name: _params(slot, L) for name, slot in after.items()})


def _params(arrays: list, L: int) -> Params:
    """W[1..L] then b[1..L], back into a Params."""
    return Params((None, *arrays[:L]), (None, *arrays[L:]))
