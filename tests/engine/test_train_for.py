"""train_for: as many full steps as fit in a time budget, the history recorded once."""

from dataclasses import replace

import numpy as np
import pytest

import engine
from engine.presets import circle, default_lesson


def test_each_step_is_the_step_full_step_takes():
    start = circle()
    fast = engine.train_for(start, 0.05)
    n = fast.counters.step
    assert n >= 1
    slow = engine.train_steps(start, n)
    assert fast.counters == slow.counters
    for a, b in zip(fast.params.W[1:] + fast.params.b[1:], slow.params.W[1:] + slow.params.b[1:]):
        assert np.array_equal(a, b)


def test_history_is_recorded_once_at_the_end():
    start = default_lesson()
    fast = engine.train_for(start, 0.02)
    steps = [e[0] for e in fast.history.entries]
    # Where training started, then where the tick ended.
    assert steps == [0, fast.counters.step]
    assert fast.history.entries[-1][1] == pytest.approx(engine.evaluate(fast)["train_loss"])


def test_at_least_one_step_and_at_most_max_steps():
    start = default_lesson()
    assert engine.train_for(start, 1e-9).counters.step == 1
    assert engine.train_for(start, 1.0, max_steps=3).counters.step == 3


def test_divergence_stops_it_with_finite_weights():
    # Linear neurons and a learning rate of 50: every step multiplies the error, so the weights explode.
    state = default_lesson()
    spec = engine.NetworkSpec((2, 2, 1), ("linear", "linear"), "squared_error", "explicit")
    state = engine.LabState(state.title, state.seed, spec, state.params, replace(state.train, learning_rate=50.0),
                            state.data)
    out = engine.train_for(state, 0.5)
    assert out.diverged and "learning rate 50" in out.diverged
    assert out.params.is_finite()
    assert engine.train_for(out, 0.01) is out


def test_bad_budgets_are_refused():
    with pytest.raises(engine.LabInputError):
        engine.train_for(default_lesson(), 0)
    with pytest.raises(engine.LabInputError):
        engine.train_for(default_lesson(), 0.1, max_steps=0)


def test_frames_are_the_labs_on_the_way_each_the_steps_full_step_takes():
    start = circle()
    *frames, last = engine.train_for_frames(start, 0.06, 6)
    steps = [s.counters.step for s in (*frames, last)]
    assert 1 <= len(frames) <= 5 and steps == sorted(set(steps))  # in order, each a different moment
    for state in (*frames, last):
        replayed = engine.train_steps(start, state.counters.step)
        assert state.counters == replayed.counters
        for a, b in zip(state.params.W[1:] + state.params.b[1:], replayed.params.W[1:] + replayed.params.b[1:]):
            assert np.array_equal(a, b)
    # Only the last records the loss history; the pictures on the way leave it as it was.
    assert [e[0] for e in last.history.entries] == [0, last.counters.step]
    assert all(f.history == start.history for f in frames)


def test_one_frame_is_train_for_and_junk_is_refused():
    start = default_lesson()
    (only,) = engine.train_for_frames(start, 1e-9, 1)
    assert only.counters.step == 1
    for junk in (0, 13, True, 2.0, "3", None):
        with pytest.raises(engine.LabInputError):
            engine.train_for_frames(start, 0.01, junk)
    stuck = start.replace(diverged="Training stopped.")
    assert engine.train_for_frames(stuck, 0.01, 4) == (stuck,)
