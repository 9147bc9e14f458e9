"""Play's ticks, straight from the page and back, without Dash's callback machinery.

A tick changes the lab and the network's pictures. Through Dash's callback, the page spent 20-25 ms
on each answer: the renderer applies each output by asking every component on the page whether it
changed, so at full speed about one display frame in three was dropped. Here the page posts its lab
(held in the page while Play runs) and paints the answer itself. A chart tick (a few a second,
assets/play.js) brings the words over the network, the loss over training and, on show, the loss curve
with its ball too, which the page writes and draws without Dash (components/words.py, line_chart.py);
only with another panel on show that follows the lab does the page then ask Dash for the panels' answer
(app/callbacks.py, catch_up on "play-charts").

The work is the callback's own, with the same checks: actions.play_frames trains (and refuses what
the speed does not allow) and callbacks.drawing draws a brief tick's pictures. What the page posts
is untrusted; anything wrong gets 400 and one line of reason, never a traceback, and the page then
asks through the callback, which says on the page what is wrong.
"""

import logging

from flask import Response, jsonify, request
from plotly.io.json import to_json_plotly

from components.charts import history_figure
from engine import LabInputError, stopping

from . import actions, bounds, panels
from .callbacks import STATUS_IDS, as_words, drawing, status_texts, tick_asks

log = logging.getLogger(__name__)
ROUTE = "_lab-tick"
# Everything but the lab: the speed's name, two counts, the drawn shape ("2-2-1"), the tab on show and
# the weight its curve follows, and two flags.
SMALL = bounds.Bound(kinds=("text", "number", "flag"), depth=0, nodes=1, chars=200)
FIELDS = ("speed", "moves", "frames", "painted", "maps", "charts", "tab", "slice")


def problem(body) -> str:
    """Why this body cannot be a tick from the page, or ""."""
    if not isinstance(body, dict):
        return "A tick must be a JSON object."
    if set(body) - {"lab", *FIELDS}:
        return "A tick has only the lab, the speed, two counts, the shape drawn, the pictures' switch and the charts on show."
    if not isinstance(body.get("lab"), dict):
        return "A tick must carry the lab."
    return bounds.LAB.problem(body["lab"], "the lab") or next(
        (reason for f in FIELDS if (reason := SMALL.problem(body.get(f), f"the tick's {f}"))), "")


def tick(body: dict) -> dict:
    """The answer to one brief tick (a body `problem` passed): the network's view with its pictures on
    the way, the lab it ends at, and whether the stop rule ended Play ("stopped") or training diverged;
    on a chart tick ("charts": true) the charts and words the page draws itself, and whether the tab on
    show needs the panels' answer too ("panels").
    Raises LabInputError for a lab or counts the engine refuses."""
    state = actions.load(body["lab"])
    *frames, state = actions.play_frames(state, body.get("speed"), *tick_asks(body))
    stopped = stopping.reason(state)
    painted = body.get("painted") if isinstance(body.get("painted"), str) else None
    view = drawing(state, None, brief=True, painted=painted, playing=True, frames=frames,
                   maps=body.get("maps") is True)["view"]
    answer = {"view": view, "lab": state.to_dict(),
              "stopped": {"reason": stopped, "step": state.counters.step} if stopped else None,
              "diverged": state.diverged or ""}
    if body.get("charts") is True:
        tab = body.get("tab")
        answer["charts"] = charts(state) | panels.tick_charts(state, tab, body.get("slice"))
        answer["panels"] = tab not in panels.DRAWN_BY_TICKS
    return answer


def charts(state) -> dict:
    """A chart tick's words over the network and its loss over training, by the box each goes in. Not
    the counters: every picture brings its own, written as it is painted."""
    words = {STATUS_IDS[k]: as_words(v) for k, v in status_texts(state).items() if STATUS_IDS[k] != "counters"}
    return words | {"history": history_figure(state.history.entries)}


def add_ticks(app) -> None:
    """Serve POST <prefix>_lab-tick."""
    @app.server.route(app.config.routes_pathname_prefix + ROUTE, methods=["POST"])
    def _lab_tick():
        try:
            # Only as application/json: another site's page cannot post that here without the
            # browser asking first (CORS), and this server never says yes.
            body = request.get_json(silent=True)
        except RecursionError:
            return jsonify(error="The tick is nested too deeply."), 400
        reason = problem(body)
        if reason:
            return jsonify(error=reason), 400
        try:
            answer = tick(body)
        except LabInputError as e:
            return jsonify(error=str(e)), 400
        except Exception:  # never a traceback in the answer; the page asks through the callback instead
            log.exception("a play tick failed")
            return jsonify(error="That tick did not work."), 400
        return Response(to_json_plotly(answer), mimetype="application/json")
