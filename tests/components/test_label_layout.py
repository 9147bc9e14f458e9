"""Where the network's words go: no label overlaps another label or a neuron, in any phase, in
any lesson (the small ones carry every number, the larger ones their inputs', outputs' and the
direction of blame); blame rings on an absolute scale."""

import math

import numpy as np
import pytest

import engine
from components import label_layout as lay
from components import network_view as nv


def test_box_arithmetic_by_hand():
    # "+0.50" at 20 units, bold: + 0.84 em, three digits 0.70 em each, a point 0.38 em = 3.32 em = 66.4 units.
    assert lay.text_width("+0.50", 20) == pytest.approx(66.4)
    box = lay.text_box(100, 50, "+0.50", 20)
    assert (box.left, box.right) == pytest.approx((66.8, 133.2))
    assert (box.top, box.bottom) == pytest.approx((50 - 16, 50 + 4.8))
    # Two boxes 10 units apart share nothing; 4 units apart they are closer than the margin (3 + 3).
    a = lay.Box(0, 0, 10, 10)
    assert a.overlap(lay.Box(20, 0, 30, 10)) == 0
    assert a.overlap(lay.Box(14, 0, 24, 10)) > 0
    assert lay.collisions([("a", a), ("b", lay.Box(14, 0, 24, 10)), ("c", lay.Box(50, 50, 60, 60))]) == ["a | b"]


def test_place_best_finds_the_one_arrangement_that_fits():
    # Two labels, each with two places; the first places clash, so one of them must take its second.
    first = lay.Box(0, 0, 10, 10)
    cands = {"x": [first, lay.Box(0, 40, 10, 50)], "y": [lay.Box(5, 0, 15, 10), lay.Box(40, 0, 50, 10)]}
    chosen = lay.place_best(["x", "y"], cands, [])
    assert cands["x"][chosen["x"]].overlap(cands["y"][chosen["y"]]) == 0
    # Nowhere free: no arrangement.
    assert lay.place_best(["x"], {"x": [first]}, [lay.Box(0, 0, 10, 10)]) is None


def test_place_best_gives_up_after_its_tries_counted_not_timed():
    # n labels that all want the same spot and have nowhere else: no arrangement. Without the
    # memory of dead ends, proving it tries every order of the labels (n! of them).
    same = lay.Box(0, 0, 10, 10)
    labels = [f"l{k}" for k in range(8)]
    cands = {key: [same, lay.Box(100 * (k + 1), 0, 100 * (k + 1) + 10, 10)] for k, key in enumerate(labels)}
    cands["l7"] = [same]
    cands["l6"] = [same]  # l6 and l7 can only sit on the same spot: impossible
    assert lay.place_best(labels, cands, []) is None
    # One try is enough for a single label with a free spot, and none finds nothing.
    assert lay.place_best(["x"], {"x": [same]}, [], max_tries=1) == {"x": 0}
    assert lay.place_best(["x"], {"x": [same]}, [], max_tries=0) is None


def test_clear_agrees_with_the_overlap_of_each_pair():
    rng = np.random.default_rng(1)
    for _ in range(50):
        boxes = [lay.Box(x, y, x + w, y + h) for x, y, w, h in rng.uniform(0, 50, (30, 4))]
        taken = [lay.Box(x, y, x + w, y + h) for x, y, w, h in rng.uniform(0, 50, (5, 4))]
        taken += [lay.Circle(x, y, r) for x, y, r in rng.uniform(0, 50, (5, 3))]
        assert list(lay._clear(boxes, taken)) == [not any(b.overlap(t) for t in taken) for b in boxes]


def small_lessons():
    return [k for k, p in engine.PRESETS.items() if max(p.state().spec.sizes) <= 3]


def test_small_lessons_exist():
    assert {"default", "worked_example"} <= set(small_lessons())


@pytest.mark.parametrize("lesson", list(engine.PRESETS))
def test_no_label_overlaps_another_or_a_neuron_in_any_phase(lesson):
    state = engine.PRESETS[lesson].state()
    geometry = nv.network_geometry(state.spec)
    if lesson in small_lessons():
        assert geometry["weight_labels"], "a small lesson shows its weights on the graph"
    seen = set()
    for _ in range(2 * (2 * state.spec.n_layers + 2)):  # two whole steps, every phase
        view = nv.network_view(state)
        seen.add(view["phase"])
        boxes = nv.label_boxes(geometry, view)
        assert lay.collisions(boxes) == [], f"{lesson}, {state.cursor.words()}"
        x0, y0, w, h = geometry["view"]
        for name, box in boxes:  # and nothing is cut at the picture's edge
            assert x0 <= box.left and box.right <= x0 + w and y0 <= box.top and box.bottom <= y0 + h, name
        state = engine.advance(state)
    assert seen == {"ready", "forward", "loss", "backward", "update"}


# Several classes, one output each, in the shapes a teacher makes of the three-class lesson: with no
# hidden layer and small ones (every number on the graph), the lesson's own and larger ones; three
# classes and four. Each output has a row beside it, clear of everything in every phase.
CLASS_SHAPES = [f"?lesson=three_classes{data}&hidden={hidden}" for data in ("", "&data=blobs4")
                for hidden in ("0", "1", "3", "2,2", "4", "3,3", "6,6", "1,1,1,1,1,1")]


@pytest.mark.parametrize("query", CLASS_SHAPES)
def test_class_rows_overlap_nothing_in_any_phase(query):
    from app.links import state_from_query

    state = state_from_query(query).state
    geometry = nv.network_geometry(state.spec)
    assert state.spec.sizes[-1] == len(state.data.class_names()) == len(geometry["output"]["rows"])
    for _ in range(2 * state.spec.n_layers + 3):  # every phase, and the next step's ready
        view = nv.network_view(state)
        boxes = nv.label_boxes(geometry, view)
        assert sum(name.startswith("output row") for name, _ in boxes) == 2 * state.spec.sizes[-1]
        assert lay.collisions(boxes) == [], f"{query}, {state.cursor.words()}"
        x0, y0, w, h = geometry["view"]
        for name, box in boxes:
            assert x0 <= box.left and box.right <= x0 + w and y0 <= box.top and box.bottom <= y0 + h, name
        state = engine.advance(state)


def test_a_class_name_too_long_for_its_row_is_cut_and_its_row_still_fits():
    import dataclasses

    from app.links import state_from_query

    state = state_from_query("?lesson=three_classes").state
    data = engine.dataset(state.data)
    long = ("a very long class name", "b", "Iris-versicolor")
    explicit = engine.DataSpec(name="explicit", x=tuple(map(tuple, data.x_train[:6].tolist())),
                               y=tuple(map(tuple, data.y_train[:6].tolist())), classes=long, test_fraction=0.0)
    state = engine.full_step(state.replace(data=explicit, spec=dataclasses.replace(state.spec)))
    view = nv.network_view(state)
    assert [row[0].split(" = ")[0] for row in view["output"]["rows"]] == ["p(a very…)", "p(b)", "p(Iris-ve…)"]
    assert lay.collisions(nv.label_boxes(nv.network_geometry(state.spec), view)) == []


def test_the_column_titles_sit_just_over_the_top_neurons_names_with_no_empty_band():
    """By hand, the default 2-2-1: the top neurons' centres are at 216 (two neurons 160 apart about
    296), radius 34, so a name's baseline is 216 − 34 − 15 (ring room) − 7 − 0.24·20 = 155.2 and its
    top 155.2 − 0.8·20 = 139.2. The titles' baseline is 12 over that, less their descent: 122.4.
    The picture shown starts 6 over the titles' top: 100.4 (at a fixed baseline of 26 it started
    at 4, and the network was drawn 517/421 times smaller where the screen's height holds it)."""
    geometry = nv.network_geometry(engine.PRESETS["default"].state().spec)
    assert {c["y"] for c in geometry["columns"]} == {122.4}
    assert geometry["view"][1] == 100.4 and geometry["view"][3] == 421.4


@pytest.mark.parametrize("lesson", list(engine.PRESETS))
def test_the_column_titles_are_over_everything_else_in_every_phase(lesson):
    state = engine.PRESETS[lesson].state()
    geometry = nv.network_geometry(state.spec)
    for _ in range(2 * state.spec.n_layers + 3):
        boxes = nv.label_boxes(geometry, nv.network_view(state))
        titles = [box for name, box in boxes if name.startswith("title ")]
        assert len(titles) == state.spec.n_layers + 1
        lowest = max(box.bottom for box in titles)
        # (the baseline is rounded to 0.1 unit)
        assert all(box.top - lowest >= nv.TITLE_GAP - 0.05 for name, box in boxes if not name.startswith("title ")), lesson
        state = engine.advance(state)


def test_the_default_lesson_shows_weights_gradients_and_the_update_step():
    state = engine.full_step(engine.PRESETS["default"].state())
    view = nv.network_view(state)
    edge = {e["id"]: e for e in view["edges"]}["W1[0,0]"]
    before = state.last_update.params_before.W[1][0, 0]
    after = state.params.W[1][0, 0]
    assert edge["label"] == nv.num(after, True, 2)
    assert edge["grad"] == f"Δ {nv.num(after - before, True, 3)}"  # +0.516 − 0.500 = +0.016
    assert edge["grad"] == "Δ +0.016"


def test_larger_networks_name_their_inputs_and_outputs():
    state = engine.PRESETS["circle"].state()
    geometry = nv.network_geometry(state.spec)
    nodes = {n["id"]: n for n in geometry["nodes"]}
    assert nodes["n0-0"]["name"] == "x₁" and nodes["n0-0"]["value_at"] == "left"
    assert nodes["n3-0"]["name"] == "o₁"
    assert nodes["n1-0"]["name"] == "" and nodes["n1-0"]["value_at"] in ("optional", "")
    view = {n["id"]: n for n in nv.network_view(state)["nodes"]}
    assert view["n0-0"]["text"] == nv.num(float(engine.example_passes(state).fwd.a[0][0, 0]), digits=2)


def test_blame_rings_are_on_an_absolute_scale():
    # Each tenfold adds the same width: |δ| = 0.001 → 1.5, 0.3 → 12, and 0.1 → 1.5 + 10.5·log10(100)/log10(300).
    assert nv.ring_width(0.001) == 1.5 and nv.ring_width(0.0) == 1.5 and nv.ring_width(5.0) == 12.0
    assert nv.ring_width(-0.1) == pytest.approx(1.5 + 10.5 * 2 / math.log10(300), abs=0.01)  # 9.98
    # A trained network carries visibly less blame than the same network untrained.
    def output_ring(state):
        for _ in range(2 * state.spec.n_layers + 1):  # to the end of the backward pass
            state = engine.advance(state)
        return {n["id"]: n for n in nv.network_view(state)["nodes"]}["n2-0"]["ring"]

    fresh = engine.PRESETS["default"].state()
    trained = engine.train_steps(fresh, 300)
    assert output_ring(trained) < output_ring(fresh) - 3
