"""Several classes on the page: choosing such data gives a softmax output with cross-entropy, and
back; the lists, links and saved labs carry it."""

import json

import numpy as np
import pytest

import engine
from app import actions, links
from app.callbacks import apply, control_values
from app.layout import loss_options, output_options, settings


def find(component, wanted: str):
    """The component with this id in a layout tree, or None."""
    if getattr(component, "id", None) == wanted:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            found = find(child, wanted)
            if found is not None:
                return found
    return None


def change(state, control, value, preset="default"):
    values = control_values(state) | {"preset": preset, control: value}
    return apply(control, values, state, state, "normal")


def test_data_of_three_classes_gives_three_softmax_outputs_and_back():
    lab, _ = change(actions.preset("circle"), "dataset", "spiral3", "circle")
    assert lab.spec.sizes == (2, 4, 4, 3) and lab.spec.activations[-1] == "softmax"
    assert lab.spec.loss == "cross_entropy" and control_values(lab)["output-activation"] == "softmax"
    four, _ = change(lab, "dataset", "blobs4", "circle")
    assert four.spec.sizes[-1] == 4 and four.spec.loss == "cross_entropy"
    # Two classes again: a softmax cannot share among one output, so a sigmoid with BCE.
    two, _ = change(four, "dataset", "moons", "circle")
    assert two.spec.sizes[-1] == 1 and (two.spec.activations[-1], two.spec.loss) == ("sigmoid", "bce")
    sine, _ = change(four, "dataset", "sine", "circle")
    assert (sine.spec.activations[-1], sine.spec.loss) == ("linear", "mse")


def test_the_hidden_list_never_offers_softmax_and_the_output_list_pairs_it():
    hidden = [o["value"] for o in find(settings(), "activation").options]
    assert hidden == list(engine.HIDDEN_ACTIVATIONS) and "softmax" not in hidden
    assert {o["value"]: o["disabled"] for o in output_options("cross_entropy")} == {
        name: name != "softmax" for name in engine.ACTIVATIONS}
    assert [o["value"] for o in loss_options("softmax") if not o["disabled"]] == ["cross_entropy"]


def test_without_hidden_layers_the_hidden_list_shows_tanh_not_softmax():
    lab, _ = change(actions.preset("three_classes"), "hidden-sizes", "0", "three_classes")
    assert lab.spec.sizes == (2, 3) and control_values(lab)["activation"] == "tanh"
    # Adding a layer back takes that activation.
    again, _ = change(lab, "hidden-sizes", "4", "three_classes")
    assert again.spec.activations == ("tanh", "softmax")


def test_a_softmax_on_one_output_is_refused_with_the_reason():
    with pytest.raises(engine.LabInputError, match="at least 2 output neurons"):
        change(actions.preset("circle"), "output-activation", "softmax", "circle")


@pytest.mark.parametrize(("query", "out", "n_out"), [
    ("data=spiral3", "softmax", 3),
    ("lesson=circle&data=blobs4", "softmax", 4),
    ("lesson=three_classes&data=xor", "sigmoid", 1),
    ("lesson=three_classes&hidden=0", "softmax", 3),
])
def test_links_build_the_output_the_data_needs(query, out, n_out):
    linked = links.state_from_query(query)
    assert not linked.notices, linked.notices
    assert linked.state.spec.activations[-1] == out and linked.state.spec.sizes[-1] == n_out
    # And the lab links back to itself.
    again = links.state_from_query(links.link_query(linked.state)[0])
    assert again.state.to_dict() == linked.state.to_dict()


def test_a_trained_lab_of_classes_is_saved_and_loaded_exactly():
    lab = engine.train_steps(actions.preset("three_classes"), 40)
    back = engine.LabState.from_json(json.dumps(json.loads(lab.to_json())))
    assert back.to_dict() == lab.to_dict()
    assert np.array_equal(engine.forward(back.spec, back.params, np.eye(2)).output,
                          engine.forward(lab.spec, lab.params, np.eye(2)).output)
