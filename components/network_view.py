"""The network picture as plain data: the view model the SVG renderer draws.

Every decision is made here and unit-tested: where each neuron sits, how big
and what colour everything is, which numbers are shown, what the current phase
has revealed and which edges carry the travelling signal or blame. The
renderer in assets/network.js only copies these values onto SVG elements.
"""

import numpy as np

from engine import Cursor, ParamRef, example_passes
from engine.activations import ACTIVATIONS

from . import palette
from .numbers import num, sub

WIDTH, HEIGHT = 880, 520
LEFT, RIGHT, TOP, BOTTOM = 50, 300, 60, 30  # RIGHT: room for "C after update = 0.066" beside the output
# Small networks show their numbers on the graph; larger ones on hover only, where a
# crowd of labels would hide the picture.
LABELS_MAX_LAYER, LABELS_MAX_NEURONS = 3, 9


def neuron_name(layer: int, index: int, n_layers: int) -> str:
    if layer == 0:
        return f"x{sub(index + 1)}"
    if layer == n_layers:
        return f"o{sub(index + 1)}"
    return f"h{sub(index + 1)}" if n_layers == 2 else f"h{sub(layer)},{sub(index + 1)}"


def layer_title(layer: int, n_layers: int, short: bool = False) -> str:
    """ "Hidden 2", or "H2" where columns are too close for the long form."""
    if layer == 0:
        return "In" if short else "Input"
    if layer == n_layers:
        return "Out" if short else "Output"
    return f"H{layer}" if short else f"Hidden {layer}"


def _positions(sizes):
    L = len(sizes) - 1
    biggest = max(sizes)
    spacing = min(160.0, (HEIGHT - TOP - BOTTOM) / biggest)
    radius = max(7.0, min(34.0, spacing * 0.3))
    xs = [LEFT + l * (WIDTH - LEFT - RIGHT) / L for l in range(L + 1)]
    mid = TOP + (HEIGHT - TOP - BOTTOM) / 2
    ys = [[mid + (i - (n - 1) / 2) * spacing for i in range(n)] for n in sizes]
    return xs, ys, radius


# Where labels sit along an edge (0 = source, 1 = target): the weight near its source, the
# gradient near its target. Edges leave a neuron at an angle, so labels from one neuron fan out.
WEIGHT_LABEL_AT, UPDATE_LABEL_AT, GRAD_LABEL_AT = 0.25, 0.4, 0.7
ROOM_FOR_GRAD_LABELS = 190  # viewBox units between columns needed for both labels
BEND = 0.15  # how far the control points lean toward the other end: 0 is an S-curve, 1/3 a line


def _controls(x1, y1, x2, y2):
    dx, dy = x2 - x1, y2 - y1
    return (x1 + 0.35 * dx, y1 + BEND * dy), (x2 - 0.35 * dx, y2 - BEND * dy)


def _bezier(x1, y1, x2, y2, t):
    """A point on the edge's gentle curve."""
    (cx1, cy1), (cx2, cy2) = _controls(x1, y1, x2, y2)
    u = 1 - t
    x = u**3 * x1 + 3 * u * u * t * cx1 + 3 * u * t * t * cx2 + t**3 * x2
    y = u**3 * y1 + 3 * u * u * t * cy1 + 3 * u * t * t * cy2 + t**3 * y2
    return x, y


def _path(x1, y1, x2, y2) -> str:
    (cx1, cy1), (cx2, cy2) = _controls(x1, y1, x2, y2)
    return f"M{x1:.1f},{y1:.1f} C{cx1:.1f},{cy1:.1f} {cx2:.1f},{cy2:.1f} {x2:.1f},{y2:.1f}"


def _fill_level(a: float, activation: str | None) -> float:
    """How strongly a neuron is lit: |a| on a 0–1 scale (bounded activations are already there)."""
    bounded = activation in ("sigmoid", "tanh")
    return float(min(1.0, abs(a) if bounded else abs(a) / (1 + abs(a)) * 1.5))


def _flows(kind: str, layer: int, L: int) -> dict:
    """Which layer's edges carry the animation in this phase, and which way."""
    if kind == "forward":
        return {layer: "forward"}
    if kind == "backward" and layer < L:
        return {layer + 1: "backward"}
    if kind == "update":
        return {l: "update" for l in range(1, L + 1)}
    return {}


def edge_width(w: float, labelled: bool) -> float:
    """An edge's stroke width follows |w|; edges of larger (unlabelled) networks are thinner."""
    return round((1.0 if labelled else 0.6) * min(12.0, 1.2 + 3.0 * abs(w)), 2)


def _labelled(sizes) -> bool:
    return max(sizes) <= LABELS_MAX_LAYER and sum(sizes) <= LABELS_MAX_NEURONS


def _room_for_grads(sizes) -> bool:
    """Whether labelled edges also have room for their ∂C/∂w label."""
    xs, _, r = _positions(sizes)
    return _labelled(sizes) and xs[1] - xs[0] - 2 * r >= ROOM_FOR_GRAD_LABELS


def network_geometry(spec) -> dict:
    """Where everything sits, and what never changes for a network of this shape: positions,
    edge paths, label anchors, names. Sent to the browser only when the shape changes."""
    L, sizes = spec.n_layers, spec.sizes
    xs, ys, r = _positions(sizes)
    labels = _labelled(sizes)
    nodes = [
        {"id": f"n{l}-{i}", "x": round(xs[l], 1), "y": round(ys[l][i], 1), "r": round(r, 1),
         "stroke": palette.role_colour(l, L), "name": neuron_name(l, i, L) if labels else ""}
        for l, n in enumerate(sizes) for i in range(n)
    ]
    edges = []
    for l in range(1, L + 1):
        for i in range(sizes[l]):
            for j in range(sizes[l - 1]):
                x1, y1, x2, y2 = xs[l - 1] + r, ys[l - 1][j], xs[l] - r, ys[l][i]
                (lx, ly), (ux, uy) = _bezier(x1, y1, x2, y2, WEIGHT_LABEL_AT), _bezier(x1, y1, x2, y2, UPDATE_LABEL_AT)
                gx, gy = _bezier(x1, y1, x2, y2, GRAD_LABEL_AT)
                edges.append({"id": str(ParamRef("W", l, i, j)), "d": _path(x1, y1, x2, y2),
                              # the weight's label; after an update ("before→after") it sits at u
                              "lx": round(lx, 1), "ly": round(ly, 1), "ux": round(ux, 1), "uy": round(uy, 1),
                              "gx": round(gx, 1), "gy": round(gy, 1)})
    return {
        "key": "-".join(map(str, sizes)),
        "width": WIDTH,
        "height": HEIGHT,
        "labels": labels,
        # Long titles need about 110 units of room between columns.
        "columns": [{"x": round(x, 1), "text": layer_title(l, L, short=(WIDTH - LEFT - RIGHT) / L < 110)}
                    for l, x in enumerate(xs)],
        "nodes": nodes,
        "edges": edges,
    }


def network_view(state, geometry: bool = True, tips: bool = True) -> dict:
    """What the state shows on the network: every colour, width, number and tooltip.

    geometry=False leaves out network_geometry (the browser already has it for this shape);
    tips=False leaves out the tooltips (most of the bytes), which the browser then keeps.
    """
    spec, cursor = state.spec, state.cursor
    L, sizes = spec.n_layers, spec.sizes
    shown = cursor.revealed()
    updated = shown.updated and state.last_update is not None
    # After an update the picture still shows the pass that led to it (weights before),
    # with each edge's new value beside the old.
    shown_params = state.last_update.params_before if updated else state.params
    passes = example_passes(state, shown_params)
    fwd, bwd = passes.fwd, passes.bwd
    xs, ys, r = _positions(sizes)
    labels = _labelled(sizes)
    room_for_grads = _room_for_grads(sizes)
    decay = state.train.weight_decay
    phase = cursor.phase

    nodes = []
    for l, n in enumerate(sizes):
        act = None if l == 0 else spec.activations[l - 1]
        known = l <= shown.forward_to
        blamed = l >= 1 and l >= shown.backward_from
        colour = palette.role_colour(l, L)
        for i in range(n):
            name = neuron_name(l, i, L)
            a = float(fwd.a[l][0, i])
            node = {
                "id": f"n{l}-{i}",
                "fill": colour if a >= 0 else palette.NEGATIVE,
                "level": round(_fill_level(a, act), 3) if known else 0.0,
                "text": (num(a, digits=2) if known else "?") if labels else "",
                "sub": "",
                "ring": 0.0,
                "arrow": "",
                "known": known,
            }
            if blamed:
                d = float(bwd.delta[l][0, i])
                node["arrow"] = "▼" if d > 0 else "▲" if d < 0 else ""
                node["sub"] = f"δ {num(d, True)} {node['arrow']}".rstrip() if labels else ""
            if tips:
                node["tip"] = _neuron_tip(name, l, i, L, act, known, blamed, fwd, bwd)
                node["aria"] = node["tip"].split("\n")[0] + (f", activation {num(a)}" if known else "")
            nodes.append(node)

    # Blame rings: thickness follows |δ| relative to the largest δ revealed so far.
    revealed_deltas = [abs(float(bwd.delta[l][0, i])) for l in range(max(1, shown.backward_from), L + 1)
                       for i in range(sizes[l])]
    scale = max(revealed_deltas, default=0.0)
    for node in nodes:
        l, i = (int(p) for p in node["id"][1:].split("-"))
        if l >= 1 and l >= shown.backward_from and scale > 0:
            node["ring"] = round(2.0 + 10.0 * abs(float(bwd.delta[l][0, i])) / scale, 2)

    flows = _flows(phase.kind, phase.layer, L) if phase else {}
    grads_known = [l for l in range(1, L + 1) if l >= shown.backward_from]
    g_scale = max((float(np.max(np.abs(bwd.grad_W[l]))) for l in grads_known), default=0.0)
    edges = []
    for l in range(1, L + 1):
        for i in range(sizes[l]):
            for j in range(sizes[l - 1]):
                w_before = float(shown_params.W[l][i, j])
                w_now = float(state.params.W[l][i, j])
                g = float(bwd.grad_W[l][i, j])
                src, dst = neuron_name(l - 1, j, L), neuron_name(l, i, L)
                edge = {
                    "id": str(ParamRef("W", l, i, j)),
                    "width": edge_width(w_now, labels),
                    "colour": palette.sign_colour(w_now),
                    "dash": "" if w_now >= 0 else "8 5",
                    "blame": 0.0,
                    "flow": flows.get(l, ""),
                    "label": "",
                    "grad": "",
                }
                if labels:
                    edge["label"] = (
                        f"{num(w_before, True, 2)}→{num(w_now, True, 2)}" if updated else num(w_now, True, 2)
                    )
                if l in grads_known:
                    if g_scale > 0:
                        edge["blame"] = round(4.0 + 14.0 * abs(g) / g_scale, 2)
                    # After the update the edge shows before → after instead.
                    if room_for_grads and not updated:
                        edge["grad"] = f"∂ {num(g, True, 3)}"
                if tips:
                    lines = [f"w from {src} to {dst} = {num(w_now, True)}"]
                    if updated:
                        lines.append(f"before the update {num(w_before, True)}; moved {num(w_now - w_before, True)}")
                    if l in grads_known:
                        a_in, d_out = float(fwd.a[l - 1][0, j]), float(bwd.delta[l][0, i])
                        product = f"{num(a_in)} × {num(d_out, True)}"
                        if decay:  # the weight-decay penalty (λ/2)w² adds λw to the gradient
                            lines.append(f"∂C/∂w = a_in · δ_out + λw = {product} + {num(decay)} × "
                                         f"{num(w_before, True)} = {num(g, True)}")
                        else:
                            lines.append(f"∂C/∂w = a_in · δ_out = {product} = {num(g, True)}")
                    else:
                        lines.append("∂C/∂w not known yet")
                    edge["tip"] = "\n".join(lines)
                edges.append(edge)

    view = {
        "key": "-".join(map(str, sizes)),
        "geometry": network_geometry(spec) if geometry else None,
        "labels": labels,
        "phase": phase.kind if phase else "ready",
        "nodes": nodes,
        "edges": edges,
        "output": _output_box(state, passes, shown, xs[-1] + r + 30, ys[-1]),
    }
    if tips:  # views without tooltips are in-between pictures (Play, Step's next phase)
        view["model"] = slider_model(state, passes)
    return view


def slider_model(state, example=None) -> dict:
    """What the page needs to draw, by itself and at once, the picture a slider move leads to
    (assets/instant.js): the parameters, the example, the arithmetic's names and the layout
    choices made here. The server's own picture of the move follows and must equal it."""
    spec, L = state.spec, state.spec.n_layers
    example = example if example is not None else example_passes(state)  # its x and t only
    xs, ys, r = _positions(spec.sizes)
    labels = _labelled(spec.sizes)
    moved = Cursor(L, 2 * L)  # where a slider move leaves the phase (actions.set_param)
    n_lines = 3 * spec.sizes[-1] + 1  # per output: o, target, o − t; then the loss
    return {
        "sizes": list(spec.sizes),
        "activations": list(spec.activations),
        "loss": spec.loss,
        "decay": state.train.weight_decay,
        "W": [None] + [w.tolist() for w in state.params.W[1:]],
        "b": [None] + [b.tolist() for b in state.params.b[1:]],
        "x": example.x[0].tolist(),
        "t": example.y[0].tolist(),
        "labels": labels,
        "grad_labels": _room_for_grads(spec.sizes),
        "phase": moved.phase.kind,
        "flows": {str(l): kind for l, kind in _flows(moved.phase.kind, moved.phase.layer, L).items()},
        "roles": [palette.role_colour(l, L) for l in range(L + 1)],
        "negative": palette.NEGATIVE,
        "positive": palette.POSITIVE,
        "outputs": [neuron_name(L, k, L) for k in range(spec.sizes[-1])],
        "box": [round(xs[-1] + r + 30, 1), round(min(ys[-1]) - 14 * n_lines + 8, 1)],
    }


def _neuron_tip(name, l, i, L, act, known, blamed, fwd, bwd) -> str:
    a = float(fwd.a[l][0, i])
    lines = [f"{name} — {layer_title(l, L).lower()} layer, neuron {i + 1}"]
    if l == 0:
        lines.append(f"input {name} = {num(a)}")
    elif known:
        z = float(fwd.z[l][0, i])
        lines += [f"z = Σ w·a + b = {num(z, True)}", f"a = {ACTIVATIONS[act].title.lower()}(z) = {num(a)}"]
    else:
        lines.append("not computed yet")
    if blamed:
        lines.append(f"δ = ∂C/∂z = {num(float(bwd.delta[l][0, i]), True)}  (its share of the blame)")
    return "\n".join(lines)


def _output_box(state, passes, shown, x, ys) -> dict:
    """Target, output, error and loss beside the output neurons, as far as the phase reveals."""
    o, t = passes.fwd.output[0], passes.y[0]
    lines = []
    for k in range(len(t)):
        name = neuron_name(state.spec.n_layers, k, state.spec.n_layers)
        if shown.forward_to == state.spec.n_layers:
            lines.append(f"{name} = {num(float(o[k]))}")
        lines.append(f"target {num(float(t[k]))}")
        if shown.loss:
            lines.append(f"{name} − t = {num(float(o[k] - t[k]), True)}")
    if shown.loss:
        lines.append(f"loss C = {num(passes.bwd.loss)}")
    if shown.updated and state.last_update is not None:
        lines.append(f"C after update = {num(example_passes(state).bwd.loss)}")
    top = min(ys) - 14 * len(lines) + 8
    return {"x": round(x, 1), "y": round(top, 1), "lines": lines, "loss": shown.loss}
