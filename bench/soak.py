"""Soak: 10,000 play ticks over HTTP against the real server; its memory before and after, and errors.

Starts `python -m app` on loopback (bench/server.py) and plays like one browser tab: it loads the
page (GET /, /_dash-layout, /_dash-dependencies, the first callback with no trigger), then sends
play ticks as assets/play.js sends them, one after another: each posted to /_lab-tick with the lab
(app/ticks.py); a chart tick (by the clock: every 500 ms, every second at full speed) asks for the
words and charts too, and, as the tab on show is the Data tab ("surface"), is followed by the catch-up
callback (fired by play-charts.data, with drawn-keys and everything else as the last answers left
them) and the landscape panel when that moves charts-due. Ticks alternate in blocks
between the default lesson and a bigger network (the circle lesson with six hidden layers of 8),
and in pairs of blocks between speed "normal" (one training step per tick) and "fast" (15 ms of
training per tick): half the ticks at each.

Memory is the server's VmRSS from /proc: "before" after a warm-up (WARMUP ticks on each lab),
"after" at the end; budget: growth ≤ 10 %. Errors (budget: none): a status other than 200, a
message on the page, a tick that did not move the lab, a wrong number of steps at speed "normal",
a traceback in the server's log. Bounded: the ticks, each request (10 s) and the run (MAX_SECONDS).

Run: `.venv/bin/python bench/soak.py` (about two to three minutes), `--ticks 2000` for a short one,
or `.venv/bin/python -m bench --soak` to add it to the whole table.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# bench/ holds a file called engine.py: never let it shadow the engine package (the project root first).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (HERE, ROOT)]

from bench import hostile_requests as hostile
from bench.server import AppServer, memory_mb
from bench.table import Row, header, render

GROUP = "soak"
TICKS = 10_000
WARMUP = 100  # ticks on each lab before "before" is read
BLOCK = 1000  # ticks on one lab before switching to the other
CHART_INTERVAL_S = {"normal": 0.5, "fast": 1.0}  # assets/play.js CHART_INTERVAL_MS, FAST_CHART_INTERVAL_MS
MAX_SECONDS = 600.0
BUDGET_GROWTH = 10.0  # %
BIG_HIDDEN = "8, 8, 8, 8, 8, 8"
TAB = "surface"  # the landscape card's tab on show: the Data tab, whose picture a chart tick leaves to Dash


class Tab:
    """One browser tab: the props it holds, updated from every answer, as Dash's renderer does."""

    def __init__(self, server: AppServer, page: hostile.Page):
        self.server, self.page = server, page
        self.values = dict(page.values) | {"lab-state.data": None, "start-state.data": None, "drawn-keys.data": None,
                                           "playing.data": False, "painted-key.data": None, "panel-tabs.value": TAB}
        self.errors: list[str] = []
        self.requests = 0
        self.latency: dict[str, list[float]] = {}

    def call(self, name: str, changed: str | None, kind: str) -> dict:
        cb = self.page.callback(name)
        body = self.page.body(cb, self.values, changed)
        if changed is None:
            body["changedPropIds"] = []  # the first call when the page opens
        self.requests += 1
        status, data, ms = self.server.post(hostile.ENDPOINT, hostile.encode(body))
        self.latency.setdefault(kind, []).append(ms)
        if status == 204:
            return {}
        if status != 200:
            self.errors.append(f"{kind}: HTTP {status} {data[:120]!r}")
            return {}
        answer = json.loads(data)["response"]
        for key, props in answer.items():
            if not key.startswith("{"):  # pattern-matched components (the sliders) are left as they are
                self.values.update({f"{key}.{prop}": value for prop, value in props.items()})
        if name == "lab-state.data":
            message = answer.get("message", {}).get("children")
            if message:
                self.errors.append(f"{kind}: the page says {str(message)[:120]!r}")
            lab = self.values["lab-state.data"]
            if lab:  # the renderer paints the view and reports its shape (the clientside painted-key)
                self.values["painted-key.data"] = "-".join(map(str, lab["network"]["sizes"]))
        return answer

    def act(self, changed: str | None, kind: str) -> dict:
        """The act callback, then the panels if the answer moved charts-due (as the page does)."""
        due = self.values.get("charts-due.data")
        answer = self.call("lab-state.data", changed, kind)
        if self.values.get("charts-due.data") != due:
            self.call("data-chart.figure", "charts-due.data", "panels")
        return answer

    def direct(self, speed: str, kind: str, charts: bool) -> dict:
        """A tick, as the page posts it (assets/play.js, askDirect); a chart tick asks for the charts on show."""
        body = {"lab": self.values["lab-state.data"], "speed": speed, "moves": 1, "frames": 1,
                "painted": self.values.get("painted-key.data"), "maps": False}
        if charts:
            body |= {"charts": True, "tab": TAB, "slice": "W1[0,0]"}
            kind = "chart tick"
        self.requests += 1
        status, data, ms = self.server.post("/_lab-tick", json.dumps(body).encode())
        self.latency.setdefault(kind, []).append(ms)
        if status != 200:
            self.errors.append(f"{kind}: HTTP {status} {data[:120]!r}")
            return {}
        answer = json.loads(data)
        if charts and "history" not in answer.get("charts", {}):
            self.errors.append("chart tick: no charts in the answer")
        lab = answer["lab"]
        changed = lab != self.values["lab-state.data"]
        self.values["lab-state.data"] = lab
        return {"panels": answer.get("panels") is True} | ({"lab-state": lab} if changed else {})

    def charts(self) -> None:
        """The panels' cue for the lab a chart tick left (catch_up), then the panels if charts-due moved."""
        self.values["play-charts.data"] = (self.values.get("play-charts.data") or 0) + 1
        due = self.values.get("charts-due.data")
        self.call("view.data", "play-charts.data", "charts")
        if self.values.get("charts-due.data") != due:
            self.call("data-chart.figure", "charts-due.data", "panels")

    def open(self) -> None:
        for path in ("/", "/_dash-layout", "/_dash-dependencies"):
            self.server.get(path)
        self.act(None, "page load")

    def lesson(self, big: bool) -> None:
        """The default lesson, or the circle lesson with six hidden layers of 8."""
        self.values["playing.data"] = False
        self.values["preset.value"] = "circle" if big else "default"
        self.act("preset.value", "setup")
        if big:
            self.values["hidden-sizes.value"] = BIG_HIDDEN
            self.act("hidden-sizes.value", "setup")
        sizes = self.values["lab-state.data"]["network"]["sizes"]
        if big and sizes != [2, 8, 8, 8, 8, 8, 8, 1]:
            raise SystemExit(f"the bigger network did not build: {sizes}")

    def play(self, ticks: int, speed: str, deadline: float) -> int:
        """`ticks` play ticks at this speed; returns how many were sent (the deadline may stop it)."""
        self.values["speed.value"] = speed
        self.values["playing.data"] = True
        charts_at = 0.0
        sent = 0
        for _ in range(ticks):
            if time.monotonic() > deadline:
                break
            now = time.monotonic()
            charts = now - charts_at >= CHART_INTERVAL_S[speed]
            before = self.values["lab-state.data"]
            steps = before["counters"]["step"]
            answer = self.direct(speed, f"play tick ({speed})", charts)
            if charts:
                charts_at = now
                if answer["panels"]:
                    self.charts()
            sent += 1
            after = self.values["lab-state.data"]
            if after.get("diverged"):
                self.errors.append(f"training diverged at step {after['counters']['step']}")
                break
            if "lab-state" not in answer:
                self.errors.append(f"play tick ({speed}): the lab did not change")
            elif speed == "normal" and after["counters"]["step"] != steps + 1:
                self.errors.append(f"play tick (normal): {after['counters']['step'] - steps} steps, not 1")
        self.values["playing.data"] = False
        return sent


def plan(ticks: int) -> list[tuple[bool, str, int]]:
    """(big network?, speed, ticks) blocks: default normal, big normal, default fast, big fast, again."""
    blocks, left, k = [], ticks, 0
    while left > 0:
        n = min(BLOCK, left)
        blocks.append((k % 2 == 1, "fast" if (k // 2) % 2 == 1 else "normal", n))
        left -= n
        k += 1
    return blocks


def collect(ticks: int = TICKS) -> list:
    with AppServer() as server:
        page = hostile.Page.fetch(server)
        tab = Tab(server, page)
        tab.open()
        deadline = time.monotonic() + MAX_SECONDS
        for big in (False, True):  # warm up both labs: caches, imports, allocator pools
            tab.lesson(big)
            tab.play(WARMUP, "normal", deadline)
            tab.play(WARMUP // 4, "fast", deadline)
        warmup_errors = list(tab.errors)
        tab.errors.clear()
        tab.latency.clear()
        rss_before, _ = memory_mb(server.pid)
        samples = [rss_before]
        t0 = time.monotonic()
        sent = {"normal": 0, "fast": 0}
        for big, speed, n in plan(ticks):
            tab.lesson(big)
            sent[speed] += tab.play(n, speed, deadline)
            samples.append(memory_mb(server.pid)[0])
        wall = time.monotonic() - t0
        rss_after, peak = memory_mb(server.pid)
        log = server.log_text()
        alive = server.alive()

    tracebacks = log.count("Traceback (most recent call last)")
    errors = warmup_errors + tab.errors + [f"{tracebacks} tracebacks in the server log"] * bool(tracebacks)
    errors += [] if alive else ["the server died"]
    total = sent["normal"] + sent["fast"]
    for e in sorted(set(errors))[:10]:
        print(f"soak error: {e}", file=sys.stderr)
    growth = 100.0 * (rss_after - rss_before) / rss_before
    rows = []
    for kind in ("play tick (normal)", "play tick (fast)", "chart tick", "charts", "panels"):
        if tab.latency.get(kind):
            times = tab.latency[kind]
            rows.append(Row(GROUP, f"{kind} ({len(times)})", statistics.median(times),
                            sorted(times)[round(0.95 * (len(times) - 1))]))
    rows.append(Row(GROUP, "play ticks per second", total / wall, unit="/s",
                    note=f"{total} ticks ({sent['normal']} normal, {sent['fast']} fast) in {wall:.0f} s, "
                         f"{tab.requests} requests in all"))
    rows.append(Row(GROUP, "ticks without an error", 100.0 * (total - len(tab.errors)) / total if total else 0.0,
                    unit="%", budget=100.0, higher_is_better=True,
                    note=f"{len(errors)} errors ({tracebacks} tracebacks in the server log)"))
    rows.append(Row(GROUP, "server memory before (VmRSS after the warm-up)", rss_before, unit="MB"))
    rows.append(Row(GROUP, "server memory after", rss_after, unit="MB",
                    note=f"peak {peak:.0f} MB; every {BLOCK} ticks: " + ", ".join(f"{s:.0f}" for s in samples)))
    rows.append(Row(GROUP, "server memory growth", growth, unit="%", budget=BUDGET_GROWTH))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=TICKS, help=f"play ticks (default {TICKS})")
    args = parser.parse_args()
    if not 100 <= args.ticks <= 50_000:
        parser.error("--ticks from 100 to 50,000")
    print(header(), flush=True)
    print(render(collect(args.ticks)))


if __name__ == "__main__":
    main()
