"""Regularization: a penalty on the weights added to the cost, C = mean loss + λ·Σ φ(w), over every
weight and never a bias. Each ∂C/∂w then gains λ·φ′(w).

One record per penalty: the cost, the slope, and how the page and the Equations tab write them
(assets/instant.js computes the slope in the page under the same name). λ = 0 is no penalty.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Penalty:
    """name: how the state, links and the page say it. each: φ(w), elementwise. slope: φ′(w), what
    each ∂C/∂w gains times λ. tex: λ·Σφ(w) in TeX; tex_slope(w): λ·φ′(w) with the weight written in;
    words: the slope term for a tooltip."""

    name: str
    title: str
    each: Callable[[np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray], np.ndarray]
    tex: str
    tex_slope: Callable[[str], str]
    text_slope: Callable[[str], str]
    words: str


PENALTIES = {
    p.name: p
    for p in (
        Penalty("l2", "L2", lambda w: 0.5 * w * w, lambda w: w, r"\frac{\lambda}{2}\sum w^2",
                lambda w: w, lambda w: w, "λw"),
        # |w| has no slope at 0; any value in [−1, 1] is a subgradient there. The lab takes 0, the
        # middle one: a weight at exactly 0 is held there by nothing and pushed by nothing.
        Penalty("l1", "L1", np.abs, np.sign, r"\lambda\sum |w|",
                lambda w: rf"\operatorname{{sign}}({w})", lambda w: f"sign({w})", "λ·sign(w)"),
    )
}


def penalty_cost(weights, rate: float, name: str) -> float:
    """λ·Σφ(w) over the given weight matrices (the biases are not among them)."""
    if rate == 0:
        return 0.0
    each = PENALTIES[name].each
    return rate * sum(float(np.sum(each(w))) for w in weights)


def penalty_slope(w: np.ndarray, rate: float, name: str) -> np.ndarray:
    """λ·φ′(w): what the penalty adds to each ∂C/∂w."""
    return rate * PENALTIES[name].slope(w)
