"""Predict, then reveal, as a class uses it: the mode switched on, a question before a phase, an answer
clicked or keyed, the verdict with its reason and the phase together, a question revealed with Space,
and the score kept for the tab. The questions and their reasons come from the engine."""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

import engine
from components.predict import payload
from engine.questions import question
from tests.browser.test_network_page import dash_idle, open_page, wait_until


def asked(state) -> dict:
    return payload(question(state), state.spec.n_layers, 0)["question"]


def key(dash_duo, *keys):
    ActionChains(dash_duo.driver).send_keys(*keys).perform()


def card_text(dash_duo) -> str:
    return dash_duo.find_element("#predict-card").text


def choices(dash_duo) -> list[str]:
    return [b.text for b in dash_duo.find_elements("#predict-card .predict-choice")]


def test_predict_then_reveal_by_click_by_key_and_by_space(dash_duo):
    state = engine.PRESETS["default"].state()
    open_page(dash_duo)
    assert not dash_duo.find_element("#predict-card").is_displayed()

    # The mode on: the card asks about the first phase at once.
    dash_duo.find_element("#predict-toggle").click()
    first = asked(state)
    dash_duo.wait_for_contains_text("#predict-card", first["prompt"], timeout=10)
    assert dash_duo.find_element("#predict-toggle").get_attribute("aria-pressed") == "true"
    assert choices(dash_duo) == ["1 h₁", "2 h₂"] and first["right"] == [1]
    assert "Score: none answered yet" in card_text(dash_duo)

    # A wrong answer, clicked: the verdict, the reason with the engine's numbers, and the phase, together.
    dash_duo.find_element("#predict-card .predict-choice[data-choice='0']").click()
    state = engine.advance(state)
    dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
    dash_duo.wait_for_contains_text("#predict-card", "✗ Not this time: h₂ (you chose h₁)", timeout=10)
    assert "a = 0.622 is the largest of 0.611, 0.622." in card_text(dash_duo)
    assert "Score: 0 of 1 right" in card_text(dash_duo)

    # Forward into the lone output neuron: nothing to ask, so Step reveals the phase.
    assert question(state) is None
    dash_duo.wait_for_contains_text("#predict-hint", "the next phase", timeout=10)
    dash_duo.find_element("#step").click()
    state = engine.advance(state)
    dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)

    # The loss comes next: Space brings its question and holds the phase.
    loss = asked(state)
    dash_duo.wait_for_contains_text("#predict-hint", "the next question", timeout=10)
    key(dash_duo, Keys.SPACE)
    dash_duo.wait_for_contains_text("#predict-card", loss["prompt"], timeout=10)
    dash_idle(dash_duo, "the page to settle with the question up")
    assert dash_duo.find_element("#phase-text").text == state.cursor.words()  # held

    # Answered with the keyboard: 1 is "down", and the loss does go down.
    assert loss["choices"][0] == "↓ down" and loss["right"] == [0]
    key(dash_duo, "1")
    state = engine.advance(state)
    dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
    dash_duo.wait_for_contains_text("#predict-card", "✓ Right: ↓ down", timeout=10)
    assert loss["why"] == "C on this step's example: before the update 0.083, after it 0.066: down."
    assert loss["why"] in card_text(dash_duo)
    assert "Score: 1 of 2 right" in card_text(dash_duo)

    # The class answers by a show of hands: Space asks, and Space again reveals, counting nothing.
    blame = asked(state)
    dash_duo.wait_for_contains_text("#predict-hint", "the next question", timeout=10)
    key(dash_duo, Keys.SPACE)
    dash_duo.wait_for_contains_text("#predict-card", blame["prompt"], timeout=10)
    key(dash_duo, Keys.SPACE)
    state = engine.advance(state)
    dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
    dash_duo.wait_for_contains_text("#predict-card", f"Answer: {blame['answer']}", timeout=10)
    assert blame["why"] in card_text(dash_duo)
    assert "Score: 1 of 2 right" in card_text(dash_duo)

    # The mode and the score are the tab's: a reload keeps both.
    dash_duo.driver.refresh()
    dash_duo.wait_for_element("#network svg", timeout=10)
    dash_duo.wait_for_contains_text("#predict-card", "Score: 1 of 2 right", timeout=10)
    wait_until(lambda: dash_duo.find_element("#predict-card").is_displayed(), "the card after a reload")

    # Off: the card goes, and Step is Step again.
    dash_duo.find_element("#predict-toggle").click()
    wait_until(lambda: not dash_duo.find_element("#predict-card").is_displayed(), "the card to go")
    assert dash_duo.get_logs() == []


def test_the_tour_step_turns_the_mode_on_and_step_still_reveals_after_exit(dash_duo):
    from app.lessons import TOUR, predict_steps, step_state

    index = predict_steps()[0]
    open_page(dash_duo)
    dash_duo.find_element("#tour-start").click()
    for i in range(1, index + 1):
        dash_duo.find_element("#tour-next").click()
        dash_duo.wait_for_text_to_equal("#tour-title", TOUR[i].title, timeout=10)
    state = step_state(index)
    dash_duo.wait_for_contains_text("#predict-card", asked(state)["prompt"], timeout=10)
    assert dash_duo.find_element("#predict-toggle").get_attribute("aria-pressed") == "true"
    # Back a step: a new lab, a new question; Exit; Step reveals its answer and the phase at once.
    dash_duo.find_element("#tour-back").click()
    state = step_state(index - 1)
    dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
    dash_duo.find_element("#tour-exit").click()
    wait_until(lambda: not dash_duo.find_element("#tour-card").is_displayed(), "the tour card to close")
    following = asked(state)
    if following is not None:
        dash_duo.wait_for_contains_text("#predict-card", following["prompt"], timeout=10)
    dash_duo.find_element("#step").click()
    dash_duo.wait_for_text_to_equal("#phase-text", engine.advance(state).cursor.words(), timeout=10)
    if following is not None:
        dash_duo.wait_for_contains_text("#predict-card", f"Answer: {following['answer']}", timeout=10)
    assert dash_duo.get_logs() == []


def test_a_question_about_neurons_is_answered_on_the_graph(dash_duo):
    state = engine.PRESETS["default"].state()
    open_page(dash_duo)
    dash_duo.find_element("#predict-toggle").click()
    first = asked(state)
    dash_duo.wait_for_contains_text("#predict-card", first["prompt"], timeout=10)
    assert first["targets"] == ["n1-0", "n1-1"] and first["right"] == [1]
    dash_duo.wait_for_contains_text("#predict-hint", "Click it on the graph", timeout=10)
    # A click on h₂ itself, as a person points at the picture.
    dash_duo.find_element("#network g.node[data-graph='n1-1'] .node-fill").click()
    dash_duo.wait_for_text_to_equal("#phase-text", engine.advance(state).cursor.words(), timeout=10)
    dash_duo.wait_for_contains_text("#predict-card", "✓ Right: h₂", timeout=10)
    assert "Score: 1 of 1 right" in card_text(dash_duo)
    # The click answered the question; it did not also pick h₂'s bias for a slider.
    dash_idle(dash_duo, "the answer's phase")
    assert dash_duo.find_elements("#sliders [role='slider']") == []
    assert dash_duo.get_logs() == []
