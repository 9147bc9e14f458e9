"""A classroom's worth of trust, in real browsers: two students at once never touch each other's
network, and a server that stops and starts again loses nobody's work.

The server keeps nothing between requests: each tab's lab lives in its own session storage and
comes with every click. These tests hold the app to that.
"""


import time

from selenium import webdriver
from selenium.webdriver.common.keys import Keys

import engine
from app import actions, arrivals, callbacks
from bench.server import AppServer
from components.numbers import num
from tests.browser.test_network_page import (
    DASH_CALLBACKS,
    _still_for,
    choose,
    dash_idle,
    expected_texts,
    handled,
    open_page,
    shape,
    step_count,
    svg_texts,
    wait_for_equal,
    wait_until,
)
from tests.conftest import pytest_setup_options


def text(driver, selector) -> str:
    return driver.find_element("css selector", selector).text


def test_two_browsers_at_once_keep_their_own_networks(dash_duo):
    open_page(dash_duo)
    other = webdriver.Chrome(options=pytest_setup_options())
    try:
        other.get(dash_duo.server_url)
        wait_until(lambda: other.find_elements("css selector", "#network svg"), "the second browser's network")

        # The first student builds 2-3-2-1 and takes two full steps …
        box = dash_duo.find_element("#hidden-sizes")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys("3, 2", Keys.ENTER)
        wait_until(lambda: shape(dash_duo.driver) == "Network with layers 2-3-2-1", "the first network")
        for n in (1, 2):
            dash_duo.find_element("#full-step").click()
            dash_duo.wait_for_text_to_equal("#counters", f"Step {n} · Epoch {n}", timeout=10)
        first = svg_texts(dash_duo)
        phase_before = text(dash_duo.driver, "#phase-text")

        # … while the second steps the default lesson phase by phase, and sees only its own.
        state = engine.PRESETS["default"].state()
        for _ in range(3):
            state = engine.advance(state)
            other.find_element("css selector", "#step").click()
            wait_until(lambda: text(other, "#phase-text") == state.cursor.words(), "the second browser's phase")  # noqa: B023
        assert shape(other) == "Network with layers 2-2-1" and text(other, "#counters") == "Step 0 · Epoch 0"
        seen = other.execute_script(
            "return Array.from(document.querySelectorAll('#network svg .node-value')).map((e) => e.textContent)")
        assert seen == expected_texts(state)["value"]

        # Neither moved the other.
        assert shape(dash_duo.driver) == "Network with layers 2-3-2-1"
        assert text(dash_duo.driver, "#counters") == "Step 2 · Epoch 2" and svg_texts(dash_duo) == first
        other.find_element("css selector", "#reset").click()
        wait_until(lambda: text(other, "#phase-text") == engine.PRESETS["default"].state().cursor.words(), "reset")
        # The first one's next Step goes on from its own lab (a lab the server mixed up would show
        # the other's, just reset).
        dash_duo.find_element("#step").click()
        wait_until(lambda: text(dash_duo.driver, "#phase-text") != phase_before, "the first browser's next phase")
        assert shape(dash_duo.driver) == "Network with layers 2-3-2-1"
        assert text(dash_duo.driver, "#counters") == "Step 2 · Epoch 2"
        assert other.get_log("browser") == []
    finally:
        other.quit()
    assert dash_duo.get_logs() == []


def test_a_server_restart_loses_no_work(dash_duo):
    driver = dash_duo.driver
    state = engine.PRESETS["default"].state()
    # The app as its own process (`python -m app`, bench/server.py), as a teacher starts it.
    with AppServer() as server:
        port = server.port
        driver.get(f"http://127.0.0.1:{port}/")
        dash_duo.wait_for_element("#network svg", timeout=10)
        dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
        for _ in range(2):
            state = engine.full_step(state)
            dash_duo.find_element("#full-step").click()
            dash_duo.wait_for_text_to_equal("#counters", f"Step {state.counters.step} · Epoch {state.counters.epoch}",
                                            timeout=10)
        for _ in range(2):  # in the middle of a step: the backward pass is on show
            state = engine.advance(state)
            dash_duo.find_element("#step").click()
            dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
        before = wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))
        # The charts and equations that follow a step have come too: the teacher stops the app with
        # nothing on its way (a request cut off by the stop would be an error in the console). Idle
        # for half a second with nothing completed meanwhile: between one answer and the callbacks it
        # fires, Dash can show no callback waiting for a moment.
        wait_until(lambda: (calm := _still_for(0.5, lambda: driver.execute_script(DASH_CALLBACKS))) is not None
                   and calm[1] == 0, "the page to finish its requests")

    # The teacher's laptop restarts the app on the same port …
    with AppServer(port=port):
        # … and the lesson carries on from the same state, without a reload …
        state = engine.advance(state)
        dash_duo.find_element("#step").click()
        dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
        wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))
        assert svg_texts(dash_duo) != before
        # … and after one.
        driver.refresh()
        dash_duo.wait_for_element("#network svg", timeout=10)
        dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
        wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))
        state = engine.full_step(state)
        dash_duo.find_element("#full-step").click()
        dash_duo.wait_for_text_to_equal("#counters", f"Step {state.counters.step} · Epoch {state.counters.epoch}",
                                        timeout=10)
    assert dash_duo.get_logs() == []


def notice(driver) -> str:
    """The words of the "server is not answering" notice as a person sees them ("" while it is hidden)."""
    found = driver.find_elements("css selector", "#server-down")
    return found[0].text if found and found[0].is_displayed() else ""


def ticks_sent(driver) -> int:
    return driver.execute_script("return window.backpropLabLink.counts().sent.tick")


# The moves each Play tick asks the server for, as the page sends them: straight to the server
# (assets/play.js, app/ticks.py), or through the lab's callback (its play-tick store).
TICK_MOVES = """
window.tickMoves = [];
const inner = window.fetch;
window.fetch = function (input, init) {
  const body = init && init.body;
  if (String(input).includes("_lab-tick")) {
    window.tickMoves.push(JSON.parse(body).moves);
  } else {
    const tick = typeof body === "string" && body.includes('"play-tick.data"') && body.match(/"moves":(\\d+)/);
    if (tick) window.tickMoves.push(Number(tick[1]));
  }
  return inner(input, init);
};
"""


def unexplained(logs, port) -> list:
    """The console errors other than those an outage brings: Chromium's line for each request the
    stopped server refused or dropped, and Dash's renderer's own for each callback that got no answer."""
    said = ("net::ERR_CONNECTION_REFUSED", "net::ERR_EMPTY_RESPONSE", "net::ERR_CONNECTION_RESET",
            "net::ERR_SOCKET_NOT_CONNECTED",  # a request made while the server was going down
            "net::ERR_CONTENT_LENGTH_MISMATCH",  # an answer cut off as the server went down
            "Callback failed: the server did not respond.",
            "Uncaught TypeError: Failed to fetch")  # Dash's renderer, reading the rest of that answer

    def outage(message):
        return message.startswith(f"http://127.0.0.1:{port}/") and any(s in message for s in said)
    return [entry for entry in logs if not outage(entry["message"])]


# What the network shows now (its phase and every text), and each different picture it shows from here on.
PICTURES_JS = """
const svg = document.querySelector('#network svg');
const picture = () => svg.getAttribute('class').split(' ').find((c) => c.startsWith('phase-')) + ' ' +
  Array.from(svg.querySelectorAll('text')).map((t) => t.textContent).join('|');
window.pictures = [];
new MutationObserver(() => {
  const now = picture();
  if (now !== window.pictures[window.pictures.length - 1]) window.pictures.push(now);
}).observe(svg, {subtree: true, attributes: true, characterData: true, childList: true});
return picture();
"""


def test_play_carries_on_by_itself_after_a_server_restart(dash_duo):
    driver = dash_duo.driver
    driver.set_window_size(1280, 800)
    normal = actions.SPEEDS["normal"]
    start = engine.PRESETS["default"].state()
    with AppServer() as server:
        port = server.port
        driver.get(f"http://127.0.0.1:{port}/")
        dash_duo.wait_for_element("#network svg", timeout=10)
        dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
        assert notice(driver) == ""
        driver.execute_script(TICK_MOVES)
        choose(dash_duo, "speed", normal.label)
        dash_duo.find_element("#play").click()
        dash_duo.wait_for_text_to_equal("#play", "Pause", timeout=5)
        wait_until(lambda: step_count(dash_duo) >= 3, "Play to pass step 3")

    # The server stops while Play runs: the page says so, in words, and Play stays on.
    said = wait_until(lambda: notice(driver), "the notice that the server is not answering")
    assert said == ("The server is not answering.\n"
                    "Play will carry on by itself when it is back. Nothing in this tab is lost.")
    assert dash_duo.find_element("#play").text == "Pause"
    stopped_at = wait_until(lambda: _still_for(0.5, lambda: step_count(dash_duo)), "the counter to stop")
    asked = len(driver.execute_script("return window.tickMoves"))

    with AppServer(port=port):
        # Back: the counter moves again without a click, on from where it stopped, and the notice goes.
        wait_until(lambda: step_count(dash_duo) > stopped_at, "Play to carry on by itself")
        # The clock started again when the server came back: the first tick asks for the next move,
        # not for the moves the outage missed. (Later ticks may ask for several: a slow first answer
        # from a server that has just started makes moves due, as on any slow round trip.)
        assert driver.execute_script("return window.tickMoves")[asked] == 1
        wait_until(lambda: notice(driver) == "", "the notice to go")
        wait_until(lambda: step_count(dash_duo) >= stopped_at + 3, "Play to keep going")
        assert dash_duo.find_element("#play").text == "Pause"

    # Stopped again; this time the teacher presses Pause during the outage: the notice says Play is
    # paused, and no tick is asked for, not even when the server is back.
    wait_until(lambda: notice(driver), "the notice, a second time")
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=5)
    wait_until(lambda: "Play is paused" in notice(driver), "the notice to say Play is paused")
    paused_at = wait_until(lambda: _still_for(0.5, lambda: step_count(dash_duo)), "the counter to stop")
    sent = ticks_sent(driver)
    state = engine.train_steps(start, paused_at)

    with AppServer(port=port):
        wait_until(lambda: notice(driver) == "", "the notice to go when the server answers")
        assert _still_for(1.0, lambda: (step_count(dash_duo), ticks_sent(driver))) == (paused_at, sent)
        # Nothing was lost: the lab is where Play left it, and the numbers that catch up on Pause
        # (their request failed) catch up now.
        wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))
        dash_duo.wait_for_contains_text("#numbers", num(engine.evaluate(state)["train_loss"]), timeout=10)
        state = engine.advance(state)
        dash_duo.find_element("#step").click()
        dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
        wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))

    # A Step while the server is away: Step paints the next phase at once, before its request; the
    # request fails, the picture goes back to the lab as it is, and the notice says the click was not done.
    before = svg_texts(dash_duo)
    phase = dash_duo.find_element("#phase-text").text
    drawn = driver.execute_script(PICTURES_JS)
    dash_duo.find_element("#step").click()
    said = wait_until(lambda: notice(driver), "the notice after a Step")
    assert said == ("The server is not answering.\n"
                    "What you clicked was not done. Nothing in this tab is lost: try again when this notice goes.")
    wait_for_equal(lambda: svg_texts(dash_duo), before)
    shown = driver.execute_script("return window.pictures")
    assert len(shown) >= 2 and shown[0] != drawn and shown[-1] == drawn  # painted ahead, then taken back
    assert dash_duo.find_element("#phase-text").text == phase
    # Full step likewise: the whole update painted ahead, then taken back.
    driver.execute_script(PICTURES_JS)
    dash_duo.find_element("#full-step").click()
    wait_until(lambda: len(driver.execute_script("return window.pictures")) >= 2, "Full step's picture, taken back")
    wait_for_equal(lambda: svg_texts(dash_duo), before)
    shown = driver.execute_script("return window.pictures")
    assert shown[0].startswith("phase-update") and shown[-1] == drawn
    assert dash_duo.find_element("#phase-text").text == phase

    with AppServer(port=port):
        wait_until(lambda: notice(driver) == "", "the notice to go")
        state = engine.advance(state)
        dash_duo.find_element("#step").click()
        dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
        wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))
        assert notice(driver) == ""
    assert unexplained(dash_duo.get_logs(), port) == []


def _dead_relus() -> engine.LabState:
    """A ReLU layer whose biases of −10 keep every z ≤ −8 on inputs in [0, 1]: no blame gets back."""
    x = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
    spec = engine.NetworkSpec((2, 2, 1), ("relu", "sigmoid"), "squared_error", "explicit")
    data = engine.DataSpec("explicit", x=x, y=((1.0,), (1.0,), (1.0,), (0.0,)), test_fraction=0.0,
                           kind="classification")
    params = engine.explicit_params(spec, [[[0.5, 0.5], [-0.5, 1.0]], [[0.7, -0.4]]], [[-10.0, -10.0], [0.0]])
    return engine.LabState("Dead ReLUs", 0, spec, params, engine.TrainConfig("sgd", 1.0, batch_size=4), data)


def test_clicks_faster_than_a_slow_server_answers_are_all_taken(dash_duo, monkeypatch):
    # A busy classroom server: every answer takes 0.4 s. A student clicks Step three times and Full
    # step twice without waiting; the lab takes every click (the page throws away the answer to a request
    # that a newer one overtook, and each newer one carries the lab as it was before).
    real = callbacks.act

    def slow(*args, **kwargs):
        time.sleep(0.4)
        return real(*args, **kwargs)

    monkeypatch.setattr(callbacks, "act", slow)
    open_page(dash_duo)
    state = engine.PRESETS["default"].state()
    for _ in range(3):
        dash_duo.find_element("#step").click()
        state = engine.advance(state)
    dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
    for _ in range(2):
        dash_duo.find_element("#full-step").click()
        state = engine.full_step(state)
    dash_duo.wait_for_text_to_equal("#counters", f"Step {state.counters.step} · Epoch {state.counters.epoch}",
                                    timeout=10)
    wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))
    assert dash_duo.get_logs() == []


def test_numerical_edge_cases_pause_with_a_reason_and_draw_no_nan(dash_duo, tmp_path):
    open_page(dash_duo)
    page_text = "return document.body.innerText"

    # A single example, and constant data (on the default lesson's sigmoids): they train, and
    # nothing on the page reads NaN or ∞.
    for name, rows, layers in (("one.csv", "0.5,0.5,1\n", "2-2-1"),
                              ("same.csv", "1,1,0\n1,1,1\n1,1,0\n1,1,1\n", "2-2-1"),
                              ("flat.csv", "".join(f"{x},3\n" for x in range(12)), "1-2-1")):
        path = tmp_path / name
        path.write_text(rows)
        dash_duo.find_element("#upload-csv input[type=file]").send_keys(str(path))
        # The upload read: the default lesson has the first two shapes and is at step 0 too.
        dash_duo.wait_for_contains_text("#message", "Your data: ", timeout=10)
        label = f"Network with layers {layers}"
        wait_until(lambda: shape(dash_duo.driver) == label, f"the network for {name}")  # noqa: B023
        dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
        for n in range(1, 6):
            dash_duo.find_element("#full-step").click()
            wait_until(lambda: dash_duo.find_element("#counters").text.startswith(f"Step {n} "),  # noqa: B023
                       f"step {n}")
        wait_until(lambda: dash_duo.driver.execute_script(DASH_CALLBACKS)[1] == 0, "the panels to follow")
        text = dash_duo.driver.execute_script(page_text)
        assert "NaN" not in text and "Infinity" not in text and "∞" not in text, name
        assert not dash_duo.find_element("#diverged").is_displayed(), name

    # Every ReLU dead: the first update pauses training with the reason, and Reset recovers.
    dead = _dead_relus()
    saved = tmp_path / "dead.json"
    saved.write_text(dead.to_json())
    dash_duo.find_element("#load-lab input[type=file]").send_keys(str(saved))
    dash_duo.wait_for_contains_text("#message", "Loaded “Dead ReLUs”", timeout=10)
    dash_duo.find_element("#full-step").click()
    paused = engine.full_step(dead)
    wait_until(dash_duo.find_element("#diverged").is_displayed, "the pause notice")
    assert dash_duo.find_element("#diverged-text").text == paused.diverged
    assert "every ReLU in hidden layer 1 outputs 0" in paused.diverged
    handled(dash_duo, dash_duo.find_element("#step").click, "the Step click")  # a paused lab does not move
    assert dash_duo.find_element("#counters").text == "Step 1 · Epoch 1"
    dash_duo.find_element("#reset-diverged").click()
    wait_until(lambda: not dash_duo.find_element("#diverged").is_displayed(), "the notice to go")
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
    dash_duo.find_element("#step").click()  # the lab moves again
    dash_duo.wait_for_text_to_equal("#phase-text", engine.advance(dead).cursor.words(), timeout=10)
    assert dash_duo.get_logs() == []


def test_a_full_step_clicked_while_an_upload_travels_trains_the_uploaded_data(dash_duo, tmp_path, monkeypatch):
    # The server reads the upload slowly (1.5 s); Full step is clicked before its answer comes. The
    # Full step's answer comes first and is the one kept: it reads the file too and takes the step.
    # The upload's own answer, older, must not put the lab back to before the step.
    real, readings = arrivals.arrive, []

    def slow_first(trigger, *args):
        readings.append(trigger)
        if len(readings) == 1:
            time.sleep(1.5)
        return real(trigger, *args)

    monkeypatch.setattr(arrivals, "arrive", slow_first)
    open_page(dash_duo)
    path = tmp_path / "line.csv"
    path.write_text("".join(f"{x / 10},{x / 5}\n" for x in range(10)))
    # Every message the page shows: the upload's may be on screen only until the Full step's answer,
    # which clears it when the upload's answer came first (a message stays until the lab changes).
    dash_duo.driver.execute_script("""
        const box = document.getElementById('message');
        window.messages = [];
        new MutationObserver(() => window.messages.push(box.textContent))
          .observe(box, {childList: true, characterData: true, subtree: true});""")
    dash_duo.find_element("#upload-csv input[type=file]").send_keys(str(path))
    wait_until(lambda: readings, "the server to start reading the upload")
    dash_duo.find_element("#full-step").click()
    wait_until(lambda: any("Your data: 10 rows" in m for m in dash_duo.driver.execute_script("return window.messages")),
               "the message about the uploaded data")
    wait_until(lambda: shape(dash_duo.driver) == "Network with layers 1-2-1", "the network for the data")
    wait_until(lambda: text(dash_duo.driver, "#counters").startswith("Step 1 "), "step 1")
    wait_until(lambda: dash_duo.driver.execute_script(
        "return window.backpropLabLink.pending('other')") == 0, "the upload's answer")
    dash_idle(dash_duo, "the page to take the upload's answer in")
    assert text(dash_duo.driver, "#counters").startswith("Step 1 ")
    assert shape(dash_duo.driver) == "Network with layers 1-2-1"
    dash_duo.find_element("#full-step").click()  # the lab the page shows is the one that trains
    wait_until(lambda: text(dash_duo.driver, "#counters").startswith("Step 2 "), "step 2")
    # Read once more by the Full step's request when that overtook the upload's, else only once.
    assert readings in (["upload-csv"], ["upload-csv", "upload-csv"])
    assert dash_duo.get_logs() == []
