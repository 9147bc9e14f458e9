"""What a first load and a reload move over the wire, read from the browser's own records
(Resource Timing's transferSize: the bytes that crossed the network, compressed, headers included).

Budget from the classroom: at most 1.2 MB before the network is painted on a cold load (it was
6.3 MB, uncompressed, with the full Plotly bundle); everything on the first screen, its charts and
equations drawn, under TensorFlow Playground's 0.52 MB: the first screen's charts need no Plotly,
which comes, the app's own bundle, only when a tab that needs it is opened; a reload moves almost
nothing.
"""

import pytest
from flask import request
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import engine
from app import create_app
from tests.browser.test_network_page import choose, dash_idle, shape, wait_until

COLD_BUDGET = 1.2e6  # bytes before the network is painted
# Everything on the first screen, charts and equations drawn: 0.36 MB measured (0.73 MB when the
# loss curve beside the network needed Plotly; 1.45 MB with MathJax and the cartesian Plotly).
ALL_BUDGET = 0.52e6
RELOAD_BUDGET = 150e3  # the page, its layout and the first answers; every bundle from the cache

RESOURCES = """
const nav = performance.getEntriesByType('navigation')[0];
return {
  firstPaint: window.backpropLab.firstPaint,
  nav: nav.transferSize,
  plotly: window.Plotly && window.Plotly.version,
  all: performance.getEntriesByType('resource').map(e => ({
    name: e.name.replace(location.origin, ''), start: e.startTime, end: e.responseEnd,
    transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize})),
};
"""


def charts_drawn(dash_duo) -> bool:
    return dash_duo.driver.execute_script(
        "return !!document.querySelector('#slice-chart .trace path.js-line')")


# Dash's Markdown reader and its TeX typesetter (680 KB): the Equations tab, MathML made on the
# server, needs neither.
MATHS_PARTS = ("async-markdown.js", "async-mathjax.js", "async-highlight.js")


def equations_shown(dash_duo) -> bool:
    """The Equations tab holds its formulas, as MathML the browser lays out (a fraction has a height)."""
    return dash_duo.driver.execute_script(
        "const f = document.querySelector('#equations math mfrac');"
        "return !!f && f.getBoundingClientRect().height > 10")


def test_a_cold_load_is_light_and_a_reload_moves_almost_nothing(dash_duo):
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    wait_until(lambda: driver.execute_script("return !!(window.backpropLab && window.backpropLab.firstPaint)"),
               "the network's first paint", timeout=20)
    wait_until(lambda: charts_drawn(dash_duo), "the loss curve beside the network drawn", timeout=20)
    wait_until(lambda: equations_shown(dash_duo), "the equations drawn", timeout=20)
    cold = driver.execute_script(RESOURCES)
    assert not [r["name"] for r in cold["all"] if any(part in r["name"] for part in MATHS_PARTS)]
    everything = cold["nav"] + sum(r["transfer"] for r in cold["all"])
    assert everything <= ALL_BUDGET, sorted(((r["transfer"], r["name"]) for r in cold["all"]), reverse=True)[:8]

    before = cold["nav"] + sum(r["transfer"] for r in cold["all"] if r["end"] <= cold["firstPaint"])
    assert 50e3 < before <= COLD_BUDGET, before
    # Every script and style of any size came compressed.
    for r in cold["all"]:
        if r["name"].split("?")[0].endswith((".js", ".css")) and r["decoded"] > 5000:
            assert r["encoded"] < 0.6 * r["decoded"], r
    # No Plotly for the first screen: its charts are the page's own.
    assert [r["name"] for r in cold["all"] if "plotly" in r["name"] and "plotly-loader" not in r["name"]] == []
    assert cold["plotly"] is None

    driver.execute_script("window.name = 'reloading'")
    driver.refresh()
    wait_until(lambda: driver.execute_script("return window.name === 'reloading' && !!document.getElementById"
                                             "('network') && !!(window.backpropLab && window.backpropLab.firstPaint)"),
               "the network painted after the reload", timeout=20)
    wait_until(lambda: charts_drawn(dash_duo), "the loss curve after the reload", timeout=20)
    warm = driver.execute_script(RESOURCES)
    moved = warm["nav"] + sum(r["transfer"] for r in warm["all"])
    assert moved <= RELOAD_BUDGET, sorted(((r["transfer"], r["name"]) for r in warm["all"]), reverse=True)[:8]
    # Every versioned bundle came from the browser's cache, without asking the server.
    for r in warm["all"]:
        if "/assets/vendor/" in r["name"] or "?m=" in r["name"] or ".v4_" in r["name"] or ".v7_" in r["name"]:
            assert r["transfer"] == 0, r
    # The Data tab's map needs it: the app's own bundle, once, never the full one; the map is drawn.
    driver.find_element(By.XPATH, "//*[@id='panel-tabs']//*[contains(@class,'tab')][normalize-space(.)='Data']").click()
    wait_until(lambda: driver.execute_script("return !!document.querySelector('#data-chart .js-plotly-plot .heatmaplayer "
                                             ".hm, #data-chart .js-plotly-plot .scatterlayer .trace')"),
               "the Data tab's chart drawn with Plotly", timeout=20)
    later = driver.execute_script(RESOURCES)
    plotly = [r for r in later["all"] if "plotly" in r["name"] and "plotly-loader" not in r["name"]]
    assert [r["name"] for r in plotly] == ["/assets/vendor/plotly-lab-4.1.1.min.js"]
    assert later["plotly"] == "4.1.1"

    assert dash_duo.get_logs() == []


# Recorded from the first script of every document (CDP), before the page's own: each network
# drawn (its neurons, counted in the frame it appears) and when the server's first answer to
# `act` (the lab, its picture) arrived.
WATCH = """
window.__shapes = []; window.__actAnswered = null;
new MutationObserver(() => {
  const svg = document.querySelector('#network svg');
  if (svg && svg !== window.__svg) {
    window.__svg = svg;
    window.__firstClass = svg.getAttribute('class');  // the phase it shows, when first drawn
    requestAnimationFrame(() => window.__shapes.push(svg.querySelectorAll('circle.node-base').length));
  }
}).observe(document, {childList: true, subtree: true});
const pageFetch = window.fetch;
window.fetch = function (url, options) {
  const answer = pageFetch.apply(this, arguments);
  if (String(url).includes('_dash-update-component') && String(options && options.body).includes('..lab-state.data'))
    answer.then(() => { if (window.__actAnswered === null) window.__actAnswered = performance.now(); });
  return answer;
};
"""


def fresh_tab(dash_duo, path: str, cold: bool = False) -> None:
    """A new tab (its own, empty session storage) opened at `path`, watched from its first script;
    cold: with the browser's cache off, as on a first visit."""
    driver = dash_duo.driver
    driver.switch_to.new_window("tab")
    if cold:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
    driver.get(dash_duo.server_url + path)


def shapes(dash_duo) -> list:
    return dash_duo.driver.execute_script("return window.__shapes || []")


def test_a_first_visit_draws_the_network_before_the_servers_first_answer_and_a_link_never_shows_another(dash_duo):
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    # A first visit: the default lesson's picture comes with the page (2-2-1: five neurons), drawn
    # before the server has answered.
    fresh_tab(dash_duo, "/")
    wait_until(lambda: driver.execute_script("return window.__actAnswered !== null && window.backpropLab.firstPaint"),
               "the first paint and the server's first answer")
    first, answered = driver.execute_script("return [window.backpropLab.firstPaint, window.__actAnswered]")
    assert shapes(dash_duo)[:1] == [5]
    assert first < answered
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=10)

    # A link to another lab: its picture comes with the page too, drawn before the server has
    # answered; only that lab is ever drawn (2-4-2-1: nine neurons), and after a reload, which
    # keeps the tab's lab, too.
    fresh_tab(dash_duo, "/?lesson=circle&hidden=4,2")
    wait_until(lambda: driver.execute_script("return window.__actAnswered !== null && window.backpropLab.firstPaint"),
               "the link's network and the server's first answer")
    first, answered = driver.execute_script("return [window.backpropLab.firstPaint, window.__actAnswered]")
    assert first < answered
    assert set(shapes(dash_duo)) == {9}
    wait_until(lambda: driver.execute_script("return window.location.search === ''"), "the link taken out of the address")
    # One phase on, then a reload: the tab draws the picture it showed last, at once, before the
    # server's answer (which brings the same lab).
    dash_duo.find_element("#step").click()
    wait_until(lambda: "phase-forward" in dash_duo.find_element("#network svg").get_attribute("class"), "the forward pass")
    # The server's answer (the lab stored in the tab) says so too.
    wait_until(lambda: not dash_duo.find_element("#phase-text").text.startswith("Ready"), "the phase's words")
    driver.refresh()
    wait_until(lambda: driver.execute_script("return window.__actAnswered !== null && window.__shapes.length > 0"),
               "the network after the reload")
    first, answered = driver.execute_script("return [window.backpropLab.firstPaint, window.__actAnswered]")
    assert first < answered
    assert set(shapes(dash_duo)) == {9}
    assert "phase-forward" in driver.execute_script("return window.__firstClass")
    assert dash_duo.get_logs() == []


# Cold opens of each link: an empty cache and a new tab (its own, empty session storage) each time.
COLD_OPENS = 20
LINKS = {"/?lesson=circle&hidden=8,8,8,8,8,8": [2, 8, 8, 8, 8, 8, 8, 1], "/?lesson=circle&hidden=4,2": [2, 4, 2, 1]}


@pytest.mark.parametrize("path", list(LINKS))
def test_a_link_opened_cold_again_and_again_paints_its_own_network_first_and_only(dash_duo, path):
    # Two callbacks once raced as a link's page opened: now and then the lab the tab stored was the
    # default lesson while the layers box showed the link's sizes, and it stayed so.
    sizes = LINKS[path]
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    home = driver.current_window_handle
    for attempt in range(COLD_OPENS):
        fresh_tab(dash_duo, path, cold=True)
        wait_until(lambda: driver.execute_script("return window.__actAnswered !== null && window.__shapes.length > 0"),
                   "the link's network and the server's first answer")
        stored = wait_until(lambda: driver.execute_script(
            "return JSON.parse(sessionStorage.getItem('lab-state') || 'null')"), "the lab stored in the tab")
        assert stored["network"]["sizes"] == sizes, attempt
        layers = ", ".join(map(str, sizes[1:-1]))
        wait_until(lambda: dash_duo.find_element("#hidden-sizes").get_attribute("value") == layers,  # noqa: B023
                   "the layers box to show the link's sizes")
        assert set(shapes(dash_duo)) == {sum(sizes)}, attempt
        if attempt == 0:
            # Six layers of 8 (344 edges) change their strokes at once; a small network eases them.
            eased = driver.execute_script(
                "return getComputedStyle(document.querySelector('#network path.edge')).transitionDuration")
            assert eased == ("0s" if len(sizes) > 4 else "0.35s")
        driver.close()
        driver.switch_to.window(home)
    assert dash_duo.get_logs() == []


def test_the_first_network_is_drawn_from_the_page_itself_with_no_callback_at_all(dash_duo):
    # The page's own first picture (app/page.py) is drawn as soon as Dash lays the page out, before
    # Dash runs any callback (they come 100-300 ms later, once the lazily loaded parts of its
    # components have arrived). A page that has no callbacks at all draws it all the same.
    app = create_app()
    app._callback_list.clear()  # what the page is told to run (Dash's _dash-dependencies)
    app.callback_map.clear()
    dash_duo.start_server(app)
    driver = dash_duo.driver
    assert driver.execute_script("return fetch('_dash-dependencies').then(r => r.json())") == []
    wait_until(lambda: driver.execute_script("return document.querySelectorAll('#network svg circle.node-base').length")
               == 5, "the default lesson's network, 2-2-1")
    labels = driver.execute_script("return [...document.querySelectorAll('#network svg text')].map(t => t.textContent)")
    assert {"+0.50", "+0.70", "+0.80"} <= set(labels)  # its weights at the start, as on the page
    assert dash_duo.get_logs() == []


def test_the_first_screen_shows_the_lab_and_its_network_while_dashs_scripts_are_still_away(dash_duo):
    # Dash's scripts never arrive (the server refuses them): what is on screen is the page's first
    # screen alone (app/first_screen.py), drawn by the page's own scripts.
    app = create_app()

    @app.server.before_request
    def no_dash():
        if request.path.startswith("/_dash-component-suites/"):
            return "held back by the test", 503
        return None

    dash_duo.start_server(app)
    driver = dash_duo.driver
    wait_until(lambda: driver.execute_script(
        "return document.querySelectorAll('.first-screen:not([hidden]) #network svg circle.node-base').length") == 5,
        "the default lesson's network (2-2-1) on the first screen")
    labels = driver.execute_script("return [...document.querySelectorAll('#network svg text')].map(t => t.textContent)")
    assert {"+0.50", "+0.70", "+0.80", "1.00", "0.50"} <= set(labels)  # its weights and inputs at the start
    words = driver.find_element(By.CSS_SELECTOR, ".first-screen").text
    for seen in ("Backprop Lab", "Step", "Full step", "Default lesson", "Sigmoid", "One weight", "Grab a weight"):
        assert seen in words
    # Nothing on it answers: it is inert (the live page brings the buttons that work).
    assert driver.execute_script("return document.querySelector('.first-screen').inert") is True
    assert driver.execute_script("return document.getElementById('step')") is None
    assert not driver.execute_script("return !!document.querySelector('#react-entry-point .page')")
    # A link's first screen shows its lesson and settings beside its network, not the default lesson's.
    driver.get(dash_duo.server_url + "/?lesson=circle&hidden=4,2&lr=0.1")
    wait_until(lambda: driver.execute_script(
        "return document.querySelectorAll('.first-screen:not([hidden]) #network svg circle.node-base').length") == 9,
        "the link's network (2-4-2-1) on the first screen")
    words = driver.find_element(By.CSS_SELECTOR, ".first-screen").text
    assert engine.PRESETS["circle"].title in words and "Default lesson" not in words
    assert "Tanh" in words and "Circle in a ring" in words
    assert driver.execute_script(
        "return document.querySelector('.first-screen [data-id=\"hidden-sizes\"]').value") == "4, 2"
    # The only complaints: the refused scripts, and the renderer they would have defined.
    for entry in dash_duo.get_logs():
        assert "/_dash-component-suites/" in entry["message"] or "DashRenderer is not defined" in entry["message"], entry


def test_a_reloads_first_screen_shows_the_tabs_own_settings_beside_its_own_picture(dash_duo):
    # A person changed the lab, then reloads: until the live page comes, the first screen shows the
    # tab's settings with the tab's picture (both kept when the page went), not the default lesson's
    # settings the address would give. Dash's scripts are held back on the reload, so the first screen
    # stays on show to be read.
    app = create_app()
    hold = {"on": False}

    @app.server.before_request
    def no_dash():
        if hold["on"] and request.path.startswith("/_dash-component-suites/"):
            return "held back by the test", 503
        return None

    dash_duo.start_server(app)
    driver = dash_duo.driver
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=15)
    box = dash_duo.find_element("#hidden-sizes")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("3, 2", Keys.ENTER)
    wait_until(lambda: shape(driver) == "Network with layers 2-3-2-1", "the 2-3-2-1 network")
    choose(dash_duo, "activation", "Tanh")
    dash_duo.find_element("#network-options input[type=checkbox]").click()  # the neurons' own pictures
    wait_until(lambda: driver.execute_script(
        "return document.querySelector('#network-options input[type=checkbox]').checked"), "the tick")
    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 1", timeout=10)
    dash_idle(dash_duo, "the page to settle")
    hold["on"] = True
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})  # the scripts come from the server
    driver.refresh()
    wait_until(lambda: driver.execute_script(
        "return document.querySelectorAll('.first-screen:not([hidden]) #network svg circle.node-base').length") == 8,
        "the tab's network (2-3-2-1) on the first screen")
    read = """const at = (id) => document.querySelector(`.first-screen [data-id="${id}"]`);
        return [at('preset').textContent, at('hidden-sizes').value, at('activation').textContent,
                at('network-options').querySelector('input').checked,
                document.querySelector('.first-screen [data-id="counters"]').textContent];"""
    assert driver.execute_script(read) == ["Default lesson", "3, 2", "Tanh", True, "Step 1 · Epoch 1"]
    assert not driver.execute_script("return !!document.querySelector('#react-entry-point .page')")
    for entry in dash_duo.get_logs():
        assert "/_dash-component-suites/" in entry["message"] or "DashRenderer is not defined" in entry["message"], entry


# Recorded from the first script of the document (CDP), at every change while the first screen and
# the live page are both on the page: the last record is the moment before the swap (this observer
# runs before the page's own, which makes the swap). Each element is measured from its own page's
# corner.
SWAP = """
window.__swap = null;
new MutationObserver(() => {
  const shell = document.querySelector('.first-screen');
  const live = document.querySelector('#react-entry-point .page');
  if (!shell || !live) return;
  const shellPage = shell.querySelector('.page');
  const box = (el, page) => {
    if (!el) return null;
    const r = el.getBoundingClientRect(), p = page.getBoundingClientRect();
    return [r.left - p.left, r.top - p.top, r.width, r.height].map(Math.round);
  };
  window.__shellTexts = [...shell.querySelectorAll('#network svg text')].map(t => t.textContent);
  window.__shellStatus = shell.querySelector('.status').innerText;
  const over = getComputedStyle(shell);
  window.__swap = {shown: !shell.hidden, over: over.position === 'fixed' && Number(over.zIndex) > 1000,
    boxes: arguments_ids.map(id => [id,
      box(id === 'network' ? shell.querySelector('#network') : shell.querySelector(`[data-id="${id}"]`), shellPage),
      box(document.getElementById(id), live)])};
}).observe(document, {childList: true, subtree: true});
"""
# What a person's eye is on when the live page comes: the buttons, the lists, the network, the cards.
SWAPPED = ("step", "play", "speed", "reset", "settings-toggle", "present-toggle", "preset", "activation", "seed",
           "network", "panel-tabs", "slice-param", "slice-chart", "pick-param", "history-card", "maths-tabs")


def test_the_live_page_takes_the_first_screens_place_without_a_jump_and_keeps_its_picture(dash_duo):
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                           {"source": SWAP.replace("arguments_ids", str(list(SWAPPED)))})
    dash_duo.start_server(create_app())
    driver.set_window_size(1280, 800)
    driver.refresh()  # the window's size is the classroom's from the first frame
    dash_duo.wait_for_text_to_equal("#counters", "Step 0 · Epoch 0", timeout=15)
    swap = driver.execute_script("return window.__swap")
    assert swap is not None and swap["shown"], "the first screen was not on show when the live page came"
    assert swap["over"]  # until the swap, the first screen covers the live page
    # It went because the live page was complete, not because its wait ran out.
    assert driver.execute_script("return window.backpropLabShell.how()") == "complete"
    for id_, before, after in swap["boxes"]:
        assert before is not None and after is not None, id_
        assert all(abs(a - b) <= 1 for a, b in zip(before, after)), (id_, before, after)
    # The first screen has gone; the live page shows the picture and the words it showed.
    assert driver.execute_script("return document.querySelectorAll('.first-screen, #network').length") == 1
    shell_texts, shell_status = driver.execute_script("return [window.__shellTexts, window.__shellStatus]")
    assert {"+0.50", "+0.70", "Hidden 1", "target 1.000"} <= set(shell_texts)
    assert driver.execute_script("return [...document.querySelectorAll('#network svg text')].map(t => t.textContent)"
                                 ) == shell_texts
    assert "Step 0 · Epoch 0" in shell_status
    assert driver.execute_script("return document.querySelector('.status').innerText") == shell_status
    assert dash_duo.get_logs() == []
