"""Losses C(o, t) for one example and their gradients ∂C/∂o, by name.

Conventions: o and t have shape (..., batch, n_out); `per_example` returns (..., batch);
the cost of a batch is the mean of those. `grad` returns ∂C_example/∂o with the
same shape as o (not divided by the batch: the backward pass does that once).

- squared_error: ½ Σ_k (t_k − o_k)²  — the classic textbook form, ∂/∂o = o − t.
- mse: (1/n_out) Σ_k (t_k − o_k)².
- bce: binary cross-entropy averaged over outputs, for targets in [0, 1].
- cross_entropy: categorical cross-entropy −Σ_k t_k log p_k, for one class per example (t one-hot)
  after a softmax output p.

BCE needs a sigmoid output (`Loss.output`; network.check_spec refuses anything else): it
measures a probability, and only σ keeps the output in (0, 1) where −log o is defined. With
a linear, tanh or ReLU output the loss would have to be clipped, and a clipped loss has slope
0 where the network is most wrong, so no gradient could be both true and useful. It is
computed from the output's z: log(1 + e^z) − t·z never takes log(0), and its δ is simply
(σ(z) − t)/n_out.

Categorical cross-entropy is taught after a softmax output, and a softmax output only with it (the
activation's record says so too). Each p_k depends on every z_j, so ∂C/∂z is the softmax Jacobian
∂p_j/∂z_k = p_j(δ_jk − p_k) applied to ∂C/∂p_j = −t_j/p_j: the sum collapses to p_k·Σ_j t_j − t_k,
which is p_k − t_k for a one-hot target. With another loss the blame of each output would need that
whole Jacobian, which the lab does not draw. From z, log Σ e^z − Σ t·z (for Σt = 1) never takes log(0).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS


@dataclass(frozen=True)
class Loss:
    """One loss, by name. per_example and grad take the output o; `output` names the only output
    activation the loss is defined after ("" for any), and `why` says why, in words a student
    reads. `logits_after`: the output activation after which the backward pass starts from z
    (σ(z) − t for cross-entropy after a sigmoid: nothing divides by a tiny o(1 − o)); "" for none.
    `from_logits(z, t)`: the loss per example from the output's z, and `logits_delta(o, t)`: δ = ∂C/∂z
    from the output o and t, both for the `logits_after` output.
    `slope_tex(o, t, n)`: ∂C/∂o in TeX, from the TeX of o and t (names or numbers) and the number
    of outputs n (components/equations.py writes it once with names, once with numbers).
    assets/instant.js computes the loss and ∂C/∂o in the page under the same name (`LOSS`):
    tests/components/test_instant_parity.py fails for a name it does not know."""

    name: str
    title: str
    per_example: Callable[[np.ndarray, np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    slope_tex: Callable[[str, str, int], str]
    output: str = ""
    why: str = ""
    logits_after: str = ""
    from_logits: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    logits_delta: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None


# o is σ(z), inside (0, 1) unless σ rounded to 0 or 1 (|z| > 37): the clip only keeps log() finite
# then. The passes themselves use the logits (bce_from_logits) and never come here.
_ROUNDED = 1e-12


def _bce(o, t):
    p = np.clip(o, _ROUNDED, 1 - _ROUNDED)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p), axis=-1)


def _bce_grad(o, t):
    p = np.clip(o, _ROUNDED, 1 - _ROUNDED)
    return (p - t) / (p * (1 - p)) / o.shape[-1]


def _bce_slope_tex(o: str, t: str, n: int) -> str:
    per_output = "" if n == 1 else rf"\,{n}"  # BCE is averaged over the outputs
    return rf"\frac{{{o} - {t}}}{{{o}\,(1 - {o}){per_output}}}"


def bce_from_logits(z, t):
    """BCE of sigmoid(z) against t, shape (batch,), stable for any finite z."""
    return np.mean(np.logaddexp(0.0, z) - t * z, axis=-1)


def cross_entropy(p, t):
    """−Σ_k t_k log p_k per example, shape (..., batch); p clipped only where softmax rounded to 0."""
    return -np.sum(t * np.log(np.clip(p, _ROUNDED, 1.0)), axis=-1)


def cross_entropy_from_logits(z, t):
    """−Σ_k t_k log softmax(z)_k = Σ_k t_k (log Σ_j e^{z_j} − z_k), stable for any finite z."""
    top = np.max(z, axis=-1, keepdims=True)
    log_sum = np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True)) + top
    return np.sum(t * (log_sum - z), axis=-1)


def _cross_entropy_delta(p, t):
    # Σ_j (−t_j/p_j)·p_j(δ_jk − p_k) = p_k·Σ_j t_j − t_k: p − t when the target is one class.
    return p * np.sum(t, axis=-1, keepdims=True) - t


LOSSES = {
    "squared_error": Loss(
        "squared_error",
        "Squared error ½Σ(t−o)²",
        lambda o, t: 0.5 * np.sum((t - o) ** 2, axis=-1),
        lambda o, t: o - t,
        lambda o, t, n: f"{o} - {t}",
    ),
    "mse": Loss(
        "mse",
        "Mean squared error",
        lambda o, t: np.mean((t - o) ** 2, axis=-1),
        lambda o, t: 2.0 * (o - t) / o.shape[-1],
        lambda o, t, n: rf"\frac{{2\,({o} - {t})}}{{{n}}}",
    ),
    "bce": Loss(
        "bce",
        "Binary cross-entropy",
        _bce,
        _bce_grad,
        _bce_slope_tex,
        output="sigmoid",
        logits_after="sigmoid",
        why="it measures a probability, and only a sigmoid output stays between 0 and 1 where its log is defined",
        from_logits=bce_from_logits,
        logits_delta=lambda o, t: (o - t) / o.shape[-1],  # σ(z) − t: σ′ cancels the loss's 1/(o(1−o))
    ),
    "cross_entropy": Loss(
        "cross_entropy",
        "Cross-entropy (classes)",
        cross_entropy,
        lambda p, t: -t / np.clip(p, _ROUNDED, 1.0),
        lambda o, t, n: rf"-\frac{{{t}}}{{{o}}}",
        output="softmax",
        logits_after="softmax",
        why="it compares one probability per class, and only a softmax output gives probabilities that add up to 1",
        from_logits=cross_entropy_from_logits,
        logits_delta=_cross_entropy_delta,
    ),
}


def refusal(loss: str, output_activation: str) -> str:
    """Why this loss cannot follow this output activation, in a sentence; "" when it can."""
    need = LOSSES[loss].output if isinstance(loss, str) and loss in LOSSES else ""
    if need and output_activation != need:
        return (
            f"{LOSSES[loss].title} needs a {need} output: {LOSSES[loss].why}. "
            f"Choose a {need} output activation, or another loss."
        )
    act = ACTIVATIONS.get(output_activation) if isinstance(output_activation, str) else None
    if act is not None and act.loss and loss != act.loss:
        pair = LOSSES[act.loss]
        return (
            f"A {act.title.lower()} output is taught with {pair.title.lower()}: together their slopes "
            f"collapse to δ = p − t, while with another loss each output's blame would need the whole "
            f"{act.title.lower()} Jacobian. Choose {pair.title.lower()}, or another output activation."
        )
    return ""
