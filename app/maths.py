"""Callback of the maths tabs: the equations and the blame game for the selected weight, why
backprop runs in reverse, why not try every combination, the network's scores on the whole data,
and the classic worked example.

It follows the lab through `maths-due`, which the main callback sets with each new state except
while Play runs (the maths catch up on Pause), and only the visible tab is computed and sent.
"""

from dash import ClientsideFunction, Input, Output, State, dcc, html, no_update

import engine
from components import blame, costs, equations
from components.mathml import equations_html
from components.network_view import neuron_name
from components.rich_text import rich_text
from components.scores import scores_panel
from components.worked_example import worked_example_table
from engine import LabInputError

from . import actions
from .panel import Panel, asks_of, by_name, outputs_of


def _describe(ref, L) -> str:
    if ref.kind == "b":
        return f"the bias of {neuron_name(ref.layer, ref.row, L)}"
    return f"the weight from {neuron_name(ref.layer - 1, ref.col, L)} to {neuron_name(ref.layer, ref.row, L)}"


def _explaining(state, asked):
    """The parameter the tab explains (no such one here: the first weight), and the line naming it."""
    ref = actions.param_or_weight(state, asked["selected"])
    return ref, (f"Explaining {_describe(ref, state.spec.n_layers)} ({ref}). Click another edge "
                 "or neuron on the graph to explain it instead.")


def _equations(state, asked) -> dict:
    ref, line = _explaining(state, asked)
    return {"maths-selected": line,
            "equations-html": equations_html(equations.equations_markdown(state, ref))}


def _blame(state, asked) -> dict:
    ref, line = _explaining(state, asked)
    figure = blame.blame_figure(state, ref.layer, ref.row)
    figure["layout"]["height"] = blame.blame_figure_height(state, ref.layer, ref.row)  # ~30 px a bar
    return {"maths-selected": line, "blame-note": blame.blame_note(state, ref.layer, ref.row),
            "blame-chart": figure, "layer-blame-chart": blame.layer_blame_figure(state)}


def _reverse(state, asked) -> dict:
    return {"reverse-chart": costs.reverse_mode_figure(state.spec.sizes),
            "reverse-text": rich_text(costs.reverse_mode_text(state.spec.sizes))}


def _brute(state, asked) -> dict:
    k = asked["values_per_weight"]
    try:
        return {"brute-table": costs.brute_force_table(state.spec.sizes, k),
                "brute-text": rich_text(costs.brute_force_text(state.spec.sizes, k))}
    except LabInputError as e:
        return {"brute-text": str(e)}


def _graph(id_, size):
    return dcc.Graph(id=id_, config={"displayModeBar": False}, className=f"chart {size}")


MATHS = (
    Panel("equations", "Equations", lambda: [
        html.P("", id="maths-selected", className="card-hint"),
        # The equations come as HTML with MathML (components/mathml.py), which assets/clientside.js
        # puts in this box: React never draws its children.
        html.Div(id="equations", className="equations"),
        dcc.Store(id="equations-html"),
    ], outputs={"maths-selected": "children", "equations-html": "data"}, draw=_equations),
    Panel("blame", "Blame", lambda: [
        html.P("", id="blame-note", className="card-hint"),
        _graph("blame-chart", "sized"),
        _graph("layer-blame-chart", "short"),
    ], outputs={"maths-selected": "children", "blame-note": "children", "blame-chart": "figure",
                "layer-blame-chart": "figure"}, draw=_blame),
    Panel("reverse", "Why reverse", lambda: [
        _graph("reverse-chart", "sized"),
        html.Div(id="reverse-text", className="card-text"),
    ], outputs={"reverse-chart": "figure", "reverse-text": "children"}, draw=_reverse),
    Panel("brute", "Try them all", lambda: [
        html.Label(className="field inline-field", children=[
            html.Span("Values to try for each weight", className="field-label"),
            dcc.Input(id="brute-k", type="number", value=1000, min=2, max=1_000_000, step=1,
                      debounce=True, className="text-input narrow-input"),
        ]),
        html.Div(id="brute-table"),
        html.Div(id="brute-text", className="card-text"),
    ], asks={"values_per_weight": ("brute-k", "value")},
          outputs={"brute-table": "children", "brute-text": "children"}, draw=_brute),
    Panel("scores", "Scores", lambda: [html.Div(id="scores-box")], outputs={"scores-box": "children"},
          draw=lambda state, asked: {"scores-box": scores_panel(state, engine.evaluate(state))}),
    Panel("worked", "Worked example", lambda: [html.Div(id="worked-table")], outputs={"worked-table": "children"},
          draw=lambda state, asked: {"worked-table": worked_example_table()}),
)


def maths_panel(state, tab, selected, **asked) -> dict:
    """What the visible tab shows, by output id; the other tabs are left as they are. `asked`: the
    panels' own controls (Panel.asks), by name."""
    return by_name(MATHS)[tab].draw(state, {"selected": selected, **asked})


def register_maths_callbacks(app) -> None:
    panels, outputs = by_name(MATHS), outputs_of(MATHS)

    @app.callback(
        output={name: Output(name, prop) for name, prop in outputs.items()},
        inputs={"due": Input("maths-due", "data"), "tab": Input("maths-tabs", "value"),
                "selected": Input("selected-param", "data")}
               | {name: Input(id_, prop) for name, (id_, prop) in asks_of(MATHS).items()},
        state={"stored": State("lab-state", "data")},
        # The first maths-due comes with the page's first state: an initial call as well would
        # compute and typeset the same panel twice.
        prevent_initial_call=True,
    )
    def maths(due, tab, selected, stored, **asked):
        try:
            state = actions.load(stored)
        except LabInputError:
            return dict.fromkeys(outputs, no_update)
        shown = maths_panel(state, tab if isinstance(tab, str) and tab in panels else MATHS[0].name, selected,
                            **asked)
        return {name: shown.get(name, no_update) for name in outputs}

    # The equations' HTML goes into their box as it is; the same text twice is left alone.
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="showEquations"),  # assets/clientside.js
        Output("equations-html", "modified_timestamp"),
        Input("equations-html", "data"),
        prevent_initial_call=True,
    )
