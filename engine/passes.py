"""The forward and backward passes, keeping every intermediate value.

forward:  z[l] = a[l-1] @ W[l].T + b[l],  a[l] = f_l(z[l]),  a[0] = x.
backward: δ[L] = ∂C/∂a[L] ⊙ f_L′(z[L]);  δ[l] = (δ[l+1] @ W[l+1]) ⊙ f_l′(z[l]);
          ∂C/∂W[l] = δ[l].T @ a[l-1] / batch + λ W[l];  ∂C/∂b[l] = mean over the batch of δ[l].

δ is kept per example (the blame of one example, as the picture shows it) and as
the batch mean. C is the mean loss over the batch plus the weight-decay penalty
(λ/2) Σ‖W‖² (weights only, never biases). Nothing here updates weights.
"""

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .losses import LOSSES, bce_from_logits
from .network import NetworkSpec, Params


@dataclass(frozen=True)
class ForwardPass:
    """z[l] and a[l], each (batch, n_l); z[0] is None and a[0] is the input."""

    z: tuple
    a: tuple

    @property
    def output(self) -> np.ndarray:
        return self.a[-1]


@dataclass(frozen=True)
class BackwardPass:
    """Every δ, gradient and the loss of one batch.

    delta[l] (batch, n_l): ∂C_example/∂z[l] for each example; delta_mean[l] (n_l,).
    grad_W[l] (n_l, n_{l-1}); grad_b[l] (n_l,). Index 0 holds None.
    loss: mean data loss; cost: loss + weight-decay penalty; per_example (batch,).
    """

    delta: tuple
    delta_mean: tuple
    grad_W: tuple
    grad_b: tuple
    loss: float
    cost: float
    per_example: np.ndarray

    @property
    def grads(self) -> Params:
        """∂C/∂W and ∂C/∂b as one Params, the gradient engine.update takes."""
        return Params(self.grad_W, self.grad_b)


def forward(spec: NetworkSpec, params: Params, x: np.ndarray) -> ForwardPass:
    """Run the network forward, keeping every z and a.

    Parameters
    ----------
    spec : NetworkSpec
    params : Params
        W[l] of shape (n_l, n_{l-1}), b[l] of shape (n_l,), for l = 1 … L.
    x : array_like, shape (batch, n_0)

    Returns
    -------
    ForwardPass
        z[l] = a[l-1] W[l]ᵀ + b[l] and a[l] = f_l(z[l]), each of shape (batch, n_l); a[0] is x,
        z[0] is None.
    """
    z, a = [None], [np.asarray(x, dtype=float)]
    for l in range(1, spec.n_layers + 1):
        zl = a[-1] @ params.W[l].T + params.b[l]
        z.append(zl)
        a.append(ACTIVATIONS[spec.activations[l - 1]].f(zl))
    return ForwardPass(tuple(z), tuple(a))


def uses_logits(spec: NetworkSpec) -> bool:
    """Whether the backward pass starts from the output's z (the loss's record says after which
    output activation), rather than from ∂C/∂o times f′(z)."""
    after = LOSSES[spec.loss].logits_after
    return bool(after) and spec.activations[-1] == after


def per_example_loss(spec: NetworkSpec, fwd: ForwardPass, y: np.ndarray) -> np.ndarray:
    """The loss of each example, shape (..., batch)."""
    if uses_logits(spec):
        return bce_from_logits(fwd.z[-1], y)
    return LOSSES[spec.loss].per_example(fwd.a[-1], y)


def decay_penalty(params: Params, weight_decay: float) -> float:
    if weight_decay == 0:
        return 0.0
    return 0.5 * weight_decay * sum(float(np.sum(w * w)) for w in params.W[1:])


def backward(
    spec: NetworkSpec, params: Params, fwd: ForwardPass, y: np.ndarray, weight_decay: float = 0.0
) -> BackwardPass:
    """Pull the blame back from the output, given the forward pass on the same batch.

    Parameters
    ----------
    spec, params : as for `forward`
    fwd : ForwardPass
        ``forward(spec, params, x)``.
    y : array_like, shape (batch, n_L)
        The targets.
    weight_decay : float
        λ: the cost is the mean loss plus λ/2·Σw², so each ∂C/∂W gains λ·W.

    Returns
    -------
    BackwardPass
        delta[l] = ∂C/∂z[l] of shape (batch, n_l), the gradients grad_W[l] (n_l, n_{l-1}) and
        grad_b[l] (n_l,) averaged over the batch (``.grads`` gives both as a Params), and the loss.
    """
    L = spec.n_layers
    y = np.asarray(y, dtype=float)
    batch = y.shape[0]
    per_example = per_example_loss(spec, fwd, y)
    if uses_logits(spec):
        # σ(z) − t: the sigmoid's slope cancels the loss's, so nothing divides by o(1−o).
        d = (fwd.a[L] - y) / y.shape[1]
    else:
        d = LOSSES[spec.loss].grad(fwd.a[L], y) * ACTIVATIONS[spec.activations[L - 1]].df(fwd.z[L])
    delta = [None] * (L + 1)
    grad_W = [None] * (L + 1)
    grad_b = [None] * (L + 1)
    delta[L] = d
    for l in range(L, 0, -1):
        grad_W[l] = delta[l].T @ fwd.a[l - 1] / batch + weight_decay * params.W[l]
        grad_b[l] = delta[l].mean(axis=0)
        if l > 1:
            delta[l - 1] = (delta[l] @ params.W[l]) * ACTIVATIONS[spec.activations[l - 2]].df(fwd.z[l - 1])
    loss = float(np.mean(per_example))
    return BackwardPass(
        delta=tuple(delta),
        delta_mean=tuple(grad_b),  # the mean blame of each neuron is its bias's gradient
        grad_W=tuple(grad_W),
        grad_b=tuple(grad_b),
        loss=loss,
        cost=loss + decay_penalty(params, weight_decay),
        per_example=per_example,
    )


def cost(spec: NetworkSpec, params: Params, x: np.ndarray, y: np.ndarray, weight_decay: float = 0.0) -> float:
    """C on a batch: mean loss plus the weight-decay penalty. What the gradients differentiate."""
    return float(np.mean(per_example_loss(spec, forward(spec, params, x), y))) + decay_penalty(params, weight_decay)
