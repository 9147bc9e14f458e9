"""The twin-run panel's pictures, as plain Plotly dicts: both runs' loss in one chart, and per neuron
the difference of blame δ_twin − δ_lab on the example on show, one row per layer.

Plain data in (engine.twins' Pair and DeltaDifference), figures out; no callbacks here.
"""

import numpy as np

from . import palette
from .charts import axis, base_layout
from .network_view import neuron_name
from .numbers import num

LAB_COLOUR = palette.TRAIN
TWIN_COLOUR = palette.OUTPUT  # magenta: neither a sign nor blame, 3:1 on both themes' plots
# A log axis once the two runs' losses are this many times apart: a twin that overshoots to 50 would
# flatten a lab falling from 0.7 to 0.02 into the axis.
LOG_SPREAD = 50.0


def _steps_losses(run):
    entries = run.curve()
    return [e[0] for e in entries], [e[1] for e in entries]


def loss_figure(pair, lab_words: str, twin_words: str) -> dict:
    """Both runs' train loss over the steps, the lab solid, the twin dashed, each named with the value
    of the setting that differs; a twin that stopped ends in a cross."""
    traces = []
    for run, name, colour, dash in ((pair.lab, f"lab: {lab_words}", LAB_COLOUR, "solid"),
                                    (pair.twin, f"twin: {twin_words}", TWIN_COLOUR, "dash")):
        x, y = _steps_losses(run)
        traces.append({"type": "scatter", "mode": "lines" if len(x) > 20 else "lines+markers", "name": name,
                       "x": x, "y": y, "line": {"color": colour, "width": 3, "dash": dash},
                       "hovertemplate": f"{name}<br>step %{{x}}<br>loss %{{y:.4g}}<extra></extra>"})
        if run.state.diverged and x:
            traces.append({"type": "scatter", "mode": "markers", "name": f"{name} stopped", "x": [x[-1]],
                           "y": [y[-1]], "marker": {"symbol": "x", "size": 14, "color": colour},
                           "hoverinfo": "skip"})
    losses = [v for t in traces for v in t["y"] if v is not None]
    positive = [v for v in losses if v > 0]
    log = bool(positive) and len(positive) == len(losses) and max(positive) / min(positive) > LOG_SPREAD
    # On a log axis, ticks at the powers of ten alone (dtick 1 = one decade): Plotly's own labels its
    # minor ticks too, "5 2 10 5 2 1", which reads as a jumble.
    layout = base_layout(
        xaxis=axis("step", rangemode="tozero"),
        yaxis=axis("train loss" + (" (log scale)" if log else ""), **({"type": "log", "dtick": 1} if log else
                                                                       {"rangemode": "tozero"})),
        showlegend=True,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        margin={"l": 62, "r": 12, "t": 30, "b": 40},
        uirevision=twin_words,  # a person's zoom is kept while the runs grow, not across comparisons
    )
    return {"data": traces, "layout": layout}


def delta_figure(diff, sizes: tuple) -> dict:
    """δ_twin − δ_lab per neuron: a row per layer (the output at the top, as blame starts there), a
    cell per neuron, blue above 0 and orange below, each cell with its number; "?" in the rows the
    lab's backward pass has not reached yet."""
    L = len(sizes) - 1
    width = max(sizes[1:])
    rows = list(range(L, 0, -1))
    z, text, hover = [], [], []
    for l in rows:
        values = diff.difference[l]
        # Unrevealed blame is a blank (white, 0) cell marked "?"; a layer narrower than the widest has no cell.
        z.append([None if i >= sizes[l] else 0.0 if values is None else float(values[i]) for i in range(width)])
        text.append(["" if i >= sizes[l] else "?" if values is None else num(float(values[i]), signed=True)
                     for i in range(width)])
        hover.append(["" if i >= sizes[l] else
                      f"{neuron_name(l, i, L)}: δ twin − δ lab = "
                      + ("? (its blame is not revealed yet)" if values is None else
                         f"{num(float(diff.twin[l][i]))} − {num(float(diff.lab[l][i]))} = {num(float(values[i]))}")
                      for i in range(width)])
    known = [abs(float(diff.difference[l][i])) for l in rows if diff.difference[l] is not None for i in range(sizes[l])
             if np.isfinite(diff.difference[l][i])]
    top = max(known) if known and max(known) > 0 else 1.0
    trace = {
        "type": "heatmap", "z": z, "text": text, "texttemplate": "%{text}", "customdata": hover,
        "hovertemplate": "%{customdata}<extra></extra>", "zmin": -top, "zmax": top, "zmid": 0,
        "colorscale": [[0, palette.NEGATIVE], [0.5, "#ffffff"], [1, palette.POSITIVE]], "showscale": False,
        "xgap": 2, "ygap": 2, "x": list(range(width)), "y": [f"layer {l}" for l in rows],
        "textfont": {"size": 13},  # Plotly picks ink or white for each cell
    }
    layout = base_layout(
        xaxis={"visible": False, "fixedrange": True},
        yaxis={"automargin": True, "fixedrange": True, "autorange": "reversed", "tickfont": {"size": 12, "color": palette.INK}},
        margin={"l": 62, "r": 12, "t": 4, "b": 4},
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return {"data": [trace], "layout": layout}
