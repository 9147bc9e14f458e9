"""The classroom and sharing features in a real browser: keyboard shortcuts and their help,
time travel, links, saving and loading a lab, a person's own CSV, exports, presentation mode
and its themes, and reaching every control by keyboard.

Expected numbers come from the engine, formatted as the page formats them. Screenshots of
presentation mode at 1920×1080 go to /tmp/screens/ (outside the repository).
"""

import json
import re
import struct
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

import engine
from app import actions, arrivals
from app.layout import SHORTCUTS
from components.numbers import num
from engine.csv_data import parse_csv
from tests.browser.test_network_page import (
    choose,
    dash_idle,
    expected_texts,
    laid_out,
    open_page,
    screenshot,
    shape,
    svg_texts,
    wait_for_equal,
    wait_until,
)

DEFAULT = engine.PRESETS["default"].state


def press(dash_duo, *keys):
    """Keys pressed with nothing focused, as a teacher at the front would."""
    dash_duo.driver.execute_script("document.activeElement && document.activeElement.blur()")
    ActionChains(dash_duo.driver).send_keys(*keys).perform()


def counters(dash_duo) -> str:
    return dash_duo.find_element("#counters").text


def travel_status(dash_duo) -> str:
    return dash_duo.find_element("#travel-status").text


def wait_for_status(dash_duo, text):
    wait_until(lambda: travel_status(dash_duo) == text, f"the timeline to read {text!r}")


def wait_for_kept(dash_duo, n):
    """n moments kept (the banner says "moment k of n" only when looking back)."""
    read = "return window.backpropLabTimeline.line.moments.length"
    wait_until(lambda: dash_duo.driver.execute_script(read) == n, f"{n} moments kept")


def downloaded(dash_duo, suffix: str, before: set) -> Path:
    folder = Path(dash_duo.download_path)

    def new_file():
        done = [p for p in folder.glob(f"*{suffix}") if p not in before and p.stat().st_size > 0]
        return done[0] if done else None

    return wait_until(new_file, f"a downloaded *{suffix} file", timeout=10)


def files(dash_duo) -> set:
    return set(Path(dash_duo.download_path).glob("*"))


def upload(dash_duo, upload_id: str, path: Path):
    dash_duo.find_element(f"#{upload_id} input[type=file]").send_keys(str(path))


def rendered_px(dash_duo, selector: str) -> float:
    """The size on screen of the first element's type: CSS pixels, SVG text scaled by its viewBox."""
    return dash_duo.driver.execute_script("""
        const node = document.querySelector(arguments[0]);
        const size = parseFloat(getComputedStyle(node).fontSize);
        const svg = node.ownerSVGElement;
        return svg ? size * svg.getScreenCTM().a : size;
    """, selector)


def set_window(dash_duo, width, height):
    driver = dash_duo.driver
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
    laid_out(driver, (width, height))


# ---------------------------------------------------------------- keyboard


def test_keyboard_shortcuts_and_their_help(dash_duo):
    state = DEFAULT()
    open_page(dash_duo)

    press(dash_duo, Keys.SPACE)  # Space: the next phase
    state = engine.advance(state)
    dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
    press(dash_duo, Keys.ENTER)  # Enter: the rest of the step
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 1", timeout=10)

    press(dash_duo, "p")  # P: play …
    dash_duo.wait_for_text_to_equal("#play", "Pause", timeout=5)
    press(dash_duo, "p")  # … and pause
    dash_duo.wait_for_text_to_equal("#play", "Play", timeout=5)
    played = counters(dash_duo)
    assert played != "Step 0 · Epoch 0"

    press(dash_duo, Keys.ARROW_LEFT)  # ←: back one moment
    wait_until(lambda: "Looking back" in travel_status(dash_duo), "a step back in time")
    press(dash_duo, Keys.ARROW_RIGHT)  # →: forward again, to where Play stopped
    dash_duo.wait_for_text_to_equal("#counters", played, timeout=10)

    press(dash_duo, "r")  # R: reset
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)

    # Typing in a box never fires a shortcut: "p", "r" and a space go into the box.
    box = dash_duo.find_element("#hidden-sizes")
    box.click()
    box.send_keys(" p r", Keys.ARROW_LEFT)
    wait_until(lambda: " p r" in box.get_attribute("value"), "the keys typed into the box")
    dash_idle(dash_duo, "anything the keys set off")
    assert counters(dash_duo) == "Step 0 · Epoch 0" and dash_duo.find_element("#play").text == "Play"
    assert dash_duo.find_element("#phase-text").text == DEFAULT().cursor.words()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys("2")

    # ?: the help lists every shortcut; Esc closes it, and the ? button opens it too.
    overlay = dash_duo.find_element("#shortcuts")
    assert not overlay.is_displayed()
    press(dash_duo, "?")
    wait_until(overlay.is_displayed, "the shortcuts overlay")
    rows = [row.text for row in dash_duo.find_elements("#shortcuts tr")]
    assert rows == [f"{key} {words}".replace("←  →", "← →") for key, words in SHORTCUTS] or all(
        words in row for row, (_, words) in zip(rows, SHORTCUTS, strict=True))
    press(dash_duo, Keys.SPACE)  # the overlay is open: no Step behind it
    dash_idle(dash_duo, "anything the key set off")
    assert dash_duo.find_element("#phase-text").text == DEFAULT().cursor.words()
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()
    wait_until(lambda: not overlay.is_displayed(), "the overlay to close")
    dash_duo.find_element("#shortcuts-open").click()
    wait_until(overlay.is_displayed, "the overlay from the ? button")
    dash_duo.find_element("#shortcuts-close").click()
    wait_until(lambda: not overlay.is_displayed(), "the overlay to close")
    assert dash_duo.get_logs() == []


# ---------------------------------------------------------------- time travel


def test_time_travel_through_200_steps_and_a_new_branch(dash_duo):
    open_page(dash_duo)
    moments = [DEFAULT()]
    # Each click waits for its moment to be kept, that is for the server's answer: the phase and the
    # counters are painted ahead of it, and a click made before the last one's answer came is done
    # with it in one answer, one moment (the server takes the clicks it is owed).
    for _ in range(12):  # two steps phase by phase: every phase is a moment
        moments.append(engine.advance(moments[-1]))
        dash_duo.find_element("#step").click()
        wait_for_kept(dash_duo, len(moments))
        dash_duo.wait_for_text_to_equal("#phase-text", moments[-1].cursor.words(), timeout=10)
    full_step = dash_duo.find_element("#full-step")
    for _ in range(200):  # and 200 more steps
        moments.append(engine.full_step(moments[-1]))
        full_step.click()
        wait_for_kept(dash_duo, len(moments))
        dash_duo.wait_for_text_to_equal("#counters", f"Step {moments[-1].counters.step} · Epoch "
                                        f"{moments[-1].counters.epoch}", timeout=10)
    n = len(moments)
    assert travel_status(dash_duo) == "" and not dash_duo.find_element("#travel-status").is_displayed()

    # Back through all 212 moments to the start, one at a time: each shows exactly that moment.
    back = dash_duo.find_element("#travel-back")
    for i in range(n - 2, -1, -1):
        back.click()
        wait_for_status(dash_duo, f"Looking back: moment {i + 1} of {n}. Step or Play carries on from here as a "
                                  "new branch; → goes forward.")
        here = moments[i]
        if i % 50 == 0 or i < 13 and i % 3 == 0:
            dash_duo.wait_for_text_to_equal("#phase-text", here.cursor.words(), timeout=10)
            wait_for_equal(lambda: svg_texts(dash_duo), expected_texts(here))
            assert counters(dash_duo) == f"Step {here.counters.step} · Epoch {here.counters.epoch}"
    assert back.get_attribute("disabled") == "true"
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0")
    # The equations show that moment too: h₁'s activation, not revealed at the start, ...
    h1 = num(float(engine.example_passes(moments[0]).fwd.a[1][0, 0]))
    wait_until(lambda: "?" in dash_duo.find_element("#equations").text, "unrevealed values in the equations")
    assert h1 not in dash_duo.find_element("#equations").text

    forward = dash_duo.find_element("#travel-forward")
    for i in range(1, 6):
        forward.click()
        dash_duo.wait_for_text_to_equal("#phase-text", moments[i].cursor.words(), timeout=10)
    dash_duo.wait_for_contains_text("#equations", h1, timeout=10)  # ... revealed five phases later

    # Step from a past moment: a new branch, and the moments after it are gone.
    dash_duo.find_element("#step").click()
    dash_duo.wait_for_text_to_equal("#phase-text", moments[6].cursor.words(), timeout=10)
    wait_for_kept(dash_duo, 7)
    wait_for_status(dash_duo, "")
    assert forward.get_attribute("disabled") == "true"

    # How far back it reaches (engine/limits.py): at least 200 steps or 400 moments, whichever is
    # further, within the byte budget. Fed 2,000 phases, 6 to a step, straight into the timeline:
    kept = dash_duo.driver.execute_script("""
        const t = window.backpropLabTimeline;
        const limits = {steps: 200, moments: 400, bytes: 50e6};
        for (let i = 0; i < 2000; i++) t.record({counters: {step: Math.floor(i / 6)}, n: i}, null, limits);
        const first = JSON.parse(t.line.moments[0].text), last = JSON.parse(t.line.moments.at(-1).text);
        return [t.line.moments.length, last.counters.step - first.counters.step];
    """)
    assert kept[0] >= 6 * 199 and 200 <= kept[1] <= 201, kept  # every phase of the last 200 steps
    assert dash_duo.get_logs() == []


# ---------------------------------------------------------------- links


def test_a_copied_link_opens_the_same_network_elsewhere(dash_duo):
    open_page(dash_duo)
    box = dash_duo.find_element("#hidden-sizes")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("3, 2", Keys.ENTER)
    seed = dash_duo.find_element("#seed")
    seed.send_keys(Keys.CONTROL, "a")
    seed.send_keys("7", Keys.ENTER)
    wait_until(lambda: shape(dash_duo.driver) == "Network with layers 2-3-2-1", "the 2-3-2-1 network")
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0")
    wait_until(lambda: "7" == dash_duo.find_element("#seed").get_attribute("value"), "seed 7")
    dash_idle(dash_duo, "the page to settle")
    first = svg_texts(dash_duo)
    dash_duo.find_element("#full-step").click()  # training is not in the link: it opens at the start
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 1", timeout=10)

    dash_duo.find_element("#copy-link").click()
    link = wait_until(lambda: dash_duo.find_element("#share-link").get_attribute("value"), "the link")
    assert "hidden=3,2" in unquote(link) and "seed=7" in link
    dash_duo.wait_for_contains_text("#share-note", "opens this network")

    # Another computer: nothing in this tab's storage, only the link.
    dash_duo.driver.execute_script("window.sessionStorage.clear()")
    dash_duo.driver.get(link)
    dash_duo.wait_for_element("#network svg", timeout=10)
    wait_until(lambda: shape(dash_duo.driver) == "Network with layers 2-3-2-1", "the linked network")
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
    wait_for_equal(lambda: svg_texts(dash_duo), first)  # the same weights, to every digit shown
    wait_until(lambda: dash_duo.driver.execute_script("return window.location.search") == "",
               "the link to leave the address bar, so a reload keeps the work")
    assert dash_duo.find_element("#hidden-sizes").get_attribute("value") == "3, 2"

    # A link with junk in it: a clear notice, and a working page.
    dash_duo.driver.execute_script("window.sessionStorage.clear()")
    dash_duo.driver.get(dash_duo.server_url + "/?lesson=nonsense&hidden=99&colour=red&present=maybe")
    dash_duo.wait_for_element("#network svg", timeout=10)
    dash_duo.wait_for_contains_text("#message", "nonsense", timeout=10)
    message = dash_duo.find_element("#message").text
    assert "colour" in message and "99" in message
    dash_duo.find_element("#step").click()
    dash_duo.wait_for_text_to_equal("#phase-text", engine.advance(DEFAULT()).cursor.words(), timeout=10)
    assert dash_duo.get_logs() == []


def test_a_link_copied_from_another_lesson_opens_with_that_lesson_in_the_list(dash_duo):
    # The circle lesson, made a network of one's own: the list keeps saying Circle on the page, and so
    # does the page the copied link opens on another computer.
    circle = engine.PRESETS["circle"].title
    open_page(dash_duo)
    choose(dash_duo, "preset", circle)
    wait_until(lambda: shape(dash_duo.driver) == "Network with layers 2-4-4-1", "the circle lesson's network")
    box = dash_duo.find_element("#hidden-sizes")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("3", Keys.ENTER)
    wait_until(lambda: shape(dash_duo.driver) == "Network with layers 2-3-1", "the 2-3-1 network")
    dash_duo.wait_for_text_to_equal("#preset .dash-dropdown-value", circle)
    first = svg_texts(dash_duo)

    dash_duo.find_element("#copy-link").click()
    link = wait_until(lambda: dash_duo.find_element("#share-link").get_attribute("value"), "the link")
    assert "from=circle" in link
    dash_duo.driver.execute_script("window.sessionStorage.clear()")
    dash_duo.driver.get(link)
    wait_until(lambda: shape(dash_duo.driver) == "Network with layers 2-3-1", "the linked network")
    dash_duo.wait_for_text_to_equal("#preset .dash-dropdown-value", circle, timeout=10)
    wait_for_equal(lambda: svg_texts(dash_duo), first)

    # A link whose lesson is unknown opens the default lesson, and the list says so.
    dash_duo.driver.execute_script("window.sessionStorage.clear()")
    dash_duo.driver.get(dash_duo.server_url + "/?lesson=nonsense")
    dash_duo.wait_for_contains_text("#message", "nonsense", timeout=10)
    assert dash_duo.find_element("#preset .dash-dropdown-value").text == engine.PRESETS["default"].title
    assert dash_duo.get_logs() == []


# ---------------------------------------------------------------- save and load, own data


def test_save_and_load_a_lab(dash_duo, tmp_path):
    open_page(dash_duo)
    for n in (1, 2, 3):
        dash_duo.find_element("#full-step").click()
        dash_duo.wait_for_text_to_equal("#counters", f"Step {n} · Epoch {n}", timeout=10)
    saved_texts = svg_texts(dash_duo)
    before = files(dash_duo)
    dash_duo.find_element("#save-lab").click()
    saved = downloaded(dash_duo, ".json", before)
    lab = engine.LabState.from_json(saved.read_text())
    assert lab.counters.step == 3 and saved.name == "backprop-lab-step-3.json"
    assert expected_texts(lab) == saved_texts

    dash_duo.find_element("#reset").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
    upload(dash_duo, "load-lab", saved)
    dash_duo.wait_for_text_to_equal("#counters", "Step 3 · Epoch 3", timeout=10)
    wait_for_equal(lambda: svg_texts(dash_duo), saved_texts)
    dash_duo.wait_for_contains_text("#message", "Loaded", timeout=5)

    # A bad file: a clear message, and the lab on screen untouched.
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": 1, "title": "x"')
    upload(dash_duo, "load-lab", bad)
    dash_duo.wait_for_contains_text("#message", "not valid JSON", timeout=10)
    assert counters(dash_duo) == "Step 3 · Epoch 3"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(lab.to_dict() | {"params": {"W": [], "b": []}}))
    upload(dash_duo, "load-lab", wrong)
    wait_until(lambda: "not valid JSON" not in dash_duo.find_element("#message").text, "the second message")
    assert counters(dash_duo) == "Step 3 · Epoch 3"
    assert svg_texts(dash_duo) == saved_texts
    dash_duo.find_element("#step").click()  # and the work carries on
    dash_duo.wait_for_text_to_equal("#phase-text", engine.advance(lab).cursor.words(), timeout=10)
    assert dash_duo.get_logs() == []


def test_your_own_csv_good_and_bad(dash_duo, tmp_path):
    open_page(dash_duo)
    good = tmp_path / "heights.csv"
    rows = ["height,weight,tall"] + [f"{i / 10:.1f},{(i % 7) / 3:.3f},{int(i > 20)}" for i in range(40)]
    good.write_text("\n".join(rows) + "\n")
    upload(dash_duo, "upload-csv", good)
    dash_duo.wait_for_contains_text("#message", "40 rows", timeout=10)
    wait_until(lambda: shape(dash_duo.driver) == "Network with layers 2-2-1", "a network for two features")
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0")
    dash_duo.find_element("#full-step").click()  # one batch of the 32 training rows
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 0", timeout=10)

    cases = {
        "letters.csv": ("1,2,0\n3,abc,1\n", "Row 2, column 2"),
        "columns.csv": ("1,2,0\n1,2,0,5\n", "Row 2 has 4 values"),
        "labels.csv": ("1,2,0\n1,2,0.5\n", "0 or 1"),
        "big.csv": ("1,2,0\n" * 2001, "2001 rows"),
        "huge.csv": ("1,2,0\n" * 50_000, "may be at most 200,000 bytes"),  # refused in the page, unsent
    }
    for name, (text, expected) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        upload(dash_duo, "upload-csv", path)
        dash_duo.wait_for_contains_text("#message", expected, timeout=10)
        assert counters(dash_duo) == "Step 1 · Epoch 0"  # the lab on screen is untouched

    # Regression on top of a lesson trained at learning rate 1 and batch 1: the upload starts from
    # settings tried on its own data, shows them in the settings and says so.
    one = tmp_path / "line.csv"
    one.write_text("\n".join(f"{x},{2 * x + 1}" for x in range(-5, 6)))
    upload(dash_duo, "upload-csv", one)
    dash_duo.wait_for_contains_text("#message", "11 rows", timeout=10)
    wait_until(lambda: shape(dash_duo.driver) == "Network with layers 1-2-1", "a network for one feature")
    chosen, _ = arrivals.with_data(actions.preset("default"), parse_csv(one.read_text()).spec)
    rate, batch = chosen.train.learning_rate, chosen.train.batch_size
    assert (rate, batch) != (1.0, 1)
    dash_duo.wait_for_contains_text("#message", f"Training settings chosen for your data: learning rate {rate:g} "
                                                f"and batch {batch}.")
    dash_duo.wait_for_text_to_equal("#learning-rate .dash-dropdown-value", str(rate))
    dash_duo.wait_for_text_to_equal("#batch-size .dash-dropdown-value", str(batch))
    assert dash_duo.get_logs() == []


# ---------------------------------------------------------------- exports


def test_exports_png_json_and_numpy(dash_duo):
    open_page(dash_duo)
    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 1", timeout=10)

    # The network, a chart, a landscape, and a tab of typeset equations (text, drawn as an image).
    for button, name in ((".network-tools .png-button", "network"), ("#history-card .png-button", "history-card"),
                         ("#landscape-card .png-button", "landscape-card"), ("#maths-card .png-button", "maths-card")):
        before = files(dash_duo)
        dash_duo.find_element(button).click()
        png = downloaded(dash_duo, ".png", before)
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, (name, len(data))
        width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk: twice the size on screen
        shown = dash_duo.driver.execute_script(  # what is drawn: the network's groups, the charts on show, or text
            "const boxes = (s) => [...document.querySelectorAll(s)].map((e) => e.getBoundingClientRect())"
            "  .filter((r) => r.width > 0);"
            "const rs = boxes(arguments[0]).length ? boxes(arguments[0]) : boxes(arguments[1]);"
            "return [Math.max(...rs.map((r) => r.right)) - Math.min(...rs.map((r) => r.left)),"
            "        Math.max(...rs.map((r) => r.bottom)) - Math.min(...rs.map((r) => r.top))];",
            "#network svg > g" if name == "network" else f"#{name} .js-plotly-plot, #{name} .line-chart", f"#{name} .tab-content")
        # Twice what is on screen (the network's picture adds its heading and legend).
        assert width >= 1.9 * shown[0] and height >= 1.9 * shown[1], (name, width, height, shown)
        assert name in png.name and "step-1" in png.name

    before = files(dash_duo)
    dash_duo.find_element("#export-json").click()
    exported = json.loads(downloaded(dash_duo, "network.json", before).read_text())
    state = engine.full_step(DEFAULT())
    assert exported["W"] == [w.tolist() for w in state.params.W[1:]]

    before = files(dash_duo)
    dash_duo.find_element("#export-numpy").click()
    script = downloaded(dash_duo, ".py", before)
    printed = subprocess.run([sys.executable, str(script)], check=False, capture_output=True, text=True, timeout=30)
    assert printed.returncode == 0, printed.stderr
    output = engine.forward(state.spec, state.params, engine.dataset(state.data).x_train).a[-1]
    assert f"{output[0, 0]:.6f}"[:6] in printed.stdout
    assert dash_duo.get_logs() == []


# ---------------------------------------------------------------- presentation mode, themes


def test_presentation_mode_and_both_themes(dash_duo):
    open_page(dash_duo)
    set_window(dash_duo, 1920, 1080)
    dash_duo.find_element("#step").click()
    dash_duo.wait_for_text_to_equal("#phase-text", engine.advance(DEFAULT()).cursor.words(), timeout=10)
    plain_number = rendered_px(dash_duo, ".number-value")
    plain_node = rendered_px(dash_duo, ".node-value")
    assert dash_duo.find_element(".settings").is_displayed()

    dash_duo.find_element("#present-toggle").click()
    wait_until(lambda: "present" in dash_duo.find_element("#page").get_attribute("class"), "presentation mode")
    laid_out(dash_duo.driver)
    assert dash_duo.find_element("#present-toggle").get_attribute("aria-pressed") == "true"
    assert not dash_duo.find_element(".settings").is_displayed()  # advanced controls hidden
    big_number, big_node = rendered_px(dash_duo, ".number-value"), rendered_px(dash_duo, ".node-value")
    assert big_number >= 28 and big_node >= 28, (big_number, big_node)
    assert big_number > plain_number and big_node > plain_node
    widths = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#network .edge')).map((e) => +e.getAttribute('stroke-width'))")
    assert min(widths) > 0
    screenshot(dash_duo, "present-light")

    dash_duo.find_element("#theme-toggle").click()
    wait_until(lambda: "theme-dark" in dash_duo.find_element("#page").get_attribute("class"), "the dark theme")
    background = dash_duo.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 22, 29)"
    screenshot(dash_duo, "present-dark")

    # Both stay for the tab: a reload keeps them.
    dash_duo.driver.refresh()
    dash_duo.wait_for_element("#network svg", timeout=10)
    wait_until(lambda: {"present", "theme-dark"} <= set(dash_duo.find_element("#page").get_attribute("class").split()),
               "presentation mode and the dark theme after a reload")
    dash_duo.find_element("#present-toggle").click()
    wait_until(lambda: "present" not in dash_duo.find_element("#page").get_attribute("class").split(), "mode off")
    assert dash_duo.find_element(".settings").is_displayed()

    # The link flags turn them on.
    dash_duo.driver.execute_script("window.sessionStorage.clear()")
    dash_duo.driver.get(dash_duo.server_url + "/?present=1&theme=light")
    dash_duo.wait_for_element("#network svg", timeout=10)
    wait_until(lambda: dash_duo.find_element("#page").get_attribute("class").split() == ["page", "present"],
               "presentation mode from the link, light theme")
    assert dash_duo.get_logs() == []


STAGE_JS = """
const text = (el) => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect(); };
const tabs = [...document.querySelectorAll('#panel-tabs .tab')].map((t) => ({name: t.textContent, box: text(t)}));
const svg = (sel) => document.querySelector('#network ' + sel).getBoundingClientRect();
return {tabs: tabs.map((t) => [t.name, t.box.left, t.box.right, t.box.top]),
        neuron: svg('.node-base').width, band: svg('.node-name').top - svg('.column-title').bottom};
"""


def test_on_a_1280_projector_the_stage_keeps_its_tabs_apart_and_draws_the_network_large(dash_duo):
    """At 1280×720 the panel's five tab names once touched (5 px between "One weight" and "Toy
    curves"), and the network's column titles sat 96 px over its first neurons' names, with the
    picture drawn that much smaller (neurons 62 px across)."""
    open_page(dash_duo)
    set_window(dash_duo, 1280, 720)
    dash_duo.find_element("#present-toggle").click()
    wait_until(lambda: "present" in dash_duo.find_element("#page").get_attribute("class"), "presentation mode")
    laid_out(dash_duo.driver)
    stage = dash_duo.driver.execute_script(STAGE_JS)
    names = [t[0] for t in stage["tabs"]]
    assert names == ["One weight", "Toy curves", "Data", "Two weights", "Twins"]
    assert len({round(t[3]) for t in stage["tabs"]}) == 1, stage["tabs"]  # one row, one line each
    gaps = [b[1] - a[2] for a, b in zip(stage["tabs"], stage["tabs"][1:])]
    assert min(gaps) >= 7, dict(zip(names[1:], gaps))
    assert stage["neuron"] >= 70, stage
    assert 0 < stage["band"] <= 20, stage
    assert dash_duo.get_logs() == []


def test_on_the_stage_the_network_holds_still_while_the_heading_takes_another_line(dash_duo):
    """Two hidden layers on generated data, 1280×720 on the stage: an update's numbers ("0.631 →
    0.537" for the example and the batch) took a third row of cards, and the network moved down 37 px
    and shrank at every update and back at the next phase. The heading now keeps its tallest height:
    from the first update on, the network stays where it is through every phase."""
    open_page(dash_duo)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/?lesson=circle&hidden=4,2&present=1")
    set_window(dash_duo, 1280, 720)
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
    wait_until(lambda: "present" in dash_duo.find_element("#page").get_attribute("class"), "presentation mode")
    laid_out(driver)
    phase = "return document.getElementById('phase-text').textContent"
    places = []
    for _ in range(2 * 8):  # two whole steps of eight phases, each phase's words unlike the last's
        words = driver.execute_script(phase)
        press(dash_duo, " ")
        wait_until(lambda words=words: driver.execute_script(phase) != words, "the next phase")
        laid_out(driver)
        top = driver.execute_script("return document.querySelector('#network svg').getBoundingClientRect().top")
        places.append((driver.execute_script(phase)[:8], round(top)))
    first_update = next(i for i, (words, _) in enumerate(places) if words.startswith("Update"))
    assert len({top for _, top in places[first_update:]}) == 1, places
    assert dash_duo.get_logs() == []


NEURON_VALUES = """
return [...document.querySelectorAll('#network .node')].map((g) => {
  // the value inside the neuron (an input's is beside it, after its name)
  const text = g.querySelector('text[text-anchor="middle"]:not(.node-delta):not(.node-arrow):not(.node-name)');
  const fill = g.querySelector('.node-fill'), base = g.querySelector('.node-base');
  if (!text || !text.textContent || getComputedStyle(text).display === 'none') return null;
  const box = text.getBBox();
  return {value: text.textContent, ink: getComputedStyle(text).fill, fill: fill.getAttribute('fill'),
          level: +fill.getAttribute('fill-opacity'), width: box.width, diameter: 2 * +base.getAttribute('r')};
}).filter(Boolean);
"""


def _luminance(rgb) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])


def test_on_the_stage_each_neurons_value_fits_inside_it_and_reads_on_its_light(dash_duo):
    """Three classes, two hidden layers of six, on the stage: the hidden neurons' values ("−0.58")
    ran out over their rings, and white was written on lit orange neurons (2:1). Each value now
    fits inside its neuron, and its ink or white is the one that reads better on the neuron's
    colour at its opacity over the white picture: never under 3.9:1 (WCAG asks 3:1 of large type)."""
    open_page(dash_duo)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/?lesson=three_classes&present=1&theme=light")
    set_window(dash_duo, 1280, 720)
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 0", timeout=10)
    laid_out(driver)
    values = driver.execute_script(NEURON_VALUES)
    assert len(values) >= 2 * 6 + 3, values  # every hidden neuron and every output shows its value
    assert any(v["value"].startswith("−") for v in values)
    for v in values:
        assert v["width"] <= v["diameter"] + 0.5, v
        fill = [int(v["fill"][k:k + 2], 16) for k in (1, 3, 5)]
        ground = _luminance([v["level"] * c + (1 - v["level"]) * 255 for c in fill])
        ink = _luminance([int(c) for c in re.findall(r"\d+", v["ink"])[:3]])
        lighter, darker = max(ground, ink), min(ground, ink)
        assert (lighter + 0.05) / (darker + 0.05) >= 3.9, v
    assert dash_duo.get_logs() == []


# ---------------------------------------------------------------- accessibility


FOCUS_JS = """
const el = document.activeElement;
// Dash draws a text box's ring on the box around it; a file input's is on the button it sits behind.
const ring = el.type === 'file' ? el.parentElement.querySelector('button') : el.closest('.dash-input-container') || el;
const style = getComputedStyle(ring);
const labelled = el.getAttribute('aria-label') || el.textContent.trim() || el.getAttribute('title')
  || (el.labels && el.labels.length && el.labels[0].textContent.trim())
  || (el.closest('label') && el.closest('label').textContent.trim()) || '';
const owner = el.id ? el : el.closest('[id]');
return {id: owner ? owner.id : '', tag: el.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
        name: labelled};
"""


def test_every_control_is_reached_by_keyboard_with_a_visible_focus_and_a_name(dash_duo):
    open_page(dash_duo)
    dash_duo.driver.execute_script("document.body.focus()")
    seen = []
    for _ in range(60):
        ActionChains(dash_duo.driver).send_keys(Keys.TAB).perform()
        focus = dash_duo.driver.execute_script(FOCUS_JS)
        if focus["tag"] == "BODY":
            break
        seen.append(focus)
    ids = {f["id"] for f in seen}
    for control in ("step", "full-step", "play", "speed", "reset", "present-toggle", "theme-toggle", "shortcuts-open",
                    "tour-start", "preset", "hidden-sizes", "activation", "dataset", "seed", "learning-rate",
                    "upload-csv", "copy-link", "save-lab", "export-json", "export-numpy"):
        assert control in ids or any(control in str(i) for i in ids), (control, sorted(map(str, ids)))
    for focus in seen:
        assert focus["outline"] != "none" and focus["width"] >= 2, focus  # a visible focus ring
        assert focus["name"], focus  # a name a screen reader can say
    assert dash_duo.get_logs() == []
