"""TensorFlow Playground's figures, taken the way bench/browser.py takes Backprop Lab's, in the same run.

`python -m bench.browser --playground DIR` (or `python -m bench --playground DIR`): DIR is a
build of Playground (its index.html, bundle.js and the rest, from github.com/tensorflow/playground;
nothing of it is kept in this repository). Its files are served on a loopback port and its page
is driven in the same headless Chromium as ours, with the same clock: from the input event's own
timeStamp to the first task after the frame in which its network (`#svg`) changed. bench/browser.py
prints each of these beside Backprop Lab's figure with their ratio.

Playground's Step is one epoch, so its match is our Full step (one whole update); its weight edit
is typing a value into a link's hover card (our slider drag); Play is its own autoplay.
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.browser import _mouse, free_port, new_driver, serving, wait_until
from bench.server import stop_process
from bench.table import summarise

TRIALS = 20
WARMUP = 3
PLAY_SECONDS = 5.0
COLD_LOADS = 3
QUIET_MS = 150
SEED = "0.12345"
SHAPES = {"small": "4,2", "large": "8,8,8,8,8,8"}
EDGES = {"small": 18, "large": 344}  # as ours: 2 inputs → 4 → 2 → 1, and 2 → 8 × 6 → 1
# Playground asks Google for its fonts and analytics; there is no network here, so those fail at once.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"

# Installed before the page's own scripts: one record per frame in which the network changed,
# taken at the first task after that frame (as assets/network.js notes ours), with the number of
# links drawn; and each click's and key's timeStamp.
WATCH_JS = r"""
(() => {
  if (window.__pg) return;
  const P = window.__pg = {paints: [], events: [], lastAny: 0, lastFrame: -1};
  let net = null;
  function changed() {
    requestAnimationFrame((frame) => {
      if (frame === P.lastFrame) return;
      P.lastFrame = frame;
      const links = net.querySelectorAll('path.link').length;
      let done = false;
      const once = () => { if (!done) { done = true; P.paints.push([performance.now(), links]); } };
      if (window.scheduler && scheduler.postTask) scheduler.postTask(once, {priority: 'user-blocking'});
      setTimeout(once, 0);
    });
  }
  new MutationObserver((records) => {
    P.lastAny = performance.now();
    if (!net || !net.isConnected) net = document.getElementById('svg');
    if (net && records.some((r) => net.contains(r.target))) changed();
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  for (const type of ['click', 'keydown']) window.addEventListener(type, (e) => P.events.push([type, e.timeStamp]), true);
  P.clear = () => { P.paints.length = 0; P.events.length = 0; };
})();
"""

# After an input: its event's timeStamp and the first paint after it, once nothing has changed for `quiet` ms.
AFTER_JS = """
const [kind, quiet, timeout] = arguments, done = arguments[arguments.length - 1];
const P = window.__pg, t0 = performance.now();
(function poll() {
  const now = performance.now(), ev = P.events.find((e) => e[0] === kind);
  const paint = ev && P.paints.find((p) => p[0] >= ev[1]);
  if ((paint && now - Math.max(P.lastAny, paint[0]) >= quiet) || now - t0 > timeout) done(paint ? paint[0] - ev[1] : null);
  else setTimeout(poll, 10);
})();
"""

# A cold load: the first paint of the whole network (all its links), ms after navigation start,
# then every byte the page fetched once nothing new has come for 2 s.
LOAD_JS = """
const [links, timeout] = arguments, done = arguments[arguments.length - 1], t0 = Date.now();
const bytes = () => performance.getEntriesByType('resource').reduce((s, r) => s + (r.transferSize || 0), 0)
  + ((performance.getEntriesByType('navigation')[0] || {}).transferSize || 0);
(function poll() {
  const P = window.__pg, paint = P && P.paints.find((p) => p[1] === links);
  if (paint) {
    let last = -1, since = Date.now();
    (function idle() {
      const now = bytes();
      if (now !== last) { last = now; since = Date.now(); }
      if (Date.now() - since > 2000 || Date.now() - t0 > timeout) done({paint: paint[0], bytes: last});
      else setTimeout(idle, 250);
    })();
  } else if (Date.now() - t0 > timeout) done(null);
  else setTimeout(poll, 5);
})();
"""


def serve(directory: str) -> tuple[subprocess.Popen, str]:
    root = Path(directory).resolve()
    if not (root / "index.html").is_file():
        raise SystemExit(f"{root} holds no index.html: give --playground a build of TensorFlow Playground")
    port = free_port()
    return serving([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(root)],
                   f"http://127.0.0.1:{port}/index.html", "Playground's files could not be served")


def _driver():
    driver = new_driver(extra_flags=(OFFLINE,))
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_JS})
    return driver


def _open(driver, url: str, size: str) -> None:
    driver.get(f"{url}#seed={SEED}&networkShape={SHAPES[size]}")
    wait_until(lambda: driver.execute_script(
        "return window.__pg && window.__pg.paints.some((p) => p[1] === arguments[0])", EDGES[size]),
        f"Playground's {size} network")


def _timed(driver, act, kind: str) -> float | None:
    driver.execute_script("window.__pg.clear()")
    act()
    return driver.execute_async_script(AFTER_JS, kind, QUIET_MS, 10000)


def _series(driver, act, kind: str) -> tuple[float, float]:
    times = [_timed(driver, act, kind) for _ in range(WARMUP + TRIALS)][WARMUP:]
    return summarise([t for t in times if t is not None])


def _steps(driver) -> tuple[float, float]:
    button = driver.find_element("css selector", "#next-step-button")
    return _series(driver, button.click, "click")


def _weight_edits(driver) -> tuple[float, float]:
    """Hover the first link: its card; a click opens the card's input; each trial types one digit
    (Playground applies the value on that keystroke)."""
    x, y = driver.execute_script("""
        const p = document.querySelector('#svg path.link-hover');
        p.scrollIntoView({block: 'center'});
        const pt = p.getPointAtLength(p.getTotalLength() * 0.5), m = p.getScreenCTM();
        return [pt.x * m.a + pt.y * m.c + m.e, pt.x * m.b + pt.y * m.d + m.f];""")
    _mouse(driver, "mouseMoved", x - 3, y)
    _mouse(driver, "mouseMoved", x, y)
    wait_until(lambda: driver.execute_script(
        "return getComputedStyle(document.getElementById('hovercard')).display === 'block'"), "the hover card")
    times = []
    for k in range(WARMUP + TRIALS):
        _mouse(driver, "mousePressed", x, y)
        _mouse(driver, "mouseReleased", x, y)
        wait_until(lambda: driver.execute_script(
            "return document.activeElement === document.querySelector('#hovercard input')"), "the card's input")
        driver.execute_script("document.querySelector('#hovercard input').select()")
        field = driver.switch_to.active_element
        times.append(_timed(driver, lambda field=field, k=k: field.send_keys("3" if k % 2 else "1"), "keydown"))
        field.send_keys("\n")
    return summarise([t for t in times[WARMUP:] if t is not None])


def _play(driver) -> tuple[float, float]:
    """Network redraws and epochs a second while Playground plays."""
    button = driver.find_element("css selector", "#play-pause-button")
    snap = "return [performance.now(), document.getElementById('iter-number').textContent, window.__pg.paints.length]"
    button.click()
    time.sleep(0.5)
    t0, e0, p0 = driver.execute_script(snap)
    time.sleep(PLAY_SECONDS)
    t1, e1, p1 = driver.execute_script(snap)
    button.click()
    seconds = (t1 - t0) / 1000
    epochs = int(e1.replace(",", "")) - int(e0.replace(",", ""))
    return (p1 - p0) / seconds, epochs / seconds


def _loads(url: str, size: str) -> tuple[list[float], float]:
    paints, total = [], float("nan")
    for _ in range(COLD_LOADS):
        driver = _driver()  # a new profile: a cold cache
        try:
            driver.get(f"{url}#seed={SEED}&networkShape={SHAPES[size]}")
            r = driver.execute_async_script(LOAD_JS, EDGES[size], 30000)
            if r:
                paints.append(r["paint"])
                total = r["bytes"]
        finally:
            driver.quit()
    return paints, total


def collect(directory: str) -> dict:
    """Playground's figures by name, each (median, p95), for both sizes: "step", "edit", "play",
    "epochs", "load" and "bytes"."""
    proc, url = serve(directory)
    out = {}
    try:
        for size in SHAPES:
            driver = _driver()
            try:
                _open(driver, url, size)
                out[("step", size)] = _steps(driver)
                _open(driver, url, size)
                out[("edit", size)] = _weight_edits(driver)
                _open(driver, url, size)
                plays = [_play(driver) for _ in range(2)]
                out[("play", size)] = (statistics.median(p for p, _ in plays), min(p for p, _ in plays))
                out[("epochs", size)] = (statistics.median(e for _, e in plays), min(e for _, e in plays))
            finally:
                driver.quit()
            loads, total = _loads(url, size)
            if loads:
                out[("load", size)] = summarise(loads)
            out[("bytes", size)] = (total, total)
    finally:
        stop_process(proc)
    return out
