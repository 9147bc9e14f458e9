"""LabState's JSON boundary: exact round trips, and one clear error for every kind of bad input.

`from_dict` / `from_json` are the front door for untrusted data (a saved lesson, a pasted link,
a browser store), so every problem must surface as LabInputError with a message naming the field.
"""

import copy
import dataclasses
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine import LabInputError, LabState, limits, validate
from engine.presets import circle, default_lesson

OPTIMIZER_NAMES = ("sgd", "momentum", "adam")


def with_optimizer(state: LabState, optimizer: str) -> LabState:
    return state.replace(train=dataclasses.replace(state.train, optimizer=optimizer))


def preset_states():
    """Every preset fresh, and after training with each optimizer (mid-phase too)."""
    out = []
    for name, make in ((k, p.state) for k, p in engine.PRESETS.items()):
        fresh = make()
        out.append((f"{name}-fresh", fresh))
        for opt in OPTIMIZER_NAMES:
            trained = engine.train_steps(with_optimizer(fresh, opt), 3)
            out.append((f"{name}-{opt}", trained))
            # Two phases into the next batch: the cursor, counters and last_update all non-trivial.
            out.append((f"{name}-{opt}-mid", engine.advance(engine.advance(trained))))
    return out


STATES = preset_states()
STATE_IDS = [name for name, _ in STATES]


def all_arrays(state: LabState):
    """Every float array the state holds, in a fixed order."""
    arrays = list(state.params.W[1:]) + list(state.params.b[1:])
    for key in sorted(state.optimizer_state.slots):
        slot = state.optimizer_state.slots[key]
        arrays += list(slot.W[1:]) + list(slot.b[1:])
    if state.last_update is not None:
        arrays += list(state.last_update.params_before.W[1:]) + list(state.last_update.params_before.b[1:])
    return arrays


def assert_same_state(a: LabState, b: LabState):
    assert a.to_dict() == b.to_dict()
    assert a.spec == b.spec and a.train == b.train and a.data == b.data
    assert a.cursor == b.cursor and a.counters == b.counters and a.history == b.history
    assert a.optimizer_state.t == b.optimizer_state.t
    assert sorted(a.optimizer_state.slots) == sorted(b.optimizer_state.slots)
    xs, ys = all_arrays(a), all_arrays(b)
    assert len(xs) == len(ys)
    for x, y in zip(xs, ys):
        assert x.dtype == y.dtype == np.float64
        assert np.array_equal(x, y)  # bit for bit: JSON floats are written with repr, which round-trips


# ---------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("state", [s for _, s in STATES], ids=STATE_IDS)
def test_dict_round_trip_through_json_text_is_exact(state):
    d = state.to_dict()
    again = LabState.from_dict(json.loads(json.dumps(d)))
    assert_same_state(state, again)
    # A fixed point: loading what was saved and saving it again changes nothing.
    assert again.to_dict() == d


@pytest.mark.parametrize("state", [s for _, s in STATES], ids=STATE_IDS)
def test_to_json_from_json_round_trip_is_exact(state):
    text = state.to_json()
    again = LabState.from_json(text)
    assert_same_state(state, again)
    assert again.to_json() == text
    # Bytes are accepted too (a file upload arrives as bytes).
    assert_same_state(state, LabState.from_json(text.encode()))


@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_a_saved_lesson_resumes_exactly(optimizer):
    # The optimizer's memory lives in the state, so training after a save/load continues bit for bit.
    state = engine.train_steps(with_optimizer(circle(), optimizer), 5)
    loaded = LabState.from_json(state.to_json())
    assert_same_state(engine.train_steps(state, 4), engine.train_steps(loaded, 4))


def test_round_trip_keeps_a_diverged_state():
    state = default_lesson().replace(diverged="Training stopped at step 3: the weights grew without bound.")
    assert LabState.from_json(state.to_json()).diverged == state.diverged


def test_trained_states_really_carry_optimizer_memory():
    # Guard for the round-trip tests above: they must cover non-empty slots.
    momentum = dict(STATES)["circle-momentum"].optimizer_state
    adam = dict(STATES)["circle-adam"].optimizer_state
    assert (momentum.t, sorted(momentum.slots)) == (3, ["velocity"])
    assert (adam.t, sorted(adam.slots)) == (3, ["m", "v"])
    assert dict(STATES)["circle-sgd"].optimizer_state.slots == {}


# ---------------------------------------------------------------------------------------------
# Bad input: every kind raises LabInputError naming what is wrong


def base() -> dict:
    """A valid circle state: network 2-4-4-1, so W1 is 4×2, W2 4×4, W3 1×4; three weight layers."""
    return circle().to_dict()


def put(d: dict, path: tuple, value) -> dict:
    d = copy.deepcopy(d)
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return d


def drop(d: dict, path: tuple) -> dict:
    d = copy.deepcopy(d)
    node = d
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return d


def seven_hidden_layers():
    d = base()
    d["network"]["sizes"] = [2] + [4] * 7 + [1]
    d["network"]["activations"] = ["tanh"] * 8
    return d


def nested(depth: int):
    value = 0
    for _ in range(depth):
        value = [value]
    return value


BAD_DICTS = {
    # name: (the bad value, a regex the message must match: it names the field)
    "list instead of object": ([1, 2], r"lab state must be an object, not list"),
    "text instead of object": ("hello", r"lab state must be an object, not str"),
    "null": (None, r"lab state must be an object, not NoneType"),
    "unknown top-level key": (put(base(), ("colour",), "red"), r"lab state has unknown field\(s\): colour"),
    "unknown nested key": (put(base(), ("training", "nesterov"), True), r"training has unknown field\(s\): nesterov"),
    "missing top-level key": (drop(base(), ("seed",)), r"lab state is missing: seed\.$"),
    "missing nested key": (drop(base(), ("network", "loss")), r"network is missing: loss"),
    "format 2": (put(base(), ("format",), 2), r"format 2; this version reads format 1"),
    "format as text": (put(base(), ("format",), "1"), r"format '1'"),
    "format true": (put(base(), ("format",), True), r"format True"),
    "unknown activation": (put(base(), ("network", "activations", 0), "swish"), r"activation .*'swish'"),
    "unknown loss": (put(base(), ("network", "loss"), "hinge"), r"network\.loss .*'hinge'"),
    "unknown optimizer": (put(base(), ("training", "optimizer"), "rmsprop"), r"training\.optimizer .*'rmsprop'"),
    "unknown init": (put(base(), ("network", "init"), "orthogonal"), r"network\.init .*'orthogonal'"),
    "unknown dataset": (put(base(), ("data", "name"), "iris"), r"data\.name .*'iris'"),
    "7 hidden layers": (seven_hidden_layers(), r"network\.sizes must have 2 to 8 items, not 9"),
    "hidden layer of 9": (put(base(), ("network", "sizes"), [2, 9, 4, 1]), r"Hidden layer 1 has 1 to 8 neurons, not 9"),
    "9 inputs": (put(base(), ("network", "sizes"), [9, 4, 4, 1]), r"input layer has 1 to 8 neurons, not 9"),
    "5 outputs": (put(base(), ("network", "sizes"), [2, 4, 4, 5]), r"output layer has 1 to 4 neurons, not 5"),
    "too few activations": (put(base(), ("network", "activations"), ["tanh", "tanh"]), r"one activation per layer"),
    "W1 with 3 rows": (put(base(), ("params", "W", 0), [[0.1, 0.2]] * 3), r"W1 must have 4 to 4 items, not 3"),
    "W2 row of 3": (put(base(), ("params", "W", 1, 0), [0.1, 0.2, 0.3]), r"W2\[0\] must have 4 to 4 items, not 3"),
    "two weight layers of three": (put(base(), ("params", "W"), base()["params"]["W"][:2]), r"params\.W must have 3"),
    "b3 of length 2": (put(base(), ("params", "b", 2), [0.0, 0.0]), r"b3 must have 1 to 1 items, not 2"),
    "weight as text": (put(base(), ("params", "W", 0, 0, 0), "0.5"), r"W1\[0\]\[0\] must be a number"),
    "NaN weight": (put(base(), ("params", "W", 0, 0, 0), float("nan")), r"W1\[0\]\[0\] must be a finite number"),
    "infinite bias": (put(base(), ("params", "b", 1, 2), float("inf")), r"b2\[2\] must be a finite number"),
    "weight beyond the limit": (put(base(), ("params", "W", 2, 0, 3), 2e6), r"W3\[0\]\[3\] must be from"),
    "weight a 400-digit integer": (put(base(), ("params", "W", 0, 1, 1), 10**400), r"W1\[1\]\[1\] must be from"),
    "bool learning rate": (
        put(base(), ("training", "learning_rate"), True),
        r"learning rate must be a number, not True",
    ),
    "bool batch size": (put(base(), ("training", "batch_size"), True), r"batch size must be a whole number"),
    "bool weight": (put(base(), ("params", "W", 0, 0, 1), False), r"W1\[0\]\[1\] must be a number, not False"),
    "bool seed": (put(base(), ("seed",), True), r"seed must be a whole number"),
    "bool cursor": (put(base(), ("cursor", "index"), False), r"cursor\.index must be a whole number"),
    "learning rate 0": (put(base(), ("training", "learning_rate"), 0), r"learning rate must be from 1e-09 to 100; 0"),
    "learning rate 1000": (put(base(), ("training", "learning_rate"), 1000), r"learning rate must be from .* 1000 is"),
    "batch size 0": (put(base(), ("training", "batch_size"), 0), r"batch size must be from 1 to 2000; 0 is outside"),
    "batch size 2.5": (put(base(), ("training", "batch_size"), 2.5), r"batch size must be a whole number .* not 2\.5"),
    "negative weight decay": (put(base(), ("training", "weight_decay"), -0.1), r"regularization rate λ must be from 0"),
    "unknown penalty": (put(base(), ("training", "penalty"), "l3"), r"training.penalty must be one of l2, l1"),
    "momentum 1": (put(base(), ("training", "momentum"), 1.0), r"momentum must be from 0 to 0\.999"),
    "seed too big": (put(base(), ("seed",), 2**32), r"seed must be from 0 to 4294967295"),
    "title too long": (put(base(), ("title",), "x" * 81), r"title must be a text of at most 80"),
    "huge list": (put(base(), ("title",), [0] * 300_000), r"too large \(more than 200000 values\)"),
    "huge text": (put(base(), ("diverged",), "x" * 10_001), r"text of 10001 characters"),
    "deep nesting": (put(base(), ("title",), nested(20)), r"nested too deeply \(more than 8 levels\)"),
    "3 inputs for 2": (put(base(), ("data", "features"), ["x1_sq"]), r"data has 3 input\(s\) but .* input layer has 2"),
    "explicit data of width 3": (
        put(base(), ("data",), {"name": "explicit", "x": [[1, 2, 3]], "y": [[1]]}),
        r"data has 3 input\(s\) but the network's input layer has 2",
    ),
    "2 targets for 1 output": (
        put(base(), ("data",), {"name": "explicit", "x": [[1, 2]], "y": [[1, 0]]}),
        r"data has 2 target\(s\) but the network's output layer has 1",
    ),
    "cursor past update": (put(base(), ("cursor", "index"), 8), r"cursor\.index must be from -1 to 7; 8 is outside"),
    "cursor below -1": (put(base(), ("cursor", "index"), -2), r"cursor\.index must be from -1 to 7; -2 is outside"),
    "sgd with velocity": (
        put(base(), ("optimizer_state", "slots"), {"velocity": base()["params"]}),
        r"optimizer_state\.slots.*sgd",
    ),
    "history loss infinite": (
        put(base(), ("history", "entries"), [[1, 1e400, None]]),
        r"history loss must be a finite number",
    ),
    "history stride 0": (put(base(), ("history", "stride"), 0), r"history\.stride must be from 1"),
    "counter negative": (put(base(), ("counters", "step"), -1), r"counters\.step must be from 0"),
    "example too large": (put(base(), ("example",), limits.MAX_POINTS + 1), r"example must be from 0 to 2000"),
}


@pytest.mark.parametrize(("bad", "message"), list(BAD_DICTS.values()), ids=list(BAD_DICTS))
def test_bad_dict_is_refused_with_a_message_naming_the_field(bad, message):
    with pytest.raises(LabInputError, match=message):
        LabState.from_dict(bad)


@pytest.mark.parametrize(("bad", "message"), list(BAD_DICTS.values()), ids=list(BAD_DICTS))
def test_bad_json_text_is_refused_the_same_way(bad, message):
    text = json.dumps(bad)  # NaN / Infinity become the bare literals, which from_json refuses by name
    with pytest.raises(LabInputError, match=message + "|contains (NaN|Infinity); only finite numbers"):
        LabState.from_json(text)


def _momentum_dict():
    return engine.train_steps(with_optimizer(circle(), "momentum"), 1).to_dict()


def _adam_dict():
    return engine.train_steps(with_optimizer(circle(), "adam"), 1).to_dict()


def test_optimizer_slots_must_match_the_optimizer():
    momentum, adam = _momentum_dict(), _adam_dict()
    # Adam's memory (m, v) in a momentum lesson.
    with pytest.raises(LabInputError, match=r"optimizer_state\.slots.*momentum.*velocity"):
        LabState.from_dict(put(momentum, ("optimizer_state", "slots"), adam["optimizer_state"]["slots"]))
    # Half of Adam's memory.
    with pytest.raises(LabInputError, match=r"optimizer_state\.slots.*adam.*m, v"):
        LabState.from_dict(drop(adam, ("optimizer_state", "slots", "v")))
    # Memory of the wrong shape: velocity W1 with 3 rows instead of 4.
    with pytest.raises(LabInputError, match=r"W1 must have 4 to 4 items, not 3"):
        LabState.from_dict(put(momentum, ("optimizer_state", "slots", "velocity", "W", 0), [[0.0, 0.0]] * 3))
    # A slot that is not an object.
    with pytest.raises(LabInputError, match=r"optimizer_state\.slots"):
        LabState.from_dict(put(momentum, ("optimizer_state", "slots"), [1, 2]))
    # Empty memory is allowed for every optimizer: the first update starts it from zeros.
    LabState.from_dict(put(momentum, ("optimizer_state", "slots"), {}))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_from_json_refuses_the_literal_non_finite_constants(literal):
    text = circle().to_json()
    first_weight = json.dumps(base()["params"]["W"][0][0][0])
    assert text.count(first_weight) >= 1
    bad = text.replace(first_weight, literal, 1)
    with pytest.raises(LabInputError, match=f"contains {literal}; only finite numbers"):
        LabState.from_json(bad)


def test_from_json_refuses_an_overflowing_number_literal():
    # 1e400 parses to float('inf') without going through parse_constant; the field check catches it.
    d = base()
    text = json.dumps(d).replace(json.dumps(d["params"]["W"][0][0][0]), "1e400", 1)
    with pytest.raises(LabInputError, match=r"W1\[0\]\[0\] must be a finite number"):
        LabState.from_json(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": 1,', r"not valid JSON"),
        ("", r"not valid JSON"),
        ("{'format': 1}", r"not valid JSON"),
        (b"\xff\xfe\x00", r"not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, r"not valid JSON"),  # the parser's recursion limit, caught
        ("[1, 2]", r"lab state must be an object, not list"),
        ("1e400", r"lab state must be an object, not float"),
    ],
    ids=["truncated", "empty", "single quotes", "bad bytes", "deep brackets", "a list", "a number"],
)
def test_from_json_refuses_broken_text(text, message):
    with pytest.raises(LabInputError, match=message):
        LabState.from_json(text)


@pytest.mark.parametrize("value", [None, 5, {"format": 1}, ["{}"]])
def test_from_json_wants_text(value):
    with pytest.raises(LabInputError, match="must be JSON text"):
        LabState.from_json(value)


def test_from_json_refuses_text_over_the_size_limit_before_parsing():
    # Valid JSON padded with spaces, one byte too long: refused for its size, not its content.
    text = circle().to_json()
    padded = text + " " * (limits.MAX_STATE_BYTES + 1 - len(text))
    assert len(padded) == limits.MAX_STATE_BYTES + 1
    with pytest.raises(LabInputError, match=f"{limits.MAX_STATE_BYTES + 1} bytes; at most {limits.MAX_STATE_BYTES}"):
        LabState.from_json(padded)
    # Exactly at the limit it is read.
    exact = text + " " * (limits.MAX_STATE_BYTES - len(text))
    assert LabState.from_json(exact).to_json() == text


def test_check_size_counts_values_and_depth():
    validate.check_size(nested(validate.MAX_DEPTH))  # depth 8: the innermost 0 sits at depth 8
    with pytest.raises(LabInputError, match="nested too deeply"):
        validate.check_size(nested(validate.MAX_DEPTH + 1))
    validate.check_size([0] * (validate.MAX_NODES - 1))  # the list itself + 199 999 items = 200 000
    with pytest.raises(LabInputError, match="too large"):
        validate.check_size([0] * validate.MAX_NODES)
    # A dict costs its keys as well as its values.
    with pytest.raises(LabInputError, match="too large"):
        validate.check_size({str(i): 0 for i in range(validate.MAX_NODES // 2)})


def test_missing_keys_are_listed_in_a_stable_order():
    # Messages built from a set would change order from run to run.
    with pytest.raises(LabInputError) as info:
        LabState.from_dict({})
    assert str(info.value) == (
        "the lab state is missing: format, title, seed, network, params, training, data, optimizer_state, "
        "cursor, counters, example, history, last_update, diverged."
    )


# ---------------------------------------------------------------------------------------------
# Property: a random mutation of a valid state loads or raises LabInputError, nothing else

BASES = [default_lesson().to_dict()] + [s.to_dict() for name, s in STATES if name.startswith("circle")]


def leaf_paths(value, path=()):
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from leaf_paths(v, path + (k,))
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from leaf_paths(v, path + (i,))
    else:
        yield path


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["sgd", "adam", "momentum", "relu", "linear", "bce", "mse", "explicit", "sine", "he"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_mutations_load_or_raise_lab_input_error(data):
    d = copy.deepcopy(data.draw(st.sampled_from(BASES)))
    path = data.draw(st.sampled_from(list(leaf_paths(d))))
    value = data.draw(st.one_of(json_values, st.integers(-3, 3000), st.floats(-1e7, 1e7)))
    mutated = put(d, path, value) if path else value
    try:
        state = LabState.from_dict(mutated)
    except LabInputError as e:
        assert str(e)  # a message for the page, never empty
        return
    # Whatever loads is a real state: it round-trips and can take a step without crashing.
    assert LabState.from_json(state.to_json()).to_dict() == state.to_dict()
    with np.errstate(all="ignore"):
        moved = engine.full_step(engine.advance(state))
    assert moved.params.is_finite()
