"""The charts beside the network that the page draws itself: the loss along one weight, with its ball,
and the loss over training.

Each is a box the page draws an SVG into (assets/line-chart.js) and a store that carries its figure,
written by the server in Plotly's format as the other charts are (components/charts.py). They need
no Plotly: the first screen then loads without it (0.37 MB of 0.73 MB), and a redraw while Play runs
costs the page well under a millisecond instead of a Plotly replot. A chart that needs more of Plotly
than lines, markers, a legend and annotations stays a dcc.Graph.

A new one is a name in CHARTS and a `box(name)` in the layout; callbacks write `figure_of(name)`.
"""

from dash import ClientsideFunction, Input, Output, State, dcc, html

CHARTS = ("slice-chart", "history")


def figure_of(name: str) -> str:
    """The id of the store that carries the chart's figure: the output a callback writes."""
    return f"{name}-figure"


# The box keeps the convention of a Plotly chart's element, as the Plotly charts it replaced did: the
# class Plotly gives it, and the figure drawn in its .data and .layout. Whatever finds a page's charts
# that way (the tests, a probe that looks for a curve with a ball in view) reads these the same.
PLOTLY_CLASS = "js-plotly-plot"


def box(name: str, class_name: str = "") -> list:
    """The chart's place on the page, and its figure's store. The box has no children for React to
    keep: the page draws into it."""
    if name not in CHARTS:
        raise ValueError(f"{name} is not one of the page's own charts {CHARTS}")
    classes = f"chart line-chart {PLOTLY_CLASS} {class_name}".strip()
    return [html.Div(className=classes, id=name), dcc.Store(id=figure_of(name))]


def register(app) -> None:
    """Each store's figure is drawn into its box, in the browser."""
    draw = ClientsideFunction(namespace="backpropLab", function_name="lineChart")  # assets/clientside.js
    for name in CHARTS:
        app.clientside_callback(draw, Output(name, "data-drawn"), Input(figure_of(name), "data"), State(name, "id"))
