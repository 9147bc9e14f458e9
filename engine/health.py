"""Is training stuck even though every number is finite? Dead ReLUs and saturated layers.

A step can succeed and still teach nothing: when every ReLU of a hidden layer outputs 0
for every example, or every sigmoid (tanh) unit of a hidden layer sits on the flat part
of its curve, the blame that reaches that layer is multiplied by f′(z) ≈ 0 and the
weights before it stop learning. `stall_reason` says so in plain words; training.py
stores the answer in `LabState.diverged`, so training pauses and the page offers Reset.

Deliberately not here: non-finite losses or weights (training.py refuses those updates),
a few dead or saturated units (a healthy network has some), the output layer (a dead or
saturated output can be the right answer, e.g. targets of 0), and leaky ReLU, whose
slope 0.01 always lets blame through.
"""

import numpy as np

from .activations import ACTIVATIONS

# |z| beyond which a unit counts as saturated (Activation.saturated_z): there f′(z) < 1e-5, so the
# blame through the unit shrinks at least 100,000-fold and the weights before it would need ~1e5
# steps to move.
SATURATED_Z = {name: a.saturated_z for name, a in ACTIVATIONS.items() if a.saturated_z is not None}


def stall_reason(state, passes) -> str:
    """Why training should pause although the update on these passes is fine; "" while healthy.

    Parameters
    ----------
    state : LabState
        The state the passes were computed on, before its update; the reason names the step
        that update makes (counters.step + 1), the step the page shows when training pauses.
    passes : training.Passes
        Forward and backward passes on the batch, z[l] of shape (batch, n_l).

    A hidden layer stalls when every unit is dead (ReLU: z ≤ 0) or saturated (|z| beyond
    SATURATED_Z) for every example of the batch *and* of the whole training set: with small
    batches one batch can miss every example that keeps the layer alive. The highest stalled
    layer is named, as it is the first the blame cannot pass on its way back.
    """
    spec, z = state.spec, passes.fwd.z
    for l in range(spec.n_layers - 1, 0, -1):
        kind = _stalled(spec.activations[l - 1], z[l])
        if kind and _stalled_everywhere(state, l, passes.x.shape[0]):
            return _reason(state.counters.step + 1, spec.activations[l - 1], l, kind)
    return ""


def _stalled(activation: str, z: np.ndarray) -> str:
    """"dead", "saturated" or "" for one layer's z (examples, units).

    The first example is looked at first: in a healthy network it nearly always settles the
    question, so the check costs a few microseconds per layer, not a pass over the batch.
    """
    if activation == "relu":
        if z[0, 0] > 0 or z[0].max() > 0:
            return ""
        return "dead" if z.max() <= 0 else ""
    limit = SATURATED_Z.get(activation)
    if limit is None or not abs(z[0, 0]) > limit:
        return ""
    return "saturated" if np.abs(z).min() > limit else ""


def _stalled_everywhere(state, layer: int, batch: int) -> bool:
    """The same verdict on the whole training set (the batch may be a small part of it)."""
    from .training import dataset  # here, not at the top: training.py imports this module

    x = dataset(state.data).x_train
    if batch >= x.shape[0]:  # the batch was the whole training set
        return True
    a = x
    for l in range(1, layer + 1):
        zl = a @ state.params.W[l].T + state.params.b[l]
        a = ACTIVATIONS[state.spec.activations[l - 1]].f(zl)
    activation = state.spec.activations[layer - 1]
    if activation == "relu":
        return bool(zl.max() <= 0)
    return bool(np.abs(zl).min() > SATURATED_Z[activation])


def _reason(step: int, activation: str, layer: int, kind: str) -> str:
    if kind == "dead":
        return (
            f"Training paused at step {step}: every ReLU in hidden layer {layer} outputs 0 for every example, "
            "so no blame can flow back through it and the weights before it cannot learn ('dying ReLUs'). "
            "Press Reset, lower the learning rate, or try leaky ReLU."
        )
    name = "sigmoid" if activation == "sigmoid" else "tanh unit"
    limit = SATURATED_Z[activation]
    return (
        f"Training paused at step {step}: every {name} in hidden layer {layer} is saturated: its z is beyond "
        f"±{limit:g} for every example, where the curve is flat (slope below 0.00001), so almost no blame flows "
        "back through it and the weights before it barely learn. "
        "Press Reset, lower the learning rate, or start from smaller weights."
    )
