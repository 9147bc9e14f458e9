"""Every neuron's own picture, as a person uses it: tick "neuron pictures" under the network, read
the pictures' pixels (each cell lit as the engine's neuron is lit at that point of the plane), train,
and untick; and a link that opens with them on."""

import numpy as np

import engine
from components import neuron_maps, palette
from components.readouts import counters_text
from engine.surface import surface

from .test_network_page import choose, dash_idle, open_page, play_a_while, wait_until

LESSON = "Circle: a ring around a disc"
PIXELS = """
return [...document.querySelectorAll('#network .node')].map((g) => {
  const canvas = g.querySelector('.node-map canvas');
  if (!canvas) return null;
  const box = g.querySelector('.node-map');
  return {shown: getComputedStyle(box).display !== 'none' && box.getBoundingClientRect().width > 10,
          data: Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data)};
});
"""


def rgb(hex_colour):
    return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]


def expected_pixels(state, layer: int, neuron: int) -> np.ndarray:
    """The RGBA cells of one hidden neuron's picture, as components/network_view lights a neuron: its
    layer's colour for a ≥ 0, orange below, with |a| (tanh is bounded) as the alpha; top row = largest x₂."""
    n = neuron_maps.GRID
    a = surface(state, n, layer, None).values[::-1, :, neuron]
    colour = np.where(a[..., None] >= 0, rgb(palette.HIDDEN), rgb(palette.NEGATIVE))
    alpha = np.round(255 * np.minimum(1, np.abs(a)))[..., None]
    return np.concatenate([colour, alpha], axis=-1).reshape(-1)


def pictures(dash_duo):
    return dash_duo.driver.execute_script(PIXELS)


def assert_pictures_show(dash_duo, state):
    shown = pictures(dash_duo)
    ids = [g.get_attribute("id") or "" for g in dash_duo.find_elements("#network .node")]
    assert len(shown) == sum(state.spec.sizes) == len(ids)
    assert all(p is not None and p["shown"] for p in shown)
    first_hidden = state.spec.sizes[0]  # the nodes come layer by layer
    for i in range(state.spec.sizes[1]):
        page = np.array(shown[first_hidden + i]["data"]).reshape(-1, 4)
        want = expected_pixels(state, 1, i).reshape(-1, 4)
        # Alpha to the level (rounding may differ by one where a product lands on a half). The canvas
        # keeps colours multiplied by alpha, so a colour reads back to within 255 / alpha.
        assert np.abs(page[:, 3] - want[:, 3]).max() <= 1, f"hidden neuron {i + 1}: alpha"
        alpha = np.maximum(want[:, 3], 1)[:, None]
        seen = want[:, 3] >= 8
        assert np.all(np.abs(page[seen, :3] - want[seen, :3]) <= 255 / alpha[seen] + 1), f"hidden neuron {i + 1}"


def test_each_neuron_draws_what_it_computes_over_the_plane(dash_duo):
    open_page(dash_duo)
    choose(dash_duo, "preset", LESSON)
    start = engine.PRESETS["circle"].state()
    dash_duo.wait_for_text_to_equal("#counters", counters_text(start), timeout=10)
    dash_idle(dash_duo, "the lesson drawn")
    assert dash_duo.find_elements("#network .node-map") == []  # nothing drawn before the box is ticked

    box = dash_duo.find_element("#network-options input[value='maps']")
    box.click()
    wait_until(lambda: "with-maps" in dash_duo.find_element("#network").get_attribute("class"), "the pictures")
    assert_pictures_show(dash_duo, start)
    fill = dash_duo.driver.execute_script(
        "return getComputedStyle(document.querySelector('#network .node-fill')).visibility")
    assert fill == "hidden"  # the picture takes the flat fill's place

    # One whole update: every picture follows the new weights.
    before = pictures(dash_duo)
    dash_duo.find_element("#full-step").click()
    after = engine.full_step(start)
    dash_duo.wait_for_text_to_equal("#counters", counters_text(after), timeout=10)
    dash_idle(dash_duo, "the update's answer")
    assert pictures(dash_duo) != before
    assert_pictures_show(dash_duo, after)

    # Play at full speed, then Pause: the pictures are the trained network's.
    trained = play_a_while(dash_duo, start, 30)
    assert_pictures_show(dash_duo, trained)

    # Untick: the flat fills again.
    box.click()
    wait_until(lambda: "with-maps" not in dash_duo.find_element("#network").get_attribute("class"), "no pictures")
    assert not any(p["shown"] for p in pictures(dash_duo))
    assert dash_duo.get_logs() == []


def test_a_link_opens_with_the_pictures_on(dash_duo):
    open_page(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/?lesson=circle&maps=1")
    wait_until(lambda: dash_duo.find_elements("#network-options input[value='maps']")
               and dash_duo.find_element("#network-options input[value='maps']").is_selected(), "the box ticked")
    wait_until(lambda: "with-maps" in dash_duo.find_element("#network").get_attribute("class"), "the pictures")
    assert_pictures_show(dash_duo, engine.PRESETS["circle"].state())
    assert dash_duo.get_logs() == []
