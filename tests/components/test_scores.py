"""The Scores tab and the regression numbers: the engine's scores, with sums a class can redo."""

import re

import engine
from app import actions
from app.first_screen import html_of
from components.numbers import num
from components.readouts import numbers_panel
from components.scores import scores_panel


def text(components) -> str:
    """What a person reads: the components' words, tags dropped, spaces made single."""
    return " ".join(re.sub(r"<[^>]+>", " ", html_of(components)).split())


def test_a_classification_tab_shows_each_sets_confusion_matrix_and_its_sum():
    state = actions.preset("circle")
    scores = engine.evaluate(state)
    words = text(scores_panel(state, scores))
    for name, title in (("train", "Training set"), ("test", "Test set")):
        m = scores[f"{name}_confusion"]
        (tn, fp), (fn, tp) = m.counts
        # The table reads row by row: class 0's two cells, then class 1's.
        assert f"{title} target ↓ · decision → class 0 class 1 class 0 {tn} {fp} class 1 {fn} {tp}" in words
        assert f"({tn} + {tp}) / {m.total} = {100 * m.accuracy:.1f}%" in words
    assert "class 1 above 0.5" in words and "at the start" in words


def test_a_regression_tab_shows_rmse_and_r_squared_with_their_sums():
    state = actions.preset("local_minimum")
    scores = engine.evaluate(state)
    words = text(scores_panel(state, scores))
    fit = scores["train_fit"]
    assert f"RMSE = √(mean of (ŷ − y)²) = {num(scores['train_rmse'])}" in words
    assert f"R² = 1 − SS_res / SS_tot = 1 − {num(fit.ss_res)} / {num(fit.ss_tot)} = {num(fit.r_squared)}" in words
    assert "Test set" not in words  # this lesson keeps no test set


def test_r_squared_without_spread_says_why_it_is_missing():
    state = actions.preset("worked_example")
    words = text(scores_panel(state, engine.evaluate(state)))
    assert "R² is undefined here: every target is the same" in words


def test_the_numbers_over_the_network_give_r_squared_for_regression_only():
    def labels(state):
        return [item.children[1].children for item in numbers_panel(state, engine.evaluate(state))]
    assert "Train R²" in labels(actions.preset("local_minimum"))
    assert "Train R²" not in labels(actions.preset("circle"))
    assert "Train accuracy" in labels(actions.preset("circle"))
