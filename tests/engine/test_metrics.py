"""The scores besides the loss (engine/metrics.py), on numbers a reader can check by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import engine
from app import actions
from engine import metrics


def test_a_confusion_matrix_counted_by_hand():
    # targets  0    0    0    1    1
    # outputs  0.2  0.7  0.5  0.9  0.1   -> decisions 0 1 0 1 0 (0.5 itself is not above the boundary)
    m = metrics.confusion(np.array([[0.2], [0.7], [0.5], [0.9], [0.1]]), np.array([[0], [0], [0], [1], [1]]))
    assert m.counts == ((2, 1), (1, 1))
    assert (m.total, m.correct, m.accuracy) == (5, 3, 0.6)


def test_a_tanh_output_is_read_at_one_half_too():
    # The targets are 0 and 1 whatever the output unit: a tanh output of 0.3 says class 0.
    # (Reading it at 0 whenever some output was negative called 0.3 class 1 here.)
    m = metrics.confusion(np.array([[-0.2], [0.3], [0.8]]), np.array([[0], [0], [1]]))
    assert m.counts == ((2, 0), (0, 1))


def test_several_output_units_each_count_once():
    m = metrics.confusion(np.array([[0.9, 0.2], [0.4, 0.6]]), np.array([[1, 0], [1, 1]]))
    assert m.counts == ((1, 0), (1, 2))


def test_rmse_and_r_squared_by_hand():
    y = np.array([[1.0], [2.0], [3.0]])
    out = np.array([[1.0], [2.0], [5.0]])
    assert metrics.rmse(out, y) == pytest.approx(np.sqrt(4 / 3))
    fit = metrics.fit(out, y)
    # SS_res = 0 + 0 + 4; SS_tot = 1 + 0 + 1 around ȳ = 2.
    assert (fit.ss_res, fit.ss_tot) == (4.0, 2.0)
    assert fit.r_squared == -1.0
    assert metrics.fit(y, y).r_squared == 1.0
    assert metrics.fit(np.full_like(y, 2.0), y).r_squared == 0.0


def test_r_squared_is_undefined_without_spread():
    assert metrics.fit(np.array([[0.4]]), np.array([[1.0]])).r_squared is None


finite = st.floats(-10, 10, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(arrays(float, (12, 2), elements=st.floats(0, 1)), arrays(np.int64, (12, 2), elements=st.integers(0, 1)))
def test_the_confusion_counts_every_decision_once_and_accuracy_is_its_diagonal(out, y):
    m = metrics.confusion(out, y)
    assert m.total == y.size
    assert sum(m.counts[1]) == int(y.sum())  # the row of class 1 holds every target 1
    assert m.accuracy == pytest.approx(np.mean((out > 0.5) == (y == 1)))


@settings(max_examples=60, deadline=None)
@given(arrays(float, (9, 1), elements=finite), arrays(float, (9, 1), elements=finite))
def test_rmse_and_r_squared_agree_with_their_definitions(out, y):
    assert metrics.rmse(out, y) == pytest.approx(np.sqrt(np.mean((out - y) ** 2)))
    fit = metrics.fit(out, y)
    assert fit.ss_res == pytest.approx(metrics.rmse(out, y) ** 2 * y.size)
    if fit.ss_tot > 1e-9:
        assert fit.r_squared == pytest.approx(1 - np.sum((out - y) ** 2) / np.sum((y - y.mean()) ** 2))


@pytest.mark.parametrize("lesson", sorted(engine.PRESETS))
def test_every_lesson_is_scored_from_its_own_outputs(lesson):
    state = actions.preset(lesson)
    scores = engine.evaluate(state)
    data = engine.dataset(state.data)
    output = engine.forward(state.spec, state.params, data.x_train).output
    if data.kind == "classification":
        assert scores["train_confusion"] == metrics.confusion(output, data.y_train, data.classes)
        assert scores["train_accuracy"] == scores["train_confusion"].accuracy
        assert scores["train_rmse"] is None and scores["train_fit"] is None
    else:
        assert scores["train_rmse"] == pytest.approx(metrics.rmse(output, data.y_train))
        assert scores["train_confusion"] is None and scores["train_accuracy"] is None
    if data.x_test.shape[0] == 0:
        assert all(scores[f"test_{k}"] is None for k in ("loss", "accuracy", "confusion", "rmse", "fit"))
