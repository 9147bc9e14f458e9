"""The network page in a real browser: a person's clicks, and the numbers they read.

Every expected number comes from the engine and is formatted the way the page
formats it (components.network_view / components.numbers), so these tests prove
the SVG the browser draws shows exactly the engine's forward pass, δ and ∂C/∂w.
Each test costs a Chrome start, so each one walks a whole story.

Screenshots of the forward, backward and update phases go to /tmp/screens/
(outside the repository) for a person to look at.
"""

import re
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import engine
from app import actions, callbacks, create_app, ticks
from components.network_view import network_view
from components.numbers import num
from components.readouts import counters_text

SCREENS = Path("/tmp/screens")
SIZES = ((1280, 720), (1920, 1080))

# Every text the SVG shows, grouped by kind, in the order the renderer builds them
# (the view model's order: nodes layer by layer, edges by layer, row, column).
SVG_TEXTS_JS = """
const q = (s) => Array.from(document.querySelectorAll('#network svg ' + s)).map((e) => e.textContent);
return {value: q('.node-value'), delta: q('.node-delta'), label: q('.edge-label'), grad: q('.edge-grad'),
        output: q('.output-box tspan')};
"""


# ---------------------------------------------------------------- helpers


def expected_texts(state) -> dict:
    """What the SVG must read for this state: the view model's strings."""
    view = network_view(state)
    return {
        "value": [n["text"] for n in view["nodes"]],
        "delta": [n["sub"] for n in view["nodes"]],
        "label": [e["label"] for e in view["edges"]],
        "grad": [e["grad"] for e in view["edges"]],
        "output": view["output"]["lines"],
    }


def svg_texts(dash_duo) -> dict:
    return dash_duo.driver.execute_script(SVG_TEXTS_JS)


def wait_for_equal(read, expected, timeout=10.0):
    """Poll read() until it equals expected; on timeout fail with pytest's diff of the last reading."""
    end = time.monotonic() + timeout
    while True:
        value = read()
        if value == expected or time.monotonic() > end:
            break
        time.sleep(0.05)
    assert value == expected
    return value


def wait_until(predicate, what: str, timeout=10.0):
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


# Dash's own count of the callbacks it has run, and of those it has still to run (its store;
# dash.testing reads the same to wait for callbacks).
DASH_CALLBACKS = """
const callbacks = window.store.getState().callbacks;
const waiting = Object.entries(callbacks).filter(([k]) => k !== 'stored' && k !== 'completed')
  .reduce((n, [, list]) => n + list.length, 0);
return [callbacks.completed, waiting];
"""


def handled(dash_duo, action, what: str, driver=None, timeout=10.0):
    """Do `action`, then wait until Dash has run a callback for it and has none left to run: the
    positive sign that the page took the action in, before a test asserts that nothing changed."""
    driver = driver or dash_duo.driver
    before, _ = driver.execute_script(DASH_CALLBACKS)
    action()

    def done():
        completed, waiting = driver.execute_script(DASH_CALLBACKS)
        return completed > before and waiting == 0
    wait_until(done, f"the page to handle {what}", timeout)


def dash_idle(dash_duo, what: str, driver=None, timeout=10.0):
    """Wait until Dash has no callback left to run (e.g. after keys that must not have fired any)."""
    driver = driver or dash_duo.driver
    wait_until(lambda: driver.execute_script(DASH_CALLBACKS)[1] == 0, what, timeout)


# Two animation frames after every CSS transition has ended (the flowing edges loop for ever): laid out
# and painted as it will stay.
LAID_OUT = """
const done = arguments[arguments.length - 1];
const moving = () => document.getAnimations().some(a => a instanceof CSSTransition && a.playState === 'running');
const settle = () => moving() ? setTimeout(settle, 20)
  : requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
settle();
"""


def laid_out(driver, size=None, timeout=10.0):
    """Wait until the page has the given inner size (if any) and has stopped moving (LAID_OUT)."""
    if size is not None:
        wait_until(lambda: driver.execute_script("return [window.innerWidth, window.innerHeight]") == list(size),
                   f"the page at {size[0]}×{size[1]}", timeout)
    driver.set_script_timeout(timeout)
    driver.execute_async_script(LAID_OUT)


def choose(dash_duo, dropdown_id: str, label: str, stays: bool = True):
    """Open a Dash 4 dropdown and click the option a person reads as `label`.

    Dash 4 draws a dropdown as a <button id=...>; clicking it opens a popover
    (.dash-dropdown-content, data-state="open") of .dash-dropdown-option labels.
    stays=False: the app clears the choice at once (the weight picker), so do not wait to see it.
    """
    dash_duo.find_element(f"#{dropdown_id}").click()
    xpath = ("//*[contains(@class,'dash-dropdown-content') and @data-state='open']"
             f"//*[contains(@class,'dash-dropdown-option')][normalize-space(.)='{label}']")
    option = wait_until(lambda: next(iter(dash_duo.driver.find_elements(By.XPATH, xpath)), None),
                        f"the option {label!r} of #{dropdown_id}", timeout=5)
    option.click()
    if stays:
        dash_duo.wait_for_text_to_equal(f"#{dropdown_id} .dash-dropdown-value", label, timeout=5)
    wait_until(lambda: dash_duo.find_element(f"#{dropdown_id}").get_attribute("aria-expanded") == "false",
               f"#{dropdown_id} to close")


def shape(driver) -> str | None:
    """The drawn network's shape, read in one go: a new shape replaces the svg, and an element found
    first can go stale before it is read."""
    return driver.execute_script("return document.querySelector('#network svg')?.getAttribute('aria-label')")


def step_count(dash_duo) -> int:
    match = re.fullmatch(r"Step (\d+) · Epoch (\d+)", dash_duo.find_element("#counters").text)
    assert match, dash_duo.find_element("#counters").text
    return int(match.group(1))


def _still_for(seconds: float, read):
    """read()'s value if it stays the same for `seconds`, else None."""
    first = read()
    time.sleep(seconds)
    return first if read() == first else None


def node_and_edge_counts(dash_duo) -> tuple[int, int]:
    return dash_duo.driver.execute_script(
        "return [document.querySelectorAll('#network svg g.node').length,"
        " document.querySelectorAll('#network svg path.edge').length]"
    )


def history_lines(dash_duo) -> list:
    """The `d` of every drawn line in the loss-history chart."""
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#history .trace path.js-line'))"
        ".map((p) => p.getAttribute('d') || '')"
    )


def screenshot(dash_duo, name: str, element: str | None = None, folder: Path = SCREENS):
    """The page at each classroom size (outside the repo), scrolled so `element` is in view if given."""
    folder.mkdir(parents=True, exist_ok=True)
    driver = dash_duo.driver
    for width, height in SIZES:
        # set_window_size sizes the whole window; grow it by the browser's own frame so the page gets width×height.
        driver.set_window_size(width, height)
        inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
        laid_out(driver, (width, height))  # the layout reflowed and the 0.35 s CSS transitions finished
        if element:
            driver.execute_script("document.querySelector(arguments[0]).scrollIntoView({block: 'nearest'})", element)
            laid_out(driver)
        driver.save_screenshot(str(folder / f"{name}-{width}x{height}.png"))
    driver.set_window_size(1280, 800)


def play_a_while(dash_duo, start, past: int):
    """Play as fast as it goes until the step counter passes `past`, then Pause: the lab as the engine
    trains `start` to the step the page shows, once the page shows it."""
    choose(dash_duo, "speed", "As fast as it goes")
    dash_duo.find_element("#play").click()
    wait_until(lambda: step_count(dash_duo) > past, f"Play to pass step {past}")
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=10)
    dash_idle(dash_duo, "the pause's catch-up")
    trained = engine.train_steps(start, step_count(dash_duo) - start.counters.step)
    wait_until(lambda: dash_duo.find_element("#counters").text == counters_text(trained), "the counters")
    return trained


def watch_counters(dash_duo):
    """From now on, note every step counter the page shows (shown_steps)."""
    dash_duo.driver.execute_script("""
        const box = document.getElementById('counters');
        window.shownSteps = [];
        new MutationObserver(() => window.shownSteps.push(box.textContent))
          .observe(box, {childList: true, characterData: true, subtree: true});""")


def shown_steps(dash_duo) -> list[int]:
    return [int(re.search(r"Step (\d+)", text).group(1))
            for text in dash_duo.driver.execute_script("return window.shownSteps")]


def open_page(dash_duo):
    dash_duo.start_server(create_app())
    dash_duo.driver.set_window_size(1280, 800)
    dash_duo.wait_for_element("#network svg", timeout=10)
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)


# ---------------------------------------------------------------- tests


def test_step_reveals_every_phase_with_the_engines_numbers(dash_duo):
    state = engine.PRESETS["default"].state()
    open_page(dash_duo)
    dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words())
    # Before anything moves: inputs and weights known, the rest "?", no δ, no ∂C/∂w.
    before = wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))
    assert "?" in before["value"] and set(before["delta"]) == {""} and set(before["grad"]) == {""}

    L = state.spec.n_layers
    shots = {L - 1: "forward", 2 * L: "backward", 2 * L + 1: "update"}  # output reached, δ at layer 1, update
    seen = {}
    for index in range(2 * L + 2):
        state = engine.advance(state)
        dash_duo.find_element("#step").click()
        dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
        texts = wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))
        expected_counters = "Step 1 · Epoch 1" if state.cursor.at_update else "Step 0 · Epoch 0"
        assert dash_duo.find_element("#counters").text == expected_counters
        if index in shots:
            seen[shots[index]] = texts
            screenshot(dash_duo, shots[index])

    # Backward at layer 1: δ on every neuron past the input, ∂C/∂w on every edge.
    blamed = seen["backward"]
    assert all(d.startswith("δ ") for d in blamed["delta"][2:]) and all(g.startswith("∂ ") for g in blamed["grad"])
    # Update: each weight shows its new value and the step it took, and the box the loss after the update.
    shown = seen["update"]
    assert all(g.startswith("Δ ") for g in shown["grad"])
    W = [ref for ref in engine.all_refs(state.spec) if ref.kind == "W"]
    assert shown["label"] == [num(ref.get(state.params), True, 2) for ref in W]
    assert shown["output"][-1] == f"C after update = {num(engine.example_passes(state).bwd.loss)}"
    last = state.last_update
    assert f"{num(last.cost_before)} → {num(last.cost_after)}" in dash_duo.find_element("#numbers").text
    assert dash_duo.find_element("#counters").text == "Step 1 · Epoch 1"
    assert dash_duo.get_logs() == []


def test_full_step_and_play_train_and_draw_the_loss_history(dash_duo):
    start = engine.PRESETS["default"].state()
    open_page(dash_duo)
    assert not any("L" in d for d in history_lines(dash_duo))  # no line before training

    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 1", timeout=10)
    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 2 · Epoch 2", timeout=10)
    dash_duo.wait_for_text_to_equal("#phase-text", "Update: every weight steps against its gradient")
    wait_until(lambda: any("L" in d for d in history_lines(dash_duo)), "a line in the loss history")
    two = engine.train_steps(start, 2)
    dash_duo.wait_for_contains_text("#numbers", num(engine.evaluate(two)["train_loss"]))

    choose(dash_duo, "speed", "As fast as it goes")
    play = dash_duo.find_element("#play")
    assert play.text == "Play"
    play.click()
    dash_duo.wait_for_text_to_equal("#play", "Pause", timeout=5)
    # While it plays, the numbers and the loss chart follow a few times a second (the chart ticks),
    # not only on Pause.
    numbers, lines = dash_duo.find_element("#numbers").text, history_lines(dash_duo)
    wait_until(lambda: dash_duo.find_element("#numbers").text != numbers, "the numbers to move while playing")
    wait_until(lambda: history_lines(dash_duo) != lines, "the loss chart to move while playing")
    wait_until(lambda: step_count(dash_duo) >= 20, "Play to pass step 20", timeout=20)
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=5)

    # Paused: once a tick already on its way has landed, the counters stand still for five ticks' worth.
    paused_at = wait_until(lambda: _still_for(0.5, lambda: step_count(dash_duo)), "the counters to stop", timeout=5)
    trained = engine.train_steps(start, paused_at)
    assert dash_duo.find_element("#counters").text == counters_text(trained)
    dash_duo.wait_for_contains_text("#numbers", num(engine.evaluate(trained)["train_loss"]))
    wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(trained))
    assert any("L" in d for d in history_lines(dash_duo))
    assert dash_duo.get_logs() == []


def test_play_at_full_speed_paints_the_moments_between_two_answers(dash_duo, monkeypatch):
    # A server that takes 0.1 s over each tick: the page asks each tick for the pictures on the way to
    # it (about one per display frame of its round trip) and paints one per frame, each with its own
    # step, while the next answer is on its way. The counter a person watches never goes back.
    # Both ways a tick goes: the lab's callback (chart ticks) and the page's own (app/ticks.py).
    real, real_direct = callbacks.act, ticks.tick

    def slow(trigger, *args, **kwargs):
        if trigger == "play-tick":
            time.sleep(0.1)
        return real(trigger, *args, **kwargs)

    def slow_direct(body):
        time.sleep(0.1)
        return real_direct(body)

    monkeypatch.setattr(callbacks, "act", slow)
    monkeypatch.setattr(ticks, "tick", slow_direct)
    start = engine.PRESETS["default"].state()
    open_page(dash_duo)
    choose(dash_duo, "speed", "As fast as it goes")
    watch_counters(dash_duo)
    dash_duo.driver.execute_script("""
        window.tickAnswers = 0;
        const pageFetch = window.fetch;
        window.fetch = function (url, init) {
          const answer = pageFetch.apply(this, arguments);
          const tick = String(url).includes('_lab-tick') || String(init && init.body).includes('"play-tick.data"');
          if (tick) answer.then(() => { window.tickAnswers += 1; });
          return answer;
        };""")
    dash_duo.find_element("#play").click()
    wait_until(lambda: dash_duo.driver.execute_script("return window.tickAnswers") >= 8, "eight ticks answered")
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=5)
    paused_at = wait_until(lambda: _still_for(0.5, lambda: step_count(dash_duo)), "the counters to stop", timeout=5)
    answers = dash_duo.driver.execute_script("return window.tickAnswers")
    shown = shown_steps(dash_duo)
    kept = dash_duo.driver.execute_script("return JSON.parse(sessionStorage.getItem('lab-state')).counters")
    assert shown == sorted(shown) and shown[-1] == paused_at == kept["step"], (str(shown[-10:]), paused_at, kept)
    assert len(set(shown)) > 2 * answers, (len(set(shown)), answers)
    # The last picture is the lab where Play stopped, as the engine trains it.
    wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(engine.train_steps(start, paused_at)))
    assert dash_duo.get_logs() == []


def test_a_setting_changed_while_play_runs_is_kept_and_no_step_is_lost(dash_duo):
    # Between two chart ticks the page holds the lab Play trains (assets/play.js) and its ticks go
    # straight to the server (app/ticks.py). A setting changed meanwhile starts from that lab, not
    # the older one in the store: the step a person reads never goes back, the new rate is the one
    # trained with, and on Pause the tab keeps the lab on show, with a pinned weight's slider at its value.
    open_page(dash_duo)
    choose(dash_duo, "pick-param", "W1[0,0]", stays=False)
    dash_duo.wait_for_element("[role='slider']", timeout=10)
    choose(dash_duo, "speed", "As fast as it goes")
    watch_counters(dash_duo)
    dash_duo.driver.execute_script("""
        window.ticksBy = {page: 0, callback: 0, charts: 0};
        const pageFetch = window.fetch;
        window.fetch = function (url, init) {
          const body = String(init && init.body);
          if (String(url).includes('_lab-tick')) window.ticksBy.page += 1;
          else if (body.includes('"changedPropIds":["play-tick.data"]')) window.ticksBy.callback += 1;
          else if (body.includes('"changedPropIds":["play-charts.data"]')) window.ticksBy.charts += 1;
          return pageFetch.apply(this, arguments);
        };""")
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Pause", timeout=5)
    wait_until(lambda: dash_duo.driver.execute_script("return window.ticksBy.page") >= 10, "ten of the page's own ticks")
    choose(dash_duo, "learning-rate", "0.3")
    before = step_count(dash_duo)
    wait_until(lambda: step_count(dash_duo) > before + 200, "Play to carry on with the new rate")
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=5)
    paused_at = wait_until(lambda: _still_for(0.5, lambda: step_count(dash_duo)), "the counters to stop", timeout=5)
    dash_idle(dash_duo, "the pause's catch-up")

    by = dash_duo.driver.execute_script("return window.ticksBy")
    # Every tick went straight to the server, and brought the charts on show itself (the loss curve's tab).
    assert by["page"] >= 10 and by["charts"] == 0 and by["callback"] == 0, by
    shown = shown_steps(dash_duo)
    drops = [(i, shown[max(0, i - 4):i + 3]) for i in range(1, len(shown)) if shown[i] < shown[i - 1]]
    assert shown == sorted(shown) and shown[-1] == paused_at, (drops, len(shown), shown[-3:])
    kept_lab = dash_duo.driver.execute_script("return JSON.parse(sessionStorage.getItem('lab-state'))")
    kept = engine.LabState.from_dict(kept_lab)
    assert kept.counters.step == paused_at and kept.train.learning_rate == 0.3
    # What the page shows is that lab: the network, the counters and the numbers.
    wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(kept))
    assert dash_duo.find_element("#counters").text == counters_text(kept)
    dash_duo.wait_for_contains_text("#numbers", num(engine.evaluate(kept)["train_loss"]))
    weight = round(engine.ParamRef.parse("W1[0,0]", kept.spec).get(kept.params), callbacks.SLIDER_DIGITS)
    wait_until(lambda: float(dash_duo.find_element("[role='slider']").get_attribute("aria-valuenow")) == weight,
               "the pinned weight's slider at its value")
    dash_idle(dash_duo, "the slider's value back at the lab's callback")
    assert dash_duo.driver.execute_script("return JSON.parse(sessionStorage.getItem('lab-state'))") == kept_lab  # no move
    # Time travel recorded the ticks taken without the store: one step back is an earlier moment of the run.
    dash_duo.find_element("#travel-back").click()
    wait_until(lambda: step_count(dash_duo) < paused_at, "a step back in time")
    assert "Looking back" in dash_duo.find_element("#travel-status").text
    # A reload keeps the lab the tab was showing when it was left (the moment travelled to).
    back_at = wait_until(lambda: _still_for(0.3, lambda: step_count(dash_duo)), "the moment to settle", timeout=5)
    dash_duo.driver.refresh()
    dash_duo.wait_for_element("#network svg", timeout=10)
    wait_until(lambda: dash_duo.find_element("#counters").text.startswith(f"Step {back_at} "), "the kept lab after a reload")
    assert dash_duo.get_logs() == []


def test_play_at_twenty_steps_a_second_trains_whole_steps_and_pauses(dash_duo):
    # The speed between 5 steps a second and as fast as it goes: offered, it trains, and Pause stops it.
    # (How close the counter keeps to the named pace is measured by bench/speeds.py, not asserted here.)
    brisk = actions.SPEEDS["brisk"]
    assert brisk.per_second == 20
    start = engine.PRESETS["default"].state()
    open_page(dash_duo)
    choose(dash_duo, "speed", brisk.label)
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Pause", timeout=5)
    wait_until(lambda: step_count(dash_duo) >= 10, "Play to pass step 10")
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=5)
    paused_at = wait_until(lambda: _still_for(0.5, lambda: step_count(dash_duo)), "the counters to stop", timeout=5)
    # Ticks that took several owed steps at once took the same full steps one by one would.
    trained = engine.train_steps(start, paused_at)
    wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(trained))
    assert dash_duo.find_element("#counters").text == counters_text(trained)
    assert dash_duo.get_logs() == []


def test_grabbing_a_weight_recomputes_loss_and_reveals_all_blame(dash_duo):
    state = engine.PRESETS["default"].state()
    open_page(dash_duo)
    edge = wait_until(
        lambda: next((e for e in dash_duo.find_elements("#network path.edge")
                      if (e.get_attribute("aria-label") or "").startswith("w from x₁ to h₁")), None),
        "the edge from x₁ to h₁",
    )
    # The edge is horizontal, so WebDriver sees a zero-height box; a pointer click at its middle is what a
    # person does.
    ActionChains(dash_duo.driver).move_to_element(edge).click().perform()
    dash_duo.wait_for_text_to_equal("#sliders .weight-slider-name", "W1[0,0]", timeout=10)
    dash_duo.wait_for_text_to_equal("#sliders .weight-slider-readout", f"{num(0.5, True)}")

    # Keyboard on the slider's handle: End goes to the far right, then three steps of 0.01 back.
    handle = dash_duo.find_element("#sliders [role='slider']")
    handle.send_keys(Keys.END)
    for _ in range(3):
        handle.send_keys(Keys.ARROW_LEFT)
    value = float(wait_until(lambda: (v := handle.get_attribute("aria-valuenow")) and float(v) < 4 and float(v) > 3.9
                             and v, "the slider to settle below its maximum"))
    assert value == pytest.approx(3.97)
    dash_duo.wait_for_text_to_equal("#sliders .weight-slider-readout", num(value, True))

    moved = actions.set_param(state, "W1[0,0]", value)
    loss = engine.example_passes(moved).bwd.loss
    assert num(loss) != num(engine.example_passes(state).bwd.loss)
    dash_duo.wait_for_contains_text("#numbers", num(loss), timeout=10)
    shown = wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(moved))
    assert f"loss C = {num(loss)}" in shown["output"]
    # Every phase up to the last backward one is revealed: δ on every non-input neuron, ∂C/∂w on every edge.
    assert all(d.startswith("δ ") for d in shown["delta"][2:]) and all(g.startswith("∂ ") for g in shown["grad"])
    dash_duo.wait_for_text_to_equal("#phase-text", moved.cursor.words())

    # The same through the picker: a second slider, for the output bias.
    choose(dash_duo, "pick-param", "b2[0]", stays=False)
    wait_until(lambda: [e.text for e in dash_duo.find_elements("#sliders .weight-slider-name")] == ["W1[0,0]", "b2[0]"],
               "a second slider for b2[0]")
    assert dash_duo.get_logs() == []


def test_changing_the_shape_and_reset(dash_duo):
    open_page(dash_duo)
    box = dash_duo.find_element("#hidden-sizes")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("3, 2", Keys.ENTER)
    wait_for_equal(lambda: node_and_edge_counts(dash_duo), [2 + 3 + 2 + 1, 2 * 3 + 3 * 2 + 2 * 1])
    svg = dash_duo.find_element("#network svg")
    assert svg.get_attribute("aria-label") == "Network with layers 2-3-2-1"

    dash_duo.find_element("#add-layer").click()
    wait_until(lambda: dash_duo.find_element("#hidden-sizes").get_attribute("value") == "3, 2, 2",
               '#hidden-sizes to read "3, 2, 2"')
    wait_for_equal(lambda: node_and_edge_counts(dash_duo), [2 + 3 + 2 + 2 + 1, 6 + 6 + 4 + 2])

    box = dash_duo.find_element("#hidden-sizes")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("9", Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#message", "Each hidden layer has 1 to 8 neurons; '9' is not allowed.",
                                    timeout=10)
    assert dash_duo.find_element("#message").is_displayed()
    wait_until(lambda: dash_duo.find_element("#hidden-sizes").get_attribute("value") == "3, 2, 2",
               "the box to show the network's shape again")
    assert node_and_edge_counts(dash_duo) == [10, 18]
    assert dash_duo.find_element("#network svg").get_attribute("aria-label") == "Network with layers 2-3-2-2-1"

    for index in range(3):
        dash_duo.find_element("#step").click()
        dash_duo.wait_for_text_to_equal("#phase-text", engine.Cursor(4, index).words(), timeout=10)
    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 1", timeout=10)
    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 2 · Epoch 2", timeout=10)
    assert dash_duo.find_element("#message").text == ""  # the message went with the next good action

    dash_duo.find_element("#reset").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
    dash_duo.wait_for_text_to_equal("#phase-text", "Ready: press Step to send the input forward")
    assert node_and_edge_counts(dash_duo) == [10, 18]  # Reset keeps the shape
    assert dash_duo.get_logs() == []


# The rows beside several outputs: each row's words, whether it is the example's class (bold), its
# mark and the mark's colour; and every pair of the network's texts whose drawn boxes overlap.
ROWS_JS = """
const rows = Array.from(document.querySelectorAll('#network svg .output-row')).map((t) => {
  const [mark, first, second] = t.querySelectorAll('tspan');
  return {mark: mark.textContent, colour: mark.getAttribute('fill'), first: first.textContent,
          second: second.textContent, bold: getComputedStyle(t).fontWeight === '700'};
});
const boxes = Array.from(document.querySelectorAll('#network svg text')).filter((t) => t.textContent.trim())
  .map((t) => ({text: t.textContent, r: t.getBoundingClientRect()}));
const overlaps = [];
boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
  const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
  const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
  if (x > 1 && y > 1) overlaps.push(`${a.text} | ${b.text}`);
}));
return {rows, overlaps};
"""


def test_three_classes_show_each_class_probability_beside_its_output(dash_duo):
    from components import palette

    state = engine.PRESETS["three_classes"].state()
    dash_duo.start_server(create_app())
    dash_duo.driver.set_window_size(1280, 800)
    dash_duo.driver.get(f"{dash_duo.server_url}/?lesson=three_classes")
    dash_duo.wait_for_element("#network svg .output-row", timeout=10)
    for index in range(2 * state.spec.n_layers + 2):  # every phase, each row as the view model says
        if index:
            state = engine.advance(state)
            dash_duo.find_element("#step").click()
        dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
        out = network_view(state)["output"]
        expected = [{"mark": mark, "colour": colour, "first": first, "second": second, "bold": k == out["target"]}
                    for k, (mark, colour, (first, second)) in enumerate(zip(("● ", "■ ", "◆ "), palette.CLASS_COLOURS,
                                                                            out["rows"]))]
        drawn = wait_for_equal(lambda: dash_duo.driver.execute_script(ROWS_JS)["rows"], expected)
        assert drawn[0]["first"].startswith("p(A)") and drawn[2]["second"].startswith("t = 1")  # class C's example
        laid_out(dash_duo.driver)
        assert dash_duo.driver.execute_script(ROWS_JS)["overlaps"] == [], state.cursor.words()
        if state.cursor.phase and state.cursor.phase.kind == "loss":
            screenshot(dash_duo, "three-classes-loss")
    assert dash_duo.get_logs() == []


def _diverging_circle():
    """The circle lesson with learning rate 10 and linear hidden layers, as the page builds it."""
    state = engine.PRESETS["circle"].state()
    state = actions.train_settings(state, 10.0, state.train.batch_size, state.train.optimizer)
    state, _ = actions.rebuild(state, state, "4, 4", "linear", "sigmoid", "bce", "circle", state.seed)
    state = engine.reset(state, state.params)
    steps = 0
    while not state.diverged:
        state = engine.full_step(state)
        steps += 1
        assert steps < 50, "this combination no longer diverges: pick another for the test"
    return state, steps


def test_too_large_a_learning_rate_diverges_with_a_reason_and_reset_recovers(dash_duo):
    diverged, clicks = _diverging_circle()
    # The lesson's own tanh hidden layers saturate and survive this rate: the linear ones are what blow up.
    circle = engine.PRESETS["circle"].state()
    assert not engine.train_steps(actions.train_settings(circle, 10.0, 10, "sgd"), 50).diverged

    open_page(dash_duo)
    choose(dash_duo, "preset", "Circle: a ring around a disc")
    wait_for_equal(lambda: node_and_edge_counts(dash_duo), [2 + 4 + 4 + 1, 8 + 16 + 4])
    choose(dash_duo, "learning-rate", "10.0")
    choose(dash_duo, "activation", "Linear")
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)

    diverged_box = dash_duo.find_element("#diverged")
    for i in range(clicks):
        assert not diverged_box.is_displayed()
        dash_duo.find_element("#full-step").click()
        if i < clicks - 1:
            dash_duo.wait_for_text_to_equal("#counters", f"Step {i + 1} · Epoch 0", timeout=10)
    wait_until(diverged_box.is_displayed, "the divergence notice")
    text = dash_duo.find_element("#diverged-text").text
    assert text == diverged.diverged
    assert "learning rate 10" in text
    assert dash_duo.find_element("#counters").text == counters_text(diverged)

    page = dash_duo.driver.execute_script("return document.body.innerText + ' ' + "
                                          "document.querySelector('#network svg').textContent")
    assert not re.search(r"\bnan\b|\binf(inity)?\b", page, re.IGNORECASE)

    # Play cannot start a diverged lab.
    handled(dash_duo, dash_duo.find_element("#play").click, "the Play click")
    assert dash_duo.find_element("#play").text == "Play"
    assert dash_duo.find_element("#counters").text == counters_text(diverged)

    dash_duo.find_element("#reset-diverged").click()
    wait_until(lambda: not diverged_box.is_displayed(), "the divergence notice to go")
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
    dash_duo.wait_for_text_to_equal("#phase-text", "Ready: press Step to send the input forward")
    assert dash_duo.find_element("#learning-rate .dash-dropdown-value").text == "10.0"  # settings are kept
    assert dash_duo.get_logs() == []


def test_step_paints_the_next_phase_within_the_click(dash_duo):
    # The answer before brought the next phase's picture along: the click paints it by itself, before
    # any request to the server could have come back (the script reads the picture in the same task).
    open_page(dash_duo)
    wait_until(lambda: "phase-ready" in dash_duo.find_element("#network svg").get_attribute("class"), "the first view")
    # With the words that name it, the phase and the counters, written in the same moment.
    classes, phase, counters = dash_duo.driver.execute_script(
        "document.getElementById('step').click(); return [document.querySelector('#network svg').getAttribute('class'),"
        " document.getElementById('phase-text').textContent, document.getElementById('counters').textContent]")
    assert "phase-forward" in classes
    assert (phase, counters) == ("Forward: signal reaches layer 1", "Step 0 · Epoch 0")
    dash_duo.wait_for_text_to_equal("#phase-text", engine.advance(engine.PRESETS["default"].state()).cursor.words())
    assert dash_duo.get_logs() == []


def test_full_step_paints_the_whole_update_within_the_click(dash_duo):
    # Each answer brings the picture at the end of the next update along: Full step (the button or
    # Enter, which clicks it) paints the engine's numbers before any request could have come back. From
    # the start, from an update on show, and from the phase before an update (where the update is the
    # next phase's picture, sent once).
    open_page(dash_duo)
    state = engine.PRESETS["default"].state()
    def full_step_now():
        nonlocal state
        state = engine.full_step(state)
        texts = dash_duo.driver.execute_script(
            "document.getElementById('full-step').click(); const words = ['phase-text', 'counters']"
            ".map((id) => document.getElementById(id).textContent);" + SVG_TEXTS_JS.replace("return {", "return {words, "))
        assert texts.pop("words") == [state.cursor.words(), counters_text(state)]  # named in the same moment
        assert texts == expected_texts(state) and "C after update" in texts["output"][-1]
        dash_duo.wait_for_text_to_equal("#counters", counters_text(state), timeout=10)
        wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))  # the answer agrees

    wait_until(lambda: "phase-ready" in dash_duo.find_element("#network svg").get_attribute("class"), "the first view")
    full_step_now()
    full_step_now()
    while not engine.advance(state).cursor.at_update:
        state = engine.advance(state)
        dash_duo.find_element("#step").click()
        dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
    wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))
    full_step_now()
    assert dash_duo.get_logs() == []


# What a person sees beside the network: the numbers' cards, the balls on the loss curve along
# W1[0,0] (a hollow one where the weight was, a filled one where it is) and the words under the curve.
BESIDE_JS = """
return {numbers: document.getElementById('numbers').innerText.replace(/\\s+/g, ' ').trim(),
        balls: [...document.querySelectorAll('#slice-chart circle.point')].map((c) => [c.getAttribute('cx'),
                c.getAttribute('cy'), c.getAttribute('fill')]),
        note: document.getElementById('slice-note').textContent};
"""
AHEAD_READY = "const a = document.getElementById('slice-chart').figure?.ahead; return !!(a && a.moments[arguments[0]]);"


def test_full_step_moves_the_ball_and_the_numbers_with_the_network_within_the_click(dash_duo):
    """The loss curve brings its pictures of the moments ahead, and the answer brings the numbers of
    the pictures it paints ahead: a Full step moves the network, the ball and the numbers in one
    moment. By hand (the README's walk): W1[0,0] steps from +0.500 to +0.516 and the train loss falls
    from 0.083 to 0.066. A click the server never hears of takes all of them back."""
    open_page(dash_duo)
    driver = dash_duo.driver
    wait_until(lambda: driver.execute_script(AHEAD_READY, "1:5"), "the curve's picture of the first update")
    before = driver.execute_script(BESIDE_JS)
    assert len(before["balls"]) == 1 and before["numbers"].startswith("0.083 Train loss")

    now = driver.execute_script("document.getElementById('full-step').click();" + BESIDE_JS)
    assert now["note"].startswith("The update moved W1[0,0] from +0.500 to +0.516"), now["note"]
    assert now["numbers"].startswith("0.066 Train loss"), now["numbers"]
    assert len(now["balls"]) == 2 and now["balls"][0][2] == "rgba(0,0,0,0)"  # hollow where it was
    assert now["balls"][0][:2] == before["balls"][0][:2]  # on the same curve, the same place
    # The server's answers (the lab, then the curve with its next pictures) change nothing of it.
    wait_until(lambda: driver.execute_script(AHEAD_READY, "1:0"), "the curve's pictures from the update")
    assert driver.execute_script(BESIDE_JS) == now

    # Step from the update: the next step's curve, the weights after step 1, the ball at +0.516.
    step = driver.execute_script("document.getElementById('step').click();" + BESIDE_JS)
    assert step["note"].startswith("C along W1[0,0] = +0.516, weights after step 1."), step["note"]
    assert len(step["balls"]) == 1
    wait_until(lambda: driver.execute_script(AHEAD_READY, "2:5"), "the curve's picture of the second update")
    settled = driver.execute_script(BESIDE_JS)
    assert settled == step

    # The server is away: the click paints ahead, is lost, and everything beside the network is the
    # lab's again.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*_dash-update-component*"]})
    try:
        lost = driver.execute_script("document.getElementById('full-step').click();" + BESIDE_JS)
        assert lost["note"].startswith("The update moved W1[0,0] from +0.516 to +0.531"), lost["note"]
        wait_for_equal(lambda: driver.execute_script(BESIDE_JS), settled)
        assert dash_duo.find_element("#counters").text == "Step 1 · Epoch 1"
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    wait_until(lambda: not dash_duo.find_element("#server-down").is_displayed(), "the notice to go")
    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 2 · Epoch 2", timeout=10)
    assert driver.execute_script(BESIDE_JS)["note"].startswith("The update moved W1[0,0] from +0.516 to +0.531")
    # Dash's renderer says so of the request that was blocked, and nothing else is said.
    assert [e for e in dash_duo.get_logs() if "Callback failed: the server did not respond." not in e["message"]] == []


def test_selecting_a_weight_after_an_update_keeps_the_update_on_show(dash_duo):
    state = engine.full_step(engine.PRESETS["default"].state())
    open_page(dash_duo)
    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
    update = wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))
    # Count Dash's answers to requests a slider triggered: the new slider's value comes back to the
    # server as it appears, and the page must read the same once that answer is in.
    dash_duo.driver.execute_script("""
        window.sliderAnswers = 0;
        const fetch0 = window.fetch;
        window.fetch = function (url, init) {
          const fromSlider = String(init && init.body).includes('\\"subcomponent\\":\\"slider\\"');
          return fetch0.apply(this, arguments).then((r) => { if (fromSlider) window.sliderAnswers += 1; return r; });
        };""")
    # Click the edge from x₁ to h₁ (straight, crossed by no other at its middle), as a person does:
    # its slider appears, and nothing else changes.
    edge = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#network path.edge-hit")[0]
    ActionChains(dash_duo.driver).move_to_element(edge).click().perform()
    dash_duo.wait_for_text_to_equal("#sliders .weight-slider-name", "W1[0,0]", timeout=10)
    wait_until(lambda: dash_duo.driver.execute_script("return window.sliderAnswers") >= 1,
               "the server's answer to the new slider")
    dash_duo.driver.execute_async_script("requestAnimationFrame(() => requestAnimationFrame(arguments[0]))")
    assert dash_duo.find_element("#phase-text").text == state.cursor.words()
    assert svg_texts(dash_duo) == update  # the new values and their steps (Δ), "C after update"
    assert "C after update" in update["output"][-1]
    assert dash_duo.get_logs() == []


def test_a_phases_edges_flow_for_a_few_beats_then_rest_as_still_dashes(dash_duo):
    # Flowing for ever, a page left on a phase repainted every frame (assets/style.css says what it cost).
    open_page(dash_duo)
    dash_duo.find_element("#step").click()
    dash_duo.wait_for_text_to_equal("#phase-text", "Forward: signal reaches layer 1", timeout=10)
    running = "return document.getAnimations().filter(a => a.playState === 'running' && a.animationName === 'flow-forward').length"
    assert wait_until(lambda: dash_duo.driver.execute_script(running), "the first layer's edges flowing") == 4
    beats = dash_duo.driver.execute_script(
        "return getComputedStyle(document.querySelector('#network .pulse.flow-forward')).animationIterationCount")
    assert beats == "4"  # of 0.9 s each
    wait_until(lambda: dash_duo.driver.execute_script(running) == 0, "the flow to come to rest", timeout=10)
    # At rest the same four edges still show the way the signal went, as dashes along them.
    still = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#network .pulse.flow-forward')]"
        ".map(p => getComputedStyle(p).strokeDasharray)")
    assert len(still) == 4 and all(d not in ("none", "") for d in still), still
    assert dash_duo.get_logs() == []


def test_each_update_flashes_its_edges_once(dash_duo):
    # An update's edges flash white and fade (assets/network.js, flash). A second Full step in a row
    # flashes again; the server's answer, the same picture the click painted, does not start it over;
    # the faded flash leaves no white line; and a phase of the next pass shows its flow, unfaded.
    open_page(dash_duo)
    state = engine.PRESETS["default"].state()
    wait_until(lambda: "phase-ready" in dash_duo.find_element("#network svg").get_attribute("class"), "the first view")
    layer = "document.querySelector('#network .g-pulses')"
    full_step = ("document.getElementById('full-step').click();"
                 f"const a = {layer}.getAnimations(); window.flashes = (window.flashes || []).concat(a);"
                 "return a.map((x) => x.playState);")
    fade = (f"const a = {layer}.getAnimations();"
            f"return [a.length, a[0] && a[0] === window.flashes.at(-1), a[0] && a[0].playState, getComputedStyle({layer}).opacity]")

    def faded():
        seen = dash_duo.driver.execute_script(fade)
        return seen if seen[2] == "finished" else None
    for k in (1, 2):
        state = engine.full_step(state)
        assert dash_duo.driver.execute_script(full_step) == ["running"], f"Full step {k} flashes"
        dash_duo.wait_for_text_to_equal("#counters", counters_text(state), timeout=10)
        wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(state))  # the server's answer is in
        # Still the flash the click started, until it has faded out.
        assert wait_until(faded, "the flash to fade", timeout=5) == [1, True, "finished", "0"]
        assert len(dash_duo.find_elements("#network .pulse.flow-update")) == 6  # every edge took a step
    assert dash_duo.driver.execute_script("return window.flashes[0] !== window.flashes[1]")
    dash_duo.find_element("#step").click()
    dash_duo.wait_for_text_to_equal("#phase-text", engine.advance(state).cursor.words(), timeout=10)
    assert dash_duo.driver.execute_script(fade)[0] == 0  # no flash over the next pass's flow
    assert dash_duo.driver.execute_script(f"return getComputedStyle({layer}).opacity") == "1"
    assert len(dash_duo.find_elements("#network .pulse.flow-forward")) == 4
    assert dash_duo.get_logs() == []
