"""A missing script, source map or asset is a short 404 from the real server, and the log stays quiet.

Before app/statics.py, each of these 60-byte requests answered 500 and wrote 2–3 KB of traceback with
absolute paths to the server's log. Now: 404, a short body, and at most one access line logged.
"""

import re

import pytest

from bench.server import AppServer, request

SUITES = "/_dash-component-suites"


@pytest.fixture(scope="module")
def server():
    with AppServer() as s:
        yield s


@pytest.fixture(scope="module")
def unshipped() -> list[str]:
    """Paths Dash registers (and would try to serve) that its own package does not hold: the source
    maps dash lists but does not ship in its wheel."""
    import pkgutil

    from app import create_app

    app = create_app()
    app.server.test_client().get("/")  # Dash registers its paths while it builds the first page
    missing = []
    for package, paths in app.registered_paths.items():
        for path in sorted(paths):
            try:
                pkgutil.get_data(package, path)
            except OSError:
                missing.append(f"{SUITES}/{package}/{path}")
    return missing


def test_dash_lists_files_it_does_not_ship(unshipped):
    # The case that made the 500s: if a later dash ships every file, the other paths still test the guard.
    assert all(p.endswith(".map") for p in unshipped)


@pytest.mark.parametrize("path", [
    f"{SUITES}/app/x.js",  # a package Dash never registered
    f"{SUITES}/dash/nothing.js",  # a registered package, an unknown file
    f"{SUITES}/dash/dcc/../../x.js",
    f"{SUITES}/dash/deps/nothing.v4_4_1m1796447186.min.js",  # a fingerprinted name of no registered file
    f"{SUITES}/plotly/package_data/nothing.min.js",
    f"{SUITES}/x",  # not even <package>/<path> (the page's catch-all would have answered it)
    f"{SUITES}/",
    "/assets/nothing.js",
    "/assets/../app/__init__.py",
])
def test_a_missing_file_is_a_short_404_without_a_traceback(server, path):
    check_404(server, path)


def test_a_source_map_dash_lists_but_does_not_ship_is_a_short_404(server, unshipped):
    for path in unshipped:
        check_404(server, path)


def check_404(server, path):
    before = server.log_size()
    status, data, _ = request(server.port, "GET", path)
    logged = server.log_text(before)
    assert status == 404, (path, status, data[:200])
    assert len(data) < 300 and b"Traceback" not in data and b"/work" not in data
    assert "Traceback" not in logged and len(logged.splitlines()) <= 1, logged[:500]


def test_the_page_still_gets_every_file_it_asks_for(server):
    page = request(server.port, "GET", "/")[1].decode()
    files = re.findall(rf'(?:src|href)="({SUITES}/[^"]+|/assets/[^"]+)"', page)
    assert len(files) >= 8
    for path in files:
        status, data, _ = request(server.port, "GET", path.split("?")[0])
        assert status == 200 and data, path
    assert request(server.port, "GET", f"{SUITES}/plotly/package_data/plotly.min.js")[0] == 200
