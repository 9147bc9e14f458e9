"""Moving a lab state forward: one phase, one full step, or many epochs.

Every function takes a LabState and returns a new one. The batch on show is
fixed by (seed, shuffle epoch, batch number), so nothing random is stored and
the same seed always gives the same lesson. A step that would make a weight or
the loss non-finite (or larger than the limits allow) is not taken: the state
keeps its last good weights and says in `diverged` why training stopped. A
finite step taken while a hidden layer cannot pass blame back (every ReLU dead
or every unit saturated: see health.py) is kept, and training then pauses with
the reason in `diverged`.
"""

import time
from dataclasses import dataclass

import numpy as np

from . import health, limits, metrics
from .cache import byte_cached
from .datasets import Dataset, DataSpec, make_dataset
from .errors import LabInputError
from .network import Params
from .optimizers import OptimizerState, update
from .passes import BackwardPass, ForwardPass, backward, cost, forward, per_example_loss
from .phases import Cursor
from .state import Counters, History, LabState, LastUpdate

# Within these bytes (engine/cache.py): a large upload's data and spec hold 1.6 MB, a lesson's a few KB.
DATASETS_BYTES = 16_000_000
ORDERS_BYTES = 2_000_000


@byte_cached(DATASETS_BYTES)
def dataset(spec: DataSpec) -> Dataset:
    """The data a spec describes, made once per spec (specs are immutable and hashable)."""
    data = make_dataset(spec)
    for arr in (data.x_train, data.y_train, data.x_test, data.y_test):
        arr.flags.writeable = False
    return data


@byte_cached(ORDERS_BYTES)
def _shuffled(seed: int, shuffle_epoch: int, n: int) -> np.ndarray:
    """The order of the training set in one shuffle epoch (read-only).

    Cached: it changes once an epoch, and making the generator costs about as much as a small step.
    """
    order = np.random.default_rng([seed, shuffle_epoch]).permutation(n)
    order.flags.writeable = False
    return order


def batch_indices(state: LabState) -> np.ndarray:
    """Indices into the training set of the batch on show, shape (batch,) (read-only)."""
    n = dataset(state.data).x_train.shape[0]
    size = min(state.train.batch_size, n)
    order = _shuffled(state.seed, state.counters.shuffle_epoch, n)
    start = (state.counters.batch_number * size) % n
    return order[start : start + size]


def batches_per_epoch(state: LabState) -> int:
    n = dataset(state.data).x_train.shape[0]
    size = min(state.train.batch_size, n)
    return -(-n // size)


@dataclass(frozen=True)
class Passes:
    """Forward and backward passes on some examples, with the targets used."""

    x: np.ndarray
    y: np.ndarray
    fwd: ForwardPass
    bwd: BackwardPass


def run_passes(state: LabState, params: Params, x: np.ndarray, y: np.ndarray) -> Passes:
    fwd = forward(state.spec, params, x)
    return Passes(x, y, fwd, backward(state.spec, params, fwd, y, state.train.weight_decay, state.train.penalty))


def batch_passes(state: LabState) -> Passes:
    """The passes on the batch the next update will use."""
    data, idx = dataset(state.data), batch_indices(state)
    return run_passes(state, state.params, data.x_train[idx], data.y_train[idx])


def update_gradient(state: LabState) -> Params:
    """The gradient the last update used: the batch mean, on the weights before it.

    Only meaningful in the update phase (the batch on show is still the one updated on).
    The picture shows one example's ∂C/∂w; the update moved every weight by this mean.
    """
    data, idx = dataset(state.data), batch_indices(state)
    passes = run_passes(state, state.last_update.params_before, data.x_train[idx], data.y_train[idx])
    return Params(passes.bwd.grad_W, passes.bwd.grad_b)


def example_passes(state: LabState, params: Params | None = None) -> Passes:
    """The passes on the one training example the picture shows.

    Parameters
    ----------
    state : LabState
    params : Params, optional
        Other weights to run it with (the state's by default).

    Returns
    -------
    Passes
        x of shape (1, n_0), y of shape (1, n_L), and the ForwardPass and BackwardPass on them:
        ``fwd.a[l]`` and ``bwd.delta[l]`` of shape (1, n_l), ``bwd.grad_W[l]`` (n_l, n_{l-1}).
    """
    data = dataset(state.data)
    i = min(state.example, data.x_train.shape[0] - 1)
    return run_passes(state, state.params if params is None else params, data.x_train[i : i + 1], data.y_train[i : i + 1])


def evaluate(state: LabState, params: Params | None = None) -> dict:
    """The mean loss on the training and test sets ({train,test}_loss), and how well the network
    does besides (engine/metrics.py): for classification {…}_accuracy and {…}_confusion (a
    metrics.Confusion), for regression {…}_rmse and {…}_fit (a metrics.Fit). None for what does
    not apply, and for everything of an empty test set."""
    data, params = dataset(state.data), state.params if params is None else params
    classifying = data.kind == "classification"
    out = {}
    for name, x, y in (("train", data.x_train, data.y_train), ("test", data.x_test, data.y_test)):
        scores = dict.fromkeys(("loss", "accuracy", "confusion", "rmse", "fit"))
        if x.shape[0]:
            fwd = forward(state.spec, params, x)
            scores["loss"] = float(np.mean(per_example_loss(state.spec, fwd, y)))
            if classifying:
                scores["confusion"] = metrics.confusion(fwd.output, y, data.classes)
                scores["accuracy"] = scores["confusion"].accuracy
            else:
                scores["rmse"], scores["fit"] = metrics.rmse(fwd.output, y), metrics.fit(fwd.output, y)
        out |= {f"{name}_{k}": v for k, v in scores.items()}
    return out


def _too_big(params: Params) -> bool:
    """Is any weight or bias NaN, infinite or beyond MAX_ABS_VALUE?

    One max|w| over all of them answers all three: max propagates NaN, and NaN <= anything is False.
    """
    largest = np.abs(np.concatenate([w.ravel() for w in (*params.W[1:], *params.b[1:])])).max()
    return not largest <= limits.MAX_ABS_VALUE


def _divergence_reason(state: LabState, what: str) -> str:
    return (
        f"Training stopped at step {state.counters.step}: {what}. "
        f"The learning rate {state.train.learning_rate:g} is probably too large; lower it, or press Reset."
    )


def _apply_update(state: LabState, record: bool = True) -> LabState:
    """Take the update on the batch on show, or stop with a reason.

    record=False leaves the loss history alone (train_for records once at its end)."""
    passes = batch_passes(state)
    if not np.isfinite(passes.bwd.cost):
        return state.replace(diverged=_divergence_reason(state, "the loss is no longer a finite number"))
    grads = Params(passes.bwd.grad_W, passes.bwd.grad_b)
    with np.errstate(all="ignore"):
        new_params, opt_state = update(
            state.train.optimizer,
            state.params,
            grads,
            state.optimizer_state,
            state.train.learning_rate,
            state.train.freeze_biases,
            **state.train.optimizer_settings(),
        )
        # Only the batch's cost is wanted after the update: a forward pass, not passes with a backward.
        too_big = _too_big(new_params)
        after = np.inf if too_big else cost(state.spec, new_params, passes.x, passes.y, state.train.weight_decay,
                                            state.train.penalty)
    if not np.isfinite(after):
        return state.replace(diverged=_divergence_reason(state, "the weights grew without bound"))
    # A finite step can still teach nothing (a layer of dead ReLUs, or saturated): take it, then pause.
    stalled = health.stall_reason(state, passes)
    c = state.counters
    finished_epoch = c.batch_number + 1 >= batches_per_epoch(state)
    counters = Counters(c.step + 1, c.epoch + finished_epoch, c.shuffle_epoch, c.batch_number)
    history = _with_start(state) if record else state.history
    if record:
        scores = evaluate(state, new_params)
        history = history.add(counters.step, scores["train_loss"], scores["test_loss"])
    # One replace: each one checks the whole state again.
    return state.replace(
        params=new_params,
        optimizer_state=opt_state,
        counters=counters,
        cursor=Cursor(state.spec.n_layers, 2 * state.spec.n_layers + 1),
        last_update=LastUpdate(state.params, passes.bwd.cost, float(after)),
        history=history,
        diverged=stalled,
    )


def _with_start(state: LabState) -> History:
    """The history, with where training started (step 0) recorded before the first update."""
    if state.history.entries:
        return state.history
    start = evaluate(state)
    return state.history.add(state.counters.step, start["train_loss"], start["test_loss"])


def _next_batch(state: LabState) -> LabState:
    c = state.counters
    if c.batch_number + 1 >= batches_per_epoch(state):
        counters = Counters(c.step, c.epoch, c.shuffle_epoch + 1, 0)
    else:
        counters = Counters(c.step, c.epoch, c.shuffle_epoch, c.batch_number + 1)
    return state.replace(counters=counters)


def advance(state: LabState) -> LabState:
    """Reveal one more phase. At the update phase the weights move.

    After the update the next call starts the next batch's forward pass. A
    diverged state does not move.
    """
    if state.diverged:
        return state
    cursor = state.cursor
    if cursor.at_update:
        return _next_batch(state).replace(cursor=cursor.next())
    if cursor.next().at_update:
        return _apply_update(state)
    return state.replace(cursor=cursor.next())


def full_step(state: LabState) -> LabState:
    """Run to the end of the next update (finishing the batch on show if it is half-way)."""
    if state.diverged:
        return state
    if not state.cursor.at_update:
        return _apply_update(state)
    moved = _apply_update(_next_batch(state))
    # A refused update leaves the last good state as it was (batch, cursor, counters), plus the reason;
    # a stalled one was taken (the step counter moved) and is kept, paused.
    refused = moved.diverged and moved.counters.step == state.counters.step
    return state.replace(diverged=moved.diverged) if refused else moved


def train_steps(state: LabState, n: int, record: bool = True, until=None) -> LabState:
    """n full steps, stopping early if training diverges, or after the first step for which
    until(state) is true (Play's stop rule, engine/stopping.met); none if it is true already.

    record=False leaves the loss history alone: measuring the loss after every step costs a
    pass over all the data, more than the step itself (engine/rate_search.py trains quietly)."""
    if not 0 <= n <= limits.MAX_EPOCHS_PER_CALL * limits.MAX_POINTS:
        raise LabInputError(f"Cannot train {n} steps in one go.")
    step = full_step if record else _quiet_step
    if until is not None and until(state):
        return state
    for _ in range(n):
        state = step(state)
        if state.diverged or (until is not None and until(state)):
            break
    return state


def train_for(state: LabState, seconds: float, max_steps: int = 100_000) -> LabState:
    """Full steps until `seconds` have passed (always at least one), for Play at full speed.

    How many steps fit depends on the machine and the network; each step is exactly the
    one full_step would take. The loss history is recorded once, at the end, so that
    measuring the loss does not cost more than the training.
    """
    return train_for_frames(state, seconds, 1, max_steps)[-1]


def train_for_frames(state: LabState, seconds: float, frames: int, max_steps: int = 100_000,
                     until=None) -> tuple[LabState, ...]:
    """train_for, and the lab at up to `frames` − 1 moments evenly spread over the time before its end.
    It stops after the first step for which until(state) is true, as train_steps does.

    Returns the states in order, the last one train_for's. The ones before it are the pictures
    Play paints between two answers (one per frame of the display); only the last records the
    loss history. A tick too short for a frame's moment returns fewer states.
    """
    if not 0 < seconds <= 1 or not 1 <= max_steps <= 100_000:
        raise LabInputError("Train for at most one second and 100,000 steps at a time.")
    if isinstance(frames, bool) or not isinstance(frames, int) or not 1 <= frames <= limits.MAX_FRAMES_PER_TICK:
        raise LabInputError(f"A tick brings from 1 to {limits.MAX_FRAMES_PER_TICK} pictures.")
    if state.diverged or (until is not None and until(state)):
        return (state,)
    history = _with_start(state)
    began = time.perf_counter()
    deadline = began + seconds
    moments = [began + seconds * k / frames for k in range(1, frames)]
    kept = []
    for _ in range(max_steps):
        state = _quiet_step(state)
        now = time.perf_counter()
        if state.diverged or now >= deadline or (until is not None and until(state)):
            break
        if moments and now >= moments[0]:
            kept.append(state)
            while moments and now >= moments[0]:
                moments.pop(0)
    scores = evaluate(state)
    return (*kept, state.replace(history=history.add(state.counters.step, scores["train_loss"], scores["test_loss"])))


def _quiet_step(state: LabState) -> LabState:
    """One full step that leaves the loss history alone (measuring the loss costs a pass over all data)."""
    if state.cursor.at_update:
        state = _next_batch(state)
    return _apply_update(state, record=False)


def train_epochs(state: LabState, n: int) -> LabState:
    """Train until n more epochs are complete (or training diverges)."""
    if not 0 <= n <= limits.MAX_EPOCHS_PER_CALL:
        raise LabInputError(f"Epochs per call must be from 0 to {limits.MAX_EPOCHS_PER_CALL}, not {n}.")
    target = state.counters.epoch + n
    while state.counters.epoch < target and not state.diverged:
        state = full_step(state)
    return state


def reset(state: LabState, params: Params) -> LabState:
    """Start again from the given weights, keeping every setting."""
    return state.replace(
        params=params,
        optimizer_state=OptimizerState(),
        cursor=Cursor(state.spec.n_layers),
        counters=Counters(),
        history=History(),
        last_update=None,
        diverged="",
    )
