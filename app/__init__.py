"""The Dash app: create_app() builds it; layout and callbacks live in their own modules."""

import gc
from pathlib import Path

import dash

from engine import limits

# assets/ is app/'s sibling in a checkout and in a wheel alike (site-packages/backprop_lab/ holds both):
# Dash serves it from a real folder, so it is found on disk, beside the code that was imported.
ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app(**options) -> dash.Dash:
    """A new Backprop Lab app. Options go to dash.Dash (e.g. title)."""
    from components import line_chart, words

    from .callbacks import register_callbacks
    from .delivery import add_delivery
    from .guard import add_request_guard
    from .layout import build_layout
    from .maths import register_maths_callbacks
    from .page import LabDash
    from .panels import register_panel_callbacks
    from .predict import register_predict_callbacks
    from .security import add_security_headers
    from .sharing import register_sharing_callbacks
    from .statics import add_missing_file_guard
    from .ticks import add_ticks
    from .tour import register_tour_callbacks
    from .twin_panel import register_twin_callbacks
    from .worksheet import add_worksheet, register_worksheet_callbacks

    if not (ASSETS / "network.js").is_file():  # a page without its scripts would draw no network, silently
        raise RuntimeError(f"Backprop Lab's assets are missing: no {ASSETS / 'network.js'}. Reinstall it.")
    app = LabDash(
        __name__,
        assets_folder=str(ASSETS),
        # Served, not put in the page: assets/plotly-loader.js has the charts load it when needed.
        assets_path_ignore=["^vendor$"],
        title=options.pop("title", "Backprop Lab"),
        update_title=None,  # no "Updating..." flicker in the tab while playing
        serve_locally=True,
        **options,
    )
    # Every callback request passes through the page's hooks: while Play runs, the lab it carries is the
    # one the page holds, newer than the store's, and no tick starts while the lab's callback has a
    # request on its way (assets/play.js, beforeRequest and afterRequest). Dash's documented way to set
    # them; the script's hash goes into the security policy with Dash's others (security.py).
    app.renderer = ("var renderer = new DashRenderer({"
                    "request_pre: (payload) => window.backpropLab?.beforeRequest?.(payload), "
                    "request_post: (payload, response) => window.backpropLab?.afterRequest?.(payload, response)});")
    # A request bigger than this is refused by Flask (413) before anything reads it.
    app.server.config["MAX_CONTENT_LENGTH"] = limits.MAX_REQUEST_BYTES
    app.layout = build_layout
    register_callbacks(app)
    line_chart.register(app)
    words.register(app)
    register_panel_callbacks(app)
    register_maths_callbacks(app)
    register_tour_callbacks(app)
    register_predict_callbacks(app)
    register_twin_callbacks(app)
    register_sharing_callbacks(app)
    register_worksheet_callbacks(app)
    add_security_headers(app)
    add_request_guard(app)
    add_missing_file_guard(app)
    add_delivery(app)
    add_worksheet(app)
    add_ticks(app)
    # Everything made so far (Dash, Flask, Plotly's validators: hundreds of thousands of objects)
    # lives as long as the server. Frozen, the garbage collector's full passes skip it: they cost
    # the largest requests 40 ms each, one request in two.
    gc.freeze()
    return app
