"""The Twins panel's callbacks (app/twin_panel.py), called as plain functions and through the server:
junk from a browser becomes a message on the page, links carry the twin both ways, and a tour step
sets one up."""

import json

import pytest
from dash import no_update

import engine
from app import actions, create_app, fairness, links, twin_panel
from app.lessons import TOUR
from engine import twins

LAB = actions.preset("circle").to_dict()


def _trained(steps):
    start = actions.preset("circle")
    return engine.train_steps(start, steps).to_dict(), start.to_dict()


def test_the_panel_draws_both_runs_at_the_labs_step():
    stored, start = _trained(25)
    out = twin_panel.draw(stored, start, "learning_rate", 3.0)
    names = [t["name"] for t in out["twin-chart"]["data"]]
    assert names[:2] == ["lab: η = 0.3", "twin: η = 3"]
    assert out["twin-chart"]["data"][1]["x"][-1] == 25
    assert "Step 25, both from the same start" in out["twin-note"] and out["twin-retry"] is True
    assert out["twin-delta"]["data"][0]["type"] == "heatmap"


def test_the_twins_own_network_is_its_run_at_the_labs_step_on_the_labs_example():
    stored, start = _trained(25)
    lab = engine.LabState.from_dict(stored).replace(example=7)
    view = twin_panel.draw(lab.to_dict(), start, "learning_rate", 3.0)["twin-view"]
    twin = engine.train_steps(engine.LabState.from_dict(start).replace(
        train=engine.TrainConfig.from_dict(lab.train.to_dict() | {"learning_rate": 3.0})), 25)
    passes = engine.example_passes(twin.replace(example=7))
    hidden = [n["level"] for n in view["nodes"]][2:6]
    assert hidden == [round(min(1.0, abs(a)), 3) for a in passes.fwd.a[1][0]]  # tanh lights by |a|
    assert view["phase"] == engine.Cursor.all_known(3).phase.kind  # every value of the step known
    assert view["geometry"] is not None and "tip" not in view["nodes"][0]


@pytest.mark.parametrize(("setting", "value"), [
    ("learning_rate", "lots"), ("learning_rate", float("inf")), ("learning_rate", 10**400), ("learning_rate", None),
    ("batch_size", -3), ("batch_size", True), ("optimizer", ["sgd"]), ("activation", {"relu": 1}),
    ("init", "explicit"), (None, None), ("__class__", 1), (["learning_rate"], 3), ("x" * 10_000, 3),
])
def test_junk_settings_become_a_message(setting, value):
    out = twin_panel.draw(LAB, LAB, setting, value)
    assert isinstance(out["twin-note"], str) and out["twin-note"] and "Traceback" not in out["twin-note"]
    assert out["twin-retry"] is True  # nothing to catch up with
    json.dumps(out["twin-chart"])


@pytest.mark.parametrize(("stored", "start"), [
    ("junk", None), ({"format": 99}, None), (LAB, "junk"), (LAB, {"format": 1}), ([1, 2], [3]),
])
def test_junk_labs_become_a_message(stored, start):
    out = twin_panel.draw(stored, start, "learning_rate", 3.0)
    assert out["twin-note"] and out["twin-retry"] is True


def test_a_lab_far_past_the_bound_is_followed_to_it_and_says_so():
    far = actions.preset("circle")
    far = far.replace(counters=engine.state.Counters(step=twins.MAX_TWIN_STEPS + 1))
    out = twin_panel.draw(far.to_dict(), LAB, "learning_rate", 3.0)
    assert "Catching up" in out["twin-note"] and out["twin-retry"] is False  # the page asks again


def test_a_catch_up_waits_for_the_servers_heavy_slot_and_following_does_not(monkeypatch):
    stored, start = _trained(300)
    # No time without the slot (the machine's speed decides nothing here): all of it is the catch-up.
    monkeypatch.setattr(twin_panel, "CHEAP_SECONDS", 0.0)
    with fairness.EXPENSIVE.take():  # another request's loss map is being computed
        out = twin_panel.draw(stored, start, "learning_rate", 0.03)
    assert out["twin-note"].startswith(twin_panel.WAITED) and out["twin-retry"] is False  # asks again
    for _ in range(100):  # the slot is free: it catches up, 0.4 s an answer
        out = twin_panel.draw(stored, start, "learning_rate", 0.03)
        if out["twin-retry"] is True:
            break
    assert out["twin-chart"]["data"][1]["x"][-1] == 300 and twin_panel.WAITED not in out["twin-note"]
    # Following the lab by a few steps, with the runs cached, is done in the quick share alone.
    monkeypatch.setattr(twin_panel, "CHEAP_SECONDS", 60.0)
    further, _ = _trained(310)
    with fairness.EXPENSIVE.take():
        out = twin_panel.draw(further, start, "learning_rate", 0.03)
    assert out["twin-retry"] is True and out["twin-chart"]["data"][1]["x"][-1] == 310


def test_preset_link_and_tour_choose_the_twin():
    chosen = twin_panel.from_preset("momentum")
    assert (chosen["setting"], chosen["value"], chosen["lesson"]) == ("optimizer", "momentum", "default")
    assert twin_panel.from_preset(["momentum"])["setting"] is no_update
    linked = twin_panel.from_link_or_tour("url", "?lesson=circle&twin=learning_rate:30", None)
    assert (linked["setting"], linked["value"]) == ("learning_rate", 30.0)
    for junk in ("?twin=learning_rate:abc", "?twin=" + "x" * 3000, None, 5, "?twin="):
        assert twin_panel.from_link_or_tour("url", junk, None)["setting"] is no_update
    index = next(i for i, s in enumerate(TOUR) if s.twin)
    toured = twin_panel.from_link_or_tour("tour", None, index)
    assert (toured["setting"], toured["value"]) == ("activation", "relu") and TOUR[index].panel == "twin"
    assert twin_panel.from_link_or_tour("tour", None, "junk")["setting"] is no_update


def test_a_new_setting_offers_its_values_keeping_one_that_fits():
    assert twin_panel.offer_values("batch_size", 25)["value"] == 25
    assert twin_panel.offer_values("optimizer", 25)["value"] == "sgd"
    assert twin_panel.offer_values({"x": 1}, 25)["value"] is no_update


def test_the_link_round_trip():
    part = twin_panel.link_part("twin", "learning_rate", 3.0)
    assert part == "&twin=learning_rate:3"
    assert twin_panel.link_part("slice", "learning_rate", 3.0) == ""  # only the twin on show
    assert twin_panel.link_part("twin", "learning_rate", "junk") == ""
    query = links.link_query(actions.preset("circle"))[0] + part
    linked = links.state_from_query(query)
    assert linked.notices == ()
    again = twin_panel.from_link_or_tour("url", query, None)
    assert twins.change(again["setting"], again["value"]) == twins.change("learning_rate", 3.0)


def test_a_bad_twin_in_a_link_is_a_notice_and_the_rest_applies():
    linked = links.state_from_query("?lesson=circle&twin=speed:9")
    assert linked.state.title == engine.PRESETS["circle"].title
    assert any("twin" in n and "speed" in n for n in linked.notices)


def test_the_tours_twin_step_words_match_the_preset():
    step = next(s for s in TOUR if s.twin)
    assert engine.PRESETS[twins.TWINS[step.twin].lesson].title == engine.PRESETS[step.preset].title


def test_through_the_server_junk_is_an_answer_not_a_500():
    app = create_app()
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if "twin-chart.figure" in d["output"])
    for setting, value, stored in [("learning_rate", "x", LAB), ({"a": 1}, [1], "junk"), ("batch_size", 10**30, None)]:
        values = {"twin-due": {"due": 1}, "twin-setting": setting, "twin-value": value, "twin-retry": 0}
        body = {"output": dep["output"], "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]}
                                                      for o in dep["output"].strip(".").split("...")],
                "inputs": [{"id": i["id"], "property": i["property"], "value": values.get(i["id"])}
                           for i in dep["inputs"]],
                "state": [{"id": s["id"], "property": s["property"],
                           "value": {"lab-state": stored, "start-state": None, "panel-tabs": "twin"}[s["id"]]}
                          for s in dep["state"]],
                "changedPropIds": ["twin-setting.value"]}
        answer = client.post("/_dash-update-component", json=body)
        # A lab that is not even an object is turned away at the door (app/guard.py); the rest is answered.
        assert answer.status_code == (400 if stored == "junk" else 200), answer.data[:300]
        assert "Traceback" not in answer.get_data(as_text=True)
