"""The HTML page Dash sends for every visit, as Dash makes it with two changes, both for how soon
the network appears on a classroom laptop:

- the first picture of the lab the address asks for is in it, as data: the default lesson's
  (the same for every first visit), or a link's (app/links.py); assets/network.js draws it in the
  moment Dash puts the network's box on the page, if the tab keeps no lab of its own;
- Babel's polyfill (core-js for browsers of before 2017: 100 KB that take a laptop 80-250 ms to
  run) is replaced by the one part of it Dash's own bundles call, regenerator-runtime (a global
  `regeneratorRuntime` for the lazy components' code), vendored in assets/vendor/ with its licence.
"""

import json
import logging
import re
from functools import lru_cache

import dash
from dash.development.base_component import Component
from flask import has_request_context, request
from plotly.utils import PlotlyJSONEncoder

from components.network_view import network_view

from . import actions, links, panels
from .callbacks import STATUS_IDS, control_values, status_texts
from .first_screen import first_screen, html_of

log = logging.getLogger(__name__)
FIRST_VIEW_ID = "first-view-data"
REGENERATOR = "vendor/regenerator-runtime-0.14.1.js"
# Dash's own tag for the polyfill, from its renderer's dependencies (dash/_dash_renderer.py).
POLYFILL_TAG = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>')


def first_view_tag(search: str = "") -> str:
    """The first picture of the lab at this address ("" or a link's "?lesson=…"), as a data block:
    JSON in a script element the browser does not run. Its "address" is the one it was made for:
    the page draws it only there (assets/network.js).

    Not in a dcc.Store: a store's data reaches the page's scripts only through a callback, and
    Dash runs the first callbacks only once every component of the layout is on the page and its
    lazy parts are loaded, a few hundred milliseconds after the network's box is there."""
    if len(search) > links.MAX_QUERY + 1:
        return ""  # the server's answer tells what is wrong with it
    return _tag(search)


@lru_cache(maxsize=16)  # a class opening the teacher's link: the picture is made once
def _tag(search: str) -> str:
    # The lab `act` will build from the same address (app/arrivals.py): a link's, else the default.
    linked = _linked(search)
    state = linked.state if linked is not None and linked.state is not None else actions.preset("default")
    # The words over the network come too, as the first screen's HTML: the live page takes its
    # place once the server's first answer has written them there (assets/shell.js).
    status = {STATUS_IDS[k]: html_of(v) for k, v in status_texts(state).items()}
    data = json.dumps({**network_view(state), "address": search, "status": status,
                       "charts": panels.first_charts(state)}, cls=PlotlyJSONEncoder,
                      separators=(",", ":"))
    # "<" escaped: the data can never close its script element (a lesson's text holds any character).
    return f'<script type="application/json" id="{FIRST_VIEW_ID}">{data.replace("<", chr(92) + "u003c")}</script>'


@lru_cache(maxsize=16)
def _linked(search: str):
    """What a link asks for, read once for its picture and its settings (None for no link)."""
    return links.state_from_query(search) if search else None


@lru_cache(maxsize=16)
def linked_values(search: str) -> tuple:
    """What the settings controls and the lesson list show for the lab a link builds, as (id, value)
    pairs; none for an address without a link's lab (the layout's own values are the default lesson's)."""
    linked = _linked(search) if len(search) <= links.MAX_QUERY + 1 else None
    if linked is None or linked.state is None:
        return ()
    values = control_values(linked.state)
    if linked.lesson is not None:
        values["preset"] = linked.lesson
    return tuple((name, tuple(v) if isinstance(v, list) else v) for name, v in values.items())  # a cache key


def _showing(node, values: dict) -> None:
    """Set each control of the layout named in `values` to show its value."""
    if isinstance(node, (list, tuple)):
        for child in node:
            _showing(child, values)
    elif isinstance(node, Component):
        if isinstance(getattr(node, "id", None), str) and node.id in values:
            value = values[node.id]
            node.value = list(value) if isinstance(value, tuple) else value
        _showing(getattr(node, "children", None), values)


class LabDash(dash.Dash):
    """dash.Dash with the page above (interpolate_index is Dash's documented way to change it)."""

    def _first_screen(self, search: str = "") -> str:
        # The layout is the same for every visit but for the settings a link's lab shows (each tab's
        # own lab comes from its storage or its link): its HTML is written once, and once for each
        # of the last few links opened (a class opening the teacher's link).
        try:
            values = linked_values(search)
        except Exception:  # whatever a link holds, the page opens: its first screen shows the default's settings
            log.exception("the first screen of link %r could not be written", search[:100])
            values = ()
        screens = self.__dict__.setdefault("_first_screens", {})
        if values not in screens:
            layout = self.layout() if callable(self.layout) else self.layout
            _showing(layout, dict(values))
            if len(screens) > 16:
                screens.pop(next(k for k in screens if k))  # the oldest link's; the default's stays
            screens[values] = first_screen(layout)
        return screens[values]

    def interpolate_index(self, **kwargs):
        regenerator = f'<script src="{self.get_asset_url(REGENERATOR)}"></script>'
        # Dash without the polyfill tag (another Dash version) keeps its page as it is: the polyfill
        # brings regenerator-runtime too, and tests/app/test_page.py says the tag has moved.
        kwargs["scripts"] = POLYFILL_TAG.sub(lambda _: regenerator, kwargs.get("scripts", ""), count=1)
        query = request.query_string.decode("utf-8", "replace") if has_request_context() else ""
        # The page's own scripts come straight after the first screen, before Dash's (React's
        # 130 KB and Dash's renderer are read first otherwise): they draw the first picture into it.
        ours = re.compile(rf'<script src="{re.escape(self.get_asset_url(""))}(?!vendor/)[^"]*"></script>\s*')
        own_scripts = "".join(m.group(0) for m in ours.finditer(kwargs["scripts"]))
        kwargs["scripts"] = ours.sub("", kwargs["scripts"])
        kwargs["app_entry"] = (first_view_tag("?" + query if query else "") + kwargs.get("app_entry", "")
                               + self._first_screen("?" + query if query else "") + own_scripts)
        prefix = self.config.requests_pathname_prefix
        kwargs["css"] = "".join(f'<link rel="preload" href="{prefix}{name}" as="fetch" crossorigin="anonymous">'
                                for name in ("_dash-layout", "_dash-dependencies")) + kwargs.get("css", "")
        return super().interpolate_index(**kwargs)
