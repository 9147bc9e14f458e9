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
