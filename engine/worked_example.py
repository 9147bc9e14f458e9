"""The classic worked example's published numbers, checked against this engine.

The classic step-by-step worked example of backpropagation (a 2-2-2 sigmoid
network, inputs 0.05/0.10, targets 0.01/0.99, squared error ½Σ(t−o)², learning
rate 0.5, biases 0.35/0.60 never updated) publishes its values to eight or nine
decimals. They are kept here as text, digits exactly as published, beside the
values this engine computes live for a state (the `worked_example` preset
reproduces them). A row matches when the engine's value rounds to the published
digits.

This module holds data and one comparison; it draws nothing (see
components/worked_example.py) and trains nothing beyond one engine.full_step.

One published number does not match, and that is the walk-through's, not the
engine's: its "total error after the first update", 0.291027924, was computed
by passing the hidden layer's blame back through the already-updated output
weights w5⁺…w8⁺. Its own w1⁺…w4⁺ (and backpropagation) use the weights from
before the update; fed forward, those give 0.291027774. `error_in_published_order`
reproduces 0.291027924 to all nine digits, so the difference is explained, not
rounding (the published 8- and 9-digit weights give 0.291027774 too).
"""

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .errors import LabInputError
from .landscape import ParamRef
from .losses import LOSSES
from .network import Params
from .passes import backward, cost
from .training import example_passes, full_step, reset

SECTIONS = ("Forward pass", "Loss", "Gradients", "Updated weights")

# The walk-through's names for the eight weights and where they live here (W[l][to, from]).
WEIGHTS = {
    "w1": ParamRef("W", 1, 0, 0),  # i1 → h1
    "w2": ParamRef("W", 1, 0, 1),  # i2 → h1
    "w3": ParamRef("W", 1, 1, 0),  # i1 → h2
    "w4": ParamRef("W", 1, 1, 1),  # i2 → h2
    "w5": ParamRef("W", 2, 0, 0),  # h1 → o1
    "w6": ParamRef("W", 2, 0, 1),  # h2 → o1
    "w7": ParamRef("W", 2, 1, 0),  # h1 → o2
    "w8": ParamRef("W", 2, 1, 1),  # h2 → o2
}

ERROR_AFTER = "E_total after the update"

# (section, the walk-through's name, the graph's name, the value as published).
PUBLISHED = (
    ("Forward pass", "net_h1", "z of h₁", "0.3775"),
    ("Forward pass", "out_h1", "h₁", "0.593269992"),
    ("Forward pass", "out_h2", "h₂", "0.596884378"),
    ("Forward pass", "net_o1", "z of o₁", "1.105905967"),
    ("Forward pass", "out_o1", "o₁", "0.75136507"),
    ("Forward pass", "out_o2", "o₂", "0.772928465"),
    ("Loss", "E_o1", "½(t₁ − o₁)²", "0.274811083"),
    ("Loss", "E_o2", "½(t₂ − o₂)²", "0.023560026"),
    ("Loss", "E_total", "C", "0.298371109"),
    ("Gradients", "∂E/∂w5", "∂C/∂W2[0,0]", "0.082167041"),
    ("Gradients", "∂E/∂w1", "∂C/∂W1[0,0]", "0.000438568"),
    ("Updated weights", "w5⁺", "W2[0,0] after", "0.35891648"),
    ("Updated weights", "w6⁺", "W2[0,1] after", "0.408666186"),
    ("Updated weights", "w7⁺", "W2[1,0] after", "0.511301270"),
    ("Updated weights", "w8⁺", "W2[1,1] after", "0.561370121"),
    ("Updated weights", "w1⁺", "W1[0,0] after", "0.149780716"),
    ("Updated weights", "w2⁺", "W1[0,1] after", "0.19956143"),
    ("Updated weights", "w3⁺", "W1[1,0] after", "0.24975114"),
    ("Updated weights", "w4⁺", "W1[1,1] after", "0.29950229"),
    ("Updated weights", ERROR_AFTER, "C after", "0.291027924"),
)


@dataclass(frozen=True)
class Row:
    """One published value beside the engine's.

    published keeps the digits as printed ("0.511301270", trailing zero and all);
    matches: |computed − published| ≤ half a unit in the last published digit;
    note: why a published value differs, in words fit for the page ("" when nothing to say).
    """

    section: str
    name: str
    graph_name: str
    computed: float
    published: str
    matches: bool
    note: str = ""

    @property
    def decimals(self) -> int:
        return -Decimal(self.published).as_tuple().exponent


def agrees(computed: float, published: str) -> bool:
    """Does `computed` round to the published digits? Exact decimal arithmetic, so a value
    on the half-unit boundary is decided by its true binary value, not by float noise."""
    if not np.isfinite(computed):
        return False
    target = Decimal(published)
    half_unit = Decimal(5).scaleb(target.as_tuple().exponent - 1)
    return abs(Decimal(float(computed)) - target) <= half_unit


def _check_shape(state) -> None:
    if state.spec.sizes != (2, 2, 2):
        raise LabInputError(f"The worked example needs a 2-2-2 network, not {'-'.join(map(str, state.spec.sizes))}.")


def error_in_published_order(state) -> float:
    """The error after one update made the way the walk-through's final figure was:
    output weights updated first, then the hidden blame pulled back through the *new* w5⁺…w8⁺.

    Not backpropagation (every gradient belongs to the weights before the step); kept to
    show where the published 0.291027924 comes from. Biases stay frozen, as in the walk-through.
    """
    _check_shape(state)
    p = example_passes(state)
    lr = state.train.learning_rate
    W2_new = state.params.W[2] - lr * p.bwd.grad_W[2]
    # backward() reads W[2] only to pull δ back to the hidden layer: handing it W2⁺ with the
    # original forward pass gives exactly the walk-through's hidden gradients.
    stale = backward(state.spec, Params((None, state.params.W[1], W2_new), state.params.b), p.fwd, p.y)
    W1_new = state.params.W[1] - lr * stale.grad_W[1]
    return cost(state.spec, Params((None, W1_new, W2_new), state.params.b), p.x, p.y)


def _ours(state) -> dict:
    """The engine's value for each published name, from the state's weights at step 0."""
    start = reset(state, state.params)  # step 0 from these weights, whatever the cursor showed
    p = example_passes(start)
    after = full_step(start)
    z, a, o, y = p.fwd.z, p.fwd.a, p.fwd.output, p.y
    per_output = [float(LOSSES[state.spec.loss].per_example(o[:, [k]], y[:, [k]])[0]) for k in range(2)]
    values = {
        "net_h1": z[1][0, 0],
        "out_h1": a[1][0, 0],
        "out_h2": a[1][0, 1],
        "net_o1": z[2][0, 0],
        "out_o1": o[0, 0],
        "out_o2": o[0, 1],
        "E_o1": per_output[0],
        "E_o2": per_output[1],
        "E_total": p.bwd.loss,
        "∂E/∂w5": WEIGHTS["w5"].gradient(p.bwd.grad_W, p.bwd.grad_b),
        "∂E/∂w1": WEIGHTS["w1"].gradient(p.bwd.grad_W, p.bwd.grad_b),
        # The example's loss at the new weights: the cost the update was judged by.
        ERROR_AFTER: example_passes(after).bwd.loss,
    }
    values.update({f"{w}⁺": ref.get(after.params) for w, ref in WEIGHTS.items()})
    return {k: float(v) for k, v in values.items()}


def _note(name: str, state) -> str:
    if name != ERROR_AFTER:
        return ""
    return (
        "The walk-through passed the hidden layer's blame back through the already-updated w5⁺…w8⁺; "
        f"done that way, this engine gives {error_in_published_order(state):.9f}. Backpropagation, "
        "like the walk-through's own w1⁺…w4⁺, uses the weights from before the update."
    )


def computed_values(state) -> list[Row]:
    """Every published value beside the engine's for this state's weights, in the walk-through's order.

    The forward pass, loss and gradients are the example's passes at the state's weights;
    the updated weights and the error after them come from one engine.full_step.
    Raises LabInputError unless the network is 2-2-2.
    """
    _check_shape(state)
    ours = _ours(state)
    return [
        Row(section, name, graph, ours[name], published, agrees(ours[name], published), _note(name, state))
        for section, name, graph, published in PUBLISHED
    ]
