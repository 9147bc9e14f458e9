"""A slider move is drawn in the page at once (assets/instant.js): the same picture the server draws.

The page computes the forward and backward pass itself from the model each view brings;
the server's answer follows. Both must be the same picture, number for number, for every
activation, loss and network shape.
"""

import dataclasses
import json

import numpy as np
from selenium.webdriver.common.action_chains import ActionChains

import engine
from app import actions, create_app, links
from components.network_view import network_view, slider_model
from components.numbers import num
from tests.components.test_instant_parity import same

from .test_network_page import DASH_CALLBACKS, choose, shape, svg_texts, wait_until


def _with(state, activations=None, loss=None, decay=None):
    spec = dataclasses.replace(state.spec, **({"activations": activations} if activations else {}),
                               **({"loss": loss} if loss else {}))
    train = dataclasses.replace(state.train, weight_decay=decay) if decay is not None else state.train
    return state.replace(spec=spec, train=train)


def _six_layers(state):
    spec = dataclasses.replace(state.spec, sizes=(2,) + (8,) * 6 + (1,), activations=("tanh",) * 6 + ("sigmoid",))
    return state.replace(spec=spec, params=engine.init_params(spec, np.random.default_rng(3)),
                         cursor=engine.Cursor(spec.n_layers))


def cases():
    default = actions.preset("default")
    circle = actions.preset("circle")
    deep = actions.preset("deep_sigmoid")
    return [
        ("default lesson", default, "W1[0,1]", 0.75),
        ("a bias", default, "b2[0]", -2.5),
        ("worked example, two outputs", actions.preset("worked_example"), "W2[1,0]", 1.3),
        ("tanh and mse with decay", _with(default, ("tanh", "tanh"), "mse", 0.05), "W2[0,1]", -1.2),
        ("relu into bce", _with(default, ("relu", "sigmoid"), "bce"), "W1[1,0]", 2.0),
        ("bce from logits", _with(circle, None, "bce"), "W3[0,2]", 3.1),
        ("leaky relu and linear", _with(circle, ("leaky_relu", "leaky_relu", "linear"), "mse"), "b1[3]", -0.7),
        ("a dead relu", _with(default, ("relu", "sigmoid")), "b1[0]", -4.0),
        ("deep sigmoids, tiny blame", deep, "W1[0,0]", 0.01),
        ("six layers of 8", _six_layers(circle), "W4[7,7]", -3.9),
        ("three classes, softmax and cross-entropy", actions.preset("three_classes"), "W3[2,1]", 2.4),
    ]


def test_the_page_draws_a_slider_move_exactly_as_the_server_does(dash_duo):
    dash_duo.start_server(create_app())
    dash_duo.wait_for_element("#network svg .edge", timeout=10)
    for label, state, param, value in cases():
        server = network_view(actions.set_param(state, param, value), geometry=False, tips=False)
        server = json.loads(json.dumps(server))
        server.pop("geometry")
        page = dash_duo.driver.execute_script(
            "return window.backpropLabInstant.instantView(arguments[0], arguments[1], arguments[2])",
            json.loads(json.dumps(slider_model(state))), param, value)
        assert page is not None, label
        # The neurons' own pictures follow a drag from the moved weights (tests/components/test_neuron_maps.py).
        assert page.pop("maps")["W"][1:] == [w.tolist() for w in actions.set_param(state, param, value).params.W[1:]]
        same(page, server, label)
    assert dash_duo.get_logs() == []


def test_the_page_refuses_what_it_cannot_draw(dash_duo):
    dash_duo.start_server(create_app())
    dash_duo.wait_for_element("#network svg .edge", timeout=10)
    model = json.loads(json.dumps(slider_model(actions.preset("default"))))
    for param, value in (("W9[0,0]", 1), ("W1[5,0]", 1), ("b2[3]", 1), ("nonsense", 1), ("W1[0,0]", None)):
        assert dash_duo.driver.execute_script(
            "return window.backpropLabInstant.instantView(arguments[0], arguments[1], arguments[2])",
            model, param, value) is None, param


def slider_of_w1_0_0(dash_duo):
    """The default lesson's page with W1[0,0] pinned from the weight list: its slider's thumb."""
    dash_duo.start_server(create_app())
    dash_duo.wait_for_element("#network svg .edge", timeout=10)
    # The list is filled by the server's first answer: choose waits until the option is there to click
    # (dash_duo's select_dcc_dropdown gave up quietly when it was not yet, on a busy machine).
    choose(dash_duo, "pick-param", "W1[0,0]", stays=False)
    return wait_until(lambda: next(iter(dash_duo.driver.find_elements("css selector", "#sliders [role='slider']")),
                                   None), "the slider of W1[0,0], chosen from the list")


def test_dragging_a_slider_draws_each_position_and_ends_on_the_servers_picture(dash_duo):
    thumb = slider_of_w1_0_0(dash_duo)
    first_edge = "document.querySelector('#network path.edge')"
    width = lambda: dash_duo.driver.execute_script(f"return {first_edge}.getAttribute('stroke-width')")
    before = width()
    ActionChains(dash_duo.driver).click_and_hold(thumb).move_by_offset(60, 0).perform()
    # While the pointer is still held, the picture already shows the new weight.
    wait_until(lambda: width() != before, "the edge to follow the slider")
    ActionChains(dash_duo.driver).release().perform()
    readout = dash_duo.find_element("#sliders .weight-slider-readout").text
    w = float(readout.replace("−", "-"))
    expected = network_view(actions.set_param(actions.preset("default"), "W1[0,0]", w))
    label = next(e["label"] for e in expected["edges"] if e["id"] == "W1[0,0]")
    tip = next(e["tip"] for e in expected["edges"] if e["id"] == "W1[0,0]").split("\n")[0]
    wait_until(lambda: dash_duo.driver.execute_script(f"return {first_edge}.getAttribute('aria-label')") == tip,
               "the server's picture, with its tooltips")
    assert dash_duo.find_element("#network .edge-label").text == label
    assert dash_duo.get_logs() == []


def test_a_drag_is_painted_in_the_pointer_event_itself(dash_duo):
    # The network shows the weight the pointer points at as the pointermove event that moved it
    # reaches the slider (handed on once that picture is on the screen): before the slider itself
    # has moved (its re-render comes a frame or more later).
    thumb = slider_of_w1_0_0(dash_duo)
    # W1[0,0]'s label as each pointermove of the drag that reaches the slider ends (a listener on the
    # window runs last), and each value the slider itself takes.
    dash_duo.driver.execute_script("""
        window.atMoves = [];
        window.addEventListener("pointermove", (ev) => {
          if (ev.buttons) window.atMoves.push(document.querySelector('#network .edge-label').textContent);
        });
        window.slid = [];
        new MutationObserver(() => window.slid.push(arguments[0].getAttribute('aria-valuenow')))
          .observe(arguments[0], {attributes: true, attributeFilter: ['aria-valuenow']});""", thumb)
    chain = ActionChains(dash_duo.driver).click_and_hold(thumb)
    for _ in range(4):
        chain = chain.move_by_offset(14, 0).pause(0.2)
    chain.release().perform()
    wait_until(lambda: dash_duo.driver.execute_script("return window.slid").count(thumb.get_attribute(
        "aria-valuenow")), "the slider's last value")
    slid = [num(float(v), signed=True, digits=2) for v in dash_duo.driver.execute_script("return window.slid")]
    labels = dash_duo.driver.execute_script("return window.atMoves")
    assert len(set(slid)) >= 2
    # Every value the slider took was on the network by the end of a pointer event, the last one too.
    assert set(slid) <= set(labels) and labels[-1] == slid[-1]
    assert dash_duo.get_logs() == []


def test_a_drag_on_the_three_class_lesson_shows_the_servers_probabilities(dash_duo):
    # A softmax output: every output's probability moves with one weight into any of them, and the
    # page's own softmax and cross-entropy (assets/instant.js) must show what the server then shows.
    dash_duo.start_server(create_app())
    dash_duo.wait_for_element("#network svg .edge", timeout=10)
    dash_duo.driver.execute_script("window.sessionStorage.clear()")
    dash_duo.driver.get(dash_duo.server_url + "/?lesson=three_classes")
    wait_until(lambda: shape(dash_duo.driver) == "Network with layers 2-6-6-3", "the three-class network")
    start = links.state_from_query("?lesson=three_classes").state
    output = lambda: svg_texts(dash_duo)["output"]
    wait_until(lambda: output() == network_view(start)["output"]["lines"], "the lesson's first probabilities")
    before = output()
    choose(dash_duo, "pick-param", "W3[0,0]", stays=False)
    thumb = wait_until(lambda: next(iter(dash_duo.driver.find_elements("css selector", "#sliders [role='slider']")),
                                    None), "the slider of W3[0,0], chosen from the list")
    ActionChains(dash_duo.driver).click_and_hold(thumb).move_by_offset(60, 0).perform()
    wait_until(lambda: output() != before, "the probabilities to follow the slider")
    ActionChains(dash_duo.driver).release().perform()
    w = float(dash_duo.find_element("#sliders .weight-slider-readout").text.replace("−", "-"))
    # The server's answer for the released weight is drawn (the view it brings has the model), and Dash is idle.
    wait_until(lambda: dash_duo.driver.execute_script(
        "const view = window.backpropLabNetwork.view; return view && view.model && view.model.W[3][0][0]") == w
        and dash_duo.driver.execute_script(DASH_CALLBACKS)[1] == 0, "the server's answer for the released weight")
    moved = network_view(actions.set_param(start, "W3[0,0]", w))["output"]
    assert output() == moved["lines"]  # the loss
    # A row beside each class: "p(A) = 0.161", then its target and p − t.
    page_rows = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#network .output-row')].map((r) => "
        "[...r.querySelectorAll('tspan')].slice(1).map((t) => t.textContent))")
    assert page_rows == [list(row) for row in moved["rows"]]
    probabilities = [float(first.split(" = ")[1]) for first, _ in moved["rows"]]
    assert abs(sum(probabilities) - 1) <= 0.002, probabilities
    assert dash_duo.get_logs() == []
