"""POST /_lab-tick, Play's brief ticks straight from the page (app/ticks.py): the same lab and the
same pictures as the lab's callback gives for the same tick, the stop rule and divergence said, and
every bad body refused with 400 and one line, never a 500 or a traceback."""

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plotly.io.json import to_json_plotly

import engine
from app import actions, create_app, panels
from app.callbacks import HISTORY, act, drawing
from components.network_view import network_view, packed
from components.readouts import counters_text
from engine import limits

from .test_act import on_page


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


def post(client, body, raw=False):
    data = body if raw else json.dumps(body)
    return client.post("/_lab-tick", data=data, content_type="application/json")


def shape(state) -> str:
    return "-".join(map(str, state.spec.sizes))


def test_a_tick_trains_what_the_callback_would_and_draws_the_same_picture(client):
    state = engine.PRESETS["circle"].state()
    answer = post(client, {"lab": state.to_dict(), "speed": "brisk", "moves": 3, "frames": 1,
                           "painted": shape(state), "maps": False})
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    got = answer.get_json()
    # Three full steps, by the engine, as the callback's brief tick trains them.
    trained = engine.train_steps(state, 3)
    assert got["lab"] == json.loads(json.dumps(trained.to_dict()))
    assert engine.LabState.from_dict(got["lab"]).counters.step == 3
    by_callback = act("play-tick", [], **on_page(state, speed="brisk", playing=True,
                                                    tick={"n": 1, "charts": False, "moves": 3, "frames": 1}))
    assert got["lab"] == json.loads(json.dumps(by_callback["state"]))
    assert got["view"] == json.loads(json.dumps(by_callback["drawn"]["view"], default=float))
    # The picture of step 3, without the geometry the page has drawn, with its counters.
    assert got["view"]["geometry"] is None and got["view"]["counters"] == counters_text(trained) == "Step 3 · Epoch 0"
    assert got["stopped"] is None and got["diverged"] == ""


def test_a_shape_the_page_has_not_drawn_comes_with_its_geometry(client):
    state = engine.PRESETS["default"].state()
    for painted in (None, "4-4-1", 7):
        got = post(client, {"lab": state.to_dict(), "speed": "slow", "moves": 1, "painted": painted}).get_json()
        assert got["view"]["geometry"] == network_view(state)["geometry"]


def test_at_full_speed_a_tick_brings_pictures_on_the_way(client):
    state = engine.PRESETS["circle"].state()
    got = post(client, {"lab": state.to_dict(), "speed": "fast", "moves": 1, "frames": 8,
                        "painted": shape(state)}).get_json()
    frames, last = got["view"]["frames"], engine.LabState.from_dict(got["lab"])
    assert 1 <= len(frames) <= 7
    steps = [int(f["counters"].split()[1]) for f in frames] + [last.counters.step]
    assert steps == sorted(set(steps)) and steps[0] >= 1
    # Each is the lab at its step, as the engine trains it.
    first = engine.train_steps(state, steps[0])
    assert {k: v for k, v in frames[0].items() if k != "counters"} == json.loads(json.dumps(
        packed(network_view(first, geometry=False, tips=False, aria=False))))


def test_the_neurons_pictures_bring_their_weights_only_when_asked(client):
    state = engine.PRESETS["circle"].state()
    body = {"lab": state.to_dict(), "speed": "slow", "moves": 1, "painted": shape(state)}
    assert "maps" not in post(client, body).get_json()["view"]
    with_maps = post(client, {**body, "maps": True}).get_json()["view"]["maps"]
    trained = engine.train_steps(state, 1)
    assert with_maps == json.loads(json.dumps(network_view(trained, geometry=False, tips=False, maps=True)["maps"]))


def test_the_tick_that_meets_the_stop_rule_says_so(client):
    lab = actions.stop_settings(engine.PRESETS["circle"].state(), "steps", 3)
    got = post(client, {"lab": lab.to_dict(), "speed": "brisk", "moves": 5}).get_json()
    assert engine.LabState.from_dict(got["lab"]).counters.step == 3
    assert got["stopped"] == {"reason": "Play stopped at step 3: the stop rule is step 3.", "step": 3}


def test_a_lab_that_diverges_says_why(client):
    lab = actions.train_settings(engine.PRESETS["local_minimum"].state(), 100.0, 1, "sgd")
    got = post(client, {"lab": lab.to_dict(), "speed": "brisk", "moves": 20}).get_json()
    assert got["diverged"].startswith("Training stopped at step 4: the weights")
    assert engine.LabState.from_dict(got["lab"]).diverged == got["diverged"]


def test_a_chart_tick_brings_the_words_and_the_charts_the_page_draws_itself(client):
    state = engine.PRESETS["circle"].state()
    body = {"lab": state.to_dict(), "speed": "brisk", "moves": 2, "painted": shape(state)}
    assert "charts" not in post(client, body).get_json()  # a tick between chart ticks: the network only
    got = post(client, {**body, "charts": True, "tab": "slice", "slice": "W1[0,1]"}).get_json()
    trained = engine.LabState.from_dict(got["lab"])
    assert trained.counters.step == 2
    # The same words and charts, for the lab the tick ends at, as Dash's answers give them after a Step.
    drawn = json.loads(to_json_plotly(drawing(trained, {}, painted=shape(trained))))
    figure, note, _ = panels.slice_panel(trained, "W1[0,1]")
    assert got["charts"] == json.loads(to_json_plotly({
        "phase-text": drawn["phase-text-words"], "numbers": drawn["numbers-words"],
        "numbers-when": drawn["numbers-when-words"], "example-note": drawn["example-note-words"],
        "history": drawn[HISTORY], "slice-chart": figure, "slice-note": note}))
    assert got["charts"]["numbers-when"] == "Train and test numbers: the weights after step 2"
    assert got["charts"]["history"]["data"][0]["x"] == [0, 1, 2]
    assert got["charts"]["slice-note"].startswith("The update moved W1[0,1] from ")
    assert got["panels"] is False  # the tab on show is all drawn: Dash is not asked


def test_a_chart_tick_with_another_panel_on_show_asks_for_the_panels_answer(client):
    state = engine.PRESETS["circle"].state()
    body = {"lab": state.to_dict(), "speed": "brisk", "moves": 1, "charts": True}
    for tab, panels_too in (("surface", True), ("contour", True), ("twin", True), ("ball", False), (None, True)):
        got = post(client, {**body, "tab": tab, "slice": "W1[0,0]"}).get_json()
        assert got["panels"] is panels_too and "history" in got["charts"]
        assert "slice-chart" not in got["charts"]  # the curve is not on show
    # A weight the lab does not have, or junk: the curve of its first weight, as the panels draw it.
    for junk in ("W9[9,9]", "x" * 100, 3, None):
        got = post(client, {**body, "tab": "slice", "slice": junk})
        assert got.status_code == 200 and got.get_json()["charts"]["slice-note"].startswith("The update moved W1[0,0] ")


BAD = [
    (b"not json", True, "JSON object"),
    ([1, 2], False, "JSON object"),
    ({"speed": "fast"}, False, "carry the lab"),
    ({"lab": "x", "speed": "fast"}, False, "carry the lab"),
    ({"lab": {}, "speed": "fast", "extra": 1}, False, "only the lab"),
    ({"lab": {"spec": 1}, "speed": "brisk", "moves": 1}, False, ""),
    ({"speed": "brisk", "moves": 1}, False, "carry the lab"),
    ("LAB", False, "Unknown speed"),  # speed missing
    ({"speed": "ludicrous", "moves": 1}, False, "Unknown speed"),
    ({"speed": "brisk", "moves": 0}, False, "whole number of moves"),
    ({"speed": "brisk", "moves": True}, False, "whole number of moves"),
    ({"speed": "brisk", "moves": 10**6}, False, "whole number of moves"),
    ({"speed": "brisk", "moves": 1, "frames": 4}, False, "full speed"),
    ({"speed": "fast", "moves": 1, "frames": 10**6}, False, "pictures"),
    ({"speed": "fast", "moves": 1, "frames": [3]}, False, "frames"),
    ({"speed": "x" * 5000, "moves": 1}, False, "speed"),
    ({"speed": "fast", "painted": {"a": 1}}, False, "painted"),
    ({"speed": "fast", "charts": True, "tab": {"a": 1}}, False, "tab"),
    ({"speed": "fast", "charts": True, "slice": ["W1[0,0]"]}, False, "slice"),
    ({"speed": "fast", "charts": [True]}, False, "charts"),
]


@pytest.mark.parametrize("body, raw, words", BAD)
def test_a_bad_tick_is_refused_with_a_reason_and_no_traceback(client, caplog, body, raw, words):
    lab = engine.PRESETS["default"].state().to_dict()
    if body == "LAB":
        body = {"lab": lab}
    elif isinstance(body, dict) and "lab" not in body and words != "carry the lab":
        body = {"lab": lab, **body}
    with caplog.at_level(logging.WARNING):
        answer = post(client, body, raw=raw)
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert words in error and "Traceback" not in error and "\n" not in error
    assert not caplog.records


def test_a_tick_posted_as_anything_but_json_is_refused(client):
    # A form or text/plain post is what another site's page could send without asking.
    body = json.dumps({"lab": engine.PRESETS["default"].state().to_dict(), "speed": "slow", "moves": 1})
    for kind in ("text/plain", "application/x-www-form-urlencoded"):
        answer = client.post("/_lab-tick", data=body, content_type=kind)
        assert answer.status_code == 400 and "JSON object" in answer.get_json()["error"]
    assert client.post("/_lab-tick", data=body, content_type="application/json").status_code == 200


def test_a_lab_nested_thousands_deep_is_refused(client):
    deep = "[" * 5000 + "]" * 5000
    answer = client.post("/_lab-tick", data='{"lab": {"a": ' + deep + '}, "speed": "fast"}',
                         content_type="application/json")
    assert answer.status_code == 400 and "deep" in answer.get_json()["error"]


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                    max_leaves=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lab=JSON, speed=JSON, moves=JSON, frames=JSON, tab=JSON, slice_=JSON)
def test_any_body_is_answered_with_a_tick_or_a_reason(client, lab, speed, moves, frames, tab, slice_):
    answer = post(client, {"lab": lab, "speed": speed, "moves": moves, "frames": frames, "charts": True,
                           "tab": tab, "slice": slice_})
    assert answer.status_code in (200, 400)
    assert "Traceback" not in answer.get_data(as_text=True)


def test_a_body_over_the_request_limit_or_a_lab_over_its_bounds_is_refused_before_any_training(client):
    lab = engine.PRESETS["default"].state().to_dict()
    over = client.post("/_lab-tick", data=b"{" + b" " * (limits.MAX_REQUEST_BYTES + 10) + b"}",
                       content_type="application/json")
    assert over.status_code == 413
    # 3 MB of history: under the request limit, over what a lab may hold.
    huge = {**lab, "history": {"entries": [[i, 0.5, 0.5] for i in range(300_000)]}}
    answer = post(client, {"lab": huge, "speed": "fast", "moves": 1, "frames": 1})
    assert answer.status_code == 400 and "Traceback" not in answer.get_data(as_text=True)
