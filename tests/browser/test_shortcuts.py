"""Keyboard shortcuts are global: they work after a mouse click on any button, tab, checkbox or
dropdown, and after the ? list closes; a keyboard user's focused button still takes Space and Enter,
and typing in a box never fires a shortcut.

Each check is what a person does: a real mouse click, then a key sent to whatever has the focus.
The phase a shortcut must reach comes from the engine.
"""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import engine
from app.actions import SPEEDS
from app.layout import landscape_tabs
from tests.browser.test_network_page import choose, open_page, wait_until

DEFAULT = engine.PRESETS["default"].state

# Clicks on Step and Full step, whoever made them: a shortcut presses the button at once, inside the
# key's own handler, and a listener on the window's capture phase sees the click before anything on
# the page (Step's paint-ahead hands a click on to Dash a frame later), so the count is final when
# the key has been typed. (A click handed on is seen again: this tells none from some.)
COUNT_PRESSES_JS = """
window.pressed = {step: 0, 'full-step': 0};
window.addEventListener('click', (ev) => {
  const button = ev.target instanceof Element && ev.target.closest('#step, #full-step');
  if (button) window.pressed[button.id]++;
}, true);
"""


def key(dash_duo, *keys):
    """Keys typed into whatever has the focus now (unlike test_classroom's press, nothing is blurred first)."""
    ActionChains(dash_duo.driver).send_keys(*keys).perform()


def page_classes(dash_duo) -> list:
    return dash_duo.find_element("#page").get_attribute("class").split()


def focused_id(dash_duo) -> str:
    return dash_duo.driver.execute_script("const e = document.activeElement; return e === document.body ? 'body' : e.id")


def tab_label(tabs, value: str) -> str:
    return next(tab.label for tab in tabs.children if tab.value == value)


def test_shortcuts_work_after_mouse_clicks_and_after_the_list_closes(dash_duo):
    state = DEFAULT()
    open_page(dash_duo)

    def space_steps():
        nonlocal state
        key(dash_duo, Keys.SPACE)
        state = engine.advance(state)
        dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)

    # Present clicked with the mouse: Space is the next phase, and presentation mode stays on.
    dash_duo.find_element("#present-toggle").click()
    wait_until(lambda: "present" in page_classes(dash_duo), "presentation mode")
    space_steps()
    assert "present" in page_classes(dash_duo)
    assert dash_duo.find_element("#present-toggle").get_attribute("aria-pressed") == "true"

    # Dark clicked with the mouse: Enter is a full step, and the theme stays dark.
    dash_duo.find_element("#theme-toggle").click()
    wait_until(lambda: "theme-dark" in page_classes(dash_duo), "the dark theme")
    key(dash_duo, Keys.ENTER)
    state = engine.full_step(state)
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 1", timeout=10)
    assert "theme-dark" in page_classes(dash_duo)
    dash_duo.wait_for_text_to_equal("#theme-toggle", "Light")

    # ? typed, then Esc: the focus goes back to the page, not to the ? button, so Space steps.
    overlay = dash_duo.find_element("#shortcuts")
    key(dash_duo, "?")
    wait_until(overlay.is_displayed, "the shortcuts list")
    key(dash_duo, Keys.ESCAPE)
    wait_until(lambda: not overlay.is_displayed(), "the list to close")
    assert focused_id(dash_duo) == "body"
    space_steps()
    assert not overlay.is_displayed()

    # The same with the ? button clicked with the mouse, and the list closed by Esc or by Close.
    for close in (lambda: key(dash_duo, Keys.ESCAPE), lambda: dash_duo.find_element("#shortcuts-close").click()):
        dash_duo.find_element("#shortcuts-open").click()
        wait_until(overlay.is_displayed, "the shortcuts list from the ? button")
        close()
        wait_until(lambda: not overlay.is_displayed(), "the list to close")
        space_steps()
        assert not overlay.is_displayed()

    # Presentation mode off again (a mouse click), then the other toolbar controls.
    dash_duo.find_element("#present-toggle").click()
    wait_until(lambda: "present" not in page_classes(dash_duo), "presentation mode off")
    space_steps()
    assert "present" not in page_classes(dash_duo)

    # A speed chosen from the toolbar's dropdown with the mouse: Space steps, it does not reopen the list.
    choose(dash_duo, "speed", SPEEDS["slow"].label)
    space_steps()
    assert dash_duo.find_element("#speed").get_attribute("aria-expanded") == "false"
    dash_duo.wait_for_text_to_equal("#speed .dash-dropdown-value", SPEEDS["slow"].label)

    # A landscape tab, then a checkbox on it, clicked with the mouse.
    label = tab_label(landscape_tabs().children[1], "ball")
    dash_duo.driver.find_element(By.XPATH, f"//*[@id='panel-tabs']//*[normalize-space(.)='{label}']").click()
    momentum = dash_duo.find_element("#ball-options input[value='momentum']")
    wait_until(momentum.is_displayed, f"the {label} tab")
    space_steps()
    momentum.click()
    wait_until(momentum.is_selected, "momentum ticked")
    space_steps()
    assert momentum.is_selected()  # Space stepped rather than untick it

    # Play, Reset and the time-travel buttons clicked with the mouse: P, R and ← still reach their buttons.
    dash_duo.find_element("#play").click()
    dash_duo.wait_for_text_to_equal("#play", "Pause", timeout=5)
    key(dash_duo, "p")
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=5)
    dash_duo.find_element("#travel-back").click()
    wait_until(lambda: "Looking back" in dash_duo.find_element("#travel-status").text, "a moment back")
    key(dash_duo, Keys.ARROW_RIGHT)
    wait_until(lambda: dash_duo.find_element("#travel-status").text == "", "the present again")
    dash_duo.find_element("#full-step").click()
    wait_until(lambda: dash_duo.find_element("#counters").text != "Step 1 · Epoch 1", "another full step")
    key(dash_duo, "r")
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
    assert dash_duo.get_logs() == []


def test_a_keyboard_users_button_and_typing_in_boxes_take_their_keys(dash_duo):
    start = DEFAULT().cursor.words()
    open_page(dash_duo)
    dash_duo.driver.execute_script(COUNT_PRESSES_JS)

    # Tab to Dark: Space and Enter press Dark (the focus stays on it), never Step or Full step.
    dash_duo.driver.execute_script("document.activeElement && document.activeElement.blur()")
    for _ in range(60):
        if focused_id(dash_duo) == "theme-toggle":
            break
        key(dash_duo, Keys.TAB)
    assert focused_id(dash_duo) == "theme-toggle"
    key(dash_duo, Keys.SPACE)
    wait_until(lambda: "theme-dark" in page_classes(dash_duo), "Space to press Dark")
    key(dash_duo, Keys.ENTER)
    wait_until(lambda: "theme-dark" not in page_classes(dash_duo), "Enter to press it again")
    assert focused_id(dash_duo) == "theme-toggle"
    assert dash_duo.driver.execute_script("return window.pressed") == {"step": 0, "full-step": 0}

    # ? from a focused button, then Esc: the focus goes back to that button.
    key(dash_duo, "?")
    wait_until(dash_duo.find_element("#shortcuts").is_displayed, "the shortcuts list")
    key(dash_duo, Keys.ESCAPE)
    wait_until(lambda: focused_id(dash_duo) == "theme-toggle", "the focus back on Dark")

    # A space typed into the hidden-sizes box goes into the box and steps nothing.
    box = dash_duo.find_element("#hidden-sizes")
    box.click()
    before = box.get_attribute("value")
    box.send_keys(" ")
    wait_until(lambda: box.get_attribute("value") == before + " ", "the space in the box")
    assert dash_duo.driver.execute_script("return window.pressed") == {"step": 0, "full-step": 0}
    assert dash_duo.find_element("#phase-text").text == start

    # The same in the seed box and in a dropdown's search box.
    seed = dash_duo.find_element("#seed")
    seed.click()
    seed.send_keys(Keys.END, " p r")
    dash_duo.find_element("#pick-param").click()
    search = wait_until(lambda: next(iter(dash_duo.driver.find_elements(
        By.CSS_SELECTOR, ".dash-dropdown-content[data-state='open'] input[type='search'], "
        ".dash-dropdown-content[data-state='open'] input[type='text']")), None), "the dropdown's search box")
    search.send_keys("W p ")
    wait_until(lambda: search.get_attribute("value") == "W p ", "the words in the search box")
    key(dash_duo, Keys.ESCAPE)
    assert dash_duo.driver.execute_script("return window.pressed") == {"step": 0, "full-step": 0}
    assert dash_duo.find_element("#phase-text").text == start
    assert dash_duo.find_element("#counters").text == "Step 0 · Epoch 0"
    assert dash_duo.find_element("#play").text == "Play"
    assert dash_duo.get_logs() == []
