"""The network picture as plain data: the view model the SVG renderer draws.

Every decision is made here and unit-tested: where each neuron sits, how big
and what colour everything is, which numbers are shown, what the current phase
has revealed and which edges carry the travelling signal or blame. The
renderer in assets/network.js only copies these values onto SVG elements.
"""

import copy

import numpy as np

from engine import PENALTIES, Cursor, ParamRef, example_passes, update_gradient, uses_logits
from engine.activations import ACTIVATIONS, LEAKY_SLOPE
from engine.cache import byte_cached
from engine.training import batch_indices

from . import label_layout as lay
from . import neuron_maps, palette
from .numbers import num, sub

# The picture's units; the page shows the part anything is drawn in (the geometry's "view").
# Larger networks are wider: their output box sits beside the outputs.
WIDTH, WIDTH_LARGE, HEIGHT = 700, 920, 560
BESIDE = 54  # between a larger network's outputs and the output box beside them (the ▲ of δ sits there)
TOP, BOTTOM = 56, 24
LEFT = 50  # small networks: an input's name and value are on the neuron itself
LEFT_NAMED = 130  # larger ones: "x₁ 0.50" is written beside each input, left of it
# Small networks show their numbers on the graph; larger ones on hover only, where a
# crowd of labels would hide the picture. Inputs and outputs always show theirs.
LABELS_MAX_LAYER, LABELS_MAX_NEURONS = 3, 9
# A hidden neuron's value fits inside it from this radius on (shown in presentation mode, where
# nobody hovers).
VALUE_FITS_RADIUS = 18

# Type sizes in the picture's own units (the renderer sets them; the stylesheet does not):
# every placement below is computed for these sizes.
FONT = {"title": 20, "name": 20, "value": 20, "delta": 20, "arrow": 22, "weight": 20, "grad": 19, "output": 20,
        "loss": 24}
LINE = 28  # between the output box's lines

# Blame on an absolute scale: a ring's thickness says how big |δ| is, the same on every network
# and at every step (a trained network visibly carries less blame than an untrained one). Each
# tenfold of |δ| adds the same thickness, from BLAME_LOW (or less) to BLAME_HIGH (or more).
BLAME_LOW, BLAME_HIGH = 1e-3, 0.3
RING_MIN, RING_MAX, RING_GAP = 1.5, 12.0, 3.0
GLOW_MIN, GLOW_MAX = 3.0, 18.0
RING_ROOM = RING_GAP + RING_MAX  # from a neuron's edge to the outside of its thickest ring
# From a neuron's edge to the far side of its name above (or its δ below), clear of its ring.
NAME_ROOM = RING_ROOM + 2 * lay.MARGIN + 1 + (lay.ASCENT + lay.DESCENT) * FONT["name"]


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


def output_classes(state) -> tuple[str, ...]:
    """The class each output stands for, where the data names one per output; () otherwise."""
    names = state.data.class_names()
    return tuple(names) if len(names) == state.spec.sizes[-1] else ()


def _short(name: str) -> str:
    return name if len(name) <= CLASS_CHARS else name[:CLASS_CHARS - 1].rstrip() + "…"


def output_labels(state) -> list[str]:
    """What each output's row calls it: a softmax output is its class's probability, "p(A)" (or
    "p₁" where the data names no classes); any other output is o₁, with its class if it has one."""
    L, classes = state.spec.n_layers, output_classes(state)
    softmax = state.spec.activations[-1] == "softmax"
    labels = []
    for k in range(state.spec.sizes[-1]):
        if softmax:
            labels.append(f"p({_short(classes[k])})" if classes else f"p{sub(k + 1)}")
        else:
            labels.append(f"{neuron_name(L, k, L)} ({_short(classes[k])})" if classes else neuron_name(L, k, L))
    return labels


def _one_class(t) -> int | None:
    """The example's class when its target is one 1 among zeros (one-hot), else None."""
    ones = [k for k, v in enumerate(t) if v == 1.0]
    return ones[0] if len(ones) == 1 and all(v == 0.0 for k, v in enumerate(t) if k != ones[0]) else None


def blame_scale(value: float) -> float:
    """Where |value| sits between BLAME_LOW (0) and BLAME_HIGH (1), by tenfolds."""
    v = abs(float(value))
    if not v > BLAME_LOW:
        return 0.0
    return float(min(1.0, np.log10(v / BLAME_LOW) / np.log10(BLAME_HIGH / BLAME_LOW)))


def ring_width(delta: float) -> float:
    return round(RING_MIN + (RING_MAX - RING_MIN) * blame_scale(delta), 2)


def glow_width(grad: float) -> float:
    return round(GLOW_MIN + (GLOW_MAX - GLOW_MIN) * blame_scale(grad), 2)


def _rows(sizes) -> bool:
    """Whether each output's numbers sit in a row beside it, at its own height: where there are
    several outputs (a class each, with a softmax), a box of their lines would not say which line
    is whose. One output keeps its box; so does a small network of two (the worked example's), whose
    names above its neurons say whose lines are whose."""
    return sizes[-1] >= 3 or (sizes[-1] == 2 and not _labelled(sizes))


LOSS_LINES = ["loss C = 0.000", "C after update = 0.000"]


def _output_lines(sizes) -> list[str]:
    """The output box at its fullest (the update phase), with wide numbers: the room it needs.
    Beside rows, the box holds the loss alone."""
    lines = []
    for k in range(0 if _rows(sizes) else sizes[-1]):
        name = f"o{sub(k + 1)}"
        lines += [f"{name} = 0.000", "target 0.000", f"{name} − t = −0.000"]
    return lines + LOSS_LINES


def _output_box_width(sizes) -> float:
    return max(max(lay.text_width(t, FONT["output"], bold=False) for t in _output_lines(sizes)),
               lay.text_width("loss C = 0.000", FONT["loss"]))


# A class's mark as the data chart draws its points (palette.CLASS_SYMBOLS): never colour alone.
CLASS_MARKS = tuple({"circle": "●", "square": "■", "diamond": "◆", "triangle-up": "▲"}[s]
                    for s in palette.CLASS_SYMBOLS)
# An output's row: its name and value, then its target and error (below). A class's name is cut to
# CLASS_CHARS so that the row's room, reserved once per shape, holds any (the tooltip has it whole).
CLASS_CHARS = 8
WIDEST_ROW = (f"● o₁ ({'W' * CLASS_CHARS}) = −0.000", "t = 0.000, o − t = −0.000")
# Where a row starts right of its neuron: past the ▲ of δ (larger networks) or the thickest ring.
ROW_GAP = {True: RING_ROOM + 3 * lay.MARGIN, False: BESIDE}  # by _labelled


def _row_width() -> float:
    # bold: the row of the example's class is drawn bold
    return max(lay.text_width(t, FONT["output"], bold=True) for t in WIDEST_ROW)


def _output_room(sizes, radius: float) -> float:
    """Room right of the output column: half the output box under it and half an output's δ (small
    networks), or the whole box beside it (larger ones, whose last hidden layer fills the height);
    with rows, the rows beside the outputs too."""
    rows = radius + ROW_GAP[_labelled(sizes)] + _row_width() + lay.MARGIN if _rows(sizes) else 0.0
    if _labelled(sizes):
        half = max(_output_box_width(sizes), lay.text_width(WIDEST["delta"], FONT["delta"])) / 2
        return max(radius + RING_ROOM, half + lay.MARGIN, rows)
    return max(radius + BESIDE + _output_box_width(sizes) + lay.MARGIN, rows)


def _positions(sizes):
    """Where the columns and neurons sit, as the geometry chose them (with its column spacing)."""
    g = _geometry(tuple(sizes), len(sizes) - 1)
    return g["xs"], g["ys"], g["radius"]


def _place_columns(sizes, skew: float = 0.0):
    """Columns spread evenly from the inputs to the room the output box leaves; skew > 0 moves the
    hidden columns toward the inputs (more room beside the outputs, whose δ and box are wide)."""
    L = len(sizes) - 1
    biggest = max(sizes)
    spacing = min(160.0, (HEIGHT - TOP - BOTTOM) / biggest)
    radius = max(7.0, min(34.0, spacing * 0.3))
    if _labelled(sizes):  # the name above a neuron and its δ below must clear the next neuron's
        radius = min(radius, spacing / 2 - NAME_ROOM - lay.MARGIN)
    # Neighbours' thickest rings stay apart: blame is on one scale everywhere, so a neuron is smaller
    # where its layer is crowded (six in a layer: 23.5 against 24). Not below the size that holds a
    # value, though: in a layer of seven or eight the value inside matters more than the rings of
    # the largest blame touching.
    radius = min(radius, max(spacing / 2 - RING_ROOM - lay.MARGIN / 2, min(radius, VALUE_FITS_RADIUS)))
    left = LEFT if _labelled(sizes) else LEFT_NAMED
    right = (WIDTH if _labelled(sizes) else WIDTH_LARGE) - _output_room(sizes, radius)
    if _labelled(sizes):  # neighbouring columns' δ stay apart: where rows take the room, the picture is wider
        right = max(right, left + L * (lay.text_width(WIDEST["delta"], FONT["delta"]) + 2 * lay.MARGIN + 1))
    # Neighbouring columns' thickest rings stay apart too.
    radius = max(5.0, min(radius, ((right - left) / L - 2 * RING_ROOM - 4 * lay.MARGIN) / 2))
    xs = [left + (right - left) * (l / L) ** (1 + skew) for l in range(L + 1)]
    mid = TOP + (HEIGHT - TOP - BOTTOM) / 2
    ys = [[mid + (i - (n - 1) / 2) * spacing for i in range(n)] for n in sizes]
    return xs, ys, radius


# Free room between two columns (viewBox units) needed for the weights' labels, and for the gradients' too.
ROOM_FOR_WEIGHT_LABELS, ROOM_FOR_GRAD_LABELS = 90, 170
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


# Between the column titles and the highest thing under them: a little more than a name keeps from
# its neuron, so a title reads as the column's and not as the top neuron's name.
TITLE_GAP = 4 * lay.MARGIN


def _title_baseline(taken) -> float:
    """The column titles' baseline: just above everything else, for the page shows only the part
    of the picture anything is drawn in. At a fixed height at the top, a network of two neurons a
    layer had a band of empty room under its titles, and it was drawn that much smaller."""
    top = min(b.top for b in taken)
    return round(top - TITLE_GAP - lay.DESCENT * FONT["title"], 1)


# How the picture is drawn from the numbers; the page's own pass (assets/instant.js) draws with
# these very numbers, which come to it with each view (slider_model).
UNBOUNDED_GAIN = 1.5  # an unbounded activation's |a| / (1 + |a|) times this, at most 1, lights a neuron
EDGE = {"base": 1.2, "per_weight": 3.0, "most": 12.0, "unlabelled": 0.6}  # stroke width from |w|
NEGATIVE_DASH = "8 5"  # a negative weight's line: dashed, so it reads without its colour
# Up to this many edges, a stroke or a neuron's light eases into its new value (a CSS transition).
# Beyond it the picture changes at once: easing hundreds of strokes costs a frame 2-3 times more
# (six layers of 8, 344 edges: 30 ms a frame eased against 17 at once, measured in Chromium here).
EASED_EDGES = 100


def _fill_level(a: float, activation: str | None) -> float:
    """How strongly a neuron is lit: |a| on a 0–1 scale (bounded activations are already there)."""
    bounded = activation in ACTIVATIONS and ACTIVATIONS[activation].bounded
    return float(min(1.0, abs(a) if bounded else abs(a) / (1 + abs(a)) * UNBOUNDED_GAIN))


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
    return round((1.0 if labelled else EDGE["unlabelled"]) * min(EDGE["most"], EDGE["base"] + EDGE["per_weight"] * abs(w)), 2)


def _labelled(sizes) -> bool:
    return max(sizes) <= LABELS_MAX_LAYER and sum(sizes) <= LABELS_MAX_NEURONS


def _value_at(sizes, l: int, radius: float) -> str:
    """Where a neuron of layer l shows its value: "inside" it; "left" of it (the inputs of a larger
    network, with their names); "optional": inside, in presentation mode only, where nobody hovers
    (the hidden neurons of a larger network, when it fits); "" nowhere (hover shows it)."""
    L = len(sizes) - 1
    if _labelled(sizes):
        return "inside"
    if l == 0:
        return "left"
    fits = radius >= VALUE_FITS_RADIUS
    return ("inside" if l == L else "optional") if fits else ""


def _value_font(radius: float) -> float:
    """The type size of a value inside a neuron: the picture's own, or less where the widest value,
    "−0.00", would run out over the neuron's edge (hidden neurons of a larger network on the stage)."""
    widest = lay.text_width("−0.00", FONT["value"])
    return round(min(FONT["value"], FONT["value"] * 2 * radius / widest), 1)


def _room_for_weights(sizes) -> bool:
    xs, _, r = _place_columns(sizes)
    return _labelled(sizes) and xs[1] - xs[0] - 2 * r >= ROOM_FOR_WEIGHT_LABELS


def _room_for_grads(sizes) -> bool:
    """Whether labelled edges also have room for their ∂C/∂w label."""
    xs, _, r = _place_columns(sizes)
    return _labelled(sizes) and xs[1] - xs[0] - 2 * r >= ROOM_FOR_GRAD_LABELS


# The widest labels each slot must hold, for a network whose weights stay under 10 in size.
# After an update the weight's place shows its new value, and the gradient's place how far it
# moved ("Δ −0.016").
WIDEST = {"weight": "−0.00", "grad": "∂ −4.4e−04", "delta": "δ −4.4e−04 ▲"}
# Where along an edge (0 = source, 1 = target) each label may sit, in order of preference: the
# weight near its source, the gradient near its target, above the edge or below it.
# The weight's label near the source and the gradient's near the target where there is room.
_ALONG = [round(0.1 + 0.05 * k, 2) for k in range(17)]
AT = {kind: tuple(sorted(_ALONG, key=lambda t, p=prefer: abs(t - p)))
      for kind, prefer in (("weight", 0.25), ("grad", 0.72))}


def _edge_candidates(x1, y1, x2, y2, text, size, ats):
    """Boxes for a label along an edge: for each place, just above the curve, then just below."""
    out = []
    for t in ats:
        x, y = _bezier(x1, y1, x2, y2, t)
        # above the curve, below it, or on it (the label's halo keeps it readable over the line)
        for baseline in (y - 7, y + 7 + lay.ASCENT * size, y + (lay.ASCENT - lay.DESCENT) * size / 2):
            out.append((round(x, 1), round(baseline, 1), lay.text_box(x, baseline, text, size)))
    return out


def _owned(boxes, k: int, along: np.ndarray) -> np.ndarray:
    """For each box, whether edge k is (one of) the edges nearest to it. along: (edges, points, 2)."""
    b = np.array([[box.left, box.top, box.right, box.bottom] for box in boxes], dtype=float)[:, None, None, :]
    x, y = along[None, :, :, 0], along[None, :, :, 1]
    gap = np.hypot(np.maximum(np.maximum(b[..., 0] - x, x - b[..., 2]), 0),
                   np.maximum(np.maximum(b[..., 1] - y, y - b[..., 3]), 0)).min(axis=2)  # (boxes, edges)
    return gap[:, k] <= gap.min(axis=1)


def _node_boxes(n) -> list[tuple[str, lay.Box]]:
    """What a neuron occupies: its thickest ring, its name above, its δ below (small networks)."""
    ring = RING_ROOM if not n["id"].startswith("n0-") else RING_GAP  # inputs carry no blame
    boxes = [(n["id"], lay.circle_box(n["x"], n["y"], n["r"] + ring))]
    if n["name"] and n["value_at"] != "left":
        boxes.append((f"{n['id']} name", lay.text_box(n["x"], n["ny"], n["name"], FONT["name"])))
    if n["value_at"] == "left":
        boxes.append((f"{n['id']} value", lay.text_box(n["vx"], n["vy"], f"{n['name']} −0.00", FONT["value"], "end")))
    if n["dy"] is not None:
        boxes.append((f"{n['id']} δ", lay.text_box(n["x"], n["dy"], WIDEST["delta"], FONT["delta"])))
    return boxes


def _output_box_at(xs, ys, r, sizes) -> tuple[float, float, lay.Box]:
    """The output box's left edge and first baseline. Small networks: under the outputs (and their
    δ), centred on their column; the picture is then about as tall as it is wide, like the room it
    has on a screen, and it is drawn larger. Larger networks: beside the outputs, centred on them."""
    n_lines = len(_output_lines(sizes))
    width = _output_box_width(sizes)
    if _labelled(sizes):
        x = xs[-1] - width / 2
        below = max(ys[-1]) + r + RING_ROOM + 2 * lay.MARGIN + 1 + (lay.ASCENT + lay.DESCENT) * FONT["delta"]
        top = below + 2 * lay.MARGIN + lay.ASCENT * FONT["loss"]
    elif _rows(sizes):  # the loss under the last row, or over the first where the picture ends
        rows = _rows_at(xs, ys, r, sizes)
        x = rows[0][0]
        top = rows[-1][1] + 2 * LINE + 14  # a little apart from the rows: it is all of theirs
        if top + (n_lines - 1) * LINE > HEIGHT - BOTTOM:
            top = rows[0][1] - lay.ASCENT * FONT["output"] - 2 * lay.MARGIN - 2 - lay.DESCENT * FONT["loss"] \
                - (n_lines - 1) * LINE
    else:
        x = xs[-1] + r + BESIDE
        mid = sum(ys[-1]) / len(ys[-1])
        top = min(max(mid - (n_lines - 1) * LINE / 2, TOP), HEIGHT - BOTTOM - (n_lines - 1) * LINE)
    return round(x, 1), round(top, 1), lay.Box(x, top - lay.ASCENT * FONT["loss"], x + width,
                                               top + (n_lines - 1) * LINE + lay.DESCENT * FONT["loss"])


def _rows_at(xs, ys, r, sizes) -> list[tuple[float, float]]:
    """Each output's row: its left edge and its first line's baseline, the two lines centred on the
    neuron's height."""
    x = xs[-1] + r + ROW_GAP[_labelled(sizes)]
    return [(round(x, 1), round(y - LINE / 2 + 0.35 * FONT["output"], 1)) for y in ys[-1]]


def _row_boxes(x: float, y: float, first: str, second: str, bold: bool = True) -> list[lay.Box]:
    """A row's two lines (the second bold when it is the example's class: bold=True is the most room)."""
    return [lay.text_box(x, y, first, FONT["output"], "start", bold=bold),
            lay.text_box(x, y + LINE, second, FONT["output"], "start", bold=bold)]


SKEWS = (0.0, 0.1, 0.2, 0.3)
PAD = 6


def _bounds(boxes) -> list[float]:
    left, top = min(b.left for b in boxes) - PAD, min(b.top for b in boxes) - PAD
    right, bottom = max(b.right for b in boxes) + PAD, max(b.bottom for b in boxes) + PAD
    return [round(left, 1), round(top, 1), round(right - left, 1), round(bottom - top, 1)]


def _spots(ends, kinds, taken, tries: int) -> dict | None:
    """A place on each edge for each kind of label in `kinds`, all clear of each other and of
    `taken`; None if there is none (or none was found in `tries`)."""
    keys = [(kind, k) for kind in kinds for k in range(len(ends))]
    # Points along every edge: a label must sit nearer its own edge than any other, or a reader
    # could take it for the other edge's number.
    along = np.array([[_bezier(*e[3:], t / 24) for t in range(25)] for e in ends])
    cands = {}
    for kind, k in keys:
        options = _edge_candidates(*ends[k][3:], WIDEST[kind], FONT[kind], AT[kind])
        cands[kind, k] = [c for c, mine in zip(options, _owned([c[2] for c in options], k, along)) if mine]
    chosen = lay.place_best(keys, {key: [c[2] for c in cs] for key, cs in cands.items()}, taken, tries)
    if chosen is None:
        return None
    return {kind: [cands[kind, k][chosen[kind, k]][:2] for k in range(len(ends))] for kind in kinds}


# The server's work for placing the labels of a shape nobody has drawn yet, in candidates tried
# (components/label_layout.py): the gradients' and weights' together, for each column spacing
# tried; then the weights' alone. Together under 0.1 s of CPU.
PLACING_TRIES, WEIGHTS_ALONE_TRIES = 1_500, 1_500


def network_geometry(spec) -> dict:
    """Where everything sits, and what never changes for a network of this shape (see _geometry)."""
    g = copy.deepcopy(_geometry(tuple(spec.sizes), spec.n_layers))
    for k in ("xs", "ys", "radius"):  # for the layout here, not for the page
        del g[k]
    return g


GEOMETRY_BYTES = 8_000_000  # six layers of 8 take 0.2 MB; a shape with every number on the graph 10–40 KB


@byte_cached(GEOMETRY_BYTES)
def _geometry(sizes: tuple, L: int) -> dict:
    """Where everything sits, and what never changes for a network of this shape: positions,
    edge paths, where every label goes, names. Sent to the browser only when the shape changes.

    Labels are placed once for the widest text each can hold, so no label moves from phase to
    phase and none overlaps another label or a neuron in any phase (components/label_layout.py).
    Placing them is a search: it is done once per shape. Where the labels do not all fit, the
    hidden columns move a little toward the inputs and the search runs again.
    """
    if _labelled(sizes) and _room_for_grads(sizes):
        for skew in SKEWS:
            g = _geometry_with(sizes, L, skew, ["weight", "grad"], PLACING_TRIES)
            if g["grad_labels"]:
                return g
    # The gradients give way, then the weights: a label has a place of its own or is not drawn
    # (hover still shows every number).
    weights = ["weight"] if _labelled(sizes) and _room_for_weights(sizes) else []
    return _geometry_with(sizes, L, 0.0, weights, WEIGHTS_ALONE_TRIES)


def _geometry_with(sizes: tuple, L: int, skew: float, kinds: list, tries: int) -> dict:
    xs, ys, r = _place_columns(sizes, skew)
    labels = _labelled(sizes)
    arrows = not labels and (xs[1] - xs[0]) - 2 * (r + RING_ROOM) >= 2 * FONT["arrow"] + 4 * lay.MARGIN
    nodes = []
    for l, n in enumerate(sizes):
        for i in range(n):
            x, y = xs[l], ys[l][i]
            # larger networks: only the inputs and outputs, whose rows (if any) name them instead
            edge_named = not labels and (l == 0 or (l == L and not _rows(sizes)))
            value_at = _value_at(sizes, l, r)
            node = {"id": f"n{l}-{i}", "x": round(x, 1), "y": round(y, 1), "r": round(r, 1),
                    "stroke": palette.role_colour(l, L),
                    "name": neuron_name(l, i, L) if labels or edge_named else "",
                    "ny": round(y - r - RING_ROOM - 2 * lay.MARGIN - 1 - lay.DESCENT * FONT["name"], 1),
                    "dy": round(y + r + RING_ROOM + 2 * lay.MARGIN + 1 + lay.ASCENT * FONT["delta"], 1)
                    if labels and l else None,
                    "value_at": value_at,
                    # larger networks: ▲ or ▼ of δ right of the thickest ring, where the columns leave room
                    "ax": round(x + r + RING_ROOM + 2 * lay.MARGIN + FONT["arrow"] / 2, 1) if arrows else None,
                    "ay": round(y + 0.35 * FONT["arrow"], 1),
                    "vx": round(x - r - 2 * lay.MARGIN - 4, 1) if value_at == "left" else round(x, 1),
                    "vy": round(y + 0.35 * FONT["value"], 1),
                    "vf": FONT["value"] if value_at == "left" else _value_font(r)}
            nodes.append(node)
    out_x, out_y, out_box = _output_box_at(xs, ys, r, sizes)
    taken = [b for n in nodes for _, b in _node_boxes(n)] + [out_box]
    rows = _rows_at(xs, ys, r, sizes) if _rows(sizes) else []
    taken += [b for x, y in rows for b in _row_boxes(x, y, *WIDEST_ROW)]
    short = (xs[1] - xs[0]) < 110
    title_y = _title_baseline(taken)
    columns = [{"x": round(x, 1), "y": title_y, "text": layer_title(l, L, short=short)} for l, x in enumerate(xs)]
    taken += [lay.text_box(c["x"], c["y"], c["text"], FONT["title"]) for c in columns]
    ends = [(l, i, j, xs[l - 1] + r, ys[l - 1][j], xs[l] - r, ys[l][i])
            for l in range(1, L + 1) for i in range(sizes[l]) for j in range(sizes[l - 1])]
    spots = (_spots(ends, kinds, taken, tries) or {}) if kinds else {}
    edges = []
    for k, (l, i, j, x1, y1, x2, y2) in enumerate(ends):
        edge = {"id": str(ParamRef("W", l, i, j)), "d": _path(x1, y1, x2, y2)}
        for kind, (kx, ky) in (("weight", ("lx", "ly")), ("grad", ("gx", "gy"))):
            if kind in spots:
                edge[kx], edge[ky] = spots[kind][k]
        edges.append(edge)
    return {
        "key": "-".join(map(str, sizes)),
        "xs": xs, "ys": ys, "radius": r,
        "width": WIDTH if labels else WIDTH_LARGE,
        "height": HEIGHT,
        # The part of the picture anything is drawn in (its thickest rings and widest labels
        # included): the page shows just that, so the network fills the room it has.
        "view": _bounds(taken),
        "labels": labels,
        # which edge labels found a place where they overlap nothing (the view shows only those)
        "weight_labels": "weight" in spots,
        "grad_labels": "grad" in spots,
        "fonts": FONT,
        "line": LINE,
        # where the loss is written; and each output's row, with its class's mark and colour (a
        # view's rows say whether they are classes)
        "output": {"x": out_x, "y": out_y,
                   **({"rows": [{"x": x, "y": y, "mark": CLASS_MARKS[k % len(CLASS_MARKS)] + " ",
                                 "colour": palette.CLASS_COLOURS[k % len(palette.CLASS_COLOURS)]}
                                for k, (x, y) in enumerate(rows)]} if rows else {})},
        "columns": columns,
        "nodes": nodes,
        "edges": edges,
        "eased": len(edges) <= EASED_EDGES,
    }


def label_boxes(geometry: dict, view: dict) -> list[tuple[str, lay.Box]]:
    """Every text the renderer draws for this view, with its box: what a test checks for overlaps."""
    f = geometry["fonts"]
    boxes = [(f"title {c['text']}", lay.text_box(c["x"], c["y"], c["text"], f["title"])) for c in geometry["columns"]]
    at = {n["id"]: n for n in geometry["nodes"]}
    for n in view["nodes"]:
        g = at[n["id"]]
        boxes.append((n["id"], lay.circle_box(g["x"], g["y"], g["r"] + (RING_GAP + n["ring"] if n["ring"] else 0))))
        if g["name"] and g["value_at"] != "left":
            boxes.append((f"{n['id']} name", lay.text_box(g["x"], g["ny"], g["name"], f["name"])))
        if g["value_at"] == "left" and n["text"]:
            boxes.append((f"{n['id']} value", lay.text_box(g["vx"], g["vy"], f"{g['name']} {n['text']}", f["value"],
                                                           "end")))
        if n["sub"] and g["dy"] is not None:
            boxes.append((f"{n['id']} δ", lay.text_box(g["x"], g["dy"], n["sub"], f["delta"])))
        if n["arrow"] and not view["labels"] and g["ax"] is not None:
            boxes.append((f"{n['id']} {n['arrow']}", lay.text_box(g["ax"], g["ay"], n["arrow"], f["arrow"])))
    for e, g in zip(view["edges"], geometry["edges"]):
        if e["label"]:
            boxes.append((f"{e['id']} {e['label']}", lay.text_box(g["lx"], g["ly"], e["label"], f["weight"])))
        if e["grad"]:
            boxes.append((f"{e['id']} {e['grad']}", lay.text_box(g["gx"], g["gy"], e["grad"], f["grad"])))
    out = view["output"]
    if out["lines"]:  # one block of lines, as the page draws it (one text element)
        lines = [lay.text_box(out["x"], out["y"] + geometry["line"] * k, line,
                              f["loss"] if line.startswith("loss") else f["output"], "start", bold=False)
                 for k, line in enumerate(out["lines"])]
        boxes.append(("output box", lay.Box(min(b.left for b in lines), lines[0].top, max(b.right for b in lines),
                                            lines[-1].bottom)))
    for k, (at, (first, second)) in enumerate(zip(geometry["output"].get("rows", []), out.get("rows", []))):
        mark = at["mark"] if out["marks"] else ""
        for n, box in enumerate(_row_boxes(at["x"], at["y"], mark + first, second, bold=out["target"] == k)):
            boxes.append((f"output row {k} line {n + 1}", box))
    return boxes


def network_view(state, geometry: bool = True, tips: bool = True, aria: bool = True, maps: bool = False) -> dict:
    """What the state shows on the network: every colour, width, number and tooltip.

    geometry=False leaves out network_geometry (the browser already has it for this shape);
    tips=False leaves out the tooltips (most of the bytes), which the browser then keeps;
    aria=False leaves out what a screen reader says of each neuron and edge (the tooltip's first
    line). A picture the page paints ahead of the server (Step's next phase, a slider move) has
    them, so that the server's answer, the same picture, changes nothing on the page.
    maps=True: the neurons' own pictures are on (components/neuron_maps.py), so a picture without
    the model (which has the weights) brings its weights, rounded.
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
    value_at = [_value_at(sizes, l, r) for l in range(L + 1)]
    placed = _geometry(tuple(sizes), L)
    room_for_weights, room_for_grads = placed["weight_labels"], placed["grad_labels"]
    decay, penalty = state.train.weight_decay, PENALTIES[state.train.penalty]
    phase = cursor.phase

    nodes = []
    inputs = state.data.input_names()
    classes = output_classes(state)
    labels_out = output_labels(state)
    softmax = spec.activations[-1] == "softmax"
    for l, n in enumerate(sizes):
        act = None if l == 0 else spec.activations[l - 1]
        known = l <= shown.forward_to
        blamed = l >= 1 and l >= shown.backward_from
        colour = palette.role_colour(l, L)
        for i in range(n):
            name = neuron_name(l, i, L)
            if l == 0 and inputs[i] != name:  # an extra input: say what it computes
                name = f"{name} = {inputs[i]}"
            a = float(fwd.a[l][0, i])
            node = {
                "id": f"n{l}-{i}",
                "fill": colour if a >= 0 else palette.NEGATIVE,
                "level": round(_fill_level(a, act), 3) if known else 0.0,
                "text": (num(a, digits=2) if known else "?") if value_at[l] else "",
                "sub": "",
                "ring": 0.0,
                "arrow": "",
                "known": known,
            }
            if blamed:
                d = float(bwd.delta[l][0, i])
                node["arrow"] = "▼" if d > 0 else "▲" if d < 0 else ""
                node["sub"] = f"δ {num(d, True)} {node['arrow']}".rstrip() if labels else ""
            cls = classes[i] if l == L and classes else ""
            if tips and l == L and softmax:
                node["tip"] = _softmax_tip(_neuron_head(name, l, i, L, cls), labels_out[i], i, known, blamed,
                                           passes, classes)
            elif tips:
                node["tip"] = _neuron_tip(name, l, i, L, act, known, blamed, fwd, bwd, cls)
            if aria:
                node["aria"] = _neuron_head(name, l, i, L, cls) + (f", activation {num(a)}" if known else "")
            nodes.append(node)

    # Blame rings on an absolute scale (ring_width): the same |δ| draws the same ring at every step.
    for node in nodes:
        l, i = (int(p) for p in node["id"][1:].split("-"))
        if l >= 1 and l >= shown.backward_from:
            node["ring"] = ring_width(float(bwd.delta[l][0, i]))

    flows = _flows(phase.kind, phase.layer, L) if phase else {}
    grads_known = [l for l in range(1, L + 1) if l >= shown.backward_from]
    # The update moved every weight by the batch's mean gradient, not the example's on the edge.
    batch_mean = update_gradient(state) if updated and tips and len(batch_indices(state)) > 1 else None
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
                    "dash": "" if w_now >= 0 else NEGATIVE_DASH,
                    "blame": 0.0,
                    "flow": flows.get(l, ""),
                    "label": "",
                    "grad": "",
                }
                if room_for_weights:
                    edge["label"] = num(w_now, True, 2)
                    if updated and room_for_grads:  # the step the update took, in the gradient's place
                        edge["grad"] = f"Δ {num(w_now - w_before, True, 3)}"
                if l in grads_known:
                    edge["blame"] = glow_width(g)
                    if room_for_grads and not updated:
                        edge["grad"] = f"∂ {num(g, True, 3)}"
                said = f"w from {src} to {dst} = {num(w_now, True)}" if tips or aria else ""  # the tip's first line
                if aria:
                    edge["aria"] = said
                if tips:
                    lines = [said]
                    if updated:
                        lines.append(f"before the update {num(w_before, True)}; moved {num(w_now - w_before, True)}")
                        if batch_mean is not None:
                            lines.append(f"the update used the batch's mean ∂C/∂w = "
                                         f"{num(float(batch_mean.W[l][i, j]), True)}; this example's is below")
                    if l in grads_known:
                        a_in, d_out = float(fwd.a[l - 1][0, j]), float(bwd.delta[l][0, i])
                        product = f"{num(a_in)} × {num(d_out, True)}"
                        if decay:  # the penalty on the weights adds λ·φ′(w) to the gradient
                            term = f"{num(decay)} × {penalty.text_slope(num(w_before, True))}"
                            lines.append(f"∂C/∂w = a_in · δ_out + {penalty.words} = {product} + {term} = {num(g, True)}")
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
        "output": _output_box(state, passes, shown, *_output_box_at(xs, ys, r, sizes)[:2]),
    }
    if tips:  # views without tooltips are in-between pictures (Play, Step's next phase)
        view["model"] = slider_model(state, passes)
    elif maps:
        view["maps"] = neuron_maps.weights(state.params)
    return view


def slider_model(state, example=None) -> dict:
    """What the page needs to draw, by itself and at once, the picture a slider move leads to
    (assets/instant.js): the parameters, the example, the arithmetic's names and the layout
    choices made here. The server's own picture of the move follows and must equal it."""
    spec, L = state.spec, state.spec.n_layers
    example = example if example is not None else example_passes(state)  # its x and t only
    xs, ys, r = _positions(spec.sizes)
    labels = _labelled(spec.sizes)
    moved = Cursor.all_known(L)  # where a slider move leaves the phase (actions.set_param)
    return {
        "sizes": list(spec.sizes),
        "activations": list(spec.activations),
        "loss": spec.loss,
        "logits": uses_logits(spec),  # the output's δ straight from z (engine.uses_logits)
        "decay": state.train.weight_decay,
        "penalty": state.train.penalty,
        "W": [None] + [w.tolist() for w in state.params.W[1:]],
        "b": [None] + [b.tolist() for b in state.params.b[1:]],
        "plane": neuron_maps.plane(state),  # the neurons' own pictures span it (assets/neuron-maps.js)
        "x": example.x[0].tolist(),
        "t": example.y[0].tolist(),
        "labels": labels,
        "values": [bool(_value_at(spec.sizes, l, r)) for l in range(L + 1)],
        "weight_labels": _geometry(tuple(spec.sizes), L)["weight_labels"],
        "grad_labels": _geometry(tuple(spec.sizes), L)["grad_labels"],
        # ring_width and glow_width: the page draws blame on the same absolute scale
        "blame": {"low": BLAME_LOW, "high": BLAME_HIGH, "ring": [RING_MIN, RING_MAX], "glow": [GLOW_MIN, GLOW_MAX]},
        # edge_width, _fill_level, the dash: drawn with the same numbers
        "edge": EDGE, "dash": NEGATIVE_DASH, "unbounded_gain": UNBOUNDED_GAIN,
        "bounded": [name for name in spec.activations if ACTIVATIONS[name].bounded],
        "leaky_slope": LEAKY_SLOPE,
        "phase": moved.phase.kind,
        "flows": {str(l): kind for l, kind in _flows(moved.phase.kind, moved.phase.layer, L).items()},
        "roles": [palette.role_colour(l, L) for l in range(L + 1)],
        "negative": palette.NEGATIVE,
        "positive": palette.POSITIVE,
        "outputs": [neuron_name(L, k, L) for k in range(spec.sizes[-1])],
        # what a screen reader says of each neuron and edge (network_view's "aria"): names per layer
        "names": [[neuron_name(l, i, L) for i in range(n)] for l, n in enumerate(spec.sizes)],
        "heads": _heads(state),
        # each output's row beside it (_output_rows), where the outputs have rows: what it calls the
        # output, whether they are classes (targets read 1 and 0) and the error's letter
        "rows": {"labels": output_labels(state), "classes": bool(output_classes(state)),
                 "symbol": "p" if spec.activations[-1] == "softmax" else "o"} if _rows(spec.sizes) else None,
        "box": list(_output_box_at(xs, ys, r, spec.sizes)[:2]),
    }


def _neuron_head(name, l, i, L, cls: str = "") -> str:
    """A neuron's tooltip's first line (a screen reader's words for it, with its activation); an
    output that stands for a class says which."""
    return f"{name} — {layer_title(l, L).lower()} layer, " + (f"class {cls}" if cls else f"neuron {i + 1}")


def _heads(state) -> list[list[str]]:
    """Every neuron's _neuron_head, layer by layer."""
    L, classes = state.spec.n_layers, output_classes(state)
    return [[_neuron_head(neuron_name(l, i, L), l, i, L, classes[i] if l == L and classes else "")
             for i in range(n)] for l, n in enumerate(state.spec.sizes)]


def _softmax_tip(head, label, i, known, blamed, passes, classes) -> str:
    """A softmax output's tooltip: its probability from every output's z, and δ = p − t."""
    L = len(passes.fwd.z) - 1
    z, p, t = passes.fwd.z[L][0], passes.fwd.a[L][0], passes.y[0]
    lines = [head]
    if known:
        # Past z = 30, e^z has too many digits to read (and past 709 it overflows): every e^z is then
        # written as e^(z − m), m the largest z, which cancels in the quotient (the engine's own way).
        top = float(np.max(z)) if float(np.max(z)) > 30 else 0.0
        e = np.exp(z - top)
        power = "e^z" if not top else f"e^(z − {num(top, digits=2)})"
        lines.append(f"z = Σ w·a + b = {num(float(z[i]), True)}")
        lines.append(f"Σ {power} = " + " + ".join(f"e^{num(float(v - top), digits=2)}" for v in z)
                     + " = " + " + ".join(num(float(v)) for v in e) + f" = {num(float(np.sum(e)))}")
        lines.append(f"{label} = softmax(z){sub(i + 1)} = e^z{sub(i + 1)} / Σ e^z = "
                     f"{num(float(e[i]))} / {num(float(np.sum(e)))} = {num(float(p[i]))}")
    else:
        lines.append("not computed yet")
    if blamed:
        d = float(passes.bwd.delta[L][0, i])
        one = _one_class(t) if classes else None
        if one is not None or np.isclose(float(np.sum(t)), 1.0):
            target = ("1" if i == one else "0") if one is not None else num(float(t[i]))
            lines.append(f"δ = ∂C/∂z = p − t = {num(float(p[i]))} − {target} = {num(d, True)}  (its share of the blame)")
        else:  # a target that is not one class: the softmax Jacobian leaves p·Σt − t (engine/losses.py)
            lines.append(f"δ = ∂C/∂z = p·Σt − t = {num(float(p[i]))} × {num(float(np.sum(t)))} − "
                         f"{num(float(t[i]))} = {num(d, True)}  (its share of the blame)")
    return "\n".join(lines)


def _neuron_tip(name, l, i, L, act, known, blamed, fwd, bwd, cls: str = "") -> str:
    a = float(fwd.a[l][0, i])
    lines = [_neuron_head(name, l, i, L, cls)]
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


def _output_box(state, passes, shown, x, y) -> dict:
    """Target, output, error and loss beside the output neurons, as far as the phase reveals; with
    rows (_rows), each output's in a row beside it and the loss alone in the box."""
    o, t = passes.fwd.output[0], passes.y[0]
    lines = []
    rows = _rows(state.spec.sizes)
    for k in range(0 if rows else len(t)):
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
    box = {"x": x, "y": y, "lines": lines, "loss": shown.loss}
    return {**box, **_output_rows(state, passes, shown)} if rows else box


def _output_rows(state, passes, shown) -> dict:
    """Each output's row: its name (its class's probability, "p(A)", for a softmax) and value, then
    its target and o − t (which for a softmax with cross-entropy is δ). Class targets read 1 and 0,
    and the example's class is the row drawn bold ("target"); "marks": whether the rows are classes
    (the geometry's marks and colours are then drawn)."""
    L = state.spec.n_layers
    o, t = passes.fwd.output[0], passes.y[0]
    classes = output_classes(state)
    one = _one_class(t) if classes else None
    symbol = "p" if state.spec.activations[-1] == "softmax" else "o"
    rows = []
    for k, label in enumerate(output_labels(state)):
        first = f"{label} = {num(float(o[k]))}" if shown.forward_to == L else label
        target = ("1" if k == one else "0") if one is not None else num(float(t[k]))
        error = f", {symbol} − t = {num(float(o[k] - t[k]), True)}" if shown.loss else ""
        rows.append([first, f"t = {target}{error}"])
    return {"rows": rows, "target": one, "marks": bool(classes)}


def packed(view: dict) -> dict:
    """A view with its nodes and edges as columns: one list per field, in the order of the full
    view's own nodes and edges, or one value where every item has the same (no ids: the order
    is network_view's, the same for every picture of a shape). Play's pictures on the way
    (app/callbacks.drawing) are a fifth of the bytes so; assets/network.js (unpacked) reads
    them back against the answer's own view."""
    def columns(items: list[dict]) -> dict:
        fields = [key for key in items[0] if key != "id"] if items else []
        out = {}
        for key in fields:
            values = [item[key] for item in items]
            out[key] = values[0] if all(v == values[0] for v in values) else values
        return out

    return {**view, "nodes": columns(view["nodes"]), "edges": columns(view["edges"])}
