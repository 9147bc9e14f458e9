"""Figures for the landscape panels, as plain dicts: the ball on a toy curve, the
network's loss along one weight, the loss over two weights, and the decision surface.

Trace order is fixed and documented per figure, because the app patches single
traces (the ball moves without resending the curve).
"""

import dataclasses

import numpy as np

from engine import metrics

from . import palette
from .charts import axis, base_layout, data_figure
from .numbers import MINUS, num, round_sig

# Toy-curve figure traces, in this order (PICK: an invisible line along the curve that takes the clicks):
CURVE, TRAIL, BALL, TANGENT, PICK = 0, 1, 2, 3, 4
CURVE_POINTS = 241  # on a chart a few hundred pixels wide, a click lands within about 2 px of a point
# Room under the curve's lowest point for half the ball (which is drawn unclipped), and over its
# highest for the ball and the arrow's words: an axis running far below the minimum reads as
# losses the curve never reaches.
BELOW, ABOVE = 0.04, 0.12
# How far, in pixels, the arrow to a ball that left the picture reaches back into it.
ARROW_PX = 48


def _tangent(x: float, y: float, slope: float, half_width: float) -> tuple[list, list]:
    """A short segment of the tangent line at (x, y)."""
    xs = [x - half_width, x + half_width]
    return xs, [y - slope * half_width, y + slope * half_width]


def curve_points(curve) -> tuple[np.ndarray, np.ndarray]:
    """The x and L(x) the curve is drawn through."""
    xs = np.linspace(curve.x_min, curve.x_max, CURVE_POINTS)
    return xs, np.asarray(curve.loss(xs), dtype=float)


def frame(curve) -> tuple[float, float, float, float]:
    """(x_lo, x_hi, y_lo, y_hi) of the picture: the curve's own stretch, wherever the ball goes."""
    _, ys = curve_points(curve)
    lo, hi = float(ys.min()), float(ys.max())
    span = hi - lo or 1.0
    return curve.x_min, curve.x_max, lo - BELOW * span, hi + ABOVE * span


def on_frame(x: float, y: float, box) -> tuple[float, float, int, int]:
    """Where the ball is drawn, on the picture's edge if it is outside, and which way it left:
    (x, y, dx, dy) with dx, dy in {−1, 0, +1} (0: within the picture along that axis)."""
    x_lo, x_hi, y_lo, y_hi = box
    dx = -1 if x < x_lo else 1 if x > x_hi else 0
    dy = -1 if y < y_lo else 1 if y > y_hi else 0
    return min(max(x, x_lo), x_hi), min(max(y, y_lo), y_hi), dx, dy


def _far(value: float) -> str:
    """A position far off the picture, in three figures (1.7e+06, not 1700000.000)."""
    return f"{value:.3g}".replace("-", MINUS)


def _fly_off_arrow(x: float, y: float, dx: int, dy: int, real_x: float) -> dict:
    """An arrow from inside the picture to the ball (x, y) on its edge, pointing the way it left, with
    the ball's real x written at its tail (never its loss: the blindfold hides that)."""
    return {"x": x, "y": y, "xref": "x", "yref": "y", "ax": -dx * ARROW_PX, "ay": dy * ARROW_PX,
            "showarrow": True, "arrowhead": 3, "arrowsize": 1.3, "arrowwidth": 3, "arrowcolor": palette.OUTPUT,
            "standoff": 12, "text": f"ball at x = {_far(real_x)}", "font": {"color": palette.INK},
            "bgcolor": "rgba(255,255,255,0.85)"}  # over the trail's dotted line, still readable


def ball_parts(curve, path, learning_rate: float, blindfold: bool, momentum: float = 0.0) -> dict:
    """What changes when the ball moves: the trail, the ball, the tangent, the arrow and the note.

    With momentum m the next step is m·v − η·slope, v the last step (0 at the start). A ball
    outside the picture is drawn on its edge, with an arrow the way it went.
    """
    x, y, g = float(path.x[-1]), float(path.loss[-1]), float(path.slope[-1])
    width = (curve.x_max - curve.x_min) * 0.08
    tx, ty = _tangent(x, y, g, width)
    bx, by, dx, dy = on_frame(x, y, frame(curve))
    off = bool(dx or dy)
    if path.diverged:
        note = path.reason
    elif path.converged:
        note = f"At rest: the slope is {num(g, True)}, so the ball no longer moves."
    elif momentum:
        v = float(path.step[-1]) if path.step.size else 0.0
        note = (f"Slope under the ball {num(g, True)} → next step m·v − η·slope = "
                f"{num(momentum * v - learning_rate * g, True)}")
    else:
        note = f"Slope under the ball {num(g, True)} → next step −η·slope = {num(-learning_rate * g, True)}"
    if off and not path.diverged:
        note = f"The ball overshot out of the picture, to x = {_far(x)}. {note}"
    trail_x = path.x[:-1].tolist()
    return {
        "trail": {"x": trail_x, "y": [None] * len(trail_x) if blindfold else path.loss[:-1].tolist()},
        "ball": {"x": [bx], "y": [by]},
        "tangent": {"x": tx, "y": ty},
        "annotations": [_fly_off_arrow(bx, by, dx, dy, x)] if off else [],
        "note": note,
        "steps": len(path.x) - 1,
    }


def toy_figure(curve, path, learning_rate: float, blindfold: bool) -> dict:
    xs, ys = curve_points(curve)
    x_lo, x_hi, y_lo, y_hi = frame(curve)
    parts = ball_parts(curve, path, learning_rate, blindfold)
    traces = [
        {"type": "scatter", "mode": "lines", "name": "loss", "x": xs.tolist(), "y": ys.tolist(),
         "visible": not blindfold, "hoverinfo": "skip", "line": {"color": palette.LINE, "width": 3}},
        {"type": "scatter", "mode": "markers+lines", "name": "trail", **parts["trail"], "hoverinfo": "skip",
         "marker": {"color": palette.HIDDEN, "size": 7},
         "line": {"color": palette.HIDDEN, "width": 1, "dash": "dot"}},
        # Unclipped, so a ball on the picture's edge (at the bottom, or thrown out) is drawn whole.
        {"type": "scatter", "mode": "markers", "name": "ball", **parts["ball"], "hoverinfo": "skip",
         "cliponaxis": False,
         "marker": {"color": palette.OUTPUT, "size": 20, "line": {"color": "#ffffff", "width": 2}}},
        {"type": "scatter", "mode": "lines", "name": "slope", **parts["tangent"], "hoverinfo": "skip",
         "line": {"color": palette.BLAME, "width": 4}},
        # Every trace above skips the hover, so a click would reach nothing: this one, invisible, takes
        # it. With hovermode "x" the point nearest the pointer's x is picked wherever in the plot the
        # click is, so the ball goes to the x clicked. Blindfolded, the points lie along the bottom:
        # a hover label on the curve would give its shape away.
        {"type": "scatter", "mode": "lines", "name": "place the ball", "x": xs.tolist(),
         "y": [y_lo] * len(xs) if blindfold else ys.tolist(), "line": {"width": 0, "color": palette.LINE},
         "hovertemplate": "Click to put the ball at x = %{x:.2f}<extra></extra>"},
    ]
    layout = base_layout(
        # fixedrange: a drag must not zoom, nor a double click re-range the axes onto a far-flung trail.
        xaxis=axis("x (the one weight)", range=[x_lo, x_hi], fixedrange=True),
        yaxis=axis("loss", range=[y_lo, y_hi], fixedrange=True, showticklabels=not blindfold),
        clickmode="event",
        hovermode="x",
        annotations=parts["annotations"],
    )
    return {"data": traces, "layout": layout}


def _finite_range(values) -> tuple[float, float]:
    """(min, max) of the finite values, (0, 1) if there are none: a range Plotly can draw.

    Far out on a map or a slice the loss may overflow to inf; those points are left as gaps."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)


def _finite_or_none(values) -> list:
    v = np.asarray(values, dtype=float)
    return v.tolist() if np.isfinite(v).all() else np.where(np.isfinite(v), v, None).tolist()


# Slice figure traces, in this order (a fourth, the ball after an update, only in the update phase):
SLICE_CURVE, SLICE_BALL, SLICE_TANGENT, SLICE_AFTER = 0, 1, 2, 3


def slice_figure(s, after: tuple[float, float] | None = None, slope_known: bool = True) -> dict:
    """The network's loss as one parameter varies, with the ball at its value and the
    tangent drawn with backprop's slope (once the backward pass has revealed it: `slope_known`).

    after: (w, C) where the update moved the ball, on this same curve (the slice is then taken
    at the weights before the update): the ball where it was stays, hollow, and an arrow shows
    the step down to where it went.
    """
    y0 = s.current_loss
    lo, hi = _finite_range(s.loss if after is None else np.append(s.loss, after[1]))
    span = hi - lo or 1.0
    width = float(s.values[-1] - s.values[0]) * 0.08
    tx, ty = _tangent(s.current_value, y0, s.slope_backprop, width) if slope_known else ([], [])
    traces = [
        {"type": "scatter", "mode": "lines", "name": "C(w)", "x": s.values.tolist(), "y": _finite_or_none(s.loss),
         "hovertemplate": f"{s.ref} = %{{x:.3f}}<br>C = %{{y:.4f}}<extra></extra>",
         "line": {"color": palette.LINE, "width": 3}},
        {"type": "scatter", "mode": "markers", "name": "now", "x": [s.current_value], "y": [y0],
         "hoverinfo": "skip", "marker": {"color": palette.OUTPUT, "size": 18, "line": {"color": "#fff", "width": 2}}},
        {"type": "scatter", "mode": "lines", "name": "slope", "x": tx, "y": ty, "hoverinfo": "skip",
         "line": {"color": palette.BLAME, "width": 4}},
    ]
    layout = base_layout(
        xaxis=axis(f"{s.ref}"),
        yaxis=axis("loss C", range=[lo - 0.1 * span, hi + 0.1 * span]),
    )
    if after is not None:
        traces[SLICE_BALL]["marker"] = {"color": "rgba(0,0,0,0)", "size": 16,
                                        "line": {"color": palette.OUTPUT, "width": 3}}  # where it was
        traces.append({"type": "scatter", "mode": "markers", "name": "after the update", "x": [after[0]],
                       "y": [after[1]], "hoverinfo": "skip",
                       "marker": {"color": palette.OUTPUT, "size": 18, "line": {"color": "#fff", "width": 2}}})
        layout["annotations"] = [{"x": after[0], "y": after[1], "ax": s.current_value, "ay": y0, "xref": "x",
                                  "yref": "y", "axref": "x", "ayref": "y", "showarrow": True, "arrowhead": 3,
                                  "arrowsize": 1.3, "arrowwidth": 3, "arrowcolor": palette.OUTPUT, "standoff": 10,
                                  "startstandoff": 9, "text": ""}]
    return {"data": traces, "layout": layout}


def slice_note(s, after: tuple[float, float] | None = None, slope_known: bool = True, as_of: str = "") -> str:
    """What the curve shows. C is over the whole training set with the weights as they stand
    (`as_of`, e.g. "after step 3"); the slope waits for the backward pass to reach the layer."""
    if not slope_known:
        return (f"C along {s.ref} = {num(s.current_value, True)}, weights {as_of}. Its slope appears when the "
                f"blame reaches layer {s.ref.layer}.")
    slopes = (f"Slope at {s.ref} = {num(s.current_value, True)}: backprop ∂C/∂w = {num(s.slope_backprop, True, 5)}, "
              f"central difference = {num(s.slope_numeric, True, 5)}")
    if after is None:
        return slopes
    # The step is −η·ḡ with ḡ the batch's mean gradient; this curve (and its slope) is over all the
    # training examples, the other weights as before the update.
    return (f"The update moved {s.ref} from {num(s.current_value, True)} to {num(after[0], True)} by −η·ḡ (ḡ: the "
            f"batch's mean slope); on this curve C {num(s.current_loss)} → {num(after[1])}. {slopes}.")


def contour_figure(g, path: list, gradient_known: bool = True) -> dict:
    """The loss over two parameters, the path training took, and the gradient at the point.

    The arrow shows −∇C (the way down), scaled to a fifth of the map's width; its two
    components are written beside it. It waits for the backward pass (`gradient_known`).
    """
    cx, cy = g.current
    gx, gy = g.gradient
    norm = float(np.hypot(gx, gy)) if gradient_known else 0.0
    length = 0.2 * float(min(g.values_x[-1] - g.values_x[0], g.values_y[-1] - g.values_y[0]))
    ax, ay = (cx - gx / norm * length, cy - gy / norm * length) if norm > 0 else (cx, cy)
    px = [p[0] for p in path] + [cx]
    py = [p[1] for p in path] + [cy]
    traces = [
        {"type": "contour", "x": round_sig(g.values_x), "y": round_sig(g.values_y), "z": round_sig(g.loss, 5),
         "colorscale": [[0, "#f7fbff"], [1, "#d9e8f5"]], "ncontours": 18,
         "contours": {"coloring": "heatmap", "showlines": True}, "line": {"width": 0.6, "color": palette.LINE},
         "showscale": False,  # the hover and the contour lines carry the values; the map needs the room
         "hovertemplate": f"{g.ref_x} = %{{x:.2f}}<br>{g.ref_y} = %{{y:.2f}}<br>C = %{{z:.4f}}<extra></extra>"},
        {"type": "scatter", "mode": "lines+markers", "name": "path", "x": px, "y": py, "hoverinfo": "skip",
         "line": {"color": palette.INK, "width": 2},
         "marker": {"size": 5, "color": palette.NEGATIVE, "line": {"color": palette.INK, "width": 1}}},
        {"type": "scatter", "mode": "markers", "name": "now", "x": [cx], "y": [cy], "hoverinfo": "skip",
         "marker": {"color": palette.OUTPUT, "size": 14, "line": {"color": "#fff", "width": 2}}},
    ]
    layout = base_layout(xaxis=axis(str(g.ref_x), range=[float(g.values_x[0]), float(g.values_x[-1])]),
                     yaxis=axis(str(g.ref_y), range=[float(g.values_y[0]), float(g.values_y[-1])]))
    layout["margin"] = {"l": 62, "r": 8, "t": 8, "b": 40}
    if norm > 0:
        def arrow(x, y, colour, width, text="", **extra):
            return {"x": x, "y": y, "ax": cx, "ay": cy, "xref": "x", "yref": "y", "axref": "x", "ayref": "y",
                    "showarrow": True, "arrowhead": 3, "arrowsize": 1.2, "arrowwidth": width, "arrowcolor": colour,
                    "text": text, "font": {"size": 12, "color": colour}, "bgcolor": "rgba(255,255,255,0.85)", **extra}

        # −∇C and its two components, each along its own axis: the vector is their sum.
        layout["annotations"] = [
            # Each component is labelled with its value (its parameter is the axis it runs along).
            arrow(ax, cy, palette.INK, 2, num(-gx, True, 4), xanchor="left" if ax > cx else "right", yshift=10),
            arrow(cx, ay, palette.INK, 2, num(-gy, True, 4), xanchor="left", xshift=6),
            arrow(ax, ay, palette.BLAME, 3),
        ]
    return {"data": traces, "layout": layout}


def contour_note(g, gradient_known: bool = True, as_of: str = "") -> str:
    sampled = getattr(g, "sampled", False)
    where = (f"{g.rows_used:,} evenly spaced rows of the {g.rows_total:,} training rows (the same ones each time, "
             "so that the map draws quickly)") if sampled else "the training set"
    if not gradient_known:
        layer = min(g.ref_x.layer, g.ref_y.layer)
        return f"C over {where}, weights {as_of}. ∇C, the way down, appears when the blame reaches layer {layer}."
    gx, gy = g.gradient
    return (f"∇C = (∂C/∂{g.ref_x}, ∂C/∂{g.ref_y}) = ({num(gx, True, 4)}, {num(gy, True, 4)}); "
            "the arrow points down the slope, along −∇C."
            + (f" The map's C is over {where}; ∇C is over every row." if sampled else ""))


def waiting_figure(text: str) -> dict:
    """An empty chart with one line of text: what stands in for a picture that comes later."""
    hidden = {"visible": False}
    layout = base_layout(xaxis=hidden, yaxis=hidden, plot_bgcolor="rgba(0,0,0,0)")
    layout["annotations"] = [{"text": text, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "showarrow": False,
                              "font": {"size": 14, "color": palette.INK}}]
    return {"data": [], "layout": layout}


_SURFACE_SCALE = [[0, palette.SURFACE_NEGATIVE], [0.5, "#ffffff"], [1, palette.SURFACE_POSITIVE]]
# Several classes: where the network is unsure of its decision the surface fades towards white, as the
# two-class surface does at its boundary: to this share of the class's surface colour at "no idea".
UNSURE = 0.25
# A class map's z is class + sureness, the sureness kept inside (0, 1): at a whole number the
# colourscale would meet the next class's segment.
SURE_RANGE = (0.01, 0.99)


# Several classes have a legend at the plot's top right (charts.data_figure): a colour bar goes under it.
_UNDER_THE_KEYS = {"len": 0.5, "x": 1.02, "xanchor": "left", "y": 0, "yanchor": "bottom"}


def _on_white(colour: str, share: float) -> str:
    """`colour` (#rrggbb) at `share` on white, opaque: the same on either theme's plot."""
    rgb = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(share * c + (1 - share) * 255):02x}" for c in rgb)


def class_scale(n: int, discrete: bool = False) -> list:
    """A colourscale of one segment per class, k/n … (k + 1)/n: class k's surface colour, from pale
    (unsure) to full (sure); `discrete`: full all along. Segments meet at repeated stops, which Plotly
    takes as a jump."""
    scale = []
    for k, full in enumerate(palette.SURFACE_CLASSES[:n]):
        scale += [[k / n, full if discrete else _on_white(full, UNSURE)], [(k + 1) / n, full]]
    return scale


def class_map(probabilities: np.ndarray, discrete: bool = False) -> list:
    """The heatmap's z over a grid of class probabilities (shape (..., n), n ≥ 2): the decided class k
    (metrics.decisions, the largest probability) plus how sure the network is, (p_k − 1/n)/(1 − 1/n)
    (0 when all n are equal, 1 when p_k is 1), kept within SURE_RANGE. `discrete`: the class alone.
    A point with a non-finite probability is None, a gap."""
    p = np.asarray(probabilities, dtype=float)
    n = p.shape[-1]
    finite = np.isfinite(p).all(axis=-1)
    p = np.where(finite[..., None], p, 0.0)
    decided = metrics.decisions(p, several=True)
    if discrete:
        z = decided.astype(float)
    else:
        sure = (p.max(axis=-1) - 1 / n) / (1 - 1 / n)
        z = np.round(decided + np.clip(sure, *SURE_RANGE), 3)
    return np.where(finite, z, None).tolist() if not finite.all() else z.tolist()


def _class_heatmap(surf, names: tuple, discrete: bool) -> dict:
    """One heatmap for every class: a trace per class would cost a replot each."""
    n = surf.values.shape[-1]
    ticks = list(range(n)) if discrete else [k + 0.5 for k in range(n)]
    return {"type": "heatmap", "x": round_sig(surf.xs), "y": round_sig(surf.ys), "z": class_map(surf.values, discrete),
            "zmin": -0.5 if discrete else 0.0, "zmax": n - 0.5 if discrete else float(n),
            "colorscale": class_scale(n, discrete), "hoverinfo": "skip",
            "colorbar": {**_UNDER_THE_KEYS, "thickness": 14, "tickvals": ticks, "ticktext": list(names), "ticks": ""}}


def surface_figure(surf, data, example: int, show_test: bool = True, discrete: bool = False,
                   of_class: int | None = None) -> dict:
    """The data (see charts.data_figure) over what the network computes there.

    2-D data: a heatmap of the neuron's activation under the points, on a fixed scale
    for bounded activations so its colours mean the same at every step; `discrete`: the output
    read as a decision instead (metrics.decisions: class 1 above the boundary, else 0), in the
    scale's two end colours. 1-D data: the neuron's curve drawn through the points.
    `show_test`: the test points too.

    Several classes (`data.classes`): a surface of the whole output layer (`surf.neuron` None) is
    the network's decision, the class of the largest probability, in that class's colour, pale
    where it is unsure (class_map); `discrete`: flat class colours. 1-D: the decided class against
    x. `of_class`: the surface is class k's own output (its probability), drawn from white at 0 to
    class k's colour at 1.
    """
    names = tuple(data.classes) if data.kind == "classification" else ()
    whole = surf.neuron is None and surf.values.shape[-1] > 1
    if surf.neuron is None and not whole:  # a layer of one neuron is that neuron
        surf = dataclasses.replace(surf, values=surf.values[..., 0], neuron=0)
    # The colour bar names the classes; a layer that is not the data's classes gets numbers.
    map_names = names if len(names) == surf.values.shape[-1] else tuple(map(str, range(1, surf.values.shape[-1] + 1)))
    if surf.ys is None:
        values = metrics.decisions(surf.values, several=True) if whole else surf.values
        figure = data_figure(data.raw_train, data.y_train, data.raw_test, data.y_test, data.kind, example,
                             (surf.xs.tolist(), values.tolist()), show_test=show_test, classes=names)
        if whole:
            next(t for t in figure["data"] if t["name"] == "network")["line"]["shape"] = "hv"
        return figure
    figure = data_figure(data.raw_train, data.y_train, data.raw_test, data.y_test, data.kind, example,
                         show_test=show_test, classes=names)
    if whole:
        heatmap = _class_heatmap(surf, map_names, discrete)
    else:
        if discrete:
            values, (zmin, zmax) = metrics.decisions(surf.values).astype(float), (0.0, 1.0)
        else:
            values = round_sig(surf.values)
            lo, hi = _finite_range(surf.values)
            zmin, zmax = (0.0, 1.0) if lo >= 0 and hi <= 1 else (-1.0, 1.0) if lo >= -1 and hi <= 1 else (lo, hi)
        scale = _SURFACE_SCALE
        if of_class is not None and not discrete and 0 <= of_class < len(palette.SURFACE_CLASSES):
            scale, (zmin, zmax) = [[0, "#ffffff"], [1, palette.SURFACE_CLASSES[of_class]]], (0.0, 1.0)
        heatmap = {"type": "heatmap", "x": round_sig(surf.xs), "y": round_sig(surf.ys),
                   "z": values.tolist() if discrete else values,
                   "zmin": zmin, "zmax": zmax, "colorscale": scale, "hoverinfo": "skip",
                   "colorbar": {"thickness": 10, "len": 0.9}}
        if names:
            heatmap["colorbar"].update(_UNDER_THE_KEYS)
    figure["data"] = [heatmap] + figure["data"]
    figure["layout"]["xaxis"]["range"] = [float(surf.xs[0]), float(surf.xs[-1])]
    figure["layout"]["yaxis"]["range"] = [float(surf.ys[0]), float(surf.ys[-1])]
    return figure
