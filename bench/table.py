"""One table format for every benchmark, so `make bench` prints them all as one.

A Row is one measured figure: what was measured, its median and p95, the unit,
and the budget if there is one. Each bench script exposes `collect() -> list[Row]`
and prints its own rows when run alone; bench/__main__.py prints all of them.
"""

import datetime
import os
import platform
import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    group: str  # e.g. "browser", "server", "engine", "classroom"
    what: str
    median: float
    p95: float | None = None
    unit: str = "ms"
    budget: float | None = None  # same unit; None: no budget
    higher_is_better: bool = False  # e.g. epochs per second
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """Measured against the budget: ≤ 1 is within it, whichever way "better" points."""
        if self.budget is None:
            return None
        if self.higher_is_better:
            return float("inf") if self.median == 0 else self.budget / self.median
        return self.median / self.budget


def summarise(samples) -> tuple[float, float]:
    """Median and 95th percentile of a list of samples."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def header() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"Backprop Lab benchmarks — {datetime.date.today().isoformat()} — {platform.machine()}, "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load average {load}")


def _fmt(value, unit) -> str:
    if value is None:
        return "—"
    if unit == "ms" and value < 1:
        return f"{value * 1000:.0f} µs"
    if unit == "B":
        return f"{value / 1024:.1f} KB"
    return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"


def render(rows: list[Row]) -> str:
    lines = [f"{'group':<10} {'what':<58} {'median':>10} {'p95':>10} {'budget':>10} {'ratio':>6}"]
    lines.append("-" * len(lines[0]))
    for r in rows:
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}" + (" !" if r.ratio > 1 else "")
        budget = "" if r.budget is None else ("≥ " if r.higher_is_better else "≤ ") + _fmt(r.budget, r.unit)
        lines.append(f"{r.group:<10} {r.what[:58]:<58} {_fmt(r.median, r.unit):>10} {_fmt(r.p95, r.unit):>10} "
                     f"{budget:>10} {ratio:>6}" + (f"  {r.note}" if r.note else ""))
    lines.append("ratio: measured against the budget; at most 1 is within it (! marks a miss).")
    return "\n".join(lines)


def main(collect) -> None:
    """Print one benchmark's rows as the table, under the machine's header."""
    print(header(), flush=True)
    print(render(collect()))
