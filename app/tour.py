"""Callbacks of the guided tour (the steps themselves are in app/lessons.py).

The "tour" store holds the step on show (None outside the tour). Moving through
the tour changes that store only; from it, the main callback (`act`) sets the
lab up and `show` fills the tour card, selects the step's weight and opens its
panel. Bad values from the browser end the tour quietly: the lab is untouched.
"""

from dash import ClientsideFunction, Input, Output, State, ctx, html, no_update

from components.rich_text import rich_text
from engine import LabInputError

from .lessons import LANDSCAPE_PANELS, MATHS_PANELS, TOUR, step_index


def next_step(trigger, current) -> int | None:
    """The step after a click on Start, Back, Next or Exit; None leaves the tour."""
    try:
        index = step_index(current)
    except LabInputError:
        index = None
    if trigger == "tour-start":
        return 0
    if trigger == "tour-exit" or index is None:
        return None
    if trigger == "tour-next":
        return index + 1 if index + 1 < len(TOUR) else None  # Next on the last step finishes the tour
    if trigger == "tour-back":
        return max(index - 1, 0)
    return index


def progress(index: int) -> list:
    """ "Step 3 of 11" and one dot per step, the steps done filled in."""
    dots = [html.Span(className="tour-dot done" if i <= index else "tour-dot") for i in range(len(TOUR))]
    return [html.Span(f"Step {index + 1} of {len(TOUR)}", className="tour-count"),
            html.Span(dots, className="tour-dots", **{"aria-hidden": "true"})]


def register_tour_callbacks(app) -> None:
    @app.callback(
        Output("tour", "data"),
        Input("tour-start", "n_clicks"),
        Input("tour-back", "n_clicks"),
        Input("tour-next", "n_clicks"),
        Input("tour-exit", "n_clicks"),
        State("tour", "data"),
        prevent_initial_call=True,
    )
    def navigate(_start, _back, _next, _exit, current):
        new = next_step(ctx.triggered_id, current)
        return no_update if new == current else new

    @app.callback(
        output={
            "hidden": Output("tour-card", "hidden"),
            "title": Output("tour-title", "children"),
            "text": Output("tour-text", "children"),
            "progress": Output("tour-progress", "children"),
            "first": Output("tour-back", "disabled"),
            "next": Output("tour-next", "children"),
            "landscape": Output("panel-tabs", "value"),
            "maths": Output("maths-tabs", "value"),
            "param": Output("selected-param", "data", allow_duplicate=True),
            "focus": Output("tour-focus", "data"),
        },
        inputs={"current": Input("tour", "data")},
        prevent_initial_call=True,
    )
    def show(current):
        try:
            index = step_index(current)
        except LabInputError:
            index = None
        if index is None:
            return {"hidden": True, **dict.fromkeys(
                ("title", "text", "progress", "first", "next", "landscape", "maths", "param", "focus"), no_update)}
        step = TOUR[index]
        return {
            "hidden": False,
            "title": step.title,
            "text": rich_text(step.text),
            "progress": progress(index),
            "first": index == 0,
            "next": "Finish" if index == len(TOUR) - 1 else "Next",
            "landscape": step.panel if step.panel in LANDSCAPE_PANELS else no_update,
            "maths": step.panel if step.panel in MATHS_PANELS else no_update,
            "param": step.param,
            "focus": {"card": "landscape-card" if step.panel in LANDSCAPE_PANELS else "maths-card", "step": index},
        }

    # The panel a step points at comes first in the side column while the tour runs (style.css), in
    # view without a scroll; the column goes back to its top for it.
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="tourFocus"),  # assets/clientside.js
        Output("tour-focus", "modified_timestamp"),
        Input("tour-focus", "data"),
        prevent_initial_call=True,
    )
