"""app.callbacks.act as a plain function: one action on the page in, the whole answer out, by name
(ACT["output"]), as Dash sends it back to the page."""

import base64

import pytest
from dash import no_update

import engine
from app import actions, callbacks
from app.callbacks import ACT, CONTROLS, DRAWN, act, control_values
from components.network_view import network_view, packed
from components.readouts import counters_text

SLIDER = {"component": "WeightSliderAIO", "subcomponent": "slider", "aio_id": "W1[0,1]"}
NO_ARRIVAL = {"travel": None, "load-lab": None, "upload-csv": None, "url": ""}


def default():
    return engine.PRESETS["default"].state()


def on_page(state, **inputs) -> dict:
    """What the page sends when it shows `state` (its controls echo it), with `inputs` changed."""
    return {"controls": control_values(state), "preset": "default", "arrived": dict(NO_ARRIVAL),
            "stored": state.to_dict(), "stored_start": state.to_dict(), "speed": "phase", "keys": None,
            "playing": False, "painted": "-".join(map(str, state.spec.sizes)), "shown_message": ""} | inputs


def weight(state, name) -> float:
    return float(engine.ParamRef.parse(name, state.spec).get(state.params))


def changed(answer: dict, group: str) -> dict:
    return {k: v for k, v in answer[group].items() if v is not no_update}


def test_its_answer_has_every_output_of_the_callback_by_name():
    answer = act("step", [], **on_page(default()))
    assert answer.keys() == ACT["output"].keys()
    for group in ("controls", "drawn", "cleared"):
        assert answer[group].keys() == ACT["output"][group].keys()
    assert tuple(answer["controls"]) == CONTROLS and tuple(answer["drawn"]) == tuple(DRAWN)


def test_step_reveals_the_next_phase_and_draws_it_and_nothing_echoes_back_to_the_controls():
    state = default()
    answer = act("step", [], **on_page(state))
    after = engine.advance(state)
    assert answer["state"] == after.to_dict()
    assert answer["start"] is no_update and answer["message"] is no_update
    assert changed(answer, "controls") == {}  # the controls show this lab already
    assert answer["drawn"]["phase-text-words"] == after.cursor.words()
    view = answer["drawn"]["view"]
    assert {k: v for k, v in view.items() if k not in ("next", "after", "counters", "of")} == network_view(after, geometry=False)
    assert view["counters"] == answer["drawn"]["counters-words"] == counters_text(after)  # written as it is painted


def test_the_first_call_draws_everything_and_fills_the_start_state():
    state = default()
    answer = act(None, [], **on_page(state, stored=None, stored_start=None, painted=None))
    assert answer["state"] == state.to_dict() and answer["start"] == state.to_dict()
    assert answer["drawn"]["counters-words"] == "Step 0 · Epoch 0"
    assert answer["drawn"]["view"]["geometry"]["key"] == "2-2-1"  # nothing painted yet: the shape too


def test_a_new_learning_rate_is_kept_and_its_control_not_sent_back():
    state = default()
    answer = act("learning-rate", [], **on_page(state, controls=control_values(state) | {"learning-rate": 0.1}))
    assert engine.LabState.from_dict(answer["state"]).train.learning_rate == 0.1
    assert changed(answer, "controls") == {}  # it shows 0.1 already


def test_add_layer_sends_the_new_shape_to_the_layers_box():
    answer = act("add-layer", [], **on_page(default()))
    assert changed(answer, "controls") == {"hidden-sizes": "2, 2"}
    assert answer["drawn"]["view"]["geometry"]["key"] == "2-2-2-1"


def test_a_dragged_slider_sets_its_weight_and_only_the_other_sliders_are_sent_back():
    state = default()
    ids = [dict(SLIDER, aio_id="W1[0,0]"), SLIDER]
    answer = act(SLIDER, ids, **on_page(state, sliders=[0.5, 1.25]))
    assert weight(engine.LabState.from_dict(answer["state"]), "W1[0,1]") == 1.25
    assert answer["sliders"] == [no_update, no_update]  # the dragged one shows its value already
    # A Step moves every pinned slider to its weight.
    stepped = act("full-step", ids, **on_page(state, sliders=[0.5, 1.25]))
    after = engine.full_step(state)
    assert stepped["sliders"] == [round(weight(after, "W1[0,0]"), 4), round(weight(after, "W1[0,1]"), 4)]


def test_a_lab_the_tab_cannot_read_becomes_the_default_lesson_with_a_message():
    answer = act("step", [], **on_page(default(), stored={"version": "junk"}))
    assert answer["message"].startswith("The lab in this tab could not be read")
    assert answer["state"] == default().to_dict()


def test_a_refused_setting_keeps_the_lab_and_says_why():
    state = default()
    answer = act("hidden-sizes", [], **on_page(state, controls=control_values(state) | {"hidden-sizes": "9, 9, 9"}))
    assert answer["state"] is no_update and answer["drawn"] == dict.fromkeys(DRAWN, no_update)
    assert "1–8" in answer["message"] or "8" in answer["message"]


def test_a_failure_inside_an_action_keeps_the_lab_and_shows_no_traceback(monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("a bug")
    monkeypatch.setattr(callbacks, "apply", broken)
    monkeypatch.setattr(callbacks, "take_clicks", broken)
    for trigger in ("step", "learning-rate"):
        answer = act(trigger, [], **on_page(default()))
        assert answer["state"] is no_update
        assert answer["message"] == "That did not work, and nothing was changed. Try another setting or press Reset."
        assert "a bug" not in answer["message"] and "Traceback" not in answer["message"]


def test_an_uploaded_file_is_read_once_and_emptied_on_the_page():
    state = default()
    saved = state.replace(title="Saved").to_json().encode()
    contents = "data:application/json;base64," + base64.b64encode(saved).decode()
    answer = act("load-lab", [], **on_page(state, arrived=NO_ARRIVAL | {"load-lab": contents}))
    assert answer["message"].startswith("Loaded “Saved”")
    assert answer["cleared"] == {"travel": no_update, "load-lab": None, "upload-csv": no_update}


def csv_contents(text: str) -> str:
    return "data:text/csv;base64," + base64.b64encode(text.encode()).decode()


def test_an_upload_still_in_the_request_is_read_before_the_click_that_overtook_it():
    # A CSV arrived and Full step was clicked before the upload's answer came back: the page applies
    # only the newer answer (assets/connection.js), so it reads the file, then takes the click.
    state = default()
    rows = "0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.5,0.5,1\n"
    answer = act("full-step", [], **on_page(state, clicks={"full-step": 1}, handled={"full-step": 0},
                                            arrived=NO_ARRIVAL | {"upload-csv": csv_contents(rows)}))
    after = engine.LabState.from_dict(answer["state"])
    assert after.data.name == "explicit" and len(after.data.x) == 5 and after.data.x[4] == (0.5, 0.5)
    assert after.counters.step == 1 and answer["drawn"]["counters-words"].startswith("Step 1 ")
    assert answer["message"].startswith("Your data: 5 rows, two features")
    assert answer["cleared"] == {"travel": no_update, "load-lab": no_update, "upload-csv": None}
    assert engine.LabState.from_dict(answer["start"]).counters.step == 0  # Reset goes back to the new data


def test_a_waiting_file_that_cannot_be_read_says_so_and_the_click_is_still_taken():
    state = default()
    answer = act("step", [], **on_page(state, clicks={"step": 1}, handled={"step": 0},
                                       arrived=NO_ARRIVAL | {"load-lab": "data:application/json;base64,@@@"}))
    assert engine.LabState.from_dict(answer["state"]).cursor == engine.advance(state).cursor
    assert answer["message"].startswith("That file could not be loaded, and your lab is as it was")
    assert answer["cleared"]["load-lab"] is None


def test_a_message_stays_while_the_lab_does_not_change():
    answer = act("unknown", [], **on_page(default(), shown_message="A link's notice"))
    assert answer["message"] is no_update and answer["state"] is no_update


def tick(state, speed, **asked) -> dict:
    """The answer to a Play tick asking for `asked` (moves, frames, charts) while Play runs at `speed`."""
    return act("play-tick", [], **on_page(state, speed=speed, playing=True, tick={"n": 1, **asked}))


def trained_to(answer) -> engine.LabState:
    return engine.LabState.from_dict(answer["state"])


@pytest.mark.parametrize("speed, steps, index", [
    ("phase", 0, 0),  # one phase: forward to layer 1
    ("slow", 1, 5),
    ("normal", 1, 5),
    ("fast", None, 5),  # as many full steps as fit in FAST_TICK_SECONDS: at least one
])
def test_play_tick_at_each_speed(speed, steps, index):
    new = trained_to(tick(default(), speed))
    assert new.cursor.index == index
    assert new.counters.step == steps if steps is not None else new.counters.step >= 1


def test_a_play_tick_takes_the_moves_the_page_asks_for_and_refuses_junk():
    assert trained_to(tick(default(), "brisk", moves=2)).counters.step == 2
    for speed, asked in [("brisk", {"moves": "lots"}), ("ludicrous", {}), ("brisk", {"frames": 3}),
                         ("fast", {"frames": 0}), ("fast", {"frames": 10**400}), ("fast", {"frames": [2]})]:
        answer = tick(default(), speed, **asked)
        assert answer["state"] is no_update and answer["message"], (speed, asked)
        assert "Traceback" not in answer["message"]


class SteadyClock:
    """The training loop's clock, one millisecond on per reading: a tick trains as many steps on a
    busy machine as on an idle one, so it always reaches the moments its pictures are taken at."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self) -> float:
        self.now += 0.001
        return self.now


def test_at_full_speed_a_tick_brings_the_pictures_on_the_way_each_with_its_step_counter(monkeypatch):
    monkeypatch.setattr(engine.training, "time", SteadyClock())
    state = engine.PRESETS["circle"].state()
    answer = tick(state, "fast", frames=6, charts=False)
    last = trained_to(answer)
    view = answer["drawn"]["view"]
    frames = view["frames"]
    assert 1 <= len(frames) <= 5
    # Each picture is a moment the engine trained through: the network view of the lab at its step,
    # without tooltips (Play leaves them in place), packed, and that step's counters.
    for frame in frames:
        step = int(frame["counters"].split()[1])
        moment = engine.train_steps(state, step)
        assert {k: v for k, v in frame.items() if k != "counters"} == packed(network_view(
            moment, geometry=False, tips=False, aria=False))
        assert frame["counters"] == counters_text(moment)
    steps = [int(f["counters"].split()[1]) for f in frames] + [last.counters.step]
    assert steps == sorted(set(steps))
    # 6 pictures fill 0.1 s of the display, so the tick trains for a third of it, 33.3 ms. Its clock
    # starts at 1 ms and reads 1 ms more after each step: step i ends at (i + 1) ms. Pictures are due
    # every 33.3/6 ms from the start, at 6.6, 12.1, 17.7, 23.2 and 28.8 ms (steps 6, 12, 17, 23, 28),
    # and the tick ends at 34.3 ms, after step 34.
    assert steps == [6, 12, 17, 23, 28, 34]
    # The counters travel with the pictures, not as their own output, which would run ahead of them.
    assert view["counters"] == counters_text(last) and answer["drawn"]["counters-words"] is no_update
    # On a chart tick too.
    charted = tick(state, "fast", frames=6, charts=True)
    assert charted["drawn"]["counters-words"] is no_update and charted["drawn"]["view"]["frames"]
    assert "counters" not in charted["drawn"]["drawn-keys"]["shown"]
    # A tick without pictures on the way brings its counters with its picture just the same: an
    # output set on arrival could be overwritten by an older picture still waiting for its frame.
    alone = tick(state, "fast", frames=1, charts=False)
    assert "frames" not in alone["drawn"]["view"] and alone["drawn"]["counters-words"] is no_update
    assert alone["drawn"]["view"]["counters"] == counters_text(trained_to(alone))


@pytest.mark.parametrize("trigger", ["step", "full-step", "reset", "play-tick", "preset", *CONTROLS])
def test_junk_in_every_input_never_raises(trigger):
    junk = {"controls": {c: {"x": [1e400]} for c in CONTROLS}, "preset": ["x"], "tick": "?",
            "data_click": 7, "sliders": "no", "tour": -1}
    answer = act(trigger, [], **on_page(default(), **junk))
    assert answer.keys() == ACT["output"].keys()


def test_clicks_made_before_the_last_answer_came_are_all_taken():
    # Three clicks of Step; the page kept the answer to none of them yet (it sends the lab as it was
    # and the page threw the earlier answers away): this answer takes all three phases.
    state = default()
    answer = act("step", [], **on_page(state, clicks={"step": 3}, handled=None))
    assert engine.LabState.from_dict(answer["state"]).cursor == engine.advance(engine.advance(engine.advance(state))).cursor
    assert answer["handled"]["step"] == 3
    # The page kept the answer to the first: two more.
    answer = act("full-step", [], **on_page(state, clicks={"step": 1, "full-step": 2}, handled={"full-step": 0}))
    assert engine.LabState.from_dict(answer["state"]).counters.step == 2
    # Each answer kept: one click, one move.
    answer = act("step", [], **on_page(state, clicks={"step": 5}, handled={"step": 4}))
    assert engine.LabState.from_dict(answer["state"]).cursor == engine.advance(state).cursor


def test_clicks_a_newer_request_overtook_are_taken_by_its_answer():
    # Step was clicked twice, and a control's echo overtook both requests: its answer takes them.
    state = default()
    answer = act("example", [], **on_page(state, clicks={"step": 2}, handled={"step": 0}))
    assert engine.LabState.from_dict(answer["state"]).cursor == engine.advance(engine.advance(state)).cursor
    assert answer["handled"]["step"] == 2
    # All taken: the echo moves nothing, and says nothing of clicks.
    answer = act("example", [], **on_page(state, clicks={"step": 2}, handled={"step": 2}))
    assert engine.LabState.from_dict(answer["state"]).cursor == state.cursor and answer["handled"] is no_update


@pytest.mark.parametrize(("trigger", "clicks", "handled", "owed"), [
    ("step", {"step": 2}, {"step": 2}, [("step", 1)]),  # an answer already counted it: still the click that fired
    ("step", {"step": 10**9}, {}, [("step", 32)]),  # no client gets more than the limit at once
    ("step", {"step": "9"}, {"step": -4}, [("step", 1)]), ("step", {"step": True}, [], [("step", 1)]),
    ("step", None, None, [("step", 1)]), ("step", {"step": 3}, {"step": 2.5}, [("step", 3)]),
    ("full-step", {"step": 3, "full-step": 1}, {"step": 1}, [("step", 2), ("full-step", 1)]),  # the one that fired last
    ("reset", {"reset": 5, "step": 1}, {}, [("step", 1)]),  # Reset twice is Reset; the Step is owed
    ({"aio_id": "W1[0,0]"}, {"step": 4}, {"step": 4}, []),
    ("step", {"step": 10**400}, {"step": 1}, [("step", 1)]),  # a count no page sends reads as none
])
def test_the_count_of_clicks_is_untrusted(trigger, clicks, handled, owed):
    assert callbacks.owed_clicks(trigger, clicks, handled) == owed
    answer = act(trigger, [], **on_page(default(), clicks=clicks, handled=handled))
    assert answer["handled"] is no_update or all(0 <= n <= callbacks.MAX_CLICKS for n in answer["handled"].values())


def test_the_tick_that_meets_the_stop_rule_tells_the_page_to_pause_and_says_why():
    lab = actions.stop_settings(engine.PRESETS["circle"].state(), "steps", 3)
    answer = tick(lab, "brisk", moves=5)
    assert trained_to(answer).counters.step == 3
    assert answer["stopped"] == {"reason": "Play stopped at step 3: the stop rule is step 3.", "step": 3}
    assert answer["message"] == answer["stopped"]["reason"]
    # Play again with the rule met: nothing trains, and the answer still draws, so the page knows its
    # tick is in (an answer that drew nothing left the next Play waiting for it).
    again = tick(trained_to(answer), "brisk", moves=5)
    assert trained_to(again).counters.step == 3 and again["stopped"] == answer["stopped"]
    assert again["drawn"]["view"] is not no_update
    # A tick that does not meet it trains on, and says nothing of the kind.
    answer = tick(actions.stop_settings(lab, "steps", 100), "brisk", moves=5)
    assert trained_to(answer).counters.step == 5 and answer["stopped"] is no_update


def test_generated_data_settings_are_put_out_of_reach_for_a_labs_own_examples():
    default = engine.PRESETS["default"].state()
    assert act("step", [], **on_page(default, own_examples=True))["generated"] is no_update
    circle = engine.PRESETS["circle"].state()
    answer = act("preset", [], **on_page(default, preset="circle", own_examples=True))
    assert trained_to(answer).data.name == circle.data.name and answer["generated"] is False
    back = act("preset", [], **on_page(circle, preset="default", own_examples=False))
    assert back["generated"] is True


def test_while_play_runs_an_answers_counters_go_with_its_picture():
    # A setting changed during Play: its answer's counters are written as its picture is painted, after
    # the last tick's pictures still waiting for their frames, never before them (the step read would
    # go back). Paused, they are an output of their own.
    lab = engine.train_steps(default(), 7)
    controls = control_values(lab) | {"learning-rate": 0.3}
    playing = act("learning-rate", [], **on_page(lab, controls=controls, playing=True, speed="fast"))
    assert playing["drawn"]["counters-words"] is no_update
    assert playing["drawn"]["view"]["counters"] == counters_text(lab) == "Step 7 · Epoch 7"
    assert trained_to(playing).train.learning_rate == 0.3
    paused = act("learning-rate", [], **on_page(lab, controls=controls, playing=False))
    assert paused["drawn"]["counters-words"] == "Step 7 · Epoch 7"
