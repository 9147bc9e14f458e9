"""Twin runs (engine/twins.py): each run is the engine's own, replayed alone; the two differ only in
the setting asked for; the δ difference is the two example passes' difference; and the classic
comparisons do what their words say, measured."""

import numpy as np
import pytest

import engine
from engine import LabInputError, twins
from engine.twins import TWIN_SETTINGS, TWINS, Change, change, pair, parse_link, run_to, twin_start


def _weights(params):
    return (*params.W[1:], *params.b[1:])


def _bitwise(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(_weights(a), _weights(b), strict=True))


CASES = [
    ("circle", change("learning_rate", 3.0)),
    ("circle", change("optimizer", "adam")),
    ("circle", change("activation", "relu")),
    ("circle", change("batch_size", 25)),
    ("circle", change("init", "he")),
    ("default", change("optimizer", "momentum")),
]


@pytest.mark.parametrize(("lesson", "chosen"), CASES)
def test_each_run_is_the_engines_own_replayed_alone(lesson, chosen):
    start = engine.PRESETS[lesson].state(0)
    lab = engine.train_steps(start, 37)
    p = pair(lab, start, chosen, seconds=60)
    assert p.caught_up and p.step == 37 and p.same_as_lab
    # The lab's replay is the lab itself, bit for bit.
    assert _bitwise(p.lab.state.params, lab.params)
    # The twin, replayed alone: its start is the lab's with the one setting changed, then train_steps.
    alone = engine.train_steps(TWIN_SETTINGS[chosen.setting].apply(twin_start(lab, start), chosen.value), 37)
    assert _bitwise(p.twin.state.params, alone.params)
    assert p.twin.state.counters == alone.counters


@pytest.mark.parametrize(("lesson", "chosen"), CASES)
def test_the_setting_differs_only_where_asked(lesson, chosen):
    start = engine.PRESETS[lesson].state(0)
    first = twin_start(start, start)
    twin = TWIN_SETTINGS[chosen.setting].apply(first, chosen.value)
    assert TWIN_SETTINGS[chosen.setting].of(twin) == chosen.value
    # Everything else is the lab's: data, seed (so the batch order), and the other settings.
    assert twin.data == first.data and twin.seed == first.seed and twin.example == first.example
    train, mine = twin.train.to_dict(), first.train.to_dict()
    field = {"learning_rate": "learning_rate", "optimizer": "optimizer", "batch_size": "batch_size"}.get(chosen.setting)
    assert {k: v for k, v in train.items() if k != field} == {k: v for k, v in mine.items() if k != field}
    if chosen.setting == "activation":
        assert twin.spec.activations[-1] == first.spec.activations[-1] and twin.spec.sizes == first.spec.sizes
        assert _bitwise(twin.params, first.params)  # the same weights, other functions
    elif chosen.setting == "init":
        assert twin.spec.activations == first.spec.activations and not _bitwise(twin.params, first.params)
    else:
        assert twin.spec == first.spec and _bitwise(twin.params, first.params)


def test_same_start_and_batch_order():
    start = engine.PRESETS["circle"].state(3)
    lab = engine.train_steps(start, 5)
    p = pair(lab, start, change("learning_rate", 0.01), seconds=60)
    for run in (p.lab.state, p.twin.state):
        assert run.seed == lab.seed and run.counters == lab.counters
        assert np.array_equal(engine.training.batch_indices(run), engine.training.batch_indices(lab))


def test_a_lab_changed_along_the_way_is_compared_as_replayed():
    start = engine.PRESETS["circle"].state(0)
    lab = engine.train_steps(start, 10)
    moved = lab.replace(train=engine.TrainConfig.from_dict(lab.train.to_dict() | {"learning_rate": 1.0}))
    p = pair(moved, start, change("learning_rate", 0.01), seconds=60)
    assert not p.same_as_lab  # replayed at η = 1 from the start, it is not the lab trained at 0.3 first


@pytest.mark.parametrize("phases", [0, 3, 6, 10, 14])
def test_the_delta_difference_is_the_two_example_passes_difference(phases):
    start = engine.PRESETS["circle"].state(0)
    lab = engine.train_steps(start, 12)
    for _ in range(phases):
        lab = engine.advance(lab)
    p = pair(lab, start, change("activation", "relu"), seconds=60)
    d = twins.delta_difference(lab, p)
    shown = lab.cursor.revealed()
    twin_state = p.twin.state
    lab_params = lab.last_update.params_before if shown.updated else lab.params
    twin_params = twin_state.last_update.params_before if shown.updated else twin_state.params
    mine = engine.example_passes(lab, lab_params).bwd.delta
    theirs = engine.example_passes(twin_state.replace(example=lab.example), twin_params).bwd.delta
    for layer in range(1, lab.spec.n_layers + 1):
        if shown.updated or layer >= shown.backward_from:
            assert np.array_equal(d.difference[layer], theirs[layer][0] - mine[layer][0])
        else:
            assert d.difference[layer] is None  # not revealed yet: the panel shows "?"


def test_runs_are_cached_and_extended_not_recomputed():
    start = engine.PRESETS["circle"].state(11)
    chosen = change("learning_rate", 0.1)
    first = run_to(start, chosen, 40)
    again = run_to(start, chosen, 40)
    assert again is first
    longer = run_to(start, chosen, 60)
    assert _bitwise(longer.state.params, engine.train_steps(TWIN_SETTINGS["learning_rate"].apply(start, 0.1), 60).params)


def test_a_deadline_stops_short_and_a_later_answer_goes_on():
    start = engine.PRESETS["circle"].state(12)
    chosen = change("learning_rate", 0.2)
    short = run_to(start, chosen, 3000, deadline=0.0)  # a deadline already passed: no step taken
    assert short.state.counters.step < 3000
    full = run_to(start, chosen, 300)
    assert full.state.counters.step == 300


def test_work_is_bounded():
    start = engine.PRESETS["circle"].state(0)
    with pytest.raises(LabInputError, match="up to step"):
        run_to(start, None, twins.MAX_TWIN_STEPS + 1)
    lab = start.replace(counters=engine.state.Counters(step=twins.MAX_TWIN_STEPS + 5))
    p = pair(lab, start, change("learning_rate", 0.1), seconds=0.01)
    assert p.step == twins.MAX_TWIN_STEPS  # the twin follows no further; within the time given it is behind
    assert not p.caught_up


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("speed", 3, "can change one of"),
    (["learning_rate"], 3, "can change one of"),
    ("learning_rate", -1, "learning rate"),
    ("learning_rate", float("nan"), "learning rate"),
    ("learning_rate", "3", "learning rate"),
    ("learning_rate", 1e9, "learning rate"),
    ("batch_size", 0, "batch size"),
    ("batch_size", 2.5, "batch size"),
    ("optimizer", "rmsprop", "optimizer"),
    ("activation", "softmax", "activation"),
    ("init", "explicit", "initialisation"),
    ("init", {"a": 1}, "initialisation"),
])
def test_junk_is_refused_with_a_reason(setting, value, message):
    with pytest.raises(LabInputError, match=message):
        change(setting, value)


def test_no_hidden_layer_no_activation_twin():
    start = engine.PRESETS["default"].state(0)
    spec = engine.NetworkSpec((2, 1), ("sigmoid",), "squared_error", "xavier")
    one = engine.LabState("one layer", 0, spec, engine.init_params(spec, np.random.default_rng(0)), start.train,
                          start.data)
    with pytest.raises(LabInputError, match="no hidden layer"):
        pair(one, one, change("activation", "relu"))


@pytest.mark.parametrize(("text", "expected"), [
    ("learning_rate:3", Change("learning_rate", 3.0)),
    ("batch_size:25", Change("batch_size", 25)),
    ("optimizer:momentum", Change("optimizer", "momentum")),
    ("relu_deep", Change("activation", "relu")),
])
def test_link_forms_round_trip(text, expected):
    assert parse_link(text) == expected
    assert parse_link(expected.link()) == expected


@pytest.mark.parametrize("text", ["", "learning_rate", "learning_rate:abc", "lr:3", "batch_size:1.5", "x" * 100,
                                  None, 3, "learning_rate:1e999"])
def test_bad_link_forms_are_refused(text):
    with pytest.raises(LabInputError):
        parse_link(text)


# --- the classic comparisons, measured -----------------------------------------------------------------

def _pair_of(name, steps):
    twin = TWINS[name]
    start = engine.PRESETS[twin.lesson].state(0)
    return pair(engine.train_steps(start, steps), start, twin.change, seconds=120)


def _loss(run):
    return run.history.entries[-1][1]


def test_every_preset_names_a_lesson_and_a_valid_change():
    for twin in TWINS.values():
        assert twin.lesson in engine.PRESETS
        start = engine.PRESETS[twin.lesson].state(0)
        assert TWIN_SETTINGS[twin.setting].of(start) != twin.value  # a real difference on its lesson


def test_too_small_a_rate_hardly_moves():
    p = _pair_of("rate_small", 1000)
    start_loss = p.lab.history.entries[0][1]
    assert start_loss == pytest.approx(0.69, abs=0.01)
    assert _loss(p.lab) < 0.03  # "the lab's loss has fallen from 0.69 to 0.02"
    assert 0.6 < _loss(p.twin) < 0.67  # "the twin's only to 0.66"


def test_too_large_a_rate_oscillates_far_above_the_lab():
    p = _pair_of("rate_large", 1000)
    losses = np.array([e[1] for e in p.twin.history.entries[1:]])
    ups = np.sum(np.diff(losses) > 0)
    assert ups > len(losses) // 4  # it jumps up again and again instead of settling
    assert np.median(losses) > 10 * max(e[1] for e in p.lab.history.entries)  # "tens of times the lab's"
    assert not p.twin.state.diverged  # it oscillates, within bounds


def test_momentum_falls_sooner():
    p = _pair_of("momentum", 10)
    assert _loss(p.twin) == pytest.approx(0.0002, abs=0.00005)
    assert _loss(p.lab) == pytest.approx(0.018, abs=0.001)


def test_relu_learns_where_deep_sigmoid_fades():
    p = _pair_of("relu_deep", 1000)
    assert abs(_loss(p.lab) - 0.125) < 0.005  # "its loss stays near 0.125"
    assert _loss(p.twin) < 0.05
    # The blame the first step hands the first layer: faded to a hundredth in the lab, not in the twin.
    first = _pair_of("relu_deep", 1)
    d = twins.delta_difference(first.lab.state, first)
    assert 100 * np.abs(d.lab[1]).max() < np.abs(d.twin[1]).max()
