"""The worksheet's address on the app's server: /worksheet, as a page to print or as Markdown.

Two ways in, one sheet:

- GET /worksheet?<a lab's link query>&ws=<seed>&blanks=<n>&kinds=z,a,delta,grad,update&ex=<example>
  [&format=md]: the lab a link builds (app/links.py's `state_from_query`, the lab at the link's
  start: a link carries no trained weights), so the same link gives the same worksheet.
- POST /worksheet with the lab on screen (`lab`, its JSON; `start`, the lab Reset returns to, for
  the link; `lesson`, the lesson the list shows): what the page's Worksheet button sends
  (assets/worksheet.js), so a trained lab's sheet has its trained weights. The page it answers
  offers a link too, which opens the same sheet from the lab's start.

Everything a browser sends is untrusted: a bad value gets a 400 page that says what was wrong and
what is allowed (never a traceback); the lab goes through LabState.from_json, the engine's front
door. The answer is a plain HTML document under the app's own CSP: its one script (the Print
button's) is a file served here, never inline.
"""

import logging
import re
from dataclasses import replace
from html import escape
from urllib.parse import urlencode

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

import engine
from components.worksheet import Controls, html_page, markdown
from engine import LabInputError, LabState, limits
from engine.optimizers import OptimizerState
from engine.state import History
from engine.worksheet import DEFAULT_BLANKS, DEFAULT_KINDS, KINDS, MAX_BLANKS, MAX_SEED, make_worksheet

from . import links

log = logging.getLogger(__name__)

OWN = ("ws", "blanks", "kinds", "ex", "format")  # the worksheet's own parameters; the rest build the lab
FORMATS = ("html", "md")
_WHOLE = re.compile(r"[0-9]{1,12}")
PRINT_JS = """/* The worksheet's Print button (components/worksheet.py): the browser's own print, with the
 * sheet's print style sheet. A file, not an inline script: the app's CSP allows no inline scripts. */
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-sheet");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
});
"""


class SheetRequestError(LabInputError):
    """A worksheet parameter a person can fix; the message says what is allowed."""


def _whole(value, what: str, low: int, high: int) -> int:
    if not isinstance(value, str) or not _WHOLE.fullmatch(value) or not low <= int(value) <= high:
        shown = repr(value[:20]) if isinstance(value, str) else "nothing"
        raise SheetRequestError(f"The {what} ({shown}) must be a whole number from {low} to {high:,}.")
    return int(value)


def choice(values) -> dict:
    """The worksheet's own parameters from a MultiDict (a query or a form), checked.

    Returns seed, blanks, kinds, example (0-based, or None: the lab's own) and format."""
    def one(name, default):
        given = values.getlist(name)
        if len(given) > 1:
            raise SheetRequestError(f"The worksheet's {name!r} is given {len(given)} times; give it once.")
        return given[0] if given else default

    seed = _whole(one("ws", "1"), "worksheet number (ws)", 0, MAX_SEED)
    blanks = _whole(one("blanks", str(DEFAULT_BLANKS)), "number of blanks", 1, MAX_BLANKS)
    asked = values.getlist("kinds")
    if len(asked) > len(KINDS):
        raise SheetRequestError(f"Give the kinds of blank once each, from {', '.join(KINDS)}.")
    if any(len(text) > 100 for text in asked):
        raise SheetRequestError(f"The kinds of blank are at most {', '.join(KINDS)}, each once: that list is too long.")
    kinds = [k.strip() for text in asked for k in text.split(",") if k.strip()] if asked else list(DEFAULT_KINDS)
    if not kinds:
        raise SheetRequestError(f"Choose at least one kind of blank from {', '.join(KINDS)}.")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise SheetRequestError(f"{unknown[0][:20]!r} is not a kind of blank; choose from {', '.join(KINDS)}.")
    ex = one("ex", None)
    example = None if ex is None else _whole(ex, "training example (ex)", 1, limits.MAX_POINTS) - 1
    fmt = one("format", "html")
    if fmt not in FORMATS:
        raise SheetRequestError(f"The format ({str(fmt)[:20]!r}) must be html or md.")
    return {"seed": seed, "blanks": blanks, "kinds": tuple(kinds), "example": example, "format": fmt}


def _with_example(state: LabState, example) -> LabState:
    if example is None:
        return state
    n = engine.dataset(state.data).x_train.shape[0]
    if example >= n:
        raise SheetRequestError(f"This lab has {n:,} training example{'s' * (n != 1)}; ex must be from 1 to {n:,}.")
    return state.replace(example=example)


def _slim(state: LabState) -> LabState:
    """What the sheet needs of a lab, to send back with the page's forms: no history, no memory."""
    return state.replace(history=History(), last_update=None, optimizer_state=OptimizerState())


def sheet_query(lab_query: str, chosen: dict, example: int) -> str:
    """The query of a link to a worksheet: the lab's link query, then the sheet's own parameters."""
    own = {"ws": chosen["seed"], "blanks": chosen["blanks"], "kinds": ",".join(chosen["kinds"]), "ex": example + 1}
    lab = lab_query.removeprefix("?")
    return "?" + (lab + "&" if lab else "") + urlencode(own, safe=",")


def from_link(args, raw_query: str):
    """(state, chosen, notices, link) for a GET: the lab the link's other parameters build."""
    if len(raw_query) > links.MAX_QUERY:
        raise SheetRequestError(f"The link is {len(raw_query):,} characters long; at most {links.MAX_QUERY:,} are read.")
    chosen = choice(args)
    rest = [(k, v) for k, v in args.items(multi=True) if k not in OWN]
    lab_query = urlencode(rest, safe=",:")
    linked = links.state_from_query(lab_query)
    if linked.state is None and linked.notices:
        raise SheetRequestError(" ".join(linked.notices))
    state = linked.state if linked.state is not None else engine.PRESETS["default"].state()
    state = _with_example(state, chosen["example"])
    return state, chosen, linked.notices, sheet_query(lab_query, chosen, state.example)


def from_form(form):
    """(state, start, chosen, notices, link_query, link_note) for a POST of the lab on screen."""
    chosen = choice(form)
    if "lab" not in form:
        raise SheetRequestError("No lab was sent: open the worksheet from the lab's Worksheet button.")
    state = _with_example(LabState.from_json(form["lab"]), chosen["example"])
    start = LabState.from_json(form["start"]) if form.get("start") else state
    lesson = form.get("lesson")
    query, notice = links.link_query(state, start, lesson)
    same = state.counters.step == 0 and state.params == start.params and not notice
    note = ("A link to this worksheet" if same else
            "A link to this worksheet from the lab's start: a link carries the settings, not trained weights, "
            "so it opens the lab as Reset shows it")
    return state, start, chosen, (notice,) if notice else (), sheet_query(query, chosen, state.example), note


def error_page(message: str, status: int = 400) -> Response:
    body = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>No worksheet</title></head>"
            "<body style=\"font: 16px/1.5 sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem\">"
            "<h1>The worksheet could not be made</h1>"
            f"<p>{escape(message)}</p>"
            f"<p>Worksheet settings: ws (a number from 0 to {MAX_SEED:,}), blanks (1 to {MAX_BLANKS}), kinds "
            f"(any of {escape(', '.join(KINDS))}), ex (a training example, from 1), format (html or md); "
            "the rest is a lab's link, as Copy link makes it.</p>"
            "<p><a href=\"./\">Back to the lab</a></p></body></html>\n")
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _answer(ws, chosen: dict, controls: Controls, posted: bool) -> Response:
    if chosen["format"] == "md":
        response = Response(markdown(ws, controls.link), mimetype="text/markdown")
        response.headers["Content-Disposition"] = f'attachment; filename="worksheet-{ws.seed}.md"'
    else:
        response = Response(html_page(ws, controls), mimetype="text/html")
    # A posted lab is the person's own: not kept by any cache.
    response.headers["Cache-Control"] = "no-store" if posted else "no-cache"
    return response


def add_worksheet(app) -> None:
    """Serve /worksheet (GET: from a link; POST: the lab on screen) and the Print button's script."""
    server, prefix = app.server, app.config.routes_pathname_prefix

    @server.route(prefix + "worksheet/print.js", methods=["GET", "HEAD"])
    def _worksheet_print_js():
        response = Response(PRINT_JS, mimetype="text/javascript")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    @server.route(prefix + "worksheet", methods=["GET", "HEAD", "POST"])
    def _worksheet():
        try:
            if request.method == "POST":
                # A lab and its start, each up to MAX_STATE_BYTES of text (Flask's default is 500 KB a field).
                request.max_form_memory_size = 4 * limits.MAX_STATE_BYTES
                try:
                    form = request.form
                except RequestEntityTooLarge:
                    return error_page("The lab sent is larger than a lab may be.", 413)
                state, start, chosen, notices, query, note = from_form(form)
                hidden = (("lab", _slim(state).to_json()), ("start", _slim(start).to_json()))
                if isinstance(form.get("lesson"), str) and form["lesson"] in engine.PRESETS:
                    hidden += (("lesson", form["lesson"]),)
                link = request.base_url + query
                controls = Controls(action="worksheet", method="post", hidden=hidden, link=link,
                                    link_note=note, notices=notices)
            else:
                state, chosen, notices, query = from_link(request.args, request.query_string.decode("latin-1"))
                hidden = tuple((k, v) for k, v in request.args.items(multi=True) if k not in OWN)
                controls = Controls(action="worksheet", method="get", hidden=hidden,
                                    link=request.base_url + query, link_note="A link to this worksheet",
                                    notices=notices)
            # The forms keep the example on show (a link carries none of its own).
            controls = replace(controls, hidden=(*controls.hidden, ("ex", str(state.example + 1))))
            ws = make_worksheet(state, chosen["seed"], chosen["blanks"], chosen["kinds"])
            return _answer(ws, chosen, controls, request.method == "POST")
        except LabInputError as e:
            return error_page(str(e))
        except Exception:  # never a traceback in the page
            log.exception("a worksheet could not be made")
            return error_page("Something went wrong while making this worksheet. Try again, or open it from the lab.",
                              500)


def register_worksheet_callbacks(app) -> None:
    """The Worksheet button posts the lab on screen to /worksheet in a new tab, in the page itself
    (assets/worksheet.js): no round trip to make a page the server makes anyway."""
    from dash import ClientsideFunction, Input, Output, State

    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="openWorksheet"),
        Output("share-note", "children", allow_duplicate=True),
        Input("open-worksheet", "n_clicks"),
        State("lab-state", "data"),
        State("start-state", "data"),
        State("preset", "value"),
        prevent_initial_call=True,
    )
