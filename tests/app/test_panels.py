"""app.panels as plain functions: the landscape panels show the engine's own numbers.

Issue 4's statement as unit tests: the descent path equals the engine's; the slice's slope at the
ball equals the backprop gradient; the contour's arrow equals the gradient; and the ball rolls by
exactly engine.descend's steps, sending only the ball (a Patch) while it rolls.

The default lesson's numbers by hand (see tests/engine/test_surface.py): with x = (1, 0.5), t = 1,
∂C/∂W1[0,0] = δ1₀·1 = −0.016322 and ∂C/∂W1[0,1] = δ1₀·0.5 = −0.008161, so one update with η = 1
moves (W1[0,0], W1[0,1]) from (0.5, −0.3) to (0.516322, −0.291839).
"""

import json
import math

import numpy as np
import pytest
from dash import Patch, no_update

import engine
from app import panels
from app.panels import BALL_OUTPUTS, _ball, contour_panel, descent_path, slice_panel, surface_panel
from components.landscape_charts import BALL, CURVE, TANGENT, TRAIL
from components.numbers import MINUS, num
from engine import LabInputError
from engine.surface import surface
from engine.toy_curves import CURVES, descend

PRESETS = ("default", "circle")


def preset(name):
    return engine.PRESETS[name].state()


def backward_done(state):
    """The state once the backward pass has reached layer 1: every slope revealed, no update yet."""
    while state.cursor.revealed().backward_from != 1:
        state = engine.advance(state)
    return state


def shape_of(state):
    return "-".join(map(str, state.spec.sizes))


def training_gradient(state):
    """∂C/∂W and ∂C/∂b over the whole training set, straight from the engine's passes."""
    data = engine.dataset(state.data)
    fwd = engine.forward(state.spec, state.params, data.x_train)
    bwd = engine.backward(state.spec, state.params, fwd, data.y_train, state.train.weight_decay)
    return bwd.grad_W, bwd.grad_b


def assert_shown(shown, exact, digits=4):
    """Within the rounding to `digits` significant figures the figures use to stay small."""
    np.testing.assert_allclose(np.array(shown, dtype=float), exact, rtol=0.5 * 10.0 ** (1 - digits) * (1 + 1e-9))


def finite_json(fig):
    return json.dumps(fig, allow_nan=False)


# --- descent_path ---


def follow(state, steps, name_x="W1[0,0]", name_y="W1[0,1]"):
    """Train step by step, calling descent_path after each update as the panels callback does."""
    path, pair = descent_path(state, {}, [], name_x, name_y, shape_of(state))
    keys = {"pair": pair, "step": state.counters.step}
    states = [state]
    for _ in range(steps):
        state = engine.full_step(state)
        states.append(state)
        path, pair = descent_path(state, keys, path, name_x, name_y, shape_of(state))
        keys = {"pair": pair, "step": state.counters.step}
    return path, pair, keys, states


def test_descent_path_starts_empty():
    state = preset("default")
    assert descent_path(state, {}, [], "W1[0,0]", "W1[0,1]", "2-2-1") == ([], ["W1[0,0]", "W1[0,1]", "2-2-1"])


def test_descent_path_by_hand():
    path, pair, _, _ = follow(preset("default"), 2)
    assert pair == ["W1[0,0]", "W1[0,1]", "2-2-1"]
    # One point per update: the weights before it.
    assert path[0] == [0.5, -0.3]
    assert path[1] == pytest.approx([0.516322, -0.291839], abs=1e-6)
    assert len(path) == 2


@pytest.mark.parametrize("name, refs", [("default", ("W1[0,0]", "W2[0,1]")), ("circle", ("W2[1,3]", "W3[0,2]"))])
def test_descent_path_is_the_engines(name, refs):
    path, _, _, states = follow(preset(name), 6, *refs)
    rx, ry = (engine.ParamRef.parse(r, states[0].spec) for r in refs)
    assert path == [[rx.get(s.params), ry.get(s.params)] for s in states[:-1]]
    assert path == [[rx.get(s.last_update.params_before), ry.get(s.last_update.params_before)] for s in states[1:]]


def test_descent_path_adds_nothing_without_a_new_update():
    path, pair, keys, states = follow(preset("default"), 2)
    assert descent_path(states[-1], keys, path, "W1[0,0]", "W1[0,1]", "2-2-1") == (path, pair)


def test_descent_path_resets_on_step_zero_or_a_new_pair():
    path, pair, keys, states = follow(preset("default"), 3)
    restarted = engine.reset(states[-1], states[0].params)
    assert descent_path(restarted, keys, path, "W1[0,0]", "W1[0,1]", "2-2-1") == ([], pair)
    new_pair = descent_path(states[-1], keys, path, "W1[0,0]", "W2[0,0]", "2-2-1")
    assert new_pair == ([], ["W1[0,0]", "W2[0,0]", "2-2-1"])
    new_shape = descent_path(states[-1], keys, path, "W1[0,0]", "W1[0,1]", "2-3-1")
    assert new_shape[0] == []


def test_descent_path_drops_what_is_not_a_point():
    path, _, keys, states = follow(preset("default"), 2)
    state = engine.full_step(states[-1])
    junk = path + [["a", "b"], [1.0], [True, 0.0], [math.nan, 1.0], [1e300, 0.0], "x", None]
    out, _ = descent_path(state, keys, junk, "W1[0,0]", "W1[0,1]", "2-2-1")
    assert out[:2] == path and len(out) == 3
    assert descent_path(state, keys, "garbage", "W1[0,0]", "W1[0,1]", "2-2-1")[0] == out[2:]


def test_descent_path_uses_the_maps_own_pair():
    # The same weight in both dropdowns: the map shows W1[0,0] against W1[0,1], so the path must too.
    path, pair, _, states = follow(preset("default"), 2, "W1[0,0]", "W1[0,0]")
    assert pair[:2] == ["W1[0,0]", "W1[0,1]"]
    assert path[0] == [0.5, -0.3]
    fig, _, rx, ry = contour_panel(states[-1], "W1[0,0]", "W1[0,0]", path)
    assert (rx, ry) == ("W1[0,0]", "W1[0,1]")
    assert fig["data"][1]["y"][:2] == [p[1] for p in path]


# --- slice_panel ---


@pytest.mark.parametrize("name, ref", [("default", "W2[0,0]"), ("default", "b1[1]"), ("circle", "W2[1,3]"),
                                       ("circle", "b3[0]")])
def test_slice_slope_at_the_ball_is_the_backprop_gradient(name, ref):
    state = backward_done(preset(name))
    fig, note, shown = slice_panel(state, ref)
    assert shown == ref
    r = engine.ParamRef.parse(ref, state.spec)
    w = r.get(state.params)
    gradient = r.gradient(*training_gradient(state))
    curve, ball, tangent = fig["data"]
    assert ball["x"] == [w]
    # The ball's height is the cost on the training set at today's weights.
    assert ball["y"][0] == pytest.approx(engine.cost(state.spec, state.params, engine.dataset(state.data).x_train,
                                                     engine.dataset(state.data).y_train), rel=1e-10)
    (x0, x1), (y0, y1) = tangent["x"], tangent["y"]
    assert (y1 - y0) / (x1 - x0) == pytest.approx(gradient, rel=1e-9, abs=1e-12)
    assert num(gradient, True, 5) in note and "central difference" in note
    # The slice spans the weight ± 4 and passes through the ball at its middle point.
    assert curve["x"][0] == pytest.approx(w - 4) and curve["x"][-1] == pytest.approx(w + 4)
    assert len(curve["x"]) == 121 and curve["y"][60] == pytest.approx(ball["y"][0], rel=1e-4)
    finite_json(fig)


def test_default_slice_by_hand():
    _, note, _ = slice_panel(backward_done(preset("default")), "W2[0,0]")
    # ∂C/∂W2[0,0] = (o − t)·o(1 − o)·a1₀ = −0.406497·0.241256·0.610639 = −0.059886
    assert f"backprop ∂C/∂w = {MINUS}0.05989" in note and f"central difference = {MINUS}0.05989" in note


def test_slice_of_an_unknown_parameter_falls_back_to_the_first_weight():
    fig, _, shown = slice_panel(preset("default"), "W9[9,9]")
    assert shown == "W1[0,0]" and fig["data"][1]["x"] == [0.5]
    assert slice_panel(preset("default"), ["W2[0,0]"])[2] == "W1[0,0]"


# --- contour_panel ---


@pytest.mark.parametrize("name, refs", [("default", ("W1[0,0]", "W1[0,1]")), ("default", ("W2[0,0]", "b2[0]")),
                                        ("circle", ("W1[2,1]", "W3[0,0]"))])
def test_contour_arrow_is_the_gradient(name, refs):
    state = backward_done(preset(name))
    fig, note, rx, ry = contour_panel(state, *refs, [])
    assert (rx, ry) == refs
    px, py = (engine.ParamRef.parse(r, state.spec) for r in refs)
    grad_W, grad_b = training_gradient(state)
    gx, gy = px.gradient(grad_W, grad_b), py.gradient(grad_W, grad_b)
    red = fig["layout"]["annotations"][2]
    assert (red["ax"], red["ay"]) == (px.get(state.params), py.get(state.params))
    d = np.array([red["x"] - red["ax"], red["y"] - red["ay"]])
    np.testing.assert_allclose(d / np.linalg.norm(d), -np.array([gx, gy]) / np.hypot(gx, gy), atol=1e-9)
    assert num(gx, True, 4) in note and num(gy, True, 4) in note
    finite_json(fig)


def test_default_contour_arrow_by_hand():
    fig, note, _, _ = contour_panel(backward_done(preset("default")), "W1[0,0]", "W1[0,1]", [])
    red = fig["layout"]["annotations"][2]
    # −∇C = (0.016322, 0.008161): right and up, half as steep.
    assert red["x"] > red["ax"] and (red["y"] - red["ay"]) / (red["x"] - red["ax"]) == pytest.approx(0.5)
    assert f"({MINUS}0.0163, {MINUS}0.0082)" in note


@pytest.mark.parametrize("name", PRESETS)
def test_contour_draws_the_descent_path_to_today(name):
    path, _, _, states = follow(preset(name), 4)
    state = states[-1]
    fig, _, _, _ = contour_panel(state, "W1[0,0]", "W1[0,1]", path)
    trail = fig["data"][1]
    engine_path = [s.params for s in states]
    assert trail["x"] == [p.W[1][0, 0] for p in engine_path]
    assert trail["y"] == [p.W[1][0, 1] for p in engine_path]
    # The map covers the whole path with 3 to spare on each side.
    assert fig["layout"]["xaxis"]["range"] == pytest.approx([min(trail["x"]) - 3, max(trail["x"]) + 3])
    assert fig["layout"]["yaxis"]["range"] == pytest.approx([min(trail["y"]) - 3, max(trail["y"]) + 3])
    finite_json(fig)


def test_contour_loss_is_the_engines_cost_at_a_grid_point():
    state = preset("default")
    fig, _, _, _ = contour_panel(state, "W1[0,0]", "W1[0,1]", [])
    contour = fig["data"][0]
    i, j = 7, 30
    x, y = contour["x"][j], contour["y"][i]
    params = engine.ParamRef.parse("W1[0,1]", state.spec).set(
        engine.ParamRef.parse("W1[0,0]", state.spec).set(state.params, x), y)
    d = engine.dataset(state.data)
    assert contour["z"][i][j] == pytest.approx(engine.cost(state.spec, params, d.x_train, d.y_train), rel=1e-4)


def test_contour_ignores_junk_in_the_path():
    state = preset("default")
    fig, _, _, _ = contour_panel(state, "W1[0,0]", "W1[0,1]", [["a", "b"], [1.0, 2.0], [None, 1], 7])
    assert fig["data"][1]["x"] == [1.0, 0.5] and fig["data"][1]["y"] == [2.0, -0.3]
    assert contour_panel(state, "W1[0,0]", "W1[0,1]", "junk")[0]["data"][1]["x"] == [0.5]


# --- surface_panel ---


@pytest.mark.parametrize("name", PRESETS)
def test_surface_is_the_forward_pass_over_the_plane(name):
    state = preset(name)
    fig, caption = surface_panel(state, None)
    heatmap = fig["data"][0]
    surf = surface(state, 50)
    assert_shown(heatmap["z"], surf.values)
    # One grid point, by the forward pass alone.
    i, j = 13, 41
    out = engine.forward(state.spec, state.params, np.array([[surf.xs[j], surf.ys[i]]])).output[0, 0]
    assert heatmap["z"][i][j] == pytest.approx(out, rel=5e-4)
    assert caption.startswith("The output o₁")
    assert any(t.get("name") == "on show" for t in fig["data"])
    finite_json(fig)


def test_default_surface_at_the_example_by_hand():
    # The single example (1, 0.5) is the middle of a grid spanning it ± 1; with 50 points it falls between
    # points 24 and 25 of each axis, so check the engine's own 3-point grid instead: o = 0.593503 there.
    assert surface(preset("default"), 3).values[1, 1] == pytest.approx(0.593503, abs=1e-6)
    fig, _ = surface_panel(preset("default"), None)
    assert fig["data"][0]["x"][0] == 0.0 and fig["data"][0]["x"][-1] == 2.0


@pytest.mark.parametrize("name, hover, layer, neuron, label", [
    ("default", "n1-1", 1, 1, "h₂"),
    ("circle", "n2-3", 2, 3, "h₂,₄"),
    ("circle", "n1-0", 1, 0, "h₁,₁"),
])
def test_hovered_neuron_shows_its_own_surface(name, hover, layer, neuron, label):
    state = preset(name)
    fig, caption = surface_panel(state, hover)
    assert_shown(fig["data"][0]["z"], surface(state, 50, layer, neuron).values)
    assert caption.startswith(f"Neuron {label}'s own activation")


@pytest.mark.parametrize("hover", ["n0-0", "n1-2", "n9-0", "n1", "nx-y", "n-1-0", 5, None, ["n1-0"]])
def test_anything_else_hovered_shows_the_output(hover):
    state = preset("default")
    fig, caption = surface_panel(state, hover)
    assert_shown(fig["data"][0]["z"], surface(state, 50).values)
    assert caption.startswith("The output")


def test_one_input_data_draws_a_curve():
    data = engine.DataSpec("sine", n_points=30, noise=0.0, seed=1)
    spec = engine.NetworkSpec((1, 5, 1), ("tanh", "linear"), "mse", "xavier")
    state = engine.LabState("sine", 1, spec, engine.init_params(spec, np.random.default_rng(1)),
                            engine.TrainConfig(), data)
    fig, _ = surface_panel(state, None)
    network = next(t for t in fig["data"] if t.get("name") == "network")
    assert len(network["x"]) == 100
    assert_shown(network["y"], surface(state, 100).values)
    finite_json(fig)


def test_three_inputs_show_the_first_two_without_a_surface():
    spec = engine.NetworkSpec((3, 1), ("sigmoid",), "squared_error", "xavier")
    data = engine.DataSpec(name="explicit", x=((1.0, 2.0, 3.0), (0.0, 1.0, 0.0)), y=((1.0,), (0.0,)),
                           test_fraction=0.0)
    state = engine.LabState("3", 0, spec, engine.init_params(spec, np.random.default_rng(0)), engine.TrainConfig(),
                            data)
    fig, caption = surface_panel(state, None)
    assert all(t["type"] != "heatmap" for t in fig["data"])
    assert "first two" in caption
    assert fig["data"][0]["x"] == [1.0, 0.0] and fig["data"][0]["y"] == [2.0, 1.0]


# --- the ball: _ball ---

OUTPUTS = ("data", "figure", "note", "lesson", "stopped", "play", "lr")  # BALL_OUTPUTS' ids, by what they hold


def named(answer: dict) -> dict:
    assert list(answer) == list(BALL_OUTPUTS)
    return dict(zip(OUTPUTS, answer.values()))


def ball(trigger, curve="bowl", lr=None, options=(), click=None, stored=None):
    lr = CURVES[curve].learning_rate if lr is None and curve in CURVES else lr
    return named(_ball(trigger, curve, lr, list(options), click, stored))


def roll(n, curve, lr, options=(), stored=None, trigger="ball-step"):
    outs = []
    for _ in range(n):
        out = ball(trigger, curve, lr, options, stored=stored)
        stored = out["data"]
        outs.append(out)
    return outs


def patched(figure):
    """A Patch's assignments as {(trace, key): value}, and {("layout", key): value}."""
    ops = figure.to_plotly_json()["operations"]
    assert all(op["operation"] == "Assign" and op["location"][0] in ("data", "layout") for op in ops)
    return {tuple(op["location"][1:]) if op["location"][0] == "data" else tuple(op["location"]):
            op["params"]["value"] for op in ops}


def test_a_step_is_exactly_one_engine_step_and_sends_only_the_ball():
    # Bowl, lr 0.5 from 2: the slope is 2, so the ball moves −0.5·2 = −1, to x = 1 (loss ½).
    out = ball("ball-step", "bowl", 0.5, stored={"curve": "bowl", "x": [2.0]})
    assert out["data"] == {"curve": "bowl", "x": [2.0, 1.0], "diverged": False, "reason": ""}
    assert out["data"]["x"] == descend("bowl", 2.0, 0.5, 1).x.tolist()
    assert isinstance(out["figure"], Patch)
    changes = patched(out["figure"])
    # Never the curve; the arrow to a ball that left the picture (none here).
    assert set(changes) == {(t, k) for t in (TRAIL, BALL, TANGENT) for k in ("x", "y")} | {("layout", "annotations")}
    assert changes[("layout", "annotations")] == []
    assert (CURVE, "x") not in changes
    assert changes[(BALL, "x")] == [1.0] and changes[(BALL, "y")] == [0.5]
    assert changes[(TRAIL, "x")] == [2.0] and changes[(TRAIL, "y")] == [2.0]
    (x0, x1), (y0, y1) = changes[(TANGENT, "x")], changes[(TANGENT, "y")]
    assert (y1 - y0) / (x1 - x0) == pytest.approx(1.0)  # the slope at x = 1
    # The next step will be −0.5·1 = −0.5.
    assert out["note"] == f"Step 1. Slope under the ball +1.000 → next step −η·slope = {MINUS}0.500"
    assert out["lr"] is no_update and out["lesson"] == CURVES["bowl"].lesson


@pytest.mark.parametrize("name", list(CURVES))
def test_rolling_follows_the_engines_path(name):
    c = CURVES[name]
    outs = roll(12, name, c.learning_rate)
    whole = descend(c, c.start, c.learning_rate, 12)
    assert outs[-1]["data"]["x"] == whole.x.tolist()  # plain descent: bit for bit
    assert all(isinstance(o["figure"], Patch) for o in outs)


def test_momentum_continues_with_the_velocity():
    c = CURVES["two_valleys"]
    outs = roll(10, "two_valleys", 0.05, ["momentum"])
    whole = descend(c, 2.0, 0.05, 11, momentum=panels.MOMENTUM)
    np.testing.assert_allclose(outs[-1]["data"]["x"], whole.x[:11], rtol=0, atol=1e-12)
    plain = descend(c, 2.0, 0.05, 10)
    assert abs(outs[-1]["data"]["x"][-1] - plain.x[-1]) > 0.1  # momentum really was used
    # The note gives the next move, m·v − η·slope: the engine's eleventh step.
    assert outs[-1]["note"].endswith(f"m·v − η·slope = {num(whole.step[10], True)}")


def test_timer_ticks_roll_the_ball_like_steps():
    ticks = roll(5, "plateau", 1.0, trigger="ball-timer")
    assert ticks[-1]["data"]["x"] == descend("plateau", 7.0, 1.0, 5).x.tolist()
    # A tick never touches the timer: were it to set it going, a tick answered after a Pause would undo it.
    assert all(o["stopped"] is no_update and o["play"] is no_update for o in ticks)


def test_play_and_pause_change_nothing_on_the_server():
    # The browser starts and stops the timer itself; the server's answer to the click only makes Dash drop
    # the answer of a tick still on its way, so the ball stays where Pause found it.
    stored = roll(3, "plateau", 1.0)[-1]["data"]
    assert ball("ball-play", "plateau", 1.0, stored=stored) == dict.fromkeys(OUTPUTS, no_update)


@pytest.mark.parametrize(("first", "triggered", "timer_off", "answered"), [
    ("ball-timer", {"ball-timer.n_intervals": 4}, False, "ball-timer"),  # a tick while playing rolls
    ("ball-timer", {"ball-timer.n_intervals": 5}, True, panels.TICK_AFTER_PAUSE),  # sent after Pause: nothing
    ("ball-timer", {"ball-timer.n_intervals": 5, "ball-play.n_clicks": 2}, False, "ball-play"),  # one batch
    ("ball-step", {"ball-step.n_clicks": 1}, True, "ball-step"),  # Roll works with the timer off
    (None, {}, None, None),  # the page opening
])
def test_a_tick_that_comes_with_or_after_pause_is_not_a_move(first, triggered, timer_off, answered):
    assert panels.ball_trigger(first, triggered, timer_off) == answered


def test_narrow_valley_flies_off_and_play_stops():
    # x ← (1 − 10·0.25) x = −1.5x; |x| = 1.5⁹ ≈ 38.4 passes the bound 31.5 at step 9.
    ticks = roll(10, "narrow_valley", 0.25, trigger="ball-timer")
    assert [o["stopped"] for o in ticks] == [no_update] * 8 + [True, True]
    gone = ticks[8]
    expected = descend("narrow_valley", 1.0, 0.25, 100)
    assert gone["data"]["x"] == expected.x.tolist()
    assert gone["data"]["diverged"] is True and gone["play"] == "Play"
    # The page counts the whole path, as one engine call would.
    assert gone["data"]["reason"] == expected.reason
    assert gone["note"] == f"Step 9. {expected.reason}"
    assert expected.reason.startswith("The ball flew off the curve after 9 steps: the learning rate η = 0.25 is "
                                      "too large for this valley. Each step overshoots")
    assert ticks[9]["data"] == gone["data"]  # a flown-off ball stays where it was last seen


def test_ball_at_rest_stops_play():
    # Bowl with lr 1 from 2: −1·2 = −2 lands exactly on the bottom; the next step is 0, so it is at rest.
    first, second = roll(2, "bowl", 1.0, stored={"curve": "bowl", "x": [2.0]})
    assert first["data"]["x"] == [2.0, 0.0] and first["stopped"] is no_update
    assert second["data"]["x"] == [2.0, 0.0, 0.0]
    assert second["stopped"] is True and second["note"].startswith("Step 2. At rest")


def test_choosing_a_curve_resets_the_ball_and_learning_rate():
    stored = roll(3, "bowl", 0.5)[-1]["data"]
    for name, c in CURVES.items():
        out = ball("toy-curve", name, "x", stored=stored)  # even a bad rate: the curve brings its own
        assert out["data"] == {"curve": name, "x": [c.start], "diverged": False, "reason": ""}
        assert out["lr"] == c.learning_rate and out["lesson"] == c.lesson
        fig = out["figure"]
        assert isinstance(fig, dict) and [t["name"] for t in fig["data"]] == ["loss", "trail", "ball", "slope", "place the ball"]
        assert fig["data"][BALL]["x"] == [c.start] and fig["data"][TRAIL]["x"] == []
        finite_json(fig)


def test_a_stored_ball_on_another_curve_starts_afresh():
    out = ball("panel-tabs", "plateau", 1.0, stored={"curve": "bowl", "x": [2.0, 1.0]})
    assert out["data"]["x"] == [7.0]


def test_a_click_places_the_ball():
    stored = roll(3, "bowl", 0.5)[-1]["data"]
    out = ball("ball-chart", "bowl", 0.5, click={"points": [{"x": -1.25, "y": 0.78}]}, stored=stored)
    assert out["data"]["x"] == [-1.25]
    assert out["figure"]["data"][BALL]["x"] == [-1.25] and out["figure"]["data"][BALL]["y"] == [0.78125]
    # ... and the next step starts there: −1.25 − 0.5·(−1.25) = −0.625.
    assert ball("ball-step", "bowl", 0.5, stored=out["data"])["data"]["x"] == [-1.25, -0.625]
    # Restart goes back to where the ball was placed.
    rolled = roll(2, "bowl", 0.5, stored=out["data"])[-1]["data"]
    assert ball("ball-reset", "bowl", 0.5, stored=rolled)["data"]["x"] == [-1.25]


@pytest.mark.parametrize("click", [
    {"points": [{"x": 10.0}]},  # off the drawn curve
    {"points": [{"x": "1"}]},
    {"points": [{"x": math.nan}]},
    {"points": [{"x": math.inf}]},
    {"points": [{"x": True}]},  # a bool is an int to Python, and True would be x = 1
    {"points": [{"y": 1.0}]},
    {"points": [None]},
    {"points": []},
    {"points": "x"},
    {"points": [5]},
    "click",
    None,
])
def test_other_clicks_leave_the_ball_where_it_is(click):
    stored = roll(2, "bowl", 0.5)[-1]["data"]
    assert ball("ball-chart", "bowl", 0.5, click=click, stored=stored)["data"]["x"] == stored["x"]


def test_blindfold_hides_the_curve_but_not_the_ball():
    stored = roll(2, "two_valleys", 0.05)[-1]["data"]
    out = ball("ball-options", "two_valleys", 0.05, ["blindfold"], stored=stored)
    fig = out["figure"]
    assert fig["data"][CURVE]["visible"] is False and fig["data"][TRAIL]["y"] == [None, None]
    assert fig["data"][BALL]["x"] == [stored["x"][-1]]
    step = ball("ball-step", "two_valleys", 0.05, ["blindfold"], stored=stored)
    assert patched(step["figure"])[(TRAIL, "y")] == [None, None, None]


@pytest.mark.parametrize("curve", ["cliff", None, 3, ["bowl"], {"bowl": 1}])
def test_an_unknown_curve_is_refused(curve):
    with pytest.raises(LabInputError, match="Choose one of the curves"):
        _ball("ball-step", curve, 0.1, [], None, None)


@pytest.mark.parametrize("trigger", ["ball-step", "ball-lr", "ball-options", "ball-play", "ball-reset", "panel-tabs"])
@pytest.mark.parametrize("lr", ["x", None, 0, -0.1, 1e9, True, math.nan, [0.1]])
def test_a_bad_learning_rate_is_refused_in_words(trigger, lr):
    with pytest.raises(LabInputError, match="learning rate"):
        _ball(trigger, "bowl", lr, [], None, {"curve": "bowl", "x": [2.0]})


@pytest.mark.parametrize("stored", [
    "junk", 5, [], {}, {"curve": "bowl"}, {"curve": "bowl", "x": "abc"}, {"curve": "bowl", "x": []},
    {"curve": "bowl", "x": [1.0, "a"]}, {"curve": "bowl", "x": [None]}, {"curve": ["bowl"], "x": [1.0]},
    {"curve": "bowl", "x": {"0": 1.0}},
])
def test_stored_garbage_is_ignored(stored):
    out = ball("ball-step", "bowl", 0.5, stored=stored)
    assert out["data"]["x"] == [2.5, 1.25]  # from the curve's start, 2.5 − 0.5·2.5


@pytest.mark.parametrize("stored", [
    {"curve": "bowl", "x": [math.nan]},
    {"curve": "bowl", "x": [1.0, math.inf]},
    {"curve": "bowl", "x": [True]},
    {"curve": "bowl", "x": [1e300]},  # a loss of 5e599 is no number
])
def test_stored_impossible_positions_are_refused_in_words(stored):
    with pytest.raises(LabInputError, match="position of the ball"):
        _ball("ball-step", "bowl", 0.5, [], None, stored)


def test_stored_reason_must_be_words():
    out = ball("ball-step", "bowl", 0.5, stored={"curve": "bowl", "x": [2.0], "reason": 5})
    assert out["data"]["x"] == [2.0, 1.0] and out["data"]["reason"] == ""


@pytest.mark.parametrize("options", [5, "momentum", {"momentum": 1}, None])
def test_options_that_are_not_a_list_are_ignored(options):
    out = named(_ball("ball-step", "bowl", 0.5, options, None, {"curve": "bowl", "x": [2.0]}))
    assert out["data"]["x"] == [2.0, 1.0]  # plain descent


def test_a_long_trail_is_capped():
    stored = {"curve": "plateau", "x": list(np.linspace(7.0, 6.0, engine.limits.MAX_PATH))}
    out = ball("ball-step", "plateau", 1.0, stored=stored)
    assert len(out["data"]["x"]) == engine.limits.MAX_PATH
    assert out["data"]["x"][-2] == 6.0


@pytest.mark.parametrize("name", ["W1[0,0]", "W2[0,0]", "b1[1]"])
def test_the_slice_is_drawn_again_exactly_when_what_it_shows_changes(name):
    from app.ahead import fingerprint
    from app.panels import _slice_keys

    state, seen, drawn = preset("default"), [], 0
    for _ in range(2 * state.cursor.n_phases + 1):  # two whole steps, phase by phase
        key = (fingerprint(state), _slice_keys(state, name))
        shown = slice_panel(state, name)
        if seen and seen[-1][0] == key:
            assert seen[-1][1] == shown  # the same keys: nothing to draw again
        elif seen:
            assert seen[-1][1] != shown  # new keys: a new picture
            drawn += 1
        seen.append((key, shown))
        state = engine.advance(state)
    # The slope revealed at the weight's layer and the update, in each step, and the second step's
    # first phase (the weights have moved): five new pictures in twelve phases.
    assert drawn == 5


@pytest.mark.parametrize("name", ["W1[0,0]", "W2[0,0]", "b1[1]"])
@pytest.mark.parametrize("lesson", ["default", "circle"])
def test_the_curves_pictures_ahead_are_the_ones_the_server_draws_at_those_moments(lesson, name):
    """Phase by phase through two steps, the loss curve brings its pictures of the moments ahead where
    it changes: each is exactly the figure and note the server draws when the lab gets there, and
    every moment a Step or a Full step reaches where the curve changes has one."""
    from app import ahead

    state = preset(lesson)
    for _ in range(2 * state.cursor.n_phases + 1):
        figure, _, _ = slice_panel(state, name, with_ahead=True)
        brought = figure["ahead"]
        assert brought["of"] == ahead.lab(state)
        shown = slice_panel(state, name)
        following, after = ahead.labs(state)
        reached = [following] + ([] if after == "next" else [after])
        for lab in reached:
            there = slice_panel(lab, name)
            picture = brought["moments"].get(ahead.moment(lab))
            if picture is None:  # only where the curve does not change
                assert there == shown, (ahead.moment(state), ahead.moment(lab))
            else:
                assert picture == {"figure": there[0], "note": there[1]}, (ahead.moment(state), ahead.moment(lab))
        walk, lab = {}, state  # and each is a moment Steps reach, with the server's own picture there
        for _ in range(state.cursor.n_phases):
            lab = engine.advance(lab)
            walk[ahead.moment(lab)] = lab
        for m, picture in brought["moments"].items():
            there = slice_panel(walk[m], name)
            assert picture == {"figure": there[0], "note": there[1]}, m
        state = engine.advance(state)


def test_the_update_ahead_by_hand_on_the_default_lesson():
    """From ready, Full step's picture of the curve: the hollow ball where W1[0,0] was, +0.500, and the
    ball at +0.516 (0.5 − 1.0 × −0.01632, the learning rate 1 and the slope the note writes)."""
    from app import ahead

    state = preset("default")
    update = ahead.moment(engine.full_step(state))
    assert update == "1:5"
    picture = slice_panel(state, "W1[0,0]", with_ahead=True)[0]["ahead"]["moments"][update]
    moved = picture["figure"]["data"][-1]
    assert moved["name"] == "after the update" and round(moved["x"][0], 5) == round(0.5 + 0.01632, 5)
    assert picture["note"].startswith("The update moved W1[0,0] from +0.500 to +0.516")


def test_no_pictures_ahead_where_the_curve_is_the_expensive_slots_work(monkeypatch):
    monkeypatch.setattr(panels, "EXPENSIVE_WORK", 0)
    state = preset("default")
    assert slice_panel(state, "W1[0,0]", with_ahead=True)[0]["ahead"] is None


def test_the_curves_pictures_ahead_are_of_one_lab_and_a_new_rate_is_another():
    """The weights alone do not say where an update goes: with the learning rate or the optimizer
    changed and the weights as they were, the curve's pictures ahead (drawn for the old rate) must
    not match the answer's pictures, or a Full step would show the old rate's move."""
    import dataclasses

    from app import ahead

    state = preset("default")
    faster = state.replace(train=dataclasses.replace(state.train, learning_rate=2 * state.train.learning_rate))
    momentum = state.replace(train=dataclasses.replace(state.train, optimizer="momentum"))
    assert ahead.fingerprint(faster) == ahead.fingerprint(state)  # the panels' own key: the same curve
    assert len({ahead.lab(state), ahead.lab(faster), ahead.lab(momentum)}) == 3
    trained = engine.full_step(momentum)
    assert ahead.lab(trained) != ahead.lab(trained.replace(optimizer_state=momentum.optimizer_state))
