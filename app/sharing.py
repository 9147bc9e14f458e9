"""Sharing and keeping a lab: the Copy link button, downloads (the lab, the network, a NumPy
script), time travel and the page's display (presentation mode, theme).

Only the link and the downloads need the server. Moving through time, copying to the
clipboard and switching the display happen in the page (assets/timeline.js, display.js).
Loading a file, a CSV or a link changes the lab, so that goes through `act` (arrivals.py).
"""

import logging

from dash import ClientsideFunction, Input, Output, State, ctx, no_update

from engine import LabInputError
from engine.export import network_json, numpy_snippet

from . import actions, links, twin_panel

log = logging.getLogger(__name__)


def download(kind, stored) -> dict:
    """The file for a download button: kind is "save-lab", "export-json" or "export-numpy"."""
    state = actions.load(stored)
    name = f"backprop-lab-step-{state.counters.step}"
    if kind == "save-lab":
        return {"content": state.to_json(), "filename": f"{name}.json", "type": "application/json"}
    if kind == "export-json":
        return {"content": network_json(state), "filename": f"{name}-network.json", "type": "application/json"}
    if kind == "export-numpy":
        return {"content": numpy_snippet(state), "filename": f"{name}-network.py", "type": "text/x-python"}
    raise LabInputError("Unknown download.")


def register_sharing_callbacks(app) -> None:

    @app.callback(
        Output("share-query", "data"),
        Input("copy-link", "n_clicks"),
        State("lab-state", "data"),
        State("start-state", "data"),
        State("preset", "value"),
        State("panel-tabs", "value"),
        State("twin-setting", "value"),
        State("twin-value", "value"),
        prevent_initial_call=True,
    )
    def share(_clicks, stored, stored_start, shown_lesson, tab=None, twin_setting=None, twin_value=None):
        try:
            state = actions.load(stored)
            start = actions.load(stored_start) if stored_start is not None else state
            query, notice = links.link_query(state, start, shown_lesson)
        except LabInputError as e:
            return {"query": None, "notice": str(e)}
        except Exception:  # never a traceback on the page
            log.exception("the link could not be made")
            return {"query": None, "notice": "The link could not be made. Try again, or press Reset."}
        return {"query": query + twin_panel.link_part(tab, twin_setting, twin_value), "notice": notice}

    @app.callback(
        Output("download", "data"),
        Output("share-note", "children", allow_duplicate=True),
        Input("save-lab", "n_clicks"),
        Input("export-json", "n_clicks"),
        Input("export-numpy", "n_clicks"),
        State("lab-state", "data"),
        prevent_initial_call=True,
    )
    def files(_save, _json, _numpy, stored):
        try:
            return download(ctx.triggered_id, stored), ""
        except LabInputError as e:
            return no_update, str(e)
        except Exception:  # never a traceback on the page
            log.exception("download %r failed", ctx.triggered_id)
            return no_update, "That download did not work. Try again, or press Reset."

    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="copyLink"),
        Output("share-link", "value"),
        Output("share-note", "children"),
        Input("share-query", "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="record"),
        Output("travel-status", "children"),
        Output("travel-back", "disabled"),
        Output("travel-forward", "disabled"),
        Input("lab-state", "data"),
        State("start-state", "data"),
        State("timeline-limits", "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="move"),
        Output("travel", "data"),
        Input("travel-back", "n_clicks"),
        Input("travel-forward", "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="choose"),
        Output("display", "data"),
        Input("present-toggle", "n_clicks"),
        Input("theme-toggle", "n_clicks"),
        Input("settings-toggle", "n_clicks"),
        Input("url", "search"),
        State("display", "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="dataOptions"),
        Output("data-options", "value"),
        Input("url", "search"),
        State("data-options", "value"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="networkOptions"),
        Output("network-options", "value"),
        Input("url", "search"),
        State("network-options", "value"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="show"),
        Output("page", "className"),
        Output("present-toggle", "aria-pressed"),
        Output("theme-toggle", "children"),
        Output("settings-toggle", "aria-pressed"),
        Input("display", "data"),
    )
