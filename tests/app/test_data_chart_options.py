"""The data chart's own options: the test points, and the output read as the network's decision."""

import numpy as np
import pytest

import engine
from app import actions, links
from app.panels import surface_panel
from components import palette
from engine import metrics
from engine.surface import surface


def traces(figure) -> list:
    return [t.get("name") or t["type"] for t in figure["data"]]


def heatmap(figure) -> np.ndarray:
    return np.array(next(t for t in figure["data"] if t["type"] == "heatmap")["z"], dtype=float)


def test_the_test_points_come_and_go_with_their_box():
    lab = actions.preset("circle")
    assert "test" in traces(surface_panel(lab, None, ["test"])[0])
    assert "test" not in traces(surface_panel(lab, None, [])[0])
    assert "train" in traces(surface_panel(lab, None, [])[0])


def test_discretized_the_output_is_the_decision_the_scores_tab_counts():
    lab = engine.train_steps(actions.preset("circle"), 30)
    figure, caption = surface_panel(lab, None, ["test", "discrete"])
    z = heatmap(figure)
    assert set(np.unique(z)) <= {0.0, 1.0}
    np.testing.assert_array_equal(z, metrics.decisions(surface(lab, 50, lab.spec.n_layers, 0).values))
    assert caption.startswith("The network's decision over the inputs: class 1 where o₁ is above 0.5")
    # The continuous picture otherwise.
    assert len(np.unique(heatmap(surface_panel(lab, None, ["test"])[0]))) > 2


def test_a_hovered_neuron_and_a_regression_keep_their_own_values():
    lab = actions.preset("circle")
    hovered = heatmap(surface_panel(lab, "n1-0", ["discrete"])[0])
    assert len(np.unique(hovered)) > 2
    sine = actions.rebuild(lab, lab, "4", "tanh", "linear", "mse", "sine", 0)[0]
    figure, caption = surface_panel(sine, None, ["discrete"])
    assert "decision" not in caption and any(t.get("name") == "network" for t in figure["data"])


@pytest.mark.parametrize("shown", [None, "test", 5, [None, 3, {"a": 1}, "x"], ["discrete"] * 50])
def test_junk_options_are_ignored(shown):
    figure, _ = surface_panel(actions.preset("circle"), None, shown)
    assert figure["data"]


def test_a_link_may_set_them_and_a_bad_flag_is_noticed():
    assert links.state_from_query("?lesson=circle&points=0&discrete=1").notices == ()
    notices = links.state_from_query("?lesson=circle&points=maybe").notices
    assert any("test points flag (points='maybe')" in n for n in notices)


# --- several classes: the decision is read from every output at once ---


def three_class_lab():
    return engine.train_steps(actions.preset("three_classes"), 25)


def test_three_classes_draw_the_class_of_the_largest_output():
    lab = three_class_lab()
    figure, caption = surface_panel(lab, None, ["test"])
    z = heatmap(figure)
    probabilities = surface(lab, 50, lab.spec.n_layers, None).values
    np.testing.assert_array_equal(np.floor(z), metrics.decisions(probabilities, several=True))
    assert len(np.unique(np.round(z - np.floor(z), 2))) > 10  # shaded by how sure the network is
    assert caption.startswith("The network's decision over the inputs: the class of the largest output "
                              "(o₁ … o₃), pale where the network is unsure")
    assert [t["name"] for t in figure["data"] if t.get("showlegend")] == ["class A", "class B", "class C"]


def test_three_classes_discretized_are_the_decisions_alone():
    lab = three_class_lab()
    figure, caption = surface_panel(lab, None, ["discrete"])
    z = heatmap(figure)
    assert set(np.unique(z)) <= {0.0, 1.0, 2.0}
    np.testing.assert_array_equal(z, metrics.decisions(surface(lab, 50, lab.spec.n_layers, None).values, several=True))
    assert "pale" not in caption and "test" not in traces(figure)


def test_three_classes_hovered_neurons_keep_their_own_values():
    lab = three_class_lab()
    # A hidden neuron: its own tanh, as for two classes, even with "discretize" ticked.
    hidden, caption = surface_panel(lab, "n1-0", ["discrete"])
    np.testing.assert_allclose(heatmap(hidden), surface(lab, 50, 1, 0).values, rtol=5e-4)
    assert caption.startswith("Neuron h₁,₁'s own activation over the inputs")
    # An output: that class's probability, from white to its colour.
    output, caption = surface_panel(lab, "n3-1", ["test"])
    np.testing.assert_allclose(heatmap(output), surface(lab, 50, 3, 1).values, rtol=5e-4)
    assert caption.startswith("Neuron o₂'s own activation (the probability of class B)")
    assert next(t for t in output["data"] if t["type"] == "heatmap")["colorscale"][-1] == [1, palette.SURFACE_CLASSES[1]]
