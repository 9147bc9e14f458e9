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

from dataclasses import dataclass

from engine import OPTIMIZERS, ParamRef, update_gradient
from engine.training import batch_indices

from .numbers import MINUS, num
from .tex import display, n, term, tex


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
    settings: dict  # the optimizer's own settings, name → value (momentum's μ)
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
    settings = train.optimizer_settings()
    before = OPTIMIZERS[train.optimizer].recall(memory, g, train.learning_rate, settings) if memory else {}
    return UpdateTerms(
        before=ref.get(state.last_update.params_before),
        after=ref.get(state.params),
        batch_gradient=g,
        batch_size=len(batch_indices(state)),
        optimizer=train.optimizer,
        rate=train.learning_rate,
        settings=settings,
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
        rule = OPTIMIZERS[state.train.optimizer]
        return (f"*At the update phase this shows how {p} moves, with its numbers. {rule.title}: "
                f"{rule.words}, using ḡ, the mean ∂C/∂{p} over the batch.*")
    if u.frozen:
        return f"This lesson keeps its biases fixed: {p} stays {num(u.before, True)}."
    rule = OPTIMIZERS[u.optimizer]
    return "\n\n".join([f"**{rule.title}**: {rule.words}.", batch_words(u, example_gradient, p),
                        display(rule.lines(u, p, NUMBERS))])


# Four decimals, one more than the graph: a student checking w − η·ḡ by hand gets the same last digit.
DIGITS = 4


class NUMBERS:
    """How an optimizer's lines (engine.optimizers.Optimizer.lines) write their numbers."""

    @staticmethod
    def v(value: float, signed: bool = True) -> str:
        return n(value, signed, DIGITS)

    @staticmethod
    def f(value: float) -> str:
        return term(value, DIGITS)

    @staticmethod
    def s(value: float) -> str:
        """Adam's v (squares of small gradients, ~10⁻⁶): three significant digits, not four decimals."""
        return tex(f"{value:.3g}".replace("-", MINUS))
