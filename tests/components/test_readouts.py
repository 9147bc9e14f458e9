"""The words and numbers around the picture: they show the engine's values, nothing computed anew."""

import pytest

import engine
from components.numbers import MINUS, num
from components.readouts import counters_text, example_label, example_note, numbers_panel, numbers_when


def panel(state):
    """numbers_panel as {label: value text}, and its line saying when, as {"when": text}."""
    scores = engine.evaluate(state)
    out = {"when": numbers_when(state, scores)}
    for item in numbers_panel(state, scores):
        value, label = item.children
        out[label.children] = value.children
    return out


def at_loss(state):
    while not state.cursor.revealed().loss:
        state = engine.advance(state)
    return state


def test_default_lesson_numbers():
    state = engine.PRESETS["default"].state()
    # One example, so the train loss is its loss: ½(1 − 0.593503)² = 0.082620. The example's loss
    # waits for the loss phase, as on the graph; the train loss says when it was measured.
    assert panel(state)["Train loss"] == "0.083" and panel(state)["Example loss"] == "?"
    assert panel(state)["when"] == "Train numbers: the weights at the start"
    assert panel(at_loss(state))["Example loss"] == "0.083"
    # One training example: an accuracy could only read 0% or 100%, so none is shown.
    assert not any("accuracy" in label for label in panel(state))
    assert not any(label.startswith("Test loss") for label in panel(state))  # the lesson has no test set


def test_circle_numbers_match_the_engines_evaluation():
    state = engine.train_steps(engine.PRESETS["circle"].state(), 2)
    scores = engine.evaluate(state)
    shown = panel(state)
    assert shown["when"] == "Train and test numbers: the weights after step 2"
    assert shown["Train loss"] == num(scores["train_loss"])
    assert shown["Test loss"] == num(scores["test_loss"])
    assert shown["Train accuracy"] == f"{100 * scores['train_accuracy']:.0f}%"
    assert shown["Test accuracy"] == f"{100 * scores['test_accuracy']:.0f}%"
    assert list(shown)[1:3] == ["Train loss", "Test loss"]


def test_batch_and_example_loss_before_and_after_only_at_the_update():
    state = engine.full_step(engine.PRESETS["default"].state())
    assert state.cursor.at_update
    # 0.082620 before, 0.066137 after (the update moved W2[0,0] from 0.70 to 0.76, and so on).
    assert panel(state)["Batch loss"] == "0.083 → 0.066"
    assert panel(state)["Example loss"] == "0.083 → 0.066"  # the batch is this one example
    assert panel(state)["Train loss"] == "0.066" and panel(state)["when"] == "Train numbers: the weights after step 1"
    after = engine.advance(state)
    assert panel(after)["Batch loss"] == "—"  # the same box in every phase, empty
    assert panel(after)["Example loss"] == "?"  # the next forward pass has not reached the loss


def test_counters_and_example_words():
    state = engine.train_steps(engine.PRESETS["default"].state(), 3)
    assert counters_text(state) == "Step 3 · Epoch 3"  # one example: every step is an epoch
    assert example_label([1.0, 0.5], [1.0], ("x₁", "x₂")) == "x₁ = 1.00, x₂ = 0.50 → target 1.00"
    assert example_label([-0.25], [0.0], ("x₁",)) == f"x₁ = {MINUS}0.25 → target 0.00"
    note = example_note(state, 1, [1.0, 0.5], [1.0], ("x₁", "x₂"))
    assert "example 0 of 1" in note and "only training example" in note
    circle = engine.PRESETS["circle"].state()
    note = example_note(circle, 100, [0.1, 0.2], [1.0], ("x₁", "x₂"))
    assert "batch of 10 examples" in note


@pytest.mark.parametrize("value, signed, text", [
    (0.0826, False, "0.083"),
    (-0.098070, True, f"{MINUS}0.098"),
    (0.009219, True, "+0.009"),
    (float("nan"), False, "—"),
    (float("inf"), True, "—"),
    (None, False, "—"),
])
def test_num(value, signed, text):
    assert num(value, signed) == text
