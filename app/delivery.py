"""How the page's files travel: compressed when the browser accepts it, compressed once, cached for a year.

A cold load used to move 6.3 MB before the network was painted, none of it compressed: over a
classroom's shared Wi-Fi that is most of a minute per student (bench/wifi.py). Here:

- Every answer a browser accepts compressed is compressed (brotli, else gzip) by flask-compress,
  which negotiates Accept-Encoding, sets Vary and keeps ETags apart per encoding.
- The page's bundles (Dash's component suites and our assets) are the same bytes for everyone:
  each is compressed once per encoding, at a slow level that gives small files, and kept
  (`BundleCache`), so thirty students cost the CPU of one. Callback answers differ every time and
  are compressed as they go, at the fastest level.
- Versioned URLs are cached by the browser for a year: Dash puts a fingerprint in a suite file's
  name and `?m=<mtime>` after an asset's, and a file in assets/vendor/ carries its version in its
  name, so a changed file gets a new URL and a reload asks for nothing it has. Unversioned ones
  (Dash's lazily loaded chunks) are revalidated with their ETag.
"""

import gzip
import os
import pkgutil
import threading

import brotli
from dash.fingerprint import check_fingerprint
from flask import request
from flask_compress import Compress
from werkzeug.security import safe_join

from . import ASSETS as ASSETS_FOLDER

YEAR = 31_536_000  # seconds
# Bundles are compressed once, so they get the small output of a slow level: Plotly's bundle is
# 444 KB in 0.2 s at brotli 9 (455 KB at 5, 557 KB at 1; 410 KB at 11, but in 2.7 s).
BUNDLE_BROTLI, BUNDLE_GZIP = 9, 9
# Callback answers are compressed every time, so they get the fastest level: a 613 KB answer of
# numbers takes 3.5 ms at brotli 1 for 283 KB, 45 ms at 5 for 288 KB; gzip 6 took 196 ms.
ANSWER_BROTLI, ANSWER_GZIP = 1, 1
ENCODE = {
    "br": lambda data: brotli.compress(data, quality=BUNDLE_BROTLI),
    "gzip": lambda data: gzip.compress(data, BUNDLE_GZIP, mtime=0),
}
CACHE_BYTES = 16 * 2**20  # every bundle the page can load, in both encodings, is ~5 MB
SUITES = "/_dash-component-suites/"
ASSETS = "/assets/"
VENDOR = ASSETS + "vendor/"  # bundles of other projects, each named with its version


def bundle_key(req) -> str:
    """The file a GET for a page bundle names ('' for anything else: not cached).

    'suite|<package>|<path>' or 'asset|<path>|<modification time>'. The fingerprint (any version
    number a client writes) and the query are left out, so the keys are the files the server has:
    a bounded set, whatever URLs clients make up. An asset's modification time is in its key, so an
    edited asset (`--debug` reloads them) is compressed anew.
    """
    if req.method != "GET":
        return ""
    if req.path.startswith(SUITES):
        package, _, fingerprinted = req.path[len(SUITES):].partition("/")
        return f"suite|{package}|{check_fingerprint(fingerprinted)[0]}"
    if req.path.startswith(ASSETS):
        relative = req.path[len(ASSETS):]
        where = safe_join(str(ASSETS_FOLDER), relative)
        try:
            return f"asset|{relative}|{os.stat(where).st_mtime_ns}" if where else ""
        except OSError:  # no such file: Flask answers 404, which is never compressed
            return ""
    return ""


def bundle_bytes(name: str) -> bytes:
    """The file a bundle key names, as the server holds it."""
    kind, where, detail = name.split("|")
    if kind == "suite":
        return pkgutil.get_data(where, detail)  # as Dash itself reads it
    return (ASSETS_FOLDER / where).read_bytes()


class BundleCache:
    """flask-compress's cache backend: each page bundle compressed once, by '<encoding>;<bundle key>'.

    flask-compress asks it before compressing an answer (only answers with status 200 reach here).
    For a bundle it answers from memory, or reads the file, compresses it at the bundle level
    (once: a second request for the same bundle waits for the first one's result) and keeps it
    while the total stays within max_bytes. For anything else it answers None, and flask-compress
    compresses that answer itself, at the fast level.
    """

    def __init__(self, max_bytes: int = CACHE_BYTES):
        self.max_bytes = max_bytes
        self._entries: dict[str, bytes] = {}
        self._making = threading.Lock()
        self.bytes = 0

    def get(self, key: str):
        encoding, _, name = key.partition(";")
        if not name or encoding not in ENCODE:
            return None
        found = self._entries.get(key)
        if found is not None:
            return found
        with self._making:
            found = self._entries.get(key)
            if found is None:
                try:
                    found = ENCODE[encoding](bundle_bytes(name))
                except OSError:  # gone since the answer was made: flask-compress compresses the answer
                    return None
                if self.bytes + len(found) <= self.max_bytes:
                    self._entries[key] = found
                    self.bytes += len(found)
            return found

    def set(self, key: str, value: bytes) -> None:
        """flask-compress hands back what it sent: bundles are kept by `get`, answers never."""


def add_delivery(app) -> None:
    """Compression and caching headers for the Dash app's Flask server."""
    server = app.server
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=ANSWER_BROTLI,
        COMPRESS_LEVEL=ANSWER_GZIP,
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
