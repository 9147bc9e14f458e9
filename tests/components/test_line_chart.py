"""The charts the page draws itself (components/line_chart.py, assets/line-chart.js): their record, their
callbacks, and the arithmetic of their axes and hover words, run under Node as the page runs it.
How they look and what a person reads off them is tested in the browser (tests/browser/test_line_charts.py)."""

import json
import subprocess

import pytest

from app import ASSETS, create_app
from components import line_chart
from tests.app.test_clientside import node

# Loads the page's file with the few browser names it uses at load, and answers each question asked.
RUNNER = """
globalThis.window = globalThis;
globalThis.document = {createElement: () => ({getContext: () => ({measureText: (t) => ({width: t.length})})})};
globalThis.ResizeObserver = class { observe() {} };
require(process.argv[1]);
const chart = window.backpropLabLineChart;
const out = JSON.parse(process.argv[2]).map(([what, ...args]) => {
  if (what === "ticks") { const t = chart.ticks(...args); return t.values.map((v) => chart.tickText(v, t.step)); }
  return chart.fill(...args);
});
process.stdout.write(JSON.stringify(out));
"""


def run(*questions):
    ran = subprocess.run([node(), "-e", RUNNER, str(ASSETS / "line-chart.js"), json.dumps(questions)],
                         capture_output=True, text=True, timeout=60, check=True)
    return json.loads(ran.stdout)


def test_ticks_are_round_numbers_inside_the_range_with_a_true_minus_sign():
    # At most 4 ticks in −3.5…4.5: steps of 1 would give 8 (−3…4), of 2 four (−2, 0, 2, 4).
    # At most 3 in 0.035…0.09: 0.01 gives 6, 0.02 three. At most 2 in 0…0.05: 0.025 gives 3, 0.05 two.
    # At most 5 in 0…1200: 200 gives 7, 500 three. At most 4 in −1…1: 0.5 gives 5, 1 three.
    assert run(["ticks", -3.5, 4.5, 4], ["ticks", 0.035, 0.09, 3], ["ticks", 0, 0.05, 2], ["ticks", 0, 1200, 5],
               ["ticks", -1, 1, 4]) == [
        ["−2", "0", "2", "4"], ["0.04", "0.06", "0.08"], ["0", "0.05"], ["0", "500", "1000"],
        ["−1", "0", "1"]]


def test_a_range_of_one_value_has_one_tick():
    assert run(["ticks", 3, 3, 4]) == [["3"]]


def test_hover_words_follow_plotlys_template():
    # The slice's template (components/landscape_charts.py): x to 3 decimals, C to 4, <extra> dropped.
    assert run(["fill", "W1[0,0] = %{x:.3f}<br>C = %{y:.4f}<extra></extra>", -0.5, 0.12345]) == [
        ["W1[0,0] = −0.500", "C = 0.1235"]]
    # No format: five significant digits; a missing value is a dash.
    assert run(["fill", "train: (%{x}, %{y})", 12, 0.0123456], ["fill", "%{x}, %{y}", 1, None]) == [
        ["train: (12, 0.012346)"], ["1, —"]]


def test_a_chart_is_one_name_and_its_box_keeps_no_children_for_react():
    chart, store = line_chart.box("history", "history-chart")
    assert chart.id == "history" and chart.className == "chart line-chart js-plotly-plot history-chart"
    assert getattr(chart, "children", None) is None  # the page draws into it
    assert store.id == line_chart.figure_of("history") == "history-figure"
    with pytest.raises(ValueError, match="not one of the page's own charts"):
        line_chart.box("data-chart")


def test_each_chart_is_drawn_from_its_store_by_the_pages_function():
    dependencies = create_app().server.test_client().get("/_dash-dependencies").get_json()
    drawn = {d["output"]: d for d in dependencies if (d.get("clientside_function") or {}).get("function_name")
             == "lineChart"}
    assert set(drawn) == {f"{name}.data-drawn" for name in line_chart.CHARTS}
    for name in line_chart.CHARTS:
        d = drawn[f"{name}.data-drawn"]
        assert d["inputs"] == [{"id": f"{name}-figure", "property": "data"}]
        assert d["state"] == [{"id": name, "property": "id"}]
