"""Callback of the maths tabs: the equations and the blame game for the selected weight, why
backprop runs in reverse, why not try every combination, and the classic worked example.

It follows the lab through `maths-due`, which the main callback sets with each new state except
while Play runs (the maths catch up on Pause), and only the visible tab is computed and sent.
"""

from dash import Input, Output, State, dcc, no_update

from components import blame, costs, equations
from components.network_view import neuron_name
from components.rich_text import rich_text
from components.worked_example import worked_example_table
from engine import LabInputError

from . import actions
from .lessons import MATHS_PANELS

TABS = MATHS_PANELS  # the maths tabs, as the lessons and the tour name them (app/lessons.py)
OUTPUTS = (
    ("maths-selected", "children"),
    ("equations-box", "children"),
    ("blame-note", "children"),
    ("blame-chart", "figure"),
    ("layer-blame-chart", "figure"),
    ("reverse-chart", "figure"),
    ("reverse-text", "children"),
    ("brute-table", "children"),
    ("brute-text", "children"),
    ("worked-table", "children"),
)


def _describe(ref, L) -> str:
    if ref.kind == "b":
        return f"the bias of {neuron_name(ref.layer, ref.row, L)}"
    return f"the weight from {neuron_name(ref.layer - 1, ref.col, L)} to {neuron_name(ref.layer, ref.row, L)}"


def maths_panel(state, tab, selected, values_per_weight) -> dict:
    """What the visible tab shows, by output id; the other tabs are left as they are."""
    out = {}
    if tab in ("equations", "blame"):
        ref = actions.param_or_weight(state, selected)  # no such parameter here: the first weight
        out["maths-selected"] = (f"Explaining {_describe(ref, state.spec.n_layers)} ({ref}). Click another edge "
                                 "or neuron on the graph to explain it instead.")
        if tab == "equations":
            out["equations-box"] = dcc.Markdown(equations.equations_markdown(state, ref), id="equations",
                                                mathjax=True, className="equations")
        else:
            out["blame-note"] = blame.blame_note(state, ref.layer, ref.row)
            figure = blame.blame_figure(state, ref.layer, ref.row)
            figure["layout"]["height"] = blame.blame_figure_height(state, ref.layer, ref.row)  # ~30 px a bar
            out["blame-chart"] = figure
            out["layer-blame-chart"] = blame.layer_blame_figure(state)
    elif tab == "reverse":
        out["reverse-chart"] = costs.reverse_mode_figure(state.spec.sizes)
        out["reverse-text"] = rich_text(costs.reverse_mode_text(state.spec.sizes))
    elif tab == "brute":
        try:
            out["brute-table"] = costs.brute_force_table(state.spec.sizes, values_per_weight)
            out["brute-text"] = rich_text(costs.brute_force_text(state.spec.sizes, values_per_weight))
        except LabInputError as e:
            out["brute-text"] = str(e)
    elif tab == "worked":
        out["worked-table"] = worked_example_table()
    return out


def _markdown_text(box):
    """The text of the equations the page shows: its box holds one Markdown, as the browser sent it."""
    props = box.get("props") if isinstance(box, dict) else None
    return props.get("children") if isinstance(props, dict) else None


def register_maths_callbacks(app) -> None:
    @app.callback(
        output={name: Output(name, prop) for name, prop in OUTPUTS},
        inputs={"due": Input("maths-due", "data"), "tab": Input("maths-tabs", "value"),
                "selected": Input("selected-param", "data"), "values_per_weight": Input("brute-k", "value")},
        state={"stored": State("lab-state", "data"), "shown_box": State("equations-box", "children")},
        # The first maths-due comes with the page's first state: an initial call as well would
        # compute and typeset the same panel twice.
        prevent_initial_call=True,
    )
    def maths(due, tab, selected, values_per_weight, stored, shown_box):
        try:
            state = actions.load(stored)
        except LabInputError:
            return {name: no_update for name, _ in OUTPUTS}
        shown = maths_panel(state, tab if tab in TABS else "equations", selected, values_per_weight)
        if "equations-box" in shown and _markdown_text(shown_box) == shown["equations-box"].children:
            del shown["equations-box"]  # unchanged (e.g. a tab switch): no new typesetting
        return {name: shown.get(name, no_update) for name, _ in OUTPUTS}
