"""The loss map and slice equal the one-point route everywhere (hypothesis).

loss_grid computes only what the two varied parameters reach, neurons first and in chunks; whatever
the network, the pair of parameters or the chunking, every grid point must be the cost that
ParamRef.set followed by engine.cost gives on the training set.
"""

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import ParamRef, all_refs, landscape
from engine.losses import refusal

# How the two parameters sit in the network: each takes a different path through loss_grid.
RELATIONS = ("same neuron", "same layer", "different layers", "two biases", "any")


def related(refs, relation):
    pairs = [(a, b) for a in refs for b in refs if a != b]
    if relation == "same neuron":
        return [(a, b) for a, b in pairs if (a.layer, a.row) == (b.layer, b.row)]
    if relation == "same layer":
        return [(a, b) for a, b in pairs if a.layer == b.layer and a.row != b.row]
    if relation == "different layers":
        return [(a, b) for a, b in pairs if a.layer != b.layer]
    if relation == "two biases":
        return [(a, b) for a, b in pairs if a.kind == b.kind == "b"]
    return pairs


@st.composite
def lab_states(draw):
    n_in = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 8), min_size=0, max_size=3))
    loss = draw(st.sampled_from(tuple(engine.LOSSES)))
    out = draw(st.sampled_from([a for a in engine.ACTIVATIONS if not refusal(loss, a)]))  # BCE σ, cross-entropy softmax
    n_out = draw(st.integers(2 if engine.ACTIVATIONS[out].output_only else 1, 3))
    sizes = (n_in, *hidden, n_out)
    acts = (*(draw(st.sampled_from(engine.HIDDEN_ACTIVATIONS)) for _ in hidden), out)
    spec = engine.NetworkSpec(sizes, acts, loss, "uniform", init_scale=1.0)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    params = engine.init_params(spec, rng)
    params = engine.Params(params.W, (None,) + tuple(rng.uniform(-0.5, 0.5, b.shape) for b in params.b[1:]))
    rows = draw(st.integers(1, 30))
    x = rng.uniform(-1.5, 1.5, (rows, n_in))
    y = rng.uniform(0.05, 0.95, (rows, n_out)) if loss in ("bce", "cross_entropy") else rng.uniform(-1, 1, (rows, n_out))
    data = engine.DataSpec(
        name="explicit", x=tuple(map(tuple, x)), y=tuple(map(tuple, y)), test_fraction=0.0, kind="regression"
    )
    train = engine.TrainConfig(weight_decay=draw(st.sampled_from([0.0, 0.01, 0.3])))
    return engine.LabState("property", 0, spec, params, train, data)


def direct_cost(state, params):
    d = engine.dataset(state.data)
    return engine.cost(state.spec, params, d.x_train, d.y_train, state.train.weight_decay)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), state=lab_states(), relation=st.sampled_from(RELATIONS))
def test_every_grid_point_is_the_direct_cost(data, state, relation):
    pairs = related(all_refs(state.spec), relation) or related(all_refs(state.spec), "any")
    rx, ry = data.draw(st.sampled_from(pairs))
    value = st.floats(-4, 4, allow_nan=False)
    vx = np.array(data.draw(st.lists(value, min_size=2, max_size=7)))
    vy = np.array(data.draw(st.lists(value, min_size=2, max_size=7)))
    # None: the chunk size of the page; 1 float: one grid point per chunk; others: a short last chunk.
    chunk_floats = data.draw(st.sampled_from([None, 1, 300, 2000]))
    with mock.patch.object(landscape, "_CHUNK_FLOATS", chunk_floats or landscape._CHUNK_FLOATS):
        grid = engine.loss_grid(state, rx, ry, vx, vy)
        sl = engine.loss_slice(state, ry, vy)
    direct = np.array([[direct_cost(state, ry.set(rx.set(state.params, x), y)) for x in vx] for y in vy])
    np.testing.assert_allclose(grid.loss, direct, rtol=1e-10, atol=0)
    np.testing.assert_allclose(sl.loss, [direct_cost(state, ry.set(state.params, y)) for y in vy], rtol=1e-10, atol=0)
    assert sl.current_loss == pytest.approx(direct_cost(state, state.params), rel=1e-10)


@pytest.mark.parametrize("y_text", ["W1[0,1]", "b1[0]", "W2[0,0]"])
def test_a_huge_current_value_costs_no_digits(y_text):
    # Today W1[0,0] = 1e6. A linear network's cost near W1[0,0] = 0 is ~1; had the map added
    # (value − 1e6)·x to today's z ≈ 1e6, the result would keep only ~10 of its 16 digits.
    spec = engine.NetworkSpec((2, 2, 1), ("linear", "linear"), "squared_error", "explicit")
    params = engine.explicit_params(spec, [[[1e6, 0.3], [0.2, -0.4]], [[0.7, 0.5]]], [[0.1, -0.1], [0.2]])
    data = engine.DataSpec(name="explicit", x=((0.3, 0.5), (-0.7, 0.2)), y=((1.0,), (0.0,)), test_fraction=0.0)
    state = engine.LabState("huge", 0, spec, params, engine.TrainConfig(batch_size=2), data)
    rx, ry = ParamRef.parse("W1[0,0]", spec), ParamRef.parse(y_text, spec)
    values = np.linspace(-1, 1, 5)
    grid = engine.loss_grid(state, rx, ry, values, values)
    direct = np.array([[direct_cost(state, ry.set(rx.set(params, x), y)) for x in values] for y in values])
    np.testing.assert_allclose(grid.loss, direct, rtol=1e-12)
