"""The page's first screen (app/first_screen.py): the layout written out as HTML, inert, with the
words, classes and values a person sees once the live page is there, and no id but the network's."""

import pytest
from bs4 import BeautifulSoup
from dash import dcc, html

from app import create_app
from app.first_screen import _DCC, SHARED_IDS, SHELL_CLASS, first_screen
from app.layout import build_layout


@pytest.fixture(scope="module")
def shell() -> BeautifulSoup:
    return BeautifulSoup(first_screen(build_layout()), "html.parser")


def components(node):
    """Every Dash component in a layout, depth first."""
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from components(child)
    elif hasattr(node, "_type"):
        yield node
        yield from components(getattr(node, "children", None))
        if node._type == "Tab":
            yield from components(getattr(node, "label", None))


def test_it_is_hidden_inert_and_out_of_reach_of_assistive_technology_until_the_page_shows_it(shell):
    root = shell.find(class_=SHELL_CLASS)
    assert root.has_attr("hidden") and root.has_attr("inert") and root["aria-hidden"] == "true"
    assert root.find(class_="page") is root.contents[0]


def test_no_element_has_an_id_but_the_networks_box_and_each_kept_id_names_a_layout_id(shell):
    assert [e["id"] for e in shell.find_all(id=True)] == ["network"] == sorted(SHARED_IDS)
    layout_ids = {c.id for c in components(build_layout()) if isinstance(getattr(c, "id", None), str)}
    kept = {e["data-id"] for e in shell.find_all(attrs={"data-id": True})}
    assert kept <= layout_ids and {"page", "step", "preset", "settings", "panel-tabs", "pick-param"} <= kept


def test_every_kind_of_dash_component_in_the_layout_is_written_as_dash_draws_it():
    # A component the first screen cannot draw would leave a hole the live page fills with a jump.
    kinds = {c._type for c in components(build_layout()) if c._namespace == "dash_core_components"}
    assert kinds - {"Tab"} <= set(_DCC), kinds - set(_DCC)


def test_buttons_headings_and_words_are_the_layouts(shell):
    step = shell.find(attrs={"data-id": "step"})
    assert step.name == "button" and step["class"] == ["btn", "primary"] and step.get_text() == "Step"
    assert shell.find(class_="brand").get_text() == "Backprop Lab"
    assert [th.get_text() for th in shell.select("table.shortcut-table th kbd")][:3] == ["Space", "Enter", "P"]
    assert shell.find(attrs={"data-id": "travel-back"}).has_attr("disabled")
    assert shell.find(attrs={"data-id": "shortcuts"}).has_attr("hidden")  # the overlay stays shut
    assert shell.find(attrs={"data-id": "settings-toggle"})["aria-controls"] == "settings"  # aria-* kept


def test_a_dropdown_shows_its_chosen_options_label_or_its_placeholder(shell):
    def shown(id_):
        return shell.find(attrs={"data-id": id_}).find(class_="dash-dropdown-value").get_text()
    assert shown("preset") == "Default lesson"
    assert shown("speed") == "One phase at a time"
    assert shown("learning-rate") == "1.0"
    assert shown("slice-param") == "W1[0,0]"  # options come with the first answer; the value shows
    assert shown("pick-param") == "Choose a weight or bias…"
    speed = shell.find(attrs={"data-id": "speed"})
    assert speed["class"] == ["dash-dropdown", "speed"] and speed.find_parent(class_="dash-dropdown-wrapper")


def test_tabs_show_their_row_and_only_the_open_tabs_content(shell):
    row = shell.find(attrs={"data-id": "panel-tabs"})
    assert [t.get_text() for t in row.find_all(class_="tab")] == ["One weight", "Toy curves", "Data", "Two weights",
                                                                 "Twins"]
    assert row.find(class_="tab--selected").get_text() == "One weight"
    assert "tab-selected" in row.find(class_="tab--selected")["class"]
    content = row.find_next_sibling(class_="tab-content")
    assert content.find(attrs={"data-id": "slice-chart"})["class"] == ["chart", "line-chart", "js-plotly-plot", "tall"]
    assert shell.find(attrs={"data-id": "ball-chart"}) is None and shell.find(attrs={"data-id": "toy-curve"}) is None


def test_inputs_carry_their_values_and_a_number_its_two_steppers(shell):
    sizes = shell.find(attrs={"data-id": "hidden-sizes"})
    assert sizes.name == "input" and sizes["value"] == "2" and sizes["type"] == "text"
    assert sizes.parent["class"] == ["dash-input-container", "dash-input", "text-input"]
    seed = shell.find(attrs={"data-id": "seed"})
    assert seed["value"] == "0" and seed["type"] == "number"
    assert [b.get_text() for b in seed.parent.find_all("button")] == ["−", "+"]


def test_stores_timers_and_downloads_draw_nothing(shell):
    for id_ in ("lab-state", "panel-retry", "url", "download", "display"):
        assert shell.find(attrs={"data-id": id_}) is None


def test_words_are_escaped_and_styles_written_as_css():
    made = first_screen(html.Div([
        html.P('</div><script>alert("x")</script>', title='" onmouseover="x'),
        html.I(style={"borderWidth": 2.5, "opacity": 0.5, "marginTop": "1em"}),
        dcc.Dropdown(id="d", options=[{"label": "<b>", "value": 1}], value=1),
    ]))
    soup = BeautifulSoup(made, "html.parser")
    assert soup.find("script") is None and soup.find("b") is None
    assert soup.find("p").get_text() == '</div><script>alert("x")</script>'
    assert soup.find("p")["title"] == '" onmouseover="x'
    assert soup.find("i")["style"] == "border-width: 2.5px; opacity: 0.5; margin-top: 1em"
    assert soup.find(class_="dash-dropdown-value").get_text() == "<b>"


def test_the_page_carries_it_after_dashs_entry_point_with_the_pages_own_scripts_before_dashs():
    page = create_app().server.test_client().get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    entry, shell = page.index('id="react-entry-point"'), page.index(f'<div class="{SHELL_CLASS}"')
    network_js, react = page.index("/assets/network.js"), page.index("/deps/react@")
    assert entry < shell < network_js < react
    # The live page's elements come first, so an id names them as soon as they are there.
    assert page.count('id="network"') == 1
    assert page.count("/assets/network.js") == 1 and page.count("/assets/shell.js") == 1
