"""A pinned slider for one weight or bias, as an All-in-One component.

Dragging it sets that one parameter; the app recomputes the forward pass, the
loss, every δ and every gradient while the slider moves (no training happens).
Its own clientside MATCH callback (READOUT, registered by the app) updates
the readout beside it without a round trip; the app's main callback listens
to every slider through `ids`.
"""

import math
import uuid

from dash import MATCH, ClientsideFunction, Input, Output, dcc, html


class WeightSliderAIO(html.Div):
    class ids:
        slider = staticmethod(lambda aio_id: {"component": "WeightSliderAIO", "subcomponent": "slider", "aio_id": aio_id})
        readout = staticmethod(
            lambda aio_id: {"component": "WeightSliderAIO", "subcomponent": "readout", "aio_id": aio_id}
        )
        unpin = staticmethod(lambda aio_id: {"component": "WeightSliderAIO", "subcomponent": "unpin", "aio_id": aio_id})

    ids = ids

    def __init__(self, param: str, value: float, description: str = "", aio_id: str | None = None):
        """param names the parameter ("W1[0,1]"); the slider spans at least −4 … 4 and always its value."""
        aio_id = aio_id if aio_id is not None else str(uuid.uuid4())
        limit = max(4, math.ceil(abs(value)) + 1)
        super().__init__(
            className="weight-slider",
            children=[
                html.Div(
                    className="weight-slider-head",
                    children=[
                        html.Span(param, className="weight-slider-name"),
                        html.Span(description, className="weight-slider-description"),
                        html.Span(f"{value:+.3f}".replace("-", "−"), id=self.ids.readout(aio_id),
                                  className="weight-slider-readout"),
                        html.Button("×", id=self.ids.unpin(aio_id), className="unpin", n_clicks=0,
                                    title=f"Unpin {param}", **{"aria-label": f"Unpin {param}"}),
                    ],
                ),
                dcc.Slider(
                    id=self.ids.slider(aio_id),
                    min=-limit,
                    max=limit,
                    step=0.01,
                    value=value,
                    marks={v: str(v).replace("-", "\u2212") for v in (-limit, 0, limit)},  # a real minus
                    updatemode="drag",
                    tooltip={"always_visible": False},
                ),
            ],
        )


# The readout's clientside MATCH callback. The app registers it on itself (app/callbacks.py):
# a module-level dash.clientside_callback is handed only to the first Dash app created in a
# process, so a second create_app() (tests, several apps in one server) had sliders whose
# readout never moved. The function is in assets/clientside.js.
READOUT = ClientsideFunction(namespace="backpropLab", function_name="readout")
READOUT_OUTPUT = Output(WeightSliderAIO.ids.readout(MATCH), "children")
READOUT_INPUT = Input(WeightSliderAIO.ids.slider(MATCH), "value")
