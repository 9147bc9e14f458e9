"""The page's own pass (assets/instant.js) draws a slider move exactly as the server does
(components/network_view.py), for every activation, loss, weight decay and shape the registries
allow (softmax only at the output, with cross-entropy, on two outputs or more): the page's file is
run under Node, with no browser, over all of them at once.

An activation or loss added to engine/ without its counterpart in instant.js fails here.
Node comes from Debian's packages (tests/ensure_node.sh, run by `make test`).
"""

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import engine
from app import actions
from components.network_view import network_view, slider_model
from components.numbers import num
from engine.losses import refusal

INSTANT = Path(__file__).resolve().parents[2] / "assets" / "instant.js"
# Loads the page's file as the page does (it registers itself on `window`) and draws each case.
RUNNER = """
globalThis.window = globalThis;
require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const {views, numbers} = JSON.parse(input);
  const answers = {numbers: numbers.map(([v, signed, digits]) => window.backpropLabInstant.num(v, signed, digits))};
  answers.views = views.map(([model, param, value]) => {
    try { return window.backpropLabInstant.instantView(model, param, value); }
    catch (err) { return {error: String(err)}; }
  });
  process.stdout.write(JSON.stringify(answers));
});
"""
DECAYS = ((0.0, "l2"), (0.05, "l2"), (0.05, "l1"))  # (λ, penalty)
HIDDEN_SHAPES = ((), (2,), (3, 2))  # no hidden layer, one, two of different widths
MOVES = (("W1[0,0]", -2.5), ("W{L}[0,0]", 0.75), ("b{L}[0]", 3.1), ("b1[0]", -0.4),
         ("b{L}[0]", 900.0))  # e^900 overflows: the page must shift z as the engine does


def lab(base, hidden, hidden_act, output_act, loss, decay, seed=0, penalty="l2"):
    n_in, n_out = base.spec.sizes[0], base.spec.sizes[-1]
    spec = dataclasses.replace(base.spec, sizes=(n_in, *hidden, n_out), init="uniform",
                               activations=(hidden_act,) * len(hidden) + (output_act,), loss=loss)
    return base.replace(spec=spec, params=engine.init_params(spec, np.random.default_rng(seed)),
                        train=dataclasses.replace(base.train, weight_decay=decay, penalty=penalty),
                        cursor=engine.Cursor(spec.n_layers))


def allowed_pairs(n_out: int) -> list[tuple[str, str]]:
    """Every (output activation, loss) the engine allows on n_out outputs: a softmax shares one
    probability among two or more, and is taught with cross-entropy alone (refusal says both)."""
    return [(o, loss) for o in engine.ACTIVATIONS for loss in engine.LOSSES
            if not refusal(loss, o) and (n_out >= 2 or not engine.ACTIVATIONS[o].output_only)]


def labs():
    """Every pair the engine allows, on one output (the default lesson's data), on two (the worked
    example's) and on three (the three-class lesson's, softmax's own), with no penalty on the weights,
    L2 and L1, with no, one and two hidden layers of every hidden activation; and six of 8."""
    for base_name, shapes in (("default", HIDDEN_SHAPES), ("worked_example", ((2,),)),
                              ("three_classes", ((), (3, 2)))):
        base = actions.preset(base_name)
        for hidden in shapes:
            for hidden_act in (engine.HIDDEN_ACTIVATIONS if hidden else ("linear",)):
                for output_act, loss in allowed_pairs(base.spec.sizes[-1]):
                    for decay, penalty in DECAYS:
                        yield f"{base_name} {hidden} {hidden_act}/{output_act} {loss} {penalty} {decay}", lab(
                            base, hidden, hidden_act, output_act, loss, decay, penalty=penalty)
    # A target that is not one class: δ at a softmax output is p·Σt − t, not p − t, and the loss
    # from z weighs log Σe^z by Σt (engine/losses.py).
    base = actions.preset("worked_example")
    halves = base.replace(data=dataclasses.replace(base.data, y=((0.2, 0.3),)))
    yield "worked example, softmax on a target of mass 0.5", lab(halves, (2,), "tanh", "softmax", "cross_entropy", 0.0)
    yield "six layers of 8", lab(actions.preset("circle"), (8,) * 6, "tanh", "sigmoid", "bce", 0.0, seed=3)


def cases():
    for label, state in labs():
        L = state.spec.n_layers
        for param, value in MOVES:
            param = param.format(L=L)
            yield f"{label}: {param} = {value}", state, param, value


def node() -> str:
    found = shutil.which("node") or shutil.which("nodejs")
    if found is None:
        pytest.fail("Node is missing: run `bash tests/ensure_node.sh` (or `make test`, which runs it).")
    return found


def in_node(views=(), numbers=()) -> dict:
    """instantView of each [model, param, value], and num of each [value, signed, digits], in Node."""
    run = subprocess.run([node(), "-e", RUNNER, str(INSTANT)], capture_output=True, text=True, timeout=120,
                         input=json.dumps({"views": list(views), "numbers": list(numbers)}), check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def drawn_in_node(views: list) -> list:
    return in_node(views=views)["views"]


def same(page, server, path):
    """Equal; numbers drawn as attributes (widths, levels) may differ in their last rounding, since
    the page sums in another order. Every word and number shown as text must be equal."""
    if isinstance(server, dict):
        assert isinstance(page, dict) and set(page) == set(server), f"{path}: keys {sorted(set(page) ^ set(server))}"
        for k in server:
            same(page[k], server[k], f"{path}.{k}")
    elif isinstance(server, list):
        assert isinstance(page, list) and len(page) == len(server), path
        for i, (p, s) in enumerate(zip(page, server)):
            same(p, s, f"{path}[{i}]")
    elif isinstance(server, float | int) and not isinstance(server, bool):
        assert page == pytest.approx(server, abs=0.0011), path
    else:
        assert page == server, path


def test_every_activation_and_loss_in_the_registries_is_drawn_by_the_page_as_by_the_server():
    all_cases = list(cases())
    activations = {a for _, state, _, _ in all_cases for a in state.spec.activations}
    assert activations == set(engine.ACTIVATIONS) and {s.spec.loss for _, s, _, _ in all_cases} == set(engine.LOSSES)
    page = drawn_in_node([[slider_model(state), param, value] for _, state, param, value in all_cases])
    for (label, state, param, value), drawn in zip(all_cases, page, strict=True):
        assert drawn is not None and "error" not in drawn, (label, drawn)
        moved = actions.set_param(state, param, value)
        server = json.loads(json.dumps(network_view(moved, geometry=False, tips=False)))
        server.pop("geometry")
        # The neurons' own pictures follow the drag from the moved weights, exactly (neuron-maps.js).
        maps = drawn.pop("maps")
        assert maps == {"W": [None] + [w.tolist() for w in moved.params.W[1:]],
                        "b": [None] + [b.tolist() for b in moved.params.b[1:]]}, label
        same(drawn, server, label)


def test_an_activation_or_loss_the_page_does_not_know_fails_loudly_and_a_move_it_cannot_draw_is_refused():
    model = json.loads(json.dumps(slider_model(actions.preset("default"))))
    unknown = {**model, "activations": ["softplus", "sigmoid"]}
    no_such_loss = {**model, "loss": "hinge"}
    refused = [[model, "W9[0,0]", 1], [model, "W1[5,0]", 1], [model, "b2[3]", 1], [model, "nonsense", 1],
               [model, "W1[0,0]", None]]
    answers = drawn_in_node([[unknown, "W1[0,0]", 1.0], [no_such_loss, "W1[0,0]", 1.0], *refused])
    assert answers[0] == {"error": "Error: instant.js has no activation called softplus"}
    assert answers[1] == {"error": "Error: instant.js has no loss called hinge"}
    assert answers[2:] == [None] * len(refused)


def test_the_page_writes_every_number_as_the_server_does_ties_and_near_ties_included():
    rng = np.random.default_rng(7)
    values = [*rng.normal(0, 1, 1500), *rng.normal(0, 1e-3, 300), *(10.0 ** rng.uniform(-7, 3, 300)),
              # exact binary ties (to the even digit) and decimal ties stored a little off them
              0.0625, -0.0625, 0.125, 2.5e-3, 0.0375, 0.05 * 0.75, 2.675, 1.0005, 0.5 * -0.125, 1e-4, 0.0, -0.0]
    asked = [[float(v), signed, digits] for v in values for signed in (False, True) for digits in (2, 3)]
    page = in_node(numbers=asked)["numbers"]
    for (v, signed, digits), shown in zip(asked, page, strict=True):
        assert shown == num(v, signed, digits), (v, signed, digits)
