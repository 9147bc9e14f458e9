"""One-dimensional toy loss curves, and a ball rolling down them by gradient descent.

This is the engine behind the "ball rolling down a loss curve" panel. Gradient
descent is a blindfolded climber who only feels the slope under their feet:
each curve here is chosen so that one lesson about that climber really happens
with real numbers:

- ``two_valleys``: the ball settles in the nearest valley, not the deepest one
  (the local-minimum trap), and momentum can carry it over the bump;
- ``plateau``: where the slope is almost zero the steps are tiny and the ball crawls;
- ``narrow_valley``: in a steep valley a large learning rate overshoots,
  zig-zags, and beyond a threshold flies off;
- ``bowl``: a plain convex parabola, for comparison.

The update, with learning rate ``lr`` and momentum ``m`` (``m = 0`` is plain
gradient descent, ``x - lr * slope``)::

    v[k+1] = m * v[k] - lr * slope(x[k]),   v[0] = 0
    x[k+1] = x[k] + v[k+1]

What this module deliberately is not: it knows nothing about networks, plots or
the app. The curves are fixed formulas with exact derivatives, not losses of a
trained model, and the state stores a curve's *name*, never its functions.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import validate
from .errors import LabInputError
from .limits import MAX_LEARNING_RATE, MAX_PATH

# The ball has "flown off" once it is this many drawn widths outside the drawn
# range: generous, so a big but recoverable overshoot is still drawn.
OFF_CURVE_WIDTHS = 10.0
# Both |slope| and the last |step| below this: the ball has come to rest.
REST_TOLERANCE = 1e-6


@dataclass(frozen=True)
class ToyCurve:
    """A named 1-D loss curve L(x) with its exact slope dL/dx.

    ``start`` and ``learning_rate`` are defaults that show the ``lesson``;
    ``formula`` is the curve in plain text for the page.
    """

    name: str
    title: str
    lesson: str
    x_min: float
    x_max: float
    start: float
    learning_rate: float
    formula: str
    loss_fn: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    slope_fn: Callable[[np.ndarray], np.ndarray] = field(repr=False)

    def loss(self, x):
        """L(x), elementwise. A float for a scalar, else an array of x's shape."""
        return _apply(self.loss_fn, x)

    def slope(self, x):
        """dL/dx, the exact derivative, elementwise. A float for a scalar, else an array."""
        return _apply(self.slope_fn, x)

    @property
    def bounds(self) -> tuple[float, float]:
        """Where the ball is still on the curve; beyond these it has flown off."""
        margin = OFF_CURVE_WIDTHS * (self.x_max - self.x_min)
        return self.x_min - margin, self.x_max + margin


def _apply(fn, x):
    # A far-flung ball can overflow x**4; that inf is caught by `descend`,
    # so the warning would only be noise.
    with np.errstate(over="ignore", invalid="ignore"):
        y = fn(np.asarray(x, dtype=float))
    return float(y) if np.ndim(y) == 0 else y


# Two valleys: the tilt 0.5x makes the left valley deeper. Minima at
# x ≈ -1.526 (L ≈ -1.736, global) and x ≈ 1.267 (L ≈ -0.328, local),
# with a bump at x ≈ 0.259 (L ≈ 0.064) between them.
_TWO_VALLEYS = ToyCurve(
    name="two_valleys",
    title="Two valleys: the local-minimum trap",
    lesson=(
        "The ball stops in the shallow right valley although the left one is deeper, "
        "because it only feels the slope under it; momentum 0.9 can carry it over the bump."
    ),
    x_min=-2.5,
    x_max=2.5,
    start=2.0,
    learning_rate=0.05,
    formula="L(x) = x⁴/4 − x² + 0.5x",
    loss_fn=lambda x: x**4 / 4 - x**2 + 0.5 * x,
    slope_fn=lambda x: x**3 - 2 * x + 0.5,
)

# A Gaussian well in a wide, almost flat plain. The x²/400 tilt gives the
# plain a slope of x/200 (0.035 at x = 7), small but not zero, so the ball
# does crawl across instead of stopping for ever.
_PLATEAU = ToyCurve(
    name="plateau",
    title="A plateau, then a valley",
    lesson=(
        "On the flat stretch the slope is almost zero, so every step is tiny and the ball "
        "crawls for a long time before it finds the valley and speeds down it."
    ),
    x_min=-3.0,
    x_max=9.0,
    start=7.0,
    learning_rate=1.0,
    formula="L(x) = 1 − exp(−x²/2) + x²/400",
    loss_fn=lambda x: 1 - np.exp(-(x**2) / 2) + x**2 / 400,
    slope_fn=lambda x: x * np.exp(-(x**2) / 2) + x / 200,
)

# A parabola of curvature 10, so each step multiplies x by (1 - 10 lr):
# lr < 0.1 slides in, 0.1 < lr < 0.2 zig-zags in, lr = 0.2 bounces for ever,
# lr > 0.2 zig-zags out. Its thresholds can be worked out by hand.
_NARROW_VALLEY = ToyCurve(
    name="narrow_valley",
    title="A steep, narrow valley",
    lesson=(
        "Above a learning rate of 0.1 the ball overshoots the bottom and zig-zags, "
        "and above 0.2 each zig-zag is bigger than the last until it flies off."
    ),
    x_min=-1.5,
    x_max=1.5,
    start=1.0,
    learning_rate=0.15,
    formula="L(x) = 5x²",
    loss_fn=lambda x: 5 * x**2,
    slope_fn=lambda x: 10 * x,
)

_BOWL = ToyCurve(
    name="bowl",
    title="A simple bowl",
    lesson=(
        "One valley and no traps: with a small enough step the ball always reaches the bottom, "
        "each step shorter than the last as the slope flattens."
    ),
    x_min=-3.0,
    x_max=3.0,
    start=2.5,
    learning_rate=0.3,
    formula="L(x) = x²/2",
    loss_fn=lambda x: x**2 / 2,
    slope_fn=lambda x: x,
)

CURVES: dict[str, ToyCurve] = {c.name: c for c in (_TWO_VALLEYS, _PLATEAU, _NARROW_VALLEY, _BOWL)}


@dataclass(frozen=True)
class BallPath:
    """Where the ball went: positions 0 … n, and the n steps between them.

    ``n`` is the number of steps asked for, or fewer if the ball flew off.
    Every array is finite.
    """

    x: np.ndarray  # (n+1,) positions, x[0] = start
    loss: np.ndarray  # (n+1,)
    slope: np.ndarray  # (n+1,)
    step: np.ndarray  # (n,) x[k+1] - x[k]
    diverged: bool
    reason: str  # "" unless diverged
    converged: bool


def _curve(curve) -> ToyCurve:
    if isinstance(curve, ToyCurve):
        return curve
    return CURVES[validate.choice(curve, "The curve", tuple(CURVES))]


def descend(curve, x0, learning_rate, steps, momentum=0.0, velocity=0.0) -> BallPath:
    """Roll a ball down a toy curve by gradient descent, with optional momentum.

    Parameters
    ----------
    curve : ToyCurve or str
        A curve or the name of one in ``CURVES``.
    x0 : float
        Where the ball starts; within ``curve.bounds``.
    learning_rate : float
        ``lr`` in ``v[k+1] = momentum * v[k] - lr * slope(x[k])``; 0 < lr <= MAX_LEARNING_RATE.
    steps : int
        How many steps to take, 0 … MAX_PATH.
    momentum : float, optional
        The share of the last move kept, 0 <= momentum < 1. 0 (the default) is plain
        gradient descent.
    velocity : float, optional
        The ball's last move, to continue a path with momentum one step at a time
        (``path.step[-1]`` of the path so far). 0 (the default) starts from rest.

    Returns
    -------
    BallPath
        Arrays of shape (n+1,) for ``x``, ``loss``, ``slope`` and (n,) for ``step``, with
        n = steps unless the ball flew off the curve (left ``curve.bounds`` or reached a
        non-finite value). Then ``diverged`` is True, ``reason`` says why in words, and
        the path ends at the last finite position.

    Raises
    ------
    LabInputError
        For an unknown curve name or an out-of-range or non-numeric argument.
    """
    c = _curve(curve)
    x0 = validate.number(x0, "The start x0")
    lo, hi = c.bounds
    if not lo <= x0 <= hi:
        raise LabInputError(f"The start x0 = {x0:g} is far off this curve; start the ball between {lo:g} and {hi:g}.")
    if not (math.isfinite(c.loss(x0)) and math.isfinite(c.slope(x0))):
        raise LabInputError(f"This curve has no finite loss or slope at x0 = {x0:g}; start the ball elsewhere.")
    lr = validate.number(learning_rate, "The learning rate", -math.inf, math.inf)
    if not 0.0 < lr <= MAX_LEARNING_RATE:
        raise LabInputError(
            f"The learning rate must be above 0 and at most {MAX_LEARNING_RATE:g}; {lr:g} is outside."
        )
    m = validate.number(momentum, "The momentum", -math.inf, math.inf)
    if not 0.0 <= m < 1.0:
        # At 1 the ball would keep every move for ever and never slow down.
        raise LabInputError(f"The momentum must be at least 0 and below 1; {m:g} is outside.")
    n = validate.integer(steps, "The number of steps", 0, MAX_PATH)
    v = validate.number(velocity, "The ball's velocity")

    xs = [x0]
    slopes = [c.slope(x0)]
    reason = ""
    for k in range(n):
        v = m * v - lr * slopes[-1]
        x = xs[-1] + v
        g = c.slope(x)
        if not (math.isfinite(x) and math.isfinite(g) and math.isfinite(c.loss(x))):
            # Keep the path finite: it ends where the ball was last seen.
            reason = flew_off_reason(k + 1, lr, m)
            break
        xs.append(x)
        slopes.append(g)
        if not lo <= x <= hi:
            reason = flew_off_reason(k + 1, lr, m)
            break

    x_arr = np.array(xs)
    step = np.diff(x_arr)
    last_step = abs(step[-1]) if step.size else 0.0
    return BallPath(
        x=x_arr,
        loss=np.asarray(c.loss(x_arr), dtype=float),
        slope=np.array(slopes),
        step=step,
        diverged=bool(reason),
        reason=reason,
        converged=not reason and abs(slopes[-1]) < REST_TOLERANCE and last_step < REST_TOLERANCE,
    )


def path_through(curve, xs, reason: str = "") -> BallPath:
    """The BallPath of positions a ball has already visited (e.g. a trail kept by the page).

    reason: why the ball stopped, if it flew off; "" while it is on the curve.
    """
    c = _curve(curve)
    # Any finite position descend can reach, even far past the drawn range once the ball flies off
    # (two_valleys, lr 12 from x = 2: -52, then 1.7e6); but never one without a finite loss and slope.
    x = np.array([validate.number(v, "A position of the ball", -math.inf, math.inf) for v in xs], dtype=float)
    if x.size == 0:
        raise LabInputError("A ball's path needs at least its start.")
    slope = np.asarray(c.slope(x), dtype=float)
    if not (np.all(np.isfinite(slope)) and np.all(np.isfinite(c.loss(x)))):
        raise LabInputError("A position of the ball is so far off this curve that its loss is not a finite number.")
    step = np.diff(x)
    last_step = abs(step[-1]) if step.size else 0.0
    return BallPath(
        x=x,
        loss=np.asarray(c.loss(x), dtype=float),
        slope=slope,
        step=step,
        diverged=bool(reason),
        reason=reason,
        converged=not reason and abs(slope[-1]) < REST_TOLERANCE and last_step < REST_TOLERANCE,
    )


def flew_off_reason(k: int, lr: float, m: float) -> str:
    """Why the ball stopped, in words, after k steps in all (a path continued step by step counts them all).

    The one place this is said: the page's note under the curve is this text.
    """
    with_momentum = f" with momentum {m:g}" if m else ""
    return (
        f"The ball flew off the curve after {k} step{'s' if k != 1 else ''}: "
        f"the learning rate η = {lr:g}{with_momentum} is too large for this valley. Each step overshoots "
        "the bottom further than the last, so the ball is thrown out of the valley. Choose a smaller η and Restart."
    )
