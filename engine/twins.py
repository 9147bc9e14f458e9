"""Twin runs: two labs from the same start that differ in one setting, trained side by side.

A twin is the lab's start (its starting weights, data and batch order, with the training settings
as they are now) with one setting changed: the learning rate, the optimizer, the hidden activation,
the batch size or the initialisation. Both runs are the engine's own (`train_steps` from that start),
so nothing about the twin is stored: it is computed again from the start to the lab's step, and kept
in a cache by (start, change, step) so that following a lab step by step costs only the new steps.

What this module deliberately is not: a second lab. The twin cannot be stepped on its own, has no
phase of its own, and follows the lab's step counter. It changes one setting only, so a difference
between the two runs is that setting's doing.

TWIN_SETTINGS holds one record per setting that may differ (how it is named, offered, read and
applied); TWINS the classic comparisons, one record each (a lesson, the setting, its twin value and
what to look for).
"""

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import limits, validate
from .activations import HIDDEN_ACTIVATIONS
from .cache import ByteCache
from .errors import LabInputError
from .network import INITS, NetworkSpec, Params, init_params
from .optimizers import OPTIMIZERS, OptimizerState
from .phases import Cursor
from .state import Counters, History, LabState, TrainConfig
from .training import evaluate, example_passes, train_steps

# The twin follows the lab to this step and no further: past it, the panel says so. Six hidden
# layers of 8 on batches of 10 take about 0.2 ms a step (both runs 0.4 ms), so 20,000 steps are
# about 8 s of CPU, spread over many answers by the time budget below.
MAX_TWIN_STEPS = 20_000
# The CPU time one answer may spend training the two runs; past it the panel shows how far they
# are and asks again (the page's retry), each time going on from the cached runs.
SECONDS_PER_ANSWER = 0.4
# A run's states kept every this many steps, so that going back in time (Reset, the timeline)
# starts again from the nearest one instead of from step 0.
CHECKPOINT_EVERY = 500
CACHE_BYTES = 24_000_000


def _with_train(state: LabState, **changes) -> LabState:
    train = TrainConfig.from_dict(state.train.to_dict() | changes)
    return state.replace(train=train, optimizer_state=OptimizerState())


def _with_activation(state: LabState, name: str) -> LabState:
    if state.spec.n_layers < 2:
        raise LabInputError("This network has no hidden layer, so there is no hidden activation to change.")
    spec = NetworkSpec(state.spec.sizes, (name,) * (state.spec.n_layers - 1) + state.spec.activations[-1:],
                       state.spec.loss, state.spec.init, state.spec.init_scale)
    return state.replace(spec=spec)


def _with_init(state: LabState, name: str) -> LabState:
    spec = NetworkSpec(state.spec.sizes, state.spec.activations, state.spec.loss, name, state.spec.init_scale)
    return state.replace(spec=spec, params=init_params(spec, np.random.default_rng(state.seed)))


def _rate(value) -> float:
    return validate.number(value, "The twin's learning rate", 1e-9, limits.MAX_LEARNING_RATE)


def _batch(value) -> int:
    return validate.integer(value, "The twin's batch size", 1, limits.MAX_BATCH)


def _one_of(names: tuple, what: str):
    def read(value):
        return validate.choice(value, what, names)
    return read


@dataclass(frozen=True)
class TwinSetting:
    """A setting the twin may change. `title`: its words; `offered`: the values the page lists;
    `read(value)` checks an untrusted value (raising LabInputError) and returns it in its own type;
    `apply(start, value)` → the twin's start; `of(state)` → the lab's own value; `show(value)` → words."""

    name: str
    title: str
    offered: tuple
    read: Callable
    apply: Callable
    of: Callable
    show: Callable = str


TWIN_SETTINGS = {s.name: s for s in (
    TwinSetting("learning_rate", "learning rate η", limits.LEARNING_RATES, _rate,
                lambda s, v: _with_train(s, learning_rate=v), lambda s: s.train.learning_rate, lambda v: f"η = {v:g}"),
    TwinSetting("optimizer", "optimizer", tuple(OPTIMIZERS), _one_of(tuple(OPTIMIZERS), "The twin's optimizer"),
                lambda s, v: _with_train(s, optimizer=v), lambda s: s.train.optimizer,
                lambda v: OPTIMIZERS[v].title if v in OPTIMIZERS else str(v)),
    TwinSetting("activation", "hidden activation", HIDDEN_ACTIVATIONS,
                _one_of(HIDDEN_ACTIVATIONS, "The twin's hidden activation"), _with_activation,
                lambda s: s.spec.activations[0] if s.spec.n_layers > 1 else None),
    TwinSetting("batch_size", "batch size", limits.BATCH_SIZES, _batch,
                lambda s, v: _with_train(s, batch_size=v), lambda s: s.train.batch_size, lambda v: f"batch of {v}"),
    # "explicit" is a lesson's own weights, not a rule to draw new ones by.
    TwinSetting("init", "initialisation", tuple(i for i in INITS if i != "explicit"),
                _one_of(tuple(i for i in INITS if i != "explicit"), "The twin's initialisation"), _with_init,
                lambda s: s.spec.init, lambda v: f"{v} initialisation"),
)}


@dataclass(frozen=True)
class Change:
    """The one setting the twin changes, and its value (checked: build it with `change`)."""

    setting: str
    value: object

    def words(self) -> str:
        return TWIN_SETTINGS[self.setting].show(self.value)

    def link(self) -> str:
        """As a link writes it: "learning_rate:3"."""
        return f"{self.setting}:{self.value:g}" if isinstance(self.value, float) else f"{self.setting}:{self.value}"


def change(setting, value) -> Change:
    """The change a browser or a link asks for, checked; LabInputError with the reason otherwise."""
    if not isinstance(setting, str) or setting not in TWIN_SETTINGS:
        raise LabInputError(f"The twin can change one of: {', '.join(TWIN_SETTINGS)}; not {str(setting)[:40]!r}.")
    return Change(setting, TWIN_SETTINGS[setting].read(value))


def parse_link(text) -> Change:
    """A link's twin ("learning_rate:3", "optimizer:momentum", or a twin preset's name)."""
    if not isinstance(text, str) or len(text) > 60:
        raise LabInputError("it is not a setting and a value, e.g. learning_rate:3.")
    if text in TWINS:
        return TWINS[text].change
    setting, colon, value = text.partition(":")
    if not colon:
        raise LabInputError(f"it is not a setting and a value, e.g. learning_rate:3, nor one of {', '.join(TWINS)}.")
    if setting in ("learning_rate", "batch_size"):
        try:
            value = float(value) if setting == "learning_rate" else int(value)
        except ValueError:
            raise LabInputError(f"{value[:20]!r} is not a number.") from None
    return change(setting, value)


@dataclass(frozen=True)
class Twin:
    """A classic comparison: the lesson it runs on, the setting the twin changes and its value,
    its title (the list's words) and what to look for (the panel says it)."""

    name: str
    title: str
    lesson: str
    setting: str
    value: object
    words: str

    @property
    def change(self) -> Change:
        return change(self.setting, self.value)


# Measured at seed 0 (tests/engine/test_twins.py checks each claim).
TWINS = {t.name: t for t in (
    Twin("rate_small", "Learning rate too small", "circle", "learning_rate", 0.01,
         "The twin steps with η = 0.01, thirty times smaller than the lab's 0.3. Each of its steps is as "
         "careful: by step 1,000 the lab's loss has fallen from 0.69 to 0.02, the twin's only to 0.66."),
    Twin("rate_large", "Learning rate too large", "circle", "learning_rate", 30.0,
         "The twin steps with η = 30, a hundred times the lab's 0.3. Its steps overshoot the valley, so its "
         "loss jumps up and down, tens of times the lab's, instead of settling."),
    Twin("momentum", "Momentum or none", "default", "optimizer", "momentum",
         "The twin remembers its earlier steps (momentum, μ = 0.9): on a steady slope it builds up speed. "
         "After 10 steps its loss is 0.0002 while the lab's plain gradient descent is still at 0.018."),
    Twin("relu_deep", "Sigmoid or ReLU, six layers deep", "deep_sigmoid", "activation", "relu",
         "The same deep network and weights with ReLU in place of the sigmoid. The sigmoid's slope is at "
         "most 0.25, so the lab's blame fades layer by layer on the way back and its loss stays near 0.125; "
         "ReLU's slope is 1 where it is on, the twin's first layers get blame, and its loss falls."),
)}


def twin_start(lab: LabState, start: LabState) -> LabState:
    """Where both runs begin: the lab's starting weights (`start`'s, or drawn from the seed when the
    network has changed since), at step 0, with the lab's settings as they are now."""
    params = start.params if (start.spec == lab.spec and start.data == lab.data) else \
        init_params(lab.spec, np.random.default_rng(lab.seed))
    return lab.replace(params=params, optimizer_state=OptimizerState(), cursor=Cursor(lab.spec.n_layers),
                       counters=Counters(), history=History(), last_update=None, diverged="")


@dataclass(frozen=True)
class Run:
    """One run from a start: the state after `state.counters.step` steps (quietly trained: its own
    history is empty) and the loss along the way (`history`, engine.History's thinning, which may
    end a few steps short of the state)."""

    state: LabState
    history: History

    def curve(self) -> tuple:
        """(step, train loss, test loss or None) entries to draw, the last at the run's own step."""
        step = self.state.counters.step
        if self.history.entries and self.history.entries[-1][0] == step:
            return self.history.entries
        # One pass over the data per answer: the thinned history may not have measured this step.
        scores = evaluate(self.state)
        return (*self.history.entries, (step, scores["train_loss"], scores["test_loss"]))


def _key(start: LabState, chosen: Change | None) -> tuple:
    h = hashlib.blake2b(digest_size=16)
    for arr in (*start.params.W[1:], *start.params.b[1:]):
        h.update(arr.tobytes())
    return (h.hexdigest(), start.spec, start.train, start.data, start.seed, chosen)


_RUNS = ByteCache(CACHE_BYTES)
_INDEX: dict = {}  # the cache key of a run → the steps cached for it (a few); bounded below
_MAX_INDEX = 256


class _Missing(Exception):
    pass


def _missing():
    raise _Missing


def _cached(key, step: int) -> Run | None:
    try:
        return _RUNS.get((key, step), _missing)
    except _Missing:
        return None


def _keep(key, run: Run) -> None:
    step = run.state.counters.step
    _RUNS.get((key, step), lambda: run)
    steps = _INDEX.pop(key, [])
    _INDEX[key] = sorted({*steps[-16:], step})
    while len(_INDEX) > _MAX_INDEX:
        _INDEX.pop(next(iter(_INDEX)))


def _record(run_state: LabState, history: History) -> History:
    step = run_state.counters.step
    if history.entries and step - history.entries[-1][0] < history.stride:
        return history
    scores = evaluate(run_state)
    return history.add(step, scores["train_loss"], scores["test_loss"])


def run_to(start: LabState, chosen: Change | None, step: int, deadline: float = math.inf) -> Run:
    """The run from `start` (with `chosen` applied; None: the start as it is) after `step` steps, or
    as far as it got by `deadline` (time.perf_counter) or where it stopped (diverged or stalled).

    The weights are exactly train_steps(start, step)'s: only how often the loss is measured differs."""
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= MAX_TWIN_STEPS:
        raise LabInputError(f"The twin follows the lab up to step {MAX_TWIN_STEPS:,}.")
    key = _key(start, chosen)
    run = _cached(key, step)
    if run is not None:
        return run
    below = [k for k in _INDEX.get(key, []) if k <= step]
    run = next((r for k in reversed(below) if (r := _cached(key, k)) is not None), None)
    if run is None:
        first = start if chosen is None else TWIN_SETTINGS[chosen.setting].apply(start, chosen.value)
        run = Run(first, _record(first, History()))
        _keep(key, run)
    state, history = run.state, run.history
    while state.counters.step < step and not state.diverged and time.perf_counter() < deadline:
        # To the next checkpoint or loss measurement, whichever comes first.
        stride = min(history.stride, CHECKPOINT_EVERY - state.counters.step % CHECKPOINT_EVERY)
        state = train_steps(state, min(stride, step - state.counters.step), record=False)
        history = _record(state, history)
        if state.counters.step % CHECKPOINT_EVERY == 0:
            _keep(key, Run(state, history))
    run = Run(state, history)
    _keep(key, run)
    return run


@dataclass(frozen=True)
class Pair:
    """The lab's run and the twin's, replayed from the same start to the same step.

    `same_as_lab`: the replayed lab has exactly the lab's weights (else the lab was changed along the
    way: a weight dragged, a setting changed mid-run, and the replay is what the twin is compared with).
    `behind`: the step the lab is at, when the runs have not reached it yet in this answer."""

    change: Change
    lab: Run
    twin: Run
    step: int
    same_as_lab: bool

    @property
    def caught_up(self) -> bool:
        return all(r.state.counters.step == self.step or r.state.diverged for r in (self.lab, self.twin))


def pair(lab: LabState, start: LabState, chosen: Change, seconds: float = SECONDS_PER_ANSWER) -> Pair:
    """Both runs to the lab's step (at most MAX_TWIN_STEPS), within `seconds` of training."""
    first = twin_start(lab, start)
    TWIN_SETTINGS[chosen.setting].apply(first, chosen.value)  # refuses a change this lab cannot take
    step = min(lab.counters.step, MAX_TWIN_STEPS)
    deadline = time.perf_counter() + seconds
    mine = run_to(first, None, step, deadline)
    # The twin gets the rest of the time, and at least a share of it: it should not lag forever.
    twin = run_to(first, chosen, step, max(deadline, time.perf_counter() + seconds / 4))
    same = mine.state.counters.step == lab.counters.step and all(
        np.array_equal(a, b) for a, b in zip((*mine.state.params.W[1:], *mine.state.params.b[1:]),
                                             (*lab.params.W[1:], *lab.params.b[1:]), strict=True))
    return Pair(chosen, mine, twin, step, same)


@dataclass(frozen=True)
class DeltaDifference:
    """δ_twin − δ_lab on the example on show, per layer 1 … L (index 0 None): arrays of shape (n_l,),
    or None for a layer whose blame the lab's phase has not revealed yet; and both δ."""

    difference: tuple
    lab: tuple
    twin: tuple


def delta_difference(lab: LabState, pair_: Pair) -> DeltaDifference:
    """The blame of each neuron in the twin minus the lab's, on the example the lab shows, as the graph
    shows it: on the weights before the last update in the update phase (the blame that update used),
    else on the weights as they stand, for the layers the backward pass has reached."""
    shown = lab.cursor.revealed()
    runs = []
    for run in (pair_.lab, pair_.twin):
        state = run.state.replace(example=lab.example)
        params = state.params
        if shown.updated and state.last_update is not None:
            params = state.last_update.params_before
        runs.append(example_passes(state, params).bwd.delta)
    L = lab.spec.n_layers
    known = range(1, L + 1) if shown.updated else range(shown.backward_from, L + 1)
    diff, mine, theirs = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
    for l in known:
        mine[l], theirs[l] = runs[0][l][0], runs[1][l][0]
        diff[l] = theirs[l] - mine[l]
    return DeltaDifference(tuple(diff), tuple(mine), tuple(theirs))


def params_equal(a: Params, b: Params) -> bool:
    """Bit for bit."""
    return all(np.array_equal(x, y) for x, y in zip((*a.W[1:], *a.b[1:]), (*b.W[1:], *b.b[1:]), strict=True))
