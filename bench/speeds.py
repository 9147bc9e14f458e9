"""Play speeds, measured as a person sees them: steps per second on the page's step counter.

For each named speed of the toolbar's list, on the default lesson and on six hidden layers
of 8 (circle data), it presses Play, records every change of the counter ("Step n · Epoch m")
with its time in the page (a MutationObserver, performance.now()), presses Pause, and fits a
straight line through (time, step): its slope is the rate the person reads. It also prints how
many times a second the counter changed (redraws) and how many steps one change took at most.
Asserts nothing: timings belong here, never in tests.

Run from the repo root: `.venv/bin/python -m bench.speeds` (about two minutes).
"""

import itertools
import os
import statistics
import sys
import time

from selenium.webdriver.common.by import By

from app.actions import SPEEDS
from bench.browser import choose, new_driver, open_page, settle, six_layers, start_app, stop_app
from bench.table import Row, header, render

GROUP = "speeds"
WARMUP_SECONDS = 1.0  # the first tick waits one period, and the first chart tick replots
SECONDS = {1: 10.0}  # a slow speed needs longer to show enough steps; others: DEFAULT_SECONDS
DEFAULT_SECONDS = 6.0

# Every change of the step counter, with the page's own clock.
WATCH_JS = """
const box = document.getElementById('counters');
window.__counter = [];
if (window.__counterWatch) window.__counterWatch.disconnect();
window.__counterWatch = new MutationObserver(() => {
  const m = /Step (\\d+)/.exec(box.textContent);
  if (m) window.__counter.push([performance.now(), Number(m[1])]);
});
window.__counterWatch.observe(box, {childList: true, characterData: true, subtree: true});
"""


def slope(points) -> float:
    """Least-squares steps per second through (ms, step) points."""
    ts = [t / 1000 for t, _ in points]
    ss = [s for _, s in points]
    mt, ms = statistics.fmean(ts), statistics.fmean(ss)
    var = sum((t - mt) ** 2 for t in ts)
    return sum((t - mt) * (s - ms) for t, s in zip(ts, ss)) / var if var else float("nan")


def measure(driver, speed) -> tuple[float, int, float]:
    """(steps per second, counter changes, most steps in one change) while playing at `speed`."""
    choose(driver, "speed", speed.label)
    settle(driver)
    driver.find_element(By.CSS_SELECTOR, "#reset").click()
    settle(driver)
    play = driver.find_element(By.CSS_SELECTOR, "#play")
    play.click()
    time.sleep(WARMUP_SECONDS)
    driver.execute_script(WATCH_JS)
    time.sleep(SECONDS.get(speed.per_second, DEFAULT_SECONDS))
    points = driver.execute_script("window.__counterWatch.disconnect(); return window.__counter;")
    play.click()
    settle(driver, quiet=300)
    if len(points) < 2:
        return float("nan"), len(points), float("nan")
    jumps = [b[1] - a[1] for a, b in itertools.pairwise(points)]
    seconds = (points[-1][0] - points[0][0]) / 1000
    return slope(points), len(jumps) / seconds if seconds else 0.0, max(jumps)


def rows_for(driver, label: str) -> list[Row]:
    rows = []
    for speed in SPEEDS.values():
        if speed.moves == "phase":
            continue  # a phase is not a step: the counter moves once in 2L + 2 phases
        rate, redraws, most = measure(driver, speed)
        named = "no rate named" if speed.per_second is None else f"{100 * (rate / speed.per_second - 1):+.0f}% of it"
        rows.append(Row(GROUP, f"{speed.label} ({label})", rate, unit="steps/s",
                        note=f"{named}; counter redrawn {redraws:.1f}/s, at most {most} steps per redraw"))
    return rows


def collect() -> list[Row]:
    proc, url = start_app()
    driver = new_driver()
    try:
        open_page(driver, url)
        rows = rows_for(driver, "default lesson")
        open_page(driver, url)
        six_layers(driver)
        rows += rows_for(driver, "six layers of 8")
        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        if errors:
            print(f"browser console errors: {errors[:3]}", file=sys.stderr)
    finally:
        driver.quit()
        stop_app(proc)
    return rows



if __name__ == "__main__":
    print(header())
    print(render(collect()))
    if os.getloadavg()[0] > 1.5:
        print(f"note: the machine was busy (load average {os.getloadavg()[0]:.1f})", file=sys.stderr)
