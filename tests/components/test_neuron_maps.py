"""Every neuron's own picture (components/neuron_maps.py, assets/neuron-maps.js): the page's grid and
forward pass are engine.surface's, for every lesson, the extra inputs and a softmax output; the
pictures travel with the weights they were drawn from; and only when the box is ticked.

The page's files run under Node, with no browser (as in test_instant_parity.py).
"""

import dataclasses
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

import engine
from app import actions
from app.callbacks import drawing, maps_on
from components import neuron_maps
from components.network_view import network_view, slider_model
from engine.surface import extents, surface

from .test_instant_parity import node

ASSETS = Path(__file__).resolve().parents[2] / "assets"
RUNNER = """
globalThis.window = globalThis;
require(process.argv[1]);
require(process.argv[2]);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const cases = JSON.parse(input);
  const {grid, activations} = window.backpropLabMaps;
  process.stdout.write(JSON.stringify(cases.map(({model, weights}) => {
    try { return activations(model, weights.W, weights.b, grid(model.plane)); }
    catch (err) { return {error: String(err)}; }
  })));
});
"""


def in_node(cases: list) -> list:
    run = subprocess.run([node(), "-e", RUNNER, str(ASSETS / "instant.js"), str(ASSETS / "neuron-maps.js")],
                         input=json.dumps(cases), capture_output=True, text=True, timeout=120, check=True)
    return json.loads(run.stdout)


def rounded(state):
    """The lab with the weights a picture brings: each to neuron_maps.DIGITS significant digits."""
    w = neuron_maps.weights(state.params)
    return state.replace(params=engine.Params((None, *map(np.array, w["W"][1:])), (None, *map(np.array, w["b"][1:]))))


def labs():
    yield "circle", engine.train_steps(actions.preset("circle"), 20)
    yield "three classes", engine.train_steps(actions.preset("three_classes"), 20)
    yield "overfitting", actions.preset("overfitting")
    yield "local minimum (one input)", actions.preset("local_minimum")
    circle = actions.preset("circle")
    extra = dataclasses.replace(circle.data, features=tuple(engine.FEATURES))
    lab, _ = actions.rebuild(circle, circle, "3", "relu", "sigmoid", "bce", "circle", 0, data=extra)
    yield "every extra input, relu", lab
    leaky, _ = actions.rebuild(circle, circle, "8, 8, 8, 8, 8, 8", "leaky_relu", "linear", "mse", "circle", 1)
    yield "six layers of 8, leaky", leaky


LABS = list(labs())


def test_the_pages_pictures_are_the_engines_surfaces():
    cases = [{"model": slider_model(state), "weights": neuron_maps.weights(state.params)} for _, state in LABS]
    answers = in_node(cases)
    for (name, state), a in zip(LABS, answers):
        assert not (isinstance(a, dict) and "error" in a), (name, a)
        exact = rounded(state)
        n = neuron_maps.GRID
        one_input = len(extents(state)) == 1
        for layer in range(1, state.spec.n_layers + 1):
            expected = surface(exact, n, layer, None).values  # (ys, xs, neurons), ys rising; 1-D: (xs, neurons)
            page = np.array(a[layer])  # (points, neurons), row by row from the top
            if one_input:  # every row of the picture is the line again
                np.testing.assert_allclose(page.reshape(n, n, -1), np.broadcast_to(expected, (n, *expected.shape)),
                                           rtol=1e-12, atol=1e-12, err_msg=name)
            else:
                np.testing.assert_allclose(page.reshape(n, n, -1)[::-1], expected, rtol=1e-12, atol=1e-12,
                                           err_msg=f"{name}, layer {layer}")
        # The inputs' own pictures: the raw inputs, then each extra one as the dataset computes it.
        spans = extents(state)
        xs = np.linspace(*spans[0], n)
        inputs = np.array(a[0]).reshape(n, n, -1)
        np.testing.assert_array_equal(inputs[0, :, 0], xs)
        if not one_input:
            ys = np.linspace(*spans[1], n)[::-1]
            np.testing.assert_array_equal(inputs[:, 0, 1], ys)
            raw = inputs[..., :2].reshape(-1, 2)
            for k, f in enumerate(state.data.features, start=2):
                np.testing.assert_allclose(inputs[..., k].ravel(), engine.FEATURES[f].fn(raw), rtol=1e-15, err_msg=f)


def test_an_extra_input_the_page_does_not_know_is_an_error_not_a_wrong_picture():
    _, state = LABS[4]  # every extra input
    model = slider_model(state)
    model["plane"]["features"] = ["x1_cubed"]
    [answer] = in_node([{"model": model, "weights": neuron_maps.weights(state.params)}])
    assert "no extra input called x1_cubed" in answer["error"]


def test_the_plane_is_the_data_charts_and_there_is_none_beyond_two_inputs():
    state = actions.preset("circle")
    plane = neuron_maps.plane(state)
    assert plane == {"grid": 16, "spans": [list(s) for s in extents(state)], "features": []}
    # The data's extent with a tenth added each side: the Data chart's axes (engine/surface.py).
    raw = np.concatenate([engine.dataset(state.data).raw_train, engine.dataset(state.data).raw_test])
    lo, hi = raw[:, 0].min(), raw[:, 0].max()
    assert plane["spans"][0] == pytest.approx([lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo)])
    three = engine.DataSpec(name="explicit", x=((0.0, 1.0, 2.0), (1.0, 0.0, 2.0)), y=((0.0,), (1.0,)))
    assert neuron_maps.plane(state.replace(data=three, spec=dataclasses.replace(state.spec, sizes=(3, 4, 4, 1)),
                                           params=engine.init_params(dataclasses.replace(
                                               state.spec, sizes=(3, 4, 4, 1)), np.random.default_rng(0)))) is None


def test_a_pictures_weights_are_rounded_to_four_digits():
    state = engine.train_steps(actions.preset("circle"), 30)
    w = neuron_maps.weights(state.params)
    assert w["W"][0] is None and w["b"][0] is None
    for l in range(1, state.spec.n_layers + 1):
        np.testing.assert_allclose(w["W"][l], state.params.W[l], rtol=5e-4)
        assert all(len(f"{v:.4g}") >= len(repr(v)) or float(f"{v:.4g}") == v for row in w["W"][l] for v in row)


def test_pictures_bring_their_weights_only_while_the_box_is_ticked():
    state = engine.advance(actions.preset("circle"))
    assert "maps" not in network_view(state, tips=False) and "maps" not in network_view(state)
    ahead = network_view(state, tips=False, maps=True)
    assert ahead["maps"] == neuron_maps.weights(state.params)
    # A picture with tooltips has the model, which holds the exact weights and the plane already.
    full = network_view(state, maps=True)
    assert "maps" not in full and full["model"]["plane"] == neuron_maps.plane(state)
    # Step's next phase, the end of the update, and Play's pictures on the way, each with its own.
    drawn = drawing(state, {}, maps=True)["view"]
    assert drawn["next"]["maps"] == neuron_maps.weights(state.params)
    assert drawn["after"]["maps"] == neuron_maps.weights(engine.full_step(state).params)
    frames = [engine.train_steps(state, k) for k in (1, 2)]
    played = drawing(frames[-1], {}, brief=True, playing=True, frames=frames[:1], maps=True)["view"]
    assert played["frames"][0]["maps"] == neuron_maps.weights(frames[0].params)
    assert played["maps"] == neuron_maps.weights(frames[-1].params)
    assert "maps" not in drawing(frames[-1], {}, brief=True, playing=True, frames=frames[:1])["view"]["frames"][0]


@pytest.mark.parametrize(("options", "on"), [(["maps"], True), ([], False), (None, False), ("maps", False),
                                            ({"maps": 1}, False), ([["maps"]], False), ([{"a": 1}, "maps"], True)])
def test_the_box_is_read_from_anything_a_browser_sends(options, on):
    assert maps_on(options) is on
