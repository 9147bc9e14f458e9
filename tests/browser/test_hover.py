"""Hovering an edge shows its live values, and they stay live while the lesson moves on."""

from selenium.webdriver.common.action_chains import ActionChains

import engine
from app import create_app
from components.network_view import network_view

from .test_network_page import wait_until


def tip_text(dash_duo) -> str:
    tips = dash_duo.driver.find_elements("css selector", ".network-tip")
    return tips[0].text if tips and tips[0].is_displayed() else ""


def test_hover_tooltip_shows_and_follows_the_live_values(dash_duo):
    dash_duo.start_server(create_app())
    dash_duo.wait_for_element("#network svg .edge-hit", timeout=10)
    state = engine.PRESETS["default"].state()
    # The hit area of the edge x₁ → h₁ (W1[0,0]): the first edge drawn.
    edge = dash_duo.driver.find_elements("css selector", "#network svg .edge-hit")[0]
    ActionChains(dash_duo.driver).move_to_element(edge).perform()
    expected = next(e["tip"] for e in network_view(state)["edges"] if e["id"] == "W1[0,0]")
    wait_until(lambda: tip_text(dash_duo) == expected, "the tooltip of W1[0,0]")
    assert "not known yet" in tip_text(dash_duo)  # no blame has come back before any step

    # Run to the end of the backward pass without moving the pointer: the tooltip now carries ∂C/∂w.
    for _ in range(5):
        dash_duo.find_element("#step").click()
        state = engine.advance(state)
    # Clicking moved the pointer to the button; put it back on the edge.
    ActionChains(dash_duo.driver).move_to_element(edge).perform()
    expected = next(e["tip"] for e in network_view(state)["edges"] if e["id"] == "W1[0,0]")
    wait_until(lambda: tip_text(dash_duo) == expected, "the tooltip with the gradient")
    assert "∂C/∂w = a_in · δ_out" in tip_text(dash_duo)

    # A redraw while the pointer rests on the edge (here the update, clicked by a script so
    # the pointer stays put) refreshes the numbers in the open tooltip.
    dash_duo.driver.execute_script("document.getElementById('step').click()")
    state = engine.advance(state)
    expected = next(e["tip"] for e in network_view(state)["edges"] if e["id"] == "W1[0,0]")
    wait_until(lambda: tip_text(dash_duo) == expected, "the tooltip to follow the update")
    assert "before the update" in tip_text(dash_duo)
    assert dash_duo.get_logs() == []
