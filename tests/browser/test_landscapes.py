"""The landscape panels in a real browser: the decision surface, the ball on a toy curve,
the loss along one weight and the loss over two weights.

Every expected number comes from the engine (engine.descend, engine.loss_slice,
engine.loss_grid) for the same state the page holds, and is read back from what the
browser draws: the figure Plotly holds and the notes under the charts.

Screenshots of each panel go to /tmp/screens4/ (outside the repository).
"""

import re
from pathlib import Path

import numpy as np
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import engine
from app import actions, panels
from components import landscape_charts as charts
from components.network_view import neuron_name
from components.numbers import num
from components.readouts import as_of

from .test_network_page import choose, handled, open_page, wait_for_equal, wait_until
from .test_network_page import screenshot as page_screenshot

SCREENS = Path("/tmp/screens4")
TABS = {"surface": "Data", "ball": "Toy curves", "slice": "One weight", "contour": "Two weights"}
CHARTS = {"surface": "data-chart", "ball": "ball-chart", "slice": "slice-chart", "contour": "contour-chart"}


# ---------------------------------------------------------------- helpers


def open_tab(dash_duo, tab: str):
    """Click a tab in #panel-tabs the way a person does, by its label."""
    label = TABS[tab]
    xpath = f"//*[@id='panel-tabs']//*[contains(@class,'tab')][normalize-space(.)='{label}']"
    dash_duo.driver.find_element(By.XPATH, xpath).click()
    wait_until(lambda: dash_duo.driver.find_element(By.XPATH, xpath).get_attribute("class").count("tab-selected"),
               f"the tab {label!r} to be selected", timeout=5)
    # Read in one go in the page: a graph's element is replaced once its chunk and Plotly have come
    # (dcc.Graph is loaded lazily), and a handle found a moment before would be stale.
    wait_until(lambda: dash_duo.driver.execute_script(
        "const e = document.getElementById(arguments[0]); return !!e && e.getClientRects().length > 0",
        CHARTS[tab]), f"#{CHARTS[tab]} to show")
    # Its first picture: a tab's Plotly chart waits for Plotly, which the page fetches only when the
    # first such chart is shown (assets/plotly-loader.js).
    wait_until(lambda: drawn(dash_duo, CHARTS[tab]), f"#{CHARTS[tab]} drawn", timeout=20)


def drawn(dash_duo, chart: str) -> bool:
    """The chart holds a picture: at least one trace, or words where a picture comes later."""
    fig = read_figure(dash_duo, chart)
    return bool(fig.get("data") or (fig.get("layout") or {}).get("annotations"))


def figure(dash_duo, chart: str) -> dict:
    """The data and layout a chart holds (what it draws), once it has drawn its first picture."""
    wait_until(lambda: drawn(dash_duo, chart), f"#{chart}'s first picture", timeout=20)
    return read_figure(dash_duo, chart)


def read_figure(dash_duo, chart: str) -> dict:
    """The data and layout a chart holds: {} before the first plot. A Plotly chart holds them on its
    plot, a chart the page draws itself (assets/line-chart.js) on its box."""
    return dash_duo.driver.execute_script(
        "const box = document.getElementById(arguments[0]);"
        "const gd = box && (box.querySelector('.js-plotly-plot') || (box.classList.contains('line-chart') ? box : null));"
        "return gd && gd.data ? {data: gd.data, layout: gd.layout} : {};",
        chart,
    )


def trace(dash_duo, chart: str, index: int) -> dict:
    """One trace as Plotly holds it, read in one go; {} while it is not there (Plotly between pictures)."""
    data = figure(dash_duo, chart).get("data") or []
    return data[index] if -len(data) <= index < len(data) else {}


def trace_x(dash_duo, chart: str, index: int):
    return dash_duo.driver.execute_script(
        "const box = document.getElementById(arguments[0]);"
        "const gd = box && (box.querySelector('.js-plotly-plot') || (box.classList.contains('line-chart') ? box : null));"
        "return gd && gd.data && gd.data[arguments[1]] ? Array.from(gd.data[arguments[1]].x) : null;",
        chart, index,
    )


def count(dash_duo, selector: str) -> int:
    return dash_duo.driver.execute_script("return document.querySelectorAll(arguments[0]).length", selector)


def tick_labels(dash_duo, chart: str, axis: str) -> list:
    """The tick labels a person reads on a graph's x or y axis."""
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#' + arguments[0] + ' .' + arguments[1] + 'tick text'))"
        ".map((t) => t.textContent).filter((t) => t !== '')",
        chart, axis,
    )


def note(dash_duo, id_: str) -> str:
    return dash_duo.find_element(f"#{id_}").text


def screenshot(dash_duo, name: str, element: str):
    """The page at each size, scrolled so that `element` (a panel's chart) is in view."""
    page_screenshot(dash_duo, name, element, SCREENS)


def roll(dash_duo, steps: int):
    """Press Roll and wait for the note to count the step."""
    dash_duo.find_element("#ball-step").click()
    wait_until(lambda: note(dash_duo, "ball-note").startswith(f"Step {steps}."), f"the ball's step {steps}")


def slider_value(dash_duo) -> float:
    """End, then three steps of 0.01 back, on the first pinned slider's handle: its new value."""
    handle = dash_duo.find_element("#sliders [role='slider']")
    handle.send_keys(Keys.END)
    for _ in range(3):
        handle.send_keys(Keys.ARROW_LEFT)
    value = float(wait_until(lambda: (v := handle.get_attribute("aria-valuenow")) and 3.9 < float(v) < 4 and v,
                             "the slider to settle below its maximum"))
    assert value == pytest.approx(3.97)
    dash_duo.wait_for_text_to_equal("#sliders .weight-slider-readout", num(value, True))
    return value


def expected_slice(state, name: str):
    """engine.loss_slice over the values the panel draws for this state."""
    ref = engine.ParamRef.parse(name, state.spec)
    w = ref.get(state.params)
    values = np.linspace(w - panels.SLICE_HALF_WIDTH, w + panels.SLICE_HALF_WIDTH, panels.SLICE_POINTS)
    return engine.loss_slice(state, ref, values)


def slice_text(s) -> str:
    return (f"Slope at {s.ref} = {num(s.current_value, True)}: backprop ∂C/∂w = {num(s.slope_backprop, True, 5)}, "
            f"central difference = {num(s.slope_numeric, True, 5)}")


def unrevealed_text(s, state) -> str:
    """The note before the backward pass has reached the weight: the curve, no slope yet."""
    return charts.slice_note(s, None, False, as_of(state))


# ---------------------------------------------------------------- tests


def test_every_panel_draws_its_chart(dash_duo):
    open_page(dash_duo)
    # The loss along the first weight is beside the network when the page opens; its slope waits
    # for the backward pass, as the graph's ∂C/∂w does.
    wait_until(lambda: note(dash_duo, "slice-note").startswith("C along W1[0,0] = "),
               "the slice's note at Ready")
    # (The note comes with the answer; Plotly draws the chart once its bundle is in.)
    drawn = wait_until(lambda: figure(dash_duo, "slice-chart").get("data"), "the slice drawn")
    assert drawn[2]["x"] == []
    # The default lesson's data chart: its examples, drawn.
    open_tab(dash_duo, "surface")
    wait_until(lambda: count(dash_duo, "#data-chart .scatterlayer .trace") > 0, "the default lesson's data")

    # The circle lesson has two inputs: the output's surface is a heatmap under the points.
    choose(dash_duo, "preset", "Circle: a ring around a disc")
    wait_until(lambda: count(dash_duo, "#data-chart .heatmaplayer image") == 1, "the surface's heatmap")
    fig = figure(dash_duo, "data-chart")
    assert fig["data"][0]["type"] == "heatmap"
    assert count(dash_duo, "#data-chart .scatterlayer .trace .point") > 50  # the ring and the disc
    L = engine.PRESETS["circle"].state().spec.n_layers
    assert note(dash_duo, "surface-note").startswith(f"The output {neuron_name(L, 0, L)} over the inputs, with the weights")
    screenshot(dash_duo, "data", "#data-chart")
    # A click on a training point puts that example on show: the big ring moves onto it.
    train = next(t for t in fig["data"] if t.get("name") == "train")
    point = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#data-chart .scatterlayer .trace")[0] \
        .find_elements(By.CSS_SELECTOR, ".point")[17]
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", point)
    # As a person does: rest on a point until Plotly names it, then click.
    ActionChains(dash_duo.driver).move_to_element(point).perform()
    wait_until(lambda: "example" in dash_duo.find_element("#data-chart .hoverlayer").text, "the point's hover label")
    k = int(re.search(r"example (\d+)", dash_duo.find_element("#data-chart .hoverlayer").text).group(1))
    assert k != 0  # the example on show before the click
    ActionChains(dash_duo.driver).click().perform()
    # While Plotly draws the new picture its data can be empty for a moment: trace() reads {} then.
    wait_until(lambda: (trace(dash_duo, "data-chart", -1).get("x"), trace(dash_duo, "data-chart", -1).get("y"))
               == ([train["x"][k]], [train["y"][k]]), "the clicked example on show")

    open_tab(dash_duo, "ball")
    # The curve, the ball, its slope and the invisible line that takes clicks; the trail is empty before the
    # first step, so Plotly draws no group for it.
    wait_until(lambda: count(dash_duo, "#ball-chart .scatterlayer .trace") == 4, "the curve, the ball and its slope")
    assert [d["name"] for d in figure(dash_duo, "ball-chart")["data"]] == ["loss", "trail", "ball", "slope",
                                                                          "place the ball"]
    first = next(iter(engine.CURVES.values()))
    dash_duo.wait_for_text_to_equal("#ball-lesson", first.lesson)
    assert note(dash_duo, "ball-note").startswith("Step 0. Slope under the ball")
    assert dash_duo.find_element("#toy-curve .dash-dropdown-value").text == first.title
    screenshot(dash_duo, "ball", "#ball-chart")

    # Step through to the end of the backward pass: the slope and the gradient are revealed.
    for _ in range(2 * L + 1):
        dash_duo.find_element("#step").click()
    dash_duo.wait_for_contains_text("#phase-text", "blame reaches layer 1", timeout=10)
    open_tab(dash_duo, "slice")
    wait_until(lambda: count(dash_duo, "#slice-chart .trace") == 3, "the slice, its ball and slope")
    wait_until(lambda: note(dash_duo, "slice-note").startswith("Slope at W1[0,0]"), "the slice's note")
    screenshot(dash_duo, "slice", "#slice-chart")

    open_tab(dash_duo, "contour")
    wait_until(lambda: count(dash_duo, "#contour-chart .contourlayer .contour") == 1, "the contour map")
    wait_until(lambda: count(dash_duo, "#contour-chart .annotation") == 3, "the gradient arrow and its parts")
    assert note(dash_duo, "contour-note").startswith("∇C = (∂C/∂W1[0,0], ∂C/∂W1[0,1])")
    screenshot(dash_duo, "contour", "#contour-chart")

    # Back to the data: its heatmap is still there.
    open_tab(dash_duo, "surface")
    wait_until(lambda: count(dash_duo, "#data-chart .heatmaplayer image") == 1, "the heatmap again")
    assert dash_duo.get_logs() == []


def test_the_ball_rolls_by_gradient_descent_and_can_fly_off(dash_duo):
    open_page(dash_duo)
    open_tab(dash_duo, "ball")
    curve = next(iter(engine.CURVES.values()))
    wait_until(lambda: trace_x(dash_duo, "ball-chart", 2) == [curve.start], "the ball at the curve's start")
    assert dash_duo.find_element("#ball-lr .dash-dropdown-value").text == f"η {curve.learning_rate}"

    for n in range(1, 4):
        roll(dash_duo, n)
        path = engine.descend(curve, curve.start, curve.learning_rate, n)
        wait_for_equal(lambda: trace_x(dash_duo, "ball-chart", 2), [path.x[-1]])
        assert trace_x(dash_duo, "ball-chart", 1) == path.x[:-1].tolist()  # the trail: where it has been
    assert note(dash_duo, "ball-note") == (
        f"Step 3. Slope under the ball {num(path.slope[-1], True)} → next step −η·slope = "
        f"{num(-curve.learning_rate * path.slope[-1], True)}"
    )

    # The narrow valley with η 0.25: every zig-zag is bigger than the last until the ball flies off.
    valley = engine.CURVES["narrow_valley"]
    choose(dash_duo, "toy-curve", valley.title)
    dash_duo.wait_for_text_to_equal("#ball-lesson", valley.lesson)
    dash_duo.wait_for_text_to_equal("#ball-lr .dash-dropdown-value", f"η {valley.learning_rate}")
    wait_until(lambda: note(dash_duo, "ball-note").startswith("Step 0."), "the ball back at the start")
    choose(dash_duo, "ball-lr", "η 0.25")
    roll(dash_duo, 1)
    wait_for_equal(lambda: trace_x(dash_duo, "ball-chart", 2), [engine.descend(valley, valley.start, 0.25, 1).x[-1]])

    flown = engine.descend(valley, valley.start, 0.25, 50)
    assert flown.diverged
    dash_duo.find_element("#ball-play").click()
    dash_duo.wait_for_text_to_equal("#ball-play", "Pause", timeout=5)
    steps = len(flown.x) - 1
    dash_duo.wait_for_text_to_equal("#ball-note", f"Step {steps}. {flown.reason}", timeout=15)
    dash_duo.wait_for_text_to_equal("#ball-play", "Play", timeout=5)  # Play stopped by itself
    edge = [charts.on_frame(flown.x[-1], flown.loss[-1], charts.frame(valley))[0]]  # drawn on the picture's edge
    assert trace_x(dash_duo, "ball-chart", 2) == edge
    # Stopped for good: a Roll does not move a ball that has flown off.
    handled(dash_duo, dash_duo.find_element("#ball-step").click, "the Roll click")
    assert note(dash_duo, "ball-note") == f"Step {steps}. {flown.reason}"
    assert trace_x(dash_duo, "ball-chart", 2) == edge

    # Restart, then the blindfold: the curve and the loss's numbers go, the ball stays.
    dash_duo.find_element("#ball-reset").click()
    wait_until(lambda: note(dash_duo, "ball-note").startswith("Step 0."), "the ball to restart")
    wait_for_equal(lambda: trace_x(dash_duo, "ball-chart", 2), [valley.start])
    assert tick_labels(dash_duo, "ball-chart", "y")
    assert figure(dash_duo, "ball-chart")["data"][0]["visible"] is True
    dash_duo.driver.find_element(By.XPATH, "//*[@id='ball-options']//label[contains(., 'blindfold')]").click()
    wait_until(lambda: trace(dash_duo, "ball-chart", 0).get("visible") is False, "the curve to be hidden")
    wait_until(lambda: tick_labels(dash_duo, "ball-chart", "y") == [], "the loss's tick labels to go")
    assert tick_labels(dash_duo, "ball-chart", "x")  # where the ball is stays readable
    assert count(dash_duo, "#ball-chart .scatterlayer .trace .point") >= 1  # the ball is still drawn
    roll(dash_duo, 1)  # blindfolded, it still rolls by the slope under it
    wait_for_equal(lambda: trace_x(dash_duo, "ball-chart", 2), [engine.descend(valley, valley.start, 0.25, 1).x[-1]])
    assert figure(dash_duo, "ball-chart")["data"][0]["visible"] is False
    assert dash_duo.get_logs() == []


def test_dragging_a_weight_moves_the_ball_along_its_slice(dash_duo):
    state = engine.PRESETS["default"].state()
    open_page(dash_duo)
    open_tab(dash_duo, "slice")
    # Another weight first (a Dash 4 dropdown stays open when its own value is clicked again), then W1[0,0].
    choose(dash_duo, "slice-param", "W1[0,1]")
    dash_duo.wait_for_text_to_equal("#slice-note", unrevealed_text(expected_slice(state, "W1[0,1]"), state),
                                    timeout=10)
    choose(dash_duo, "slice-param", "W1[0,0]")
    s = expected_slice(state, "W1[0,0]")
    dash_duo.wait_for_text_to_equal("#slice-note", unrevealed_text(s, state), timeout=10)
    assert trace_x(dash_duo, "slice-chart", 1) == [s.current_value]

    choose(dash_duo, "pick-param", "W1[0,0]", stays=False)
    dash_duo.wait_for_text_to_equal("#sliders .weight-slider-name", "W1[0,0]", timeout=10)
    value = slider_value(dash_duo)
    moved = actions.set_param(state, "W1[0,0]", value)
    s = expected_slice(moved, "W1[0,0]")
    dash_duo.wait_for_text_to_equal("#slice-note", slice_text(s), timeout=10)
    wait_for_equal(lambda: trace_x(dash_duo, "slice-chart", 1), [value])
    # Backprop's slope and the numerical one agree: that is the point of the panel.
    assert s.slope_backprop == pytest.approx(s.slope_numeric, rel=1e-4, abs=1e-8)
    # The ball sits on the curve, which now spans ±4 around the new value.
    fig = figure(dash_duo, "slice-chart")
    assert fig["data"][1]["y"] == [pytest.approx(s.current_loss)]
    assert fig["data"][0]["x"][0] == pytest.approx(value - panels.SLICE_HALF_WIDTH)

    # A training step moves the weight, and the ball with it: on the curve the slope was measured on
    # (every weight as before the update), from where it was (the hollow ball) to where it went.
    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 1", timeout=10)
    trained = engine.full_step(moved)
    s = expected_slice(trained.replace(params=trained.last_update.params_before), "W1[0,0]")
    w_after = engine.ParamRef.parse("W1[0,0]", trained.spec).get(trained.params)
    assert s.current_value == value and w_after != value
    wait_until(lambda: note(dash_duo, "slice-note").startswith(
        f"The update moved W1[0,0] from {num(value, True)} to {num(w_after, True)} by −η·ḡ"),
        "the note on the update's move")
    assert note(dash_duo, "slice-note").endswith(slice_text(s) + ".")
    wait_for_equal(lambda: [trace_x(dash_duo, "slice-chart", 1), trace_x(dash_duo, "slice-chart", 3)],
                   [[value], [w_after]])
    # The next Step starts the next pass: the curve is the network's as it is now, the ball on it.
    dash_duo.find_element("#step").click()
    s = expected_slice(trained, "W1[0,0]")
    dash_duo.wait_for_text_to_equal("#slice-note", unrevealed_text(s, trained), timeout=10)
    wait_for_equal(lambda: trace_x(dash_duo, "slice-chart", 1), [w_after])
    assert dash_duo.get_logs() == []


def test_two_weights_show_the_gradient_and_the_path_training_took(dash_duo):
    state = engine.PRESETS["default"].state()
    rx, ry = (engine.ParamRef.parse(n, state.spec) for n in ("W1[0,0]", "W1[0,1]"))
    open_page(dash_duo)
    open_tab(dash_duo, "contour")

    def check_gradient(state, path, revealed=False):
        """The note and the arrows are engine.loss_grid's gradient at the current point, once revealed."""
        points = path + [[rx.get(state.params), ry.get(state.params)]]
        half = panels.GRID_HALF_WIDTH
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        vx = np.linspace(min(xs) - half, max(xs) + half, panels.GRID_POINTS)
        vy = np.linspace(min(ys) - half, max(ys) + half, panels.GRID_POINTS)
        g = engine.loss_grid(state, rx, ry, vx, vy)
        gx, gy = g.gradient
        if not revealed:  # at Ready and in the update phase no backward pass on these weights is on show
            dash_duo.wait_for_text_to_equal("#contour-note", charts.contour_note(g, False, as_of(state)), timeout=10)
            fig = figure(dash_duo, "contour-chart")
            assert fig["data"][2]["x"] == [g.current[0]] and not fig["layout"].get("annotations")
            return fig
        dash_duo.wait_for_text_to_equal(
            "#contour-note",
            f"∇C = (∂C/∂W1[0,0], ∂C/∂W1[0,1]) = ({num(gx, True, 4)}, {num(gy, True, 4)}); "
            "the arrow points down the slope, along −∇C.",
            timeout=10,
        )
        fig = figure(dash_duo, "contour-chart")
        cx, cy = g.current
        assert fig["data"][2]["x"] == [cx] and fig["data"][2]["y"] == [cy]  # the point "now"
        np.testing.assert_allclose(fig["data"][0]["z"], g.loss, rtol=1e-4)  # drawn to 5 significant figures
        arrows = fig["layout"]["annotations"]
        assert [a["text"] for a in arrows] == [num(-gx, True, 4), num(-gy, True, 4), ""]  # each part's value
        assert all((a["ax"], a["ay"]) == (cx, cy) for a in arrows)  # every arrow starts at the point
        # The big arrow is −∇C scaled to a fifth of the map; its parts run along each axis.
        length = 0.2 * min(vx[-1] - vx[0], vy[-1] - vy[0])
        norm = float(np.hypot(gx, gy))
        assert (arrows[2]["x"], arrows[2]["y"]) == pytest.approx((cx - gx / norm * length, cy - gy / norm * length))
        assert (arrows[0]["x"], arrows[0]["y"]) == pytest.approx((arrows[2]["x"], cy))
        assert (arrows[1]["x"], arrows[1]["y"]) == pytest.approx((cx, arrows[2]["y"]))
        assert count(dash_duo, "#contour-chart .annotation") == 3  # drawn, not only in the figure
        return fig

    fig = check_gradient(state, [])
    assert fig["data"][1]["x"] == [rx.get(state.params)]  # no path yet: only where it is now

    path = []
    for n in range(1, 4):
        path.append([rx.get(state.params), ry.get(state.params)])  # the weights before this update
        state = engine.full_step(state)
        dash_duo.find_element("#full-step").click()
        dash_duo.wait_for_text_to_equal("#counters", f"Step {n} · Epoch {n}", timeout=10)
        expected = [p[0] for p in path] + [rx.get(state.params)]
        wait_for_equal(lambda: trace_x(dash_duo, "contour-chart", 1), expected)
        fig = check_gradient(state, path)
        assert fig["data"][1]["y"] == [p[1] for p in path] + [ry.get(state.params)]
        assert len(fig["data"][1]["x"]) == n + 1  # one point more per step

    # Reset starts the path afresh.
    dash_duo.find_element("#reset").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
    start = engine.PRESETS["default"].state()
    wait_for_equal(lambda: trace_x(dash_duo, "contour-chart", 1), [rx.get(start.params)])
    # Once the blame reaches layer 1, the gradient at the point is drawn and written.
    for _ in range(2 * start.spec.n_layers + 1):
        dash_duo.find_element("#step").click()
    dash_duo.wait_for_contains_text("#phase-text", "blame reaches layer 1", timeout=10)
    check_gradient(start, [], revealed=True)

    # A click on an edge of the graph (h₁ to o₁) puts its weight on the map's first axis; the second stays.
    dash_duo.driver.execute_script(
        "document.querySelectorAll('#network path.edge-hit')[4].dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    titles = "return [...document.querySelectorAll('#contour-chart .xtitle, #contour-chart .ytitle')].map((t) => t.textContent)"
    wait_until(lambda: dash_duo.driver.execute_script(titles) == ["W2[0,0]", "W1[0,1]"], "the map over W2[0,0] and W1[0,1]")
    w = engine.ParamRef.parse("W2[0,0]", start.spec).get(start.params)
    wait_for_equal(lambda: trace_x(dash_duo, "contour-chart", 2), [w])  # the point "now", at 0.70
    assert dash_duo.get_logs() == []
