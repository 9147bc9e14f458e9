"""Hostile requests and the most expensive valid ones, against the real server (loopback).

Starts `python -m app` (bench/server.py), then:

1. posts every hostile request tests/app/test_hostile_requests.py posts (bench/hostile_requests.py:
   wrong types, NaN, 10**400, 1 MB texts, broken lab states, broken envelopes, random mutations)
   and prints how many, which statuses, the slowest and the p99, and how many failed on the server
   (a 5xx or a traceback in its log);
2. times the most expensive requests the page can validly send: the biggest network the limits
   allow (8 inputs, six hidden layers of 8, 4 outputs) on 2,000 points with a batch of 2,000 and
   Adam — Step, Full step, a play tick at "normal" and at "fast" speed (a chart tick: everything
   drawn), a slider move, Pause (catch up), the loss along one weight and over two weights, every
   maths tab with "Try them all" at the largest k, the link and the downloads — plus the surface
   of a two-input network of that depth on 2,000 points, the largest CSV upload, a saved lab of
   that size and the ball at the end of its longest path. Each answer must be a 200 without an
   error message on the page. Each row gives the wall time and the server's CPU time per request
   (from /proc: the server runs one request at a time here). These run with sigmoid hidden layers,
   the costliest for the maps; the map is also timed with every other activation. The last rows
   are the slowest and the costliest of them all: no valid request computes for longer;
3. fairness and memory on the classroom servers (bench/fairness.py): gunicorn 2 workers × 4 threads
   and waitress with 4 threads each serve a normal student's Step alone and while one client keeps
   8 of the costliest maps in flight (Step p50 and p95, how many maps were drawn or refused for
   fairness), then a cache test of thousands of distinct data sets and each worker's memory.

The loss-over-two-weights grid is the page's own (41 × 41, app/panels.py); engine.limits.MAX_GRID
(120) bounds what the engine accepts, which no page request reaches.

Run: `.venv/bin/python bench/hostile.py` (about five minutes) or as part of `make bench`.
"""

import base64
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# bench/ holds a file called engine.py: never let it shadow the engine package (the project root first).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (HERE, ROOT)]

import numpy as np

import engine
from bench import fairness
from bench import hostile_requests as hostile
from bench.server import AppServer, cpu_seconds
from bench.table import Row, main

GROUP = "hostile"
REPEATS = 5
N_RANDOM = 600
MAX_SECONDS = 120.0
CPU_BUDGET_MS = 250.0  # no valid request may cost more CPU than this
STEP_P95_BUDGET_MS = 200.0  # a normal Step while one client sends 8 of the costliest requests
RSS_BUDGET_MB = 200.0


def biggest_state(inputs: int = 8, outputs: int = 4, n: int = 2000, activation: str = "tanh") -> engine.LabState:
    """The largest lab the limits allow: `inputs`-8×6-`outputs`, n explicit points, batch n, Adam,
    a full loss history and a last update (both drawn); `activation` in every hidden layer."""
    rng = np.random.default_rng(0)
    sizes = (inputs,) + (8,) * 6 + (outputs,)
    spec = engine.NetworkSpec(sizes, (activation,) * 6 + ("linear",), "mse", "xavier")
    x = rng.uniform(-2, 2, (n, inputs)).round(4)
    y = np.tanh(x[:, :outputs] * x[:, -outputs:]).round(4) if outputs <= inputs else rng.uniform(-1, 1, (n, outputs))
    data = engine.DataSpec("explicit", test_fraction=0.0, seed=0, kind="regression",
                           x=tuple(map(tuple, x.tolist())), y=tuple(map(tuple, y.tolist())))
    state = engine.LabState(f"Biggest: {'-'.join(map(str, sizes))}", 0, spec,
                            engine.init_params(spec, rng), engine.TrainConfig("adam", 0.01, batch_size=n), data)
    state = engine.train_steps(state, 2)
    step = state.counters.step
    entries = tuple((max(0, step - 499 + i), 0.5, None) for i in range(500))
    return state.replace(history=engine.History(entries, 1))


def biggest_two_input(n: int = 2000) -> engine.LabState:
    """Six hidden layers of 8 on 2,000 circle points: the largest surface (its grid over two inputs)."""
    spec = engine.NetworkSpec((2,) + (8,) * 6 + (1,), ("tanh",) * 6 + ("sigmoid",), "bce", "xavier")
    data = engine.DataSpec("circle", n_points=n, noise=0.05, test_fraction=0.5, seed=0)
    state = engine.LabState("Six layers of 8, 2,000 points", 0, spec, engine.init_params(spec, np.random.default_rng(0)),
                            engine.TrainConfig("sgd", 0.3, batch_size=n // 2), data)
    return engine.train_steps(state, 2)


def _timed(server, body: dict, what: str, repeats: int = REPEATS, note: str = "") -> tuple[list[float], int, list]:
    """Milliseconds of each of `repeats` posts of one request, its answer's size and the server's CPU
    milliseconds for each; fails loudly on a status other than 200 or a message on the page (other
    than one starting with `note`)."""
    payload = hostile.encode(body)
    times, size, cpu = [], 0, []
    for _ in range(repeats):
        before = cpu_seconds(server.pid)
        status, data, ms = server.post(hostile.ENDPOINT, payload)
        cpu.append((cpu_seconds(server.pid) - before) * 1000)
        if status != 200:
            raise SystemExit(f"{what}: HTTP {status} {data[:300]!r}")
        answer = json.loads(data)["response"]
        message = answer.get("message", {}).get("children")
        if message and not (note and str(message).startswith(note)):
            raise SystemExit(f"{what}: the page says {message!r}")
        times.append(ms)
        size = len(data)
    return times, size, cpu


def maximal(server, page: hostile.Page, activation: str = "sigmoid") -> list[tuple[str, list[float], int, list]]:
    """(what, milliseconds, answer bytes, CPU milliseconds) of the most expensive valid requests."""
    big, flat = biggest_state(activation=activation), biggest_two_input()
    lab, flat_lab = big.to_dict(), flat.to_dict()
    act = page.callback("lab-state.data")
    panels = page.callback("data-chart.figure")
    maths = page.callback("maths-selected.children")
    shape = "-".join(map(str, big.spec.sizes))
    base = {"lab-state.data": lab, "start-state.data": lab, "painted-key.data": shape, "speed.value": "normal",
            "drawn-keys.data": None, "playing.data": False}
    mid = engine.advance(big).to_dict()  # the forward pass of layer 1 on show: a Step reveals the next phase
    last = "W7[3,7]"  # the last layer's last weight: the longest chain for the equations
    rows = []

    def add(what, cb, values, changed, note=""):
        times, size, cpu = _timed(server, page.body(cb, values, changed), what, REPEATS, note)
        rows.append((what, times, size, cpu))

    add("Step (one phase)", act, base | {"lab-state.data": mid}, "step.n_clicks")
    add("Full step (batch of 2,000, Adam)", act, base, "full-step.n_clicks")
    add("play tick, normal (1 step), all drawn", act, base | {"playing.data": True, "play-tick.data": {"charts": True}},
        "play-tick.data")
    add("play tick, fast (15 ms training), all drawn", act,
        base | {"speed.value": "fast", "playing.data": True, "play-tick.data": {"charts": True}}, "play-tick.data")
    slider = hostile.prop_id({"aio_id": hostile.SLIDER_PARAM, "component": "WeightSliderAIO", "subcomponent": "slider"},
                             "value")
    add("slider move", act, base, slider)
    add("Pause: catch up with everything", page.callback("view.data"), base | {"playing.data": False},
        "playing.data")
    panel = base | {"charts-due.data": big.counters.step, "hover-neuron.data": None, "panel-keys.data": None,
                    "slice-param.value": last, "contour-x.value": "W1[0,0]", "contour-y.value": last,
                    "contour-path.data": [[0.1 * i, -0.1 * i] for i in range(1000)]}
    add("slice: loss along one weight, 121 points", panels, panel | {"panel-tabs.value": "slice"}, "panel-tabs.value")
    add("contour: 41 × 41 grid, a path of 1,000", panels, panel | {"panel-tabs.value": "contour"},
        "panel-tabs.value")
    for other in ("tanh", "relu", "leaky_relu", "linear"):
        lab_other = biggest_state(activation=other).to_dict()
        add(f"contour, {other} layers", panels, panel | {"panel-tabs.value": "contour", "lab-state.data": lab_other,
                                                          "start-state.data": lab_other}, "panel-tabs.value")
    add("surface tab, 8 inputs: the data chart only", panels, panel | {"panel-tabs.value": "surface"},
        "panel-tabs.value")
    add("surface: 2-8×6-1, 2,000 points, 50 × 50 grid", panels,
        panel | {"lab-state.data": flat_lab, "panel-tabs.value": "surface", "hover-neuron.data": "n6-7"},
        "panel-tabs.value")
    for tab in ("equations", "blame", "reverse", "brute", "worked"):
        label = {"brute": "Try them all, k = 1,000,000"}.get(tab, tab)
        add(f"maths: {label}", maths, base | {"maths-tabs.value": tab, "selected-param.data": last,
                                             "brute-k.value": 1_000_000},
            "maths-tabs.value")
    add("Copy link", page.callback("share-query.data"), base | {"copy-link.n_clicks": 1}, "copy-link.n_clicks")
    for button in ("save-lab", "export-json", "export-numpy"):
        add(f"download: {button}", page.callback("download.data"), base | {f"{button}.n_clicks": 1},
            f"{button}.n_clicks")
    saved = "data:application/json;base64," + base64.b64encode(big.to_json().encode()).decode()
    add(f"load a saved lab of {len(big.to_json()) // 1000} KB", act, base | {"load-lab.contents": saved},
        "load-lab.contents", note="Loaded")
    rows_csv = "x1,x2,label\n" + "".join(f"{i % 97 / 10:.3f},{i % 89 / 10:.3f},{i % 2}\n" for i in range(2000))
    csv = "data:text/csv;base64," + base64.b64encode(rows_csv.encode()).decode()
    add(f"upload a CSV of 2,000 rows ({len(rows_csv) // 1000} KB)", act, base | {"upload-csv.contents": csv},
        "upload-csv.contents", note="Your data:")
    ball = {"panel-tabs.value": "ball", "toy-curve.value": "two_valleys", "ball-lr.value": 0.001,
            "ball-options.value": ["momentum"], "ball-timer.disabled": False,
            "ball.data": {"curve": "two_valleys", "x": [2.0 - 0.0005 * i for i in range(1000)]}}
    add("ball: a step at the end of a path of 1,000", page.callback("ball.data"), ball, "ball-step.n_clicks")
    return rows


def collect() -> list:
    rows = []
    with AppServer() as server:
        page = hostile.Page.fetch(server)
        t0 = time.monotonic()
        results, complete = hostile.run(server, hostile.cases(page, N_RANDOM), max_seconds=MAX_SECONDS)
        seconds = time.monotonic() - t0
        ms = [r.ms for r in results]
        statuses: dict[int, int] = {}
        for r in results:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        failed = [r for r in results if r.failed]
        print(hostile.summary(results, seconds), file=sys.stderr)
        if failed:
            print("failed on the server:\n" + hostile.report(results, limit=2), file=sys.stderr)
        slowest = max(results, key=lambda r: r.ms)
        rows.append(Row(GROUP, f"hostile requests ({len(results)})", statistics.median(ms), hostile.percentile(ms, 0.95),
                        note=f"{seconds:.0f} s{'' if complete else ', stopped at the time bound'}; statuses "
                             + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))))
        rows.append(Row(GROUP, "hostile: p99", hostile.percentile(ms, 0.99)))
        rows.append(Row(GROUP, "hostile: the slowest", slowest.ms, note=slowest.target[:70]))
        ok = 100.0 * (len(results) - len(failed)) / len(results)
        rows.append(Row(GROUP, "hostile: answered without a server failure", ok, unit="%", budget=100.0,
                        higher_is_better=True,
                        note=f"{sum(r.well_formed for r in failed)} well-formed, "
                             f"{sum(not r.well_formed for r in failed)} broken envelopes: a 5xx or a traceback logged"))
        leaks = sum(bool(r.problem) for r in results)
        rows.append(Row(GROUP, "hostile: answers without a traceback or a path", 100.0 * (len(results) - leaks)
                        / len(results), unit="%", budget=100.0, higher_is_better=True))
        worst, costliest = ("", 0.0), ("", 0.0)
        for what, times, size, cpu in maximal(server, page):
            median, p95 = statistics.median(times), max(times)
            rows.append(Row(GROUP, f"max: {what}", median, p95,
                            note=f"CPU {statistics.median(cpu):.0f} ms (max {max(cpu):.0f}); {size / 1024:.0f} KB "
                                 "answer; max in p95"))
            worst = max(worst, (what, p95), key=lambda w: w[1])
            costliest = max(costliest, (what, max(cpu)), key=lambda w: w[1])
        rows.append(Row(GROUP, "the slowest valid request (its slowest time)", worst[1], note=worst[0]))
        rows.append(Row(GROUP, "the costliest valid request (its most CPU)", costliest[1], budget=CPU_BUDGET_MS,
                        note=costliest[0]))
        if not server.alive():
            raise SystemExit("the server died during the run")
    rows += fairness_rows()
    from bench.slow_clients import classroom_rows  # its own server: the classroom command, 32 slow bodies

    rows += classroom_rows()
    return rows


def fairness_rows() -> list:
    from app import create_app

    dash = create_app()
    rows = []
    for kind in fairness.COMMANDS:
        result = fairness.measure(kind, dash)
        print(fairness.summary(result), file=sys.stderr)
        alone, loaded, cache = result["alone"], result["loaded"], result["cache"]
        rows.append(Row(GROUP, f"{kind}: Step (default lesson), alone", statistics.median(alone),
                        fairness.percentile(alone, 0.95), note=f"n={len(alone)}, {result['wrong_alone']} wrong"))
        rows.append(Row(GROUP, f"{kind}: Step under 8 costliest maps", statistics.median(loaded["times"]),
                        fairness.percentile(loaded["times"], 0.95),
                        note=f"n={len(loaded['times'])}, {loaded['wrong']} wrong; maps drawn {loaded['drawn']}, "
                             f"refused for fairness {loaded['refused']}, other {len(loaded['other'])}"))
        rows.append(Row(GROUP, f"{kind}:   p95 of the Step under 8 maps", fairness.percentile(loaded["times"], 0.95),
                        budget=STEP_P95_BUDGET_MS))
        for i, (rss, peak) in enumerate(cache["rss"], 1):
            rows.append(Row(GROUP, f"{kind}: worker {i} memory after the cache test", rss, unit="MB",
                            budget=RSS_BUDGET_MB, note=f"peak {peak:.0f} MB; {cache['requests']} distinct data sets "
                                                       f"in {cache['seconds']:.0f} s"))
    return rows


if __name__ == "__main__":
    main(collect)
