"""Play's stop rule and the Scores tab, as a person uses them: choose a rule in the settings, play,
and read why Play stopped; then count the network's decisions on the Scores tab."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import engine
from app import actions
from components.readouts import counters_text

from .test_network_page import choose, dash_idle, open_page, step_count, wait_until


def test_play_stops_by_itself_at_the_rule_and_the_scores_tab_counts_the_decisions(dash_duo):
    start = engine.PRESETS["default"].state()
    open_page(dash_duo)
    choose(dash_duo, "stop-rule", engine.STOP_RULES["steps"].title)
    # The rule starts at its usual target; a person types another.
    dash_duo.wait_for_element("#stop-at")
    wait_until(lambda: dash_duo.find_element("#stop-at").get_attribute("value") == "1000", "the usual target")
    box = dash_duo.find_element("#stop-at")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("40", Keys.ENTER)
    dash_idle(dash_duo, "the target taken in")

    choose(dash_duo, "speed", "As fast as it goes")
    dash_duo.find_element("#play").click()
    # Play pauses by itself, exactly at the rule's step, and says why.
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=20)
    dash_duo.wait_for_contains_text("#message", "Play stopped at step 40", timeout=10)
    trained = engine.train_steps(start, 40)
    dash_duo.wait_for_text_to_equal("#counters", counters_text(trained), timeout=10)

    # Play again: the rule is met, so nothing trains and the page says so again.
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=10)
    dash_idle(dash_duo, "the refused tick")
    assert step_count(dash_duo) == 40
    assert "Play stopped at step 40" in dash_duo.find_element("#message").text

    # The Scores tab counts the one example's decision with the trained weights.
    dash_duo.driver.find_element(By.XPATH, "//*[contains(@class,'maths-tabs')]//*[normalize-space(.)='Scores']").click()
    matrix = engine.evaluate(trained)["train_confusion"]
    right = " + ".join(str(matrix.counts[k][k]) for k in range(2))
    dash_duo.wait_for_contains_text("#scores-box", f"({right}) / 1 = {100 * matrix.accuracy:.1f}%", timeout=10)
    cells = [c.text for c in dash_duo.find_elements("#scores-box td")]
    assert cells == [str(n) for row in matrix.counts for n in row]

    # The link carries the rule.
    dash_duo.find_element("#copy-link").click()
    wait_until(lambda: "stop=steps:40" in (dash_duo.find_element("#share-link").get_attribute("value") or ""),
               "the link to carry the stop rule")
    assert actions.preset("default").train.stop_rule == "none"
    assert dash_duo.get_logs() == []
