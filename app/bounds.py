"""How big each value the browser sends may be: one table, checked where a request enters.

A callback's inputs and state come back from the browser, and a hostile one can send anything
the request size allows: twenty thousand copies of one weight name in `pinned`, a path of
400,000 points, a text nested 300 deep or holding a lone surrogate ("\\ud800" is valid JSON, but
no UTF-8 answer can echo it back). app/guard.py checks every input and state of every request
against its bound here, before any callback runs, and refuses what does not fit with 400 and a
one-line reason. A value not in BOUNDS gets DEFAULT, which is small: a new store or control is
bounded without anyone remembering to add it, and a bigger one must be listed here.

A bound is about size and type only; what a value means is the callbacks' business (the engine
checks a lab state field by field).
"""

from dataclasses import dataclass

from engine import limits, validate
from engine.errors import LabInputError

# Every pattern-matching id on the page is one of the pinned weights' sliders.
MAX_MATCHES = limits.MAX_PINNED
# The largest network's parameters: the options of the slice and contour choosers.
MAX_PARAMS = (limits.MAX_INPUTS * limits.MAX_NEURONS + limits.MAX_NEURONS ** 2 * (limits.MAX_HIDDEN_LAYERS - 1)
              + limits.MAX_NEURONS * limits.MAX_OUTPUTS + limits.MAX_NEURONS * limits.MAX_HIDDEN_LAYERS
              + limits.MAX_OUTPUTS)

_KINDS = {
    "object": dict,
    "list": list,
    "text": str,
    "number": (int, float),
    "flag": bool,
}


@dataclass(frozen=True)
class Bound:
    """What one value may be: its kind at the top (None is always allowed: Dash sends null for
    a property never set) and, all the way down, its depth, its number of values, the length of
    each list or object and of each text."""

    kinds: tuple[str, ...] = ("object", "list", "text", "number", "flag")
    depth: int = 4
    nodes: int = 200
    items: int = 64
    chars: int = 400

    def problem(self, value, what: str) -> str:
        """Why value does not fit, or ""."""
        if value is not None:
            types = tuple(_KINDS[k] for k in self.kinds)
            is_bool = isinstance(value, bool)
            if not isinstance(value, types) or (is_bool and "flag" not in self.kinds):
                return f"{what} must be {' or '.join(self.kinds)}."
        try:
            validate.check_size(value, what, max_depth=self.depth, max_nodes=self.nodes, max_chars=self.chars,
                                max_items=self.items)
        except LabInputError as e:
            return str(e)
        return ""


DEFAULT = Bound()
# A lab state, within what the engine's front door takes (engine/validate.py); time travel posts
# a moment: the lab on show and its start.
LAB = Bound(kinds=("object",), depth=validate.MAX_DEPTH, nodes=validate.MAX_NODES, items=validate.MAX_NODES,
            chars=validate.MAX_CHARS)
MOMENT = Bound(kinds=("object",), depth=validate.MAX_DEPTH + 1, nodes=2 * validate.MAX_NODES + 3,
               items=validate.MAX_NODES, chars=validate.MAX_CHARS)
# Plotly's description of a click: the points under the pointer, each with its box and data.
CLICK = Bound(kinds=("object",), depth=6, nodes=1_000, items=64, chars=400)


def file_bound(max_bytes: int) -> Bound:
    """A file as the upload button posts it: a data URL (base64 is 4/3 of the bytes)."""
    return Bound(kinds=("text",), depth=0, nodes=1, chars=max_bytes * 4 // 3 + 200)


# What the server drew last time, sent back so it is not sent again: the data's own spec
# (explicit rows of an upload included), and the texts shown, as their repr.
DRAWN = Bound(kinds=("object",), depth=validate.MAX_DEPTH, nodes=validate.MAX_NODES, items=validate.MAX_NODES,
              chars=200_000)
# Components the server made (a message) and sent back as state.
COMPONENTS = Bound(kinds=("object", "list", "text"), depth=40, nodes=20_000, items=2_000, chars=100_000)
PATH = Bound(kinds=("list",), depth=2, nodes=3 * limits.MAX_PATH + 1, items=limits.MAX_PATH, chars=0)
OPTIONS = Bound(kinds=("list",), depth=3, nodes=5 * MAX_PARAMS + 1, items=MAX_PARAMS, chars=200)

BOUNDS = {
    "lab-state.data": LAB,
    "start-state.data": LAB,
    "travel.data": MOMENT,
    "data-chart.clickData": CLICK,
    "data-click.data": CLICK,
    "ball-chart.clickData": CLICK,
    "load-lab.contents": file_bound(limits.MAX_STATE_BYTES),
    "upload-csv.contents": file_bound(limits.MAX_UPLOAD_BYTES),
    # A link longer than MAX_LINK_CHARS is read in part, with a notice on the page (app/links.py).
    "url.search": Bound(kinds=("text",), depth=0, nodes=1, chars=50 * limits.MAX_LINK_CHARS),
    "drawn-keys.data": DRAWN,
    "handled-clicks.data": Bound(kinds=("object",), depth=1, nodes=16, items=16, chars=40),  # button → count
    "message.children": COMPONENTS,
    "contour-path.data": PATH,
    "ball.data": Bound(kinds=("object",), depth=2, nodes=limits.MAX_PATH + 20, items=limits.MAX_PATH, chars=400),
    "pinned.data": Bound(kinds=("list",), depth=1, nodes=limits.MAX_PINNED + 1, items=limits.MAX_PINNED, chars=40),
    "slice-param.options": OPTIONS,
    "contour-x.options": OPTIONS,
    # The box itself takes no more (app/layout.py): "8, 8, 8, 8, 8, 8" is 16 characters.
    "hidden-sizes.value": Bound(kinds=("text", "number"), depth=0, nodes=1, chars=200),
}

# The id of one component a pattern matched ({"aio_id": "W1[0,0]", "component": …}).
PATTERN_ID = Bound(kinds=("object",), depth=1, nodes=10, items=4, chars=60)
# The envelope's own lists: the outputs (pattern outputs carry the matched ids, which the answer
# echoes) and the ids of what changed.
ENVELOPE = Bound(kinds=("list", "object"), depth=4, nodes=400, items=64, chars=400)


def envelope_problem(body: dict) -> str:
    """Why the request's outputs or changedPropIds are out of bounds, or ""."""
    for key in ("outputs", "changedPropIds"):
        reason = ENVELOPE.problem(body.get(key), f"the request's {key}")
        if reason:
            return reason
    return ""


def values_problem(body: dict) -> str:
    """Why some input or state of this request (an envelope app/guard.py has checked) is out of
    bounds, or ""."""
    for where in ("inputs", "state"):
        for item in body.get(where, []):
            if isinstance(item, list) and len(item) > MAX_MATCHES:  # a pattern: one entry per component
                return f"The request names {len(item)} sliders; there are at most {MAX_MATCHES}."
            for entry in item if isinstance(item, list) else [item]:
                reason = _entry_problem(entry)
                if reason:
                    return reason
    return ""


def _entry_problem(entry: dict) -> str:
    """One component's value: by its "id.prop" in BOUNDS, or, for a slider a pattern matched, its
    id and its value."""
    ident, prop, value = entry["id"], entry["property"], entry.get("value")
    if isinstance(ident, str):
        key = f"{ident}.{prop}"
        return BOUNDS.get(key, DEFAULT).problem(value, key)
    return PATTERN_ID.problem(ident, "a slider's id") or DEFAULT.problem(value, f"a slider's {prop}")
