"""The network's own loss as a function of one or two of its parameters.

A 1-D slice varies one weight or bias with all others fixed; a grid varies two.
Both are evaluated on the training set and vectorised: a chunk of grid points
goes through the network at once, and only what the varied parameters reach is
computed per point (see _grid_costs). A grid may be asked to use at most
`max_rows` rows: then it uses evenly spaced rows (`sample_rows`), the same ones
every time, and says how many (the cost of a map is grid points × rows, and
41 × 41 points on 2,000 rows of the largest network took 0.8 s of CPU).
Toy curves live in toy_curves.py.

Inside, arrays are neurons first, (n, grid, batch), against the engine's
(batch, n): one neuron's values are then contiguous, so writing a neuron is one
block copy and W @ a is one matmul with long rows (the 60×60 map's middle layer
of 8 on 200 points: 2.2 ms, against 3–5 ms for a @ W.T).
"""

import re
from dataclasses import dataclass

import numpy as np

from . import limits
from .activations import ACTIVATIONS
from .errors import LabInputError
from .losses import LOSSES
from .network import NetworkSpec, Params
from .passes import forward, uses_logits
from .penalties import PENALTIES
from .training import dataset, run_passes

_REF = re.compile(r"^(W)(\d)\[(\d),(\d)\]$|^(b)(\d)\[(\d)\]$")
# Grid points per chunk: about _CHUNK_FLOATS numbers in the widest layer (0.4 MB), so a chunk's arrays
# stay in a core's L2 cache; the 60×60 map on 200 points ran 10–20 % slower with 4× larger chunks.
_CHUNK_FLOATS = 50_000
_MAX_CHUNK = 4096


@dataclass(frozen=True)
class ParamRef:
    """One parameter: W[layer][row, col] or b[layer][row]."""

    kind: str
    layer: int
    row: int
    col: int = 0

    def __str__(self) -> str:
        return f"W{self.layer}[{self.row},{self.col}]" if self.kind == "W" else f"b{self.layer}[{self.row}]"

    @classmethod
    def parse(cls, text, spec: NetworkSpec) -> "ParamRef":
        """Read "W2[0,1]" or "b1[0]" and check it exists in this network."""
        m = _REF.fullmatch(text) if isinstance(text, str) else None  # fullmatch: "$" alone allows a trailing "\n"
        if not m:
            raise LabInputError(f"{str(text)[:30]!r} names no parameter; write W2[0,1] or b1[0].")
        if m.group(1):
            ref = cls("W", int(m.group(2)), int(m.group(3)), int(m.group(4)))
        else:
            ref = cls("b", int(m.group(6)), int(m.group(7)))
        ok = 1 <= ref.layer <= spec.n_layers and ref.row < spec.sizes[ref.layer]
        if not ok or (ref.kind == "W" and ref.col >= spec.sizes[ref.layer - 1]):
            raise LabInputError(f"This network has no parameter {ref}.")
        return ref

    def get(self, params: Params) -> float:
        return float(params.W[self.layer][self.row, self.col] if self.kind == "W" else params.b[self.layer][self.row])

    def set(self, params: Params, value: float) -> Params:
        """New Params with this one entry changed (the rest shared, never modified)."""
        W, b = list(params.W), list(params.b)
        if self.kind == "W":
            W[self.layer] = W[self.layer].copy()
            W[self.layer][self.row, self.col] = value
        else:
            b[self.layer] = b[self.layer].copy()
            b[self.layer][self.row] = value
        return Params(tuple(W), tuple(b))

    def gradient(self, grad_W, grad_b) -> float:
        return float(grad_W[self.layer][self.row, self.col] if self.kind == "W" else grad_b[self.layer][self.row])


def all_refs(spec: NetworkSpec) -> tuple[ParamRef, ...]:
    """Every parameter, layer by layer: weights row by row, then biases."""
    refs = []
    for l in range(1, spec.n_layers + 1):
        refs += [ParamRef("W", l, i, j) for i in range(spec.sizes[l]) for j in range(spec.sizes[l - 1])]
        refs += [ParamRef("b", l, i) for i in range(spec.sizes[l])]
    return tuple(refs)


def sample_rows(n: int, max_rows: int | None) -> np.ndarray | None:
    """Indices of at most max_rows of n rows, evenly spaced from the first: row (i · n) // k for
    i = 0 … k−1, k = min(n, max_rows). None when every row is used (n ≤ max_rows, or no limit).

    No random numbers: the same rows every time, and rows the file or generator wrote in order
    (a CSV sorted by label, a spiral's arms) keep their proportions. 2,000 rows, 500 kept: every 4th.
    """
    if max_rows is None or n <= max_rows:
        return None
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
        raise LabInputError("The map needs at least one row of data.")
    return np.arange(max_rows) * n // max_rows


def grid_work(state, refs, n_points: int, max_rows: int | None = None) -> int:
    """How much a map or slice computes: grid points × rows × neurons from the first varied layer up.

    A rough, monotone measure to tell cheap maps from expensive ones before computing them; on this
    project's machines one unit takes 2.5–4 ns (tanh–sigmoid layers).
    """
    n = dataset(state.data).x_train.shape[0]
    rows = n if max_rows is None else min(n, max_rows)
    first = min(ref.layer for ref in refs)
    return n_points * rows * sum(state.spec.sizes[first:])


def _grid_costs(state, refs: tuple[ParamRef, ...], columns: np.ndarray, rows_used=None) -> np.ndarray:
    """Cost on the training set (or its rows `rows_used`) for each row of columns (G, len(refs)): shape (G,).

    Only what the varied parameters reach is computed per grid point:
    - layers below the first varied one are today's forward pass, run once;
    - in the first varied layer only the neurons the parameters belong to change, and their z is
      affine in the varied values: z = [values, 1] @ M, one small matmul;
    - the layer above reads today's activations for every other neuron;
    - every later layer changes entirely: z = W @ a, one matmul.
    The varied entries are 0 in the weights used here and each grid point adds value × input back;
    adding (value − today's value) × input to today's z would lose digits when today's value is large.
    """
    spec, params = state.spec, state.params
    data = dataset(state.data)
    x, y = data.x_train, data.y_train
    if rows_used is not None:
        x, y = x[rows_used], y[rows_used]
    L, batch = spec.n_layers, x.shape[0]
    f = [None] + [ACTIVATIONS[name].f for name in spec.activations]
    f_own = [None] + [ACTIVATIONS[name].in_place or ACTIVATIONS[name].f for name in spec.activations]
    today = forward(spec, params, x)
    rest = params
    for ref in refs:
        rest = ref.set(rest, 0.0)
    first = min(ref.layer for ref in refs)
    rows = np.unique([ref.row for ref in refs if ref.layer == first])  # the neurons that vary there
    # M[i, j]: the input (batch,) that value j multiplies in neuron rows[i]; M[i, -1]: the rest of
    # that neuron's z. Zero where value j plays no part (0 · value adds exactly nothing).
    M = np.zeros((rows.size, len(refs) + 1, batch))
    M[:, -1] = (today.a[first - 1] @ rest.W[first][rows].T + rest.b[first][rows]).T
    for j, ref in enumerate(refs):
        if ref.layer == first:
            M[np.searchsorted(rows, ref.row), j] = today.a[first - 1][:, ref.col] if ref.kind == "W" else 1.0
    chunk = min(_MAX_CHUNK, max(1, _CHUNK_FLOATS // (batch * (max(spec.sizes[first:]) + 1))))
    # Reused by every chunk: a fresh array of this size each time costs page faults, not arithmetic.
    scratch = {l: np.empty(spec.sizes[l] * chunk * batch) for l in range(first + 1, L + 1)}
    if first < L:
        # The input of the layer above: today's activations, and a row of ones so that the matmul
        # adds the bias; each chunk overwrites only the varying neurons' rows.
        above = np.empty((spec.sizes[first] + 1, chunk, batch))
        above[:-1] = today.a[first].T[:, None, :]
        above[-1] = 1.0
        W_above = np.column_stack([rest.W[first + 1], rest.b[first + 1]])
    decay, phi = state.train.weight_decay, PENALTIES[state.train.penalty].each
    if decay:
        weights = [j for j, ref in enumerate(refs) if ref.kind == "W"]
        sq_rest = sum(float(np.sum(phi(w))) for w in rest.W[1:])
    out = np.empty(columns.shape[0])
    with np.errstate(all="ignore"):  # far out on the map the loss may overflow: those points are inf
        for start in range(0, columns.shape[0], chunk):
            v = columns[start : start + chunk]
            g = v.shape[0]
            z = np.column_stack([v, np.ones(g)]) @ M  # (rows, g, batch)
            for l in range(first + 1, L + 1):
                if l == first + 1:
                    above[rows, :g] = f_own[l - 1](z)  # z here is a fresh array of its own
                    a = above[:, :g]
                    z = _product(W_above, a, scratch[l])
                else:
                    a = f_own[l - 1](z)  # z lives in scratch[l - 1] and is not read again
                    z = _product(rest.W[l], a, scratch[l])
                    z += rest.b[l][:, None, None]
                for j, ref in enumerate(refs):
                    if ref.layer == l:
                        z[ref.row] += v[:, j, None] * (a[ref.col] if ref.kind == "W" else 1.0)
            if first == L and rows.size < spec.sizes[L]:  # only some outputs vary: the others are today's
                z_rows, z = z, np.repeat(today.z[L].T[:, None, :], g, axis=1)
                z[rows] = z_rows
            if uses_logits(spec) and spec.loss == "bce":
                loss = _mean_bce_from_logits(z, y.T[:, None, :])
            elif uses_logits(spec):  # the losses take (g, batch, n_L)
                loss = np.mean(LOSSES[spec.loss].from_logits(z.transpose(1, 2, 0), y), axis=-1)
            else:  # the losses take (g, batch, n_L)
                loss = np.mean(LOSSES[spec.loss].per_example(f[L](z).transpose(1, 2, 0), y), axis=-1)
            if decay:  # the penalty, λ·Σφ(w): the varying weights' own, and the rest's
                loss = loss + decay * (sq_rest + np.sum(phi(v[:, weights]), axis=-1))
            out[start : start + g] = loss
    return out


def _product(W: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """W (m, n) @ a (n, g, batch) as one matmul, into the start of scratch: (m, g, batch)."""
    (m, n), (_, g, batch) = W.shape, a.shape
    z = scratch[: m * g * batch].reshape(m, g * batch)
    return np.matmul(W, a.reshape(n, g * batch), out=z).reshape(m, g, batch)


def _mean_bce_from_logits(z, t):
    """Mean BCE over outputs and examples, (g,), from z (n_L, g, batch) and targets t (n_L, 1, batch).

    losses.bce_from_logits to rounding: log(1 + e^z) = max(z, 0) + log1p(e^−|z|) takes a quarter of
    logaddexp's time, and working in place saves a pass over memory per step. Averaging over the
    batch first leaves the second mean (over outputs) a tiny array.
    """
    loss = np.abs(z)
    np.negative(loss, out=loss)
    np.exp(loss, out=loss)
    np.log1p(loss, out=loss)
    loss += np.maximum(z, 0.0)
    loss -= t * z
    return np.mean(np.mean(loss, axis=-1), axis=0)


def _check_values(values, name: str, max_points: int) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or not 2 <= v.size <= max_points or not np.all(np.isfinite(v)):
        raise LabInputError(f"{name} must be 2 to {max_points} finite numbers.")
    return v


def _training_gradient(state):
    data = dataset(state.data)
    return run_passes(state, state.params, data.x_train, data.y_train).bwd


@dataclass(frozen=True)
class LossSlice:
    """C(w) for the values of one parameter, the others fixed; arrays (k,)."""

    ref: ParamRef
    values: np.ndarray
    loss: np.ndarray
    current_value: float
    current_loss: float
    slope_backprop: float  # ∂C/∂w from the backward pass
    slope_numeric: float  # central difference of C at the current value


def loss_slice(state, ref: ParamRef, values, h: float = 1e-5) -> LossSlice:
    """The training cost C along one parameter, every other one fixed.

    Parameters
    ----------
    state : LabState
    ref : ParamRef
        The weight or bias to vary, e.g. ``ParamRef.parse("W1[0,1]", state.spec)``.
    values : array_like, shape (k,)
        The values it takes (at most limits.MAX_SLICE).
    h : float
        The step of the central difference that checks the backward pass's slope.

    Returns
    -------
    LossSlice
        ``loss`` of shape (k,), the current value and cost, and the slope at the current value
        twice: from backpropagation and from (C(w + h) − C(w − h)) / 2h.
    """
    values = _check_values(values, "The slice's values", limits.MAX_SLICE)
    w0 = ref.get(state.params)
    costs = _grid_costs(state, (ref,), np.concatenate([values, [w0, w0 + h, w0 - h]])[:, None])
    bwd = _training_gradient(state)
    return LossSlice(
        ref,
        values,
        costs[:-3],
        w0,
        float(costs[-3]),
        ref.gradient(bwd.grad_W, bwd.grad_b),
        float((costs[-2] - costs[-1]) / (2 * h)),
    )


@dataclass(frozen=True)
class LossGrid:
    """C over a grid of two parameters: loss[i, j] at (values_x[j], values_y[i])."""

    ref_x: ParamRef
    ref_y: ParamRef
    values_x: np.ndarray
    values_y: np.ndarray
    loss: np.ndarray  # (len(values_y), len(values_x))
    current: tuple[float, float]
    gradient: tuple[float, float]  # (∂C/∂x, ∂C/∂y) by backprop at the current point, on every training row
    rows_used: int = 0  # training rows the loss was evaluated on (0: not said, i.e. all)
    rows_total: int = 0  # training rows there are

    @property
    def sampled(self) -> bool:
        return 0 < self.rows_used < self.rows_total


def loss_grid(state, ref_x: ParamRef, ref_y: ParamRef, values_x, values_y, max_rows: int | None = None) -> LossGrid:
    """C over values_x × values_y of two parameters, the others fixed.

    Parameters
    ----------
    state : LabState
    ref_x, ref_y : ParamRef
        Two different weights or biases.
    values_x : array_like, shape (kx,)
    values_y : array_like, shape (ky,)
    max_rows : int, optional

    Returns
    -------
    LossGrid
        ``loss`` of shape (ky, kx): loss[i, j] at (values_x[j], values_y[i]), and the gradient
        (∂C/∂x, ∂C/∂y) at the current point.

    With max_rows, a training set of more rows is evaluated on `sample_rows` of it (evenly spaced,
    always the same); the gradient is always the whole training set's, as everywhere else on the page.
    """
    if ref_x == ref_y:
        raise LabInputError("Choose two different parameters for the map.")
    vx = _check_values(values_x, "The map's x values", limits.MAX_GRID)
    vy = _check_values(values_y, "The map's y values", limits.MAX_GRID)
    gx, gy = np.meshgrid(vx, vy)
    n = dataset(state.data).x_train.shape[0]
    used = sample_rows(n, max_rows)
    costs = _grid_costs(state, (ref_x, ref_y), np.column_stack([gx.ravel(), gy.ravel()]), used)
    bwd = _training_gradient(state)
    return LossGrid(
        ref_x,
        ref_y,
        vx,
        vy,
        costs.reshape(gx.shape),
        (ref_x.get(state.params), ref_y.get(state.params)),
        (ref_x.gradient(bwd.grad_W, bwd.grad_b), ref_y.gradient(bwd.grad_W, bwd.grad_b)),
        n if used is None else used.size,
        n,
    )
