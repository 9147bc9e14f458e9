"""The network's view model, phase by phase, against the engine's own numbers and a hand calculation.

The default lesson: 2-2-1, sigmoid everywhere, squared error ½(t − o)², one example x = (1, 0.5), t = 1,
W1 = [[0.5, −0.3], [0.2, 0.8]], b1 = (0.1, −0.1), W2 = [[0.7, −0.4]], b2 = 0.2, sgd with η = 1.

    z1 = (1·0.5 + 0.5·(−0.3) + 0.1, 1·0.2 + 0.5·0.8 − 0.1) = (0.45, 0.5)
    a1 = (σ(0.45), σ(0.5)) = (0.610639, 0.622459)                     → shown "0.61", "0.62"
    z2 = 0.7·0.610639 − 0.4·0.622459 + 0.2 = 0.378464;  o = σ(z2) = 0.593503 → "0.59"
    C  = ½(1 − 0.593503)² = ½·0.165240 = 0.082620                       → "0.083"
    δ2 = (o − t)·o(1 − o) = −0.406497·0.241257 = −0.098070             → "δ −0.098"
    δ1 = δ2·W2 ⊙ a1(1 − a1) = (−0.068649·0.237756, 0.039228·0.235004) = (−0.016322, +0.009219)
    ∂C/∂W2 = δ2·a1 = (−0.059886, −0.061045);  ∂C/∂W1[i,j] = δ1[i]·x[j]
    after the update (η = 1): W2[0,0] = 0.7 + 0.059886 = 0.759886 → "+0.70→+0.76"
"""

import json
import math
import re
from itertools import pairwise

import pytest

import engine
from components import palette
from components.network_view import LABELS_MAX_LAYER, LABELS_MAX_NEURONS, network_view, packed
from components.numbers import MINUS, num
from engine import ParamRef

L_DEFAULT = 2


def default():
    return engine.PRESETS["default"].state()


def walk(state):
    """The state at every phase of one training step: ready, forward 1 … L, loss, backward L … 1, update."""
    states = [state]
    for _ in range(state.cursor.n_phases):
        states.append(engine.advance(states[-1]))
    return states


def delta_text(node):
    """The δ number under a neuron ("δ −0.098"), without any arrow drawn beside it."""
    return " ".join(node["sub"].split()[:2])


def by_id(view):
    return {n["id"]: n for n in view["nodes"]}, {e["id"]: e for e in view["edges"]}


@pytest.fixture(scope="module")
def steps():
    """(state, view) for ready and each of the six phases of the default lesson."""
    return [(s, network_view(s)) for s in walk(default())]


def phase_of(steps, index):
    """The cursor index of each phase: −1 ready, 0 forward 1, 1 forward 2, 2 loss, 3 backward 2,
    4 backward 1, 5 update."""
    state, view = steps[index + 1]
    assert state.cursor.index == index
    return state, view


def test_the_walk_visits_every_phase_in_order(steps):
    assert [v["phase"] for _, v in steps] == ["ready", "forward", "forward", "loss", "backward", "backward", "update"]


def test_ready_shows_only_the_input(steps):
    _, view = phase_of(steps, -1)
    nodes, edges = by_id(view)
    assert view["labels"] is True  # 5 neurons, at most 2 in a layer: small enough for numbers
    assert (nodes["n0-0"]["text"], nodes["n0-1"]["text"]) == ("1.00", "0.50")
    for nid in ("n1-0", "n1-1", "n2-0"):
        assert nodes[nid]["text"] == "?"
        assert nodes[nid]["known"] is False and nodes[nid]["level"] == 0.0
        assert "not computed yet" in nodes[nid]["tip"]
    assert all(n["sub"] == "" and n["arrow"] == "" and n["ring"] == 0.0 for n in view["nodes"])
    assert all(e["grad"] == "" and e["flow"] == "" and e["blame"] == 0.0 for e in view["edges"])
    # Before any pass the edges show today's weights, two decimals, signed.
    assert [edges[k]["label"] for k in ("W1[0,0]", "W1[0,1]", "W2[0,1]")] == ["+0.50", f"{MINUS}0.30", f"{MINUS}0.40"]
    assert view["output"]["lines"] == ["target 1.000"]  # the target only: no output yet
    assert view["output"]["loss"] is False


def test_forward_1_shows_the_hidden_activations(steps):
    state, view = phase_of(steps, 0)
    nodes, _ = by_id(view)
    a1 = engine.example_passes(state).fwd.a[1][0]
    # σ(0.45) = 0.610639, σ(0.5) = 0.622459
    assert a1 == pytest.approx([0.610639, 0.622459], abs=1e-6)
    assert [nodes["n1-0"]["text"], nodes["n1-1"]["text"]] == [num(float(a), digits=2) for a in a1] == ["0.61", "0.62"]
    assert nodes["n1-0"]["known"] is True and nodes["n1-0"]["level"] == pytest.approx(0.611, abs=1e-3)
    assert "z = Σ w·a + b = +0.450" in nodes["n1-0"]["tip"]
    assert nodes["n2-0"]["text"] == "?"
    assert all(n["sub"] == "" for n in view["nodes"])
    assert view["output"]["lines"] == ["target 1.000"]  # the output is not computed yet


def test_forward_2_shows_the_output(steps):
    state, view = phase_of(steps, 1)
    nodes, _ = by_id(view)
    o = float(engine.example_passes(state).fwd.a[2][0, 0])
    assert o == pytest.approx(0.593503, abs=1e-6)  # σ(0.378464)
    assert nodes["n2-0"]["text"] == num(o, digits=2) == "0.59"
    text = "\n".join(view["output"]["lines"])
    assert "o₁ = 0.594" in text and "target 1.000" in text
    assert "loss" not in text and "error" not in text
    assert all(n["sub"] == "" for n in view["nodes"])


def test_loss_phase_adds_the_error_and_the_loss(steps):
    state, view = phase_of(steps, 2)
    loss = engine.example_passes(state).bwd.loss
    assert loss == pytest.approx(0.082620, abs=1e-6)  # ½(1 − 0.593503)²
    lines = view["output"]["lines"]
    assert f"loss C = {num(loss)}" in lines
    assert "loss C = 0.083" in lines
    assert f"o₁ − t = {MINUS}0.406" in lines  # 0.593503 − 1
    assert view["output"]["loss"] is True
    assert all(n["sub"] == "" for n in view["nodes"])  # no blame before the backward pass
    assert all(e["grad"] == "" for e in view["edges"])


def test_backward_at_the_output_reveals_its_delta_and_the_last_layer_gradients(steps):
    state, view = phase_of(steps, 3)
    nodes, edges = by_id(view)
    p = engine.example_passes(state)
    d2 = float(p.bwd.delta[2][0, 0])
    assert d2 == pytest.approx(-0.098070, abs=1e-6)  # (0.593503 − 1)·0.593503·0.406497
    assert delta_text(nodes["n2-0"]) == f"δ {num(d2, True)}" == f"δ {MINUS}0.098"
    assert nodes["n2-0"]["arrow"] == "▲"  # δ < 0: raising z lowers the loss
    assert nodes["n1-0"]["sub"] == nodes["n1-1"]["sub"] == ""
    for j in range(2):
        a_in = float(p.fwd.a[1][0, j])
        g = a_in * d2  # ∂C/∂w = a_in · δ_out, multiplied here by hand
        assert g == pytest.approx(float(p.bwd.grad_W[2][0, j]), abs=1e-15)
        assert edges[f"W2[0,{j}]"]["grad"] == f"∂ {num(g, True, 3)}"
        assert edges[f"W1[{j},0]"]["grad"] == ""  # the blame has not reached layer 1 yet
    # 0.610639 · (−0.098070) = −0.059886; 0.622459 · (−0.098070) = −0.061045
    assert [edges["W2[0,0]"]["grad"], edges["W2[0,1]"]["grad"]] == [f"∂ {MINUS}0.060", f"∂ {MINUS}0.061"]


def test_backward_at_layer_1_reveals_every_delta_and_gradient(steps):
    state, view = phase_of(steps, 4)
    nodes, edges = by_id(view)
    p = engine.example_passes(state)
    d1 = p.bwd.delta[1][0]
    assert d1 == pytest.approx([-0.016322, 0.009219], abs=1e-6)
    assert [delta_text(nodes["n1-0"]), delta_text(nodes["n1-1"])] == [f"δ {MINUS}0.016", "δ +0.009"]
    assert [nodes["n1-0"]["arrow"], nodes["n1-1"]["arrow"]] == ["▲", "▼"]
    x = p.fwd.a[0][0]  # (1, 0.5)
    for i in range(2):
        for j in range(2):
            g = float(x[j]) * float(d1[i])  # e.g. ∂C/∂W1[0,1] = 0.5 · (−0.016322) = −0.008161
            assert g == pytest.approx(float(p.bwd.grad_W[1][i, j]), abs=1e-15)
            assert edges[f"W1[{i},{j}]"]["grad"] == f"∂ {num(g, True, 3)}"
            assert f"= {num(g, True)}" in edges[f"W1[{i},{j}]"]["tip"]
    assert [edges[k]["grad"] for k in ("W1[0,0]", "W1[0,1]", "W1[1,0]", "W1[1,1]")] == [
        f"∂ {MINUS}0.016", f"∂ {MINUS}0.008", "∂ +0.009", "∂ +0.005"]
    # Rings on the absolute scale: 1.5 + 10.5·log10(|δ|/0.001)/log10(300).
    assert nodes["n2-0"]["ring"] == pytest.approx(1.5 + 10.5 * math.log10(98.070) / math.log10(300), abs=0.01)
    assert nodes["n1-0"]["ring"] == pytest.approx(1.5 + 10.5 * math.log10(16.322) / math.log10(300), abs=0.01)


@pytest.mark.parametrize("index, flowing, kind", [
    (-1, set(), ""),
    (0, {1}, "forward"),  # the signal has just reached layer 1: edges into it
    (1, {2}, "forward"),
    (2, set(), ""),  # loss: nothing travels
    (3, set(), ""),  # blame reaches the output: it has no outgoing edges
    (4, {2}, "backward"),  # blame reaches layer 1 along the edges out of layer 1 (W2)
    (5, {1, 2}, "update"),
])
def test_flow_runs_on_exactly_the_active_layer(steps, index, flowing, kind):
    _, view = phase_of(steps, index)
    for e in view["edges"]:
        layer = ParamRef.parse(e["id"], default().spec).layer
        assert e["flow"] == (kind if layer in flowing else ""), e["id"]


def test_update_labels_read_the_new_weight_and_its_step(steps):
    state, view = phase_of(steps, 5)
    _, edges = by_id(view)
    before, after = state.last_update.params_before, state.params
    assert before == default().params
    grads = engine.example_passes(state, before).bwd.grad_W
    for ref in engine.all_refs(state.spec):
        if ref.kind != "W":
            continue
        w0, w1 = ref.get(before), ref.get(after)
        assert w1 == pytest.approx(w0 - 1.0 * ref.gradient(grads, grads), abs=1e-12)  # sgd, η = 1
        assert edges[str(ref)]["label"] == num(w1, True, 2)
        assert edges[str(ref)]["grad"] == f"Δ {num(w1 - w0, True, 3)}"
    assert (edges["W2[0,0]"]["label"], edges["W2[0,0]"]["grad"]) == ("+0.76", "Δ +0.060")  # 0.7 + 0.059886
    assert (edges["W2[0,1]"]["label"], edges["W2[0,1]"]["grad"]) == (f"{MINUS}0.34", "Δ +0.061")  # −0.4 + 0.061045
    assert "moved +0.060" in edges["W2[0,0]"]["tip"]


def test_update_keeps_showing_the_pass_that_led_to_it(steps):
    _, before_view = phase_of(steps, 4)
    state, view = phase_of(steps, 5)
    assert [n["text"] for n in view["nodes"]] == [n["text"] for n in before_view["nodes"]]
    assert [n["sub"] for n in view["nodes"]] == [n["sub"] for n in before_view["nodes"]]
    after = engine.example_passes(state).bwd.loss
    assert after == pytest.approx(0.066137, abs=1e-6)
    lines = view["output"]["lines"]
    assert "loss C = 0.083" in lines  # the loss of the pass on show, before the update
    assert lines[-1] == f"C after update = {num(after)}" and num(after) == "0.066"


def test_after_the_update_the_next_forward_uses_the_new_weights(steps):
    state, _ = steps[-1]
    nxt = network_view(engine.advance(state))
    nodes, edges = by_id(nxt)
    a1 = engine.example_passes(engine.advance(state)).fwd.a[1][0]
    assert nodes["n1-0"]["text"] == num(float(a1[0]), digits=2)
    assert nodes["n2-0"]["text"] == "?"
    assert edges["W2[0,0]"]["label"] == "+0.76"


def test_widths_grow_with_the_weight_and_sign_is_colour_and_dash(steps):
    for state, view in steps:
        pairs = []
        for e in view["edges"]:
            w = ParamRef.parse(e["id"], state.spec).get(state.params)
            pairs.append((abs(w), e["width"]))
            assert e["width"] == pytest.approx(min(12.0, 1.2 + 3.0 * abs(w)), abs=0.006)
            if w < 0:
                assert (e["colour"], e["dash"]) == (palette.NEGATIVE, "8 5")
            else:
                assert (e["colour"], e["dash"]) == (palette.POSITIVE, "")
        pairs.sort()
        assert all(w1 <= w2 for (_, w1), (_, w2) in pairwise(pairs))
    _, edges = by_id(steps[0][1])
    # 1.2 + 3·0.2 = 1.8; 1.2 + 3·0.5 = 2.7; 1.2 + 3·0.8 = 3.6
    assert [edges[k]["width"] for k in ("W1[1,0]", "W1[0,0]", "W1[1,1]")] == [1.8, 2.7, 3.6]
    assert {edges[k]["dash"] for k in ("W1[0,1]", "W2[0,1]")} == {"8 5"}


def test_a_large_network_has_hover_tips_but_no_labels():
    states = walk(engine.PRESETS["deep_sigmoid"].state())
    for state in states:
        view = network_view(state)
        assert max(state.spec.sizes) > LABELS_MAX_LAYER or sum(state.spec.sizes) > LABELS_MAX_NEURONS
        assert view["labels"] is False
        assert len(view["nodes"]) == 2 + 5 * 6 + 1
        assert len(view["edges"]) == 2 * 6 + 4 * 6 * 6 + 6 * 1
        assert all(n["sub"] == "" for n in view["nodes"])  # no δ labels
        # the inputs and the output always show their values (hidden ones in presentation mode)
        assert all(n["text"] for n in view["nodes"] if n["id"].startswith(("n0-", "n6-")))
        assert all(e["label"] == "" and e["grad"] == "" for e in view["edges"])
        assert all(n["tip"] and n["aria"] for n in view["nodes"])
        assert all(e["tip"] for e in view["edges"])
    # The tips carry the live numbers: at the last backward phase every a, δ and ∂C/∂w is there.
    state = states[-2]
    view = network_view(state)
    p = engine.example_passes(state)
    nodes, edges = by_id(view)
    for l in range(1, state.spec.n_layers + 1):
        for i in range(state.spec.sizes[l]):
            tip = nodes[f"n{l}-{i}"]["tip"]
            assert num(float(p.fwd.a[l][0, i])) in tip
            assert f"δ = ∂C/∂z = {num(float(p.bwd.delta[l][0, i]), True)}" in tip
    for ref in engine.all_refs(state.spec):
        if ref.kind == "W":
            assert f"= {num(ref.gradient(p.bwd.grad_W, p.bwd.grad_b), True)}" in edges[str(ref)]["tip"]
            assert f"= {num(ref.get(state.params), True)}" in edges[str(ref)]["tip"]


@pytest.mark.parametrize("name", list(engine.PRESETS))
def test_no_nan_and_ids_are_unique_and_parse(name):
    for state in walk(engine.PRESETS[name].state()):
        view = network_view(state)
        text = json.dumps(view, allow_nan=False)  # plain JSON: no NumPy types, no NaN or inf
        assert "NaN" not in text and not re.search(r"\b(nan|inf)\b", text)  # nor as formatted text
        node_ids = [n["id"] for n in view["nodes"]]
        edge_ids = [e["id"] for e in view["edges"]]
        assert len(set(node_ids)) == len(node_ids) == sum(state.spec.sizes)
        assert len(set(edge_ids)) == len(edge_ids)
        assert {str(ParamRef.parse(e, state.spec)) for e in edge_ids} == set(edge_ids)
        assert set(edge_ids) == {str(r) for r in engine.all_refs(state.spec) if r.kind == "W"}


def test_extreme_weights_still_give_finite_json():
    # Weights at ±1e5 saturate every sigmoid: δ underflows to 0, rings and blame must not divide by zero.
    state = default()
    for ref in engine.all_refs(state.spec):
        state = state.replace(params=ref.set(state.params, 1e5 if ref.row == 0 else -1e5))
    for s in walk(state):
        text = json.dumps(network_view(s), allow_nan=False)
        assert "NaN" not in text and not re.search(r"\b(nan|inf)\b", text)


def strip(items, words=("tip", "aria")):
    return [{k: v for k, v in item.items() if k not in words} for item in items]


def test_a_view_without_tooltips_carries_the_same_picture():
    # Step's next phase comes without tooltips (most of their bytes), and a Play tick without what a
    # screen reader says too; everything drawn is the same.
    state = engine.full_step(engine.PRESETS["deep_sigmoid"].state())
    full = network_view(state)
    ahead = network_view(state, geometry=False, tips=False)
    light = network_view(state, geometry=False, tips=False, aria=False)
    assert light["geometry"] is None and full["geometry"]["key"] == light["key"]
    assert all("tip" not in e for e in ahead["edges"]) and all("tip" not in n for n in ahead["nodes"])
    assert strip(full["edges"], ("tip",)) == ahead["edges"] and strip(full["nodes"], ("tip",)) == ahead["nodes"]
    assert strip(full["edges"]) == light["edges"] and strip(full["nodes"]) == light["nodes"]
    # The words a screen reader says are the tooltip's first line (and a neuron's activation).
    assert all(e["aria"] == e["tip"].split("\n")[0] for e in full["edges"])
    assert full["nodes"][2]["aria"].startswith("h₁,₁ — hidden 1 layer, neuron 1, activation 0.")
    assert len(json.dumps(light, ensure_ascii=False)) < len(json.dumps(full, ensure_ascii=False)) / 2
    assert len(json.dumps(ahead, ensure_ascii=False)) < len(json.dumps(full, ensure_ascii=False)) * 0.6


def test_with_weight_decay_the_edge_tooltip_adds_lambda_w():
    from dataclasses import replace

    state = engine.PRESETS["default"].state()
    state = state.replace(train=replace(state.train, weight_decay=0.1))
    for _ in range(5):  # every gradient known
        state = engine.advance(state)
    p = engine.example_passes(state)
    tip = next(e["tip"] for e in network_view(state)["edges"] if e["id"] == "W1[0,0]")
    a_in, delta, w = 1.0, float(p.bwd.delta[1][0, 0]), 0.5
    g = float(p.bwd.grad_W[1][0, 0])
    assert g == pytest.approx(a_in * delta + 0.1 * w, rel=1e-12)  # the gradient the edge shows includes λw
    assert f"∂C/∂w = a_in · δ_out + λw = 1.000 × {num(delta, True)} + 0.100 × +0.500 = {num(g, True)}" in tip


def test_a_big_network_changes_its_strokes_at_once_a_small_one_eases_them():
    from app.links import state_from_query
    from components.network_view import EASED_EDGES, network_geometry

    small = engine.PRESETS["default"].state().spec  # 6 edges
    big = state_from_query("?lesson=circle&hidden=8,8,8,8,8,8").state.spec  # 2·8 + 5·64 + 8 = 344 edges
    assert len(network_geometry(small)["edges"]) == 6 and network_geometry(small)["eased"] is True
    assert len(network_geometry(big)["edges"]) == 344 > EASED_EDGES and network_geometry(big)["eased"] is False


def unpacked(picture: dict, view: dict) -> dict:
    """What assets/network.js (unpacked) does with a packed picture, given the answer's own view."""
    def rows(columns, like):
        return [{"id": item["id"], **{k: v[i] if isinstance(v, list) else v for k, v in columns.items()}}
                for i, item in enumerate(like)]
    return {**picture, "nodes": rows(picture["nodes"], view["nodes"]), "edges": rows(picture["edges"], view["edges"])}


def test_a_packed_picture_reads_back_as_the_view_in_a_fifth_of_the_bytes():
    from app.links import state_from_query

    state = state_from_query("?lesson=circle&hidden=8,8,8,8,8,8").state
    answer = network_view(engine.train_steps(state, 30), geometry=False, tips=False, aria=False)
    for moment in (engine.train_steps(state, 10), engine.advance(state)):
        view = network_view(moment, geometry=False, tips=False, aria=False)
        small = packed(view)
        # Read back against another picture of the same shape (the answer's own): the same picture.
        assert unpacked(small, answer) == view
        assert len(json.dumps(small, ensure_ascii=False)) < len(json.dumps(view, ensure_ascii=False)) / 3
    # A field the same on every edge is sent once: before the backward phase no edge has a gradient.
    before = packed(network_view(engine.advance(state), geometry=False, tips=False, aria=False))
    assert before["edges"]["grad"] == "" and isinstance(before["edges"]["width"], list)
    assert len(before["edges"]["width"]) == 344


# ---------------------------------------------------------------- several classes: a softmax output


def three_classes():
    return engine.PRESETS["three_classes"].state()


def softmax_by_hand(z):
    e = [math.exp(v) for v in z]
    return [v / sum(e) for v in e]


def test_each_softmax_output_has_a_row_with_its_class_and_its_probability():
    # 2-6-6-3, tanh then softmax, on three spiral arms A, B, C: every row names its class and shows
    # its p, which is the engine's softmax output: e^z_k / Σ e^z, adding up to 1.
    for state in walk(three_classes()):
        view = network_view(state)
        out, L = view["output"], state.spec.n_layers
        # after the update the picture still shows the pass that led to it
        p = engine.example_passes(state, state.last_update.params_before if view["phase"] == "update" else None)
        z, probs, t = p.fwd.z[L][0], p.fwd.a[L][0], p.y[0]
        assert list(probs) == pytest.approx(softmax_by_hand(z), abs=1e-12) and sum(probs) == pytest.approx(1.0)
        assert state.data.class_names() == ("A", "B", "C") and out["marks"] is True
        assert list(t).count(1.0) == 1 and out["target"] == list(t).index(1.0)  # one-hot: the example's class
        nodes, _ = by_id(view)
        for k, (name, (first, second)) in enumerate(zip("ABC", out["rows"])):
            known = state.cursor.revealed().forward_to == L
            assert first == (f"p({name}) = {num(float(probs[k]))}" if known else f"p({name})")
            assert nodes[f"n{L}-{k}"]["text"] == (num(float(probs[k]), digits=2) if known else "?")  # as any a
            target = "1" if k == out["target"] else "0"
            error = f", p − t = {num(float(probs[k] - t[k]), True)}" if out["loss"] else ""
            assert second == f"t = {target}{error}"
        assert out["lines"] == [line for line in out["lines"] if line.startswith(("loss C", "C after"))]


def test_three_classes_at_the_loss_by_hand():
    state = three_classes()
    for _ in range(state.spec.n_layers + 1):  # to the loss phase
        state = engine.advance(state)
    out = network_view(state)["output"]
    # The engine's p = (0.309, 0.268, 0.423) for the first example of class C: the rows read
    # p − t = +0.309, +0.268 and 0.423 − 1 = −0.577; the loss is −ln 0.423 = 0.861.
    assert out["rows"] == [["p(A) = 0.309", "t = 0, p − t = +0.309"], ["p(B) = 0.268", "t = 0, p − t = +0.268"],
                           ["p(C) = 0.423", "t = 1, p − t = −0.577"]]
    assert out["target"] == 2 and out["lines"] == ["loss C = 0.861"]
    assert math.log(1 / 0.423) == pytest.approx(0.861, abs=1e-3)


def test_the_rows_marks_colours_and_places_come_once_with_the_shape():
    from components.network_view import CLASS_MARKS, network_geometry

    state = three_classes()
    geometry = network_geometry(state.spec)
    rows = geometry["output"]["rows"]
    assert [r["mark"].strip() for r in rows] == ["●", "■", "◆"] == list(CLASS_MARKS[:3])  # the data chart's marks
    assert [r["colour"] for r in rows] == list(palette.CLASS_COLOURS[:3])
    outputs = [n for n in geometry["nodes"] if n["id"].startswith("n3-")]
    for row, node in zip(rows, outputs, strict=True):
        # beside its own neuron, right of it, its two lines around the neuron's height
        assert row["x"] > node["x"] + node["r"]
        assert row["y"] < node["y"] < row["y"] + geometry["line"]
        assert node["name"] == ""  # the row names it: a name above would sit on the neuron above
    # A picture carries the rows' words only: no marks, colours or places, in every packed picture.
    view = packed(network_view(engine.full_step(state), geometry=False, tips=False, aria=False))
    assert set(view["output"]) == {"x", "y", "lines", "loss", "rows", "target", "marks"}
    assert "●" not in json.dumps(view, ensure_ascii=False)
    assert len(json.dumps(view, ensure_ascii=False).encode()) < 4_000


def test_four_classes_have_four_rows_with_four_marks():
    from app.links import state_from_query

    state = engine.full_step(state_from_query("?lesson=three_classes&data=blobs4").state)
    view = network_view(state)
    assert state.spec.sizes[-1] == 4 and state.data.class_names() == ("A", "B", "C", "D")
    assert [first.split(" = ")[0] for first, _ in view["output"]["rows"]] == ["p(A)", "p(B)", "p(C)", "p(D)"]
    probs = [float(first.split(" = ")[1]) for first, _ in view["output"]["rows"]]
    assert sum(probs) == pytest.approx(1.0, abs=2e-3)  # four numbers of three decimals
    assert [r["colour"] for r in view["geometry"]["output"]["rows"]] == list(palette.CLASS_COLOURS)


def test_a_softmax_outputs_tooltip_works_its_probability_out_and_its_delta_is_p_minus_t():
    state = three_classes()
    for _ in range(state.spec.n_layers + 2):  # to the output's blame
        state = engine.advance(state)
    nodes, _ = by_id(network_view(state))
    p = engine.example_passes(state)
    z, probs = p.fwd.z[3][0], p.fwd.a[3][0]
    e = [math.exp(v) for v in z]
    tip = nodes["n3-1"]["tip"].split("\n")
    assert tip[0] == "o₂ — output layer, class B"
    assert tip[2] == "Σ e^z = " + " + ".join(f"e^{num(float(v), digits=2)}" for v in z) + " = " \
        + " + ".join(num(v) for v in e) + f" = {num(sum(e))}"
    assert tip[3] == f"p(B) = softmax(z)₂ = e^z₂ / Σ e^z = {num(e[1])} / {num(sum(e))} = {num(float(probs[1]))}"
    # B is not the example's class (C): t = 0, and δ = p − t is p itself.
    delta = float(p.bwd.delta[3][0, 1])
    assert delta == pytest.approx(float(probs[1]), abs=1e-12)
    assert tip[4] == f"δ = ∂C/∂z = p − t = {num(float(probs[1]))} − 0 = {num(delta, True)}  (its share of the blame)"
    assert f"− 1 = {num(float(p.bwd.delta[3][0, 2]), True)}" in nodes["n3-2"]["tip"]
    assert nodes["n3-2"]["aria"].startswith("o₃ — output layer, class C, activation ")


def test_a_softmax_tooltip_stays_finite_where_e_to_the_z_overflows():
    state = three_classes()
    state = state.replace(params=engine.ParamRef("b", 3, 0).set(state.params, 900.0))  # e^900 is inf
    for _ in range(state.spec.n_layers + 2):
        state = engine.advance(state)
    view = network_view(state)
    text = json.dumps(view, allow_nan=False, ensure_ascii=False)
    assert not re.search(r"\binf\b", text) and "= —" not in view["nodes"][-3]["tip"]  # num's word for inf
    assert "Σ e^(z − 9" in view["nodes"][-3]["tip"]  # each e^z as e^(z − max z), which cancels
    assert view["output"]["rows"][0][0] == "p(A) = 1.000"


def test_a_softmax_on_a_target_of_several_classes_says_its_delta_is_p_sum_t_minus_t():
    # A target of mass Σt = 0.5, (0.2, 0.3), after a softmax: δ = p·Σt − t (engine/losses.py), not p − t;
    # the worked example names no classes, so its outputs are neurons 1 and 2.
    import dataclasses

    base = engine.PRESETS["worked_example"].state()
    spec = dataclasses.replace(base.spec, activations=("sigmoid", "softmax"), loss="cross_entropy")
    state = base.replace(spec=spec, data=dataclasses.replace(base.data, y=((0.2, 0.3),)))
    state = engine.advance(engine.advance(engine.advance(engine.advance(state))))  # the output's blame
    nodes, _ = by_id(network_view(state))
    p = engine.example_passes(state)
    assert "δ = ∂C/∂z = p·Σt − t = " in nodes["n2-0"]["tip"]
    assert nodes["n2-0"]["tip"].endswith(f"= {num(float(p.bwd.delta[2][0, 0]), True)}  (its share of the blame)")
    assert nodes["n2-0"]["tip"].split("\n")[0] == "o₁ — output layer, neuron 1"  # no classes named


@pytest.mark.parametrize("lesson", ["default", "worked_example", "circle", "local_minimum", "overfitting",
                                    "deep_sigmoid"])
def test_one_or_two_outputs_keep_their_box_and_names(lesson):
    # Binary and regression lessons look as before: the output box under or beside the outputs,
    # their names o₁ (o₂) above them, no rows.
    from components.network_view import network_geometry

    state = engine.PRESETS[lesson].state()
    geometry = network_geometry(state.spec)
    assert set(geometry["output"]) == {"x", "y"}
    L = state.spec.n_layers
    assert [n["name"] for n in geometry["nodes"] if n["id"].startswith(f"n{L}-")] == \
        [f"o{'₁₂'[k]}" for k in range(state.spec.sizes[-1])]
    for moment in walk(state):
        view = network_view(moment)
        assert set(view["output"]) == {"x", "y", "lines", "loss"}
        t = engine.example_passes(moment).y[0]
        assert [line for line in view["output"]["lines"] if line.startswith("target")] == \
            [f"target {num(float(v))}" for v in t]
        assert view["nodes"][-1]["aria"].startswith(f"o{'₁₂'[state.spec.sizes[-1] - 1]} — output layer, neuron ")
