"""`make bench`: every benchmark, printed as one table.

engine (NumPy engine timings), server (each callback's time and answer size through
Dash's HTTP handler), browser (what a person feels in headless Chromium), wifi (a cold load over a classroom's
throttled, shared Wi-Fi), speeds (the
steps per second each Play speed shows on the step counter), classroom
(the classroom command, backprop-lab, and simulated students) and hostile (thousands of malformed
requests and the most expensive valid ones, against the real server; a Step's p95 while 32
slow-body connections are open). Prints figures;
asserts nothing. Run with `.venv/bin/python -m bench` from the repo root; `--quick` shortens
the classroom; `--soak` adds the soak (10,000 play ticks, about two and a half minutes).
"""

import argparse

from bench import app, browser, classroom, engine, hostile, soak, speeds, wifi
from bench.table import header, render


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 15 s classroom of 20 students instead of 60 s of 60")
    parser.add_argument("--soak", action="store_true", help="also 10,000 play ticks against the real server (long)")
    parser.add_argument("--playground", metavar="DIR",
                        help="a build of TensorFlow Playground: the browser figures beside its own, from the same run")
    args = parser.parse_args()
    print(header(), flush=True)
    rows = engine.collect() + app.collect() + browser.collect(args.playground) + wifi.collect() + speeds.collect()
    rows += classroom.collect(seconds=15, students=20) if args.quick else classroom.collect()
    rows += hostile.collect()
    if args.soak:
        rows += soak.collect()
    print(render(rows))


if __name__ == "__main__":
    main()
