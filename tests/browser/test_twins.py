"""The Twins panel in the real page: a person opens it, chooses a classic comparison, trains, and
sees both runs' loss curves and the δ difference follow the lab, with the engine's own numbers."""

from selenium.webdriver.common.by import By

import engine
from app import twin_panel
from components.numbers import num
from engine import twins

from .test_network_page import choose, open_page, step_count, wait_until


def open_twins(dash_duo):
    xpath = "//*[@id='panel-tabs']//*[contains(@class,'tab')][normalize-space(.)='Twins']"
    dash_duo.driver.find_element(By.XPATH, xpath).click()
    wait_until(lambda: "tab--selected" in dash_duo.driver.find_element(By.XPATH, xpath).get_attribute("class")
               or "tab-selected" in dash_duo.driver.find_element(By.XPATH, xpath).get_attribute("class"),
               "the Twins tab to be selected", timeout=5)
    # Read in one script: React may put a new chart in the old one's place between a find and a look.
    wait_until(lambda: dash_duo.driver.execute_script(
        "const chart = document.getElementById('twin-chart'); return !!chart && chart.getClientRects().length > 0"),
        "the twin chart to show")


def curves(dash_duo) -> list:
    """The traces Plotly holds for the loss chart: [name, last x, last y] each."""
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector('#twin-chart .js-plotly-plot');"
        "return gd && gd.data ? gd.data.map(t => [t.name, t.x[t.x.length - 1], t.y[t.y.length - 1]]) : [];")


def delta_cells(dash_duo) -> list:
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector('#twin-delta .js-plotly-plot');"
        "return gd && gd.data && gd.data[0] ? gd.data[0].text : [];")


def test_a_twin_preset_trains_with_the_lab_and_shows_both_curves_and_the_difference(dash_duo):
    open_page(dash_duo)
    open_twins(dash_duo)
    choose(dash_duo, "twin-preset", "Learning rate too large")
    # Its lesson is loaded, and the twin's lists show its change.
    dash_duo.wait_for_text_to_equal("#preset .dash-dropdown-value", engine.PRESETS["circle"].title, timeout=10)
    dash_duo.wait_for_text_to_equal("#twin-value .dash-dropdown-value", "η = 30", timeout=10)
    dash_duo.wait_for_contains_text("#twin-lesson", "overshoot", timeout=10)

    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 0", timeout=10)
    start = engine.PRESETS["circle"].state()
    lab = engine.train_steps(start, 1)
    pair = twins.pair(lab, start, twins.TWINS["rate_large"].change, seconds=60)
    wait_until(lambda: [c[:2] for c in curves(dash_duo)][:2] == [["lab: η = 0.3", 1], ["twin: η = 30", 1]],
               "both curves at step 1")
    dash_duo.wait_for_contains_text("#twin-note", f"Twin: train loss {num(pair.twin.curve()[-1][1])}")
    # After Full step the update phase shows every layer's blame: no "?" left, the numbers signed.
    wait_until(lambda: delta_cells(dash_duo) and all(c != "?" for row in delta_cells(dash_duo) for c in row),
               "every δ difference revealed")

    choose(dash_duo, "speed", "As fast as it goes")
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Pause", timeout=5)
    wait_until(lambda: step_count(dash_duo) >= 60, "Play to pass step 60", timeout=20)
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=5)
    # Paused: the counters stand still, and the twin catches up with the lab's step.
    seen = []

    def caught_up():
        s = step_count(dash_duo)
        seen[:] = [s, curves(dash_duo), dash_duo.find_element("#twin-note").text]
        return [c[1] for c in curves(dash_duo)][:2] == [s, s]
    try:
        wait_until(caught_up, "both curves at the lab's step", timeout=15)
    except BaseException:
        print("SEEN", seen)
        raise
    steps = step_count(dash_duo)
    pair = twins.pair(engine.train_steps(start, steps), start, twins.TWINS["rate_large"].change, seconds=60)
    drawn = curves(dash_duo)
    assert abs(drawn[1][2] - pair.twin.curve()[-1][1]) < 1e-9
    dash_duo.wait_for_contains_text("#twin-note", f"Step {steps:,}, both from the same start")
    # The twin's own network beside the lab's: its neurons' values are the twin's at this step.
    lab = engine.train_steps(start, steps)
    # (each neuron after the inputs, whose values the picture writes beside their names)
    expected = [n["text"] for n in twin_panel.twin_view(lab, pair)["nodes"]][lab.spec.sizes[0]:]
    wait_until(lambda: dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#twin-network .node-value')].slice(arguments[0])"
        ".map((t) => t.textContent)", lab.spec.sizes[0]) == expected, "the twin's network at the lab's step")
    assert dash_duo.driver.execute_script(
        "return document.querySelector('#network svg').getAttribute('aria-label')") == "Network with layers 2-4-4-1"
    assert dash_duo.get_logs() == []
