"""What the network computes over its input space: a decision surface for 2-D data,
a fitted curve for 1-D data — for the output, for any one neuron, or for a whole layer at once
(a softmax output's class probabilities, whose largest is the network's decision).

The grid lives in the space of the raw inputs (x₁, x₂) a person sees; any extra
input features (x₁², sin x₁, …) are computed for each grid point exactly as the
dataset computes them, so the surface is what the network really does there.
"""

from dataclasses import dataclass

import numpy as np

from . import limits
from .datasets import FEATURES
from .errors import LabInputError
from .passes import forward
from .training import dataset

PAD = 0.1  # share of the data's extent added on each side


@dataclass(frozen=True)
class Surface:
    """values[i, j] is neuron `neuron` of layer `layer` at (xs[j], ys[i]); 1-D data has ys = None
    and values of shape (len(xs),). With `neuron` None, every neuron of the layer: values[i, j, k]
    is neuron k (shape (len(ys), len(xs), n_layer); 1-D: (len(xs), n_layer))."""

    xs: np.ndarray
    ys: np.ndarray | None
    values: np.ndarray
    layer: int
    neuron: int | None


def _extent(values: np.ndarray) -> tuple[float, float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    if hi - lo < 1e-3:  # one example (or all alike): show the plane around it
        return lo - 1.0, hi + 1.0
    pad = (hi - lo) * PAD
    return lo - pad, hi + pad


def extents(state) -> list[tuple[float, float]]:
    """The plane's (lo, hi) along each raw input: the data's extent, train and test, padded by PAD on
    each side. The grid of every surface, and of the neurons' own pictures (assets/neuron-maps.js,
    which spaces its points as np.linspace does), spans these."""
    data = dataset(state.data)
    raw = np.concatenate([data.raw_train, data.raw_test])
    if raw.shape[1] > 2:
        raise LabInputError("A surface can be drawn for data with one or two inputs only.")
    return [_extent(raw[:, k]) for k in range(raw.shape[1])]


def surface(state, resolution: int = 50, layer: int | None = None, neuron: int | None = 0) -> Surface:
    """The activation of one neuron (default: the first output), or of a whole layer, over the input
    plane or line.

    Parameters
    ----------
    state : LabState
    resolution : int
        Grid points per axis, 2 … MAX_GRID.
    layer, neuron : int
        Which neuron; layer 1 … L (None means the output layer L); neuron None means all of the
        layer's neurons, along a last axis of `values`.
    """
    spec = state.spec
    layer = spec.n_layers if layer is None else layer
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= limits.MAX_GRID:
        raise LabInputError(f"The surface has 2 to {limits.MAX_GRID} points per axis.")
    if isinstance(layer, bool) or isinstance(neuron, bool) or not (
            isinstance(layer, int) and 1 <= layer <= spec.n_layers and (neuron is None or (
                isinstance(neuron, int) and 0 <= neuron < spec.sizes[layer]))):
        raise LabInputError(f"This network has no neuron {neuron + 1 if isinstance(neuron, int) else neuron} "
                            f"in layer {layer}.")
    axes = [np.linspace(lo, hi, resolution) for lo, hi in extents(state)]
    if len(axes) == 1:
        grid = axes[0][:, None]
    else:
        gx, gy = np.meshgrid(axes[0], axes[1])
        grid = np.column_stack([gx.ravel(), gy.ravel()])
    x = np.column_stack([grid] + [FEATURES[f].fn(grid) for f in state.data.features])
    a = forward(spec, state.params, x).a[layer]
    values = a if neuron is None else a[:, neuron]
    if len(axes) == 1:
        return Surface(axes[0], None, values, layer, neuron)
    return Surface(axes[0], axes[1], values.reshape((resolution, resolution) + values.shape[1:]), layer, neuron)
