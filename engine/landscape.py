"""The network's own loss as a function of one or two of its parameters.

A 1-D slice varies one weight or bias with all others fixed; a grid varies two.
Both are evaluated on the whole training set and vectorised: the parameters
being varied get a leading "grid" axis and one forward pass computes every grid
point at once (in chunks, to bound memory). Toy curves live in toy_curves.py.
"""

import re
from dataclasses import dataclass

import numpy as np

from . import limits
from .activations import ACTIVATIONS
from .errors import LabInputError
from .network import NetworkSpec, Params
from .passes import _uses_logits, per_example_loss
from .training import dataset, run_passes

_REF = re.compile(r"^(W)(\d)\[(\d),(\d)\]$|^(b)(\d)\[(\d)\]$")
# Grid points per forward pass: about _CHUNK_FLOATS numbers per layer (0.8 MB), so a chunk stays in a
# core's L2 cache (the 60×60 map on 200 points ran up to 2× slower in chunks of 256).
_CHUNK_FLOATS = 100_000
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


def _grid_costs(state, refs: tuple[ParamRef, ...], columns: np.ndarray) -> np.ndarray:
    """Cost on the training set for each row of columns (G, len(refs)): shape (G,)."""
    spec, params = state.spec, state.params
    data = dataset(state.data)
    x, y = data.x_train, data.y_train
    L, first, logits = spec.n_layers, min(ref.layer for ref in refs), _uses_logits(spec)
    f = [None] + [ACTIVATIONS[name].f for name in spec.activations]
    # Layers before the first varied parameter are the same at every grid point: run them once.
    a_fixed = x
    for l in range(1, first):
        a_fixed = f[l](a_fixed @ params.W[l].T + params.b[l])
    chunk = min(_MAX_CHUNK, max(1, _CHUNK_FLOATS // (x.shape[0] * max(spec.sizes))))
    out = np.empty(columns.shape[0])
    for start in range(0, columns.shape[0], chunk):
        cols = columns[start : start + chunk]
        W, b = list(params.W), list(params.b)
        for j, ref in enumerate(refs):
            arrs = W if ref.kind == "W" else b
            if arrs[ref.layer].ndim == (2 if ref.kind == "W" else 1):  # not yet given a grid axis
                arrs[ref.layer] = np.repeat(arrs[ref.layer][None], cols.shape[0], axis=0)
            if ref.kind == "W":
                arrs[ref.layer][:, ref.row, ref.col] = cols[:, j]
            else:
                arrs[ref.layer][:, ref.row] = cols[:, j]
        a = a_fixed
        for l in range(first, L + 1):
            z = a @ np.swapaxes(W[l], -1, -2)
            bias = b[l][:, None, :] if b[l].ndim == 2 else b[l]
            z = np.add(z, bias, out=z if z.ndim == 3 else None)  # in place once z has its grid axis
            # BCE after a sigmoid reads the output's z (per_example_loss): its activation would go unused.
            a = None if l == L and logits else f[l](z)
        with np.errstate(all="ignore"):
            loss = np.mean(per_example_loss(spec, _Fwd((z,), (a,)), y), axis=-1)
            if state.train.weight_decay:
                sq = [np.sum(w * w, axis=(-2, -1)) for w in W[1:]]
                loss = loss + 0.5 * state.train.weight_decay * np.sum(np.broadcast_arrays(*sq), axis=0)
        out[start : start + cols.shape[0]] = np.broadcast_to(loss, (cols.shape[0],))
    return out


@dataclass(frozen=True)
class _Fwd:
    z: tuple
    a: tuple


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
    gradient: tuple[float, float]  # (∂C/∂x, ∂C/∂y) by backprop at the current point


def loss_grid(state, ref_x: ParamRef, ref_y: ParamRef, values_x, values_y) -> LossGrid:
    if ref_x == ref_y:
        raise LabInputError("Choose two different parameters for the map.")
    vx = _check_values(values_x, "The map's x values", limits.MAX_GRID)
    vy = _check_values(values_y, "The map's y values", limits.MAX_GRID)
    gx, gy = np.meshgrid(vx, vy)
    costs = _grid_costs(state, (ref_x, ref_y), np.column_stack([gx.ravel(), gy.ravel()]))
    bwd = _training_gradient(state)
    return LossGrid(
        ref_x,
        ref_y,
        vx,
        vy,
        costs.reshape(gx.shape),
        (ref_x.get(state.params), ref_y.get(state.params)),
        (ref_x.gradient(bwd.grad_W, bwd.grad_b), ref_y.gradient(bwd.grad_W, bwd.grad_b)),
    )
