"""Small calculators behind the lessons: why reverse mode, why not brute force,
and a central-difference check of any gradient. Counts, not timings.
"""

from dataclasses import dataclass
from itertools import pairwise

from .errors import LabInputError
from .landscape import ParamRef
from .passes import cost
from .training import dataset, run_passes


@dataclass(frozen=True)
class ModeCosts:
    """Multiply-adds for one gradient of a single example.

    forward pass: Σ_l n_l·n_{l-1}.
    forward mode: the forward pass plus one tangent per parameter pushed through
      every layer — a matrix–matrix product (n_l × n_{l-1}) · (n_{l-1} × P) per layer.
    reverse mode: the forward pass plus one adjoint pulled back — W[l].T δ[l]
      (a matrix–vector product) for layers L … 2 — plus the outer products a_in·δ_out.
    """

    n_params: int
    forward_pass: int
    forward_mode: int
    reverse_mode: int

    @property
    def ratio(self) -> float:
        return self.forward_mode / self.reverse_mode


def mode_costs(sizes: tuple[int, ...]) -> ModeCosts:
    """What one gradient costs a network of these layer sizes (n_0, …, n_L), forward mode
    against reverse mode (backpropagation), counted in multiply-adds (see ModeCosts).

    >>> mode_costs((2, 2, 1)).n_params
    9
    """
    pairs = list(pairwise(sizes))
    if not pairs or any(n < 1 for n in sizes):
        raise LabInputError("A network needs at least an input and an output layer.")
    n_params = sum(n * (m + 1) for m, n in pairs)
    fwd = sum(m * n for m, n in pairs)
    forward_mode = fwd + sum(m * n * n_params for m, n in pairs)
    reverse_mode = fwd + sum(m * n for m, n in pairs[1:]) + sum(m * n for m, n in pairs)
    return ModeCosts(n_params, fwd, forward_mode, reverse_mode)


@dataclass(frozen=True)
class BruteForce:
    values_per_weight: int
    n_weights: int
    combinations: int
    seconds: float  # at `rate` loss evaluations per second

    def words(self) -> str:
        """The time in the largest unit that keeps it readable: "1 ms", "16.7 minutes", "11.6 days"."""
        s = self.seconds
        if s == float("inf"):  # more evaluations than a float can count
            return "far longer than the age of the universe"
        for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("hours", 3600), ("minutes", 60), ("s", 1)):
            if s >= size:
                return f"{s / size:.3g} {unit}"
        return f"{s * 1000:.3g} ms"


def brute_force(values_per_weight: int, n_weights: int, rate: float = 1e9) -> BruteForce:
    """Trying every combination of k values for n weights: k**n loss evaluations."""
    if not 1 <= values_per_weight <= 10**6 or not 1 <= n_weights <= 10**4:
        raise LabInputError("Choose 1 to 1,000,000 values per weight and 1 to 10,000 weights.")
    combos = values_per_weight**n_weights
    try:
        seconds = combos / rate
    except OverflowError:  # k**n beyond ~1e308 (e.g. 10 values for 400 weights) has no float quotient
        seconds = float("inf")
    return BruteForce(values_per_weight, n_weights, combos, seconds)


@dataclass(frozen=True)
class GradientCheck:
    ref: ParamRef
    backprop: float
    numeric: float

    @property
    def relative_difference(self) -> float:
        scale = max(abs(self.backprop), abs(self.numeric), 1e-12)
        return abs(self.backprop - self.numeric) / scale


def gradient_check(state, ref: ParamRef, h: float = 1e-6) -> GradientCheck:
    """Backprop's ∂C/∂p on the training set beside (C(p+h) − C(p−h)) / 2h.

    Parameters
    ----------
    state : LabState
    ref : ParamRef
        The weight or bias p, e.g. ``ParamRef.parse("W1[0,1]", state.spec)``.
    h : float
        The central difference's step, in (0, 1].

    Returns
    -------
    GradientCheck
        Both slopes and how far apart they are.
    """
    if not 0 < h <= 1:
        raise LabInputError("The step h must be between 0 and 1.")
    data = dataset(state.data)
    x, y, lam = data.x_train, data.y_train, state.train.weight_decay
    bwd = run_passes(state, state.params, x, y).bwd
    p = ref.get(state.params)
    up = cost(state.spec, ref.set(state.params, p + h), x, y, lam, state.train.penalty)
    down = cost(state.spec, ref.set(state.params, p - h), x, y, lam, state.train.penalty)
    return GradientCheck(ref, ref.gradient(bwd.grad_W, bwd.grad_b), (up - down) / (2 * h))
