"""app.callbacks.apply and control_values as plain functions: each control does what a person expects,
and bad input becomes a LabInputError (the page shows its message), never any other exception.

The default lesson (2-2-1 sigmoid, x = (1, 0.5), t = 1, η = 1) gives numbers to check by hand; see
tests/components/test_network_view.py for its whole forward and backward pass.
"""

import json
import math
import re

import numpy as np
import pytest

import engine
from app import actions, create_app
from app.callbacks import CONTROLS, HISTORY, apply, control_values
from components.network_view import network_view
from components.numbers import num
from components.readouts import counters_text, numbers_panel
from engine import LabInputError

SLIDER = {"component": "WeightSliderAIO", "subcomponent": "slider", "aio_id": "W1[0,1]"}


def default():
    return engine.PRESETS["default"].state()


def values_for(state, **changes):
    """What the page's controls hold when they show this state, plus any changes (keys as the ids)."""
    values = control_values(state)
    values["preset"] = "default"
    values["data-click"] = None
    values.update({k.replace("_", "-"): v for k, v in changes.items()})
    return values


def run(trigger, state, start=None, speed="phase", **changes):
    return apply(trigger, values_for(state, **changes), state, start if start is not None else state, speed)


@pytest.fixture
def trained():
    """The default lesson after two full steps: counters and history that a reset would lose."""
    return engine.train_steps(default(), 2)


# --- control_values ---

def shown(state) -> list:
    values = control_values(state)
    assert tuple(values) == CONTROLS
    return list(values.values())


def test_control_values_show_the_state():
    assert shown(default()) == ["2", "sigmoid", "sigmoid", "squared_error", "explicit", 0, 0.1, 0.0, [], 1.0, 1, "sgd",
                                "none", 0.0, "none", 0, 0]
    circle = engine.PRESETS["circle"].state(7)
    assert shown(circle) == ["4, 4", "tanh", "sigmoid", "bce", "circle", 7, 0.05, 0.5, [], 0.3, 10, "sgd", "none", 0.0,
                             "none", 0, 0]
    # A penalty shows with its rate; none while the rate is 0.
    assert shown(actions.regularization(circle, "l1", 0.03))[12:14] == ["l1", 0.03]
    # A stop rule's target shows as typed: a step count whole, a loss as it is.
    assert shown(actions.stop_settings(circle, "steps", 500))[14:16] == ["steps", 500]
    assert shown(actions.stop_settings(circle, "train_loss", 0.05))[14:16] == ["train_loss", 0.05]
    one_layer = engine.LabState("t", 0, engine.NetworkSpec((2, 1), ("tanh",)), engine.init_params(
        engine.NetworkSpec((2, 1), ("tanh",)), np.random.default_rng(0)), engine.TrainConfig(), default().data)
    assert shown(one_layer)[:3] == ["0", "tanh", "tanh"]


@pytest.mark.parametrize("name", list(engine.PRESETS))
def test_echoing_the_controls_back_changes_nothing(name):
    # The page writes control_values(state) into the controls; if one of them fires with what it
    # already shows, training must go on (no reset, same weights).
    state = engine.train_steps(engine.PRESETS[name].state(), 2)
    for trigger in CONTROLS:
        new, start = apply(trigger, values_for(state, preset=name), state, state, "phase")
        assert new.to_dict() == state.to_dict(), trigger
        assert start is state


# --- the transport buttons and the timer ---

def test_step_reveals_one_phase(trained):
    state = trained.replace(cursor=engine.Cursor(2))  # ready for the next batch
    new, start = run("step", state)
    assert new.cursor.index == 0 and new.counters == state.counters and start is state
    assert new.params == state.params


def test_full_step_runs_to_the_update():
    new, _ = run("full-step", default())
    assert new.counters.step == 1 and new.cursor.at_update
    # W2[0,0] = 0.7 − 1·∂C/∂W2[0,0] = 0.7 − 0.610639·(−0.098070) = 0.759886
    assert new.params.W[2][0, 0] == pytest.approx(0.759886, abs=1e-6)


@pytest.mark.parametrize("trigger", ["reset", "reset-diverged"])
def test_reset_returns_to_the_start(trained, trigger):
    start = default()
    new, new_start = apply(trigger, values_for(trained), trained, start, "phase")
    assert new.params == start.params and new_start is start
    assert new.counters.step == 0 and new.history.entries == () and new.cursor.index == -1


def test_reset_after_a_slider_goes_back_to_the_start_too():
    start = default()
    moved, _ = apply(SLIDER, values_for(start, slider=2.0), start, start, "phase")
    back, _ = run("reset", moved, start)
    assert back.params == start.params


# --- lessons and network settings ---

def test_preset_replaces_state_and_start(trained):
    new, start = run("preset", trained, preset="circle")
    assert new is start
    assert new.to_dict() == engine.PRESETS["circle"].state(trained.seed).to_dict()


def test_add_and_remove_a_layer(trained):
    new, start = run("add-layer", trained)
    assert new.spec.sizes == (2, 2, 2, 1) and start is new
    assert new.counters.step == 0 and new.history.entries == ()
    assert new.params == engine.init_params(new.spec, np.random.default_rng(0))
    fewer, _ = run("remove-layer", new, hidden_sizes="2, 2")
    assert fewer.spec.sizes == (2, 2, 1)
    none, _ = run("remove-layer", fewer, hidden_sizes="2")
    assert none.spec.sizes == (2, 1)


def test_add_layer_at_the_limit_changes_nothing(trained):
    six = run("hidden-sizes", trained, hidden_sizes="1, 1, 1, 1, 1, 1")[0]
    more, _ = run("add-layer", six, hidden_sizes="1, 1, 1, 1, 1, 1")
    assert more is six


def test_a_new_shape_reinitialises_and_resets_counters(trained):
    new, start = run("hidden-sizes", trained, hidden_sizes="3")
    assert new.spec.sizes == (2, 3, 1) and start is new
    assert new.counters.step == 0 and new.cursor.index == -1 and new.history.entries == ()
    assert new.params == engine.init_params(new.spec, np.random.default_rng(trained.seed))


def test_a_new_activation_keeps_the_weights_and_starts_counting_again(trained):
    new, start = run("activation", trained, activation="tanh")
    assert new.spec.activations == ("tanh", "sigmoid") and start is new
    assert new.params == trained.params
    assert new.counters.step == 0


def test_output_activation_and_loss(trained):
    new, _ = run("output-activation", trained, output_activation="linear")
    assert new.spec.activations == ("sigmoid", "linear")
    new, _ = run("loss", trained, loss="mse")
    assert new.spec.loss == "mse"


def test_a_new_dataset(trained):
    new, start = run("dataset", trained, dataset="xor")
    assert new.data.name == "xor" and new.spec.sizes == (2, 2, 1) and start is new
    assert engine.dataset(new.data).x_train.shape[0] == 100  # 200 points, half for testing
    sine, _ = run("dataset", trained, dataset="sine")
    # Regression targets reach outside (0, 1): a linear output and mean squared error.
    assert sine.spec.sizes == (1, 2, 1)
    assert sine.spec.activations[-1] == "linear" and sine.spec.loss == "mse"
    assert shown(sine)[2:4] == ["linear", "mse"]


def test_a_new_seed_draws_new_weights(trained):
    new, start = run("seed", trained, seed=5)
    assert new.seed == 5 and start is new
    assert new.params == engine.init_params(new.spec, np.random.default_rng(5))


def test_a_cleared_control_does_nothing(trained):
    for trigger in ("hidden-sizes", "activation", "seed", "learning-rate", "example"):
        new, start = run(trigger, trained, **{trigger.replace("-", "_"): None})
        assert new is trained and start is trained


# --- training settings go on from where training is ---

def test_a_new_learning_rate_keeps_the_step_counter_and_weights(trained):
    start = default()
    new, new_start = apply("learning-rate", values_for(trained, learning_rate=0.1), trained, start, "phase")
    assert new.train.learning_rate == 0.1 and new_start is start
    assert new.counters == trained.counters and new.params == trained.params
    assert new.history == trained.history and new.cursor == trained.cursor


def test_batch_size_and_optimizer(trained):
    circle = engine.train_steps(engine.PRESETS["circle"].state(), 3)
    new, _ = run("batch-size", circle, batch_size=25)
    assert new.train.batch_size == 25 and new.counters == circle.counters and new.params == circle.params
    new, _ = run("optimizer", trained, optimizer="adam")
    assert new.train.optimizer == "adam" and new.optimizer_state == engine.OptimizerState()
    assert new.counters == trained.counters


# --- which example is on show ---

def test_example_and_a_click_on_the_data_chart():
    circle = engine.PRESETS["circle"].state()
    assert run("example", circle, example=12)[0].example == 12
    click = {"points": [{"x": 0.1, "y": 0.2, "customdata": 33, "curveNumber": 0}]}
    assert run("data-click", circle, data_click=click)[0].example == 33


@pytest.mark.parametrize("click", [
    None, {}, {"points": []}, {"points": 5}, {"points": {}}, {"points": "x"}, {"points": [5]},
    {"points": [{"x": 1}]},  # a click on the ring or a test point carries no index
    "junk",
])
def test_a_click_without_an_example_changes_nothing(click):
    state = engine.PRESETS["circle"].state()
    new, start = run("data-click", state, data_click=click)
    assert new is state and start is state


@pytest.mark.parametrize("index", [100, -1, "3", [1], None])
def test_a_click_with_a_bad_index_is_refused(index):
    with pytest.raises(LabInputError, match="from 0 to 99"):
        run("data-click", engine.PRESETS["circle"].state(), data_click={"points": [{"customdata": index}]})


# --- a weight dragged by hand ---

def test_a_slider_sets_exactly_that_weight_and_reveals_every_delta(trained):
    start = default()
    new, new_start = apply(SLIDER, values_for(trained, slider=0.3), trained, start, "phase")
    assert new_start is start
    changed = [str(r) for r in engine.all_refs(new.spec) if r.get(new.params) != r.get(trained.params)]
    assert changed == ["W1[0,1]"] and new.params.W[1][0, 1] == 0.3
    assert new.counters == trained.counters and new.history == trained.history
    L = new.spec.n_layers
    assert new.cursor.index == 2 * L and new.cursor.phase == engine.Phase("backward", 1)


def test_a_slider_recomputes_the_loss_by_hand():
    state = default()
    new, _ = apply(SLIDER, values_for(state, slider=0.3), state, state, "phase")
    # z1[0] = 1·0.5 + 0.5·0.3 + 0.1 = 0.75, a = σ(0.75) = 0.679179; a1[1] = σ(0.5) = 0.622459
    # z2 = 0.7·0.679179 − 0.4·0.622459 + 0.2 = 0.426441, o = σ(z2) = 0.605024, C = ½(1 − o)² = 0.078003
    a = 1 / (1 + math.exp(-0.75))
    o = 1 / (1 + math.exp(-(0.7 * a - 0.4 / (1 + math.exp(-0.5)) + 0.2)))
    loss = engine.example_passes(new).bwd.loss
    assert loss == pytest.approx(0.5 * (1 - o) ** 2, abs=1e-12) == pytest.approx(0.078003, abs=1e-6)
    assert loss != engine.example_passes(state).bwd.loss  # was 0.082620


def test_after_a_slider_the_drawing_shows_the_new_numbers():
    # The draw callback is network_view + readouts on the stored state: check them on the slider's result.
    state = default()
    new, _ = apply(SLIDER, values_for(state, slider=0.3), state, state, "phase")
    view = network_view(actions.load(json.loads(json.dumps(new.to_dict()))))
    nodes = {n["id"]: n for n in view["nodes"]}
    edges = {e["id"]: e for e in view["edges"]}
    p = engine.example_passes(new)
    assert nodes["n1-0"]["text"] == "0.68"  # σ(0.75) = 0.679
    assert "loss C = 0.078" in view["output"]["lines"]
    assert all(n["sub"].startswith("δ ") for n in view["nodes"] if not n["id"].startswith("n0"))
    # ∂C/∂W1[0,1] = x₂ · δ1[0] = 0.5 · δ1[0]
    g = 0.5 * float(p.bwd.delta[1][0, 0])
    assert edges["W1[0,1]"]["grad"].startswith(f"∂ {num(g, True, 3)}")
    assert edges["W1[0,1]"]["label"] == "+0.30" and edges["W1[0,1]"]["dash"] == ""
    assert counters_text(new) == "Step 0 · Epoch 0"
    panel = {i.children[1].children: i.children[0].children
             for i in numbers_panel(new, engine.evaluate(new))}
    assert panel["Example loss"] == "0.078"


# --- bad input: a clear LabInputError, never anything else ---

BAD = [
    ("hidden-sizes", {"hidden_sizes": "9"}, "1 to 8 neurons"),
    ("hidden-sizes", {"hidden_sizes": "a,b"}, "not allowed"),
    ("hidden-sizes", {"hidden_sizes": "1,1,1,1,1,1,1"}, "At most 6 hidden layers"),
    ("hidden-sizes", {"hidden_sizes": 4}, "numbers separated by commas"),
    ("hidden-sizes", {"hidden_sizes": ""}, "or 0 for a network with no hidden layer"),  # the box emptied
    ("add-layer", {"hidden_sizes": "x"}, "not allowed"),
    ("preset", {"preset": "nope"}, "no lesson"),
    ("preset", {"preset": ["default"]}, "no lesson"),
    ("seed", {"seed": -1}, "seed must be a whole number"),
    ("seed", {"seed": 1.5}, "seed must be a whole number"),
    ("seed", {"seed": "x"}, "seed must be a whole number"),
    ("seed", {"seed": True}, "seed must be a whole number"),
    ("seed", {"seed": 10**400}, "seed must be a whole number"),
    ("activation", {"activation": "softmax9"}, "activation"),
    ("activation", {"activation": ["tanh"]}, "activation"),
    ("output-activation", {"output_activation": {}}, "activation"),
    ("loss", {"loss": "hinge"}, "loss"),
    ("dataset", {"dataset": "mnist"}, "no dataset"),
    ("dataset", {"dataset": {"name": "xor"}}, "no dataset"),
    ("learning-rate", {"learning_rate": "fast"}, "learning rate must be a number"),
    ("learning-rate", {"learning_rate": float("nan")}, "learning rate"),
    ("learning-rate", {"learning_rate": 1e9}, "learning rate"),
    ("batch-size", {"batch_size": 0}, "batch size"),
    ("optimizer", {"optimizer": "rmsprop"}, "optimizer"),
    ("optimizer", {"optimizer": ["sgd"]}, "optimizer"),
    ("example", {"example": 1}, "from 0 to 0"),
    ("example", {"example": -1}, "from 0 to 0"),
    ("example", {"example": "0"}, "from 0 to 0"),
    (SLIDER, {"slider": float("nan")}, "finite number"),
    (SLIDER, {"slider": float("inf")}, "finite number"),
    (SLIDER, {"slider": "x"}, "finite number"),
    (SLIDER, {"slider": 1e12}, "within"),
    (SLIDER, {"slider": 10**400}, "within"),
    (dict(SLIDER, aio_id="W9[0,0]"), {"slider": 0.1}, "no parameter"),
    (dict(SLIDER, aio_id=None), {"slider": 0.1}, "names no parameter"),
    (dict(SLIDER, aio_id=["W1[0,0]"]), {"slider": 0.1}, "names no parameter"),
]


@pytest.mark.parametrize("trigger, changes, words", BAD)
def test_bad_input_is_a_clear_lab_input_error(trigger, changes, words):
    with pytest.raises(LabInputError, match=words):
        run(trigger, default(), **changes)


JUNK = [None, "", "x", -1, 1.5, 10**400, float("nan"), float("inf"), True, [], ["x"], {}, {"a": 1}]


@pytest.mark.parametrize("trigger", [*CONTROLS, "preset", "data-click", "add-layer", "remove-layer",
                                     SLIDER, "step", "unknown"])
def test_apply_never_raises_anything_but_lab_input_error(trigger):
    state = default()
    key = "hidden-sizes" if trigger in ("add-layer", "remove-layer") else (
        "slider" if isinstance(trigger, dict) else trigger)
    for junk in JUNK:
        values = values_for(state)
        values[key] = junk
        try:
            new, start = apply(trigger, values, state, state, "phase")
        except LabInputError as e:
            assert str(e) and "Traceback" not in str(e)
        else:
            assert isinstance(new, engine.LabState) and isinstance(start, engine.LabState)


def test_an_unknown_trigger_changes_nothing(trained):
    assert run("nothing-we-know", trained) == (trained, trained)
    assert run(None, trained) == (trained, trained)
    assert run({"component": "Other", "subcomponent": "unpin", "aio_id": "W1[0,0]"}, trained) == (trained, trained)


# --- the app itself ---

def test_the_app_registers_the_state_callback():
    app = create_app()
    keys = list(app.callback_map)
    act = [k for k in keys if "lab-state.data" in k and "start-state.data" in k]
    assert len(act) == 1
    # Every settings control is both shown and read by that callback.
    for control in CONTROLS:
        assert f"{control}.value" in act[0]
    inputs = {i["id"] if isinstance(i["id"], str) else json.dumps(i["id"]) for i in app.callback_map[act[0]]["inputs"]}
    assert {"step", "full-step", "reset", "play-tick", "preset", "data-click", *CONTROLS} <= inputs


def test_each_answer_brings_the_next_phase_and_the_next_update_for_an_instant_step():
    from app import ahead as moments
    from app.callbacks import STATUS_IDS, _with_next_phase, as_words, status_texts
    from components.network_view import network_view

    def ahead(lab):  # the picture, the words and numbers over it, and its moment's name
        view_of = network_view(lab, geometry=False, tips=False)
        words = {STATUS_IDS[k]: as_words(v) for k, v in status_texts(lab).items()}
        return {**view_of, "words": words, "moment": moments.moment(lab)}

    def headline(picture):
        return {k: picture["words"][k] for k in ("phase-text", "counters")}

    state = default()
    view = _with_next_phase(network_view(state), state, playing=False)
    # The picture Step will show: the engine's next phase, without tooltips (the answer brings them).
    assert view["next"] == ahead(engine.advance(state))
    assert view["next"]["phase"] == "forward"
    assert headline(view["next"]) == {"phase-text": "Forward: signal reaches layer 1", "counters": "Step 0 · Epoch 0"}
    assert view["of"] == moments.lab(state) and view["next"]["moment"] == "0:0"
    # And the picture Full step will show: the end of the next update.
    assert view["after"] == ahead(engine.full_step(state))
    assert view["after"]["phase"] == "update"
    assert headline(view["after"]) == {"phase-text": "Update: every weight steps against its gradient",
                                       "counters": "Step 1 · Epoch 1"}
    assert view["after"]["moment"] == "1:5"
    # Its numbers are the update's: the train loss 0.066, the example's and the batch's 0.083 → 0.066.
    numbers = view["after"]["words"]["numbers"]["html"]
    assert '<div class="number-value">0.066</div><div class="number-label">Train loss</div>' in numbers
    assert numbers.count('<div class="number-value">0.083 → 0.066</div>') == 2
    # From an update on show, the next update is the next batch's.
    updated = engine.full_step(state)
    view = _with_next_phase(network_view(updated), updated, playing=False)
    assert view["after"] == ahead(engine.full_step(updated))
    assert view["after"]["words"]["counters"] == "Step 2 · Epoch 2"
    assert view["after"] != view["next"] and view["next"]["phase"] == "forward"
    # One phase before the update, the update is the next phase: its picture is sent once.
    before = state
    while not engine.advance(before).cursor.at_update:
        before = engine.advance(before)
    view = _with_next_phase(network_view(before), before, playing=False)
    assert view["after"] == "next" and view["next"] == ahead(engine.full_step(before))
    # While playing, or once training has diverged, there is nothing to paint ahead.
    assert not {"next", "after"} & _with_next_phase(network_view(state), state, playing=True).keys()
    stuck = state.replace(diverged="Training stopped.")
    assert not {"next", "after"} & _with_next_phase(network_view(stuck), stuck, playing=False).keys()


# --- Play: brief ticks between the chart ticks ---


@pytest.mark.parametrize("trigger, playing, tick, brief", [
    ("play-tick", True, {"n": 7, "charts": False}, True),
    ("play-tick", True, {"n": 8, "charts": True}, False),  # the page marks one tick in CHART_INTERVAL_MS
    ("play-tick", True, 3, True),  # anything unmarked (it comes from the browser) takes the cheap path
    ("play-tick", False, {"n": 7, "charts": False}, False),  # the last tick lands after Pause: all of it
    ("reset", True, {"n": 7, "charts": False}, False),  # a click while playing draws everything
    ("step", True, None, False),
])
def test_which_ticks_are_brief(trigger, playing, tick, brief):
    from app.callbacks import brief_tick

    assert brief_tick(trigger, playing, tick) is brief


def _drawn(outputs: dict) -> dict:
    from app.callbacks import DRAWN

    assert list(outputs) == list(DRAWN)
    return outputs


def test_a_brief_tick_sends_the_network_and_the_counters_only():
    from dash import no_update

    from app.callbacks import drawing

    state = engine.train_steps(default(), 3)
    out = _drawn(drawing(state, {}, brief=True, painted="2-2-1", playing=True))
    sent = {name for name, value in out.items() if value is not no_update}
    assert sent == {"view", "counters-words"}
    assert out["counters-words"] == "Step 3 · Epoch 3"
    # No tooltips, no slider model; the counters come with the picture too (written as it is painted).
    assert out["view"] == {**network_view(state, geometry=False, tips=False, aria=False), "counters": "Step 3 · Epoch 3"}
    # A chart tick sends the rest: numbers, loss chart, and the panels' cue.
    full = _drawn(drawing(state, {}, brief=False, painted="2-2-1", playing=True))
    assert {"numbers-words", HISTORY, "charts-due", "drawn-keys"} <= {n for n, v in full.items() if v is not no_update}
    assert full["charts-due"][0] == 3 and "tip" in full["view"]["edges"][0]
    # The maths tabs wait for Pause; after a Step they follow at once.
    assert full["maths-due"] is no_update
    assert _drawn(drawing(state, {}, painted="2-2-1", playing=False))["maths-due"] == 3


def test_the_words_go_to_the_page_as_text_and_the_numbers_as_html():
    from app.callbacks import drawing

    state = engine.train_steps(default(), 3)
    out = drawing(state, {}, painted="2-2-1")
    assert out["phase-text-words"] == state.cursor.words() and out["counters-words"] == "Step 3 · Epoch 3"
    assert out["numbers-when-words"] == "Train numbers: the weights after step 3"
    numbers = out["numbers-words"]["html"]
    assert numbers.startswith('<div class="number"><div class="number-value">')
    # The default lesson has one example: no test set, no accuracy.
    labels = re.findall(r'<div class="number-label">([^<]*)</div>', numbers)
    assert labels == ["Train loss", "Example loss", "Batch loss"]


def test_while_play_runs_every_word_is_sent_as_the_page_wrote_its_chart_ticks_own():
    from dash import no_update

    from app.callbacks import drawing

    state = engine.train_steps(default(), 3)
    keys = drawing(state, {}, painted="2-2-1")["drawn-keys"]
    # Paused: the words the page shows already are not sent again.
    again = drawing(state, keys, painted="2-2-1")
    assert again["phase-text-words"] is no_update and again["numbers-words"] is no_update
    # Playing: Dash never heard of the words the chart ticks wrote (app/ticks.py), so it sends them all.
    playing = drawing(state, keys, painted="2-2-1", playing=True)
    assert playing["phase-text-words"] == state.cursor.words() and playing["numbers-words"] is not no_update
    assert playing["counters-words"] is no_update  # those go with each picture


def test_a_brief_tick_that_diverges_says_so():
    from app.callbacks import drawing

    stuck = default().replace(diverged="Training stopped: the loss is no longer a finite number.")
    out = _drawn(drawing(stuck, {}, brief=True, painted="2-2-1", playing=True))
    assert out["diverged"] is False and out["diverged-text"] == stuck.diverged


def test_the_divergence_banner_is_sent_only_when_it_changes():
    from dash import no_update

    from app.callbacks import drawing

    calm, stuck = default(), default().replace(diverged="Training stopped: the loss is no longer a finite number.")
    first = drawing(calm, {}, painted="2-2-1")  # what the page shows is not known: sent
    assert first["diverged"] is True and first["diverged-text"] == ""
    again = drawing(calm, first["drawn-keys"], painted="2-2-1")
    assert again["diverged"] is no_update and again["diverged-text"] is no_update
    up = drawing(stuck, again["drawn-keys"], painted="2-2-1")
    assert up["diverged"] is False and up["diverged-text"] == stuck.diverged
    down = drawing(calm, up["drawn-keys"], painted="2-2-1")  # Reset, or a new learning rate
    assert down["diverged"] is True and down["diverged-text"] == ""


def test_a_new_slider_reading_its_own_weight_changes_nothing():
    # After a Full step W1[0,1] = −0.3 − 1·(0.5·(−0.016322)) = −0.291839…; a slider pinned now is given
    # −0.2918 (four decimals) and sends it back as it appears. That is not a move: the weight keeps every
    # digit and the update stays on show.
    state = engine.full_step(default())
    assert state.cursor.at_update
    w = engine.ParamRef.parse("W1[0,1]", state.spec).get(state.params)
    assert round(w, 4) == -0.2918 and w != -0.2918
    new, _ = apply(SLIDER, values_for(state, slider=-0.2918), state, state, "phase")
    assert new is state
    # A real move to another value is one: the whole pass is recomputed for it.
    moved, _ = apply(SLIDER, values_for(state, slider=-0.25), state, state, "phase")
    assert engine.ParamRef.parse("W1[0,1]", moved.spec).get(moved.params) == -0.25
    assert not moved.cursor.at_update


def test_the_first_network_waits_for_no_graph():
    """Dash holds a callback back until every component among its inputs and states is ready, and a
    graph is ready only once Plotly has loaded (a second or more on a slow laptop): `act`, which
    draws the first network, reads no graph."""
    from dash import dcc

    from app import create_app
    from app.layout import build_layout

    def graphs(node):
        if isinstance(node, dcc.Graph):
            yield node.id
        children = getattr(node, "children", None)
        for child in children if isinstance(children, (list, tuple)) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                yield from graphs(child)

    graph_ids = set(graphs(build_layout()))
    assert {"data-chart", "ball-chart"} <= graph_ids
    app = create_app()
    act = next(v for k, v in app.callback_map.items() if "lab-state.data" in k and "start-state.data" in k)
    read = {i["id"] for i in act["inputs"] + act["state"] if isinstance(i["id"], str)}
    assert read & graph_ids == set()
    assert "data-click" in read
