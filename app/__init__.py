"""The Dash app: create_app() builds it; layout and callbacks live in their own modules."""

from pathlib import Path

import dash

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app(**options) -> dash.Dash:
    """A new Backprop Lab app. Options go to dash.Dash (e.g. title)."""
    from .callbacks import register_callbacks
    from .layout import build_layout
    from .maths import register_maths_callbacks
    from .panels import register_panel_callbacks
    from .sharing import register_sharing_callbacks
    from .tour import register_tour_callbacks

    app = dash.Dash(
        __name__,
        assets_folder=str(ASSETS),
        title=options.pop("title", "Backprop Lab"),
        update_title=None,  # no "Updating..." flicker in the tab while playing
        serve_locally=True,
        **options,
    )
    app.layout = build_layout
    register_callbacks(app)
    register_panel_callbacks(app)
    register_maths_callbacks(app)
    register_tour_callbacks(app)
    register_sharing_callbacks(app)
    return app
