"""A classroom's Wi-Fi: what a student waits for on a cold load over a slow, shared link.

1. One student alone on a throttled link (Chromium's own network emulation, `Network.
   emulateNetworkConditions`: 20 Mbit/s down, 30 ms latency by default): navigation → the network
   painted (the page's own first-paint hook, assets/network.js) and → the loss curve with its ball
   drawn (its line in #slice-chart, on the first screen or the live page: assets/line-chart.js); the bytes that crossed the link by the network's
   paint and in all (Resource Timing's transferSize, compressed, headers included).
2. A class on one shared link, modelled: everyone opens the page at once, the link is shared
   fairly, so the last student's network appears after about
   students × bytes-before-paint / bandwidth, plus what a student alone waits for that is not
   transfer (round trips, the browser's own work).
3. The model checked: K browsers at once through a proxy that gives all of them one shared link of
   the same bandwidth (a token bucket over every connection's bytes), each with the same latency.
   On a 2-core machine K Chromiums also share the CPU, so the same K loads are also timed through
   the proxy with no bandwidth limit: the difference between the two runs is what the link costs.

Prints figures; asserts nothing. `.venv/bin/python -m bench.wifi [--mbit 20] [--latency 30]
[--students 30] [--loads 3] [--browsers 4]`. About a minute.
"""

import argparse
import asyncio
import statistics
import sys
import threading
import time

from bench.browser import new_driver, start_app, stop_app
from bench.server import free_port
from bench.table import Row, header, render

GROUP = "wifi"

# From the first script of the document: when the loss curve was first drawn, as a person first sees
# it (on the first screen, app/page.py, else on the live page). Polling would see it only once the
# page has loaded (the driver waits for that), seconds after it was drawn.
CURVE = """
new MutationObserver((changes, watch) => {
  if (!document.querySelector('.first-screen:not([hidden]) [data-id="slice-chart"] .trace path.js-line, '
      + '#slice-chart .trace path.js-line')) return;
  watch.disconnect();
  requestAnimationFrame(() => setTimeout(() => { window.__curveAt = performance.now(); }, 0));  // that frame painted
}).observe(document, {childList: true, subtree: true, attributes: true});
"""

READ = """
const lab = window.backpropLab, nav = performance.getEntriesByType('navigation')[0];
if (!lab || !lab.firstPaint || !window.__curveAt) return null;
const res = performance.getEntriesByType('resource');
return {paint: lab.firstPaint, now: window.__curveAt,
        before: nav.transferSize + res.filter(e => e.responseEnd <= lab.firstPaint).reduce((s, e) => s + e.transferSize, 0),
        all: nav.transferSize + res.reduce((s, e) => s + e.transferSize, 0)};
"""


def throttle(driver, mbit: float | None, latency_ms: float) -> None:
    """Chromium's network emulation for this browser: latency on every request; a bandwidth
    limit unless `mbit` is None (the shared proxy limits it instead)."""
    rate = -1 if mbit is None else mbit * 1e6 / 8
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": False, "latency": latency_ms, "downloadThroughput": rate, "uploadThroughput": rate})


def cold_load(url: str, mbit: float | None, latency_ms: float, start: threading.Barrier | None = None,
              timeout: float = 180.0) -> dict:
    """One cold load in a new browser (empty profile and cache): times in ms from navigation."""
    driver = new_driver()
    try:
        throttle(driver, mbit, latency_ms)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CURVE})
        if start is not None:
            start.wait()
        driver.get(url)
        end = time.monotonic() + timeout
        while (seen := driver.execute_script(READ)) is None:
            if time.monotonic() > end:
                raise SystemExit(f"no network and loss curve within {timeout:g} s")
            time.sleep(0.05)
        return {"paint": seen["paint"], "charts": seen["now"], "before": seen["before"], "all": seen["all"]}
    finally:
        driver.quit()


class SharedLink:
    """A TCP proxy on loopback whose answers to every client share one link of `mbit` Mbit/s:
    each chunk waits for its turn on the link, as packets from one access point do."""

    CHUNK = 16 * 1024

    def __init__(self, target_port: int, mbit: float | None):
        self.target_port, self.rate = target_port, None if mbit is None else mbit * 1e6 / 8
        self.port = free_port()
        self._free_at = 0.0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _send(self, n: int) -> None:
        if self.rate is None:  # no limit: the proxy only passes bytes on
            return
        now = self._loop.time()
        self._free_at = max(now, self._free_at) + n / self.rate
        await asyncio.sleep(self._free_at - now)

    async def _pipe(self, reader, writer, shared: bool) -> None:
        try:
            while data := await reader.read(self.CHUNK):
                if shared:
                    await self._send(len(data))
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _client(self, reader, writer) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(self._pipe(reader, up_writer, False), self._pipe(up_reader, writer, True))

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", self.port))
        self._ready.set()
        self._loop.run_forever()
        server.close()

    def __enter__(self):
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


def together(url: str, browsers: int, latency_ms: float) -> list[dict]:
    """`browsers` cold loads started at the same moment (each in its own thread and Chromium)."""
    start = threading.Barrier(browsers)
    results: list = [None] * browsers

    def one(i):
        try:
            results[i] = cold_load(url, None, latency_ms, start)
        except BaseException as e:  # noqa: BLE001 - reported below, never hidden
            results[i] = e

    threads = [threading.Thread(target=one, args=(i,)) for i in range(browsers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    failed = [r for r in results if not isinstance(r, dict)]
    if failed:
        raise SystemExit(f"{len(failed)} of {browsers} loads failed: {failed[0]!r}")
    return results


def collect(mbit: float = 20, latency_ms: float = 30, students: int = 30, loads: int = 3,
            browsers: int = 4) -> list[Row]:
    proc, url = start_app()
    try:
        alone = [cold_load(url, mbit, latency_ms) for _ in range(loads)]
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        with SharedLink(port, mbit) as link:
            shared = together(f"http://127.0.0.1:{link.port}/", browsers, latency_ms)
        with SharedLink(port, None) as link:
            unlimited = together(f"http://127.0.0.1:{link.port}/", browsers, latency_ms)
    finally:
        stop_app(proc)

    link = f"{mbit:g} Mbit/s, {latency_ms:g} ms"
    paint = statistics.median(r["paint"] for r in alone)
    before = statistics.median(r["before"] for r in alone)
    every = statistics.median(r["all"] for r in alone)
    transfer_ms = before * 8 / (mbit * 1e6) * 1000
    not_transfer = max(paint - transfer_ms, 0.0)

    def class_of(n: int) -> float:
        return n * transfer_ms + not_transfer

    rows = [
        Row(GROUP, f"one student, {link}: load → network painted", paint, max(r["paint"] for r in alone),
            note=f"n={loads}; {before / 1e6:.2f} MB over the link by then"),
        Row(GROUP, f"one student, {link}: load → loss curve and ball drawn",
            statistics.median(r["charts"] for r in alone), max(r["charts"] for r in alone),
            note=f"{every / 1e6:.2f} MB over the link by then"),
        Row(GROUP, f"{students} students on one {mbit:g} Mbit/s link: network painted (model)", class_of(students),
            note=f"{students} × {before / 1e6:.2f} MB / {mbit:g} Mbit/s + {not_transfer:.0f} ms not spent on the link"),
        Row(GROUP, f"{browsers} browsers on one shared {mbit:g} Mbit/s link: network painted (measured)",
            statistics.median(r["paint"] for r in shared), max(r["paint"] for r in shared),
            note=f"the model says {class_of(browsers):.0f} ms for the last of {browsers}"),
        Row(GROUP, f"{browsers} browsers at once, no link limit: network painted (measured)",
            statistics.median(r["paint"] for r in unlimited), max(r["paint"] for r in unlimited),
            note=f"what {browsers} Chromiums sharing this machine's 2 cores cost without any link; "
                 f"the link adds {max(r['paint'] for r in shared) - max(r['paint'] for r in unlimited):.0f} ms "
                 f"to the last (the model: {browsers * transfer_ms:.0f})"),
        Row(GROUP, f"{browsers} browsers on one shared {mbit:g} Mbit/s link: loss curve drawn (measured)",
            statistics.median(r["charts"] for r in shared), max(r["charts"] for r in shared),
            note=f"{statistics.median(r['all'] for r in shared) / 1e6:.2f} MB each by then"),
    ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mbit", type=float, default=20)
    parser.add_argument("--latency", type=float, default=30, help="ms added to every request")
    parser.add_argument("--students", type=int, default=30, help="the class the model is for")
    parser.add_argument("--loads", type=int, default=3, help="cold loads of one student alone")
    parser.add_argument("--browsers", type=int, default=4, help="browsers loading at once on the shared link")
    args = parser.parse_args()
    print(header(), flush=True)
    print(render(collect(args.mbit, args.latency, args.students, args.loads, args.browsers)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
