"""The words and numbers around the picture: phase, counters, loss and accuracy,
which example is on show. Each function takes engine values and returns Dash
components or text; none of them computes anything the engine does not."""

from dash import html

from engine import dataset, example_passes

from .numbers import SUBSCRIPTS, num


def counters_text(state) -> str:
    c = state.counters
    return f"Step {c.step} · Epoch {c.epoch}"


def as_of(state) -> str:
    """When the whole-data numbers were measured: with the weights as they stand, which are
    those the last completed step left (the step on show reveals its own numbers as it goes)."""
    step = state.counters.step
    return f"after step {step}" if step else "at the start"


def numbers_panel(state, scores: dict) -> list:
    """Big numbers a class can read, under one rule with the graph.

    `scores` is engine.evaluate(state). The example's loss is the graph's: "?" until the loss phase
    reveals it, and before → after in the update phase. The train and test loss and accuracy are of the whole data set with the weights
    as they stand: no phase reveals them, so each says when it was measured (`as_of`).
    Accuracy is left out with a single training example, where it can only read 0% or 100%.
    """
    shown = state.cursor.revealed()
    now = example_passes(state).bwd.loss
    if shown.updated and state.last_update is not None:
        example = f"{num(example_passes(state, state.last_update.params_before).bwd.loss)} → {num(now)}"
    else:
        example = num(now) if shown.loss else "?"
    items = [("Train loss", num(scores["train_loss"])), ("Example loss", example)]
    if scores["test_loss"] is not None:
        items.insert(1, ("Test loss", num(scores["test_loss"])))
    several = dataset(state.data).x_train.shape[0] > 1
    if scores["train_accuracy"] is not None and several:
        items.append(("Train accuracy", f"{100 * scores['train_accuracy']:.0f}%"))
    if scores["test_accuracy"] is not None and several:
        items.append(("Test accuracy", f"{100 * scores['test_accuracy']:.0f}%"))
    # Regression: R², which reads the same whatever the targets' units (the Scores tab has RMSE).
    for name, label in (("train", "Train R²"), ("test", "Test R²")):
        fit = scores[f"{name}_fit"]
        if fit is not None and fit.r_squared is not None:
            items.append((label, num(fit.r_squared, digits=2)))
    # The batch's loss before and after an update, while the update is on show ("—" otherwise): always
    # there, so that the numbers take the same room in every phase.
    last = state.last_update
    at_update = last is not None and state.cursor.at_update
    items.append(("Batch loss", f"{num(last.cost_before)} → {num(last.cost_after)}" if at_update else "—"))
    return [
        html.Div(className="number", children=[html.Div(value, className="number-value"),
                                               html.Div(label, className="number-label")])
        for label, value in items
    ]


def numbers_when(state, scores: dict) -> str:
    """The line under the counters that says when the whole-data numbers were measured (a line
    of its own, not longer labels: at 1024×768 the boxes must stay small beside the network)."""
    words = "Train and test" if scores["test_loss"] is not None else "Train"
    return f"{words} numbers: the weights {as_of(state)}"


def example_label(x_row, y_row, names) -> str:
    """"x₁ = 0.50, x₂ = −0.10, x₃ = x₁² = 0.25 → target 1.00": an extra input by its place on the graph
    and by what it computes."""
    places = [f"x{i}".translate(SUBSCRIPTS) for i in range(1, len(names) + 1)]
    xs = ", ".join(f"{p} = {n} = {num(float(v), digits=2)}" if n != p else f"{p} = {num(float(v), digits=2)}"
                   for p, n, v in zip(places, names, x_row))
    ys = ", ".join(num(float(v), digits=2) for v in y_row)
    return f"{xs} → target {ys}"


def example_note(state, n_train: int, x_row, y_row, names) -> str:
    batch = min(state.train.batch_size, n_train)
    shown = f"The graph shows example {min(state.example, n_train - 1)} of {n_train} ({example_label(x_row, y_row, names)})."
    if n_train == 1:
        return shown + " It is the only training example, so every update uses it alone."
    return shown + f" Each update uses a batch of {batch} example{'s' if batch > 1 else ''}, averaging their gradients."
