"""The Toy curves tab in a real browser: a click on the chart places the ball, Pause stops it at
once every time, and a learning rate that is too large shows the ball thrown off the picture.

Every answer from the server is held back 150 ms in the page (a slow server, or Wi-Fi), so that a
tick is often on its way when Pause is pressed: the race that once left the ball playing.
"""

from selenium.webdriver.common.actions.action_builder import ActionBuilder

import engine
from app.layout import BALL_TICK_MS
from components import landscape_charts as charts

from .test_landscapes import figure, note, open_tab, trace_x
from .test_network_page import choose, open_page, wait_until

SLOW_ANSWERS_MS = 150

SLOW_DOWN = """const f = window.fetch; window.fetch = (...a) => f(...a).then((r) =>
    String(a[0]).includes('_dash-update-component') ? new Promise((ok) => setTimeout(() => ok(r), arguments[0])) : r);"""

# The ball at the moment a click on Play/Pause happens (a listener ahead of Dash's own): as drawn, and
# as the page holds it (an answer taken in just before the click may not be drawn yet on a busy machine).
NOTE_BALL_AT_CLICK = """document.getElementById('ball-play').addEventListener('click', () => {
    const gd = document.querySelector('#ball-chart .js-plotly-plot'); window.ballAtClick = gd.data[2].x[0];
    const s = window.store.getState(); let node = s.layout; for (const k of s.paths.strs['ball-chart']) node = node[k];
    window.ballKeptAtClick = node.props.figure.data[2].x[0];
    window.clickedAt = performance.now(); }, {capture: true, once: true});"""


def ball_x(dash_duo):
    return trace_x(dash_duo, "ball-chart", charts.BALL)[0]


def click_chart_at(dash_duo, x: float, y_fraction: float):
    """A real mouse click on the ball's chart at the data x, y_fraction of the way down the plot area."""
    left, top = dash_duo.driver.execute_script(
        """const gd = document.querySelector('#ball-chart .js-plotly-plot'), L = gd._fullLayout;
        const box = gd.getBoundingClientRect();
        return [box.left + L._size.l + L.xaxis.l2p(arguments[0]), box.top + L._size.t + arguments[1] * L._size.h];""",
        x, y_fraction)
    move = ActionBuilder(dash_duo.driver)
    move.pointer_action.move_to_location(round(left), round(top))
    move.perform()
    # As a person does: the pointer rests until the label offers the spot, then the click.
    wait_until(lambda: "Click to put the ball at x" in dash_duo.driver.execute_script(
        "const t = document.querySelector('#ball-chart .hoverlayer .hovertext'); return t ? t.textContent : ''"),
        "the hover label over the chart")
    click = ActionBuilder(dash_duo.driver)
    click.pointer_action.move_to_location(round(left), round(top))
    click.pointer_action.click()
    click.perform()


def steps(dash_duo) -> int:
    return int(note(dash_duo, "ball-note").split(".")[0].removeprefix("Step "))


def test_a_click_places_the_ball_and_pause_stops_it_at_once(dash_duo):
    open_page(dash_duo)
    open_tab(dash_duo, "ball")
    curve = engine.CURVES["two_valleys"]
    wait_until(lambda: trace_x(dash_duo, "ball-chart", charts.BALL) == [curve.start], "the ball at the start")

    # A click high over the curve, and one on empty plot near the bottom: the ball goes to the x clicked,
    # to within a point of the curve's drawing (5 / 240 apart; the pointer lands on whole pixels).
    spacing = (curve.x_max - curve.x_min) / (charts.CURVE_POINTS - 1)
    for x, height in ((-1.0, 0.1), (0.8, 0.95)):
        click_chart_at(dash_duo, x, height)
        wait_until(lambda x=x: abs(ball_x(dash_duo) - x) <= 1.5 * spacing, f"the ball to go to x = {x}")
        wait_until(lambda: note(dash_duo, "ball-note").startswith("Step 0. Slope under the ball"), "a fresh start")

    dash_duo.driver.execute_script(SLOW_DOWN, SLOW_ANSWERS_MS)
    for attempt in range(5):
        dash_duo.find_element("#ball-play").click()
        dash_duo.wait_for_text_to_equal("#ball-play", "Pause", timeout=5)
        before = steps(dash_duo)
        wait_until(lambda n=before + attempt % 2: steps(dash_duo) > n, "the ball to roll")  # a tick in, or two
        dash_duo.driver.execute_script(NOTE_BALL_AT_CLICK)
        dash_duo.find_element("#ball-play").click()
        dash_duo.wait_for_text_to_equal("#ball-play", "Play", timeout=5)
        drawn, kept = dash_duo.driver.execute_script("return [window.ballAtClick, window.ballKeptAtClick]")
        # Three ticks' time, and every answer on its way, later: the ball is where Pause found it.
        wait_until(lambda: dash_duo.driver.execute_script(
            "return performance.now() - window.clickedAt > arguments[0]", 3 * BALL_TICK_MS + 2 * SLOW_ANSWERS_MS),
            "three ticks' time")
        assert ball_x(dash_duo) == kept, f"Pause {attempt + 1} let the ball move (drawn at the click: {drawn})"
        assert note(dash_duo, "ball-play") == "Play"
    assert dash_duo.get_logs() == []


def test_a_learning_rate_too_large_throws_the_ball_off_the_picture(dash_duo):
    open_page(dash_duo)
    open_tab(dash_duo, "ball")
    valley = engine.CURVES["narrow_valley"]
    choose(dash_duo, "toy-curve", valley.title)
    dash_duo.wait_for_text_to_equal("#ball-lesson", valley.lesson)
    choose(dash_duo, "ball-lr", "η 0.25")
    flown = engine.descend(valley, valley.start, 0.25, 50)
    dash_duo.find_element("#ball-play").click()
    dash_duo.wait_for_text_to_equal("#ball-note", f"Step {len(flown.x) - 1}. {flown.reason}", timeout=15)
    dash_duo.wait_for_text_to_equal("#ball-play", "Play", timeout=5)  # Play stopped by itself
    assert "the learning rate η = 0.25 is too large for this valley" in flown.reason

    # Last seen at x = −1.5⁹ ≈ −38.4, far up the valley's left wall: drawn in the picture's top left
    # corner, with an arrow pointing that way and its real x written at the arrow's tail.
    x_lo, x_hi, y_lo, y_hi = charts.frame(valley)
    fig = figure(dash_duo, "ball-chart")
    assert fig["layout"]["xaxis"]["range"] == [x_lo, x_hi] and fig["layout"]["yaxis"]["range"] == [y_lo, y_hi]
    assert fig["data"][charts.BALL]["x"] == [x_lo] and fig["data"][charts.BALL]["y"] == [y_hi]
    wait_until(lambda: dash_duo.find_elements("#ball-chart .annotation-text"), "the arrow's words")
    assert dash_duo.find_element("#ball-chart .annotation-text").text == "ball at x = −38.4"
    (arrow,) = fig["layout"]["annotations"]
    assert arrow["ax"] > 0 and arrow["ay"] > 0  # the tail right of and below the ball: pointing up and left

    # Restart: the ball is back on the curve and the arrow goes.
    dash_duo.find_element("#ball-reset").click()
    wait_until(lambda: note(dash_duo, "ball-note").startswith("Step 0."), "the ball to restart")
    wait_until(lambda: not dash_duo.find_elements("#ball-chart .annotation-text"), "the arrow to go")
    assert dash_duo.get_logs() == []
