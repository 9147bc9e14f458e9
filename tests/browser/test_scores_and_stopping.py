"""The settings Playground users look for, as a person uses them: Play's stop rule (choose a rule,
play, read why Play stopped), the Scores tab (count the network's decisions), and generated data's
noise, test share, extra inputs and New data."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import engine
from app import actions
from components.readouts import counters_text

from .test_network_page import choose, dash_idle, node_and_edge_counts, open_page, step_count, wait_until


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


def test_the_data_settings_draw_new_points_and_add_inputs_to_the_network(dash_duo):
    open_page(dash_duo)
    # The default lesson's one example is its own: generated data's settings are out of reach.
    disabled = lambda: dash_duo.driver.execute_script("return document.getElementById('generated-data').disabled")
    assert disabled() is True
    assert not dash_duo.find_element("#input-toggles").is_displayed()  # nor the toggles beside the network
    choose(dash_duo, "dataset", engine.DATASETS["xor"].title)
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
    wait_until(lambda: disabled() is False, "the data settings within reach")
    wait_until(lambda: dash_duo.find_element("#input-toggles").is_displayed(), "the extra inputs beside the network")
    wait_until(lambda: node_and_edge_counts(dash_duo)[0] == 2 + 2 + 1, "the xor network (2 inputs)")

    # An extra input is one more input neuron, named on the graph by its place and, on hover, by what it computes.
    label = dash_duo.driver.find_element(By.XPATH, "//*[@id='features']//label[normalize-space(.)='x₁x₂']")
    label.click()
    wait_until(lambda: node_and_edge_counts(dash_duo)[0] == 3 + 2 + 1, "a third input neuron")
    dash_duo.wait_for_contains_text("#example-note", "x₃ = x₁x₂ = ", timeout=10)
    # The toggle beside the network says so, and one press of another adds its input; the list follows.
    pressed = lambda name: dash_duo.find_element(f"#feature-{name}").get_attribute("aria-pressed")
    wait_until(lambda: pressed("x1_x2") == "true", "the x₁x₂ toggle pressed")
    dash_duo.find_element("#feature-x1_sq").click()
    wait_until(lambda: node_and_edge_counts(dash_duo)[0] == 4 + 2 + 1, "x₁² as a fourth input neuron")
    dash_duo.wait_for_contains_text("#example-note", "x₃ = x₁² = ", timeout=10)  # in the list's order
    assert pressed("x1_sq") == "true"
    assert dash_duo.find_element("#features input[value='x1_sq']").is_selected()
    dash_duo.find_element("#feature-x1_sq").click()
    wait_until(lambda: node_and_edge_counts(dash_duo)[0] == 3 + 2 + 1 and pressed("x1_sq") == "false",
               "x₁² taken away again")

    # Noise and the test share draw the points again: the note under the graph and the test loss follow.
    choose(dash_duo, "test-share", "20 %")
    data = engine.dataset(engine.DataSpec("xor", noise=0.05, test_fraction=0.2, features=("x1_x2",)))
    dash_duo.wait_for_contains_text("#example-note", f"of {data.x_train.shape[0]} ", timeout=10)
    before = dash_duo.find_element("#example-note").text
    dash_duo.find_element("#new-data").click()
    wait_until(lambda: dash_duo.find_element("#example-note").text != before, "new points after New data")

    dash_duo.find_element("#copy-link").click()
    wait_until(lambda: all(part in (dash_duo.find_element("#share-link").get_attribute("value") or "")
                           for part in ("test=0.2", "feat=x1_x2", "dseed=1")), "the link to carry the data settings")

    # The data chart: the test points go with their box, and the output can be read as the decision.
    dash_duo.driver.find_element(By.XPATH, "//*[contains(@class,'panel-tabs')]//*[normalize-space(.)='Data']").click()
    wait_until(lambda: "test" in chart_traces(dash_duo), "the test points on the data chart")
    option(dash_duo, "test points").click()
    wait_until(lambda: "train" in chart_traces(dash_duo) and "test" not in chart_traces(dash_duo),
               "the test points to go")
    option(dash_duo, "discretize output").click()
    # Only decisions, 0 or 1 (a fresh network may say one class everywhere).
    wait_until(lambda: set(dash_duo.driver.execute_script(HEATMAP_VALUES) or [0.5]) <= {0, 1},
               "the heatmap to show decisions")
    dash_duo.wait_for_contains_text("#surface-note", "The network's decision over the inputs", timeout=10)
    assert dash_duo.get_logs() == []


HEATMAP_VALUES = """
const g = document.querySelector('#data-chart .js-plotly-plot');
const h = g && g.data && g.data.find((t) => t.type === 'heatmap');
return h ? [...new Set(h.z.flat())].sort() : null;
"""


def chart_traces(dash_duo) -> list:
    return dash_duo.driver.execute_script(
        "const g = document.querySelector('#data-chart .js-plotly-plot');"
        "return g && g.data ? g.data.map((t) => t.name || t.type) : [];") or []


def option(dash_duo, words: str):
    return dash_duo.driver.find_element(By.XPATH, f"//*[@id='data-options']//label[normalize-space(.)='{words}']")
