"""Server time and response bytes per callback, through Dash's real HTTP handler.

Posts the page's own callback requests to /_dash-update-component with Flask's
test client (no network, no browser) and prints the median and p95 time and the
response size of the one answer to: Step, Full step, a slider move and a play tick
(each answer carries the new state and everything drawn from it) — for the default lesson and for six hidden
layers of 8 on circle data; then each landscape panel after a step, and the ball
on a toy curve. Budgets (default lesson): a step or slider callback ≤ 15 ms server
time and ≤ 20 KB; all panels together ≤ 30 ms; a ball step sends only the ball.

Run: `make bench` (all benchmarks, one table) or `.venv/bin/python -m bench.app`.
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

import engine
from app import create_app
from bench.table import Row, main, summarise
from components.weight_slider import WeightSliderAIO

REPEATS = 40
SLIDER = WeightSliderAIO.ids.slider("W1[0,0]")


def six_by_eight() -> engine.LabState:
    spec = engine.NetworkSpec((2, 8, 8, 8, 8, 8, 8, 1), ("tanh",) * 6 + ("sigmoid",), "bce", "xavier")
    params = engine.init_params(spec, np.random.default_rng(0))
    data = engine.DataSpec("circle", n_points=200, noise=0.05, test_fraction=0.5, seed=0)
    return engine.LabState("Six layers of 8", 0, spec, params, engine.TrainConfig("sgd", 0.3, batch_size=10), data)


def layout_values(node, values: dict) -> None:
    """Every component's props in the layout the server sent, as the browser holds them: "id.prop" → value."""
    if isinstance(node, list):
        for child in node:
            layout_values(child, values)
    elif isinstance(node, dict) and "props" in node:
        props = node["props"]
        if isinstance(props.get("id"), str):
            for prop, value in props.items():
                if prop not in ("id", "children"):
                    values[f"{props['id']}.{prop}"] = value
        layout_values(props.get("children"), values)


def _outputs(key: str) -> list:
    out = []
    for part in key.strip(".").split("..."):
        ident, prop = part.rsplit(".", 1)
        if ident.startswith("{"):
            out.append([])  # filled per request: one entry per matching component
        else:
            out.append({"id": ident, "property": prop})
    return out


def body(app, name: str, values: dict, changed: str, sliders: dict | None = None) -> dict:
    """A request as the browser sends it: every input and state value, and which one changed."""
    key = next(k for k in app.callback_map if name in k)
    cb = app.callback_map[key]
    sliders = sliders or {}

    def item(spec):
        if spec["id"].startswith("{"):
            if "slider" not in spec["id"]:
                return []
            return [{"id": SLIDER, "property": "value", "value": v} for v in sliders.values()]
        return {"id": spec["id"], "property": spec["property"], "value": values.get(f"{spec['id']}.{spec['property']}")}

    outputs = _outputs(key)
    outputs = [([{"id": SLIDER, "property": "value"}] * len(sliders)) if o == [] else o for o in outputs]
    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],  # one output: Dash sends it alone
        "inputs": [item(s) for s in cb["inputs"]],
        "state": [item(s) for s in cb["state"]],
        "changedPropIds": [changed],
    }


def timed(client, payload) -> tuple[float, int, dict]:
    t0 = time.perf_counter()
    response = client.post("/_dash-update-component", json=payload)
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status_code != 200:
        raise SystemExit(f"callback failed: {response.status_code} {response.data[:300]!r}")
    return elapsed, len(response.data), response.get_json()


def controls(state) -> dict:
    from app.callbacks import control_values

    return {f"{c}.value": v for c, v in control_values(state).items()}


def measure(app, client, label: str, state: engine.LabState) -> list:
    """Each action's one answer (the new state and everything drawn from it), as the page
    sends it when it already holds the chart keys of the answer before."""
    rows = []
    start = state.to_dict()
    values = controls(state) | {"preset.value": "default", "speed.value": "normal", "lab-state.data": start,
                                "start-state.data": start,
                                # the browser has drawn this shape already: no geometry in the answer
                                "painted-key.data": "-".join(map(str, state.spec.sizes))}
    mid = engine.advance(engine.advance(state)).to_dict()
    cases = {
        "Step (one phase)": (values | {"lab-state.data": mid, "step.n_clicks": 1}, "step.n_clicks", None),
        "Full step": (values | {"full-step.n_clicks": 1}, "full-step.n_clicks", None),
        "play tick (1 step)": (values | {"play-tick.data": 1}, "play-tick.data", None),
        "play tick (fast: 15 ms of training)": (values | {"play-tick.data": 1, "speed.value": "fast",
                                                          "playing.data": True}, "play-tick.data", None),
        "slider move": (values, json.dumps(SLIDER, sort_keys=True, separators=(",", ":")) + ".value",
                        {"W1[0,0]": 0.123}),
    }
    for name, (vals, changed, sliders) in cases.items():
        first = timed(client, body(app, "lab-state.data", vals, changed, sliders))[2]["response"]
        keys = first.get("drawn-keys", {}).get("data")
        payload = body(app, "lab-state.data", vals | {"drawn-keys.data": keys}, changed, sliders)
        times, size = [], 0
        for _ in range(REPEATS):
            t, size, _ = timed(client, payload)
            times.append(t)
        rows.append((label, name, times, size))
    return rows


def measure_panels(app, client, label: str, state: engine.LabState) -> list:
    """Each landscape panel after a step, computed from scratch (as when it changes)."""
    rows = []
    stepped = engine.full_step(state).to_dict()
    base = {"lab-state.data": stepped, "hover-neuron.data": None, "slice-param.value": "W1[0,0]",
            "contour-x.value": "W1[0,0]", "contour-y.value": "W1[0,1]", "contour-path.data": [],
            "panel-keys.data": None}
    total = 0.0
    for tab in ("surface", "slice", "contour"):
        payload = body(app, "data-chart.figure", base | {"panel-tabs.value": tab}, "lab-state.data")
        times, size = [], 0
        for _ in range(REPEATS):
            t, size, _ = timed(client, payload)
            times.append(t)
        total += summarise(times)[0]
        rows.append((label, f"panel: {tab}", times, size))
    rows.append((label, "panels: all three together", [total], 0))
    return rows


def measure_ball(app, client) -> list:
    """The ball: a step sends a Patch of the ball's traces; a new curve sends the whole figure."""
    rows = []
    base = {"panel-tabs.value": "ball", "toy-curve.value": "two_valleys", "ball-lr.value": 0.05,
            "ball-options.value": [], "ball.data": {"curve": "two_valleys", "x": [2.0]}, "ball-timer.disabled": True}
    for name, changed in (("ball: one step (Patch)", "ball-step.n_clicks"), ("ball: new curve (whole figure)",
                                                                             "toy-curve.value")):
        payload = body(app, "ball.data", base | {"ball-step.n_clicks": 1}, changed)
        times, size = [], 0
        for _ in range(REPEATS):
            t, size, _ = timed(client, payload)
            times.append(t)
        rows.append(("toy curve", name, times, size))
    return rows


def collect() -> list:
    """Every server figure as Rows of the one table (bench/table.py)."""
    app = create_app()
    client = app.server.test_client()
    client.get("/")  # let Dash set itself up before timing
    measured = measure(app, client, "default lesson", engine.PRESETS["default"].state())
    measured += measure(app, client, "six layers of 8", six_by_eight())
    measured += measure_panels(app, client, "default lesson", engine.PRESETS["default"].state())
    measured += measure_panels(app, client, "six layers of 8", six_by_eight())
    measured += measure_ball(app, client)
    rows = []
    for label, name, times, size in measured:
        median, p95 = summarise(times)
        default = label == "default lesson"
        budget = 15.0 if default and name in ("Step (one phase)", "slider move") else None
        if default and name == "panels: all three together":
            budget = 30.0
        rows.append(Row("server", f"{name}: {label}", median, p95, "ms", budget))
        if size:
            rows.append(Row("server", f"  answer size: {name}: {label}", size, None, "B",
                            20 * 1024 if budget == 15.0 else None))
    return rows


if __name__ == "__main__":
    main(collect)
