"""Engine timings for Backprop Lab: how long the NumPy engine takes for what the page asks of it.

Measures, on three networks (the default 2-2-1 lesson on one example; 2-8-8-1 tanh/sigmoid on 200
circle points, batch 10; six hidden layers of 8 on 500 spiral points, full batch):

1. a pure training step: engine.forward + engine.backward + engine.update (sgd), nothing else;
2. a full lab step, engine.full_step: the same update plus the lab's bookkeeping (batch choice,
   divergence checks, the batch's cost after the update, evaluation on the train/test sets, history),
   so the overhead over 1. is visible;
3. a 60×60 loss map, engine.loss_grid over W1[0,0] × W1[0,1] (values np.linspace(-3, 3, 60)),
   for the 2-8-8-1 network and the default lesson;
4. a 200-point loss slice, engine.loss_slice over W1[0,0], on the 2-8-8-1 network.

Each line is many single calls timed with time.perf_counter after a warm-up: the median and the
95th percentile, the budget where there is one (2-8-8-1 pure step 100 µs, 60×60 map 30 ms) and
median / budget (at most 1 is within budget). It prints a table and asserts nothing; the whole run
takes about 20 s. Timings on a shared machine vary: the header shows the load average.

Run from the repo root with `make bench` or `.venv/bin/python bench/engine.py` (it also runs from
any other folder).
"""

import importlib
import sys
import time
from pathlib import Path

import numpy as np


def _load_engine():
    here = Path(__file__).resolve().parent
    # This file is itself called engine.py and Python puts its folder first on the path when
    # it runs as a script: take that off, or `import engine` would import this script; the
    # repo root goes first so that `engine` and `bench.table` are this project's.
    sys.path[:] = [str(here.parent)] + [p for p in sys.path if Path(p or ".").resolve() != here]
    return importlib.import_module("engine")


engine = _load_engine()

PURE_STEP_BUDGET = 100e-6  # seconds, 2-8-8-1 pure step
GRID_BUDGET = 30e-3  # seconds, 60×60 loss map


# ---------------------------------------------------------------- the networks


def lesson_2881() -> "engine.LabState":
    spec = engine.NetworkSpec((2, 8, 8, 1), ("tanh", "tanh", "sigmoid"), "bce", "xavier")
    data = engine.DataSpec("circle", n_points=200, noise=0.05, test_fraction=0.0, seed=0)
    params = engine.init_params(spec, np.random.default_rng(0))
    return engine.LabState("bench 2-8-8-1", 0, spec, params, engine.TrainConfig("sgd", 0.3, batch_size=10), data)


def lesson_deep() -> "engine.LabState":
    spec = engine.NetworkSpec((2,) + (8,) * 6 + (1,), ("tanh",) * 6 + ("sigmoid",), "bce", "xavier")
    data = engine.DataSpec("spiral", n_points=500, noise=0.05, test_fraction=0.0, seed=0)
    params = engine.init_params(spec, np.random.default_rng(0))
    return engine.LabState("bench deep", 0, spec, params, engine.TrainConfig("sgd", 0.3, batch_size=500), data)


NETWORKS = (
    ("default lesson 2-2-1, 1 example", engine.presets.default_lesson),
    ("2-8-8-1, 200 circle points, batch 10", lesson_2881),
    ("2-8×6-1, 500 spiral points, full batch", lesson_deep),
)


# ---------------------------------------------------------------- what is timed


def pure_step(state):
    """forward + backward + sgd update on the state's first batch, the weights carried from call to call."""
    data = engine.dataset(state.data)
    idx = engine.training.batch_indices(state)
    x, y = data.x_train[idx], data.y_train[idx]
    spec, train = state.spec, state.train
    params, opt = state.params, state.optimizer_state

    def step():
        nonlocal params, opt
        fwd = engine.forward(spec, params, x)
        bwd = engine.backward(spec, params, fwd, y, train.weight_decay)
        params, opt = engine.update("sgd", params, engine.Params(bwd.grad_W, bwd.grad_b), opt, train.learning_rate)

    return step


def lab_step(state):
    """engine.full_step, each call continuing from the last (so the history grows as in the app)."""
    start = state

    def step():
        nonlocal state
        state = engine.full_step(state)
        if state.diverged:  # a diverged state returns at once: start again rather than time nothing
            state = start

    return step


def grid(state):
    ref_x, ref_y = engine.ParamRef("W", 1, 0, 0), engine.ParamRef("W", 1, 0, 1)
    values = np.linspace(-3, 3, 60)
    return lambda: engine.loss_grid(state, ref_x, ref_y, values, values)


def slice_(state):
    ref, values = engine.ParamRef("W", 1, 0, 0), np.linspace(-3, 3, 200)
    return lambda: engine.loss_slice(state, ref, values)


# ---------------------------------------------------------------- timing and printing


def measure(fn, seconds: float, max_runs: int = 20_000, min_runs: int = 20) -> np.ndarray:
    """Seconds per call: warm up, then time single calls until `seconds` have passed (within the run limits)."""
    warm_end = time.perf_counter() + min(0.2, seconds / 10)
    for _ in range(3):
        fn()
    while time.perf_counter() < warm_end:
        fn()
    times = []
    end = time.perf_counter() + seconds
    while len(times) < max_runs and (len(times) < min_runs or time.perf_counter() < end):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return np.array(times)


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def collect() -> list:
    """Every engine figure as a Row of the one table (bench/table.py); times in ms."""
    from bench.table import Row

    rows = []
    states = [(name, make()) for name, make in NETWORKS]

    def row(what, t, budget=None, note=""):
        ms = np.asarray(t) * 1000
        return Row("engine", what, float(np.median(ms)), float(np.percentile(ms, 95)), "ms",
                   None if budget is None else budget * 1000, note=note)

    pure_medians = []
    for name, state in states:
        t = measure(pure_step(state), 1.5)
        pure_medians.append(np.median(t))
        rows.append(row(f"pure step: {name}", t, PURE_STEP_BUDGET if state.spec.sizes == (2, 8, 8, 1) else None))
    for (name, state), pure in zip(states, pure_medians):
        t = measure(lab_step(state), 2.0)
        rows.append(row(f"full_step: {name}", t, note=f"{np.median(t) / pure:.1f}× the pure step"))

    default, net_2881 = states[0][1], states[1][1]
    rows.append(row("loss_grid 60×60: 2-8-8-1 on 200 points", measure(grid(net_2881), 3.0), GRID_BUDGET))
    rows.append(row("loss_grid 60×60: default lesson", measure(grid(default), 1.5), GRID_BUDGET))
    rows.append(row("loss_slice 200 points: 2-8-8-1 on 200 points", measure(slice_(net_2881), 1.5)))
    return rows


if __name__ == "__main__":
    from bench.table import main

    main(collect)
