"""The shape of a request to Dash's callback endpoint, checked before Dash reads it.

Dash trusts the envelope a browser posts (which callback, its inputs and state, what changed):
a missing key, a wrong type or JSON nested thousands deep makes its dispatcher fail with a 500
and a traceback in the log. Here such a request gets 400 and a one-line reason instead, and so
does one whose values are bigger, deeper or other than app/bounds.py allows. What the values
inside mean is the callbacks' business: they check them through the engine.
"""

import json

from flask import jsonify, request

from . import bounds

ENDPOINT = "_dash-update-component"


def _matches(given, component_id, prop: str) -> bool:
    """One input, state or output as posted, against the callback's own: the same id and property,
    or for a pattern id ({"…": ALL}) the list of components it matched (a dict for MATCH)."""
    def same_prop(item):
        # An output that other callbacks may set too (allow_duplicate) is posted as "prop@<hash>".
        given_prop = item.get("property")
        return isinstance(given_prop, str) and given_prop.split("@", 1)[0] == prop

    def plain(item, want_id):
        return isinstance(item, dict) and same_prop(item) and item.get("id") == want_id

    def patterned(item):
        return isinstance(item, dict) and same_prop(item) and isinstance(item.get("id"), dict)

    if isinstance(component_id, dict) or (isinstance(component_id, str) and component_id.startswith("{")):
        return patterned(given) or (isinstance(given, list) and all(map(patterned, given)))
    return plain(given, component_id)


def _all_match(given, expected: list) -> bool:
    return isinstance(given, list) and len(given) == len(expected) and all(
        _matches(g, e["id"], e["property"]) for g, e in zip(given, expected, strict=True))


def _changed(ids) -> bool:
    """changedPropIds: "id.prop" strings, where a pattern's id is a JSON object."""
    if not isinstance(ids, list):
        return False
    for text in ids:
        if not isinstance(text, str) or "." not in text:
            return False
        name = text.rsplit(".", 1)[0]
        if name.startswith("{"):
            try:
                if not isinstance(json.loads(name), dict):
                    return False
            except ValueError:
                return False
    return True


def problem(body, callbacks: dict) -> str:
    """Why this envelope cannot be a request from the page, or "" if it can."""
    if not isinstance(body, dict):
        return "The request must be a JSON object."
    spec = callbacks.get(body.get("output")) if isinstance(body.get("output"), str) else None
    if spec is None or "callback" not in spec:  # none, or one that runs in the page (clientside)
        return "The request names no callback of this app."
    reason = bounds.envelope_problem(body)
    if reason:
        return reason
    declared = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
    outputs = [{"id": o.component_id, "property": o.component_property} for o in declared]
    many = body["output"].startswith("..")  # Dash's key for a callback with a list of outputs
    given = body.get("outputs")
    if not (_all_match(given, outputs) if many else _matches(given, outputs[0]["id"], outputs[0]["property"])):
        return "The request's outputs do not match its callback."
    if not _all_match(body.get("inputs"), spec["inputs"]):
        return "The request's inputs do not match its callback."
    if not _all_match(body.get("state", []), spec["state"]):
        return "The request's state does not match its callback."
    if not _changed(body.get("changedPropIds")):
        return "The request does not say what changed."
    return bounds.values_problem(body)


def add_request_guard(app) -> None:
    @app.server.before_request
    def _guard():
        if request.method != "POST" or not request.path.endswith(ENDPOINT):
            return None
        try:
            # Flask keeps the parsed body: Dash's own get_json() after this does not parse it again.
            body = request.get_json(force=True, silent=True)
        except RecursionError:
            body = None
            reason = "The request is nested too deeply."
        else:
            reason = problem(body, app.callback_map) if body is not None else "The request is not JSON."
        if reason:
            return jsonify(error=reason), 400
        return None
