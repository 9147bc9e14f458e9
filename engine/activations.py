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
class Activation:
    """One activation function, by name: f and f′ (both of z), and what the picture needs to know.

    bounded: f(z) lies in [−1, 1] (the network lights a neuron by |a| as it is; an unbounded
    one is squashed first). assets/instant.js computes f and f′ in the page under the same name:
    tests/components/test_instant_parity.py fails for a name it does not know."""

    name: str
    title: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    bounded: bool = False


def _sigmoid(z):
    # Split by sign so exp never overflows for large |z|.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_prime(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


def _tanh_prime(z):
    return 1.0 - np.tanh(z) ** 2


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", "Sigmoid", _sigmoid, _sigmoid_prime, bounded=True),
    "tanh": Activation("tanh", "Tanh", np.tanh, _tanh_prime, bounded=True),
    "relu": Activation("relu", "ReLU", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "leaky_relu": Activation(
        "leaky_relu",
        "Leaky ReLU",
        lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
    ),
    "linear": Activation("linear", "Linear", lambda z: np.array(z, dtype=float), lambda z: np.ones_like(z, dtype=float)),
}
