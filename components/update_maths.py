"""The update written out for one parameter: w⁺ = w − η ḡ with its numbers, or the optimizer's
own rule (momentum's velocity, Adam's moments) with its memory.

Two facts a student cannot see on the graph are said here. The gradient the update uses is
the mean over the batch (ḡ), while the graph's edge shows the one example on screen; with a
batch of ten they differ, and "moved −0.013" beside "∂C/∂w = +0.070" only adds up with ḡ.
And momentum and Adam remember earlier steps: their memory before this step is recovered
from the memory after it (v = (v⁺ + ηḡ)/μ and so on), so the lab state stores nothing new.

`update_terms` is the one computation (the graph's hover uses it too); `update_markdown`
writes it for the Equations panel.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from engine import OPTIMIZERS, ParamRef, update_gradient
from engine.optimizers import ADAM_BETA1, ADAM_BETA2, ADAM_EPS
from engine.training import batch_indices

from .numbers import MINUS, num
from .tex import display, n, term, tex

EPSILON = f"10^{{{round(math.log10(ADAM_EPS))}}}"  # Adam's ε as TeX


@dataclass(frozen=True)
class UpdateTerms:
    """One parameter's last update: before and after, the batch-mean gradient ḡ, and the
    optimizer's memory after the step (`memory`, slot name → value) and before it."""

    before: float
    after: float
    batch_gradient: float
    batch_size: int
    optimizer: str
    rate: float
    momentum: float
    frozen: bool  # a bias the lesson keeps fixed
    memory: dict
    memory_before: dict
    t: int  # updates made so far, this one included (Adam's bias correction uses it)


def update_terms(state, ref: ParamRef) -> UpdateTerms | None:
    """The last update of `ref`, or None outside the update phase (there is none on show)."""
    if not state.cursor.revealed().updated or state.last_update is None:
        return None
    grads = update_gradient(state)
    g = ref.gradient(grads.W, grads.b)
    train, opt = state.train, state.optimizer_state
    memory = {name: ref.get(slot) for name, slot in opt.slots.items()}
    before = {}
    if train.optimizer == "momentum" and train.momentum > 0:  # v⁺ = μv − ηḡ
        before["velocity"] = (memory["velocity"] + train.learning_rate * g) / train.momentum
    elif train.optimizer == "adam":  # m⁺ = β₁m + (1−β₁)ḡ,  v⁺ = β₂v + (1−β₂)ḡ²
        before["m"] = (memory["m"] - (1 - ADAM_BETA1) * g) / ADAM_BETA1
        before["v"] = max((memory["v"] - (1 - ADAM_BETA2) * g * g) / ADAM_BETA2, 0.0)  # ≥ 0 up to rounding
    return UpdateTerms(
        before=ref.get(state.last_update.params_before),
        after=ref.get(state.params),
        batch_gradient=g,
        batch_size=len(batch_indices(state)),
        optimizer=train.optimizer,
        rate=train.learning_rate,
        momentum=train.momentum,
        frozen=ref.kind == "b" and train.freeze_biases,
        memory=memory,
        memory_before=before,
        t=opt.t,
    )


def batch_words(u: UpdateTerms, example_gradient: float, p: str = "w") -> str:
    """Which gradient the update used, beside the example's the graph shows."""
    if u.batch_size == 1:
        return (f"The batch is the one example shown, so the update uses its own ∂C/∂{p}: "
                f"ḡ = {num(u.batch_gradient, True, DIGITS)}.")
    return (f"The update uses the mean over the batch's {u.batch_size} examples, "
            f"ḡ = {num(u.batch_gradient, True, DIGITS)}; "
            f"the graph's ∂C/∂{p} = {num(example_gradient, True)} is the example shown alone.")


def update_markdown(state, ref: ParamRef, example_gradient: float) -> str:
    """Markdown for the Equations panel: the rule, with this parameter's numbers, in the update
    phase; before it, the rule alone and when it will be filled in."""
    p = "w" if ref.kind == "W" else "b"
    u = update_terms(state, ref)
    if u is None:
        name = state.train.optimizer
        return (f"*At the update phase this shows how {p} moves, with its numbers. {OPTIMIZERS[name]}: "
                f"{RULES[name].words}, using ḡ, the mean ∂C/∂{p} over the batch.*")
    if u.frozen:
        return f"This lesson keeps its biases fixed: {p} stays {num(u.before, True)}."
    rule = RULES[u.optimizer]
    return "\n\n".join([f"**{OPTIMIZERS[u.optimizer]}**: {rule.words}.", batch_words(u, example_gradient, p),
                        display(rule.lines(u, p))])


# Four decimals, one more than the graph: a student checking w − η·ḡ by hand gets the same last digit.
DIGITS = 4


def _v(value: float, signed: bool = True) -> str:
    return n(value, signed, DIGITS)


def _f(value: float) -> str:
    return term(value, DIGITS)


def _s(value: float) -> str:
    """Adam's v (squares of small gradients, ~10⁻⁶): three significant digits, not four decimals."""
    return tex(f"{value:.3g}".replace("-", MINUS))


def _sgd(u: UpdateTerms, p: str) -> list[str]:
    return [
        rf"{p}^+ &= {p} - \eta\,\bar g",
        rf"&= {_v(u.before)} - {u.rate:g} \cdot {_f(u.batch_gradient)}",
        rf"&= {_v(u.after)}",
    ]


def _momentum(u: UpdateTerms, p: str) -> list[str]:
    v_before, v = u.memory_before.get("velocity", 0.0), u.memory["velocity"]
    return [
        r"v^+ &= \mu\, v - \eta\,\bar g",
        rf"&= {u.momentum:g} \cdot {_f(v_before)} - {u.rate:g} \cdot {_f(u.batch_gradient)} = {_v(v)}",
        rf"{p}^+ &= {p} + v^+ = {_v(u.before)} + {_f(v)}",
        rf"&= {_v(u.after)}",
    ]


def _adam(u: UpdateTerms, p: str) -> list[str]:
    m, v = u.memory["m"], u.memory["v"]
    m_hat, v_hat = m / (1 - ADAM_BETA1**u.t), v / (1 - ADAM_BETA2**u.t)
    g = _f(u.batch_gradient)
    return [
        r"m^+ &= \beta_1 m + (1-\beta_1)\,\bar g",
        rf"&= {ADAM_BETA1:g} \cdot {_f(u.memory_before['m'])} + {1 - ADAM_BETA1:.1f} \cdot {g} = {_v(m)}",
        r"v^+ &= \beta_2 v + (1-\beta_2)\,\bar g^2",
        rf"&= {ADAM_BETA2:g} \cdot {_s(u.memory_before['v'])} + {1 - ADAM_BETA2:.3f} \cdot {g}^2 = {_s(v)}",
        rf"\hat m &= m^+/(1-\beta_1^{{{u.t}}}) = {_v(m_hat)}",
        rf"\hat v &= v^+/(1-\beta_2^{{{u.t}}}) = {_s(v_hat)}",
        rf"{p}^+ &= {p} - \eta\,\frac{{\hat m}}{{\sqrt{{\hat v}} + \epsilon}}",
        rf"&= {_v(u.before)} - {u.rate:g} \cdot \frac{{{_v(m_hat)}}}{{\sqrt{{{_s(v_hat)}}} + {EPSILON}}}",
        rf"&= {_v(u.after)}",
    ]


@dataclass(frozen=True)
class Rule:
    """How one optimizer's update is written: what it does in words, and its lines of maths.
    Its title is the engine's own name for it (engine.OPTIMIZERS)."""

    words: str
    lines: Callable[[UpdateTerms, str], list[str]]


RULES = {
    "sgd": Rule("a step of η against the gradient", _sgd),
    "momentum": Rule("the velocity v remembers earlier steps, so a steady slope builds speed", _momentum),
    "adam": Rule("m remembers the gradient's direction and v its size, so each parameter steps about η", _adam),
}
