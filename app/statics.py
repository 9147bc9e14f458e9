"""A missing script or stylesheet is a short 404, not a 500 with a traceback in the log.

Dash serves its bundles at /_dash-component-suites/<package>/<path>. For a package or path it did not
register it raises DependencyException, and for a path it registered but its package does not ship
(dash lists source maps such as dash_renderer.min.js.map that are not in the wheel) pkgutil raises
FileNotFoundError: both become a 500 with ~2–3 KB of traceback and absolute paths in the log, so a
60-byte request could flood it. Here every suite path is checked before Dash reads it: a file Dash
registered and its package holds goes on to Dash, anything else gets 404 and nothing is logged.
Missing files under /assets/ are already 404s from Flask's static view.

This is not access control: every path Dash registers is public anyway.
"""

import sys
from pathlib import Path

from dash.fingerprint import check_fingerprint
from flask import Response, request

PREFIX = "_dash-component-suites/"


def _shipped(package: str, path: str) -> bool:
    """The file is in the installed package (a path Dash registered, so no '..' games reach here)."""
    module = sys.modules.get(package)
    where = getattr(module, "__file__", None)
    return where is not None and (Path(where).parent / path).is_file()


def add_missing_file_guard(app) -> None:
    """Answer 404 for a suite path Dash would fail on. Runs after Dash's own first-request setup
    (registered earlier), which registers every path the page can ask for."""
    prefix = app.config.routes_pathname_prefix + PREFIX
    known: dict[tuple[str, str], bool] = {}  # only registered paths are cached: a bounded set

    @app.server.before_request
    def _missing_suite_file():
        if request.method not in ("GET", "HEAD") or not request.path.startswith(prefix):
            return None
        package, _, fingerprinted = request.path[len(prefix):].partition("/")
        path, _ = check_fingerprint(fingerprinted)
        if path in app.registered_paths.get(package, ()):
            key = (package, path)
            if key not in known:
                known[key] = _shipped(package, path)
            if known[key]:
                return None
        return Response("Not found.\n", status=404, mimetype="text/plain")
