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
         "y": train, "hovertemplate": "step %{x}: train loss %{y:.4f}<extra></extra>",
         "line": {"color": palette.TRAIN, "width": 3}},
    ]
    if any(t is not None for t in test):
        traces.append({"type": "scatter", "mode": "lines" if len(steps) > 20 else "lines+markers", "name": "test",
                       "x": steps, "y": test, "hovertemplate": "step %{x}: test loss %{y:.4f}<extra></extra>",
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
                show_test: bool = True, classes: tuple = ()) -> dict:
    """The data as a person sees it: 2-D points by class, or 1-D y against x.

    The example on show gets a large ring; each training point carries its index
    so a click can choose it. `curve` (xs, ys) draws the network's fit for 1-D data.
    `show_test`: the test points too (hollow rings).
    `classes`: the names of several classes (one-hot targets, a column per class); each point then
    has its class's colour and mark, its hover and a legend name the class, and 1-D data is drawn
    as class against x.

    Every mark has a dark part and a colour or light part, so it stands out on the light plot,
    the dark theme's plot and the decision surface alike: points have an ink rim, a test point's
    ring and the ring on show are drawn over a wider ring (a casing) of the other kind.
    """
    example = min(example, len(raw_train) - 1)
    one_d = raw_train.shape[1] == 1
    several = bool(classes) and kind == "classification"
    if several:
        label_tr, label_te = class_of(y_train), class_of(y_test)
        colour_tr, colour_te = class_colours(y_train, classes), class_colours(y_test, classes)
        ys_tr, ys_te = ((np.array(label_tr, dtype=float), np.array(label_te, dtype=float)) if one_d
                        else (raw_train[:, 1], raw_test[:, 1]))
    elif one_d:
        ys_tr, ys_te = y_train[:, 0], y_test[:, 0]
        colour_tr, colour_te = palette.TRAIN, palette.TEST
    else:
        ys_tr, ys_te = raw_train[:, 1], raw_test[:, 1]
        colour_tr = class_colours(y_train) if kind == "classification" else palette.TRAIN
        colour_te = class_colours(y_test) if kind == "classification" else palette.TEST
    xs_tr, xs_te = raw_train[:, 0], raw_test[:, 0]
    train = {"type": "scatter", "mode": "markers", "name": "train", "x": xs_tr.tolist(), "y": ys_tr.tolist(),
             "customdata": list(range(len(xs_tr))), "hovertemplate": "example %{customdata}<extra>train</extra>",
             "marker": {"color": colour_tr, "size": 9, "line": {"color": palette.INK, "width": 1}}}
    traces = [train]
    if several:
        # A little larger than two classes' dots: a square, diamond or triangle of 9 px is hard to
        # tell from a circle at the back of a room.
        train["marker"].update(symbol=class_symbols(label_tr), size=11)
        train["text"] = [f"class {classes[k]}" for k in label_tr]
        train["hovertemplate"] = "example %{customdata}, %{text}<extra>train</extra>"
    if len(xs_te) and show_test:
        symbols = class_symbols(label_te) if several else None
        traces += _ringed("test", xs_te.tolist(), ys_te.tolist(), 10 if several else 8, colour_te, 2, palette.INK,
                          symbols)
        if several:
            traces[-1]["text"] = [f"class {classes[k]}" for k in label_te]
            traces[-1]["hovertemplate"] = "%{text}<extra>test</extra>"
            traces[-1].pop("hoverinfo")
    if curve is not None:
        traces.append({"type": "scatter", "mode": "lines", "name": "network", "x": list(curve[0]),
                       "y": list(curve[1]), "hoverinfo": "skip", "line": {"color": palette.OUTPUT, "width": 3}})
    if several:
        traces += _class_legend(classes)
    traces += _ringed("on show", [float(xs_tr[example])], [float(ys_tr[example])], 24, palette.INK, 3, "#ffffff")
    xlabel, ylabel = ("x₁", "class" if several else "target") if one_d else ("x₁", "x₂")
    yaxis = axis(ylabel)
    if several and one_d:
        yaxis.update(tickvals=list(range(len(classes))), ticktext=list(classes))
    layout = base_layout(xaxis=axis(xlabel), yaxis=yaxis, clickmode="event", hovermode="closest")
    if several:
        for trace in traces:
            trace.setdefault("showlegend", False)  # only the keys
        # Right of the plot, at its top: the chart is wider than tall and its plot square-ish, so the
        # width has room to spare. A click on a key would only hide the key, not its class.
        layout.update(showlegend=True, legend={"x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top",
                                               "itemclick": False, "itemdoubleclick": False})
    return {"data": traces, "layout": layout}


def _class_legend(classes) -> list:
    """One key per class, its colour and mark: traces with no point of their own, so the points stay
    in one trace (a click's customdata is the example) and the legend still names every class."""
    return [{"type": "scatter", "mode": "markers", "name": f"class {name}", "x": [None], "y": [None],
             "showlegend": True, "hoverinfo": "skip",
             "marker": {"color": palette.CLASS_COLOURS[k], "symbol": palette.CLASS_SYMBOLS[k], "size": 12,
                        "line": {"color": palette.INK, "width": 1}}}
            for k, name in enumerate(classes)]


def _ringed(name: str, xs: list, ys: list, size: int, colour, width: float, casing: str, symbols=None) -> list:
    """Hollow rings in `colour` over a ring 2.5 px wider in `casing`: two traces, the ring itself last.
    `symbols`: each ring's mark (a class's), instead of a circle."""
    def ring(line_colour, line_width, trace_name):
        marker = {"color": "rgba(0,0,0,0)", "size": size, "line": {"color": line_colour, "width": line_width}}
        if symbols is not None:
            marker["symbol"] = symbols
        return {"type": "scatter", "mode": "markers", "name": trace_name, "x": xs, "y": ys, "hoverinfo": "skip",
                "marker": marker}

    return [ring(casing, width + 2.5, f"{name} (casing)"), ring(colour, width, name)]


def class_of(y) -> list:
    """Each example's class index, from one-hot targets (a column per class)."""
    return np.argmax(np.asarray(y), axis=1).tolist()


def class_colours(y, classes: tuple = ()) -> list:
    """Each point's colour: for 0/1 targets the sign colours (1 blue, 0 orange); for several
    `classes` (one-hot targets) its class's colour."""
    if classes:
        return [palette.CLASS_COLOURS[k] for k in class_of(y)]
    return [palette.POSITIVE if v > 0.5 else palette.NEGATIVE for v in np.asarray(y)[:, 0]]


def class_symbols(labels) -> list:
    return [palette.CLASS_SYMBOLS[k] for k in labels]
