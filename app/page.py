"""The HTML page Dash sends for every visit, as Dash makes it with two changes, both for how soon
the network appears on a classroom laptop:

- the default lesson's first picture is in it, as data (app/layout.py first_view), drawn by
  assets/network.js in the moment Dash puts the network's box on the page;
- Babel's polyfill (core-js for browsers of before 2017: 100 KB that take a laptop 80-250 ms to
  run) is replaced by the one part of it Dash's own bundles call, regenerator-runtime (a global
  `regeneratorRuntime` for the lazy components' code), vendored in assets/vendor/ with its licence.
"""

import json
import re

import dash
from plotly.utils import PlotlyJSONEncoder

from .layout import first_view

FIRST_VIEW_ID = "first-view-data"
REGENERATOR = "vendor/regenerator-runtime-0.14.1.js"
# Dash's own tag for the polyfill, from its renderer's dependencies (dash/_dash_renderer.py).
POLYFILL_TAG = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>')


def first_view_tag() -> str:
    """first_view() as a data block: JSON in a script element the browser does not run.

    Not in a dcc.Store: a store's data reaches the page's scripts only through a callback, and
    Dash runs the first callbacks only once every component of the layout is on the page and its
    lazy parts are loaded, a few hundred milliseconds after the network's box is there."""
    data = json.dumps(first_view(), cls=PlotlyJSONEncoder, separators=(",", ":"))
    # "<" escaped: the data can never close its script element (a lesson's text holds any character).
    return f'<script type="application/json" id="{FIRST_VIEW_ID}">{data.replace("<", chr(92) + "u003c")}</script>'


class LabDash(dash.Dash):
    """dash.Dash with the page above (interpolate_index is Dash's documented way to change it)."""

    def interpolate_index(self, **kwargs):
        regenerator = f'<script src="{self.get_asset_url(REGENERATOR)}"></script>'
        # Dash without the polyfill tag (another Dash version) keeps its page as it is: the polyfill
        # brings regenerator-runtime too, and tests/app/test_page.py says the tag has moved.
        kwargs["scripts"] = POLYFILL_TAG.sub(lambda _: regenerator, kwargs.get("scripts", ""), count=1)
        kwargs["app_entry"] = first_view_tag() + kwargs.get("app_entry", "")
        prefix = self.config.requests_pathname_prefix
        kwargs["css"] = "".join(f'<link rel="preload" href="{prefix}{name}" as="fetch" crossorigin="anonymous">'
                                for name in ("_dash-layout", "_dash-dependencies")) + kwargs.get("css", "")
        return super().interpolate_index(**kwargs)
