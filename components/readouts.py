"""The words and numbers around the picture: phase, counters, loss and accuracy,
which example is on show. Each function takes engine values and returns Dash
components or text; none of them computes anything the engine does not."""

from dash import html

from .numbers import num


def counters_text(state) -> str:
    c = state.counters
    return f"Step {c.step} · Epoch {c.epoch}"


def numbers_panel(state, scores: dict, example_loss: float) -> list:
    """Big numbers a class can read: train loss, test loss, accuracy, this example's loss."""
    items = [("Train loss", num(scores["train_loss"])), ("Example loss", num(example_loss))]
    if scores["test_loss"] is not None:
        items.insert(1, ("Test loss", num(scores["test_loss"])))
    if scores["train_accuracy"] is not None:
        items.append(("Train accuracy", f"{100 * scores['train_accuracy']:.0f}%"))
    if scores["test_accuracy"] is not None:
        items.append(("Test accuracy", f"{100 * scores['test_accuracy']:.0f}%"))
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


def example_label(x_row, y_row, names) -> str:
    xs = ", ".join(f"{n} = {num(float(v), digits=2)}" for n, v in zip(names, x_row))
    ys = ", ".join(num(float(v), digits=2) for v in y_row)
    return f"{xs} → target {ys}"


def example_note(state, n_train: int, x_row, y_row, names) -> str:
    batch = min(state.train.batch_size, n_train)
    shown = f"The graph shows example {min(state.example, n_train - 1)} of {n_train} ({example_label(x_row, y_row, names)})."
    if n_train == 1:
        return shown + " It is the only training example, so every update uses it alone."
    return shown + f" Each update uses a batch of {batch} example{'s' if batch > 1 else ''}, averaging their gradients."
