"""The lesson as a sequence of phases, and a cursor that walks them.

For a network with L weight layers one training step is 2L + 2 phases:
forward 1 … L, loss, backward L … 1, update. The cursor's index says which
phase was revealed last; -1 means nothing of the current batch is shown yet.
`Revealed` says exactly what a drawing may show at that moment.
"""

from dataclasses import dataclass

from . import validate


@dataclass(frozen=True)
class Phase:
    """One moment of a training step: ``Phase("forward", 2)`` has reached layer 2's activations,
    ``Phase("loss")`` compared the output with the target, ``Phase("backward", 1)`` has pulled
    the blame back to layer 1, ``Phase("update")`` moved the weights."""

    kind: str  # "forward", "loss", "backward" or "update"
    layer: int = 0  # the layer reached, for forward and backward


@dataclass(frozen=True)
class Revealed:
    """What the picture may show.

    forward_to: activations of layers 0 … forward_to are known (0: only the input);
    loss: the output has been compared with the target;
    backward_from: δ of layers backward_from … L are known (L + 1: none yet);
    updated: the weights have moved.
    """

    forward_to: int
    loss: bool
    backward_from: int
    updated: bool


def phases(n_layers: int) -> tuple[Phase, ...]:
    """The 2L + 2 phases of one training step of a network with `n_layers` (L) weight layers, in order.

    >>> [f"{p.kind} {p.layer}" for p in phases(2)]
    ['forward 1', 'forward 2', 'loss 0', 'backward 2', 'backward 1', 'update 0']
    """
    L = n_layers
    return (
        tuple(Phase("forward", l) for l in range(1, L + 1))
        + (Phase("loss"),)
        + tuple(Phase("backward", l) for l in range(L, 0, -1))
        + (Phase("update"),)
    )


@dataclass(frozen=True)
class Cursor:
    """Where the lesson stands in the current training step: `index` into ``phases(n_layers)``,
    the phase revealed last; -1 before the first (the inputs and weights only).

    ``Cursor.all_known(L)`` is after the last backward phase: everything up to the gradients
    shown, the weights not yet moved (where a slider move leaves the picture)."""

    n_layers: int
    index: int = -1

    @classmethod
    def all_known(cls, n_layers: int) -> "Cursor":
        """After the last backward phase: every a, δ and ∂C/∂w known, the weights not yet moved.
        A weight set by hand leaves the lab here (app/actions.set_param; the page's own picture of
        the move, components/network_view.slider_model, shows the same)."""
        return cls(n_layers, 2 * n_layers)

    @property
    def n_phases(self) -> int:
        return 2 * self.n_layers + 2

    @property
    def phase(self) -> Phase | None:
        return None if self.index < 0 else phases(self.n_layers)[self.index]

    @property
    def at_update(self) -> bool:
        return self.index == self.n_phases - 1

    def next(self) -> "Cursor":
        """The following phase; after the update the next batch's forward layer 1."""
        return Cursor(self.n_layers, 0 if self.at_update else self.index + 1)

    def revealed(self) -> Revealed:
        L, i = self.n_layers, self.index
        return Revealed(
            forward_to=max(0, min(i + 1, L)) if i >= 0 else 0,
            loss=i >= L,
            backward_from=max(1, 2 * L + 1 - i) if i > L else L + 1,
            updated=self.at_update,
        )

    def words(self) -> str:
        """The phase in plain words, for the phase indicator."""
        p, L = self.phase, self.n_layers
        if p is None:
            return "Ready: press Step to send the input forward"
        if p.kind == "forward":
            where = "the output layer" if p.layer == L else f"layer {p.layer}"
            return f"Forward: signal reaches {where}"
        if p.kind == "loss":
            return "Loss: the output is compared with the target"
        if p.kind == "backward":
            where = "the output layer" if p.layer == L else f"layer {p.layer}"
            return f"Backward: blame reaches {where}"
        return "Update: every weight steps against its gradient"

    def to_dict(self) -> dict:
        return {"index": self.index}

    @classmethod
    def from_dict(cls, d, n_layers: int) -> "Cursor":
        d = validate.mapping(d, "cursor", ("index",))
        return cls(n_layers, validate.integer(d["index"], "cursor.index", -1, 2 * n_layers + 1))
