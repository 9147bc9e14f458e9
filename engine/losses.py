"""Losses C(o, t) for one example and their gradients ∂C/∂o, by name.

Conventions: o and t have shape (..., batch, n_out); `per_example` returns (..., batch);
the cost of a batch is the mean of those. `grad` returns ∂C_example/∂o with the
same shape as o (not divided by the batch: the backward pass does that once).

- squared_error: ½ Σ_k (t_k − o_k)²  — the classic textbook form, ∂/∂o = o − t.
- mse: (1/n_out) Σ_k (t_k − o_k)².
- bce: binary cross-entropy averaged over outputs, for targets in [0, 1].

BCE needs a sigmoid output (`Loss.output`; network.check_spec refuses anything else): it
measures a probability, and only σ keeps the output in (0, 1) where −log o is defined. With
a linear, tanh or ReLU output the loss would have to be clipped, and a clipped loss has slope
0 where the network is most wrong, so no gradient could be both true and useful. It is
computed from the output's z: log(1 + e^z) − t·z never takes log(0), and its δ is simply
(σ(z) − t)/n_out.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Loss:
    """One loss, by name. per_example and grad take the output o; `output` names the only output
    activation the loss is defined after ("" for any), and `why` says why, in words a student
    reads. `logits_after`: the output activation after which the backward pass starts from z
    (σ(z) − t for cross-entropy after a sigmoid: nothing divides by a tiny o(1 − o)); "" for none.
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
    ),
}


def refusal(loss: str, output_activation: str) -> str:
    """Why this loss cannot follow this output activation, in a sentence; "" when it can."""
    need = LOSSES[loss].output if isinstance(loss, str) and loss in LOSSES else ""
    if not need or output_activation == need:
        return ""
    return (
        f"{LOSSES[loss].title} needs a {need} output: {LOSSES[loss].why}. "
        f"Choose a {need} output activation, or another loss."
    )
