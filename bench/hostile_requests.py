"""Malformed and hostile requests to /_dash-update-component, generated from the page's own callbacks.

Shared by tests/app/test_hostile_requests.py (which asserts) and bench/hostile.py (which prints).
`Page` reads /_dash-dependencies and /_dash-layout from the running server, so every registered
server callback gets requests, and builds a valid request for each (every input and state as the
page holds them when it opens, the lab stores holding the default lesson). `cases(page)` mutates
those into a fixed, seeded list of hostile requests:

- every input and state of every callback set to each of a list of wrong values (types, NaN and
  ±Infinity and 10**400 as raw JSON text, 1e308, 1 MB texts, long and deeply nested lists,
  unknown names), with the mutated input as the one that changed;
- lab states that break every rule of the engine's front door (networks beyond the limits, unknown
  activation, loss, optimizer, dataset and init names, non-finite numbers, stores of several MB)
  in every store that carries a lab (the lab, its start, a moment of time travel, a loaded file);
- hostile arrivals (uploaded CSV files, links), values of the panels, the ball, the maths tabs
  and the tour;
- broken envelopes: broken JSON text, wrong content types, missing or mistyped keys, unknown
  output ids, a clientside callback's output, nesting 10,000 deep, a body over the request limit;
- seeded random mutations (random JSON values in random slots, dropped keys, truncated text).

A Case says whether its envelope is well formed (the renderer could send it: only values are
hostile), so that a 500 for a well-formed case is the app's bug and one for a broken envelope is
Dash's own dispatch. Nothing here asserts; `check_response` and `tracebacks` describe what went wrong.
"""

import base64
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import engine
from bench.app import layout_values
from engine import limits

ROOT = Path(__file__).resolve().parent.parent
ENDPOINT = "/_dash-update-component"
SEED = 20241124
SLIDER_PARAM = "W1[0,0]"  # the one pinned slider of the valid requests


# ---------------------------------------------------------------- JSON text with raw tokens

@dataclass(frozen=True)
class Raw:
    """A JSON token written as is: NaN, Infinity, 1e400, 10**400 in digits, or deliberately broken text."""

    text: str


NAN, INF, NEG_INF = Raw("NaN"), Raw("Infinity"), Raw("-Infinity")
HUGE_INT = Raw("1" + "0" * 400)
HUGE_FLOAT = Raw("1e400")  # Python's json reads it as inf


def encode(value) -> bytes:
    """JSON text of value, with each Raw written verbatim (json.dumps cannot write NaN as a bare
    token inside a string-keyed structure on purpose, nor 10**400 quickly)."""
    raws: list[str] = []

    def swap(v):
        if isinstance(v, Raw):
            raws.append(v.text)
            return f"\x00raw{len(raws) - 1}\x00"
        if isinstance(v, dict):
            return {k: swap(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [swap(x) for x in v]
        return v

    text = json.dumps(swap(value), separators=(",", ":"), allow_nan=True)
    if raws:
        text = re.sub(r'"\\u0000raw(\d+)\\u0000"', lambda m: raws[int(m.group(1))], text)
    return text.encode()


def nested(depth: int, leaf=0):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


# ---------------------------------------------------------------- the page's callbacks

def _concrete(pattern_id: str) -> dict:
    """A pattern id (`{"aio_id":["ALL"],…}`) made concrete: the pinned slider's own component."""
    ident = json.loads(pattern_id)
    return {k: (SLIDER_PARAM if isinstance(v, list) else v) for k, v in ident.items()}


def prop_id(ident, prop: str) -> str:
    """How Dash names an input in changedPropIds."""
    if isinstance(ident, dict):
        return json.dumps(ident, sort_keys=True, separators=(",", ":")) + "." + prop
    return f"{ident}.{prop}"


@dataclass(eq=False)
class Callback:
    """One server callback of the page, as /_dash-dependencies describes it."""

    name: str  # a short name: the first output, e.g. "lab-state.data"
    output: str  # Dash's key for it
    outputs: list
    inputs: list  # [{"id", "property"}] with pattern ids as JSON text
    state: list
    prevent_initial_call: bool

    def slots(self) -> list[tuple[str, int]]:
        return [("inputs", i) for i in range(len(self.inputs))] + [("state", i) for i in range(len(self.state))]

    def spec(self, where: str, i: int) -> dict:
        return (self.inputs if where == "inputs" else self.state)[i]

    def label(self, where: str, i: int) -> str:
        s = self.spec(where, i)
        return f"{s['id']}.{s['property']}"


def _outputs(key: str):
    """The "outputs" of a request, as the renderer sends them: a list for a callback with several
    outputs ("..a.b...c.d.."), the one output itself otherwise."""
    out = []
    for part in key.strip(".").split("...") if key.startswith("..") else [key]:
        ident, prop = part.rsplit(".", 1)
        if ident.startswith("{"):
            out.append([{"id": _concrete(ident), "property": prop}])
        else:
            out.append({"id": ident, "property": prop})
    return out if key.startswith("..") else out[0]


class Page:
    """The page's server callbacks and the values its components hold when it opens."""

    def __init__(self, dependencies: list, layout: dict):
        self.callbacks = [
            Callback(self._name(d["output"]), d["output"], _outputs(d["output"]), d["inputs"], d["state"],
                     bool(d.get("prevent_initial_call")))
            for d in dependencies if not d.get("clientside_function")
        ]
        self.clientside_outputs = [d["output"] for d in dependencies if d.get("clientside_function")]
        self.values: dict = {}
        layout_values(layout, self.values)
        lab = engine.PRESETS["default"].state().to_dict()
        self.values |= {"lab-state.data": lab, "start-state.data": lab, "speed.value": "normal"}
        self.slider_value = 0.5

    @staticmethod
    def _name(output: str) -> str:
        first = output.strip(".").split("...")[0]
        return first.split("@")[0]

    @classmethod
    def fetch(cls, server) -> "Page":
        """From a running bench.server.AppServer."""
        return cls(json.loads(server.get("/_dash-dependencies")), json.loads(server.get("/_dash-layout")))

    def callback(self, name: str) -> Callback:
        """The callback named by its first output, else the one that has this output at all."""
        named = next((c for c in self.callbacks if c.name == name), None)
        return named or next(c for c in self.callbacks
                             if name in {self._name(part) for part in c.output.strip(".").split("...")})

    def item(self, spec: dict, values: dict):
        if spec["id"].startswith("{"):
            return [{"id": _concrete(spec["id"]), "property": spec["property"],
                     "value": self.slider_value if spec["property"] == "value" else 0}]
        return {"id": spec["id"], "property": spec["property"],
                "value": values.get(f"{spec['id']}.{spec['property']}")}

    def body(self, cb: Callback, values: dict | None = None, changed: str | None = None) -> dict:
        """A valid request for cb; changed: the "id.prop" that fired (default: its first input)."""
        values = self.values if values is None else self.values | values
        if changed is None:
            first = cb.inputs[0]
            changed = prop_id(_concrete(first["id"]) if first["id"].startswith("{") else first["id"],
                              first["property"])
        return {
            "output": cb.output,
            "outputs": cb.outputs,
            "inputs": [self.item(s, values) for s in cb.inputs],
            "state": [self.item(s, values) for s in cb.state],
            "changedPropIds": [changed],
        }

    def with_value(self, cb: Callback, where: str, i: int, value) -> dict:
        """cb's valid request with one input or state replaced by value (an input then counts as changed)."""
        body = self.body(cb)
        spec = cb.spec(where, i)
        if spec["id"].startswith("{"):
            ident = _concrete(spec["id"])
            body[where][i] = [{"id": ident, "property": spec["property"], "value": value}]
        else:
            ident = spec["id"]
            body[where][i] = {"id": ident, "property": spec["property"], "value": value}
        if where == "inputs":
            body["changedPropIds"] = [prop_id(ident, spec["property"])]
        return body


# ---------------------------------------------------------------- the cases

@dataclass(frozen=True)
class Case:
    kind: str  # e.g. "wrong value", "lab state", "envelope", "random"
    target: str  # what was mutated, e.g. "lab-state.data ← seed.value: NaN"
    body: bytes
    content_type: str = "application/json"
    well_formed: bool = True  # an envelope the renderer could send: only values are hostile
    method: str = "POST"
    expect: tuple = field(default=())  # statuses that are right for this case, if only some are


WRONG_VALUES = (
    ("null", None), ("true", True), ("false", False), ("0", 0), ("-1", -1), ("0.5", 0.5),
    ("1e308", 1e308), ("-1e308", -1e308), ("10**400", HUGE_INT), ("1e400", HUGE_FLOAT),
    ("NaN", NAN), ("Infinity", INF), ("-Infinity", NEG_INF),
    ("empty text", ""), ("text", "hello"), ("number as text", "3"),
    ("odd text", "Ω\u0000\u202e<script>alert(1)</script>%s%n{0}"), ("a path", "../../../../etc/passwd"),
    ("unknown name", "relu6"), ("code", "__import__('os').system('true')"),
    ("empty list", []), ("list", [1, "a", None, NAN]), ("empty object", {}),
    ("object", {"__class__": "x", "points": [{"customdata": HUGE_INT, "x": NAN}], "charts": NAN}),
    ("nested 200 deep", nested(200)), ("100,000 numbers", list(range(100_000))),
    ("1 MB text", "x" * 1_000_000),
)


def lab_mutation(label: str):
    """One of the broken lab states, by its label."""
    return next(lab for name, lab in _lab_mutations() if name == label)


def _lab_mutations() -> list[tuple[str, object]]:
    """(label, lab state) pairs: each breaks one rule of LabState.from_dict, or is huge."""
    base = engine.PRESETS["default"].state().to_dict()
    circle = engine.PRESETS["circle"].state().to_dict()
    out: list[tuple[str, object]] = []

    def put(label, path, value, lab=base):
        lab = json.loads(json.dumps(lab))
        node = lab
        for key in path[:-1]:
            node = node[key]
        if value is _DROP:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value
        out.append((label, lab))

    for key in list(base):
        put(f"no {key}", [key], _DROP)
        for name, value in (("null", None), ("text", "x"), ("list", []), ("NaN", NAN), ("10**400", HUGE_INT)):
            put(f"{key}: {name}", [key], value)
    put("an unknown field", ["__proto__"], {"polluted": True})
    for fmt in (2, True, "1", 1.5):
        put(f"format {fmt!r}", ["format"], fmt)

    def network(sizes, act="sigmoid", lab=base):
        n = len(sizes) - 1
        W = [[[0.1] * sizes[l - 1] for _ in range(sizes[l])] for l in range(1, n + 1)]
        b = [[0.0] * sizes[l] for l in range(1, n + 1)]
        lab = json.loads(json.dumps(lab))
        lab["network"]["sizes"] = list(sizes)
        lab["network"]["activations"] = [act] * n
        lab["params"] = {"W": W, "b": b}
        return lab

    out += [
        ("50 hidden layers", network([2] + [2] * 50 + [1])),
        ("10,000 neurons", network([2, 10_000, 1])),
        ("7 hidden layers of 8", network([2] + [8] * 7 + [1])),
        ("9 neurons", network([2, 9, 1])),
        ("0 neurons", network([2, 0, 1])),
        ("9 inputs", network([9, 2, 1])),
        ("5 outputs", network([2, 2, 5])),
        ("negative size", network([2, -3, 1])),
        ("size 10**400", network([2, 2, 1]) | {"network": base["network"] | {"sizes": [2, HUGE_INT, 1]}}),
    ]
    for name in ("relu6", "", "__class__", "Sigmoid", "sigmoid " * 3):
        put(f"activation {name!r}", ["network", "activations"], [name, "sigmoid"])
    put("activations as text", ["network", "activations"], "sigmoid")
    for name in ("hinge", "", None):
        put(f"loss {name!r}", ["network", "loss"], name)
    for name in ("he_uniform", "explicit ", 3):
        put(f"init {name!r}", ["network", "init"], name)
    for name in ("adamw", "", ["sgd"]):
        put(f"optimizer {name!r}", ["training", "optimizer"], name)
    for lr in (0, -1, 1e308, NAN, INF, "0.5", True, HUGE_INT, 101):
        put(f"learning rate {lr!r}", ["training", "learning_rate"], lr)
    for batch in (0, -5, 2.5, HUGE_INT, 2001, True):
        put(f"batch size {batch!r}", ["training", "batch_size"], batch)
    put("momentum 1", ["training", "momentum"], 1.0)
    put("weight decay NaN", ["training", "weight_decay"], NAN)
    for name in ("mnist", "", "__init__", "explicit"):
        put(f"dataset {name!r}", ["data", "name"], name, circle)
    for n in (0, 2001, 10**9, HUGE_INT, -1):
        put(f"n_points {n!r}", ["data", "n_points"], n, circle)
    for noise in (NAN, INF, 1e308, -0.1, 2.5):
        put(f"noise {noise!r}", ["data", "noise"], noise, circle)
    for fraction in (1.0, 1.5, -0.1, NAN):
        put(f"test fraction {fraction!r}", ["data", "test_fraction"], fraction, circle)
    put("data seed 2**64", ["data", "seed"], 2**64, circle)
    put("feature 'x3_sq'", ["data", "features"], ["x3_sq"], circle)
    put("a feature twice", ["data", "features"], ["x1_sq", "x1_sq"], circle)
    put("2001 explicit rows", ["data", "x"], [[0.5, 0.5]] * 2001)
    put("explicit x NaN", ["data", "x"], [[NAN, 0.5]])
    put("explicit x 1e308", ["data", "x"], [[1e308, 0.5]])
    put("explicit row of 9", ["data", "x"], [[0.5] * 9])
    put("ragged explicit rows", ["data", "x"], [[0.5, 0.5], [0.5]])
    put("explicit target 0.5 for classification", ["data", "y"], [[0.5]])
    put("W NaN", ["params", "W"], [[[NAN, 0.1], [0.1, 0.1]], [[0.1, 0.1]]])
    put("W Infinity", ["params", "W"], [[[INF, 0.1], [0.1, 0.1]], [[0.1, 0.1]]])
    put("W 1e308", ["params", "W"], [[[1e308, 0.1], [0.1, 0.1]], [[0.1, 0.1]]])
    put("W 10**400", ["params", "W"], [[[HUGE_INT, 0.1], [0.1, 0.1]], [[0.1, 0.1]]])
    put("W wrong shape", ["params", "W"], [[[0.1, 0.1, 0.1]], [[0.1]]])
    put("W text", ["params", "W"], "[[0.1]]")
    put("W nested 200 deep", ["params", "W"], nested(200))
    put("b missing", ["params", "b"], _DROP)
    for index in (10**18, -1, "3", HUGE_INT):
        put(f"cursor index {index!r}", ["cursor", "index"], index)
    for step in (-1, 10**13, HUGE_INT, NAN):
        put(f"counters.step {step!r}", ["counters", "step"], step)
    for example in (10**12, -1, 1.5, True):
        put(f"example {example!r}", ["example"], example)
    put("history of 501", ["history", "entries"], [[i, 0.5, 0.5] for i in range(501)])
    put("history stride 0", ["history", "stride"], 0)
    put("history loss NaN", ["history", "entries"], [[1, NAN, None]])
    put("history loss -1", ["history", "entries"], [[1, -1, None]])
    put("last update junk", ["last_update"], {"params_before": 1, "cost_before": NAN, "cost_after": INF})
    put("optimizer memory junk", ["optimizer_state"], {"t": -1, "slots": {"m": [], "v": NAN}})
    put("optimizer memory 10**400", ["optimizer_state"], {"t": HUGE_INT, "slots": {}})
    put("title 1 MB", ["title"], "x" * 1_000_000)
    put("divergence note 1 MB", ["diverged"], "x" * 1_000_000)
    # Stores of several MB, still under the request limit (the state limit is far lower).
    put("3 MB of history", ["history", "entries"], [[i, 0.5, 0.5] for i in range(200_000)])
    put("3 MB in an unknown field", ["padding"], "x" * 3_000_000)
    put("3 MB of weights", ["params", "W"], [[[0.1] * 150_000] * 2, [[0.1, 0.1]]])
    out += [("a list", [base]), ("a number", 3), ("the state as JSON text", json.dumps(base)),
            ("nested 200 deep", nested(200, base))]
    return out


_DROP = object()


def _data_url(content: bytes, kind: str = "application/json") -> str:
    return f"data:{kind};base64," + base64.b64encode(content).decode()


def _arrivals() -> list[tuple[str, str, object]]:
    """(input, label, value) of hostile files, links and moments of time travel."""
    base = engine.PRESETS["default"].state().to_dict()
    csv_rows = "\n".join(f"{i % 7},{i % 5},{i % 2}" for i in range(2001))
    out = [
        ("load-lab.contents", "NaN in a saved lab", _data_url(encode(base | {"seed": NAN}))),
        ("load-lab.contents", "a saved lab nested 10,000 deep", _data_url(b"[" * 10_000 + b"]" * 10_000)),
        ("load-lab.contents", "a saved lab of 2.5 MB", _data_url(encode(base | {"title": "x" * 2_500_000}))),
        ("load-lab.contents", "broken base64", "data:application/json;base64,@@@@"),
        ("load-lab.contents", "not UTF-8", _data_url(b"\xff\xfe\x00{")),
        ("load-lab.contents", "no comma", "data:application/json;base64"),
        ("load-lab.contents", "a saved lab beyond the limits", _data_url(encode(lab_mutation("50 hidden layers")))),
        ("upload-csv.contents", "2001 rows", _data_url(csv_rows.encode(), "text/csv")),
        ("upload-csv.contents", "10,000 columns", _data_url((",".join(["1"] * 10_000) + "\n").encode(), "text/csv")),
        ("upload-csv.contents", "NaN, inf, 1e999", _data_url(b"x,y,label\nnan,inf,1\n1e999,-inf,0\n", "text/csv")),
        ("upload-csv.contents", "label 3", _data_url(b"1,2,3\n", "text/csv")),
        ("upload-csv.contents", "a formula", _data_url(b"=cmd|' /C calc'!A0,1,0\n", "text/csv")),
        ("upload-csv.contents", "binary", _data_url(bytes(range(256)) * 10, "text/csv")),
        ("upload-csv.contents", "empty", _data_url(b"", "text/csv")),
        ("upload-csv.contents", "only a header", _data_url(b"\xef\xbb\xbfx,y,label\n", "text/csv")),
        ("upload-csv.contents", "1 MB over the upload limit", _data_url(b"1,2,0\n" * 200_000, "text/csv")),
        ("url.search", "50 hidden layers", "?hidden=" + ",".join(["8"] * 50)),
        ("url.search", "a hidden layer of 10,000", "?hidden=10000"),
        ("url.search", "unknown names", "?act=relu6&out=__class__&loss=hinge&opt=adamw&data=mnist&lesson=__init__"),
        ("url.search", "non-finite numbers", "?lr=NaN&batch=Infinity&seed=-1e999"),
        ("url.search", "a seed of 10**40", "?seed=" + "9" * 40),
        ("url.search", "5,000 parameters", "?" + "a=b&" * 5000),
        ("url.search", "percent junk", "?hidden=%ff%fe%00&act=%e2%80%ae"),
        ("url.search", "no question mark", "hidden=4,4"),
        ("travel.data", "a moment without a state", {"start": base}),
        ("travel.data", "a moment beyond the limits", {"state": lab_mutation("10,000 neurons"), "start": base}),
        ("travel.data", "a moment with NaN", {"state": base | {"seed": NAN}}),
    ]
    return out


def _specific() -> list[tuple[str, str, object]]:
    """(callback, "id.prop", value): values only a particular control could send."""
    slider = prop_id({"aio_id": SLIDER_PARAM, "component": "WeightSliderAIO", "subcomponent": "slider"}, "value")
    out = []
    for text in ("8,8,8,8,8,8,8", "9", "10000", "0,0", "-1", "8" * 60, "８", "1e3", "4;;;4", " , "):
        out.append(("lab-state.data", "hidden-sizes.value", text))
    for name in ("activation", "output-activation", "loss", "dataset", "optimizer", "preset", "speed"):
        for value in ("relu6", "__class__", "explicit", "max", "constructor"):
            out.append(("lab-state.data", f"{name}.value", value))
    for value in (-1, 2**32, 1e308, "7", 2.5):
        out.append(("lab-state.data", "seed.value", value))
    for value in (2001, 1.5, "10"):
        out.append(("lab-state.data", "batch-size.value", value))
    for value in (0, 101, "0.1"):
        out.append(("lab-state.data", "learning-rate.value", value))
    out.append(("lab-state.data", "data-click.data", {"points": [{"customdata": HUGE_INT}]}))
    out.append(("lab-state.data", "data-click.data", {"points": [{"customdata": [1, 2]}]}))
    out.append(("lab-state.data", "play-tick.data", {"charts": NAN}))
    out.append(("lab-state.data", slider, 10**6 + 1))
    for tab in ("surface", "slice", "contour", "ball", "nope"):
        for name, value in (("hover-neuron.data", "n1-99999999999999999999"), ("hover-neuron.data", "n-1-0"),
                            ("slice-param.value", "W9[0,0]"), ("slice-param.value", "W1[10000,0]"),
                            ("contour-x.value", "b1[0]"), ("contour-path.data", [[NAN, 1], [1e308, 1e308]]),
                            ("contour-path.data", [[i, i] for i in range(50_000)]),
                            ("panel-keys.data", {"tab": tab, "fingerprint": [], "pair": NAN})):
            out.append(("data-chart.figure", "panel-tabs.value|" + tab + "|" + name, value))
    for name, value in (("toy-curve.value", "nope"), ("ball-lr.value", 0), ("ball-lr.value", 1e308),
                        ("ball.data", {"curve": "two_valleys", "x": [NAN, INF]}),
                        ("ball.data", {"curve": "two_valleys", "x": [HUGE_INT]}),
                        ("ball.data", {"curve": "two_valleys", "x": [1e308, -1e308]}),
                        ("ball.data", {"curve": "two_valleys", "x": list(range(100_000))}),
                        ("ball.data", {"curve": "two_valleys", "x": [True, False]}),
                        ("ball.data", {"curve": "two_valleys", "x": [2.0], "reason": ["x"]}),
                        ("ball-chart.clickData", {"points": [{"x": NAN}]}),
                        ("ball-chart.clickData", {"points": [{"x": HUGE_INT}]}),
                        ("ball-options.value", ["momentum", {"x": 1}])):
        for trigger in ("ball-step.n_clicks", "ball-timer.n_intervals", "ball-chart.clickData", "toy-curve.value"):
            out.append(("ball.data", f"panel-tabs.value|ball|{name}|{trigger}", value))
    for k in (HUGE_INT, 1e308, -1, 0, 1.5, NAN, "1000", 10**6 + 1, 10**6):
        for tab in ("brute", "equations"):
            out.append(("maths-selected.children", f"maths-tabs.value|{tab}|brute-k.value", k))
    for param in ("W9[0,0]", "b1[99]", "W1[0,0]" * 100, "W-1[0,0]"):
        for tab in ("equations", "blame"):
            out.append(("maths-selected.children", f"maths-tabs.value|{tab}|selected-param.data", param))
    for step in (HUGE_INT, -1, 999, True, "3", 1.0):
        out.append(("tour.data", "tour.data", step))
        out.append(("tour-card.hidden", "tour.data", step))
        out.append(("lab-state.data", "tour.data", step))
    return out


def cases(page: Page, n_random: int = 600, seed: int = SEED) -> Iterator[Case]:
    """The whole fixed list, in a fixed order (the same on every run), made one at a time:
    together the bodies weigh a few hundred MB."""
    yield from wrong_values(page)
    yield from grown_values(page)
    yield from lab_states(page)
    yield from controls(page)
    yield from envelopes(page)
    yield from random_cases(page, n_random, seed)


def wrong_values(page: Page) -> Iterator[Case]:
    """Every input and state of every callback, set to each wrong value in turn."""
    for cb in page.callbacks:
        for where, i in cb.slots():
            for label, value in WRONG_VALUES:
                yield Case("wrong value", f"{cb.name} ← {cb.label(where, i)}: {label}",
                           encode(page.with_value(cb, where, i, value)))


SURROGATE = "\ud800"  # valid JSON ("\\ud800"), but no UTF-8 answer can carry it
N_COPIES = 20_000


def _with_surrogates(value):
    """value with a lone surrogate at the end of every text and key in it (a text: itself one)."""
    if isinstance(value, str):
        return value + SURROGATE
    if isinstance(value, dict):
        return {k + SURROGATE: _with_surrogates(v) for k, v in value.items()} or {SURROGATE: SURROGATE}
    if isinstance(value, list):
        return [_with_surrogates(v) for v in value] or [SURROGATE]
    return SURROGATE


def grown(value) -> list[tuple[str, object]]:
    """(label, value) pairs grown from a value the page holds: its texts made broken Unicode, the
    value itself (or its first item) copied 20,000 times, wrapped 300 deep in lists and in
    objects, and its text 2 MB long. What the value is decides nothing but the starting point:
    every store, list and text of every callback gets them, the next one added too."""
    first = value[0] if isinstance(value, list) and value else value
    text = value if isinstance(value, str) else json.dumps(value)
    deep_object = value
    for _ in range(300):
        deep_object = {"a": deep_object}
    return [
        ("a lone surrogate", SURROGATE),
        ("its texts with a lone surrogate", _with_surrogates(value)),
        (f"{N_COPIES:,} copies", [first] * N_COPIES),
        ("300 lists deep", nested(300, value)),
        ("300 objects deep", deep_object),
        ("2 MB of text", text + "x" * 2_000_000),
    ]


def grown_values(page: Page) -> Iterator[Case]:
    """Every input and state of every callback grown from the value the page sends (`grown`); a
    pattern input also names 20,000 sliders, all the same one and all different."""
    for cb in page.callbacks:
        for where, i in cb.slots():
            spec = cb.spec(where, i)
            valid = page.body(cb)[where][i]
            start = valid[0]["value"] if isinstance(valid, list) else valid["value"]
            for label, value in grown(start):
                yield Case("grown", f"{cb.name} ← {cb.label(where, i)}: {label}",
                           encode(page.with_value(cb, where, i, value)))
            if spec["id"].startswith("{"):
                for label, ids in (("the same slider", [valid[0]["id"]] * N_COPIES),
                                   ("different sliders", [valid[0]["id"] | {"aio_id": f"W1[0,{k}]"}
                                                          for k in range(N_COPIES)])):
                    body = page.body(cb)
                    body[where][i] = [{"id": ident, "property": spec["property"], "value": start} for ident in ids]
                    yield Case("grown", f"{cb.name} ← {cb.label(where, i)}: {N_COPIES:,} times {label}", encode(body))


def lab_states(page: Page) -> Iterator[Case]:
    """Broken lab states in every store that carries a lab: the lab and its start (with Reset),
    a moment of time travel and a loaded file in `act`, the lab in two other callbacks each."""
    lab_callbacks = [cb for cb in page.callbacks for where, i in cb.slots() if cb.label(where, i) == "lab-state.data"]
    act = page.callback("lab-state.data")
    for n, (label, lab) in enumerate(_lab_mutations()):
        yield Case("lab state", f"lab-state.data ← lab-state.data: {label}",
                   encode(page.with_value(act, "state", _slot(act, "lab-state.data")[1], lab)))
        body = page.with_value(act, "state", _slot(act, "start-state.data")[1], lab)
        body["changedPropIds"] = ["reset.n_clicks"]
        yield Case("lab state", f"lab-state.data ← start-state.data (Reset): {label}", encode(body))
        yield Case("lab state", f"lab-state.data ← travel.data: {label}",
                   encode(page.with_value(act, "inputs", _slot(act, "travel.data")[1], {"state": lab, "start": lab})))
        if not _is_huge(label):  # a 3 MB file is over the upload's own limit: one is enough (arrivals)
            yield Case("lab state", f"lab-state.data ← load-lab.contents: {label}",
                       encode(page.with_value(act, "inputs", _slot(act, "load-lab.contents")[1],
                                              _data_url(encode(lab)))))
        others = [lab_callbacks[n % len(lab_callbacks)], lab_callbacks[(n + 3) % len(lab_callbacks)]]
        for cb in dict.fromkeys(others):
            where, i = _slot(cb, "lab-state.data")
            yield Case("lab state", f"{cb.name} ← lab-state.data: {label}", encode(page.with_value(cb, where, i, lab)))


def controls(page: Page) -> Iterator[Case]:
    """Hostile arrivals (files, links, moments) and values only particular controls could send."""
    act = page.callback("lab-state.data")
    for name, label, value in _arrivals():
        where, i = _slot(act, name)
        yield Case("arrival", f"lab-state.data ← {name}: {label}", encode(page.with_value(act, where, i, value)))
    for cb_name, spec, value in _specific():
        cb = page.callback(cb_name)
        parts = spec.split("|")
        body = page.body(cb)
        if len(parts) > 1:  # "tab-input|tab|mutated[|trigger]"
            _set(cb, body, parts[0], parts[1])
            _set(cb, body, parts[2], value)
            body["changedPropIds"] = [parts[3] if len(parts) > 3 else _trigger(cb, parts[2])]
        else:
            _set(cb, body, spec, value)
            body["changedPropIds"] = [_trigger(cb, spec)]
        yield Case("control", f"{cb.name} ← {spec}: {_short(value)}", encode(body))


def _is_huge(label: str) -> bool:
    return "MB" in label


def _short(value) -> str:
    text = value.text if isinstance(value, Raw) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _slot(cb: Callback, label: str) -> tuple[str, int]:
    for where, i in cb.slots():
        if cb.label(where, i) == label or (cb.spec(where, i)["id"].startswith("{") and label.startswith("{")
                                           and _concrete_label(cb, where, i) == label):
            return where, i
    raise KeyError(f"{cb.name} has no input or state {label}")


def _concrete_label(cb, where, i) -> str:
    spec = cb.spec(where, i)
    return prop_id(_concrete(spec["id"]), spec["property"])


def _set(cb: Callback, body: dict, label: str, value) -> None:
    where, i = _slot(cb, label)
    spec = cb.spec(where, i)
    if spec["id"].startswith("{"):
        body[where][i] = [{"id": _concrete(spec["id"]), "property": spec["property"], "value": value}]
    else:
        body[where][i] = {"id": spec["id"], "property": spec["property"], "value": value}


def _trigger(cb: Callback, label: str) -> str:
    """The input that fires: label itself if it is an input, else the callback's first input."""
    where, i = _slot(cb, label)
    spec = cb.spec(where, i) if where == "inputs" else cb.inputs[0]
    ident = _concrete(spec["id"]) if spec["id"].startswith("{") else spec["id"]
    return prop_id(ident, spec["property"])


def envelopes(page: Page) -> Iterator[Case]:
    """Requests Dash itself must refuse: broken text, wrong content types, wrong or missing keys."""
    act = page.callback("lab-state.data")
    valid = page.body(act)
    text = encode(valid)
    out = []

    def add(target, body, content_type="application/json", method="POST", expect=()):
        out.append(Case("envelope", target, body if isinstance(body, bytes) else encode(body), content_type, False,
                        method, expect))

    for broken in (b"", b"not json", b"{", b'{"output": ', text[: len(text) // 2], b"\xff\xfe{}", b"{'output': 1}",
                   b'{"output": "x",}', b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
                   b"\x00" * 100, "{\"output\": \"\u2028\"}".encode("utf-16")):
        add(f"broken JSON: {broken[:24]!r}", broken)
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                         "application/xml", "", "application/json; charset=latin-1", "application/json-patch+json"):
        add(f"content type {content_type!r}", text, content_type)
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        add(f"method {method}", text, method=method)
    for key in valid:
        add(f"no {key!r}", {k: v for k, v in valid.items() if k != key})
        for name, value in (("null", None), ("number", 1), ("text", "x"), ("object", {}), ("list of 3", [1, 2, 3]),
                            ("NaN", NAN), ("nested 200 deep", nested(200))):
            add(f"{key!r} as {name}", valid | {key: value})
    for body, name in ((None, "null"), ([valid], "a list"), ("x", "text"), (1, "a number"), ({}, "empty object"),
                       (HUGE_INT, "10**400"), (NAN, "NaN")):
        add(f"body is {name}", body)
    for output in ("nope.children", "", ".", "...", "lab-state.data..", "..lab-state.data...nope.x..",
                   *page.clientside_outputs, "x" * 1_000_000):
        add(f"output {output[:40]!r}", valid | {"output": output})
    add("outputs: none", valid | {"outputs": []})
    add("outputs: one too few", valid | {"outputs": valid["outputs"][:-1]})
    add("outputs: one too many", valid | {"outputs": valid["outputs"] + [{"id": "x", "property": "y"}]})
    add("outputs: ids swapped", valid | {"outputs": valid["outputs"][::-1]})
    add("inputs: one too few", valid | {"inputs": valid["inputs"][:-1]})
    add("inputs: one too many", valid | {"inputs": valid["inputs"] + [{"id": "x", "property": "y", "value": 1}]})
    add("inputs: 100,000", valid | {"inputs": [{"id": "x", "property": "y", "value": 1}] * 100_000})
    add("inputs: entries without a value", valid | {"inputs": [{"id": s["id"], "property": s["property"]}
                                                              if isinstance(s, dict) else s for s in valid["inputs"]]})
    add("inputs: entries as text", valid | {"inputs": ["step.n_clicks"] * len(valid["inputs"])})
    add("inputs: ids as objects", valid | {"inputs": [s | {"id": {"x": NAN}} if isinstance(s, dict) else s
                                                      for s in valid["inputs"]]})
    add("state: entries are lists", valid | {"state": [[s] for s in valid["state"]]})
    for changed in (["nope.x"], ["step"], [""], [1], [None], [{}], ["step.n_clicks"] * 1000, [HUGE_INT],
                    ['{"aio_id":"W1[0,0]","component":"WeightSliderAIO","subcomponent":"slider"}.value'],
                    ['{"aio_id":["ALL"],"component":"WeightSliderAIO","subcomponent":"slider"}.value'],
                    ['{not json}.value']):
        add(f"changedPropIds {_short(changed)}", valid | {"changedPropIds": changed})
    for cb in page.callbacks:  # another callback's envelope
        other = page.body(cb)
        add(f"{cb.name}: inputs of {act.name}", other | {"inputs": valid["inputs"]})
    add("a body over the request limit", oversized_body(), expect=(413,))
    return iter(out)


def oversized_body() -> bytes:
    """A request 1 MB over the server's limit (Flask's MAX_CONTENT_LENGTH)."""
    return b'{"output":"' + b"x" * (limits.MAX_REQUEST_BYTES + 1_000_000) + b'"}'


def random_json(rng: random.Random, depth: int = 3):
    """A random JSON value, raw tokens included."""
    kinds = ["null", "bool", "int", "float", "text", "raw"] + (["list", "object"] * 2 if depth > 0 else [])
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice([0, 1, -1, 2**31, -(2**63), 2**64, rng.randint(-1000, 1000), 10**18])
    if kind == "float":
        return rng.choice([0.5, -0.0, 1e-320, 1e308, -1e308, rng.uniform(-1e6, 1e6), 5e-324])
    if kind == "text":
        alphabet = "abcxyzW0123456789[],.-_ {}\"'\\/é€\u0000\u2028😀"
        return "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 5, 40, 300])))
    if kind == "raw":
        return rng.choice([NAN, INF, NEG_INF, HUGE_INT, HUGE_FLOAT, Raw("-" + "9" * 500), Raw("1e-400")])
    if kind == "list":
        return [random_json(rng, depth - 1) for _ in range(rng.choice([0, 1, 2, 5]))]
    keys = ["id", "x", "points", "customdata", "state", "curve", "tab", "charts", "W", "", "__proto__"]
    return {rng.choice(keys): random_json(rng, depth - 1) for _ in range(rng.choice([0, 1, 3]))}


def random_cases(page: Page, n: int, seed: int = SEED) -> Iterator[Case]:
    """n seeded random mutations: mostly values in well-formed requests, some broken envelopes."""
    rng = random.Random(seed)
    labs = [lab for label, lab in _lab_mutations() if not _is_huge(label)]
    for k in range(n):
        cb = rng.choice(page.callbacks)
        body = page.body(cb)
        slots = cb.slots()
        picked = rng.sample(slots, min(len(slots), rng.choice([1, 1, 2, 3])))
        for where, i in picked:
            value = random_json(rng)
            if cb.label(where, i) == "lab-state.data" and rng.random() < 0.5:
                lab = json.loads(encode(engine.PRESETS[rng.choice(list(engine.PRESETS))].state().to_dict()))
                part = rng.choice(list(lab))
                lab[part] = random_json(rng) if not isinstance(lab[part], dict) or rng.random() < 0.3 else \
                    lab[part] | {rng.choice(list(lab[part]) or ["x"]): random_json(rng)}
                value = lab if rng.random() < 0.8 else rng.choice(labs)
            mutated = page.with_value(cb, where, i, value)
            body[where][i] = mutated[where][i]
            if where == "inputs":
                body["changedPropIds"] = mutated["changedPropIds"]
        well_formed = True
        text = encode(body)
        roll = rng.random()
        if roll < 0.05:
            text, well_formed = text[: rng.randrange(max(1, len(text)))], False
        elif roll < 0.10:
            key = rng.choice(list(body))
            text, well_formed = encode({x: v for x, v in body.items() if x != key}), False
        elif roll < 0.15:
            key = rng.choice(list(body))
            text, well_formed = encode(body | {key: random_json(rng)}), False
        label = ", ".join(cb.label(w, i) for w, i in picked)
        yield Case("random", f"{cb.name} ← {label} (#{k})", text, well_formed=well_formed)


# ---------------------------------------------------------------- what went wrong

LEAKS = ("Traceback", 'File "', "/work/", str(ROOT))
_LEAK_RE = re.compile(r'\.py"(, line \d+)?|\.py\b.*line \d+')


def check_response(status: int, data: bytes, method: str = "POST") -> str:
    """"" if the answer is acceptable, else what is wrong with it: a traceback, a file path, or a 200
    the page cannot read. (Its status is judged elsewhere: Result.failed.)"""
    text = data.decode(errors="replace")
    for leak in LEAKS:
        if leak in text:
            return f"the answer contains {leak!r}"
    if re.search(r'\.py", line \d+', text):
        return "the answer contains a source line"
    if status == 200 and method == "POST":
        try:
            json.loads(text, parse_constant=_refuse)  # the browser's JSON.parse reads no NaN
        except ValueError as e:
            return f"an answer the browser cannot parse: {str(e)[:80]}"
    return ""


def _refuse(name):
    raise ValueError(f"the answer contains {name}")


_TB = re.compile(r"Traceback \(most recent call last\):\n(?:(?:  .*|\s*)\n)+?(?P<last>[A-Za-z_][\w.]*(?::.*)?)$",
                 re.MULTILINE)


@dataclass(frozen=True)
class Trace:
    exception: str  # the traceback's last line, e.g. "KeyError: 'output'"
    where: str  # the deepest frame in the project's own code, or "" (Dash's dispatch, Flask, json)
    logged_by: str  # the log line before it, e.g. "ERROR in callbacks: action 'seed' failed"


def tracebacks(log: str) -> list[Trace]:
    """Each traceback in a server log: what it ended with and where in the project it passed."""
    found = []
    for m in _TB.finditer(log):
        block = m.group(0)
        own = re.findall(rf'File "{re.escape(str(ROOT))}/((?:app|components|engine)/[^"]+)", line (\d+), in (\S+)',
                         block)
        where = f"{own[-1][0]}:{own[-1][1]} in {own[-1][2]}" if own else ""
        before = log[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        found.append(Trace(m.group("last")[:200], where, before[:160]))
    return found


# ---------------------------------------------------------------- sending them

@dataclass(frozen=True)
class Result:
    kind: str
    target: str
    well_formed: bool
    status: int  # 0: no answer
    ms: float
    problem: str  # what is wrong with the answer (check_response), "" if nothing
    traces: tuple  # Trace: tracebacks the server logged while answering it
    expect: tuple = ()
    size: int = 0  # bytes of the answer

    @property
    def failed(self) -> bool:
        """The server failed on it: a 5xx, no answer, a traceback in its log or a status other than expected."""
        return bool(self.status >= 500 or self.status == 0 or self.traces
                    or (self.expect and self.status not in self.expect))


def send(server, case: Case, timeout: float = 10.0) -> Result:
    """Post one case to a running bench.server.AppServer and describe what came back."""
    from bench.server import request

    start = server.log_size()
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    status, data, ms = request(server.port, case.method, ENDPOINT, case.body, headers, timeout)
    traces = tuple(tracebacks(server.log_text(start))) if server.log_size() > start else ()
    return Result(case.kind, case.target, case.well_formed, status, ms, check_response(status, data, case.method),
                  traces, case.expect, len(data))


def run(server, all_cases, max_requests: int = 10_000, max_seconds: float = 120.0,
        timeout: float = 10.0) -> tuple[list[Result], bool]:
    """Send the cases one after another, bounded in count and time. Returns the results and
    whether every case was sent (False: a bound stopped the run)."""
    import time

    deadline = time.monotonic() + max_seconds
    results = []
    for case in all_cases:
        if len(results) >= max_requests or time.monotonic() > deadline:
            return results, False
        results.append(send(server, case, timeout))
    return results, True


def percentile(samples, q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def summary(results: list[Result], seconds: float) -> str:
    """One line: how many, which statuses, the slowest and the p99, what failed."""
    statuses: dict[int, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    slowest = max(results, key=lambda r: r.ms)
    failed = [r for r in results if r.failed]
    return (f"hostile requests: {len(results)} in {seconds:.1f} s; statuses "
            f"{', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))}; slowest {slowest.ms:.0f} ms "
            f"({slowest.target[:60]}); p99 {percentile([r.ms for r in results], 0.99):.0f} ms; "
            f"{sum(r.well_formed for r in failed)} well-formed and {sum(not r.well_formed for r in failed)} "
            f"broken-envelope requests failed on the server; {sum(bool(r.problem) for r in results)} bad answers")


def failures(results: list[Result]) -> dict[tuple, list[str]]:
    """Failed requests grouped by (well formed, status, exception, where in the project): the targets."""
    groups: dict[tuple, list[str]] = {}
    for r in results:
        if r.failed:
            trace = r.traces[0] if r.traces else Trace("", "", "")
            key = (r.well_formed, r.status, trace.exception.split("\n")[0][:120], trace.where)
            groups.setdefault(key, []).append(r.target)
    return groups


def report(results: list[Result], limit: int = 4) -> str:
    """The failures, most frequent first, a few targets each."""
    lines = []
    for (well_formed, status, exception, where), targets in sorted(failures(results).items(),
                                                                    key=lambda kv: -len(kv[1])):
        lines.append(f"{len(targets)}× {'well-formed' if well_formed else 'broken envelope'}, HTTP {status}: "
                     f"{exception or '(no traceback)'}{f' at {where}' if where else ''}")
        lines += [f"    {t[:110]}" for t in targets[:limit]]
    return "\n".join(lines)
