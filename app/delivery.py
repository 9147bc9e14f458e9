"""How the page's files travel: compressed when the browser accepts it, compressed once, cached for a year.

A cold load used to move 6.3 MB before the network was painted, none of it compressed: over a
classroom's shared Wi-Fi that is most of a minute per student (bench/wifi.py). Here:

- Every answer a browser accepts compressed is compressed (brotli, else gzip) by flask-compress,
  which negotiates Accept-Encoding, sets Vary and keeps ETags apart per encoding.
- The page's bundles (Dash's component suites and our assets) are the same bytes for everyone:
  each is compressed once per encoding and kept (`BundleCache`), so thirty students cost the CPU
  of one. Callback answers differ every time and are compressed as they go, at a fast level.
- Versioned URLs are cached by the browser for a year: Dash puts a fingerprint in a suite file's
  name and `?m=<mtime>` after an asset's, and a file in assets/vendor/ carries its version in its
  name, so a changed file gets a new URL and a reload asks for nothing it has. Unversioned ones
  (Dash's lazily loaded chunks) are revalidated with their ETag.
"""

import os
import threading

from dash.fingerprint import check_fingerprint
from flask import request
from flask_compress import Compress
from werkzeug.security import safe_join

from . import ASSETS as ASSETS_FOLDER

YEAR = 31_536_000  # seconds
BROTLI_LEVEL = 5  # 454 KB for the Plotly bundle in 70 ms; level 11 saves 10 % more for 2.7 s
GZIP_LEVEL = 6
CACHE_BYTES = 16 * 2**20  # every bundle the page can load, in both encodings, is ~5 MB
SUITES = "/_dash-component-suites/"
ASSETS = "/assets/"
VENDOR = ASSETS + "vendor/"  # bundles of other projects, each named with its version


def bundle_key(req) -> str:
    """The file a GET for a page bundle names ('' for anything else: not cached).

    The fingerprint (any version number a client writes) and the query are left out, so the keys
    are the files the server has: a bounded set, whatever URLs clients make up. An asset's key
    holds its modification time, so an edited asset (`--debug` reloads them) is compressed anew.
    """
    if req.method != "GET":
        return ""
    if req.path.startswith(SUITES):
        package, _, fingerprinted = req.path[len(SUITES):].partition("/")
        return f"{package}/{check_fingerprint(fingerprinted)[0]}"
    if req.path.startswith(ASSETS):
        where = safe_join(str(ASSETS_FOLDER), req.path[len(ASSETS):])
        try:
            return f"{req.path}@{os.stat(where).st_mtime_ns}" if where else ""
        except OSError:  # no such file: Flask answers 404, which is never compressed
            return ""
    return ""


class BundleCache:
    """flask-compress's cache backend: compressed bundles by '<encoding>;<file>', within CACHE_BYTES.

    flask-compress asks it about every compressed answer; only page bundles (a non-empty file in
    the key, and only answers with status 200 reach here) are kept.
    """

    def __init__(self, max_bytes: int = CACHE_BYTES):
        self.max_bytes = max_bytes
        self._entries: dict[str, bytes] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keeps(key: str) -> bool:
        return bool(key.partition(";")[2])

    def get(self, key: str):
        return self._entries.get(key) if self._keeps(key) else None

    def set(self, key: str, value: bytes) -> None:
        if not self._keeps(key):
            return
        with self._lock:
            if key not in self._entries and self.bytes + len(value) <= self.max_bytes:
                self._entries[key] = value

    @property
    def bytes(self) -> int:
        return sum(map(len, self._entries.values()))


def add_delivery(app) -> None:
    """Compression and caching headers for the Dash app's Flask server."""
    server = app.server
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=BROTLI_LEVEL,
        COMPRESS_LEVEL=GZIP_LEVEL,
        COMPRESS_CACHE_BACKEND=BundleCache,
        COMPRESS_CACHE_KEY=bundle_key,
    )

    # Registered before flask-compress, so it runs after it (Flask runs after_request functions
    # last-registered first): the headers go on the compressed answer.
    @server.after_request
    def _cache_headers(response):
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        path = request.path
        versioned = (path.startswith(SUITES) and check_fingerprint(path)[1]) or path.startswith(VENDOR) or (
            path.startswith(ASSETS) and "m" in request.args)
        if versioned:
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        return response

    server.extensions["compress"] = Compress(server)  # (flask-compress keeps no reference of its own)

    # Registered after flask-compress, so it runs before it: Flask sends an asset as a stream
    # straight from its file, which flask-compress compresses on every request and never caches.
    # Read into memory (our assets are small; the Plotly bundle is 1.5 MB), it is compressed once.
    @server.after_request
    def _assets_in_memory(response):
        if request.method == "GET" and request.path.startswith(ASSETS) and response.status_code == 200 \
                and response.is_streamed:
            response.direct_passthrough = False
            response.set_data(response.get_data())
        return response
