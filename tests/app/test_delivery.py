"""The page's files travel compressed, are compressed once, and are kept by the browser when versioned.

Checked through Flask's test client on the real app: what the server answers for each kind of file
(Dash's fingerprinted suites, its unversioned lazy chunks, our assets, the vendored Plotly bundle,
a callback's answer), with and without an Accept-Encoding.
"""

import gzip
import json
import re

import brotli
import pytest

import engine
from app import ASSETS, create_app
from app.delivery import BundleCache, bundle_bytes, bundle_key

YEAR = "max-age=31536000"


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


@pytest.fixture(scope="module")
def page(client) -> str:
    return client.get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)


def decoded(response) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    assert encoding is None
    return body


def suite_url(page: str, name: str) -> str:
    return next(u for u in re.findall(r'src="([^"]+)"', page) if name in u)


def test_a_bundle_is_compressed_in_the_encoding_the_browser_prefers_and_decodes_to_the_same_bytes(client, page):
    url = suite_url(page, "dash_core_components.v")
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.headers.get("Content-Encoding") is None
    chrome = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert chrome.headers["Content-Encoding"] == "br"
    old = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert old.headers["Content-Encoding"] == "gzip"
    assert decoded(chrome) == decoded(old) == plain.get_data()
    # dcc's main bundle is 355 KB; compressed it is a fifth of that or less.
    assert len(chrome.get_data()) < len(plain.get_data()) / 4
    assert len(old.get_data()) < len(plain.get_data()) / 3.5
    for response in (plain, chrome, old):
        assert "Accept-Encoding" in response.headers["Vary"]
        assert int(response.headers["Content-Length"]) == len(response.get_data())


def test_versioned_files_are_kept_for_a_year_and_unversioned_ones_are_revalidated(client, page):
    fingerprinted = client.get(suite_url(page, "dash_renderer"), headers={"Accept-Encoding": "br"})
    asset = client.get(suite_url(page, "/assets/network.js?m="), headers={"Accept-Encoding": "br"})
    vendor = client.get("/assets/vendor/plotly-lab-4.1.1.min.js", headers={"Accept-Encoding": "br"})
    for response in (fingerprinted, asset, vendor):
        assert response.status_code == 200
        cache = response.headers["Cache-Control"]
        assert YEAR in cache and "immutable" in cache and "no-cache" not in cache
    # Dash's lazily loaded chunks have no version in their address: kept only with their ETag.
    chunk = client.get("/_dash-component-suites/dash/dcc/async-graph.js", headers={"Accept-Encoding": "br"})
    assert chunk.status_code == 200 and YEAR not in chunk.headers.get("Cache-Control", "")
    again = client.get("/_dash-component-suites/dash/dcc/async-graph.js",
                       headers={"Accept-Encoding": "br", "If-None-Match": chunk.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    # The page itself and an unversioned asset are never kept for long.
    for response in (client.get("/"), client.get("/assets/network.js")):
        assert YEAR not in response.headers.get("Cache-Control", "")


def test_the_page_names_no_full_plotly_and_its_loader_names_a_bundle_that_exists(client, page):
    assert not re.search(r'<script src="[^"]*plotly[^"]*\.min\.js"', page)  # loaded on demand, not with the page
    loader = (ASSETS / "plotly-loader.js").read_text()
    name = re.search(r'"(vendor/[^"]+\.js)"', loader).group(1)
    bundle = client.get(f"/assets/{name}", headers={"Accept-Encoding": "identity"})
    assert bundle.status_code == 200
    head = bundle.get_data()[:200].decode()
    version = re.search(r"plotly\.js \(scatter, bar, heatmap, contour - minified\) v([\d.]+)", head).group(1)
    assert f"-{version}.min.js" in name  # the name carries the version the browser caches it by
    assert (ASSETS / "vendor" / "plotly.js-LICENSE.txt").read_text().startswith("MIT License")


def test_every_trace_type_the_app_draws_is_in_the_bundle():
    """The bundle registers scatter, bar, heatmap and contour only; a figure of another type (a box
    plot, a 3-D surface) would draw nothing. Every figure the app makes is checked."""
    from pathlib import Path

    bundle = (ASSETS / "vendor" / "plotly-lab-4.1.1.min.js").read_text()
    root = Path(__file__).resolve().parents[2]
    drawn = set()
    for folder in ("app", "components"):
        for source in (root / folder).glob("*.py"):
            drawn |= set(re.findall(r'"type":\s*"([a-z0-9]+)"', source.read_text()))
            drawn |= {m.lower() for m in re.findall(r"go\.([A-Z][a-z0-9]+)\(", source.read_text())}
    drawn -= {"application", "log", "linear"}  # a download's MIME type and axis scales, not traces
    assert {"scatter", "bar", "heatmap", "contour"} <= drawn
    for trace in drawn:
        assert f'moduleType:"trace",name:"{trace}"' in bundle, trace


def test_a_callback_answer_is_compressed_too(app, client):
    from bench.app import body, controls

    state = engine.PRESETS["default"].state()
    values = controls(state) | {"preset.value": "default", "lab-state.data": state.to_dict(),
                                "start-state.data": state.to_dict(), "speed.value": "phase"}
    payload = body(app, "..lab-state.data", values, "step.n_clicks")
    answer = client.post("/_dash-update-component", json=payload, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert answer.status_code == 200, answer.get_data()[:300]
    assert answer.headers["Content-Encoding"] == "br"
    assert "lab-state" in json.loads(brotli.decompress(answer.get_data()))["response"]
    plain = client.post("/_dash-update-component", json=payload)  # no Accept-Encoding: as it is
    assert plain.headers.get("Content-Encoding") is None and "lab-state" in plain.get_json()["response"]


def test_a_bundle_is_compressed_once_whatever_fingerprint_a_client_writes(app, client, page):
    cache = app.server.extensions["compress"].cache
    url = suite_url(page, "dash_html_components")
    client.get(url, headers={"Accept-Encoding": "br"})
    entries = len(cache._entries)
    for version in range(20):
        made_up = re.sub(r"\.v[\w]+m\d+\.", f".v9_{version}m{version}.", url)
        answer = client.get(made_up, headers={"Accept-Encoding": "br"})
        assert answer.status_code == 200  # Dash serves any fingerprint...
    assert len(cache._entries) == entries  # ...as the one file it is


def test_bundle_keys_name_files_and_nothing_else(tmp_path, monkeypatch):
    import os
    from types import SimpleNamespace

    def req(path, method="GET"):
        return SimpleNamespace(path=path, method=method)

    assert bundle_key(req("/_dash-component-suites/dash/dcc/dash_core_components.v4_4_1m17.js")) == \
        "suite|dash|dcc/dash_core_components.js"
    assert bundle_key(req("/_dash-update-component", "POST")) == ""
    assert bundle_key(req("/")) == ""
    assert bundle_key(req("/assets/no-such-file.js")) == ""
    assert bundle_key(req("/assets/../app/__init__.py")) == ""
    assert bundle_key(req("/assets/network.js")).startswith("asset|network.js|")
    assert bundle_bytes(bundle_key(req("/assets/network.js"))) == (ASSETS / "network.js").read_bytes()
    # An edited asset is a new key: its compressed copy is made again.
    monkeypatch.setattr("app.delivery.ASSETS_FOLDER", tmp_path)
    (tmp_path / "a.js").write_text("1")
    first = bundle_key(req("/assets/a.js"))
    os.utime(tmp_path / "a.js", ns=(0, 10**9))
    assert bundle_key(req("/assets/a.js")) != first


def test_the_cache_compresses_each_bundle_once_at_the_slow_level_and_nothing_else():
    cache = BundleCache()
    key = "suite|dash|dcc/dash_core_components.js"
    plain = bundle_bytes(key)
    made = cache.get(f"br;{key}")
    assert brotli.decompress(made) == plain
    assert len(made) <= len(brotli.compress(plain, quality=5))  # at least as small as brotli 5
    assert cache.get(f"br;{key}") is made  # kept: the same bytes, not made again
    assert gzip.decompress(cache.get(f"gzip;{key}")) == plain
    assert cache.bytes == len(made) + len(cache.get(f"gzip;{key}"))
    # Not a bundle (a callback's answer, the page) or an encoding it does not make: flask-compress's own.
    assert cache.get("br;") is None and cache.get(f"zstd;{key}") is None
    cache.set("br;", b"x")
    assert cache.get("br;") is None
    # Within its bytes: a bundle that would pass the limit is given, not kept.
    small = BundleCache(max_bytes=len(made))
    small.get(f"br;{key}")
    assert small.get(f"gzip;{key}") is not None and small.bytes == len(made)
