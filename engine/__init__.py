"""Backprop Lab's engine: an exact, step-by-step backpropagation in NumPy.

Pure NumPy and the standard library: no dash, no plotly. Conventions, stated once:

- Layers are numbered 0 (input) … L (output); n_l neurons in layer l.
- W[l] has shape (n_l, n_{l-1}); b[l] has shape (n_l,); index 0 of every per-layer tuple is None
  (except a[0], the input).
- z[l] = a[l-1] @ W[l].T + b[l];  a[l] = f_l(z[l]).
- delta[l] = ∂C/∂z[l] per example; grad_W[l] = delta[l].T @ a[l-1] / batch (+ λ W[l]);
  grad_b[l] = mean of delta[l] over the batch.
- C is the mean over the batch of the per-example loss, plus λ Σ φ(w) over the weights: (λ/2) Σ w² for
  L2 (weight decay), λ Σ |w| for L1 (engine/penalties.py).
- Values never change in place: every step returns new frozen dataclasses and new arrays.
- Activations, losses, optimizers, datasets and presets are registries of names;
  the state stores names, never functions.
- Everything random takes numpy.random.default_rng(seed); the seed lives in the state.
- `LabState.from_dict` / `from_json` are the one door for untrusted input; every problem
  raises LabInputError with a message fit for the page.
"""

from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from .datasets import DATASETS, FEATURES, Dataset, DataSpec, make_dataset
from .errors import LabInputError
from .landscape import LossGrid, LossSlice, ParamRef, all_refs, grid_work, loss_grid, loss_slice, sample_rows
from .losses import LOSSES
from .network import INITS, NetworkSpec, Params, explicit_params, init_params
from .optimizers import OPTIMIZERS, OptimizerState, update
from .passes import BackwardPass, ForwardPass, backward, cost, forward, uses_logits
from .penalties import PENALTIES
from .phases import Cursor, Phase, Revealed, phases
from .presets import PRESETS
from .state import History, LabState, TrainConfig
from .stopping import STOP_RULES
from .teaching import brute_force, gradient_check, mode_costs
from .toy_curves import CURVES, descend
from .training import (
    advance,
    batch_passes,
    dataset,
    evaluate,
    example_passes,
    full_step,
    reset,
    train_epochs,
    train_for,
    train_for_frames,
    train_steps,
    update_gradient,
)

__all__ = [
    "ACTIVATIONS",
    "CURVES",
    "DATASETS",
    "FEATURES",
    "HIDDEN_ACTIVATIONS",
    "INITS",
    "LOSSES",
    "OPTIMIZERS",
    "PENALTIES",
    "PRESETS",
    "STOP_RULES",
    "BackwardPass",
    "Cursor",
    "DataSpec",
    "Dataset",
    "ForwardPass",
    "History",
    "LabInputError",
    "LabState",
    "LossGrid",
    "LossSlice",
    "NetworkSpec",
    "OptimizerState",
    "ParamRef",
    "Params",
    "Phase",
    "Revealed",
    "TrainConfig",
    "advance",
    "all_refs",
    "backward",
    "batch_passes",
    "brute_force",
    "cost",
    "dataset",
    "descend",
    "evaluate",
    "example_passes",
    "explicit_params",
    "forward",
    "full_step",
    "gradient_check",
    "grid_work",
    "init_params",
    "loss_grid",
    "loss_slice",
    "make_dataset",
    "mode_costs",
    "phases",
    "reset",
    "sample_rows",
    "train_epochs",
    "train_for",
    "train_for_frames",
    "train_steps",
    "update",
    "update_gradient",
    "uses_logits",
]
