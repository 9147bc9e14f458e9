"""The forward and backward passes, keeping every intermediate value.

forward:  z[l] = a[l-1] @ W[l].T + b[l],  a[l] = f_l(z[l]),  a[0] = x.
backward: δ[L] = ∂C/∂a[L] ⊙ f_L′(z[L]) (or straight from z for a loss paired with its output: σ(z) − t,
          p − t);  δ[l] = (δ[l+1] @ W[l+1]) ⊙ f_l′(z[l]);
          ∂C/∂W[l] = δ[l].T @ a[l-1] / batch + λ φ′(W[l]);  ∂C/∂b[l] = mean over the batch of δ[l].

δ is kept per example (the blame of one example, as the picture shows it) and as
the batch mean. C is the mean loss over the batch plus the penalty λ Σ φ(w) on the weights
(never the biases): φ = w²/2 for L2, weight decay, or |w| for L1 (engine/penalties.py).
Nothing here updates weights.
"""

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .losses import LOSSES
from .network import NetworkSpec, Params
from .penalties import penalty_cost, penalty_slope


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
        return LOSSES[spec.loss].from_logits(fwd.z[-1], y)
    return LOSSES[spec.loss].per_example(fwd.a[-1], y)


def decay_penalty(params: Params, weight_decay: float, penalty: str = "l2") -> float:
    """λ·Σφ(w) over every weight (engine/penalties.py); the biases are never penalised."""
    return penalty_cost(params.W[1:], weight_decay, penalty)


def backward(
    spec: NetworkSpec, params: Params, fwd: ForwardPass, y: np.ndarray, weight_decay: float = 0.0,
    penalty: str = "l2",
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
        λ, the rate of the penalty: the cost is the mean loss plus λ·Σφ(w), so each ∂C/∂W gains
        λ·φ′(W) (engine/penalties.py).
    penalty : str
        φ: "l2" (φ = w²/2, weight decay) or "l1" (φ = |w|).

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
        # σ(z) − t after a sigmoid, p − t after a softmax: the output's slope cancels the loss's, so
        # nothing divides by o(1−o) or p (engine/losses.py).
        d = LOSSES[spec.loss].logits_delta(fwd.a[L], y)
    else:
        d = LOSSES[spec.loss].grad(fwd.a[L], y) * ACTIVATIONS[spec.activations[L - 1]].df(fwd.z[L])
    delta = [None] * (L + 1)
    grad_W = [None] * (L + 1)
    grad_b = [None] * (L + 1)
    delta[L] = d
    for l in range(L, 0, -1):
        grad_W[l] = delta[l].T @ fwd.a[l - 1] / batch
        if weight_decay:
            grad_W[l] = grad_W[l] + penalty_slope(params.W[l], weight_decay, penalty)
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
        cost=loss + decay_penalty(params, weight_decay, penalty),
        per_example=per_example,
    )


def cost(spec: NetworkSpec, params: Params, x: np.ndarray, y: np.ndarray, weight_decay: float = 0.0,
         penalty: str = "l2") -> float:
    """C on a batch: mean loss plus the penalty on the weights. What the gradients differentiate."""
    loss = float(np.mean(per_example_loss(spec, forward(spec, params, x), y)))
    return loss + decay_penalty(params, weight_decay, penalty)
