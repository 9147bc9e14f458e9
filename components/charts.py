"""Plotly figures as plain dicts: the loss history and the data with the example on show.

Plain dicts, not go.Figure objects: building and validating those costs tens of
milliseconds per callback; a dict costs well under one. Many points go in one
trace, never one trace per point.
"""

import numpy as np

from . import palette

_FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 14, "color": palette.INK}


def base_layout(**extra) -> dict:
    base = {
        "margin": {"l": 62, "r": 12, "t": 8, "b": 40},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#ffffff",
        "font": _FONT,
        # Ink labels, as the network's tooltip: Plotly would colour each like its trace, and the dark
        # theme forces every text in a figure to its own ink, which vanishes on a pale trace colour.
        "hoverlabel": {"bgcolor": palette.INK, "bordercolor": "#ffffff", "font": {"color": "#ffffff"}},
        "showlegend": False,
        "uirevision": "keep",  # keep a person's zoom across redraws
    }
    base.update(extra)
    return base


def axis(title: str, **extra) -> dict:
    return {"title": {"text": title, "standoff": 8}, "automargin": True, "gridcolor": palette.GRID, "zeroline": False, **extra}


def history_figure(entries) -> dict:
    """Train and test loss after each update; entries are (step, train, test or None)."""
    steps = [e[0] for e in entries]
    train = [e[1] for e in entries]
    test = [e[2] for e in entries]
    traces = [
        {"type": "scatter", "mode": "lines" if len(steps) > 20 else "lines+markers", "name": "train", "x": steps,
         "y": train,
         "line": {"color": palette.TRAIN, "width": 3}},
    ]
    if any(t is not None for t in test):
        traces.append({"type": "scatter", "mode": "lines" if len(steps) > 20 else "lines+markers", "name": "test",
                       "x": steps, "y": test,
                       "line": {"color": palette.TEST, "width": 3, "dash": "dot"}})
    layout = base_layout(
        xaxis=axis("step", rangemode="tozero"),
        yaxis=axis("loss", rangemode="tozero"),
        showlegend=len(traces) > 1,
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
    )
    if not entries:
        layout["annotations"] = [{"text": "Train to see the loss fall", "showarrow": False, "x": 0.5, "y": 0.5,
                                  "xref": "paper", "yref": "paper", "font": {"color": palette.MUTED, "size": 15}}]
        layout["xaxis"]["visible"] = layout["yaxis"]["visible"] = False
    return {"data": traces, "layout": layout}


def data_figure(raw_train, y_train, raw_test, y_test, kind: str, example: int, curve=None,
                show_test: bool = True) -> dict:
    """The data as a person sees it: 2-D points by class, or 1-D y against x.

    The example on show gets a large ring; each training point carries its index
    so a click can choose it. `curve` (xs, ys) draws the network's fit for 1-D data.
    `show_test`: the test points too (hollow rings).

    Every mark has a dark part and a colour or light part, so it stands out on the light plot,
    the dark theme's plot and the decision surface alike: points have an ink rim, a test point's
    ring and the ring on show are drawn over a wider ring (a casing) of the other kind.
    """
    example = min(example, len(raw_train) - 1)
    one_d = raw_train.shape[1] == 1
    if one_d:
        xs_tr, ys_tr = raw_train[:, 0], y_train[:, 0]
        xs_te, ys_te = raw_test[:, 0], y_test[:, 0]
        colour_tr, colour_te = palette.TRAIN, palette.TEST
    else:
        xs_tr, ys_tr = raw_train[:, 0], raw_train[:, 1]
        xs_te, ys_te = raw_test[:, 0], raw_test[:, 1]
        colour_tr = class_colours(y_train) if kind == "classification" else palette.TRAIN
        colour_te = class_colours(y_test) if kind == "classification" else palette.TEST
    traces = [
        {"type": "scatter", "mode": "markers", "name": "train", "x": xs_tr.tolist(), "y": ys_tr.tolist(),
         "customdata": list(range(len(xs_tr))), "hovertemplate": "example %{customdata}<extra>train</extra>",
         "marker": {"color": colour_tr, "size": 9, "line": {"color": palette.INK, "width": 1}}},
    ]
    if len(xs_te) and show_test:
        traces += _ringed("test", xs_te.tolist(), ys_te.tolist(), 8, colour_te, 2, palette.INK)
    if curve is not None:
        traces.append({"type": "scatter", "mode": "lines", "name": "network", "x": list(curve[0]),
                       "y": list(curve[1]), "hoverinfo": "skip", "line": {"color": palette.OUTPUT, "width": 3}})
    traces += _ringed("on show", [float(xs_tr[example])], [float(ys_tr[example])], 24, palette.INK, 3, "#ffffff")
    xlabel, ylabel = ("x₁", "target") if one_d else ("x₁", "x₂")
    return {"data": traces, "layout": base_layout(xaxis=axis(xlabel), yaxis=axis(ylabel), clickmode="event",
                                               hovermode="closest")}


def _ringed(name: str, xs: list, ys: list, size: int, colour, width: float, casing: str) -> list:
    """Hollow rings in `colour` over a ring 2.5 px wider in `casing`: two traces, the ring itself last."""
    def ring(line_colour, line_width, trace_name):
        return {"type": "scatter", "mode": "markers", "name": trace_name, "x": xs, "y": ys, "hoverinfo": "skip",
                "marker": {"color": "rgba(0,0,0,0)", "size": size, "line": {"color": line_colour, "width": line_width}}}

    return [ring(casing, width + 2.5, f"{name} (casing)"), ring(colour, width, name)]


def class_colours(y) -> list:
    return [palette.POSITIVE if v > 0.5 else palette.NEGATIVE for v in np.asarray(y)[:, 0]]
