"""Tests for engine.export: the exported network computes exactly what the lab computes.

The NumPy script is run both in a fresh namespace and as a real program in a separate Python; the
JSON is parsed back and its weights compared bit for bit with the state's.
"""

import ast
import json
import re
import subprocess
import sys

import numpy as np
import pytest

import engine
from engine import ACTIVATIONS, DataSpec, LabState, NetworkSpec, TrainConfig
from engine.export import network_json, numpy_snippet


def trained(name: str, epochs: int) -> LabState:
    return engine.train_epochs(engine.PRESETS[name].state(), epochs)


def states():
    """Every preset fresh, and three of them after some training."""
    out = [(f"{name}-fresh", p.state()) for name, p in engine.PRESETS.items()]
    out += [("default-trained", trained("default", 5)), ("worked-trained", trained("worked_example", 3)),
            ("circle-trained", trained("circle", 3))]
    return out


STATES = states()
IDS = [name for name, _ in STATES]


def all_inputs(state: LabState) -> np.ndarray:
    data = engine.dataset(state.data)
    return np.vstack([data.x_train, data.x_test])


def run_snippet(source: str) -> dict:
    namespace = {"__name__": "exported"}  # not "__main__": define, don't print
    exec(compile(source, "<exported network>", "exec"), namespace)  # noqa: S102 -- running the export is the test
    return namespace


def state_with(activations, data: DataSpec, sizes=(2, 3, 1), seed=3) -> LabState:
    spec = NetworkSpec(sizes, activations, ACTIVATIONS[activations[-1]].loss or "squared_error", "he")
    return LabState("test", seed, spec, engine.init_params(spec, np.random.default_rng(seed)), TrainConfig(), data)


# Inputs on both sides of zero, and large enough to push z far into every activation's tails.
WIDE = DataSpec(name="explicit", x=((0.0, 0.0), (1.0, -2.0), (-3.0, 0.5), (800.0, -800.0), (-900.0, 700.0)),
                y=((0.0,), (1.0,), (0.0,), (1.0,), (0.0,)), test_fraction=0.0)

# The same inputs as three classes, for a softmax output.
WIDE3 = DataSpec(name="explicit", x=WIDE.x, y=((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (1.0, 0.0, 0.0),
                                               (0.0, 1.0, 0.0)), test_fraction=0.0, classes=("a", "b", "c"))


# --- the NumPy script ------------------------------------------------------------------------------

@pytest.mark.parametrize("state", [s for _, s in STATES], ids=IDS)
def test_predict_matches_the_forward_pass(state):
    x = all_inputs(state)
    got = run_snippet(numpy_snippet(state))["predict"](x)
    expected = engine.forward(state.spec, state.params, x).output
    assert got.shape == expected.shape == (x.shape[0], state.spec.sizes[-1])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_default_lesson_by_hand():
    # z1 = [0.5·1 − 0.3·0.5 + 0.1, 0.2·1 + 0.8·0.5 − 0.1] = [0.45, 0.5]; σ → [0.6106392, 0.6224593]
    # z2 = 0.7·0.6106392 − 0.4·0.6224593 + 0.2 = 0.3784637; σ(0.3784637) = 0.5935025
    predict = run_snippet(numpy_snippet(engine.PRESETS["default"].state()))["predict"]
    assert predict([[1.0, 0.5]]).tolist() == [[pytest.approx(0.5935025202, abs=1e-10)]]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_activation_is_written_out_and_matches(name):
    assert ACTIVATIONS[name].formula and ACTIVATIONS[name].source.startswith(f"def {name}(z):")
    if ACTIVATIONS[name].output_only:  # softmax: an output of three classes
        cases = [(("tanh", name), WIDE3, (2, 3, 3))]
    else:
        cases = [(acts, WIDE, (2, 3, 1)) for acts in ((name, name), (name, "linear"), ("tanh", name))]
    for acts, data, sizes in cases:
        state = state_with(acts, data, sizes)
        source = numpy_snippet(state)
        x = all_inputs(state)
        got = run_snippet(source)["predict"](x)
        np.testing.assert_allclose(got, engine.forward(state.spec, state.params, x).output, rtol=0, atol=1e-12)
        # Only the activations used are defined.
        defined = set(re.findall(r"^def (\w+)\(", source, flags=re.MULTILINE)) - {"predict"}
        assert defined == set(acts)


def test_every_activation_alone_on_a_grid():
    # The written-out function against the engine's, from −800 to 800, zero included.
    z = np.concatenate([np.linspace(-800, 800, 1601), np.linspace(-3, 3, 601), [0.0, -0.0, 1e-300, -1e-300]])
    for name, act in ACTIVATIONS.items():
        namespace = {"np": np}
        exec(act.source, namespace)  # noqa: S102 -- the export's own source, as the script runs it
        np.testing.assert_array_equal(namespace[name](z), act.f(z), err_msg=name)


def test_the_script_runs_alone_in_another_python(tmp_path):
    state = trained("circle", 2)
    path = tmp_path / "network.py"
    path.write_text(numpy_snippet(state), encoding="utf-8")
    # -I: no project on the path and no user site: the script needs NumPy and nothing else.
    result = subprocess.run([sys.executable, "-I", str(path)], check=False, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    data = engine.dataset(state.data)
    expected = engine.forward(state.spec, state.params, data.x_train[:5]).output
    for line, x, out, target in zip(lines, data.x_train, expected, data.y_train):
        printed = re.fullmatch(r"input (\[.*\]) -> output (\[.*\])  target (\[.*\])", line)
        assert printed, line
        assert ast.literal_eval(printed[1]) == x.tolist() and ast.literal_eval(printed[3]) == target.tolist()
        np.testing.assert_allclose(ast.literal_eval(printed[2]), out, rtol=0, atol=1e-12)


@pytest.mark.parametrize("state", [s for _, s in STATES], ids=IDS)
def test_the_script_imports_numpy_only_and_stays_short(state):
    source = numpy_snippet(state)
    imports = [line for line in source.splitlines() if re.match(r"\s*(import|from)\s", line)]
    assert imports == ["import numpy as np"]
    # Weight and sample literals: a row of numbers per line, plus each array's opening and closing line.
    literal = re.compile(r"\s*(\[[-0-9.e, ]*\],|np\.array\(\[|\]\),?|np\.array\(\[[-0-9.e, ]*\]\),)")
    code = [line for line in source.splitlines() if not literal.fullmatch(line)]
    assert len(code) < 60, "\n".join(code)


def test_the_default_lesson_script_is_short_even_with_its_weights():
    assert len(numpy_snippet(engine.PRESETS["default"].state()).splitlines()) < 60


def test_a_title_cannot_break_out_of_the_docstring():
    state = engine.PRESETS["default"].state().replace(title='x"""\nraise SystemExit\n"""\\')
    namespace = run_snippet(numpy_snippet(state))
    assert namespace["__doc__"].startswith("A 2-2-1 network exported from Backprop Lab: xraise SystemExit, after 0")


def test_extra_features_are_inputs_in_order():
    data = DataSpec("xor", n_points=40, features=("x1_sq", "x1_x2"), test_fraction=0.25)
    state = state_with(("relu", "sigmoid"), data, sizes=(4, 3, 1))
    source = numpy_snippet(state)
    assert "Inputs, in order: x₁, x₂, x₁², x₁x₂." in source
    x = all_inputs(state)
    np.testing.assert_allclose(run_snippet(source)["predict"](x), engine.forward(state.spec, state.params, x).output,
                               rtol=0, atol=1e-12)
    assert json.loads(network_json(state))["inputs"] == ["x₁", "x₂", "x₁²", "x₁x₂"]


# --- the JSON ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", [s for _, s in STATES], ids=IDS)
def test_json_weights_are_the_states_exactly(state):
    doc = json.loads(network_json(state))
    assert doc["format"] == "backprop-lab-network" and doc["version"] == 1
    assert doc["sizes"] == list(state.spec.sizes) and doc["activations"] == list(state.spec.activations)
    assert doc["loss"] == state.spec.loss and doc["title"] == state.title
    assert doc["trained_steps"] == state.counters.step
    assert doc["inputs"] == list(engine.dataset(state.data).input_names)
    assert set(doc["formulas"]) == set(state.spec.activations)
    for l in range(1, state.spec.n_layers + 1):
        assert np.array_equal(np.array(doc["W"][l - 1]), state.params.W[l])
        assert np.array_equal(np.array(doc["b"][l - 1]), state.params.b[l])
    assert engine.explicit_params(state.spec, doc["W"], doc["b"]) == state.params


def test_json_is_readable():
    text = network_json(engine.PRESETS["default"].state())
    # Indented by two; each weight row, and each list of names, on one line.
    assert '\n  "sizes": [2, 2, 1],\n' in text and '\n  "inputs": ["x₁", "x₂"],\n' in text
    assert '\n  "W": [\n    [\n      [0.5, -0.3],\n      [0.2, 0.8]\n    ],\n' in text
    doc = json.loads(text)
    assert "\n" not in doc["how_to_use"] and "a @ W[l].T + b[l]" in doc["how_to_use"]
    assert doc["formulas"] == {"sigmoid": "1 / (1 + exp(-z))"}


def test_json_follows_the_how_to_use_note():
    # Follow the note with nothing but the JSON and the formulas' meaning.
    state = trained("circle", 2)
    doc = json.loads(network_json(state))
    f = {"tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    a = all_inputs(state)
    for W, b, name in zip(doc["W"], doc["b"], doc["activations"]):
        a = f[name](a @ np.array(W).T + np.array(b))
    np.testing.assert_allclose(a, engine.forward(state.spec, state.params, all_inputs(state)).output,
                               rtol=0, atol=1e-12)


def test_a_network_of_classes_names_them_in_both_formats(tmp_path):
    state = trained("three_classes", 3)
    data = engine.dataset(state.data)
    doc = json.loads(network_json(state))
    assert doc["classes"] == ["A", "B", "C"] and "probability of class k" in doc["how_to_use"]
    assert "classes" not in json.loads(network_json(trained("circle", 1)))  # two classes: one 0/1 output
    path = tmp_path / "classes.py"
    path.write_text(numpy_snippet(state), encoding="utf-8")
    result = subprocess.run([sys.executable, "-I", str(path)], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    p = engine.forward(state.spec, state.params, data.x_train[:5]).output
    for line, p_i, t_i in zip(result.stdout.splitlines(), p, data.y_train):
        printed = re.fullmatch(r"input \[.*\] -> class (\w) p (\[.*\])  target (\w)", line)
        assert printed, line
        # The class printed is the largest probability's, the target the one-hot row's.
        assert printed[1] == "ABC"[int(np.argmax(p_i))] and printed[3] == "ABC"[int(np.argmax(t_i))]
        assert ast.literal_eval(printed[2]) == pytest.approx(np.round(p_i, 3).tolist())
