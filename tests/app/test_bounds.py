"""app/bounds.py: every value from the browser is bounded before any callback runs.

Each Bound is checked by hand on values just inside and just outside it; the page's own values
(every control, store and lab of every lesson, the largest lab the limits allow) fit their bounds;
and through the real request handler (Flask's test client, app/guard.py in front), the values
found by trying the server as an attacker would are refused with 400 and a reason, or made
harmless by the callback that reads them.
"""

import base64
import json

import numpy as np
import pytest

import engine
from app import bounds, create_app
from app.bounds import BOUNDS, DEFAULT, Bound
from app.panels import _points
from bench.app import body, controls, layout_values
from engine import limits

ENDPOINT = "/_dash-update-component"
PINNED = {"component": "WeightSliderAIO", "subcomponent": "unpin"}


@pytest.fixture(scope="module")
def dash_app():
    return create_app()


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


# ---------------------------------------------------------------- one Bound, by hand

def test_a_bound_measures_depth_values_items_and_text():
    b = Bound(depth=2, nodes=6, items=3, chars=5)
    assert b.problem([[1, 2]], "x") == ""  # depth 2: the 1 sits two lists down
    assert "nested too deeply" in b.problem([[[1]]], "x")
    assert b.problem([1, 2, 3], "x") == ""
    assert "4 items" in b.problem([1, 2, 3, 4], "x")
    assert "too large" in b.problem([[1, 2], [3, 4], 5], "x")  # 3 lists + 5 numbers = 8 values > 6
    assert b.problem("abcde", "x") == ""
    assert "6 characters" in b.problem("abcdef", "x")
    assert "6 characters" in b.problem({"abcdef": 1}, "x")  # keys are text too


def test_a_bound_refuses_a_lone_surrogate_anywhere_and_accepts_real_unicode():
    b = Bound()
    assert b.problem("Ω € 😀", "x") == ""
    for junk in ("\ud800", ["ok", "a\udfff"], {"\ud800": 1}, {"a": {"b": "\udc00"}}):
        assert "broken character" in b.problem(junk, "the title")


def test_a_bound_checks_the_kind_at_the_top_and_always_lets_null_through():
    b = Bound(kinds=("object",))
    assert b.problem(None, "x") == ""
    assert b.problem({}, "x") == ""
    for wrong in ([], "a", 1, True):
        assert b.problem(wrong, "drawn-keys.data") == "drawn-keys.data must be object."
    numbers = Bound(kinds=("number",))
    assert numbers.problem(3, "x") == numbers.problem(0.5, "x") == ""
    assert numbers.problem(True, "x") != ""  # JSON's true is not a number, though Python's bool is an int


# ---------------------------------------------------------------- the table fits the page

def test_every_bound_names_an_input_or_state_of_the_page(dash_app):
    names = {f"{s['id']}.{s['property']}" for cb in dash_app.callback_map.values() for s in cb["inputs"] + cb["state"]}
    assert set(BOUNDS) <= names


def test_every_value_the_page_opens_with_fits_its_bound(dash_app):
    values = {}
    layout_values(json.loads(json.dumps(dash_app.layout(), cls=_PlotlyJSON)), values)
    assert len(values) > 40
    misfits = {k: BOUNDS.get(k, DEFAULT).problem(v, k) for k, v in values.items()}
    assert {k: r for k, r in misfits.items() if r} == {}


class _PlotlyJSON(json.JSONEncoder):
    def default(self, o):
        from plotly.utils import PlotlyJSONEncoder

        return json.loads(json.dumps(o, cls=PlotlyJSONEncoder))


def largest_lab() -> engine.LabState:
    """Everything the limits allow at once: 8 inputs, six layers of 8, 4 outputs, 2,000 explicit
    rows, a full history and a last update."""
    rng = np.random.default_rng(0)
    sizes = (limits.MAX_INPUTS,) + (limits.MAX_NEURONS,) * limits.MAX_HIDDEN_LAYERS + (limits.MAX_OUTPUTS,)
    spec = engine.NetworkSpec(sizes, ("sigmoid",) * (len(sizes) - 1), "squared_error", "xavier")
    x = rng.uniform(-1, 1, (limits.MAX_POINTS, limits.MAX_INPUTS))
    y = rng.uniform(0, 1, (limits.MAX_POINTS, limits.MAX_OUTPUTS))
    data = engine.DataSpec(name="explicit", x=x.tolist(), y=y.tolist(), test_fraction=0.0, kind="regression")
    state = engine.LabState("Largest", 0, spec, engine.init_params(spec, rng), engine.TrainConfig("adam", 0.01, batch_size=10),
                            data)
    return engine.full_step(engine.train_steps(state, limits.MAX_HISTORY * 3, record=True))


def test_the_largest_lab_and_its_moment_fit_their_bounds():
    lab = json.loads(json.dumps(largest_lab().to_dict()))
    assert len(json.dumps(lab)) > 500_000  # 2,000 rows of 8 inputs and 4 targets: really large
    assert BOUNDS["lab-state.data"].problem(lab, "lab") == ""
    assert BOUNDS["travel.data"].problem({"state": lab, "start": lab}, "moment") == ""
    assert engine.LabState.from_dict(lab).spec.sizes[-1] == limits.MAX_OUTPUTS


def test_every_parameter_of_the_largest_network_fits_the_choosers_bound():
    refs = engine.all_refs(largest_lab().spec)
    assert len(refs) == bounds.MAX_PARAMS
    options = [{"label": str(r), "value": str(r)} for r in refs]
    assert BOUNDS["slice-param.options"].problem(options, "options") == ""


# ---------------------------------------------------------------- through the request handler

def post(client, payload):
    response = client.post(ENDPOINT, data=json.dumps(payload), content_type="application/json")
    return response.status_code, response.get_json(silent=True) or {}


def page_values(state=None) -> dict:
    state = state or engine.PRESETS["default"].state()
    lab = state.to_dict()
    return controls(state) | {"preset.value": "default", "speed.value": "phase", "lab-state.data": lab,
                              "start-state.data": lab, "pinned.data": [], "contour-path.data": []}


def test_twenty_thousand_copies_of_one_pinned_weight_are_refused_at_the_door(dash_app, client):
    values = page_values() | {"pinned.data": ["W1[0,0]"] * 20_000, "pick-param.value": "W1[0,1]"}
    status, answer = post(client, body(dash_app, "..pinned.data", values, "pick-param.value"))
    assert status == 400
    assert answer["error"] == "pinned.data has a list of 20000 items; at most 6 are allowed."


def test_pinned_names_given_twice_make_one_slider_each(dash_app, client):
    values = page_values() | {"pinned.data": ["W1[0,0]"] * 3 + ["W2[0,1]", "W2[0,1]"], "pick-param.value": "W1[0,0]"}
    status, answer = post(client, body(dash_app, "..pinned.data", values, "pick-param.value"))
    assert status == 200
    response = answer["response"]
    assert response["pinned"]["data"] == ["W1[0,0]", "W2[0,1]"]
    sliders = response["sliders"]["children"]
    assert len(sliders) == 2
    assert '"W1[0,0]"' in json.dumps(sliders[0]) and '"W2[0,1]"' in json.dumps(sliders[1])


def test_more_sliders_than_can_be_pinned_are_refused(dash_app, client):
    payload = body(dash_app, "..pinned.data", page_values(), "pick-param.value")
    unpin = next(i for i, s in enumerate(dash_app.callback_map[payload["output"]]["inputs"]) if "unpin" in s["id"])
    payload["inputs"][unpin] = [{"id": PINNED | {"aio_id": f"W1[0,{k}]"}, "property": "n_clicks", "value": 1}
                                for k in range(limits.MAX_PINNED + 1)]
    status, answer = post(client, payload)
    assert status == 400
    assert answer["error"] == "The request names 7 sliders; there are at most 6."


def test_a_contour_path_longer_than_a_path_may_be_is_refused_and_a_long_one_is_cut(dash_app, client):
    values = page_values() | {"contour-path.data": [[0.1, 0.2]] * (limits.MAX_PATH + 1)}
    status, answer = post(client, body(dash_app, "..data-chart.figure", values, "charts-due.data"))
    assert status == 400 and "contour-path.data has a list of 1001 items" in answer["error"]
    path = [[k, -k] for k in range(limits.MAX_PATH + 500)]
    assert _points(path) == path[-limits.MAX_PATH:]


@pytest.mark.parametrize("key", ["hover-neuron.data", "slice-param.value", "ball.data", "message.children",
                                 "lab-state.data"])
def test_a_lone_surrogate_in_any_echoed_text_is_refused_with_a_reason(dash_app, client, key):
    values = page_values()
    lab = values["lab-state.data"]
    junk = {"ball.data": {"curve": "double_well", "x": [0.5], "reason": "\ud800"},
            "lab-state.data": lab | {"diverged": "\ud800"}}.get(key, "\ud800")
    output = {"hover-neuron.data": "..data-chart.figure", "slice-param.value": "..data-chart.figure",
              "ball.data": "..ball.data", "message.children": "..lab-state.data", "lab-state.data": "..lab-state.data"}
    payload = body(dash_app, output[key], values | {key: junk}, "step.n_clicks")
    status, answer = post(client, payload)
    assert status == 400
    assert answer["error"] == f"{key} contains a broken character (a lone UTF-16 surrogate)."


def test_a_saved_lab_whose_title_is_broken_text_gets_a_message_and_the_lab_is_kept(dash_app, client):
    values = page_values()
    saved = json.dumps(values["lab-state.data"] | {"title": "\ud800"})  # json.dumps writes the escape \ud800
    assert "\\ud800" in saved
    url = "data:application/json;base64," + base64.b64encode(saved.encode()).decode()
    status, answer = post(client, body(dash_app, "..lab-state.data", values | {"load-lab.contents": url},
                                       "load-lab.contents"))
    assert status == 200
    response = answer["response"]
    assert "broken character" in response["message"]["children"]
    assert "lab-state" not in response  # the lab on show is kept


@pytest.mark.parametrize("keys", [{"shown": 1}, {"shown": [1, 2]}, {"history": "x", "shape": 3, "data": None}])
def test_drawn_keys_that_are_not_what_the_server_sent_are_ignored(dash_app, client, keys):
    values = page_values() | {"drawn-keys.data": keys}
    status, answer = post(client, body(dash_app, "..lab-state.data", values, "step.n_clicks"))
    assert status == 200
    response = answer["response"]
    assert response["lab-state"]["data"]["cursor"] != values["lab-state.data"]["cursor"]  # the Step was taken
    assert "message" not in response or not response["message"]["children"]


@pytest.mark.parametrize("keys", [[], "shown", 7])
def test_drawn_keys_that_are_not_an_object_are_refused_at_the_door(dash_app, client, keys):
    status, answer = post(client, body(dash_app, "..lab-state.data", page_values() | {"drawn-keys.data": keys},
                                       "step.n_clicks"))
    assert status == 400
    assert answer["error"] == "drawn-keys.data must be object."
