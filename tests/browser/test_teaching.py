"""The teaching layer in a real browser: the guided tour walked forward and back, the equations
of a clicked weight, the blame game, and the worked example checked line by line.

Expected numbers come from the engine, formatted as the page formats them. Screenshots at
1920×1080 go to /tmp/screens/ (outside the repository) for a person to look at.
"""

from selenium.webdriver.common.action_chains import ActionChains

import engine
from app.lessons import LANDSCAPE_PANELS, TOUR, step_state
from app.maths import MATHS
from app.panels import LANDSCAPES
from components.numbers import num
from tests.browser.test_network_page import open_page, screenshot, wait_until

SELECTED_TAB_JS = """
const tabs = document.getElementById(arguments[0]);
const selected = tabs && tabs.querySelector('.tab-selected');
return selected ? selected.textContent : null;
"""
# Each tab's words, from the panels' own records (app/panels.py, app/maths.py).
TAB_LABELS = {p.name: p.label for p in (*LANDSCAPES, *MATHS)}


def _selected_tab(dash_duo, tabs_id) -> str | None:
    return dash_duo.driver.execute_script(SELECTED_TAB_JS, tabs_id)


def _shows_step(dash_duo, index):
    step = TOUR[index]
    dash_duo.wait_for_text_to_equal("#tour-title", step.title, timeout=10)
    dash_duo.wait_for_text_to_equal(".tour-count", f"Step {index + 1} of {len(TOUR)}")
    group = "panel-tabs" if step.panel in LANDSCAPE_PANELS else "maths-tabs"
    wait_until(lambda: _selected_tab(dash_duo, group) == TAB_LABELS[step.panel], f"the {step.panel} tab")
    # The lab is set up as the step says: its lesson, at its phase, and the lesson list says which.
    dash_duo.wait_for_text_to_equal("#phase-text", step_state(index).cursor.words(), timeout=10)
    # (read from the page, not as shown: presentation mode puts the lesson list away)
    wait_until(lambda: engine.PRESETS[step.preset].title in dash_duo.driver.execute_script(
        "return document.getElementById('preset').textContent"), "the lesson list to name the step's lesson")
    assert dash_duo.find_element("#tour-back").get_attribute("disabled") == ("true" if index == 0 else None)


def _tab(dash_duo, label):
    tab = next(t for t in dash_duo.find_elements(".tab") if t.text == label)
    tab.click()


def test_the_guided_tour_forward_and_back(dash_duo):
    open_page(dash_duo)
    assert not dash_duo.find_element("#tour-card").is_displayed()
    dash_duo.find_element("#tour-start").click()
    _shows_step(dash_duo, 0)
    for index in range(1, len(TOUR)):
        dash_duo.find_element("#tour-next").click()
        _shows_step(dash_duo, index)
        if TOUR[index].title == "The chain rule":
            screenshot(dash_duo, "tour-chain-rule", "#maths-card")
    dash_duo.wait_for_text_to_equal("#tour-next", "Finish")
    for index in range(len(TOUR) - 2, -1, -1):
        dash_duo.find_element("#tour-back").click()
        _shows_step(dash_duo, index)
    # Exit at any point: the card goes, the lab stays as the step left it, for free play.
    dash_duo.find_element("#tour-next").click()
    _shows_step(dash_duo, 1)
    dash_duo.find_element("#tour-exit").click()
    wait_until(lambda: not dash_duo.find_element("#tour-card").is_displayed(), "the tour card to close")
    dash_duo.find_element("#step").click()
    after = engine.advance(step_state(1)).cursor.words()
    dash_duo.wait_for_text_to_equal("#phase-text", after, timeout=10)
    # A reload keeps the lab where the person left it (the tour does not set its step up again).
    dash_duo.driver.refresh()
    dash_duo.wait_for_text_to_equal("#phase-text", after, timeout=10)
    assert not dash_duo.find_element("#tour-card").is_displayed()
    assert dash_duo.get_logs() == []


# The card's top (its tabs) and what follows it are on screen: the whole card, or as much of it
# as the window holds (the equations can be taller than a screen).
IN_VIEW_JS = """
const r = document.getElementById(arguments[0]).getBoundingClientRect();
const H = window.innerHeight;
return r.height > 0 && r.top >= -1 && r.left >= -1 && r.right <= window.innerWidth + 1
  && (r.bottom <= H + 1 || H - r.top >= 0.5 * H);
"""


def test_the_tour_runs_in_presentation_mode_with_every_named_panel_in_view(dash_duo):
    open_page(dash_duo)
    for width, height in ((1920, 1080), (1024, 768)):
        dash_duo.driver.set_window_size(width, height)
        inner = dash_duo.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        dash_duo.driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
        if "present" not in dash_duo.find_element("#page").get_attribute("class"):
            dash_duo.find_element("#present-toggle").click()
            wait_until(lambda: "present" in dash_duo.find_element("#page").get_attribute("class"), "presentation mode")
        assert dash_duo.find_element("#tour-start").is_displayed()  # the tour is one click away on the stage
        dash_duo.find_element("#tour-start").click()
        for index, step in enumerate(TOUR):
            _shows_step(dash_duo, index)
            card = "landscape-card" if step.panel in LANDSCAPE_PANELS else "maths-card"
            wait_until(lambda c=card: dash_duo.driver.execute_script(IN_VIEW_JS, c),
                       f"{card} in view for step {index + 1} at {width}×{height}")
            assert dash_duo.driver.execute_script(IN_VIEW_JS, "tour-card")
            dash_duo.find_element("#tour-next").click()
        wait_until(lambda: not dash_duo.find_element("#tour-card").is_displayed(), "the tour to finish")
    assert dash_duo.get_logs() == []


def test_the_equations_show_the_clicked_weight_and_the_blame_game(dash_duo):
    state = engine.PRESETS["default"].state()
    for _ in range(5):  # forward 1, 2, loss, backward 2, 1: every δ known
        state = engine.advance(state)
    p = engine.example_passes(state)
    open_page(dash_duo)
    for _ in range(5):
        dash_duo.find_element("#step").click()
    dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
    _tab(dash_duo, "Equations")
    # The default selection is the weight from x₁ to h₁: its neuron's sum, with the real numbers.
    dash_duo.wait_for_contains_text("#equations", num(float(p.fwd.a[1][0, 0])), timeout=10)
    # Click the edge from h₁ to o₁: the equations follow it, and its gradient is the edge's.
    edge = wait_until(
        lambda: next((e for e in dash_duo.find_elements("#network path.edge")
                      if (e.get_attribute("aria-label") or "").startswith("w from h₁ to o₁")), None),
        "the edge from h₁ to o₁",
    )
    ActionChains(dash_duo.driver).move_to_element(edge).click().perform()
    dash_duo.wait_for_contains_text("#maths-selected", "W2[0,0]", timeout=10)
    # The graph marks the weight being explained, and only that one.
    wait_until(lambda: len(dash_duo.find_elements("#network path.edge-hit.selected")) == 1, "the edge marked")
    g = float(p.bwd.grad_W[2][0, 0])
    # The sentence under the chain rule quotes the edge's own label, and the graph shows the same.
    dash_duo.wait_for_contains_text("#equations", f"on the edge from h₁ to o₁: {num(g, True, 3)}", timeout=10)
    assert f"∂ {num(g, True, 3)}" in [t.text for t in dash_duo.find_elements("#network .edge-grad")]
    # Typeset maths keeps a number's sign as its own symbol: look for the digits of δ of o₁.
    dash_duo.wait_for_contains_text("#equations", num(abs(float(p.bwd.delta[2][0, 0]))), timeout=10)
    screenshot(dash_duo, "equations", "#maths-card")

    _tab(dash_duo, "Blame")
    wait_until(lambda: len(dash_duo.find_elements("#blame-chart .bars .point")) > 0, "the blame bars")
    dash_duo.wait_for_contains_text("#blame-note", "h", timeout=10)
    screenshot(dash_duo, "blame-game", "#maths-card")
    assert dash_duo.get_logs() == []


def test_why_reverse_every_combination_and_the_worked_example(dash_duo):
    open_page(dash_duo)
    _tab(dash_duo, "Why reverse")
    costs = engine.mode_costs((2, 2, 1))
    dash_duo.wait_for_contains_text("#reverse-text", f"{costs.reverse_mode}", timeout=10)
    _tab(dash_duo, "Try them all")
    dash_duo.wait_for_contains_text("#brute-table", "16.7 minutes", timeout=10)
    dash_duo.wait_for_contains_text("#brute-table", "11.6 days")
    # A bad number of values gets a clear message, and the page keeps working.
    k = dash_duo.find_element("#brute-k")
    k.clear()
    k.send_keys("1\n")
    dash_duo.wait_for_contains_text("#brute-text", "values", timeout=10)

    _tab(dash_duo, "Worked example")
    dash_duo.wait_for_contains_text("#worked-table", "0.298371109", timeout=10)
    marks = [m.get_attribute("textContent") for m in dash_duo.find_elements("#worked-table td.mark")]
    assert len(marks) == 20
    # Every value agrees but one: the published error after the update, which the walk-through
    # computed with the output weights already updated; the table says so under that row.
    assert marks.count("✓") == 19 and marks.count("✗") == 1
    dash_duo.wait_for_contains_text("#worked-table", "0.291027924")
    screenshot(dash_duo, "worked-example", "#maths-card")
    assert dash_duo.get_logs() == []
