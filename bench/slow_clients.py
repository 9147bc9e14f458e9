"""Slow clients against a server command: does a student's Step still answer while others dawdle?

Three kinds of slow client, each holding `n` connections open and doing one small thing a second
(a connection the server closes is opened again, up to a bound):

- slow body: a POST to the callback endpoint with `Content-Length: 100000`, then one byte a second;
- slow headers (slowloris): a GET whose header lines arrive one a second and never end;
- slow reader: a GET of plotly.min.js (4.8 MB) read 1 KB a second through a 4 KB receive buffer.

Meanwhile one student clicks Step on the default lesson (the page's own request, built with bench/app.py's
`body()`), one request after another, and every answer must carry exactly the engine's next state.
`measure()` returns that Step's p50/p95 (a request that times out counts with its timeout); `throughput()`
counts the Steps per second 8 clients get with no attack (bench/classroom.py is the fuller picture).

Run: `.venv/bin/python -m bench.slow_clients` prints every candidate server (about 6 minutes), or
`--only waitress` for the candidates whose name holds that word. Everything is bounded: connections,
reopenings, requests, each request's timeout and each measurement's time; the server is always stopped.
"""

import argparse
import http.client
import importlib.util
import json
import socket
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# bench/ holds a file called engine.py: never let it shadow the engine package (the project root first).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (HERE, ROOT)]

import engine
from bench.app import body, controls
from bench.server import AppServer
from bench.table import Row, header, render, summarise

GROUP = "slow"  # the table's group column is 10 wide
ENDPOINT = "/_dash-update-component"
N_SLOW = 32
STEPS = 40
STEP_TIMEOUT = 30.0
MAX_SECONDS = 60.0  # for the Steps of one measurement
MAX_REOPEN = 2000
SETTLE = 2.0  # seconds for the slow connections to be accepted (and hold a thread, where they can) first
BIN = Path(sys.executable).parent

# The classroom command as the README gives it, on loopback (waitress inside, 8 threads: app/cli.py).
CLASSROOM = [sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", "{port}"]
GUNICORN = ([str(BIN / "gunicorn")] if (BIN / "gunicorn").exists() else [sys.executable, "-m", "gunicorn"]) + [
    "--bind", "127.0.0.1:{port}", "--no-control-socket"]


def _waitress(threads: int) -> list[str]:
    return [sys.executable, "-m", "waitress", "--listen=127.0.0.1:{port}", f"--threads={threads}", "app.wsgi:server"]


# Short names: they head the table's rows. "gunicorn 2×4" is gthread with 2 workers of 4 threads.
CANDIDATES = {
    "gunicorn 2×4 (old classroom)": GUNICORN + ["--workers", "2", "--threads", "4", "app.wsgi:server"],
    "gunicorn 2×32": GUNICORN + ["--workers", "2", "--threads", "32", "app.wsgi:server"],
    "waitress 4 threads": _waitress(4),
    "waitress 8 threads": _waitress(8),
    "waitress 16 threads": _waitress(16),
    "backprop-lab": CLASSROOM,
}
# Not dependencies of the project: measured when they are importable (e.g. PYTHONPATH to a pip --target).
if importlib.util.find_spec("gevent"):
    CANDIDATES["gunicorn gevent, 2 workers"] = GUNICORN + ["--worker-class", "gevent", "--workers", "2",
                                                           "app.wsgi:server"]
if importlib.util.find_spec("cheroot"):
    CANDIDATES["cheroot 10 threads"] = [sys.executable, "-m", "cheroot", "--bind", "127.0.0.1:{port}", "--threads",
                                        "10", "app.wsgi:server"]

_HEAD = "Host: 127.0.0.1\r\nUser-Agent: slow-client\r\n"


class SlowClients:
    """`n` connections of one kind (see the module docstring), kept going by one thread until stop()
    or `max_seconds`."""

    def __init__(self, port: int, kind: str, n: int = N_SLOW, max_seconds: float = 2 * MAX_SECONDS + 30):
        assert kind in ("body", "headers", "reader")
        self.port, self.kind, self.n = port, kind, n
        self.deadline = time.monotonic() + max_seconds
        self.socks: list[socket.socket | None] = [None] * n
        self.opened = self.reopened = self.failed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"slow-{kind}")

    def __enter__(self):
        for i in range(self.n):
            self._open(i)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)
        for s in self.socks:
            if s is not None:
                s.close()

    def _open(self, i: int) -> None:
        s = socket.socket()
        s.settimeout(2.0)
        if self.kind == "reader":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: a small window
        try:
            s.connect(("127.0.0.1", self.port))
            if self.kind == "body":
                s.sendall(f"POST {ENDPOINT} HTTP/1.1\r\n{_HEAD}Content-Type: application/json\r\n"
                          f"Content-Length: 100000\r\n\r\n{{".encode())
            elif self.kind == "headers":
                s.sendall(f"GET / HTTP/1.1\r\n{_HEAD}".encode())
            else:
                s.sendall(f"GET /_dash-component-suites/plotly/package_data/plotly.min.js HTTP/1.1\r\n{_HEAD}\r\n"
                          .encode())
            s.setblocking(False)
            self.socks[i] = s
            self.opened += 1
        except OSError:
            s.close()
            self.socks[i] = None
            self.failed += 1

    def _tick(self, i: int) -> None:
        s = self.socks[i]
        try:
            if s is None:
                raise OSError
            if self.kind == "body":
                s.send(b" ")  # JSON allows any amount of whitespace
            elif self.kind == "headers":
                s.send(f"X-Slow-{i}: x\r\n".encode())
            else:
                if s.recv(1024) == b"":
                    raise OSError  # the server closed it (or finished: open another)
        except BlockingIOError:
            pass  # nothing to read yet, or the send buffer is full: still open
        except OSError:
            if s is not None:
                s.close()
            self.socks[i] = None
            if self.reopened < MAX_REOPEN:
                self.reopened += 1
                self._open(i)

    def _run(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self.deadline:
            for i in range(self.n):
                self._tick(i)
            self._stop.wait(1.0)

    @property
    def open_now(self) -> int:
        return sum(s is not None for s in self.socks)


class Student:
    """Step on the default lesson, in the middle of the forward pass, as the page sends it."""

    def __init__(self, port: int, dash_app=None):
        if dash_app is None:
            from app import create_app

            dash_app = create_app()  # only for its callback map
        state = engine.PRESETS["default"].state()
        mid = engine.advance(engine.advance(state))
        values = controls(state) | {"preset.value": "default", "speed.value": "normal",
                                    "lab-state.data": mid.to_dict(), "start-state.data": state.to_dict(),
                                    "painted-key.data": "2-2-1", "step.n_clicks": 1}
        self.port = port
        self.payload = json.dumps(body(dash_app, "lab-state.data", values, "step.n_clicks")).encode()
        self.expected = json.loads(json.dumps(engine.advance(mid).to_dict()))

    def step(self, timeout: float = STEP_TIMEOUT) -> tuple[float, str]:
        """(milliseconds, what was wrong: "" when the answer is the engine's next state)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        t = time.perf_counter()
        try:
            conn.request("POST", ENDPOINT, self.payload, {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as e:
            return (time.perf_counter() - t) * 1000, f"{type(e).__name__}: {e}"
        finally:
            conn.close()
        ms = (time.perf_counter() - t) * 1000
        if response.status != 200:
            return ms, f"HTTP {response.status}"
        answer = json.loads(data)["response"]
        if answer.get("lab-state", {}).get("data") != self.expected:
            return ms, "not the engine's next state"
        return ms, ""


def steps(student: Student, n: int = STEPS, max_seconds: float = MAX_SECONDS,
          timeout: float = STEP_TIMEOUT) -> dict:
    """n Steps one after another (at most max_seconds): p50, p95 and max in ms, how many were wrong."""
    times, wrong = [], []
    end = time.monotonic() + max_seconds
    while len(times) < n and time.monotonic() < end:
        ms, problem = student.step(min(timeout, max(1.0, end - time.monotonic() + 1)))
        times.append(ms)
        if problem:
            wrong.append(problem)
    p50, p95 = summarise(times)
    return {"p50": p50, "p95": p95, "max": max(times), "n": len(times), "wrong": wrong}


def throughput(port: int, student: Student, clients: int = 8, seconds: float = 5.0) -> float:
    """Steps answered correctly per second by `clients` threads clicking as fast as they get answers."""
    done = [0] * clients
    end = time.monotonic() + seconds

    def click(k):
        while time.monotonic() < end:
            done[k] += not student.step(10.0)[1]

    threads = [threading.Thread(target=click, args=(k,), daemon=True) for k in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 15)
    return sum(done) / (time.monotonic() - t0)


def measure(command: list[str], kind: str = "body", n: int = N_SLOW, dash_app=None) -> dict:
    """Step p50/p95 (ms) while `n` slow clients of `kind` hold connections to the server `command`
    (a list of arguments with "{port}"), and what went wrong; the server is started and stopped here."""
    with AppServer(command=command) as server:
        student = Student(server.port, dash_app)
        student.step()  # warm: the first answer of each worker builds its caches
        with SlowClients(server.port, kind, n) as slow:
            time.sleep(SETTLE)
            result = steps(student)
            result["open"] = slow.open_now
            result["reopened"] = slow.reopened
        result["alive"] = server.alive()
        result["tracebacks"] = server.log_text().count("Traceback")
    return result


def candidate_rows(name: str, command: list[str], dash_app) -> list[Row]:
    rows = []
    with AppServer(command=command) as server:
        student = Student(server.port, dash_app)
        for _ in range(3):
            student.step()  # warm every worker
        calm = steps(student, n=200)
        rate = throughput(server.port, student)
    rows.append(Row(GROUP, f"{name}: Step, no attack", calm["p50"], calm["p95"],
                    note=f"n={calm['n']}, one after another; {rate:.0f} Steps/s from 8 clients"))
    for kind, label in (("body", "slow bodies"), ("headers", "slow headers"), ("reader", "slow readers")):
        r = measure(command, kind, dash_app=dash_app)
        bad = f"; {len(r['wrong'])} wrong ({r['wrong'][0]})" if r["wrong"] else ""
        rows.append(Row(GROUP, f"{name}: Step, {N_SLOW} {label}", r["p50"], r["p95"],
                        note=f"n={r['n']}, max {r['max'] / 1000:.1f} s, {r['open']} open at the end, "
                             f"{r['reopened']} reopened{bad}"))
    return rows


def classroom_rows(dash_app=None, group: str = "hostile") -> list[Row]:
    """The README's classroom command under 32 slow-body connections (for bench/hostile.py)."""
    r = measure(CLASSROOM, "body", dash_app=dash_app)
    return [Row(group, f"Step p95 under {N_SLOW} slow-body connections", r["p95"], budget=200.0,
                note=f"the classroom command (backprop-lab); p50 {r['p50']:.1f} ms, n={r['n']}, "
                     f"{len(r['wrong'])} wrong")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="only the candidates whose name holds this text")
    args = parser.parse_args()
    from app import create_app

    dash_app = create_app()
    print(header(), flush=True)
    rows = []
    for name, command in CANDIDATES.items():
        if args.only in name:
            rows += candidate_rows(name, command, dash_app)
            print(render(rows[-4:]), flush=True)
    print(render(rows))


if __name__ == "__main__":
    main()
