"""app/actions.py as plain functions: what each control does to the lab state, and what it refuses.

Hand numbers use the default lesson (2-2-1 sigmoid, x = (1, 0.5), t = 1, η = 1; see
tests/components/test_network_view.py for its forward and backward pass).
"""

import json
import math

import numpy as np
import pytest

import engine
from app import actions
from engine import LabInputError, limits


def default():
    return engine.PRESETS["default"].state()


def circle():
    return engine.PRESETS["circle"].state()


# --- load: the front door for whatever the browser sends back ---

def test_load_none_is_the_default_lesson_and_a_round_trip_is_exact():
    assert actions.load(None).to_dict() == default().to_dict()
    trained = engine.train_steps(circle(), 3)
    assert actions.load(json.loads(json.dumps(trained.to_dict()))).to_dict() == trained.to_dict()


def tampered(change):
    d = json.loads(default().to_json())
    change(d)
    return d


@pytest.mark.parametrize("change, words", [
    (lambda d: d["params"]["W"][0][0].__setitem__(0, float("nan")), "finite"),
    (lambda d: d["params"]["W"][0][0].__setitem__(0, float("inf")), "finite"),
    (lambda d: d["params"]["W"][0][0].__setitem__(0, "0.5"), "number"),
    (lambda d: d["network"].__setitem__("activations", ["sigmoid", "softmax9"]), "activation"),
    (lambda d: d["network"].__setitem__("loss", "hinge"), "loss"),
    (lambda d: d["training"].__setitem__("learning_rate", -1), "learning rate"),
    (lambda d: d["cursor"].__setitem__("index", 99), "cursor"),
    (lambda d: d.__setitem__("extra", 1), "unknown"),
    (lambda d: d.pop("params"), "missing"),
])
def test_load_refuses_a_tampered_state(change, words):
    # Through real JSON, as the browser would send it (json.dumps writes NaN; Python's json reads it back).
    d = json.loads(json.dumps(tampered(change)))
    with pytest.raises(LabInputError, match=words):
        actions.load(d)


@pytest.mark.parametrize("junk", ["a string", 3, [], [1, 2], True])
def test_load_refuses_junk(junk):
    with pytest.raises(LabInputError):
        actions.load(junk)


# --- presets ---

@pytest.mark.parametrize("name", list(engine.PRESETS))
def test_preset_builds_the_named_lesson_with_the_seed(name):
    assert actions.preset(name, 3).to_dict() == engine.PRESETS[name].state(3).to_dict()


@pytest.mark.parametrize("name", ["nope", "", None, 3, ["default"], {"a": 1}])
def test_unknown_preset(name):
    with pytest.raises(LabInputError, match="no lesson"):
        actions.preset(name)


# --- hidden layer sizes ---

@pytest.mark.parametrize("text, sizes", [
    ("4, 4", (4, 4)), ("4,4", (4, 4)), ("4 4", (4, 4)), ("4;4", (4, 4)), (" 3 ", (3,)),
    ("0", ()), ("1,1,1,1,1,1", (1,) * 6), ("8", (8,)),
])
def test_parse_hidden(text, sizes):
    assert actions.parse_hidden(text) == sizes


@pytest.mark.parametrize("text, words", [
    ("", "or 0 for a network with no hidden layer"),  # emptied by accident: nothing is rebuilt
    (" , ", "or 0 for a network with no hidden layer"),
    ("9", "1 to 8 neurons"),
    ("0, 2", "1 to 8 neurons"),
    ("a,b", "'a' is not allowed"),
    ("2.5", "not allowed"),
    ("-1", "not allowed"),
    ("1,1,1,1,1,1,1", "At most 6 hidden layers; 7"),
    ("1" * 61, "numbers separated by commas"),
    (4, "numbers separated by commas"),
    (None, "numbers separated by commas"),
    (["4"], "numbers separated by commas"),
])
def test_parse_hidden_refuses(text, words):
    with pytest.raises(LabInputError, match=words):
        actions.parse_hidden(text)


@pytest.mark.parametrize("text, delta, result", [
    ("2", 1, "2, 2"),  # a new layer copies the last one's size
    ("0", 1, "2"),
    ("4, 3", -1, "4"),
    ("2", -1, "0"),
    ("0", -1, "0"),
    ("1, 2, 3, 4, 5, 6", 1, "1, 2, 3, 4, 5, 6"),  # already at the limit
])
def test_change_layers(text, delta, result):
    assert actions.change_layers(text, delta) == result


def test_format_hidden():
    assert actions.format_hidden(default().spec) == "2"
    assert actions.format_hidden(circle().spec) == "4, 4"
    assert actions.format_hidden(engine.NetworkSpec((2, 1), ("sigmoid",))) == "0"


# --- rebuild: shape, activation, loss, dataset, seed ---

def rebuild(state, hidden="2", activation="sigmoid", output="sigmoid", loss="squared_error", dataset="explicit", seed=0):
    return actions.rebuild(state, state, hidden, activation, output, loss, dataset, seed)


def test_rebuild_with_unchanged_settings_changes_nothing():
    trained = engine.train_steps(default(), 2)
    state, is_new = rebuild(trained)
    assert state is trained and not is_new


def test_rebuild_with_a_new_shape_initialises_from_the_seed():
    state, is_new = rebuild(default(), hidden="3, 2", seed=5)
    assert is_new and state.spec.sizes == (2, 3, 2, 1) and state.seed == 5
    expected = engine.init_params(state.spec, np.random.default_rng(5))
    assert state.params == expected
    assert state.spec.init == "xavier"  # the lesson's explicit weights cannot stretch to a new shape


def test_rebuild_with_a_new_activation_keeps_the_weights():
    start = default()
    state, is_new = rebuild(start, activation="tanh")
    assert is_new and state.spec.activations == ("tanh", "sigmoid")
    assert state.params == start.params


def test_rebuild_with_regression_data_gets_a_linear_output_and_mse():
    state, _ = rebuild(default(), dataset="sine")
    assert state.spec.sizes == (1, 2, 1)
    assert state.spec.activations[-1] == "linear" and state.spec.loss == "mse"


@pytest.mark.parametrize("seed", [-1, 1.5, "x", True, None, float("nan"), float("inf"), 2**32, 10**400, [0]])
def test_rebuild_refuses_a_bad_seed(seed):
    with pytest.raises(LabInputError, match="seed must be a whole number"):
        rebuild(default(), seed=seed)


def test_a_seed_written_as_a_whole_float_is_fine():
    state, _ = rebuild(default(), hidden="3", seed=4.0)
    assert state.seed == 4 and isinstance(state.seed, int)


@pytest.mark.parametrize("changes, words", [
    ({"activation": "softmax9"}, "activation"),
    ({"activation": ["sigmoid"]}, "activation"),
    ({"output": {"a": 1}}, "activation"),
    ({"loss": "hinge"}, "loss"),
    ({"loss": []}, "loss"),
    ({"dataset": "mnist"}, "no dataset"),
    ({"dataset": ["xor"]}, "no dataset"),
])
def test_rebuild_refuses_unknown_names(changes, words):
    with pytest.raises(LabInputError, match=words):
        rebuild(default(), **changes)


def test_the_lessons_own_examples_need_a_lesson_that_has_them():
    with pytest.raises(LabInputError, match="no examples of its own"):
        actions.rebuild(circle(), circle(), "4", "tanh", "sigmoid", "bce", "explicit", 0)


# --- training settings ---

def test_a_new_learning_rate_keeps_training_where_it_is():
    trained = engine.train_steps(default(), 3)
    state = actions.train_settings(trained, 0.1, 1, "sgd")
    assert state.train.learning_rate == 0.1
    assert state.counters == trained.counters and state.params == trained.params
    assert state.history == trained.history


def test_a_new_optimizer_starts_its_memory_afresh():
    trained = engine.train_steps(default().replace(train=engine.TrainConfig("adam", 0.01, batch_size=1)), 2)
    assert trained.optimizer_state != engine.OptimizerState()
    same = actions.train_settings(trained, 0.03, 1, "adam")
    assert same.optimizer_state == trained.optimizer_state
    fresh = actions.train_settings(trained, 0.03, 1, "sgd")
    assert fresh.optimizer_state == engine.OptimizerState() and fresh.counters == trained.counters


def test_a_new_learning_rate_lets_a_diverged_lesson_try_again():
    stuck = default().replace(diverged="Training stopped")
    assert actions.train_settings(stuck, 0.1, 1, "sgd").diverged == ""
    assert actions.train_settings(stuck, 1.0, 5, "sgd").diverged == "Training stopped"


@pytest.mark.parametrize("lr, batch, opt, words", [
    ("x", 1, "sgd", "learning rate"),
    (None, 1, "sgd", "learning rate"),
    (float("nan"), 1, "sgd", "learning rate"),
    (0, 1, "sgd", "learning rate"),
    (1000, 1, "sgd", "learning rate"),
    (True, 1, "sgd", "learning rate"),
    (0.1, 0, "sgd", "batch size"),
    (0.1, 2.5, "sgd", "batch size"),
    (0.1, 1, "rmsprop", "optimizer"),
])
def test_train_settings_refuses(lr, batch, opt, words):
    with pytest.raises(LabInputError, match=words):
        actions.train_settings(default(), lr, batch, opt)


# --- a weight set by hand ---

def test_set_param_changes_exactly_that_weight_and_recomputes_everything():
    trained = engine.train_steps(default(), 2)
    state = actions.set_param(trained, "W1[0,1]", 0.3)
    for ref in engine.all_refs(state.spec):
        expected = 0.3 if str(ref) == "W1[0,1]" else ref.get(trained.params)
        assert ref.get(state.params) == expected, ref
    assert state.counters == trained.counters and state.history == trained.history
    assert state.cursor.index == 2 * state.spec.n_layers  # the last backward phase: every δ on show
    assert state.cursor.revealed().backward_from == 1 and not state.cursor.at_update
    assert state.last_update is None


def test_set_param_loss_by_hand():
    state = actions.set_param(default(), "W1[0,1]", 0.3)
    # z1[0] = 1·0.5 + 0.5·0.3 + 0.1 = 0.75 → a = σ(0.75) = 0.679179; a1[1] = σ(0.5) = 0.622459 (unchanged)
    # z2 = 0.7·0.679179 − 0.4·0.622459 + 0.2 = 0.426441 → o = σ(z2) = 0.605024
    # C = ½(1 − 0.605024)² = 0.078003   (was 0.082620 with W1[0,1] = −0.3)
    s = 1 / (1 + math.exp(-0.75))
    o = 1 / (1 + math.exp(-(0.7 * s - 0.4 / (1 + math.exp(-0.5)) + 0.2)))
    assert engine.example_passes(state).bwd.loss == pytest.approx(0.5 * (1 - o) ** 2, abs=1e-12)
    assert engine.example_passes(state).bwd.loss == pytest.approx(0.078003, abs=1e-6)


def test_set_param_to_its_own_value_is_no_change():
    state = default()
    assert actions.set_param(state, "W2[0,0]", 0.7) is state


def test_a_bias_can_be_set_too():
    state = actions.set_param(default(), "b2[0]", -0.5)
    assert state.params.b[2][0] == -0.5 and state.params.W[2][0, 0] == 0.7


@pytest.mark.parametrize("name, value, words", [
    ("W9[0,0]", 0.1, "no parameter"),
    ("W1[2,0]", 0.1, "no parameter"),
    ("W1[0,1]\n", 0.1, "names no parameter"),
    ("nonsense", 0.1, "names no parameter"),
    (None, 0.1, "names no parameter"),
    ("W1[0,1]", float("nan"), "finite number"),
    ("W1[0,1]", float("inf"), "finite number"),
    ("W1[0,1]", "x", "finite number"),
    ("W1[0,1]", None, "finite number"),
    ("W1[0,1]", True, "finite number"),
    ("W1[0,1]", 1e7, "within"),
    ("W1[0,1]", -(10**400), "within"),
])
def test_set_param_refuses(name, value, words):
    with pytest.raises(LabInputError, match=words):
        actions.set_param(default(), name, value)


# --- the example on show ---

def test_choose_example():
    assert actions.choose_example(circle(), 99).example == 99


@pytest.mark.parametrize("index", [100, -1, 1.0, "3", None, True])
def test_choose_example_refuses(index):
    with pytest.raises(LabInputError, match="from 0 to 99"):
        actions.choose_example(circle(), index)


# --- reset and play ---

def test_reset_returns_to_the_starting_weights():
    start = default()
    trained = engine.train_steps(actions.train_settings(start, 0.3, 1, "sgd"), 5)
    back = actions.reset(trained, start)
    assert back.params == start.params
    assert back.counters == engine.LabState.__dataclass_fields__["counters"].default_factory()
    assert back.history.entries == () and back.cursor.index == -1 and back.last_update is None
    assert back.train.learning_rate == 0.3  # settings are kept


def test_reset_with_a_start_of_another_shape_initialises_from_the_seed():
    state, _ = rebuild(default(), hidden="3")
    trained = engine.train_steps(state, 2)
    back = actions.reset(trained, default())
    assert back.params == engine.init_params(state.spec, np.random.default_rng(0))


def test_reset_keeps_the_example_in_range():
    state = actions.choose_example(circle(), 42)
    assert actions.reset(engine.train_steps(state, 1), state).example == 42


def test_play_ticks():
    state = default()
    one_phase = actions.play_tick(state, "phase")
    assert one_phase.cursor.index == 0 and one_phase.counters.step == 0
    for speed in ("slow", "normal"):
        assert actions.play_tick(state, speed).counters.step == 1
    # Fast play trains for FAST_TICK_SECONDS: however many steps fit, each the one full_step takes.
    fast = actions.play_tick(state, "fast")
    assert actions.SPEEDS["fast"].moves == "max" and fast.counters.step >= 1
    assert fast.params == engine.train_steps(state, fast.counters.step).params


def test_a_late_tick_takes_every_step_the_clock_owes():
    # The page asks for the steps due since its last tick (a slow round trip owes more than one),
    # so the step counter keeps the named pace: 3 owed steps are the 3 full steps Full step takes.
    state = default()
    late = actions.play_tick(state, "normal", 3)
    assert late.counters.step == 3
    assert late.params == engine.train_steps(state, 3).params
    # A phase is always shown on its own, and full speed trains by the server's clock.
    assert actions.play_tick(state, "phase", 1).counters.step == 0


def test_each_speed_is_one_record():
    # Every speed offered says what it does, and the page's clock reads its pace from the same record.
    for key, speed in actions.SPEEDS.items():
        assert speed.label and speed.moves in ("phase", "step", "max"), key
        if speed.moves == "step":
            assert speed.label == f"{speed.per_second:g} step{'s' if speed.per_second != 1 else ''} per second"
            # 1000 / 5 = 200 ms a step; a tick may catch up CATCH_UP_SECONDS = 2 s of them: 10 steps.
            assert speed.pace()["period"] == pytest.approx(1000 / speed.per_second)
    assert actions.SPEEDS["normal"].pace() == {"period": 200, "most": 10, "frames": 1}
    # Full speed: the page may ask for the pictures on the way, one per display frame of a round trip.
    assert actions.SPEEDS["fast"].pace() == {"period": 0, "most": 1, "frames": engine.limits.MAX_FRAMES_PER_TICK}
    rates = [s.per_second for s in actions.SPEEDS.values() if s.moves == "step"]
    assert any(5 < r for r in rates), "a speed between 5 steps per second and as fast as it goes"


@pytest.mark.parametrize("speed, moves", [
    ("normal", 0), ("normal", 11), ("normal", -1), ("normal", 2.5), ("normal", True), ("normal", "3"),
    ("normal", None), ("normal", [2]), ("slow", 3), ("phase", 2), ("fast", 10**9),
])
def test_a_play_tick_asking_for_junk_is_refused_with_a_message(speed, moves):
    with pytest.raises(LabInputError, match="whole number of moves from 1 to"):
        actions.play_tick(default(), speed, moves)


@pytest.mark.parametrize("speed", ["warp", None, ["phase"], {}, 1])
def test_unknown_speed(speed):
    with pytest.raises(LabInputError, match="speed"):
        actions.play_tick(default(), speed)


def test_limits_the_messages_quote():
    assert limits.MAX_HIDDEN_LAYERS == 6 and limits.MAX_NEURONS == 8


def test_a_fast_tick_trains_for_a_third_of_the_time_its_pictures_fill():
    # One picture: 15 ms. Six pictures fill 6/60 s of the display: a third is 1/30 s. Twelve
    # would be 67 ms; fifteen, 83 ms, are held to 80 ms.
    assert actions.fast_tick_seconds(1) == actions.FAST_TICK_SECONDS == 0.015
    assert actions.fast_tick_seconds(6) == pytest.approx(1 / 30)
    assert actions.fast_tick_seconds(12) == pytest.approx(12 / 180)
    assert actions.fast_tick_seconds(15) == actions.FAST_TICK_MOST_SECONDS == 0.08
    # The steps of a tick with pictures are the engine's, however many fit.
    state = default()
    *_, last = actions.play_frames(state, "fast", 1, 4)
    assert last.params == engine.train_steps(state, last.counters.step).params
