"""Nothing NaN or infinite is ever drawn, whatever state training reaches.

A property test over extreme states: weights up to ±10⁶ (the limit), learning rates up to the
largest allowed, every activation, loss and optimizer, a single example, constant inputs or
labels, data values up to 10⁶. A few full steps (which may diverge or pause), then everything the
page draws from the state (app/callbacks.py `drawing`, app/panels.py, app/maths.py, with the same
arguments) is walked: every number must be finite and no text may read "nan" or "inf".
"""

import math
import re
from itertools import pairwise

import numpy as np
from dash.development.base_component import Component
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from components import blame, charts, equations
from components import landscape_charts as lc
from components.network_view import network_view
from components.readouts import counters_text, example_note, numbers_panel
from engine import ACTIVATIONS, LOSSES, OPTIMIZERS, DataSpec, LabState, NetworkSpec, TrainConfig, limits
from engine.activations import HIDDEN_ACTIVATIONS
from engine.network import Params
from engine.surface import Surface, surface

# As app/panels.py draws them.
SLICE_HALF_WIDTH, SLICE_POINTS, GRID_POINTS, GRID_HALF_WIDTH = 4.0, 121, 41, 3.0

NOT_A_NUMBER = re.compile(r"\b(nan|inf|infinity)\b", re.IGNORECASE)


def bad_values(value, where="figure"):
    """Every non-finite number and every text that reads nan/inf in a nested figure, view or component."""
    if isinstance(value, Component):
        value = value.to_plotly_json()
    if isinstance(value, dict):
        return [bad for k, v in value.items() for bad in bad_values(v, f"{where}.{k}")]
    if isinstance(value, (list, tuple)):
        return [bad for i, v in enumerate(value) for bad in bad_values(v, f"{where}[{i}]")]
    if isinstance(value, np.ndarray):
        return bad_values(value.tolist(), where)
    if isinstance(value, (bool, np.bool_)) or value is None:
        return []
    if isinstance(value, (int, float, np.integer, np.floating)):
        return [] if math.isfinite(value) else [(where, value)]
    if isinstance(value, str):
        return [(where, value)] if NOT_A_NUMBER.search(value) else []
    return []


VALUE = st.one_of(st.floats(-3, 3), st.sampled_from([0.0, 1e3, -1e3, limits.MAX_ABS_VALUE, -limits.MAX_ABS_VALUE]))


@st.composite
def extreme_states(draw):
    loss = draw(st.sampled_from(sorted(LOSSES)))
    # A softmax output (only after cross-entropy, and only there) shares a probability among 2 or more classes.
    several = bool(LOSSES[loss].output) and ACTIVATIONS[LOSSES[loss].output].output_only
    n_in, n_out = draw(st.integers(1, 2)), draw(st.integers(2 if several else 1, 3 if several else 2))
    hidden = draw(st.lists(st.integers(1, 3), max_size=2))
    sizes = (n_in, *hidden, n_out)
    acts = tuple(draw(st.sampled_from(sorted(HIDDEN_ACTIVATIONS))) for _ in sizes[1:])
    acts = (*acts[:-1], LOSSES[loss].output or acts[-1])  # BCE follows only a sigmoid output
    spec = NetworkSpec(sizes, acts, loss, "explicit")
    # Weights: ordinary, large, or at the limit, some exactly ±10⁶.
    scale = draw(st.sampled_from([0.5, 3.0, 1e3, limits.MAX_ABS_VALUE]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    W = [None] + [rng.uniform(-scale, scale, (m, n)) for n, m in pairwise(sizes)]
    b = [None] + [rng.uniform(-scale, scale, m) for m in sizes[1:]]
    if draw(st.booleans()):
        W[1][0, 0] = draw(st.sampled_from([-1.0, 1.0])) * limits.MAX_ABS_VALUE
    # Data: one to five rows; the inputs or the labels may all be the same.
    rows = draw(st.integers(1, 5))
    kind = "classification" if several else draw(st.sampled_from(["classification", "regression"]))
    if draw(st.booleans()):
        x = (tuple(draw(VALUE) for _ in range(n_in)),) * rows
    else:
        x = tuple(tuple(draw(VALUE) for _ in range(n_in)) for _ in range(rows))
    label = st.sampled_from([0.0, 1.0]) if kind == "classification" else VALUE
    if draw(st.booleans()):
        y = (tuple(draw(label) for _ in range(n_out)),) * rows
    else:
        y = tuple(tuple(draw(label) for _ in range(n_out)) for _ in range(rows))
    classes = ()
    if several:  # one-hot rows: each example one of n_out named classes
        labels = [draw(st.integers(0, n_out - 1)) for _ in range(rows)]
        y = tuple(tuple(float(k == c) for k in range(n_out)) for c in labels)
        classes = tuple("ABC"[:n_out])
    data = DataSpec("explicit", x=x, y=y, kind=kind, classes=classes,
                    test_fraction=draw(st.sampled_from([0.0, 0.5])))
    train = TrainConfig(
        optimizer=draw(st.sampled_from(sorted(OPTIMIZERS))),
        learning_rate=draw(st.sampled_from([1e-3, 0.5, 10.0, limits.MAX_LEARNING_RATE])),
        batch_size=draw(st.integers(1, 4)),
        weight_decay=draw(st.sampled_from([0.0, 0.1, limits.MAX_WEIGHT_DECAY])),
    )
    state = LabState("extreme", 0, spec, Params(tuple(W), tuple(b)), train, data,
                     example=draw(st.integers(0, rows - 1)))
    for _ in range(draw(st.integers(0, 3))):
        state = engine.full_step(state)
    # Stop part-way through the next batch's phases as often as at the end of an update.
    for _ in range(draw(st.integers(0, 2 * spec.n_layers + 1))):
        state = engine.advance(state)
    return state


def drawn(state) -> dict:
    """Everything the page draws from this state, by name."""
    data = engine.dataset(state.data)
    scores = engine.evaluate(state)
    n_train = data.x_train.shape[0]
    i = min(state.example, n_train - 1)
    L = state.spec.n_layers
    weights = [r for r in engine.all_refs(state.spec) if r.kind == "W"]
    rx, ry = weights[0], weights[min(1, len(weights) - 1)]
    if ry == rx:
        ry = next(r for r in engine.all_refs(state.spec) if r != rx)
    out = {
        "network": network_view(state),
        "next picture": network_view(engine.advance(state), geometry=False, tips=False),
        "phase": state.cursor.words(),
        "counters": counters_text(state),
        "numbers": numbers_panel(state, scores),
        "note": example_note(state, n_train, data.x_train[i], data.y_train[i], data.input_names),
        "history": charts.history_figure(state.history.entries),
        "banner": state.diverged,
    }
    for layer, neuron in ((L, 0), (1, 0)):
        surf = surface(state, 50 if data.raw_train.shape[1] == 2 else 100, layer, neuron)
        out[f"surface {layer}"] = lc.surface_figure(surf, data, state.example)
    # The whole output layer at once: the decision of several outputs (a softmax's classes).
    whole = surface(state, 50 if data.raw_train.shape[1] == 2 else 100, L, None)
    for discrete in (False, True):
        out[f"decision {discrete}"] = lc.surface_figure(whole, data, state.example, discrete=discrete)
    w = rx.get(state.params)
    s = engine.loss_slice(state, rx, np.linspace(w - SLICE_HALF_WIDTH, w + SLICE_HALF_WIDTH, SLICE_POINTS))
    out["slice"], out["slice note"] = lc.slice_figure(s), lc.slice_note(s)
    # The map with the descent path the page keeps: the weights before the last update, if any.
    path = [] if state.last_update is None else [[rx.get(state.last_update.params_before),
                                                  ry.get(state.last_update.params_before)]]
    points = path + [[rx.get(state.params), ry.get(state.params)]]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    g = engine.loss_grid(state, rx, ry,
                         np.linspace(min(xs) - GRID_HALF_WIDTH, max(xs) + GRID_HALF_WIDTH, GRID_POINTS),
                         np.linspace(min(ys) - GRID_HALF_WIDTH, max(ys) + GRID_HALF_WIDTH, GRID_POINTS))
    out["contour"], out["contour note"] = lc.contour_figure(g, path), lc.contour_note(g)
    out["equations"] = equations.equations_markdown(state, rx)
    out["blame"] = blame.blame_figure(state, rx.layer, rx.row)
    out["blame note"] = blame.blame_note(state, rx.layer, rx.row)
    out["layer blame"] = blame.layer_blame_figure(state)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extreme_states())
def test_nothing_drawn_is_nan_or_infinite(state):
    for name, thing in drawn(state).items():
        assert bad_values(thing, name) == []


def test_the_walker_finds_what_it_should():
    found = bad_values({"a": [1.0, float("nan")], "b": "x = inf", "hoverinfo": "skip", "c": "information",
                        "d": np.array([1.0, np.inf]), "e": [None, True, 2]})
    assert [where for where, _ in found] == ["figure.a[1]", "figure.b", "figure.d[1]"]


# Far out on a map or a slice the loss may overflow (the engine leaves those points inf): the
# figures leave gaps there and take their ranges from the finite points.


def test_a_slice_with_overflowed_points_draws_gaps_and_a_finite_range():
    ref = engine.ParamRef("W", 1, 0, 0)
    s = engine.LossSlice(ref, np.array([-1.0, 0.0, 1.0, 2.0]), np.array([np.inf, 0.5, 1.5, np.nan]), 0.0, 0.5, 1.0,
                         1.0)
    fig = lc.slice_figure(s)
    assert fig["data"][0]["y"] == [None, 0.5, 1.5, None]
    # Finite points span 0.5 … 1.5: the axis adds a tenth of that on each side.
    assert fig["layout"]["yaxis"]["range"] == [0.4, 1.6]
    assert bad_values(fig) == []


def test_a_map_and_a_surface_with_overflowed_points_draw_gaps():
    rx, ry = engine.ParamRef("W", 1, 0, 0), engine.ParamRef("b", 1, 0)
    loss = np.array([[1.0, np.inf], [2.0, 3.0]])
    g = engine.LossGrid(rx, ry, np.array([0.0, 1.0]), np.array([0.0, 1.0]), loss, (0.0, 0.0), (1.0, 0.0))
    fig = lc.contour_figure(g, [])
    assert fig["data"][0]["z"] == [[1.0, None], [2.0, 3.0]] and bad_values(fig) == []
    state = engine.presets.default_lesson()
    surf = surface(state, 2)
    values = np.array([[0.5, np.inf], [-2.0, 4.5e-309]])  # 4.5e-309 is subnormal: its rounding scale overflows
    shown = lc.surface_figure(Surface(surf.xs, surf.ys, values, 2, 0), engine.dataset(state.data), 0)
    assert shown["data"][0]["z"] == [[0.5, None], [-2.0, 0.0]]
    assert (shown["data"][0]["zmin"], shown["data"][0]["zmax"]) == (-2.0, 0.5)
    assert bad_values(shown) == []


def test_a_single_example_shows_no_test_loss():
    # The default lesson trains on its one example and tests on none: no test loss, no test curve.
    state = engine.train_steps(engine.presets.default_lesson(), 3)
    scores = engine.evaluate(state)
    labels = [item.children[1].children for item in numbers_panel(state, scores)]
    assert "Test loss" not in labels and "Train loss" in labels
    figure = charts.history_figure(state.history.entries)
    assert [trace["name"] for trace in figure["data"]] == ["train"]
    assert bad_values(drawn(state)) == []
