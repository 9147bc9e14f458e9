"""Browser timings of Backprop Lab: what a person waits for, measured in headless Chromium.

Starts `python -m app` on a free loopback port (debug off), drives the real page with
selenium and takes every timestamp inside the page with performance.now(), from the input
event's own timeStamp to the moment a person sees the change: the first task after the
animation frame that painted it (style, layout and paint come after a frame's rAF callbacks).

1. latency: a Step click (its timeStamp) → the network painted (its first paint after the
   click, i.e. an update of the SVG, then that frame painted: the hook in assets/network.js;
   Step paints the next phase at once and the server's answer follows), Full step likewise, and
   → every visible panel painted (DOM panels, the two line charts beside the network among them:
   a MutationObserver, then the frame painted; Plotly charts: their 'plotly_afterplot' event; measured once Dash is idle and nothing
   has changed for QUIET_MS); a slider move (a capture-phase pointermove of a real,
   CDP-dispatched mouse drag) → network and gradients painted (the first paint of the new
   value, which the page computes itself in assets/instant.js; Dash's answer follows); and
   a burst of 20 moves at 50 ms intervals → the network showing the slider's last position
   (the lag after the last move). For the default lesson and six hidden layers of 8 on circle data, set up
   through the page as a person would.
2. autoplay at "As fast as it goes": epochs per second (from #counters) and network
   paints per second; the flow animation's frame rate (requestAnimationFrame callbacks
   per second while a forward phase animates its edges).
3. page load: navigation → first network paint, cold (a new browser profile) and warm
   (reload), with what the load spent its time on.

It also prints, without budgets, where a Step's time goes (click → request, server round
trips, the renderer) and the load's timeline, to explain a missed budget. It asserts
nothing. Takes about 2 minutes.

With `--playground DIR` (a build of TensorFlow Playground), bench/playground.py takes
Playground's figures in the same run, the same way, and each of ours is printed again beside
its match, with Playground's median as the budget: the ratio is ours / Playground's.

Run from the repo root: `.venv/bin/python bench/browser.py [--playground DIR]`.
"""

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# bench/ holds a file called engine.py: never let it shadow the engine package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from bench.server import stop_process
from bench.table import Row, header, render, summarise
from components.network_view import edge_width
from tests.conftest import CHROME_FLAGS, chromium_path

GROUP = "browser"
WARMUP = 4
TRIALS = 36  # per latency series (≥ 30)
FULL_STEP_TRIALS = 8
QUIET_MS = 200  # nothing changed for this long, and Dash idle: the page has settled
BURSTS = 3  # slider bursts of BURST_MOVES moves, BURST_INTERVAL apart
BURST_MOVES = 20
BURST_INTERVAL = 0.05
PLAY_SECONDS = 5.0
FLOW_SECONDS = 2.0
COLD_LOADS = 3
WARM_LOADS = 5
SIX_BY_EIGHT = "8, 8, 8, 8, 8, 8"

# Installed once per page: logs what happens after an action, with performance.now() times.
INSTRUMENT_JS = """
if (window.__bench) return true;
if (!window.backpropLab || !window.store) return false;
const B = window.__bench = {clicks: [], inputs: [], events: [], fetches: [], renders: []};
// The click's own time stamp (when the browser dispatched it), not when this listener ran. On the
// window, before the page's listeners: a Step click that paints ahead is stopped there and handed
// on to Dash after the frame (assets/play.js), as a click of the page's own (not trusted), which
// is left out here.
window.addEventListener('click', (e) => {
  const b = e.isTrusted && e.target.closest && e.target.closest('button');
  if (b && b.id) B.clicks.push([b.id, e.timeStamp]);
}, true);
window.addEventListener('pointermove', (e) => { if (e.buttons) B.inputs.push(e.timeStamp); }, true);
// A change is on screen once the frame after it is painted: the first task after that frame's
// rAF callbacks (a timeout and a user-blocking task race; the timeout alone also waits behind
// tasks queued before it). assets/network.js notes the network's paints the same way.
const afterFrame = (fn) => requestAnimationFrame(() => {
  let done = false;
  const once = () => { if (!done) { done = true; fn(); } };
  if (window.scheduler && scheduler.postTask) scheduler.postTask(once, {priority: 'user-blocking'});
  setTimeout(once, 0);
});
// Dash's requests: which callback (its output key), when sent, when the answer's headers came; and
// Play's ticks the page sends itself (assets/play.js, app/ticks.py), as "_lab-tick".
const fetch0 = window.fetch;
window.fetch = function (url, init) {
  const rec = {out: '', send: performance.now(), resp: null};
  try {
    rec.out = String(url).includes('_lab-tick') ? '_lab-tick' : JSON.parse(init.body).output || '';
  } catch (e) { /* not a callback */ }
  B.fetches.push(rec);
  return fetch0.apply(this, arguments).then((r) => { rec.resp = performance.now(); return r; });
};
// How long the renderer itself takes (the paint hook inside it times the next frame), and when
// that frame's style, layout and paint are over (a message posted from the frame's rAF runs after them).
const lab = window.backpropLab, render0 = lab.render;
lab.render = function () {
  const t = performance.now(), out = render0.apply(this, arguments);
  const rec = [t, performance.now(), null];
  B.renders.push(rec);
  requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { rec[2] = performance.now(); };
    ch.port2.postMessage(null);
  });
  return out;
};
// The two charts beside the network are the page's own SVG (assets/line-chart.js): DOM panels too.
for (const id of ['numbers', 'counters', 'phase-text', 'example-note', 'slice-chart', 'history']) {
  new MutationObserver(() => afterFrame(() => B.events.push(['dom', id, performance.now()])))
    .observe(document.getElementById(id), {subtree: true, childList: true, characterData: true});
}
B.hookGraphs = () => document.querySelectorAll('.js-plotly-plot').forEach((gd) => {
  if (gd.__benchHooked || !gd.on) return;
  gd.__benchHooked = true;
  const id = gd.closest('.dash-graph') ? gd.closest('.dash-graph').id : (gd.parentElement.closest('[id]') || {}).id;
  gd.on('plotly_afterplot', () => B.events.push(['plot', id, performance.now()]));
});
// The network's first weight (W1[0,0]) as each change reaches the screen: its width (which
// follows |w|; the page draws it itself on a slider move) and its label for screen readers
// (which comes with the tooltips, in Dash's answer).
B.watchFirstEdge = () => {
  if (B.edgeObserver) B.edgeObserver.disconnect();
  const edge = document.querySelector('#network path.edge');
  B.edgeObserver = new MutationObserver((changes) => {
    const kinds = new Set(changes.map((c) => c.attributeName));
    const width = edge.getAttribute('stroke-width'), label = edge.getAttribute('aria-label') || '';
    afterFrame(() => {
      if (kinds.has('stroke-width')) B.events.push(['width', width, performance.now()]);
      if (kinds.has('aria-label')) B.events.push(['value', label, performance.now()]);
    });
  });
  B.edgeObserver.observe(edge, {attributes: true, attributeFilter: ['aria-label', 'stroke-width']});
};
B.idle = () => {
  const c = window.store.getState().callbacks;
  return ['requested', 'prioritized', 'blocked', 'executing', 'watched', 'executed']
    .every((k) => !(c[k] || []).length);
};
B.clear = () => { for (const k of ['clicks', 'inputs', 'events', 'fetches', 'renders']) B[k].length = 0; };
B.hookGraphs();
return true;
"""

# Clear the logs before an action; returns the paint count to compare with afterwards.
CLEAR_JS = "window.__bench.hookGraphs(); window.__bench.clear(); return window.backpropLab.paints;"

# Wait (in the page, so polling costs the page nothing measurable) until the network has
# painted more than `paints` times, Dash is idle and nothing has changed for `quiet` ms.
SETTLE_JS = """
const [paints, quiet, timeout] = arguments, done = arguments[arguments.length - 1];
const B = window.__bench, lab = window.backpropLab, t0 = performance.now();
const latest = () => Math.max(lab.lastPaint || 0, t0, ...B.events.map((e) => e[2]),
                              ...B.fetches.map((f) => f.resp || f.send));
(function poll() {
  const now = performance.now();
  const settled = lab.paints > paints && B.idle() && now - latest() > quiet;
  if (settled || now - t0 > timeout) {
    done({settled, paints: lab.paints, lastPaint: lab.lastPaint, paintTimes: lab.paintTimes.slice(), clicks: B.clicks, inputs: B.inputs,
          events: B.events, fetches: B.fetches, renders: B.renders});
  } else setTimeout(poll, 10);
})();
"""

IDLE_JS = """
const [quiet, timeout] = arguments, done = arguments[arguments.length - 1];
const B = window.__bench, lab = window.backpropLab, t0 = performance.now();
let last = performance.now(), seen = -1;
(function poll() {
  const now = performance.now(), mark = lab.paints + B.events.length + B.fetches.length;
  if (mark !== seen || !B.idle()) { seen = mark; last = now; }
  if (now - last > quiet || now - t0 > timeout) done(now - last > quiet); else setTimeout(poll, 10);
})();
"""

# requestAnimationFrame callbacks during `ms`: the page's frame rate.
FRAMES_JS = """
const [ms] = arguments, done = arguments[arguments.length - 1];
let n = 0, worst = 0, prev = null; const t0 = performance.now();
(function frame(t) {
  if (prev !== null) worst = Math.max(worst, t - prev);
  prev = t; n += 1;
  if (performance.now() - t0 < ms) requestAnimationFrame(frame); else done([n, performance.now() - t0, worst]);
})(performance.now());
"""

SNAPSHOT_JS = """
return [performance.now(), document.getElementById('counters').textContent, window.backpropLab.paints];
"""

# Installed before any page script (CDP), so the load's long tasks are seen from the start.
LONGTASKS_JS = """
window.__longtasks = [];
try {
  new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longtasks.push([e.startTime, e.duration])))
    .observe({type: 'longtask', buffered: true});
} catch (e) { /* no long-task timing */ }
"""

FIRST_PAINT_JS = """
const done = arguments[arguments.length - 1], t0 = Date.now();
(function poll() {
  const lab = window.backpropLab;
  if (lab && lab.firstPaint !== null) {
    const nav = performance.getEntriesByType('navigation')[0] || {};
    const res = performance.getEntriesByType('resource').map((r) => [r.name, r.startTime, r.responseEnd,
                                                                         r.transferSize, r.encodedBodySize]);
    done({first: lab.firstPaint, html: nav.responseEnd, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          res, longtasks: window.__longtasks || []});
  } else if (Date.now() - t0 > 30000) done(null);
  else setTimeout(poll, 5);
})();
"""

# Every byte the page fetched (compressed, as it crossed the wire), once nothing new has come for 2 s.
ALL_BYTES_JS = """
const done = arguments[arguments.length - 1], t0 = Date.now();
const bytes = () => performance.getEntriesByType('resource').reduce((s, r) => s + (r.transferSize || 0), 0)
  + ((performance.getEntriesByType('navigation')[0] || {}).transferSize || 0);
let last = -1, since = Date.now();
(function idle() {
  const now = bytes();
  if (now !== last) { last = now; since = Date.now(); }
  if (Date.now() - since > 2000 || Date.now() - t0 > 30000) done(last); else setTimeout(idle, 250);
})();
"""

STEP_RE = re.compile(r"Step (\d+) · Epoch (\d+)")


# ---------------------------------------------------------------- the app and the browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving(command: list[str], url: str, failed: str) -> tuple[subprocess.Popen, str]:
    """Start a server and wait (at most 30 s) until `url` answers; `failed` says why if it never does."""
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                r.read()
            return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > end:
                stop_process(proc)
                raise SystemExit(failed) from None
            time.sleep(0.2)


def start_app() -> tuple[subprocess.Popen, str]:
    port = free_port()
    return serving([sys.executable, "-m", "app", "--port", str(port)], f"http://127.0.0.1:{port}/",
                   "the app did not start: try `.venv/bin/python -m app` to see why")


def stop_app(proc: subprocess.Popen) -> None:
    stop_process(proc)


def new_driver(extra_flags: tuple[str, ...] = ()) -> webdriver.Chrome:
    """A new Chromium; chromedriver gives each session a new, empty profile (a cold cache)."""
    driver_path = shutil.which("chromedriver")
    if not driver_path or not chromium_path():
        raise SystemExit("chromedriver or Chromium not found on PATH: run `make test` once, or install "
                         "Debian's chromium and chromium-driver.")
    options = Options()
    for flag in (*CHROME_FLAGS, *extra_flags):
        options.add_argument(flag)
    options.binary_location = chromium_path()
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_script_timeout(60)
    driver.set_window_size(1280, 800)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LONGTASKS_JS})
    driver.execute_cdp_cmd("Performance.enable", {})
    return driver


def wait_until(predicate, what: str, timeout: float = 15.0):
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise SystemExit(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


def instrument(driver) -> None:
    wait_until(lambda: driver.execute_script(INSTRUMENT_JS), "the page's renderer and Dash store")


def settle(driver, quiet: int = QUIET_MS, timeout: int = 10000) -> None:
    driver.execute_async_script(IDLE_JS, quiet, timeout)


def counts(driver) -> tuple[int, int]:
    return tuple(driver.execute_script(
        "return [document.querySelectorAll('#network svg g.node').length,"
        " document.querySelectorAll('#network svg path.edge').length]"))


def choose(driver, dropdown_id: str, label: str) -> None:
    """Open a Dash 4 dropdown and click the option labelled `label` (as tests/browser does)."""
    driver.find_element(By.CSS_SELECTOR, f"#{dropdown_id}").click()
    xpath = ("//*[contains(@class,'dash-dropdown-content') and @data-state='open']"
             f"//*[contains(@class,'dash-dropdown-option')][normalize-space(.)='{label}']")
    option = wait_until(lambda: next(iter(driver.find_elements(By.XPATH, xpath)), None),
                        f"the option {label!r} of #{dropdown_id}", timeout=5)
    option.click()
    wait_until(lambda: driver.find_element(By.CSS_SELECTOR, f"#{dropdown_id}").get_attribute("aria-expanded")
               == "false", f"#{dropdown_id} to close", timeout=5)


def open_page(driver, url: str) -> None:
    driver.get(url)
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, "#network svg"), "the network")
    instrument(driver)
    settle(driver, quiet=400)


def six_layers(driver) -> None:
    """Six hidden layers of 8 on circle data, set up as a person would."""
    choose(driver, "preset", "Circle: a ring around a disc")
    wait_until(lambda: counts(driver) == (11, 28), "the circle lesson's network")
    box = driver.find_element(By.CSS_SELECTOR, "#hidden-sizes")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(SIX_BY_EIGHT, Keys.ENTER)
    wait_until(lambda: counts(driver) == (51, 16 + 5 * 64 + 8), "six hidden layers of 8")
    settle(driver, quiet=400)


# ---------------------------------------------------------------- latency


def _first(items, after: float, key=lambda x: x):
    return next((x for x in items if key(x) >= after), None)


def click_trial(driver, button) -> dict:
    """Click `button`; the times (ms after the click) of the network paint and of the last panel."""
    paints = driver.execute_script(CLEAR_JS)
    button.click()
    r = driver.execute_async_script(SETTLE_JS, paints, QUIET_MS, 10000)
    click = next(t for name, t in r["clicks"] if name == button.get_attribute("id"))
    last_panel = max([r["lastPaint"]] + [e[2] for e in r["events"] if e[2] >= click])
    # The network shows the new phase at its first paint after the click (Step paints the next
    # phase at once); the server's answer, bringing tooltips, is painted again at lastPaint.
    first = _first(r["paintTimes"], click)
    trial = {"net": (first if first is not None else r["lastPaint"]) - click, "answer": r["lastPaint"] - click,
             "all": last_panel - click, "paints": r["paints"] - paints,
             "plots": sorted({e[1] for e in r["events"] if e[0] == "plot"}), "settled": r["settled"]}
    trial.update(_breakdown(r, click))
    return trial


def _breakdown(r: dict, t0: float) -> dict:
    """Where an action's time went: its request (act), the request that brought the network's view
    (the same one when act draws too, else the drawing callback it triggered), then the renderer."""
    sent = sorted((f for f in r["fetches"] if f["send"] >= t0 and f["resp"]), key=lambda f: f["send"])
    act = next((f for f in sent if f["out"].startswith("..lab-state.data")), None)
    view = next((f for f in sent if "view.data" in f["out"]), None)
    if not (act and view and r["renders"]):
        return {}
    start, end, rendered = r["renders"][-1]
    out = {"to its request": act["send"] - t0, "request round trip": act["resp"] - act["send"]}
    if view is not act:  # two hops: lab-state → the drawing callback
        out |= {"answer → drawing request": view["send"] - act["resp"],
                "drawing round trip": view["resp"] - view["send"]}
    out |= {"view's answer → renderer starts": start - view["resp"], "renderer": end - start,
            "renderer → next frame": r["lastPaint"] - end}
    if rendered:
        out["next frame → its style, layout, paint done"] = rendered - r["lastPaint"]
    return out


def step_series(driver, label: str, net_budget: float, all_budget: float) -> list[Row]:
    step = driver.find_element(By.CSS_SELECTOR, "#step")
    trials = [click_trial(driver, step) for _ in range(WARMUP + TRIALS)][WARMUP:]
    net, net95 = summarise([t["net"] for t in trials])
    alls, all95 = summarise([t["all"] for t in trials])
    replots = [t for t in trials if t["plots"]]
    unsettled = sum(not t["settled"] for t in trials)
    rows = [
        Row(GROUP, f"Step → network painted ({label})", net, net95, budget=net_budget,
            note=f"n={len(trials)}" + (f", {unsettled} not settled" if unsettled else "")),
        Row(GROUP, f"  p95 of Step → network painted ({label})", net95, budget=60),
        Row(GROUP, f"  Step → the server's answer painted too ({label})", *summarise([t["answer"] for t in trials]),
            note="the answer drawn over the click's picture: nothing on screen changes"),
        Row(GROUP, f"Step → every visible panel painted ({label})", alls, all95, budget=all_budget,
            note=f"{len(replots)} of {len(trials)} Steps replotted charts"),
    ]
    if replots:
        m, p = summarise([t["all"] for t in replots])
        charts = sorted({c for t in replots for c in t["plots"]})
        rows.append(Row(GROUP, f"  of which Steps with a chart replot ({label})", m, p,
                        note=f"n={len(replots)}: {', '.join(charts)}"))
    full = driver.find_element(By.CSS_SELECTOR, "#full-step")
    fulls = [click_trial(driver, full) for _ in range(FULL_STEP_TRIALS + 1)][1:]
    rows.append(Row(GROUP, f"Full step → network painted ({label})", *summarise([t["net"] for t in fulls]),
                    note=f"n={len(fulls)}; one whole update, painted from the picture the last answer brought"))
    m, p = summarise([t["all"] for t in fulls])
    charts = sorted({c for t in fulls for c in t["plots"]})
    rows.append(Row(GROUP, f"Full step → every visible panel painted ({label})", m, p,
                    note=f"n={len(fulls)}; replots {', '.join(charts) or 'nothing'}"))
    rows += _breakdown_rows(trials, f"Step ({label})")
    return rows


def _breakdown_rows(trials: list, label: str) -> list[Row]:
    parts = [t for t in trials if "renderer" in t]
    if not parts:
        return []
    rows = []
    keys = dict.fromkeys(k for t in parts for k in t if k not in ("net", "answer", "all", "paints", "plots", "settled"))
    for key in keys:
        m, p = summarise([t[key] for t in parts if key in t])
        rows.append(Row(GROUP, f"  {label}: {key}", m, p))
    return rows


# ---------------------------------------------------------------- the slider


def _mouse(driver, kind: str, x: float, y: float) -> None:
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                        "buttons": 0 if kind == "mouseReleased" else 1,
                                                        "clickCount": 1})


def pin_first_weight(driver) -> tuple[float, float, float, float]:
    """Pin W1[0,0] through the weight picker; the slider thumb's centre and the track's ends."""
    choose(driver, "pick-param", "W1[0,0]")
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, "#sliders [role='slider']"), "the slider")
    settle(driver)
    return tuple(driver.execute_script("""
        const thumb = document.querySelector('#sliders [role="slider"]');
        thumb.scrollIntoView({block: 'center'});
        const track = thumb.closest('.dash-slider-root').getBoundingClientRect();
        const t = thumb.getBoundingClientRect();
        return [t.x + t.width / 2, t.y + t.height / 2, track.left, track.right];
    """))


def slider_trial(driver, x: float, y: float) -> dict:
    paints = driver.execute_script(CLEAR_JS)
    _mouse(driver, "mouseMoved", x, y)
    r = driver.execute_async_script(SETTLE_JS, paints, QUIET_MS, 10000)
    t0 = r["inputs"][0] if r["inputs"] else None
    if t0 is None:
        return {}
    # The first paint of the new value (drawn in the page, assets/instant.js), and Dash's answer after it.
    first = next((e[2] for e in r["events"] if e[0] == "width" and e[2] >= t0), None)
    if first is None:
        return {}
    trial = {"net": first - t0, "answer": r["lastPaint"] - t0, "paints": r["paints"] - paints,
             "settled": r["settled"]}
    trial.update(_breakdown(r, t0))
    return trial


def slider_series(driver, label: str, budget: float | None, p95_budget: float | None) -> list[Row]:
    x, y, left, right = pin_first_weight(driver)
    driver.execute_script("window.__bench.watchFirstEdge()")
    _mouse(driver, "mousePressed", x, y)
    settle(driver)
    trials = []
    for k in range(WARMUP + TRIALS):
        trial = slider_trial(driver, x + (8 if k % 2 == 0 else -8), y)
        if trial:
            trials.append(trial)
    trials = trials[WARMUP:]
    gradients = driver.execute_script(
        "return Array.from(document.querySelectorAll('#network .edge-grad')).filter((e) => e.textContent).length"
        " + ' of ' + document.querySelectorAll('#network .edge-grad').length + ' edges show ∂C/∂w, '"
        " + document.querySelectorAll('#network .edge-glow[visibility=\"visible\"]').length + ' glow'")
    m, p = summarise([t["net"] for t in trials])
    rows = [Row(GROUP, f"Slider move → network and gradients painted ({label})", m, p, budget=budget,
                note=f"n={len(trials)}; {gradients}")]
    if p95_budget:
        rows.append(Row(GROUP, f"  p95 of slider move → painted ({label})", p, budget=p95_budget))
    rows.append(Row(GROUP, f"  slider move → Dash's answer painted too ({label})",
                    *summarise([t["answer"] for t in trials]), note="the same picture again, with its tooltips"))
    rows += _breakdown_rows(trials, f"slider ({label})")
    rows.append(_bursts(driver, x, y, left, right, label))
    _mouse(driver, "mouseReleased", x, y)
    settle(driver)
    return rows


def _edge_width(driver, w: float) -> float:
    """The stroke width components/network_view.py gives an edge of weight w."""
    return edge_width(w, driver.execute_script("return document.querySelector('#network svg.with-labels') !== null"))


def _bursts(driver, x: float, y: float, left: float, right: float, label: str) -> Row:
    """Drag at 20 moves/s: how long after the last move the network shows the slider's last position."""
    lags, paints, stale = [], [], 0
    span = min(3.0, (right - left) / (2 * BURST_MOVES + 4))
    for b in range(BURSTS):
        direction = 1 if b % 2 == 0 else -1
        driver.execute_script(CLEAR_JS)
        start = time.perf_counter()
        for k in range(BURST_MOVES):
            time.sleep(max(0.0, start + k * BURST_INTERVAL - time.perf_counter()))
            _mouse(driver, "mouseMoved", x + direction * span * (k + 1), y)
        r = driver.execute_async_script(SETTLE_JS, 0, QUIET_MS, 10000)
        readout = driver.find_element(By.CSS_SELECTOR, "#sliders .weight-slider-readout").text
        width = _edge_width(driver, float(readout.replace("−", "-")))
        last_input = r["inputs"][-1]
        shown = [e for e in r["events"] if e[0] == "width" and e[2] >= last_input]
        match = next((e for e in shown if abs(float(e[1]) - width) < 0.006), None)
        during = sum(1 for e in r["events"] if e[0] == "width" and e[2] < last_input)
        now = float(driver.execute_script("return document.querySelector('#network path.edge').getAttribute('stroke-width')"))
        if match is not None:
            lags.append(match[2] - last_input)
        elif not shown and abs(now - width) < 0.006:
            lags.append(0.0)  # the last move kept the slider's value: the picture already showed it
        else:
            stale += 1
        paints.append(during / ((last_input - r["inputs"][0]) / 1000))
        _mouse(driver, "mouseMoved", x, y)  # back to the start for the next burst
        settle(driver)
    m = statistics.median(lags) if lags else float("nan")
    return Row(GROUP, f"Slider burst (20 moves/s): last move → last value shown ({label})", m, max(lags or [0]),
               note=f"p95 column = worst of {BURSTS}; network redrawn {statistics.median(paints):.1f}/s while "
                    f"dragging" + (f"; {stale} bursts never showed the last value" if stale else
                                   "; last value always shown"))


# ---------------------------------------------------------------- autoplay and animation


def _metrics(driver) -> dict:
    return {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}


def _snapshot(driver):
    now, text, paints = driver.execute_script(SNAPSHOT_JS)
    step, epoch = map(int, STEP_RE.fullmatch(text).groups())
    return now, step, epoch, paints


def autoplay(driver, label: str, epochs_budget: float) -> list[Row]:
    # Choosing the speed already chosen leaves Dash's list open.
    if driver.find_element(By.CSS_SELECTOR, "#speed .dash-dropdown-value").text != "As fast as it goes":
        choose(driver, "speed", "As fast as it goes")
    settle(driver)
    driver.execute_script(CLEAR_JS)
    play = driver.find_element(By.CSS_SELECTOR, "#play")
    play.click()
    time.sleep(0.5)
    t0, s0, e0, p0 = _snapshot(driver)
    m0 = _metrics(driver)
    time.sleep(PLAY_SECONDS)
    t1, s1, e1, p1 = _snapshot(driver)
    m1 = _metrics(driver)
    fetches, renders = driver.execute_script("return [window.__bench.fetches, window.__bench.renders.length]")
    play.click()
    wait_until(lambda: play.text == "Play", "Pause")
    settle(driver, quiet=300)
    seconds = (t1 - t0) / 1000
    # A tick goes through the lab's callback (a chart tick) or straight to the server (the others).
    ticks = [f for f in fetches if (f["out"].startswith("..lab-state.data") or f["out"] == "_lab-tick")
             and f["resp"] and t0 <= f["send"] <= t1]
    draws = [f for f in fetches if ("view.data" in f["out"] or f["out"] == "_lab-tick")
             and f["resp"] and t0 <= f["send"] <= t1]
    busy = {k: (m1[k] - m0[k]) / seconds for k in ("TaskDuration", "ScriptDuration", "LayoutDuration",
                                                   "RecalcStyleDuration")}
    tick_rt = statistics.median([f["resp"] - f["send"] for f in ticks]) if ticks else float("nan")
    draw_rt = statistics.median([f["resp"] - f["send"] for f in draws]) if draws else float("nan")
    drawn = f", then drawing {draw_rt:.0f} ms" if draws != ticks else ", view included"
    note = (f"{s1 - s0} steps; {len(ticks) / seconds:.1f} ticks/s (tick round trip {tick_rt:.0f} ms{drawn}); "
            f"main thread busy {100 * busy['TaskDuration']:.0f}% "
            f"(script {100 * busy['ScriptDuration']:.0f}%, style+layout "
            f"{100 * (busy['LayoutDuration'] + busy['RecalcStyleDuration']):.0f}%)")
    starved = ""
    if p1 == p0:  # (Row.ratio is empty for a median of 0: say it here)
        starved = (f"MISSED: no redraw at all; {len(draws)} view answers arrived, the renderer ran {renders} "
                   "times (its callback stayed queued in Dash)")
    return [
        Row(GROUP, f"Autoplay, fastest: epochs per second ({label})", (e1 - e0) / seconds, unit="epochs/s",
            budget=epochs_budget, higher_is_better=True, note=note),
        Row(GROUP, f"Autoplay, fastest: network redraws per second ({label})", (p1 - p0) / seconds, unit="fps",
            budget=15, higher_is_better=True, note=starved),
    ]


def flow_fps(driver, label: str, steps: int) -> list[Row]:
    """Frames per second while a forward phase's edges flow (CSS stroke-dashoffset animation)."""
    driver.find_element(By.CSS_SELECTOR, "#reset").click()
    settle(driver, quiet=300)
    n, ms, _worst = driver.execute_async_script(FRAMES_JS, 1000)
    idle_fps = n / ms * 1000
    step = driver.find_element(By.CSS_SELECTOR, "#step")
    for _ in range(steps):
        step.click()
        settle(driver)
    flowing = driver.execute_script("return document.querySelectorAll('#network .pulse.flow-forward').length")
    m0 = _metrics(driver)
    n, ms, worst = driver.execute_async_script(FRAMES_JS, FLOW_SECONDS * 1000)
    m1 = _metrics(driver)
    busy = (m1["TaskDuration"] - m0["TaskDuration"]) / (ms / 1000)
    return [
        Row(GROUP, f"Flow animation: frames per second ({label})", n / ms * 1000, unit="fps", budget=45,
            higher_is_better=True, note=f"{flowing} edges flowing (forward layer {steps}); longest frame "
                                        f"{worst:.0f} ms; main thread busy {100 * busy:.0f}%"),
        Row(GROUP, f"  frames per second, nothing animating ({label})", idle_fps, unit="fps",
            note="the headless frame clock's ceiling"),
    ]


# ---------------------------------------------------------------- page load


def _load_figures(r: dict) -> dict:
    """One load's timeline (ms since navigation start). Resource entries exist once a fetch has ended,
    so a file still in flight at the first paint is simply missing."""
    res = {name: (start, end, size) for name, start, end, size, _body in r["res"]}

    def find(part):
        return next((v for n, v in res.items() if part in n), None)

    # Plotly's bundle (the app's own in assets/vendor/; plotly.min.js before it) comes only with a
    # chart that needs it (assets/plotly-loader.js): a row says so if it ever comes before the paint.
    plotly = find("vendor/plotly-") or find("plotly.min.js")
    layout, deps = find("_dash-layout"), find("_dash-dependencies")
    before = [d for s, d in r["longtasks"] if s < r["first"]]
    callbacks = [v for n, v in res.items() if "_dash-update-component" in n and v[0] < r["first"]]
    return {
        "first": r["first"], "html": r["html"], "dcl": r["dcl"],
        "layout": max(layout[1], deps[1]) if layout and deps else None,
        "plotly": plotly if plotly and plotly[1] < r["first"] else None,
        "first callback answer": min((v[1] for v in callbacks), default=None),
        "long tasks": sum(before), "longest task": max(before, default=0.0),
        "bytes": sum(v[2] for v in res.values()),
    }


def _median(runs, key, pick=lambda v: v):
    values = [pick(x[key]) for x in runs if x[key] is not None]
    return statistics.median(values) if values else None


def page_load(url: str) -> list[Row]:
    cold, warm = [], []
    for i in range(COLD_LOADS):
        driver = new_driver()
        try:
            driver.get(url)
            r = driver.execute_async_script(FIRST_PAINT_JS)
            if r is None:
                raise SystemExit("the network was never painted on page load")
            cold.append(_load_figures(r))
            if i == 0:
                everything = driver.execute_async_script(ALL_BYTES_JS)
            if i == COLD_LOADS - 1:
                for _ in range(WARM_LOADS):
                    driver.refresh()
                    warm.append(_load_figures(driver.execute_async_script(FIRST_PAINT_JS)))
        finally:
            driver.quit()
    rows = [Row(GROUP, "Page load: bytes fetched in all (cold, the page idle)", everything, unit="B",
                note="charts, equations and every script, compressed as they crossed the wire")]
    for label, runs, budget in (("cold: new profile, empty cache", cold, 1500), ("warm: reload", warm, 600)):
        m, p = summarise([x["first"] for x in runs])
        with_plotly = [x for x in runs if x["plotly"]]
        rows.append(Row(GROUP, f"Page load → network painted ({label})", m, p, budget=budget,
                        note=f"n={len(runs)}; {_median(runs, 'bytes') / 1e6:.1f} MB fetched before it"))
        rows.append(Row(GROUP, "  timeline: HTML received", _median(runs, "html"),
                        note=f"DOMContentLoaded (every page script run) at {_median(runs, 'dcl'):.0f} ms"))
        rows.append(Row(GROUP, "  timeline: layout + dependencies received", _median(runs, "layout") or float("nan")))
        answer = _median(runs, "first callback answer")
        rows.append(Row(GROUP, "  timeline: first callback answer", answer if answer is not None else float("nan"),
                        note="" if answer is not None else "none before the paint: the first picture came with the page"))
        if with_plotly:
            rows.append(Row(GROUP, "  timeline: Plotly's bundle fetched", _median(with_plotly, "plotly", lambda v: v[1]),
                            note=f"requested at {_median(with_plotly, 'plotly', lambda v: v[0]):.0f} ms, "
                                 f"{_median(with_plotly, 'plotly', lambda v: v[2]) / 1e6:.1f} MB over the wire; "
                                 f"fetched before the first paint in {len(with_plotly)} of {len(runs)} loads"))
        else:
            rows[-4] = replace(rows[-4], note=rows[-4].note + "; Plotly's bundle not yet asked for at the first paint")
        rows.append(Row(GROUP, "  main thread: long tasks before first paint (total)", _median(runs, "long tasks"),
                        note=f"longest {_median(runs, 'longest task'):.0f} ms"))
    return rows


# ---------------------------------------------------------------- all of it


# Our figures beside TensorFlow Playground's from the same run (bench/playground.py), with Playground's
# median as the budget, so the ratio column reads ours / Playground's (a rate: Playground's / ours).
# Ours → (Playground's figure, what it is there); "{}" is our network, matched by size.
BESIDE = (
    ("Step → network painted ({})", "step", "its Step, one epoch"),
    ("Full step → network painted ({})", "step", "its Step, one epoch"),
    ("Slider move → network and gradients painted ({})", "edit", "a value typed into a link's card"),
    ("Autoplay, fastest: network redraws per second ({})", "play", "its autoplay"),
    ("Autoplay, fastest: epochs per second ({})", "epochs", "its autoplay"),
    ("Page load → network painted (cold: new profile, empty cache)", "load", "a cold load"),
    ("Page load: bytes fetched in all (cold, the page idle)", "bytes", "a cold load"),
)
SIZES = {"default lesson": "small", "six layers of 8": "large"}


def _figure(value: float, unit: str) -> str:
    return f"{value / 1024:.1f} KB" if unit == "B" else f"{value:.3g}"


def beside(rows: list[Row], playground: dict) -> list[Row]:
    out = []
    for ours, theirs, what in BESIDE:
        for label, size in (SIZES.items() if "{}" in ours else [(None, "small")]):
            name = ours.format(label)
            row = next((r for r in rows if r.what == name), None)
            figure = playground.get((theirs, size))
            if row is None or figure is None:
                continue
            shape = {"small": "4,2", "large": "six layers of 8"}[size]
            out.append(Row(GROUP, f"vs Playground: {name}", row.median, row.p95, row.unit, budget=figure[0],
                           higher_is_better=row.higher_is_better,
                           note=f"Playground, {shape}, {what}: {_figure(figure[0], row.unit)} "
                                f"(p95 {_figure(figure[1], row.unit)})"))
    return out


def collect(playground: str | None = None) -> list[Row]:
    """Every figure; with `playground` (a build of TensorFlow Playground), each beside Playground's."""
    proc, url = start_app()
    rows: list[Row] = []
    driver = None
    try:
        driver = new_driver()
        open_page(driver, url)
        rows += step_series(driver, "default lesson", 30, 80)
        rows += slider_series(driver, "default lesson", 35, 80)
        rows += flow_fps(driver, "default lesson", 1)
        rows += autoplay(driver, "default lesson", 115)

        open_page(driver, url)  # a fresh page: nothing pinned
        six_layers(driver)
        instrument(driver)
        rows += step_series(driver, "six layers of 8", 45, 110)
        rows += slider_series(driver, "six layers of 8", None, None)
        rows += flow_fps(driver, "six layers of 8", 2)
        rows += autoplay(driver, "six layers of 8", 38)
        # Every neuron's own picture, computed in the page for each picture it paints.
        driver.find_element(By.CSS_SELECTOR, "#network-options input[value='maps']").click()
        rows += autoplay(driver, "six layers of 8, neuron pictures", 38)
        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        if errors:
            print(f"browser console errors: {errors[:3]}", file=sys.stderr)
        driver.quit()
        driver = None
        rows += page_load(url)
    finally:
        if driver is not None:
            driver.quit()
        stop_app(proc)
    if playground:
        from bench import playground as peer  # only with --playground: it drives another page

        rows += beside(rows, peer.collect(playground))
    return rows


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--playground", metavar="DIR",
                        help="a build of TensorFlow Playground: its figures, from the same run, beside ours")
    print(header())
    print(render(collect(parser.parse_args().playground)))
    if os.getloadavg()[0] > 1.5:
        print(f"note: the machine was busy (load average {os.getloadavg()[0]:.1f}): other processes share its "
              "2 cores, so these times are pessimistic", file=sys.stderr)
