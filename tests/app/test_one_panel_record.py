"""A panel is one record (app/panel.py): a new maths panel and a new landscape panel, written as
records and nothing else, get their tabs on the page, their outputs and controls in their card's
one callback, and are drawn when shown."""

import pytest
from dash import html

import app as lab_app
from app import maths, panels
from app.layout import build_layout
from app.panel import Panel

# The output's z of every neuron in a sentence: a small panel someone might add.
SUMS = Panel(
    "sums", "Sums",
    lambda: [html.Div(id="sums-text", className="card-text"), html.Button("Round", id="sums-round", n_clicks=0)],
    asks={"rounding": ("sums-round", "n_clicks")},
    outputs={"sums-text": "children"},
    draw=lambda state, asked: {"sums-text": f"{len(state.spec.sizes)} layers, rounding {asked['rounding']}"},
)
# A landscape panel redrawn when its key (the selected weight) changes.
LOSS_NOW = Panel(
    "loss-now", "Loss now",
    lambda: [html.P("", id="loss-now-text", className="card-hint")],
    outputs={"loss-now-text": "children"},
    draw=lambda state, asked: {"loss-now-text": f"step {state.counters.step}"},
    keys=lambda state, asked: {"hover": asked["hover"]},
    note="loss-now-text",
)


@pytest.fixture
def added(monkeypatch):
    monkeypatch.setattr(maths, "MATHS", maths.MATHS + (SUMS,))
    monkeypatch.setattr(panels, "LANDSCAPES", panels.LANDSCAPES + (LOSS_NOW,))


def _tabs(node, found):
    if isinstance(node, (list, tuple)):
        for child in node:
            _tabs(child, found)
    elif hasattr(node, "to_plotly_json"):
        if type(node).__name__ == "Tab":
            found[node.value] = node.label
        _tabs(getattr(node, "children", None), found)
    return found


def test_the_page_shows_their_tabs(added):
    tabs = _tabs(build_layout(), {})
    assert tabs["sums"] == "Sums" and tabs["loss-now"] == "Loss now"
    assert tabs["equations"] == "Equations" and tabs["slice"] == "One weight"  # the others are still there


def test_their_cards_callbacks_fill_their_outputs_and_read_their_controls(added):
    app = lab_app.create_app()
    outputs = "\n".join(app.callback_map)
    assert "sums-text.children" in outputs and "loss-now-text.children" in outputs
    inputs = {i["id"] for cb in app.callback_map.values() for i in cb["inputs"]}
    assert "sums-round" in inputs


def test_they_are_drawn_when_shown(added):
    state = lab_app.actions.preset("circle")
    assert maths.maths_panel(state, "sums", "W1[0,0]", values_per_weight=1000, rounding=2) == {
        "sums-text": "4 layers, rounding 2"}
