"""The first screen as a class sees it: the network and the loss curve with its ball side by side,
both in view without a click or a scroll at 1024×768, 1280×720 and 1920×1080, in normal and
presentation mode; no text in the network overlaps another text or a neuron in any phase of the
small lessons; the heading on at most two lines; type on the graph never under 14 px at 1024×768;
no sideways scroll up to 2560×1440; a larger network names its inputs and outputs with their values.
Measured on the page itself: the boxes the browser laid out."""

import time

from selenium.webdriver.common.keys import Keys

import engine
from app import panels
from components.numbers import num
from tests.browser.test_network_page import choose, open_page, wait_until

SIZES = ((1024, 768), (1280, 720), (1920, 1080), (2560, 1440))

# What a person sees, read from the laid-out page (as ../shared style probes do).
MEASURE = r"""
const W = window.innerWidth, H = window.innerHeight;
const inView = r => r.width > 0 && r.height > 0 && r.left >= -1 && r.top >= -1 && r.right <= W + 1 && r.bottom <= H + 1;
const net = document.querySelector('#network svg');
const chart = document.querySelector('#slice-chart');
const data = (chart && chart.data) || [];
const curve = data.some(t => (t.mode || 'lines').includes('lines') && (t.x || []).length >= 20);
const ball = data.some(t => (t.mode || '').includes('markers') && (t.x || []).length === 1);
const texts = [...net.querySelectorAll('text')].filter(t => {
  const s = getComputedStyle(t), r = t.getBoundingClientRect();
  return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && (t.textContent || '').trim();
}).map(t => ({r: t.getBoundingClientRect(), s: t.textContent.trim(), e: t}));
const overlaps = [];
for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
  const a = texts[i].r, b = texts[j].r;
  const ox = Math.min(a.right, b.right) - Math.max(a.left, b.left), oy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  if (ox > 2 && oy > 2) overlaps.push(texts[i].s + ' | ' + texts[j].s);
}
for (const c of [...net.querySelectorAll('circle.node-base')]) {
  const b = c.getBoundingClientRect(), cx = (b.left + b.right) / 2, cy = (b.top + b.bottom) / 2, rad = b.width / 2;
  for (const t of texts) {
    const mx = (t.r.left + t.r.right) / 2, my = (t.r.top + t.r.bottom) / 2;
    if (Math.hypot(mx - cx, my - cy) < rad) continue;  // the neuron's own value
    const px = Math.max(t.r.left, Math.min(cx, t.r.right)), py = Math.max(t.r.top, Math.min(cy, t.r.bottom));
    if (Math.hypot(px - cx, py - cy) < rad - 2) overlaps.push(t.s + ' | a neuron');
  }
}
const heading = document.getElementById('phase-text');
const lineHeight = parseFloat(getComputedStyle(heading).lineHeight);
const nb = net.getBoundingClientRect();
return {overflow: document.scrollingElement.scrollWidth - W, network: inView(nb),
        networkBox: [nb.left, nb.top, nb.width, nb.height].map(Math.round),
        chart: !!chart && inView(chart.getBoundingClientRect()), curve, ball, overlaps,
        smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t.e).fontSize) * net.getScreenCTM().a)),
        headingLines: Math.round(heading.scrollHeight / lineHeight), heading: heading.textContent};
"""

IN_VIEW = """
const r = document.querySelector(arguments[0]).getBoundingClientRect();
return r.height > 0 && r.top >= -1 && r.left >= -1 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1;
"""

# Two animation frames: the layout after a resize (or a new view) has been done and painted.
FRAMES = "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));"


def resize(driver, width, height):
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
    wait_until(lambda: driver.execute_script("return [window.innerWidth, window.innerHeight]") == [width, height],
               f"the page to be {width}×{height}")
    driver.execute_async_script(FRAMES)


def measured(dash_duo, width, height):
    resize(dash_duo.driver, width, height)
    def with_ball():
        m = dash_duo.driver.execute_script(MEASURE)
        return m if m["ball"] and m["curve"] else None

    return wait_until(with_ball, "the loss curve with its ball")


def check_every_phase(dash_duo, lesson: str, present: bool):
    state = engine.PRESETS[lesson].state()
    network_at = {}  # where the picture sits at each size: the same in every phase
    for _ in range(2 * state.spec.n_layers + 2):  # ready, forward…, loss, backward…, update
        for width, height in SIZES:
            m = measured(dash_duo, width, height)
            where = f"{lesson} at {width}×{height}{' presenting' if present else ''}, {m['heading']!r}"
            assert network_at.setdefault(width, m["networkBox"]) == m["networkBox"], where
            assert m["overflow"] <= 0, where
            assert m["network"] and m["chart"], where  # both wholly in view, side by side
            assert m["overlaps"] == [], where
            assert m["headingLines"] <= 2, where
            if width == 1024:
                assert m["smallest"] >= 14, where
        state = engine.advance(state)
        dash_duo.find_element("#step").click()
        dash_duo.wait_for_text_to_equal("#phase-text", state.cursor.words(), timeout=10)
        dash_duo.driver.execute_async_script(FRAMES)


def test_first_screen_normal_mode(dash_duo):
    open_page(dash_duo)
    check_every_phase(dash_duo, "default", present=False)
    resize(dash_duo.driver, 1280, 800)
    choose(dash_duo, "preset", "Classic worked example")
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)
    check_every_phase(dash_duo, "worked_example", present=False)
    assert dash_duo.get_logs() == []


def test_first_screen_in_presentation_mode(dash_duo):
    open_page(dash_duo)
    choose(dash_duo, "preset", "Classic worked example")
    dash_duo.find_element("#present-toggle").click()
    wait_until(lambda: "present" in dash_duo.find_element("#page").get_attribute("class"), "presentation mode")
    check_every_phase(dash_duo, "worked_example", present=True)
    assert dash_duo.get_logs() == []


def test_the_curve_follows_the_clicked_weight_and_the_ball_moves_on_an_update(dash_duo):
    open_page(dash_duo)
    title = "return document.querySelector('#slice-chart .xtitle')?.textContent"
    wait_until(lambda: dash_duo.driver.execute_script(title) == "W1[0,0]", "the curve along W1[0,0]")
    # A click on the edge from h₁ to o₁: the curve beside the network is now the loss along W2[0,0].
    dash_duo.driver.execute_script(
        "document.querySelectorAll('#network path.edge-hit')[4].dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    wait_until(lambda: dash_duo.driver.execute_script(title) == "W2[0,0]", "the curve along W2[0,0]")
    # Full step: the ball where it was stays, hollow, and the ball after the update is drawn further down.
    dash_duo.find_element("#full-step").click()
    after = wait_until(lambda: dash_duo.driver.execute_script(
        "const d = document.querySelector('#slice-chart').data || [];"
        "return d.length === 4 ? [d[1].x[0], d[1].y[0], d[3].x[0], d[3].y[0]] : null"), "the ball after the update")
    state = engine.full_step(engine.PRESETS["default"].state())
    w0, w1 = state.last_update.params_before.W[2][0, 0], state.params.W[2][0, 0]
    assert after[0] == w0 and after[2] == w1  # 0.70 → 0.76: moved against the slope
    assert after[3] < after[1]  # and down the curve
    note = dash_duo.find_element("#slice-note").text
    assert note.startswith("The update moved W2[0,0] from +0.700 to +0.760")
    # With the slider pinned and the update on show (the longest note, the most numbers), the slider,
    # the numbers and the loss history are in view too, on a projector and at 1280×720, in both modes.
    dash_duo.wait_for_text_to_equal("#sliders .weight-slider-name", "W2[0,0]", timeout=10)
    for present in (False, True):
        if present:
            dash_duo.find_element("#present-toggle").click()
            wait_until(lambda: "present" in dash_duo.find_element("#page").get_attribute("class"), "presentation mode")
        for width, height in ((1024, 768), (1280, 720)):
            resize(dash_duo.driver, width, height)
            for what in ("#sliders .weight-slider", "#numbers", "#history-card", "#slice-chart"):
                assert dash_duo.driver.execute_script(IN_VIEW, what), f"{what} at {width}×{height}, present={present}"
    assert dash_duo.get_logs() == []


SHOWN_VALUES = """
return [...document.querySelectorAll('#network .node')].map((g) => {
  const t = g.querySelector('.node-value');
  return t && getComputedStyle(t).display !== 'none' ? t.textContent : '';
});
"""


def test_a_larger_network_names_its_inputs_and_outputs_and_shows_hidden_values_on_the_stage(dash_duo):
    open_page(dash_duo)
    choose(dash_duo, "preset", "Circle: a ring around a disc")
    state = engine.PRESETS["circle"].state()
    sizes, p = state.spec.sizes, engine.example_passes(state)
    wait_until(lambda: len(dash_duo.driver.execute_script(SHOWN_VALUES)) == sum(sizes), "the circle lesson's network")
    inputs = [f"x{'₁₂'[i]} {num(float(p.fwd.a[0][0, i]), digits=2)}" for i in range(sizes[0])]
    hidden = slice(sizes[0], sum(sizes) - sizes[-1])
    def with_inputs():
        values = dash_duo.driver.execute_script(SHOWN_VALUES)
        return values if values[:2] == inputs else None

    shown = wait_until(with_inputs, "the inputs' names and values")
    assert shown[-1] == "?"  # the output's value, not computed yet at Ready
    assert set(shown[hidden]) == {""}  # hidden values: on hover in normal mode
    dash_duo.find_element("#present-toggle").click()
    wait_until(lambda: set(dash_duo.driver.execute_script(SHOWN_VALUES)[hidden]) == {"?"},
               "the hidden neurons' values on the stage")
    assert dash_duo.get_logs() == []


def test_a_weight_clicked_before_the_curves_list_offers_it_is_followed_once_it_does(dash_duo, monkeypatch):
    # The charts' answer is slow for the new shape (2-3-1): the new network is on screen, and a weight
    # only it has is clicked, while the curve's list still offers the old network's weights. Once the
    # list is filled, the curve follows the click (assets/clientside.js, offerParam).
    real = panels._surely_refused

    def slow(tab, stored, names):
        if isinstance(stored, dict) and "[2, 3, 1]" in str(stored.get("network")):
            time.sleep(1.5)
        return real(tab, stored, names)

    monkeypatch.setattr(panels, "_surely_refused", slow)
    open_page(dash_duo)
    title = "return document.querySelector('#slice-chart .xtitle')?.textContent"
    wait_until(lambda: dash_duo.driver.execute_script(title) == "W1[0,0]", "the curve along W1[0,0]")
    box = dash_duo.find_element("#hidden-sizes")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("3", Keys.ENTER)
    wait_until(lambda: len(dash_duo.find_elements("#network path.edge-hit")) == 9, "the 2-3-1 network")
    dash_duo.driver.execute_script(
        "document.querySelectorAll('#network path.edge-hit')[8].dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    wait_until(lambda: "(W2[0,2])" in dash_duo.find_element("#maths-selected").text, "W2[0,2] selected")
    assert "W2[0,2]" not in dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#slice-param')].map(d => d.textContent).join()")
    wait_until(lambda: dash_duo.driver.execute_script(title) == "W2[0,2]", "the curve along W2[0,2]", timeout=15)
    assert dash_duo.get_logs() == []
