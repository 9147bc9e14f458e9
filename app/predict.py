"""Predict, then reveal: the callbacks of the question card (components/predict.py, assets/predict.js).

While the mode is on and Play is not running, the page marks each lab it shows with a moment
number ("predict-moment", set in the browser); `ask` answers with the question about the phase
the next Step reveals (engine/questions.py), in words, tagged with that number so that the page
drops an answer overtaken by a newer lab. Nothing is asked of the server while the mode is off:
a server callback on every Step would cost every Step a round trip. The answer is checked and the
score kept in the page; the server is never told either.
"""

import logging

from dash import ClientsideFunction, Input, Output, State, no_update

from components.predict import payload
from engine import LabInputError
from engine.questions import question

from . import actions

log = logging.getLogger(__name__)
MAX_MOMENT = 10**12  # a moment number counts labs shown in one tab; JSON's numbers end somewhere


def moment_number(moment):
    """The moment number the page sent ({"n": int}), or None for anything else (it is untrusted)."""
    n = moment.get("n") if isinstance(moment, dict) else None
    return n if isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_MOMENT else None


def ask(moment, stored):
    """The question for the lab in `stored` at moment `moment`, as components.predict.payload makes it;
    no question for a lab that cannot be read, nothing at all for a moment that is not one."""
    n = moment_number(moment)
    if n is None:
        return no_update
    if stored is None:  # the page is still opening: its lab is on the way, with a moment of its own
        return payload(None, 0, n)
    try:
        state = actions.load(stored)
        return payload(question(state), state.spec.n_layers, n)
    except LabInputError:
        return payload(None, 0, n)
    except Exception:  # never a traceback on the page: the card says there is nothing to predict
        log.exception("no question for moment %r", n)
        return payload(None, 0, n)


def register_predict_callbacks(app) -> None:
    app.callback(
        Output("predict-question", "data"),
        Input("predict-moment", "data"),
        State("lab-state", "data"),
        prevent_initial_call=True,
    )(ask)
    # The mode, for the tab: the toolbar's switch, a link's predict=1, or a tour step that turns it on.
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="predictMode"),
        Output("predict-mode", "data"),
        Output("predict-toggle", "aria-pressed"),
        Input("predict-toggle", "n_clicks"),
        Input("url", "search"),
        Input("tour", "data"),
        State("predict-mode", "data"),
        State("predict-info", "data"),
    )
    # A new moment for each lab shown while the mode is on and Play is not running (none otherwise).
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="predictMoment"),
        Output("predict-moment", "data"),
        Input("lab-state", "data"),
        Input("predict-mode", "data"),
        Input("playing", "data"),
    )
    # The question and the score reach the card's script (assets/predict.js), which draws them.
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="predictQuestion"),
        Output("predict-question", "modified_timestamp"),
        Input("predict-question", "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="predictScore"),
        Output("predict-score-kept", "modified_timestamp"),
        Input("predict-score-kept", "data"),
    )
