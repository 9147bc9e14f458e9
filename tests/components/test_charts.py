"""The Plotly figures as plain dicts: the loss history and the data chart."""

import json

import numpy as np
import pytest

import engine
from components import palette
from components.charts import data_figure, history_figure


def test_history_carries_the_engines_entries_exactly():
    state = engine.train_steps(engine.PRESETS["circle"].state(), 4)
    entries = state.history.entries
    assert [e[0] for e in entries] == [0, 1, 2, 3, 4]
    fig = history_figure(entries)
    train, test = fig["data"]
    assert train["x"] == [e[0] for e in entries]
    assert train["y"] == [e[1] for e in entries]
    assert test["y"] == [e[2] for e in entries]
    # The last entry is the engine's own evaluation after step 4.
    assert train["y"][-1] == engine.evaluate(state)["train_loss"]
    assert test["y"][-1] == engine.evaluate(state)["test_loss"]
    assert fig["layout"]["showlegend"] is True
    json.dumps(fig, allow_nan=False)


def test_history_without_test_data_has_one_trace():
    state = engine.train_steps(engine.PRESETS["default"].state(), 3)
    fig = history_figure(state.history.entries)
    assert [t["name"] for t in fig["data"]] == ["train"]
    assert fig["data"][0]["x"] == [0, 1, 2, 3]
    # The default lesson starts at ½(1 − 0.593503)² = 0.082620 and is 0.066137 after the first update
    # (see the network view's worked numbers).
    assert fig["data"][0]["y"][:2] == pytest.approx([0.082620, 0.066137], abs=1e-6)
    assert fig["layout"]["showlegend"] is False


def test_an_empty_history_invites_training():
    fig = history_figure(())
    assert fig["data"][0]["x"] == [] and fig["data"][0]["y"] == []
    assert "Train" in fig["layout"]["annotations"][0]["text"]
    assert fig["layout"]["xaxis"]["visible"] is False


def circle_figure(example):
    state = engine.PRESETS["circle"].state()
    d = engine.dataset(state.data)
    return d, data_figure(d.raw_train, d.y_train, d.raw_test, d.y_test, d.kind, example)


def test_data_chart_rings_the_example_and_indexes_the_training_points():
    d, fig = circle_figure(7)
    train, test, ring = (next(t for t in fig["data"] if t["name"] == n) for n in ("train", "test", "on show"))
    assert fig["data"][-1] is ring  # drawn last, over every point
    n = d.raw_train.shape[0]
    assert n == 100  # 200 points, half for testing
    assert train["customdata"] == list(range(n))
    assert train["x"] == d.raw_train[:, 0].tolist() and train["y"] == d.raw_train[:, 1].tolist()
    assert ring["name"] == "on show"
    assert (ring["x"], ring["y"]) == ([float(d.raw_train[7, 0])], [float(d.raw_train[7, 1])])
    assert len(test["x"]) == d.raw_test.shape[0]
    # Classes by colour: target 1 → POSITIVE, 0 → NEGATIVE.
    expected = [palette.POSITIVE if t > 0.5 else palette.NEGATIVE for t in d.y_train[:, 0]]
    assert train["marker"]["color"] == expected
    assert fig["layout"]["clickmode"] == "event"
    json.dumps(fig, allow_nan=False)


def test_data_chart_clamps_an_example_past_the_end():
    d, fig = circle_figure(10_000)
    ring = fig["data"][-1]
    assert ring["x"] == [float(d.raw_train[-1, 0])]


def test_one_dimensional_data_plots_target_against_x_with_the_networks_curve():
    spec = engine.DataSpec("sine", n_points=40, noise=0.0, test_fraction=0.5, seed=0)
    d = engine.dataset(spec)
    xs = np.linspace(-1, 1, 5)
    fig = data_figure(d.raw_train, d.y_train, d.raw_test, d.y_test, d.kind, 3, (xs.tolist(), (2 * xs).tolist()))
    train, curve, ring = (next(t for t in fig["data"] if t["name"] == n) for n in ("train", "network", "on show"))
    assert train["y"] == d.y_train[:, 0].tolist()
    assert curve["x"] == [-1.0, -0.5, 0.0, 0.5, 1.0] and curve["y"] == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert (ring["x"], ring["y"]) == ([float(d.raw_train[3, 0])], [float(d.y_train[3, 0])])


def test_the_default_lessons_single_example():
    state = engine.PRESETS["default"].state()
    d = engine.dataset(state.data)
    fig = data_figure(d.raw_train, d.y_train, d.raw_test, d.y_test, d.kind, 0)
    assert [t["name"] for t in fig["data"]] == ["train", "on show (casing)", "on show"]  # no test points
    assert fig["data"][0]["customdata"] == [0]
    assert (fig["data"][1]["x"], fig["data"][1]["y"]) == ([1.0], [0.5])  # x = (1, 0.5)


# --- several classes: colour and mark ---


def three_class_data():
    return engine.dataset(engine.PRESETS["three_classes"].state().data)  # spiral3: classes A, B, C


def test_three_classes_are_coloured_and_marked_by_class():
    d = three_class_data()
    assert d.classes == ("A", "B", "C")
    fig = data_figure(d.raw_train, d.y_train, d.raw_test, d.y_test, d.kind, 4, classes=d.classes)
    train = next(t for t in fig["data"] if t["name"] == "train")
    labels = np.argmax(d.y_train, axis=1)  # one-hot targets: the class is the column holding the 1
    assert set(labels) == {0, 1, 2}
    assert train["marker"]["color"] == [palette.CLASS_COLOURS[k] for k in labels]
    assert train["marker"]["symbol"] == [palette.CLASS_SYMBOLS[k] for k in labels]
    # Class B is blue squares, wherever its points are.
    b = labels == 1
    assert {c for c, is_b in zip(train["marker"]["color"], b) if is_b} == {palette.POSITIVE}
    assert {s for s, is_b in zip(train["marker"]["symbol"], b) if is_b} == {"square"}
    # The hover names the class; the click still gets the example's index.
    assert train["text"][int(np.argmax(b))] == "class B"
    assert "%{text}" in train["hovertemplate"] and train["customdata"] == list(range(len(labels)))
    # Test points: hollow, in their class's colour and mark, over an ink casing.
    test = next(t for t in fig["data"] if t["name"] == "test")
    casing = next(t for t in fig["data"] if t["name"] == "test (casing)")
    test_labels = np.argmax(d.y_test, axis=1)
    assert test["marker"]["color"] == "rgba(0,0,0,0)"
    assert test["marker"]["line"]["color"] == [palette.CLASS_COLOURS[k] for k in test_labels]
    assert test["marker"]["symbol"] == casing["marker"]["symbol"] == [palette.CLASS_SYMBOLS[k] for k in test_labels]
    assert casing["marker"]["line"]["color"] == palette.INK
    assert fig["data"][-1]["name"] == "on show"  # still drawn last
    json.dumps(fig, allow_nan=False)


def test_a_legend_names_each_class_with_its_colour_and_mark():
    d = three_class_data()
    fig = data_figure(d.raw_train, d.y_train, d.raw_test, d.y_test, d.kind, 0, classes=d.classes)
    assert fig["layout"]["showlegend"] is True
    keys = [t for t in fig["data"] if t.get("showlegend")]
    assert [t["name"] for t in keys] == ["class A", "class B", "class C"]
    assert [(t["marker"]["color"], t["marker"]["symbol"]) for t in keys] == [
        (palette.NEGATIVE, "circle"), (palette.POSITIVE, "square"), (palette.FLOW, "diamond")]
    assert all(t["x"] == [None] for t in keys)  # keys only: every point stays in its one trace
    # Every other trace stays out of the legend, and a click on a key hides nothing.
    assert all(t["showlegend"] is False for t in fig["data"] if t not in keys)
    assert fig["layout"]["legend"]["itemclick"] is False


def test_four_classes_use_all_four_marks():
    d = engine.dataset(engine.DataSpec("blobs4", n_points=80, noise=0.1, test_fraction=0.25, seed=0))
    fig = data_figure(d.raw_train, d.y_train, d.raw_test, d.y_test, d.kind, 0, classes=d.classes)
    train = fig["data"][0]
    assert set(train["marker"]["symbol"]) == set(palette.CLASS_SYMBOLS)
    assert set(train["marker"]["color"]) == set(palette.CLASS_COLOURS)


def test_one_input_several_classes_plots_class_against_x():
    x = ((-1.0,), (0.0,), (1.0,), (0.5,))
    y = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (0.0, 1.0, 0.0))
    d = engine.dataset(engine.DataSpec("explicit", x=x, y=y, classes=("a", "b", "c"), test_fraction=0.0))
    fig = data_figure(d.raw_train, d.y_train, d.raw_test, d.y_test, d.kind, 0, classes=d.classes)
    train = fig["data"][0]
    assert sorted(zip(train["x"], train["y"])) == [(-1.0, 0.0), (0.0, 1.0), (0.5, 1.0), (1.0, 2.0)]
    assert fig["layout"]["yaxis"]["ticktext"] == ["a", "b", "c"]
    assert fig["layout"]["yaxis"]["tickvals"] == [0, 1, 2]


def test_two_classes_look_as_before():
    # 0/1 targets have no class names: sign colours, round dots, no legend, no class keys.
    d, fig = circle_figure(7)
    assert d.classes == ()
    assert [t["name"] for t in fig["data"]] == ["train", "test (casing)", "test", "on show (casing)", "on show"]
    train = fig["data"][0]
    assert "symbol" not in train["marker"] and "text" not in train and train["marker"]["size"] == 9
    assert train["hovertemplate"] == "example %{customdata}<extra>train</extra>"
    assert fig["layout"]["showlegend"] is False and "legend" not in fig["layout"]
    assert all("showlegend" not in t and "symbol" not in t["marker"] for t in fig["data"])
