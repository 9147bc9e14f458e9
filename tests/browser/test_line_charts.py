"""The charts the page draws itself (assets/line-chart.js), read as a person reads them: where the ball
sits against the axes' numbers, what hovering the curve says, the words in both themes and on the
stage. Every expected number comes from the engine."""

import json
import re

import numpy as np
import pytest
from plotly.io.json import to_json_plotly
from selenium.webdriver.common.action_chains import ActionChains

import engine
from app import create_app, panels
from tests.browser.test_network_page import wait_until

# Each axis's tick labels with their places on screen, and the ball's (the marker of one point).
READ = r"""
const box = document.getElementById(arguments[0]);
const ticks = (axis) => [...box.querySelectorAll('.' + axis + 'tick text')].map((t) => {
  const r = t.getBoundingClientRect();
  return [parseFloat(t.textContent.replace('\u2212', '-')), axis === 'x' ? (r.left + r.right) / 2 : (r.top + r.bottom) / 2];
});
const ball = [...box.querySelectorAll('.trace circle.point')].map((c) => {
  const r = c.getBoundingClientRect(); return [(r.left + r.right) / 2, (r.top + r.bottom) / 2];
});
return {x: ticks('x'), y: ticks('y'), ball, title: box.querySelector('.xtitle')?.textContent};
"""


def read(dash_duo, chart="slice-chart") -> dict:
    return dash_duo.driver.execute_script(READ, chart)


def value_at(ticks, place) -> float:
    """The value an axis gives a place on screen: its labelled ticks, read as a ruler."""
    (v0, p0), (v1, p1) = ticks[0], ticks[-1]
    return v0 + (place - p0) * (v1 - v0) / (p1 - p0)


def slice_at_start():
    state = engine.PRESETS["default"].state()
    ref = engine.ParamRef.parse("W1[0,0]", state.spec)
    w = ref.get(state.params)
    values = np.linspace(w - panels.SLICE_HALF_WIDTH, w + panels.SLICE_HALF_WIDTH, panels.SLICE_POINTS)
    return engine.loss_slice(state, ref, values)


def open_at(dash_duo, query="", size=(1280, 800)):
    dash_duo.start_server(create_app())
    dash_duo.driver.set_window_size(*size)
    if query:
        dash_duo.driver.get(dash_duo.server_url + "/" + query)
    return wait_until(lambda: (r := read(dash_duo))["ball"] and len(r["x"]) >= 3 and len(r["y"]) >= 2 and r,
                      "the loss curve with its ball and its axes", timeout=20)


def test_the_ball_sits_where_the_axes_say_the_weight_and_its_loss_are(dash_duo):
    shown = open_at(dash_duo)
    s = slice_at_start()
    assert shown["title"] == "W1[0,0]"
    # Hand-checkable: W1[0,0] starts at +0.5 on an axis from −3.5 to 4.5; its ticks are round numbers.
    assert [v for v, _ in shown["x"]] == [-2, 0, 2, 4]
    (bx, by), = shown["ball"]
    span_x = float(s.values[-1] - s.values[0])
    span_y = float(np.nanmax(s.loss) - np.nanmin(s.loss))
    # Read off the axes as a ruler, to within 1 % of each axis's span (about 2 px).
    assert value_at(shown["x"], bx) == pytest.approx(s.current_value, abs=0.01 * span_x)
    assert value_at(shown["y"], by) == pytest.approx(s.current_loss, abs=0.01 * span_y)
    assert dash_duo.get_logs() == []


def test_hovering_the_curve_names_the_weight_and_the_loss_there(dash_duo):
    shown = open_at(dash_duo)
    s = slice_at_start()
    area = dash_duo.find_element("#slice-chart .lc-hover-area")
    # To the point over the tick "2" on the x axis: to the area's middle, then across.
    rect = dash_duo.driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.width];", area)
    at_two = next(place for v, place in shown["x"] if v == 2)
    ActionChains(dash_duo.driver).move_to_element(area).move_by_offset(round(at_two - rect[0] - rect[1] / 2), 0).perform()
    words = wait_until(lambda: dash_duo.driver.execute_script(
        "const t = document.querySelector('#slice-chart .lc-hover-text');"
        "return t && t.closest('.lc-hover').getAttribute('visibility') === 'visible' ? t.textContent : ''"),
        "the hover's words")
    found = re.fullmatch(r"W1\[0,0\] = ([−\d.]+)C = ([\d.]+)", words)
    assert found, words
    w, c = float(found[1].replace("−", "-")), float(found[2])
    i = int(np.argmin(np.abs(s.values - w)))
    # The point of the curve nearest the pointer (the curve's points are 0.067 apart), and its loss.
    assert w == pytest.approx(2.0, abs=0.07) and w == pytest.approx(float(s.values[i]), abs=5e-4)
    assert c == pytest.approx(float(s.loss[i]), abs=5e-5)
    ActionChains(dash_duo.driver).move_by_offset(0, 400).perform()
    wait_until(lambda: dash_duo.driver.execute_script(
        "return document.querySelector('#slice-chart .lc-hover').getAttribute('visibility') === 'hidden'"),
        "the hover's words to go when the pointer leaves")
    assert dash_duo.get_logs() == []


STYLE = r"""
const box = document.getElementById(arguments[0]);
const tick = box.querySelector('.ytick text'), bg = box.querySelector('.lc-bg');
return {ink: getComputedStyle(tick).fill, size: parseFloat(getComputedStyle(tick).fontSize),
        plot: bg ? getComputedStyle(bg).fill : null};
"""


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
def test_the_words_take_the_theme_and_grow_on_the_stage(dash_duo, size):
    open_at(dash_duo, "", size)
    light = dash_duo.driver.execute_script(STYLE, "slice-chart")
    assert light["ink"] == "rgb(29, 36, 48)" and light["plot"] == "rgb(255, 255, 255)" and light["size"] == 14
    dash_duo.driver.get(dash_duo.server_url + "/?theme=dark&present=1")
    wait_until(lambda: read(dash_duo)["ball"], "the curve in the dark theme, presenting", timeout=20)
    dark = wait_until(lambda: (s := dash_duo.driver.execute_script(STYLE, "slice-chart"))["size"] > 14 and s,
                      "the chart's words to grow on the stage")
    # The dark theme's ink (#eef1f6) on its plot (#11151c); on the stage 15 px at 1024 wide, 19 px at 1920.
    assert dark["ink"] == "rgb(238, 241, 246)" and dark["plot"] == "rgb(17, 21, 28)"
    assert dark["size"] == (15 if size[0] == 1024 else pytest.approx(19.2))
    assert dash_duo.get_logs() == []


def test_the_loss_over_training_draws_each_update_and_names_its_axes(dash_duo):
    open_at(dash_duo)
    for expected in ("Step 1 · Epoch 1", "Step 2 · Epoch 2", "Step 3 · Epoch 3"):
        dash_duo.find_element("#full-step").click()
        dash_duo.wait_for_text_to_equal("#counters", expected, timeout=10)
    drawn = wait_until(lambda: (r := read(dash_duo, "history"))["ball"] and len(r["ball"]) == 4 and r,
                       "the history's four points (the start and three updates)")
    state = engine.PRESETS["default"].state()
    for _ in range(3):
        state = engine.full_step(state)
    losses = [train for _, train, _ in state.history.entries]
    assert len(losses) == 4
    # Each point is at its step and its training loss, read off the axes.
    steps = [round(value_at(drawn["x"], x)) for x, _ in drawn["ball"]]
    assert steps == [0, 1, 2, 3]
    span = max(v for v, _ in drawn["y"]) - min(v for v, _ in drawn["y"])
    for (_, y), loss in zip(drawn["ball"], losses):
        assert value_at(drawn["y"], y) == pytest.approx(loss, abs=0.02 * span)
    assert dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#history .xtitle, #history .ytitle')].map((t) => t.textContent)") == [
        "step", "loss"]
    # Hovering near the right edge names the last update's step and its loss.
    area = dash_duo.find_element("#history .lc-hover-area")
    width = dash_duo.driver.execute_script("return arguments[0].getBoundingClientRect().width", area)
    ActionChains(dash_duo.driver).move_to_element(area).move_by_offset(round(width / 2) - 3, 0).perform()
    words = wait_until(lambda: dash_duo.driver.execute_script(
        "const t = document.querySelector('#history .lc-hover-text');"
        "return t && t.closest('.lc-hover').getAttribute('visibility') === 'visible' ? t.textContent : ''"),
        "the history's hover words")
    assert words == f"step 3: train loss {losses[3]:.4f}"
    assert dash_duo.get_logs() == []


WORD_BOXES = """
return [...document.querySelectorAll('#history svg text')].filter((t) => t.textContent && t.getBBox().width)
  .map((t) => { const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.top, r.right, r.bottom]; });
"""


def test_the_loss_historys_words_never_overlap_on_a_short_stage(dash_duo):
    """A 1280×720 projector on the stage, with train and test losses: the history's plot is a few
    lines tall, and its loss axis once wrote "0.5" over "0". It writes as many ticks as have room."""
    open_at(dash_duo, "?lesson=circle&hidden=4,2&present=1", size=(1280, 720))
    for expected in ("Step 1 · Epoch 0", "Step 2 · Epoch 0"):
        dash_duo.find_element("#full-step").click()
        dash_duo.wait_for_text_to_equal("#counters", expected, timeout=10)
    words = wait_until(lambda: len(read(dash_duo, "history")["ball"]) >= 3 and dash_duo.driver.execute_script(WORD_BOXES),
                       "the history's points and words")
    assert {"step", "loss", "train", "test"} <= {w[0] for w in words}
    assert read(dash_duo, "history")["y"], "the loss axis names at least one value"
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
            assert apart, (a, b)
    assert dash_duo.get_logs() == []


# From the first script of every document: what the first screen's charts showed while it was up.
FIRST_SCREEN = """
window.__first = null;
new MutationObserver(() => {
  const shell = document.querySelector('.first-screen:not([hidden])');
  if (!shell) return;
  const points = (name) => shell.querySelectorAll('[data-id="' + name + '"] circle.point').length;
  const note = shell.querySelector('[data-id="slice-note"]');
  if (points('slice-chart')) window.__first = {slice: points('slice-chart'), history: points('history'),
    note: note ? note.textContent : '', paint: window.backpropLab && window.backpropLab.firstPaint};
}).observe(document, {childList: true, subtree: true, attributes: true});
"""


# What the first screen's chart box held, should the ball not come (to say why).
FIRST_BOX = """
const box = document.querySelector('.first-screen [data-id="slice-chart"]');
const shell = document.querySelector('.first-screen');
return {shell: !!shell, hidden: shell ? shell.hidden : null, box: !!box, width: box ? box.clientWidth : null,
        svg: box ? !!box.querySelector('svg') : null, live: !!document.querySelector('#react-entry-point .page')};
"""


def first_screen_then_live(dash_duo) -> dict:
    """What the first screen's charts showed, once they showed the ball; then the live page in its place.
    Generous timeouts: on a busy machine Dash's scripts, and with them the live page, come late."""
    driver = dash_duo.driver
    try:
        wait_until(lambda: driver.execute_script("return window.__first"), "the ball on the first screen", timeout=30)
    except pytest.fail.Exception:
        raise AssertionError(f"no ball on the first screen: {driver.execute_script(FIRST_BOX)}") from None
    wait_until(lambda: driver.execute_script("return !document.querySelector('.first-screen')"),
               "the live page in the first screen's place", timeout=30)
    return driver.execute_script("return window.__first")


def test_the_first_screen_shows_the_ball_with_the_network_and_a_reload_the_tabs_own_charts(dash_duo):
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    driver.set_window_size(1280, 800)
    # A new tab: its session storage is empty, as on a first visit (the tab dash_duo opened keeps a lab).
    driver.switch_to.new_window("tab")
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FIRST_SCREEN})
    driver.get(dash_duo.server_url + "/")
    shown = first_screen_then_live(dash_duo)
    s = slice_at_start()
    # The ball, on the first screen, with the network (drawn in the same moments, before the live page).
    assert shown["slice"] == 1 and shown["paint"]
    assert shown["note"] == f"C along W1[0,0] = {s.current_value:+.3f}, weights at the start. Its slope appears when " \
                            "the blame reaches layer 1."
    assert shown["history"] == 0  # nothing trained yet
    # Two updates, then a reload: the first screen shows the tab's own lab, its history's three points.
    for expected in ("Step 1 · Epoch 1", "Step 2 · Epoch 2"):
        dash_duo.find_element("#full-step").click()
        dash_duo.wait_for_text_to_equal("#counters", expected, timeout=10)
    wait_until(lambda: len(read(dash_duo, "history")["ball"]) == 3, "the history's three points")
    driver.refresh()
    again = first_screen_then_live(dash_duo)
    assert again["history"] == 3 and again["slice"] >= 1
    assert len(read(dash_duo, "history")["ball"]) == 3
    assert dash_duo.get_logs() == []


# Every request the page sends from now on: Play's own ticks (with or without charts) and Dash's answers
# that a chart tick asked for.
COUNT_REQUESTS = """
window.sent = {ticks: 0, chartTicks: 0, panels: 0};
const pageFetch = window.fetch;
window.fetch = function (url, init) {
  const body = String(init && init.body);
  if (String(url).includes('_lab-tick')) {
    window.sent.ticks += 1;
    if (JSON.parse(body).charts === true) window.sent.chartTicks += 1;
  } else if (body.includes('"changedPropIds":["play-charts.data"]')) window.sent.panels += 1;
  return pageFetch.apply(this, arguments);
};
"""


def shown_step(dash_duo, box) -> int:
    """The step a box's words say the numbers are of ("… the weights after step 12")."""
    match = re.search(r"after step (\d+)", dash_duo.find_element(f"#{box}").text)
    return int(match.group(1)) if match else 0


def test_while_play_runs_the_ball_the_loss_and_the_numbers_follow_it_without_dash(dash_duo):
    from tests.browser.test_network_page import _still_for, choose, dash_idle, step_count

    open_at(dash_duo, "?lesson=circle&hidden=4,2")
    driver = dash_duo.driver
    choose(dash_duo, "speed", "As fast as it goes")
    dash_idle(dash_duo, "the speed's callback")
    before = read(dash_duo)
    driver.execute_script(COUNT_REQUESTS)
    dash_duo.find_element("#play").click()
    # Each chart tick's words, curve and loss over training, written by the page as the answer comes.
    first = wait_until(lambda: shown_step(dash_duo, "numbers-when"), "the numbers of a chart tick", timeout=10)
    wait_until(lambda: shown_step(dash_duo, "numbers-when") > first, "the numbers of the next chart tick", timeout=10)
    assert dash_duo.find_element("#slice-note").text.startswith("The update moved W1[0,0] from ")
    moved = read(dash_duo)
    assert moved["title"] == "W1[0,0]" and moved["ball"] and moved["x"] != before["x"]  # the curve followed the weight
    points = driver.execute_script("return document.getElementById('history').figure.data[0].x")
    assert len(points) > 2 and points[-1] >= first
    sent = driver.execute_script("return window.sent")
    assert sent["chartTicks"] >= 2 and sent["ticks"] > sent["chartTicks"] and sent["panels"] == 0, sent
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=5)
    paused_at = wait_until(lambda: _still_for(0.5, lambda: step_count(dash_duo)), "the counters to stop", timeout=5)
    dash_idle(dash_duo, "the pause's catch-up")
    # On Pause, every word, the curve and the loss are those of the lab the tab keeps, as the engine has it.
    kept = engine.LabState.from_dict(driver.execute_script("return JSON.parse(sessionStorage.getItem('lab-state'))"))
    assert kept.counters.step == paused_at
    figure, note, _ = panels.slice_panel(kept, "W1[0,0]")
    wait_until(lambda: dash_duo.find_element("#slice-note").text == note, "the curve's words of the kept lab")
    drawn = driver.execute_script("return document.getElementById('slice-chart').figure")
    assert drawn["data"] == json.loads(to_json_plotly(figure))["data"]
    assert shown_step(dash_duo, "numbers-when") == paused_at
    assert driver.execute_script("return document.getElementById('history').figure.data[0].x.slice(-1)[0]") == \
        kept.history.entries[-1][0]
    assert dash_duo.find_element("#phase-text").text == kept.cursor.words()
    assert dash_duo.get_logs() == []


def test_with_the_data_tab_on_show_a_chart_tick_asks_dash_for_its_picture(dash_duo):
    from tests.browser.test_network_page import choose, dash_idle

    open_at(dash_duo, "?lesson=circle&hidden=4,2")
    driver = dash_duo.driver
    choose(dash_duo, "speed", "As fast as it goes")
    driver.find_element("xpath", "//*[contains(@class,'panel-tabs')]//*[normalize-space(.)='Data']").click()
    dash_duo.wait_for_element("#data-chart .main-svg", timeout=20)
    dash_idle(dash_duo, "the Data tab's picture")
    driver.execute_script(COUNT_REQUESTS)
    dash_duo.find_element("#play").click()
    wait_until(lambda: driver.execute_script("return window.sent.panels") >= 2, "two chart ticks' panels", timeout=10)
    assert shown_step(dash_duo, "numbers-when") > 0  # the words still came with the ticks
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=5)
    assert dash_duo.get_logs() == []
