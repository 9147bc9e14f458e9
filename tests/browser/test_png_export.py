"""The network's PNG as a person sees it: the phase heading and the step above the network, the
legend below it, in the page's theme, and nothing cut at the edges.

The downloaded file is decoded by the browser (no image library needed) and its pixels are
checked with NumPy: where the heading and the legend should be drawn, and how far the drawing
stays from each edge.
"""

import base64

import numpy as np

from tests.browser.test_classroom import downloaded, files
from tests.browser.test_network_page import open_page, wait_until

# The page's own measurements in CSS pixels: the network as drawn (its viewBox at screen scale),
# the heading, the step counters and the legend, and the colours a person reads them in.
PAGE_JS = """
const svg = document.querySelector("#network svg");
const unit = svg.getScreenCTM().a;
const box = (id) => document.getElementById(id).getBoundingClientRect();
const legend = document.querySelector(".network-panel .legend") || document.querySelector(".legend");
const heading = getComputedStyle(document.getElementById("phase-text"));
// The legend's swatches: its elements drawn as an opaque coloured bar.
const swatches = [...legend.querySelectorAll("*")].map((node) => getComputedStyle(node))
  .filter((s) => parseFloat(s.borderTopWidth) > 0 && s.borderTopStyle !== "none" && s.opacity === "1")
  .map((s) => s.borderTopColor);
return {
  network: [svg.viewBox.baseVal.width * unit, svg.viewBox.baseVal.height * unit],
  phase_line: parseFloat(heading.lineHeight),
  counters: box("counters").height,
  heading: box("phase-text").height + box("counters").height,
  legend: legend.getBoundingClientRect().height,
  heading_colour: heading.color,
  swatches,
};
"""

# The PNG's pixels, decoded by the browser, as base64 RGBA.
DECODE_JS = """
const done = arguments[arguments.length - 1];
const image = new Image();
image.onload = () => {
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const paint = canvas.getContext("2d");
  paint.drawImage(image, 0, 0);
  const bytes = paint.getImageData(0, 0, canvas.width, canvas.height).data;
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  done({width: canvas.width, height: canvas.height, rgba: btoa(text)});
};
image.onerror = () => done(null);
image.src = "data:image/png;base64," + arguments[0];
"""


def rgb(css: str) -> np.ndarray:
    """'rgb(29, 36, 48)' → [29, 36, 48]."""
    return np.array([float(v) for v in css[css.index("(") + 1:css.index(")")].split(",")[:3]])


def export_network(dash_duo) -> np.ndarray:
    """Click the network's ⤓ PNG and return the downloaded picture as an (height, width, 3) array."""
    before = files(dash_duo)
    dash_duo.find_element(".network-tools .png-button").click()
    png = downloaded(dash_duo, ".png", before)
    data = png.read_bytes()
    png.unlink()  # the next export has the same name
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    decoded = dash_duo.driver.execute_async_script(DECODE_JS, base64.b64encode(data).decode())
    assert decoded, "the browser could not read the exported PNG"
    pixels = np.frombuffer(base64.b64decode(decoded["rgba"]), dtype=np.uint8)
    return pixels.reshape(decoded["height"], decoded["width"], 4)[:, :, :3].astype(float)


def near(pixels: np.ndarray, colour: np.ndarray, tolerance: float = 24) -> np.ndarray:
    return np.abs(pixels - colour).max(axis=2) <= tolerance


def check_picture(image: np.ndarray, page: dict, theme: str):
    height, width, _ = image.shape
    background = image[0, 0]
    net_w, net_h = page["network"]

    # Twice the screen size, and taller than the network alone by the heading and the legend
    # (the heading may take fewer lines than on the page: the picture gives it the network's width).
    assert width >= 2 * net_w, (theme, width, net_w)
    assert height >= 2 * (net_h + page["phase_line"] + page["counters"] + page["legend"]), (theme, height, page)

    # Nothing cut: every drawn pixel stays clear of every edge.
    ink = ~near(image, background, 12)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    margin = 16
    assert rows[0] >= margin and rows[-1] <= height - 1 - margin, (theme, rows[0], rows[-1], height)
    assert cols[0] >= margin and cols[-1] <= width - 1 - margin, (theme, cols[0], cols[-1], width)

    # The heading's words, in the heading's colour, at the top, where the network has only its
    # column titles (drawn in another colour).
    top = image[: int(2 * (page["heading"] + margin))]
    assert near(top, rgb(page["heading_colour"])).sum() > 300, (theme, page["heading_colour"])

    # The legend's swatches, in their colours, at the bottom, under the network.
    bottom = image[height - int(2 * (page["legend"] + margin)):]
    assert page["swatches"], "the legend has no swatches to look for"
    for colour in page["swatches"]:
        assert near(bottom, rgb(colour)).sum() > 50, (theme, colour)


def test_network_png_has_the_heading_the_step_and_the_legend_and_nothing_cut(dash_duo):
    open_page(dash_duo)
    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 1", timeout=10)
    # The update phase: the output box's last words reach furthest right.
    dash_duo.wait_for_contains_text("#network .output-box", "C after update", timeout=10)

    for theme in ("light", "dark"):
        if theme == "dark":
            dash_duo.find_element("#theme-toggle").click()
            wait_until(lambda: dash_duo.driver.execute_script(
                "return document.documentElement.classList.contains('theme-dark')"), "the dark theme")
        page = dash_duo.driver.execute_script(PAGE_JS)
        image = export_network(dash_duo)
        check_picture(image, page, theme)
        # The picture's ground is the theme's: light behind light, dark behind dark.
        assert (image[0, 0].mean() > 128) == (theme == "light"), (theme, image[0, 0])

    assert dash_duo.get_logs() == []


def test_the_neurons_own_pictures_come_out_in_the_png(dash_duo):
    open_page(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/?lesson=circle")
    dash_duo.wait_for_contains_text("#counters", "Step 0", timeout=10)
    wait_until(lambda: len(dash_duo.find_elements("#network .node")) == 11, "the circle lesson's network")
    # Before the forward pass the neurons are unlit: the pictures are all the PNG can gain.
    plain = export_network(dash_duo)
    dash_duo.find_element("#network-options input[value='maps']").click()
    wait_until(lambda: "with-maps" in dash_duo.find_element("#network").get_attribute("class"), "the pictures")
    pictured = export_network(dash_duo)
    assert pictured.shape == plain.shape
    changed = np.abs(pictured - plain).max(axis=2) > 40
    # Eleven neurons of about 2 × 40 px across, mostly lit: thousands of pixels, not a blank copy's few.
    assert changed.sum() > 4000, changed.sum()
    assert dash_duo.get_logs() == []
