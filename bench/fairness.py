"""Fairness and memory under the most expensive valid requests, on the classroom servers (loopback).

For each server — the classroom command `backprop-lab` (waitress) and, to compare,
`gunicorn --workers 2 --threads 4 app.wsgi:server` — this measures:

1. a normal student's Step (the default lesson, as the page sends it; its answer checked against
   the engine) alone: p50 and p95 of STEPS Steps, one every STEP_GAP;
2. the same Step while one client keeps 8 requests for the most expensive map in flight (the largest
   lab, sigmoid layers, 2,000 rows; each sent again as soon as its answer comes): p50 and p95, and
   how many of the maps were drawn and how many were refused for fairness (app/fairness.py);
3. a cache test: up to CACHE_REQUESTS Steps, each on a lab carrying its own CACHE_ROWS rows × 8 inputs
   (distinct data every time), from 4 threads; then every worker's resident memory (VmRSS).

Every phase is bounded in count and time; the server is always stopped. Used by bench/hostile.py
(rows of the table) and tests/app/test_fairness.py (the mechanism, without timed assertions).
"""

import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

import engine
from bench import hostile_requests as hostile
from bench.app import body as app_body
from bench.app import controls
from bench.server import ROOT, children, free_port, memory_mb, request, stop_process

BOOT_TIMEOUT = 30.0
TIMEOUT = 20.0  # per request
STEPS, STEP_GAP = 60, 0.1
LOAD_SECONDS = 12.0  # the longest the 8 maps are kept in flight
CONCURRENT = 8
CACHE_REQUESTS, CACHE_SECONDS, CACHE_THREADS = 3000, 75.0, 4
CACHE_ROWS = 1000  # 0.8 MB a data set in the cache (2,000 rows: 1.6 MB, and half as many requests a second)
COMMANDS = {
    "gunicorn": ["gunicorn", "--workers", "2", "--threads", "4", "--bind", "127.0.0.1:{port}", "--no-control-socket",
                 "app.wsgi:server"],
    # The README's classroom command (waitress, one process, 8 threads), on loopback.
    "backprop-lab": ["backprop-lab", "--port", "{port}"],
}


def percentile(values, q: float) -> float:
    return float(np.percentile(values, 100 * q)) if values else float("nan")


class WsgiServer:
    """One of COMMANDS from the repo root on a free loopback port; `workers` are the processes that serve."""

    def __init__(self, kind: str):
        self.kind = kind
        self.port = free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        exe = Path(sys.executable).parent / COMMANDS[kind][0]
        command = [str(exe)] + [a.format(port=self.port) for a in COMMANDS[kind][1:]]
        self.proc = subprocess.Popen(command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.workers: list[int] = []

    def __enter__(self):
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        stop_process(self.proc)
        self.log.close()

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited ({self.proc.returncode}):\n{self.log_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.kind} did not answer within {BOOT_TIMEOUT:.0f} s")
            try:
                if request(self.port, "GET", "/", timeout=2.0)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        if self.kind == "gunicorn":
            while len(children(self.proc.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            self.workers = children(self.proc.pid)
            for _ in range(20):  # a request to each worker, so both have built the app
                request(self.port, "GET", "/", timeout=5.0)
        else:
            self.workers = [self.proc.pid]

    def post(self, payload: bytes, timeout: float = TIMEOUT):
        return request(self.port, "POST", hostile.ENDPOINT, payload, {"Content-Type": "application/json"}, timeout)


# ---------------------------------------------------------------- the requests

def step_request(dash_app) -> tuple[bytes, dict]:
    """A normal student's Step on the default lesson, and the lab state the engine says it answers."""
    state = engine.PRESETS["default"].state()
    mid = engine.advance(engine.advance(state))
    values = controls(state) | {"preset.value": "default", "speed.value": "normal", "lab-state.data": mid.to_dict(),
                                "start-state.data": state.to_dict(), "painted-key.data": "2-2-1", "step.n_clicks": 1}
    payload = json.dumps(app_body(dash_app, "lab-state.data", values, "step.n_clicks")).encode()
    return payload, json.loads(json.dumps(engine.advance(mid).to_dict()))


def step_answer_ok(status: int, data: bytes, expected: dict) -> bool:
    if status != 200:
        return False
    answer = json.loads(data)["response"]
    return answer.get("lab-state", {}).get("data") == expected and not answer.get("message", {}).get("children")


def map_request(dash_app, activation: str = "sigmoid") -> bytes:
    """The most expensive map the page can ask for: the largest lab (bench/hostile.py), 2,000 rows,
    the first weight against the last, a path of 1,000 points."""
    from bench.hostile import biggest_state

    big = biggest_state(activation=activation)
    lab = big.to_dict()
    values = {"lab-state.data": lab, "charts-due.data": big.counters.step, "hover-neuron.data": None,
              "panel-keys.data": None, "slice-param.value": "W7[3,7]", "contour-x.value": "W1[0,0]",
              "contour-y.value": "W7[3,7]", "contour-path.data": [[0.1 * i, -0.1 * i] for i in range(1000)],
              "panel-tabs.value": "contour", "panel-retry.n_intervals": None}
    return json.dumps(app_body(dash_app, "data-chart.figure", values, "panel-tabs.value")).encode()


def map_outcome(status: int, data: bytes) -> str:
    """"drawn", "refused" (for fairness, with the page told so) or what went wrong."""
    if status != 200:
        return f"HTTP {status}"
    answer = json.loads(data)["response"]
    note = answer.get("contour-note", {}).get("children", "")
    figure = answer.get("contour-chart", {}).get("figure", {})
    if "busy" in note and answer.get("panel-retry", {}).get("disabled") is False and not figure.get("data"):
        return "refused"
    if figure.get("data") and figure["data"][0].get("type") == "contour" and "∇C" in note:
        return "drawn"
    return f"unexpected answer: {note[:80]!r}"


SENTINEL = 3141592653  # the data's seed in the template: each request writes its own number there


def cache_template(dash_app) -> bytes:
    """A Step on an 8-2-1 lab carrying CACHE_ROWS rows × 8 inputs of its own data; the data's seed is
    SENTINEL, for cache_request to replace (a distinct seed is a distinct data set: made and cached anew)."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (CACHE_ROWS, 8)).round(4)
    data = engine.DataSpec("explicit", test_fraction=0.2, seed=SENTINEL, kind="regression",
                           x=tuple(map(tuple, x.tolist())), y=tuple((float(v),) for v in x[:, 0].round(4)))
    spec = engine.NetworkSpec((8, 2, 1), ("tanh", "linear"), "mse", "xavier")
    state = engine.LabState("distinct data", 0, spec, engine.init_params(spec, rng),
                            engine.TrainConfig("sgd", 0.1, batch_size=10), data)
    values = controls(state) | {"preset.value": "default", "speed.value": "normal", "lab-state.data": state.to_dict(),
                                "start-state.data": state.to_dict(), "painted-key.data": "8-2-1",
                                "step.n_clicks": 1}
    return json.dumps(app_body(dash_app, "lab-state.data", values, "step.n_clicks")).encode()


def cache_request(template: bytes, i: int) -> bytes:
    return template.replace(str(SENTINEL).encode(), str(i).encode())


# ---------------------------------------------------------------- the phases

def steps(server, payload: bytes, expected: dict, n: int = STEPS, gap: float = STEP_GAP,
          until=lambda: False) -> tuple[list[float], int]:
    """Milliseconds of up to n Steps one after another (a gap between), and how many answers were wrong."""
    times, wrong = [], 0
    for _ in range(n):
        if until():
            break
        status, data, ms = server.post(payload)
        times.append(ms)
        wrong += not step_answer_ok(status, data, expected)
        time.sleep(gap)
    return times, wrong


def under_load(server, step_payload: bytes, expected: dict, map_payload: bytes,
               seconds: float = LOAD_SECONDS, n_steps: int = STEPS) -> dict:
    """A Step every STEP_GAP while CONCURRENT map requests are kept in flight (bounded by `seconds`)."""
    outcomes: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    deadline = time.monotonic() + seconds

    def attacker():
        while not stop.is_set() and time.monotonic() < deadline:
            status, data, _ = server.post(map_payload)
            with lock:
                outcomes.append(map_outcome(status, data))

    threads = [threading.Thread(target=attacker, daemon=True) for _ in range(CONCURRENT)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # every attacker has a map in flight
    try:
        times, wrong = steps(server, step_payload, expected, n_steps, STEP_GAP, lambda: time.monotonic() > deadline)
    finally:
        stop.set()
        for t in threads:
            t.join(TIMEOUT + 5)
    return {"times": times, "wrong": wrong, "drawn": outcomes.count("drawn"), "refused": outcomes.count("refused"),
            "other": [o for o in outcomes if o not in ("drawn", "refused")]}


def cache_test(server, dash_app, n: int = CACHE_REQUESTS, seconds: float = CACHE_SECONDS) -> dict:
    """n Steps with distinct data sets from CACHE_THREADS threads (stops at `seconds`); then each worker's RSS."""
    template = cache_template(dash_app)
    deadline = time.monotonic() + seconds
    counter = iter(range(n))
    lock = threading.Lock()
    statuses: dict[int, int] = {}

    def client():
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            status = server.post(cache_request(template, i))[0]
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CACHE_THREADS)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + TIMEOUT)
    return {"requests": sum(statuses.values()), "statuses": statuses, "seconds": time.monotonic() - t0,
            "rss": [memory_mb(p) for p in server.workers]}


def measure(kind: str, dash_app, cache_requests: int = CACHE_REQUESTS) -> dict:
    step_payload, expected = step_request(dash_app)
    map_payload = map_request(dash_app)
    with WsgiServer(kind) as server:
        alone, wrong_alone = steps(server, step_payload, expected)
        loaded = under_load(server, step_payload, expected, map_payload)
        after_load = [memory_mb(p) for p in server.workers]
        cache = cache_test(server, dash_app, cache_requests)
    return {"kind": kind, "alone": alone, "wrong_alone": wrong_alone, "loaded": loaded, "rss_after_load": after_load,
            "cache": cache}


def summary(result: dict) -> str:
    a, lo = result["alone"], result["loaded"]
    cache = result["cache"]
    return (f"{result['kind']}: Step alone p50 {statistics.median(a):.1f} ms, p95 {percentile(a, 0.95):.1f} ms; "
            f"under {CONCURRENT} maps p50 {statistics.median(lo['times']):.1f} ms, p95 {percentile(lo['times'], 0.95):.1f}"
            f" ms ({len(lo['times'])} Steps, {lo['wrong']} wrong); maps drawn {lo['drawn']}, refused {lo['refused']}, "
            f"other {len(lo['other'])}; RSS after the load {', '.join(f'{r[0]:.0f}' for r in result['rss_after_load'])}"
            f" MB; after {cache['requests']} distinct data sets in {cache['seconds']:.0f} s "
            f"{', '.join(f'{r[0]:.0f} MB (peak {r[1]:.0f})' for r in cache['rss'])}")


if __name__ == "__main__":
    from app import create_app

    dash = create_app()
    for server_kind in sys.argv[1:] or list(COMMANDS):
        print(summary(measure(server_kind, dash)), flush=True)
