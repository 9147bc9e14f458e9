"""Activation functions f and their derivatives f′, by name.

The state stores a name; this registry turns it into arithmetic. Each function
takes z and returns a new array; the derivative is written in terms of z so the
backward pass needs only what the forward pass kept.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Tex:
    """How the Equations tab writes an activation (components/equations.py)."""

    f: str  # the function as applied: \sigma, \tanh, f
    definition: str  # f(z) = …
    prime: str  # the derivative's symbol
    prime_rule: str = ""  # f′ in terms of the neuron's output a (written A), if there is one
    prime_values: str = ""  # that rule with the output's value in it ({a}), e.g. {a}\,(1 - {a})
    kink: bool = False  # f′ is one of two values, chosen by the sign of z


@dataclass(frozen=True)
class Activation:
    """One activation function, by name: everything each part of the lab needs to know about it.

    f and df: f and f′, both of z (the backward pass needs only what the forward pass kept).
    formula and source: f for a reader, and as a NumPy function (engine/export.py).
    tex: how the Equations tab writes it (components/equations.py).
    bounded: f(z) lies in [−1, 1] (the network lights a neuron by |a| as it is; an unbounded
    one is squashed first: components/network_view.py).
    saturated_z: |z| beyond which f′(z) < 1e-5, so the blame through the unit shrinks at least
    100,000-fold (engine/health.py); None when f′ never fades like that.
    in_place: f written into z's own memory, the loss maps' fast path (engine/landscape.py).
    output_only: f mixes the layer's neurons (softmax: each output depends on every z), so it is
    offered for the output layer alone, where the loss it is paired with (`loss`) starts the blame
    from z and never needs f′ on its own (engine/losses.py says why for each pair).
    assets/instant.js computes f and f′ in the page under the same name (f alone for an output_only
    one, whose blame its loss starts from z):
    tests/components/test_instant_parity.py fails for a name it does not know."""

    name: str
    title: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    formula: str
    source: str
    tex: Tex
    bounded: bool = False
    saturated_z: float | None = None
    in_place: Callable[[np.ndarray], np.ndarray] | None = None
    output_only: bool = False
    loss: str = ""  # the one loss this output is taught with ("" for any)


def _sigmoid(z):
    # Split by sign so exp never overflows for large |z|.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_prime(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


def _sigmoid_into(z: np.ndarray) -> np.ndarray:
    """_sigmoid to the last bit, 1 / (1 + e) for z ≥ 0 and e / (1 + e) below, e = e^−|z|, but
    without a masked select: on signs that change at random, np.where costs 5 ns a number, all of
    this 6 against 14 (the maps' hottest line: sigmoid layers cost twice tanh's time). Overwrites z."""
    e = np.abs(z)
    np.negative(e, out=e)
    np.exp(e, out=e)
    m = (z < 0).astype(float)  # 1 where z < 0, else 0 (and 0 for NaN, whose e is NaN anyway)
    np.add(e, 1.0, out=z)  # z is free now: 1 + e
    e *= m  # e below 0, else 0 · e = 0 exactly (e lies in [0, 1])
    np.subtract(1.0, m, out=m)
    e += m  # the numerator: e below 0, else 1, both exact
    return np.divide(e, z, out=z)


def _leaky_into(z: np.ndarray) -> np.ndarray:
    """The leaky ReLU, where(z > 0, z, s·z), as max(z, s·z) for 0 < s < 1 (equal for every z, NaN
    included): one temporary instead of three."""
    return np.maximum(z, LEAKY_SLOPE * z, out=z)


def _softmax(z):
    """p_k = e^{z_k} / Σ_j e^{z_j} along the last axis (the layer's neurons). Subtracting the
    largest z first changes nothing (e^{−max} cancels) and keeps exp from overflowing."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_diagonal(z):
    """∂p_k/∂z_k = p_k(1 − p_k): only the diagonal of softmax's Jacobian, ∂p_j/∂z_k = p_j(δ_jk − p_k).
    The backward pass never uses it (cross-entropy's δ is p − t straight from z); it is here for a
    reader who asks how steep one output is in its own z."""
    p = _softmax(z)
    return p * (1.0 - p)


def _tanh_prime(z):
    return 1.0 - np.tanh(z) ** 2


# The saturation limits: sigmoid: σ′(z) ≈ e^−|z|, and σ′(12) = 6.1e-6; tanh: tanh′(z) ≈ 4e^−2|z|,
# and tanh′(7) = 3.3e-6.
ACTIVATIONS = {
    "sigmoid": Activation(
        "sigmoid", "Sigmoid", _sigmoid, _sigmoid_prime,
        formula="1 / (1 + exp(-z))",
        source=("def sigmoid(z):\n"
                "    e = np.exp(-np.abs(z))  # exp of a negative number never overflows\n"
                "    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))\n"),
        tex=Tex(r"\sigma", r"\sigma(z) = \frac{1}{1 + e^{-z}}", r"\sigma'", "A(1 - A)", r"{a}\,(1 - {a})"),
        bounded=True, saturated_z=12.0, in_place=_sigmoid_into),
    "tanh": Activation(
        "tanh", "Tanh", np.tanh, _tanh_prime,
        formula="tanh(z)",
        source="def tanh(z):\n    return np.tanh(z)\n",
        tex=Tex(r"\tanh", r"\tanh z = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", r"\tanh'", "1 - A^2", "1 - {a}^2"),
        bounded=True, saturated_z=7.0, in_place=lambda z: np.tanh(z, out=z)),
    "relu": Activation(
        "relu", "ReLU", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float),
        formula="max(z, 0)",
        source="def relu(z):\n    return np.maximum(z, 0.0)\n",
        tex=Tex(r"\mathrm{ReLU}", r"\mathrm{ReLU}(z) = \max(0, z)", r"\mathrm{ReLU}'", kink=True),
        in_place=lambda z: np.maximum(z, 0.0, out=z)),
    "leaky_relu": Activation(
        "leaky_relu", "Leaky ReLU",
        lambda z: np.where(z > 0, z, LEAKY_SLOPE * z), lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
        formula=f"z if z > 0 else {LEAKY_SLOPE!r} * z",
        source=f"def leaky_relu(z):\n    return np.where(z > 0, z, {LEAKY_SLOPE!r} * z)\n",
        tex=Tex(r"f", rf"f(z) = \max({LEAKY_SLOPE:g}\,z,\ z)", "f'", kink=True),
        in_place=_leaky_into),
    "linear": Activation(
        "linear", "Linear", lambda z: np.array(z, dtype=float), lambda z: np.ones_like(z, dtype=float),
        formula="z",
        source="def linear(z):\n    return z\n",
        tex=Tex(r"f", "f(z) = z", "f'")),
    "softmax": Activation(
        "softmax", "Softmax", _softmax, _softmax_diagonal,
        formula="exp(z_k) / sum_j exp(z_j)",
        source=("def softmax(z):\n"
                "    e = np.exp(z - z.max(axis=-1, keepdims=True))  # the shift cancels and keeps exp finite\n"
                "    return e / e.sum(axis=-1, keepdims=True)\n"),
        tex=Tex(r"\mathrm{softmax}", r"p_k = \mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}}",
                r"\mathrm{softmax}'"),
        bounded=True, output_only=True, loss="cross_entropy"),
}


# The activations a hidden layer may use: softmax shares one probability among the outputs.
HIDDEN_ACTIVATIONS = tuple(name for name, a in ACTIVATIONS.items() if not a.output_only)
