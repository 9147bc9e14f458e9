"""A classroom: the README's classroom command on loopback, and 60 simulated students for 60 s.

The server is `backprop-lab` (`python -m app`: waitress, one process, 8 threads) unless `--server
gunicorn` asks for the README's earlier command (`gunicorn --workers 2 --threads 4`), to compare.

Each student is a thread that does what a browser tab does, with the page's real requests
(built by bench/app.py's `body()`, the same requests the page sends):

1. load the page: GET /, /_dash-layout, /_dash-dependencies; then the first callbacks (act,
   pin, panels, ball), choose its own lesson (preset) and seed, and pin the slider W1[0,0];
2. then once a second a Step click (for `seconds`; a page that answers late is not caught up with
   a burst of clicks): the act callback (Step) with its own lab-state — its answer carries the new
   state and the network drawn from it — then the callback the new lab-state fires: panels
   (data-chart.figure…, tab "surface"), with
   the stores as the previous responses left them;
3. about every 10 s a slider drag: 5 moves of W1[0,0], 50 ms apart, each with its act → panels.

A student keeps only its own stores, like a browser tab: it starts from its own lesson and seed,
and at the end its lab must be exactly where its own clicks put it (updates made and phase on
show; its own row). Measured: the latency of every request, errors (a failed or timed-out request,
a status other than 200 — 204 is fine for the callbacks that may answer "nothing changed" —, an
error message from the app, a Step that did not change the lab, a traceback in the server's log),
each serving process's memory (VmRSS at the end) and CPU time (from /proc, before/after: with gunicorn
both workers must work; nothing is added to the app). Budgets: p95 ≤ 200 ms, no errors, ≤ 200 MB per
process.

The students share the machine with the server: their CPU time is shown, and so is what other
processes took meanwhile — on 2 cores, another benchmark running at the same time is enough to
push the p95 over budget. Everything is bounded: the number of students, steps and requests, each
request (10 s), each student (its `seconds`), the whole run; the server is always stopped.

Run: `.venv/bin/python bench/classroom.py` (60 s, 60 students), or e.g.
`.venv/bin/python bench/classroom.py --seconds 10 --students 10` for a quick look; `--server gunicorn`
or `--threads 4` to compare.
"""

import argparse
import http.client
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# bench/ holds a file called engine.py: never let it shadow the engine package (the project root first).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (HERE, ROOT)]

import engine
from bench.app import SLIDER, body, layout_values  # body(): the page's real callback requests
from bench.server import children as _children  # /proc and port helpers, shared with the other server benches
from bench.server import cpu_seconds as _cpu_seconds
from bench.server import free_port as _free_port
from bench.server import memory_mb as _memory_mb
from bench.server import stop_process
from bench.table import Row, header, render, summarise
from components.weight_slider import WeightSliderAIO

GROUP = "classroom"
WORKERS = 2  # gunicorn's
THREADS = 4  # gunicorn's threads per worker, as the README's earlier command had them
PARAM = "W1[0,0]"  # the pinned slider
ARRIVAL_SECONDS = 5.0  # students open the page within the first seconds, not all in the same millisecond
DRAG_EVERY = 10  # steps between slider drags
DRAG_MOVES, DRAG_GAP, DRAG_DELTA = 5, 0.05, 0.05
REQUEST_TIMEOUT = 10.0
BOOT_TIMEOUT = 30.0
BUDGET_P95_MS = 200.0
BUDGET_MB = 200.0
ALLOWED_204 = ("pin", "ball")  # may answer "nothing to update"; the others always update something
SLIDER_CHANGED = json.dumps(SLIDER, sort_keys=True, separators=(",", ":")) + ".value"
OUTPUT_OF = {"act": "lab-state.data", "pin": "pinned.data", "panels": "data-chart.figure",
             "ball": "ball.data"}


# ---------------------------------------------------------------- the server

def _machine_busy_seconds() -> float:
    """CPU time all processes on the machine have used since boot (not idle, not waiting for I/O)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


class Server:
    """From the repo root, on loopback: "backprop-lab" is `python -m app --host 127.0.0.1 --port PORT`
    (waitress, one process; `threads` if given), "gunicorn" is `gunicorn --workers 2 --threads 4
    --bind 127.0.0.1:PORT --no-control-socket app.wsgi:server`."""

    def __init__(self, log, kind: str = "backprop-lab", threads: int | None = None):
        self.port = _free_port()
        self.log = log  # a binary file: the server's output, read for tracebacks
        self.kind = kind
        if kind == "gunicorn":
            gunicorn = Path(sys.executable).parent / "gunicorn"
            command = [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
            command += ["--workers", str(WORKERS), "--threads", str(threads or THREADS),
                        "--bind", f"127.0.0.1:{self.port}", "--no-control-socket", "app.wsgi:server"]
            self.n_workers = WORKERS
        else:
            command = [sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(self.port)]
            command += ["--threads", str(threads)] if threads else []
            self.n_workers = 0  # the process serves itself
        self.command = " ".join(["backprop-lab", *command[3:]] if kind != "gunicorn" else ["gunicorn", *command[1:]])
        self.proc = subprocess.Popen(command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)

    def serving(self) -> list[int]:
        """The processes that run the app: gunicorn's workers, or the server itself."""
        if not self.n_workers:
            return [self.proc.pid] if self.proc.poll() is None else []
        return _children(self.proc.pid)

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def wait_ready(self) -> list[int]:
        """Until it answers and every worker has finished loading the app; returns the serving pids."""
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited ({self.proc.returncode}):\n{self.log_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.kind} did not answer within {BOOT_TIMEOUT:.0f} s:\n"
                                   f"{self.log_text()[-2000:]}")
            try:
                if _get(self.port, "/") == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        cpu = None
        while time.monotonic() < deadline:  # every worker booted: its CPU time stands still
            workers = self.serving()
            now = [_cpu_seconds(p) for p in workers] if len(workers) == max(1, self.n_workers) else None
            if now is not None and now == cpu:
                return workers
            cpu = now
            time.sleep(0.3)
        raise RuntimeError(f"expected {max(1, self.n_workers)} settled workers, found {self.serving()}")

    def stop(self) -> None:
        stop_process(self.proc)


# ---------------------------------------------------------------- a student

def expected_after(events: list, n_layers: int) -> tuple[int, int]:
    """(updates made, cursor index) after these events from a fresh lab: "step" (one phase),
    "slider" (a weight set by hand: everything up to the last backward phase is shown)."""
    last = 2 * n_layers + 1  # the update phase
    updates, index = 0, -1
    for event in events:
        if event == "slider":
            index = 2 * n_layers
        elif index == last:
            index = 0  # the next batch's forward pass
        else:
            index += 1
            updates += index == last
    return updates, index


class Student(threading.Thread):
    def __init__(self, number: int, port: int, app, t0: float, seconds: float, preset: str, seed: int):
        super().__init__(daemon=True, name=f"student-{number}")
        self.number, self.port, self.app = number, port, app
        self.rng = random.Random(number)
        self.arrive = t0 + self.rng.uniform(0, ARRIVAL_SECONDS)
        self.seconds, self.preset, self.seed = seconds, preset, seed
        self.max_requests = int(seconds * (4 + 4 * DRAG_MOVES / DRAG_EVERY) + 40)
        self.values: dict = {}  # the page's props as this tab holds them
        self.sliders: dict = {}  # pinned sliders: name → value
        self.latency = defaultdict(list)  # kind → ms
        self.requests = 0
        self.errors: list[str] = []
        self.events: list[str] = []
        self.checked = False
        self.mismatch = ""  # set by check() when the lab is not where this student's clicks put it

    # -- one request
    def _send(self, method: str, path: str, payload: bytes | None, kind: str):
        if self.requests >= self.max_requests:
            raise RuntimeError("request cap reached")
        self.requests += 1
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        t = time.perf_counter()
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        self.latency[kind].append((time.perf_counter() - t) * 1000)
        return response.status, data

    def get(self, path: str) -> bytes:
        status, data = self._send("GET", path, None, "page load")
        if status != 200:
            self.errors.append(f"GET {path}: {status}")
        return data

    def call(self, name: str, changed: str | None, kind: str) -> dict:
        """POST one callback as the page would, and keep what it answers; returns the response's outputs."""
        payload = body(self.app, OUTPUT_OF[name], self.values, changed or "", self.sliders)
        if changed is None:
            payload["changedPropIds"] = []  # the first call when the page loads
        if name == "pin":  # the unpin buttons of the pinned sliders (body() fills only the sliders)
            payload["inputs"][2] = [{"id": WeightSliderAIO.ids.unpin(p), "property": "n_clicks", "value": 0}
                                    for p in self.sliders]
        status, data = self._send("POST", "/_dash-update-component", json.dumps(payload).encode(), kind)
        if status == 204 and name in ALLOWED_204:
            return {}
        if status != 200:
            self.errors.append(f"{name} ({kind}): HTTP {status} {data[:200]!r}")
            return {}
        outputs = json.loads(data)["response"]
        for key, props in outputs.items():
            if key.startswith("{"):
                ident = json.loads(key)
                if ident.get("subcomponent") == "slider":
                    self.sliders[ident["aio_id"]] = props["value"]
            else:
                self.values.update({f"{key}.{prop}": value for prop, value in props.items()})
        if name == "act" and outputs.get("message", {}).get("children"):
            self.errors.append(f"act ({kind}): the page says {outputs['message']['children']!r}")
        return outputs

    def chain(self, changed: str | None, kind: str) -> None:
        """act, then the callbacks the new lab-state fires, as the browser sends them."""
        t = time.perf_counter()
        outputs = self.call("act", changed, f"{kind}: act")
        if "lab-state" in outputs:
            self.call("panels", "lab-state.data", f"{kind}: panels")
        elif kind != "load":
            self.errors.append(f"{kind}: the lab did not change")
        self.latency[f"{kind} → all answered"].append((time.perf_counter() - t) * 1000)

    # -- the session
    def run(self) -> None:
        try:
            self.session()
        except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError, RuntimeError,
                engine.LabInputError) as e:
            # a refused connection, a timeout, an answer of the wrong shape, the request cap: all errors
            self.errors.append(f"{type(e).__name__}: {e}")

    def session(self) -> None:
        time.sleep(max(0.0, self.arrive - time.monotonic()))
        self.get("/")
        layout_values(json.loads(self.get("/_dash-layout")), self.values)
        self.get("/_dash-dependencies")
        self.chain(None, "load")  # the first callbacks: no lab in this tab yet
        self.call("ball", None, "load: ball")
        if self.preset != self.values["preset.value"]:
            self.values["preset.value"] = self.preset
            self.chain("preset.value", "load")
        self.values["seed.value"] = self.seed
        self.chain("seed.value", "load")
        self.values["pick-param.value"] = PARAM
        self.call("pin", "pick-param.value", "load: pin")
        self.sliders.setdefault(PARAM, round(engine.ParamRef.parse(PARAM, self._state().spec).get(
            self._state().params), 4))
        end = time.monotonic() + self.seconds
        drag_at = self.rng.randrange(DRAG_EVERY)
        tick = time.monotonic()
        for k in range(int(self.seconds)):  # a click a second; a late page is not caught up with a burst
            time.sleep(max(0.0, tick - time.monotonic()))
            if time.monotonic() >= end:
                break
            tick = time.monotonic()
            self.values["step.n_clicks"] = (self.values.get("step.n_clicks") or 0) + 1
            self.events.append("step")
            self.chain("step.n_clicks", "Step")
            if k % DRAG_EVERY == drag_at and tick + 1 < end:
                self.drag(tick + 0.4, -1 if (k // DRAG_EVERY) % 2 else 1)
            tick += 1.0
        self.check()

    def drag(self, at: float, direction: int) -> None:
        value = round(self.sliders[PARAM], 2)
        for j in range(DRAG_MOVES):
            time.sleep(max(0.0, at + j * DRAG_GAP - time.monotonic()))
            new = round(value + direction * DRAG_DELTA * (j + 1), 2)
            self.sliders[PARAM] = new
            self.events.append("slider")
            self.chain(SLIDER_CHANGED, "slider move")

    def _state(self) -> engine.LabState:
        return engine.LabState.from_dict(self.values["lab-state.data"])

    def check(self) -> None:
        """The lab is this student's own, exactly where its own clicks put it."""
        state = self._state()
        want = expected_after(self.events, state.spec.n_layers)
        got = (state.counters.step, state.cursor.index)
        if state.seed != self.seed or got != want:
            self.mismatch = (f"student {self.number}: seed {state.seed}, (updates, phase) {got}; "
                             f"its own clicks give seed {self.seed}, {want}")
        self.checked = True

    @property
    def isolated(self) -> bool:
        return self.checked and not self.mismatch


# ---------------------------------------------------------------- the run

KINDS = ("page load", "load: act", "load: pin", "load: panels", "load: ball", "Step: act",
         "Step: panels", "Step → all answered", "slider move: act",
         "slider move: panels", "slider move → all answered")


def collect(seconds: float = 60, students: int = 60, server: str = "backprop-lab", threads: int | None = None) -> list:
    from app import create_app

    app = create_app()  # only for its callback map: body() builds requests from it
    presets = list(engine.PRESETS)
    with tempfile.TemporaryFile() as log_file:
        server = Server(log_file, server, threads)
        try:
            return _run(server, app, presets, seconds, students)
        finally:
            server.stop()


def _run(server: Server, app, presets: list, seconds: float, students: int) -> list:
    workers = server.wait_ready()
    cpu_before = [_cpu_seconds(p) for p in workers]
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    master = server.proc.pid if server.n_workers else None  # gunicorn's master; waitress has none
    master_before, machine_before = _cpu_seconds(master) if master else 0.0, _machine_busy_seconds()
    t0 = time.monotonic()
    class_ = [Student(i, server.port, app, t0, seconds, presets[i % len(presets)], 1 + i) for i in range(students)]
    for s in class_:
        s.start()
    for s in class_:
        s.join(max(1.0, t0 + ARRIVAL_SECONDS + seconds + 60 - time.monotonic()))
    wall = time.monotonic() - t0
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    master_cpu = _cpu_seconds(master) - master_before if master else 0.0
    machine = _machine_busy_seconds() - machine_before
    stuck = [s.name for s in class_ if s.is_alive()]
    now = server.serving()
    cpu_after = [_cpu_seconds(p) if p in now else float("nan") for p in workers]
    memory = [_memory_mb(p) if p in now else (float("nan"),) * 2 for p in workers]
    master_mb = _memory_mb(master)[0] if master else None
    log = server.log_text()

    latency = defaultdict(list)
    for s in class_:
        for kind, samples in s.latency.items():
            latency[kind].extend(samples)
    errors = [e for s in class_ for e in s.errors] + [f"{n} still running at the end" for n in stuck]
    errors += [f"{s.name} did not finish" for s in class_ if not s.checked and s.name not in stuck]
    tracebacks = log.count("Traceback")
    if now != workers:
        errors.append(f"the workers changed during the run: {workers} → {now}")
    n_requests = sum(s.requests for s in class_)
    n_errors = len(errors) + tracebacks
    for e in sorted(set(errors))[:10] + [s.mismatch for s in class_ if s.mismatch][:10]:
        print(f"classroom error: {e}", file=sys.stderr)
    if tracebacks:
        print(f"classroom: {tracebacks} tracebacks in the server log:\n{log[-3000:]}", file=sys.stderr)

    rows = []
    for kind in KINDS:
        if latency.get(kind):
            median, p95 = summarise(latency[kind])
            rows.append(Row(GROUP, f"{kind} ({len(latency[kind])})", median, p95))
    every = [t for kind, samples in latency.items() if "→" not in kind for t in samples]
    median, p95 = summarise(every) if every else (float("nan"),) * 2
    rows.append(Row(GROUP, f"every request ({len(every)})", median, p95, note=server.command))
    rows.append(Row(GROUP, "p95 of every request", p95, budget=BUDGET_P95_MS))
    ok = 100.0 * (n_requests - n_errors) / n_requests if n_requests else 0.0
    rows.append(Row(GROUP, "requests answered correctly", ok, unit="%", budget=100.0, higher_is_better=True,
                    note=f"{n_errors} errors in {n_requests} requests ({tracebacks} tracebacks in the server log)"))
    isolated = sum(s.isolated for s in class_)
    clicks = sum(s.events.count("step") for s in class_)
    rows.append(Row(GROUP, "students whose lab is where their own clicks put it", 100.0 * isolated / students,
                    unit="%", budget=100.0, higher_is_better=True,
                    note=f"{isolated} of {students}, each its own lesson and seed; {clicks} of "
                         f"{students * int(seconds)} Step clicks made in time"))
    rows.append(Row(GROUP, "requests served per second", n_requests / wall, unit="/s",
                    note=f"{n_requests} in {wall:.0f} s, {students} students"))
    used = [after - before for before, after in zip(cpu_before, cpu_after)]
    total = sum(used)
    for i, (pid, cpu, (rss, peak)) in enumerate(zip(workers, used, memory), 1):
        name = f"worker {i}" if master else "the server (one process)"
        if master:
            rows.append(Row(GROUP, f"{name}: share of the workers' CPU time", 100.0 * cpu / total if total else 0.0,
                            unit="%", note=f"pid {pid}: {cpu:.1f} s of CPU in {wall:.0f} s"))
        rows.append(Row(GROUP, f"{name}: memory (VmRSS at the end)", rss, unit="MB", budget=BUDGET_MB,
                        note=f"peak {peak:.0f} MB"))
    if master:
        rows.append(Row(GROUP, "master: memory (VmRSS at the end)", master_mb, unit="MB"))
    own = (own_after.ru_utime + own_after.ru_stime) - (own_before.ru_utime + own_before.ru_stime)
    rows.append(Row(GROUP, "CPU: the students (simulated on the same machine)", 100 * own / wall, unit="%",
                    note=f"of one core; the server {100 * total / wall:.0f} %"))
    others = max(0.0, machine - own - total - master_cpu)  # kernel time for loopback makes it ±2 %
    rows.append(Row(GROUP, "CPU: other processes on the machine meanwhile", 100 * others / wall, unit="%",
                    note=f"of one core (of {os.cpu_count()}): a busy machine slows the server"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="how long each student works (default 60)")
    parser.add_argument("--students", type=int, default=60, help="how many students (default 60)")
    parser.add_argument("--server", choices=("backprop-lab", "gunicorn"), default="backprop-lab",
                        help="the classroom command (default), or gunicorn --workers 2 --threads 4")
    parser.add_argument("--threads", type=int, help="threads: backprop-lab's (default 8), gunicorn's per worker (4)")
    args = parser.parse_args()
    if not (1 <= args.seconds <= 600 and 1 <= args.students <= 500 and 1 <= (args.threads or 1) <= 64):
        parser.error("--seconds from 1 to 600, --students from 1 to 500, --threads from 1 to 64")
    rows = collect(args.seconds, args.students, args.server, args.threads)
    print(header())
    print(render(rows))


if __name__ == "__main__":
    main()
