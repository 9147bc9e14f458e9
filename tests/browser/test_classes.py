"""More than two classes, as a person gets there: choose a dataset of three classes in Settings, see
one output per class with its probability, train, read the Data chart in class colours and marks,
and count a 3 × 3 confusion matrix in the Scores tab."""

from selenium.webdriver.common.by import By

import engine
from app import actions
from components import palette

from .test_landscapes import open_tab
from .test_network_page import choose, dash_idle, open_page, play_a_while, wait_until

POINTS = """
const g = document.querySelector('#data-chart .js-plotly-plot');
const t = g && g.data && g.data.find((trace) => trace.name === 'train');
return t ? {colours: t.marker.color, symbols: t.marker.symbol} : null;
"""


def test_three_classes_from_the_settings_to_the_scores(dash_duo):
    open_page(dash_duo)
    choose(dash_duo, "preset", "Circle: a ring around a disc")
    dash_idle(dash_duo, "the lesson")
    choose(dash_duo, "dataset", engine.DATASETS["spiral3"].title)
    # The output follows the data: three softmax neurons, trained with cross-entropy.
    dash_duo.wait_for_text_to_equal("#output-activation .dash-dropdown-value", "Softmax", timeout=10)
    dash_duo.wait_for_text_to_equal("#loss .dash-dropdown-value", engine.LOSSES["cross_entropy"].title, timeout=10)
    wait_until(lambda: len(dash_duo.find_elements("#network .output-row")) == 3, "a row beside each output")
    circle = actions.preset("circle")
    lab, _ = actions.rebuild(circle, circle, "4, 4", "tanh", "sigmoid", "bce", "spiral3", 0)
    assert lab.spec.sizes[-1] == 3 and lab.spec.activations[-1] == "softmax"

    # Send the example forward: each row shows its class's probability, and they add up to 1.
    for _ in range(lab.spec.n_layers):
        dash_duo.find_element("#step").click()
    dash_idle(dash_duo, "the forward pass")
    p = engine.example_passes(lab).fwd.output[0]
    rows = [r.text for r in dash_duo.find_elements("#network .output-row")]
    for k, name in enumerate("ABC"):
        assert f"p({name}) = {p[k]:.3f}" in rows[k]
    assert abs(sum(round(v, 3) for v in p) - 1) <= 0.002

    # Train a little, then look at the data in class colours and marks.
    trained = play_a_while(dash_duo, lab, 50)
    open_tab(dash_duo, "surface")
    points = wait_until(lambda: dash_duo.driver.execute_script(POINTS), "the training points")
    data = engine.dataset(trained.data)
    classes = data.y_train.argmax(axis=1)
    assert points["colours"] == [palette.CLASS_COLOURS[k] for k in classes]
    assert points["symbols"] == [palette.CLASS_SYMBOLS[k] for k in classes]

    # The Scores tab: a 3 × 3 matrix of the trained network's decisions, the largest p of each point.
    dash_duo.driver.find_element(By.XPATH, "//*[contains(@class,'maths-tabs')]//*[normalize-space(.)='Scores']").click()
    matrix = engine.evaluate(trained)["train_confusion"]
    dash_duo.wait_for_contains_text("#scores-box", f"= {100 * matrix.accuracy:.1f}%", timeout=10)
    cells = [c.text for c in dash_duo.find_elements("#scores-box td")]
    assert cells[:9] == [str(n) for row in matrix.counts for n in row]
    assert "class C" in dash_duo.find_element("#scores-box").text
    assert dash_duo.get_logs() == []
