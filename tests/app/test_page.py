"""The HTML page Dash sends (app/page.py): the first picture in it, no polyfill, Dash's first two
answers asked for while the scripts load."""

import json
import re

import pytest

from app import ASSETS, create_app
from app import page as page_module
from app.layout import first_view
from app.page import FIRST_VIEW_ID, REGENERATOR


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture(scope="module")
def page(app) -> str:
    return app.server.test_client().get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)


def data_block(page: str) -> str:
    match = re.search(rf'<script type="application/json" id="{FIRST_VIEW_ID}">(.*?)</script>', page, re.S)
    assert match, "the page holds no first picture"
    return match.group(1)


def test_the_page_holds_the_default_lessons_first_picture_before_dashs_entry_point(page):
    view = json.loads(data_block(page))
    assert view == json.loads(json.dumps(first_view()))
    assert view["initial"] is True and view["geometry"]["key"] == view["key"]
    # 2-2-1: five neurons, six weights
    assert len(view["geometry"]["nodes"]) == 5 and len(view["geometry"]["edges"]) == 6
    assert page.index(FIRST_VIEW_ID) < page.index('id="react-entry-point"')


def test_no_text_in_the_picture_can_close_its_script_element(monkeypatch):
    hostile = {"initial": True, "title": "</script><script>alert(1)</script> <!-- x < y"}
    monkeypatch.setattr(page_module, "first_view", lambda: hostile)
    tag = page_module.first_view_tag()
    inside = tag[tag.index(">") + 1:-len("</script>")]
    assert "<" not in inside
    assert json.loads(inside) == hostile


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
