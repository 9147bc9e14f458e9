"""The HTML page Dash sends (app/page.py): the first picture of the lab its address asks for in it,
no polyfill, Dash's first two answers asked for while the scripts load."""

import json
import re

import pytest

import engine
from app import ASSETS, create_app
from app import page as page_module
from app.actions import preset
from app.links import state_from_query
from app.page import FIRST_VIEW_ID, REGENERATOR
from components.network_view import network_view


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture(scope="module")
def page(app) -> str:
    return app.server.test_client().get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)


def data_block(page: str) -> str:
    match = re.search(rf'<script type="application/json" id="{FIRST_VIEW_ID}">(.*?)</script>', page, re.DOTALL)
    assert match, "the page holds no first picture"
    return match.group(1)


def as_json(value):
    return json.loads(json.dumps(value))


def test_the_page_holds_the_default_lessons_first_picture_before_dashs_entry_point(page):
    view = json.loads(data_block(page))
    status = view.pop("status")
    view.pop("charts")
    assert view == as_json({**network_view(preset("default")), "address": ""})
    # The words over the network, as the server's first answer writes them, as HTML.
    assert status["phase-text"] == preset("default").cursor.words() == "Ready: press Step to send the input forward"
    assert status["counters"] == "Step 0 · Epoch 0"
    assert status["numbers"].startswith('<div class="number"><div class="number-value">0.083</div>')
    assert set(status) == {"phase-text", "counters", "numbers", "numbers-when", "example-note"}
    assert view["geometry"]["key"] == view["key"] == "2-2-1"
    # 2-2-1: five neurons, six weights
    assert len(view["geometry"]["nodes"]) == 5 and len(view["geometry"]["edges"]) == 6
    assert page.index(FIRST_VIEW_ID) < page.index('id="react-entry-point"')


@pytest.mark.parametrize("query, key", [
    ("lesson=circle&hidden=8,8,8,8,8,8", "2-8-8-8-8-8-8-1"),
    ("lesson=circle&hidden=4,2", "2-4-2-1"),
    ("lesson=nonsense&seed=3", "2-2-1"),  # the default lesson, as the server's answer says
    ("present=1", "2-2-1"),  # no lab in it: the default lesson
    ("hidden=" + "9," * 400, "2-2-1"),  # refused sizes: what the link's notice says is used instead
])
def test_a_links_page_holds_the_first_picture_of_the_links_lab_made_for_that_address(app, query, key):
    page = app.server.test_client().get("/?" + query).get_data(as_text=True)
    view = json.loads(data_block(page))
    assert view["address"] == "?" + query
    assert view["key"] == key
    linked = state_from_query("?" + query)
    state = linked.state if linked.state is not None else preset("default")
    assert {k: v for k, v in view.items() if k not in ("address", "status", "charts")} == as_json(network_view(state))
    assert view["status"]["phase-text"] == state.cursor.words()


@pytest.mark.parametrize("query", ["", "?lesson=circle&hidden=4,2"])
def test_the_page_holds_the_loss_curve_with_its_ball_and_the_loss_so_far_of_its_lab(app, query):
    """The two charts beside the network come with the first picture, so the ball is on the first screen."""
    page = app.server.test_client().get("/" + query).get_data(as_text=True)
    charts = json.loads(data_block(page))["charts"]
    linked = state_from_query(query) if query else None
    state = linked.state if linked is not None else preset("default")
    w = engine.ParamRef.parse("W1[0,0]", state.spec).get(state.params)
    curve, ball = charts["slice-chart"]["data"][:2]
    # The curve along W1[0,0], 4 either side of it (121 points, 0.0667 apart); the ball at its value
    # and the loss there, which is the lab's training loss.
    assert len(curve["x"]) == 121 and curve["x"][0] == pytest.approx(w - 4) and curve["x"][-1] == pytest.approx(w + 4)
    assert ball["x"] == [pytest.approx(w)] and ball["y"] == [pytest.approx(engine.evaluate(state)["train_loss"])]
    assert charts["slice-note"].startswith(f"C along W1[0,0] = {w:+.3f}, weights at the start.")
    assert charts["history"]["layout"]["annotations"][0]["text"] == "Train to see the loss fall"


def first_screen_settings(page: str) -> dict:
    """What the first screen's lesson list and a few settings show, as a person reads them."""
    shell = page[page.index('class="first-screen"'):]
    shown = {}
    for id_ in ("preset", "activation", "learning-rate", "dataset"):
        item = re.search(rf'data-id="{id_}".*?<span class="dash-dropdown-value-item"><span>(.*?)</span>', shell, re.DOTALL)
        shown[id_] = item.group(1)
    shown["hidden-sizes"] = re.search(r'<input data-id="hidden-sizes" value="([^"]*)"', shell).group(1)
    return shown


def test_a_links_first_screen_shows_its_lesson_and_settings_and_any_other_address_the_default(app):
    client = app.server.test_client()
    assert first_screen_settings(client.get("/").get_data(as_text=True)) == {
        "preset": "Default lesson", "activation": "Sigmoid", "learning-rate": "1.0", "dataset": "Own examples",
        "hidden-sizes": "2"}
    linked = first_screen_settings(client.get("/?lesson=circle&hidden=8,8,8,8,8,8&lr=0.1").get_data(as_text=True))
    circle = engine.PRESETS["circle"]
    assert linked == {"preset": circle.title, "activation": "Tanh", "learning-rate": "0.1",
                      "dataset": "Circle in a ring", "hidden-sizes": "8, 8, 8, 8, 8, 8"}
    # No lab in the address, or one that cannot be read: the default lesson's, as the live page will show.
    for query in ("?present=1", "?lesson=nonsense&seed=3", "?hidden=" + "9," * 400):
        shown = first_screen_settings(client.get("/" + query).get_data(as_text=True))
        assert shown["preset"] == "Default lesson", query


def test_a_link_that_breaks_the_settings_still_opens_with_the_defaults_first_screen(app, monkeypatch, caplog):
    def broken(search):
        raise RuntimeError("boom")

    monkeypatch.setattr(page_module, "linked_values", broken)
    answer = app.server.test_client().get("/?lesson=circle&seed=77")
    assert answer.status_code == 200
    assert first_screen_settings(answer.get_data(as_text=True))["preset"] == "Default lesson"
    assert "Traceback" not in answer.get_data(as_text=True)


def test_an_address_longer_than_any_link_gets_no_picture(app):
    page = app.server.test_client().get("/?hidden=" + "8" * 5000).get_data(as_text=True)
    assert FIRST_VIEW_ID not in page and 'id="react-entry-point"' in page


def test_no_text_in_the_picture_can_close_its_script_element(monkeypatch):
    hostile = {"title": "</script><script>alert(1)</script> <!-- x < y"}
    monkeypatch.setattr(page_module, "network_view", lambda state: hostile)
    monkeypatch.setattr(page_module, "status_texts", lambda state: {"phase": hostile["title"]})
    page_module._tag.cache_clear()
    tag = page_module.first_view_tag("?x")
    page_module._tag.cache_clear()
    inside = tag[tag.index(">") + 1:-len("</script>")]
    assert "<" not in inside
    assert json.loads(inside) == {**hostile, "address": "?x", "charts": json.loads(inside)["charts"], "status": {"phase-text": "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- x &lt; y"}}


def test_the_polyfill_is_replaced_by_regenerator_runtime_before_dashs_own_bundles(app, page):
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert not [s for s in scripts if "polyfill" in s]
    runtime = scripts.index(f"/assets/{REGENERATOR}")
    renderer = next(i for i, s in enumerate(scripts) if "dash_renderer" in s)
    dcc = next(i for i, s in enumerate(scripts) if "dash_core_components" in s)
    assert runtime < renderer and runtime < dcc  # their lazy components call regeneratorRuntime as they load
    served = app.server.test_client().get(f"/assets/{REGENERATOR}", headers={"Accept-Encoding": "identity"})
    assert served.status_code == 200 and b"regeneratorRuntime = runtime" in served.get_data()
    assert (ASSETS / "vendor" / "regenerator-runtime-LICENSE.txt").read_text().startswith("MIT License")


def test_dashs_layout_and_callbacks_are_asked_for_as_the_page_arrives():
    for prefix in ("/", "/lab/"):
        app = create_app(requests_pathname_prefix=prefix, routes_pathname_prefix=prefix)
        page = app.server.test_client().get(prefix).get_data(as_text=True)
        head = page[:page.index("</head>")]
        for name in ("_dash-layout", "_dash-dependencies"):
            # crossorigin="anonymous": the same request mode and credentials as the renderer's own
            # fetch, so the browser hands it this answer instead of asking again.
            assert f'<link rel="preload" href="{prefix}{name}" as="fetch" crossorigin="anonymous">' in head
            assert app.server.test_client().get(prefix + name).status_code == 200
