"""Losses C(o, t) for one example and their gradients ∂C/∂o, by name.

Conventions: o and t have shape (..., batch, n_out); `per_example` returns (..., batch);
the cost of a batch is the mean of those. `grad` returns ∂C_example/∂o with the
same shape as o (not divided by the batch: the backward pass does that once).

- squared_error: ½ Σ_k (t_k − o_k)²  — the classic textbook form, ∂/∂o = o − t.
- mse: (1/n_out) Σ_k (t_k − o_k)².
- bce: binary cross-entropy averaged over outputs, for targets in [0, 1].

BCE is computed from the output's z when the output activation is sigmoid:
log(1 + e^z) − t·z never takes log(0), and its δ is simply (σ(z) − t)/n_out.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Only used when BCE follows a non-sigmoid output: keeps log() finite.
_EPS = 1e-12


@dataclass(frozen=True)
class Loss:
    name: str
    title: str
    per_example: Callable[[np.ndarray, np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]


def _bce(o, t):
    p = np.clip(o, _EPS, 1 - _EPS)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p), axis=-1)


def _bce_grad(o, t):
    p = np.clip(o, _EPS, 1 - _EPS)
    return (p - t) / (p * (1 - p)) / o.shape[-1]


def bce_from_logits(z, t):
    """BCE of sigmoid(z) against t, shape (batch,), stable for any finite z."""
    return np.mean(np.logaddexp(0.0, z) - t * z, axis=-1)


LOSSES = {
    "squared_error": Loss(
        "squared_error",
        "Squared error ½Σ(t−o)²",
        lambda o, t: 0.5 * np.sum((t - o) ** 2, axis=-1),
        lambda o, t: o - t,
    ),
    "mse": Loss(
        "mse",
        "Mean squared error",
        lambda o, t: np.mean((t - o) ** 2, axis=-1),
        lambda o, t: 2.0 * (o - t) / o.shape[-1],
    ),
    "bce": Loss("bce", "Binary cross-entropy", _bce, _bce_grad),
}
