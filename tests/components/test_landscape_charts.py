"""The landscape figures carry the engine's numbers: the ball and its tangent on a toy curve,
the loss along one weight, the map over two weights with −∇C, and the decision surface.

Worked example for the ball: the bowl L = x²/2 (slope x) with lr 0.5 halves x each step,
2 → 1 → 0.5 → 0.25; there the slope is 0.25, the loss 0.03125 and the next step −0.5·0.25 = −0.125.
The default lesson's numbers (o = 0.593503, C = 0.082620) are worked out in tests/engine/test_surface.py.
"""

import dataclasses
import json

import numpy as np
import pytest

import engine
from components import landscape_charts as charts
from components import palette
from components.landscape_charts import BALL, CURVE, PICK, TANGENT, TRAIL
from components.numbers import MINUS, num
from engine.surface import surface
from engine.toy_curves import CURVES, descend, path_through
from tests.engine.test_surface import one_input_classes_state


def finite_json(fig):
    """Fails on NaN or ±inf anywhere in the figure."""
    return json.dumps(fig, allow_nan=False)


def assert_shown(shown, exact, digits):
    """The figure carries the engine's numbers rounded to `digits` significant figures (components.numbers.
    round_sig keeps the JSON small): within half a unit in the last kept digit, relative to the value."""
    np.testing.assert_allclose(np.array(shown, dtype=float), exact, rtol=0.5 * 10.0 ** (1 - digits) * (1 + 1e-9),
                               atol=0)


def slope_of(trace):
    (x0, x1), (y0, y1) = trace["x"], trace["y"]
    return (y1 - y0) / (x1 - x0)


# --- the ball on a toy curve ---


def bowl_path():
    return descend("bowl", 2.0, 0.5, 3)


def test_toy_figure_traces_in_the_documented_order():
    c = CURVES["bowl"]
    fig = charts.toy_figure(c, bowl_path(), 0.5, False)
    assert (CURVE, TRAIL, BALL, TANGENT) == (0, 1, 2, 3)
    assert [t["name"] for t in fig["data"]] == ["loss", "trail", "ball", "slope", "place the ball"]
    curve = fig["data"][CURVE]
    assert curve["visible"] is True
    assert curve["x"][0] == c.x_min and curve["x"][-1] == c.x_max
    np.testing.assert_allclose(curve["y"], np.array(curve["x"]) ** 2 / 2)
    finite_json(fig)


def test_ball_trail_and_tangent_by_hand():
    c = CURVES["bowl"]
    fig = charts.toy_figure(c, bowl_path(), 0.5, False)
    trail, ball, tangent = fig["data"][TRAIL], fig["data"][BALL], fig["data"][TANGENT]
    assert ball["x"] == [0.25] and ball["y"] == [0.03125]
    assert trail["x"] == [2.0, 1.0, 0.5] and trail["y"] == [2.0, 0.5, 0.125]  # the positions before the ball
    # The tangent passes through the ball with the curve's slope there, 0.25.
    assert slope_of(tangent) == pytest.approx(c.slope(0.25)) == pytest.approx(0.25)
    assert np.mean(tangent["x"]) == pytest.approx(0.25) and np.mean(tangent["y"]) == pytest.approx(0.03125)


@pytest.mark.parametrize("name", list(CURVES))
def test_tangent_slope_is_the_curves_slope_at_the_ball(name):
    c = CURVES[name]
    path = descend(c, c.start, c.learning_rate, 7)
    fig = charts.toy_figure(c, path, c.learning_rate, False)
    x = fig["data"][BALL]["x"][0]
    assert x == path.x[-1]
    assert fig["data"][BALL]["y"] == [c.loss(x)]
    assert slope_of(fig["data"][TANGENT]) == pytest.approx(c.slope(x), rel=1e-9, abs=1e-12)
    finite_json(fig)


def test_ball_parts_note_gives_the_next_step():
    parts = charts.ball_parts(CURVES["bowl"], bowl_path(), 0.5, False)
    # slope 0.25, step −η·slope = −0.5·0.25 = −0.125
    assert parts["note"] == f"Slope under the ball +0.250 → next step −η·slope = {MINUS}0.125"
    assert parts["steps"] == 3
    # ... and the engine's next step is exactly that.
    assert descend("bowl", 0.25, 0.5, 1).step[0] == -0.125


def test_ball_parts_note_with_momentum_counts_the_velocity():
    # Bowl, lr 0.1, momentum 0.5: after 2 → 1.8 (v = −0.2) the next step is
    # 0.5·(−0.2) − 0.1·1.8 = −0.28, not −η·slope = −0.18.
    path = descend("bowl", 2.0, 0.1, 1, momentum=0.5)
    parts = charts.ball_parts(CURVES["bowl"], path, 0.1, False, momentum=0.5)
    assert parts["note"].endswith(f"m·v − η·slope = {MINUS}0.280")
    assert descend("bowl", 2.0, 0.1, 2, momentum=0.5).step[-1] == pytest.approx(-0.28)
    # At the start there is no velocity yet: only −η·slope = −0.1·2 = −0.2.
    start = charts.ball_parts(CURVES["bowl"], path_through("bowl", [2.0]), 0.1, False, momentum=0.5)
    assert start["note"].endswith(f"= {MINUS}0.200")


def test_ball_parts_at_rest_and_flown_off():
    rest = charts.ball_parts(CURVES["bowl"], path_through("bowl", [0.0]), 0.5, False)
    assert rest["note"].startswith("At rest")
    gone = descend("narrow_valley", 1.0, 0.25, 100)
    parts = charts.ball_parts(CURVES["narrow_valley"], gone, 0.25, False)
    assert parts["note"] == gone.reason and "after 9 steps" in parts["note"]
    # Last seen at x = −1.5⁹ ≈ −38.4, loss 5·38.4² ≈ 7390: drawn in the picture's top left corner.
    x_lo, _, _, y_hi = charts.frame(CURVES["narrow_valley"])
    assert parts["ball"] == {"x": [x_lo], "y": [y_hi]}
    finite_json(charts.toy_figure(CURVES["narrow_valley"], gone, 0.25, False))


def test_the_picture_stays_on_the_curve():
    # Two valleys over [−2.5, 2.5]: lowest L(−1.526) ≈ −1.736, highest L(2.5) = 39.0625/4 − 6.25 + 1.25 = 4.765625.
    c = CURVES["two_valleys"]
    x_lo, x_hi, y_lo, y_hi = charts.frame(c)
    span = 4.765625 - (-1.7360)
    assert (x_lo, x_hi) == (-2.5, 2.5)
    assert y_lo == pytest.approx(-1.7360 - charts.BELOW * span, abs=2e-3) and y_lo > -2  # no loss −2 on the axis
    assert y_hi == pytest.approx(4.765625 + charts.ABOVE * span, abs=2e-3)
    # η 2 throws the ball to x = 2 − 2·4.5 = −7, then 650: the axes do not follow it.
    gone = descend(c, 2.0, 2.0, 10)
    assert gone.diverged and gone.x.tolist() == [2.0, -7.0, 650.0]
    layout = charts.toy_figure(c, gone, 2.0, False)["layout"]
    assert layout["xaxis"]["range"] == [x_lo, x_hi] and layout["yaxis"]["range"] == [y_lo, y_hi]
    assert layout["xaxis"]["fixedrange"] and layout["yaxis"]["fixedrange"]  # no zoom, no re-range on a double click


@pytest.mark.parametrize("x, y, expected", [
    (0.0, 0.0, (0.0, 0.0, 0, 0)),  # inside
    (2.0, 0.0, (1.5, 0.0, 1, 0)),  # off to the right, at a height in the picture
    (-40.0, 8000.0, (-1.5, 99.0, -1, 1)),  # off to the left and above
])
def test_a_ball_off_the_picture_is_drawn_on_its_edge(x, y, expected):
    assert charts.on_frame(x, y, (-1.5, 1.5, -1.0, 99.0)) == expected


def test_a_ball_flown_off_gets_an_arrow_the_way_it_went():
    c = CURVES["two_valleys"]
    gone = descend(c, 2.0, 2.0, 10)  # last seen at x = 650, loss ≈ 4.5e10: off to the right and up
    fig = charts.toy_figure(c, gone, 2.0, False)
    _, x_hi, _, y_hi = charts.frame(c)
    assert fig["data"][BALL]["x"] == [x_hi] and fig["data"][BALL]["y"] == [y_hi]
    assert fig["data"][BALL]["cliponaxis"] is False  # drawn whole on the edge
    (arrow,) = fig["layout"]["annotations"]
    assert (arrow["x"], arrow["y"]) == (x_hi, y_hi)  # the head at the ball
    assert arrow["ax"] < 0 and arrow["ay"] > 0  # the tail left of and below it: the arrow points up and right
    assert arrow["text"] == "ball at x = 650"
    assert charts.ball_parts(c, gone, 2.0, False)["note"] == gone.reason
    assert gone.reason.startswith("The ball flew off the curve after 2 steps: the learning rate η = 2 is too "
                                  "large for this valley. Each step overshoots the bottom further than the last")
    # Back on the curve: no arrow.
    assert charts.toy_figure(c, descend(c, 2.0, 0.05, 3), 0.05, False)["layout"]["annotations"] == []


def test_a_ball_out_of_the_picture_but_not_gone_says_where_it_is():
    # The bowl over [−3, 3] (loss up to 4.5, the picture up to 4.5 + 0.12·4.5 = 5.04). A ball at x = 3.1
    # (loss 4.805) is past the right edge, far from flying off: drawn on that edge at its own height.
    c = CURVES["bowl"]
    parts = charts.ball_parts(c, path_through(c, [3.1]), 0.5, False)
    assert parts["ball"]["x"] == [3.0] and parts["ball"]["y"] == [pytest.approx(4.805)]
    assert parts["annotations"][0]["ax"] < 0 and parts["annotations"][0]["ay"] == 0  # pointing right
    assert parts["note"] == (f"The ball overshot out of the picture, to x = 3.1. Slope under the ball +3.100 → "
                             f"next step −η·slope = {MINUS}1.550")


@pytest.mark.parametrize("blindfold", [False, True])
def test_a_click_anywhere_over_the_curve_reaches_the_app(blindfold):
    c = CURVES["two_valleys"]
    fig = charts.toy_figure(c, descend(c, 2.0, 0.05, 3), 0.05, blindfold)
    # Every drawn trace skips the hover, so Plotly would send no click; the invisible one takes them, and
    # hovermode "x" picks its point nearest the pointer's x wherever in the plot the click is.
    assert all(t["hoverinfo"] == "skip" for t in fig["data"][:PICK])
    pick = fig["data"][PICK]
    assert "hoverinfo" not in pick and pick["line"]["width"] == 0
    assert fig["layout"]["hovermode"] == "x" and fig["layout"]["clickmode"] == "event"
    assert pick["x"] == fig["data"][CURVE]["x"] and len(pick["x"]) == charts.CURVE_POINTS
    # Blindfolded, its points run along the bottom: a hover label on the curve would draw its shape.
    assert (pick["y"] == [charts.frame(c)[2]] * charts.CURVE_POINTS) is blindfold


def test_blindfold_hides_the_curve_and_the_heights():
    c = CURVES["two_valleys"]
    path = descend(c, c.start, c.learning_rate, 4)
    fig = charts.toy_figure(c, path, c.learning_rate, True)
    assert fig["data"][CURVE]["visible"] is False
    assert fig["data"][TRAIL]["x"] == path.x[:-1].tolist()
    assert fig["data"][TRAIL]["y"] == [None] * 4
    assert fig["layout"]["yaxis"]["showticklabels"] is False
    # The slope under the ball is what a blindfolded climber still feels.
    assert slope_of(fig["data"][TANGENT]) == pytest.approx(path.slope[-1])
    finite_json(fig)
    seen = charts.toy_figure(c, path, c.learning_rate, False)
    assert seen["layout"]["yaxis"]["showticklabels"] is True


# --- the loss along one weight ---


def default_slice():
    state = engine.PRESETS["default"].state()
    ref = engine.ParamRef.parse("W2[0,0]", state.spec)  # 0.7
    return engine.loss_slice(state, ref, np.linspace(-3.3, 4.7, 121))


def test_slice_ball_sits_at_the_current_value_and_loss():
    s = default_slice()
    fig = charts.slice_figure(s)
    assert [t["name"] for t in fig["data"]] == ["C(w)", "now", "slope"]
    curve, ball, _ = fig["data"]
    assert_shown(curve["x"], s.values, 4) and assert_shown(curve["y"], s.loss, 4)
    assert ball["x"] == [0.7] and ball["y"] == [s.current_loss]
    assert s.current_loss == pytest.approx(0.082620, abs=1e-6)  # ½(1 − 0.593503)²
    # 0.7 is grid point 60 of 121: the curve passes through the ball.
    assert s.loss[60] == pytest.approx(s.current_loss, rel=1e-12)
    assert curve["y"][60] == pytest.approx(s.current_loss, rel=1e-4)
    finite_json(fig)


def test_slice_tangent_has_backprops_slope():
    s = default_slice()
    tangent = charts.slice_figure(s)["data"][2]
    # ∂C/∂W2[0,0] = δ2·a1 = (o − t)·o(1 − o)·σ(0.45) = (−0.406497)(0.241256)(0.610639) = −0.059886
    assert s.slope_backprop == pytest.approx(-0.059886, abs=1e-6)
    assert slope_of(tangent) == pytest.approx(s.slope_backprop, rel=1e-9)
    assert np.mean(tangent["x"]) == pytest.approx(0.7) and np.mean(tangent["y"]) == pytest.approx(s.current_loss)


def test_slice_note_shows_both_slopes():
    s = default_slice()
    note = charts.slice_note(s)
    assert num(s.slope_backprop, True, 5) in note and num(s.slope_numeric, True, 5) in note
    assert f"{MINUS}0.05989" in note  # both round to this
    assert "backprop" in note and "central difference" in note and "W2[0,0]" in note
    assert s.slope_numeric == pytest.approx(s.slope_backprop, abs=1e-8)


# --- the map over two weights ---


def default_grid():
    state = engine.PRESETS["default"].state()
    rx, ry = (engine.ParamRef.parse(n, state.spec) for n in ("W1[0,0]", "W1[0,1]"))  # 0.5, −0.3
    return engine.loss_grid(state, rx, ry, np.linspace(-2.5, 3.5, 31), np.linspace(-3.3, 2.7, 31))


def annotations(fig):
    horizontal, vertical, total = fig["layout"]["annotations"]
    return horizontal, vertical, total


def test_contour_arrow_points_down_the_gradient():
    g = default_grid()
    fig = charts.contour_figure(g, [])
    _, _, total = annotations(fig)
    # Plotly draws an arrow from its tail (ax, ay) to its head (x, y); the tail is the current point.
    assert (total["ax"], total["ay"]) == g.current == (0.5, -0.3)
    assert total["arrowcolor"] == palette.BLAME
    gx, gy = g.gradient
    # x = 1, 0.5 multiply W1[0,0] and W1[0,1] in the same neuron, so ∂C/∂W1[0,1] = 0.5·∂C/∂W1[0,0]:
    # δ1₀ = δ2·0.7·σ'(0.45) = −0.098070·0.7·0.237747 = −0.016322.
    assert gx == pytest.approx(-0.016322, abs=1e-6) and gy == pytest.approx(gx / 2, rel=1e-12)
    dx, dy = total["x"] - total["ax"], total["y"] - total["ay"]
    # Along −∇C: parallel (zero cross product) and opposite (negative dot product) ...
    assert dx * gy - dy * gx == pytest.approx(0.0, abs=1e-12)
    assert dx * gx + dy * gy < 0
    assert dx > 0 and dy / dx == pytest.approx(0.5)  # here: right and up, half as steep
    # ... a fifth of the map's narrower side long (both sides are 6 wide: 1.2).
    assert np.hypot(dx, dy) == pytest.approx(1.2)
    finite_json(fig)


def test_contour_component_arrows_are_axis_aligned_and_add_up():
    g = default_grid()
    horizontal, vertical, total = annotations(charts.contour_figure(g, []))
    cx, cy = g.current
    for arrow in (horizontal, vertical):
        assert (arrow["ax"], arrow["ay"]) == (cx, cy)
    assert horizontal["y"] == cy and horizontal["x"] != cx
    assert vertical["x"] == cx and vertical["y"] != cy
    assert (horizontal["x"], vertical["y"]) == (total["x"], total["y"])
    # Each part is labelled with its value: −∂C/∂x along x, −∂C/∂y along y.
    gx, gy = g.gradient
    assert horizontal["text"] == num(-gx, True, 4) and vertical["text"] == num(-gy, True, 4)


def test_contour_path_ends_at_the_current_point():
    g = default_grid()
    path = [[0.4, -0.5], [0.45, -0.4]]
    fig = charts.contour_figure(g, path)
    contour, trail, now = fig["data"]
    assert trail["name"] == "path"
    assert trail["x"] == [0.4, 0.45, 0.5] and trail["y"] == [-0.5, -0.4, -0.3]
    assert now["x"] == [0.5] and now["y"] == [-0.3]
    assert_shown(contour["z"], g.loss, 5)
    assert_shown(contour["x"], g.values_x, 4) and assert_shown(contour["y"], g.values_y, 4)
    assert fig["layout"]["xaxis"]["range"] == [-2.5, 3.5]
    finite_json(fig)


def test_contour_at_a_flat_point_has_no_arrow():
    g = default_grid()
    flat = engine.LossGrid(g.ref_x, g.ref_y, g.values_x, g.values_y, g.loss, g.current, (0.0, 0.0))
    fig = charts.contour_figure(flat, [])
    assert "annotations" not in fig["layout"]
    finite_json(fig)


def test_contour_note_gives_the_gradient():
    g = default_grid()
    note = charts.contour_note(g)
    assert f"({MINUS}0.0163, {MINUS}0.0082)" in note and "−∇C" in note
    assert "rows" not in note  # one training row, all of it used: nothing to say


def test_contour_note_says_when_the_map_uses_some_of_the_rows():
    g = dataclasses.replace(default_grid(), rows_used=300, rows_total=2000)
    for note in (charts.contour_note(g), charts.contour_note(g, False, "after step 3")):
        assert "300 evenly spaced rows of the 2,000 training rows" in note
    assert "∇C is over every row" in charts.contour_note(g)


def test_a_waiting_chart_draws_nothing_but_its_words():
    fig = charts.waiting_figure("In a moment.")
    assert fig["data"] == [] and [a["text"] for a in fig["layout"]["annotations"]] == ["In a moment."]
    finite_json(fig)


# --- the decision surface ---


def test_surface_heatmap_is_the_engines_surface():
    state = engine.PRESETS["circle"].state()
    data = engine.dataset(state.data)
    surf = surface(state, 20)
    fig = charts.surface_figure(surf, data, 7)
    heatmap = fig["data"][0]
    assert heatmap["type"] == "heatmap"
    assert np.shape(heatmap["z"]) == (20, 20)  # z[i][j] at (x[j], y[i]), as the engine's values[i, j]
    assert_shown(heatmap["z"], surf.values, 4)
    assert_shown(heatmap["x"], surf.xs, 4)
    assert_shown(heatmap["y"], surf.ys, 4)
    assert (heatmap["zmin"], heatmap["zmax"]) == (0.0, 1.0)  # a sigmoid output: a fixed scale
    ring = next(t for t in fig["data"] if t.get("name") == "on show")
    assert ring["x"] == [data.raw_train[7, 0]] and ring["y"] == [data.raw_train[7, 1]]
    assert fig["layout"]["xaxis"]["range"] == [surf.xs[0], surf.xs[-1]]
    finite_json(fig)


def test_hidden_tanh_surface_gets_the_signed_scale():
    state = engine.PRESETS["circle"].state()
    surf = surface(state, 10, 1, 2)
    fig = charts.surface_figure(surf, engine.dataset(state.data), 0)
    assert (fig["data"][0]["zmin"], fig["data"][0]["zmax"]) == (-1.0, 1.0)
    finite_json(fig)


def test_one_input_draws_the_networks_curve_through_the_points():
    data = engine.DataSpec("sine", n_points=30, noise=0.0, seed=1)
    spec = engine.NetworkSpec((1, 5, 1), ("tanh", "linear"), "mse", "xavier")
    state = engine.LabState("sine", 1, spec, engine.init_params(spec, np.random.default_rng(1)),
                            engine.TrainConfig(), data)
    surf = surface(state, 40)
    fig = charts.surface_figure(surf, engine.dataset(data), 3)
    assert all(t["type"] != "heatmap" for t in fig["data"])
    network = next(t for t in fig["data"] if t.get("name") == "network")
    assert_shown(network["x"], surf.xs, 4)
    assert_shown(network["y"], surf.values, 4)
    assert any(t.get("name") == "on show" for t in fig["data"])
    finite_json(fig)


# --- the decision surface for several classes ---


def three_class_lab(steps=25):
    return engine.train_steps(engine.PRESETS["three_classes"].state(), steps)  # 2-6-6-3, softmax over A, B, C


def colour_at(scale, t):
    """The colour a colourscale paints at t in [0, 1], its segment chosen as Plotly does: at a repeated
    stop the later one (a jump). Returns (start colour, end colour, share along the segment)."""
    i = max(k for k, (p, _) in enumerate(scale) if p <= t)
    j = min(i + 1, len(scale) - 1)
    (p0, c0), (p1, c1) = scale[i], scale[j]
    return c0, c1, 0.0 if p1 == p0 else (t - p0) / (p1 - p0)


def test_class_map_by_hand():
    # Three classes, so sure = (p_max − 1/3)/(2/3):
    #   (0.2, 0.7, 0.1): class 1, sure (0.7 − 1/3)·1.5 = 0.55           → z = 1.55
    #   (0.5, 0.25, 0.25): class 0, sure (0.5 − 1/3)·1.5 = 0.25           → z = 0.25
    #   (0, 0, 1): class 2, sure 1, kept below 1 (SURE_RANGE)             → z = 2.99
    #   (1/3, 1/3, 1/3): no idea; the first class, sure 0, kept above 0 → z = 0.01
    p = np.array([[[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]], [[0.0, 0.0, 1.0], [1 / 3, 1 / 3, 1 / 3]]])
    assert charts.class_map(p) == [[1.55, 0.25], [2.99, 0.01]]
    assert charts.class_map(p, discrete=True) == [[1.0, 0.0], [2.0, 0.0]]
    # A point whose probabilities overflowed is a gap.
    assert charts.class_map(np.array([[0.2, np.nan, 0.8], [0.1, 0.1, 0.8]]), True) == [None, 2.0]


def test_class_scale_has_a_segment_per_class_from_pale_to_its_surface_colour():
    pale = [charts._on_white(c, charts.UNSURE) for c in palette.SURFACE_CLASSES]
    assert pale[0] == "#fbeed2"  # #eebc4d at a quarter on white: 255 − (255 − 238)/4 = 250.75 → fb, …
    assert charts.class_scale(3) == [[0.0, pale[0]], [1 / 3, palette.SURFACE_CLASSES[0]],
                                     [1 / 3, pale[1]], [2 / 3, palette.SURFACE_CLASSES[1]],
                                     [2 / 3, pale[2]], [1.0, palette.SURFACE_CLASSES[2]]]
    flat = charts.class_scale(4, discrete=True)
    assert [c for _, c in flat] == [c for c in palette.SURFACE_CLASSES for _ in range(2)]
    assert flat[-1][0] == 1.0


def test_three_class_surface_is_the_argmax_of_the_forward_pass_at_every_grid_point():
    state = three_class_lab()
    data = engine.dataset(state.data)
    surf = surface(state, 24, neuron=None)
    fig = charts.surface_figure(surf, data, 5)
    heatmap = fig["data"][0]
    assert heatmap["type"] == "heatmap" and (heatmap["zmin"], heatmap["zmax"]) == (0.0, 3.0)
    assert sum(t["type"] == "heatmap" for t in fig["data"]) == 1  # one trace for every class
    z = np.array(heatmap["z"])
    # The forward pass at every grid point, by itself (not through engine.surface's values).
    assert_shown(heatmap["x"], surf.xs, 4)
    assert_shown(heatmap["y"], surf.ys, 4)
    gx, gy = np.meshgrid(surf.xs, surf.ys)
    out = engine.forward(state.spec, state.params, np.column_stack([gx.ravel(), gy.ravel()])).output
    decided = np.argmax(out, axis=1).reshape(24, 24)
    assert len(np.unique(decided)) == 3  # the trained network already draws all three classes somewhere
    np.testing.assert_array_equal(np.floor(z), decided)
    # The rest is how sure it is: (p_max − 1/3)/(2/3), within SURE_RANGE.
    sure = np.clip((out.max(axis=1) - 1 / 3) * 1.5, *charts.SURE_RANGE).reshape(24, 24)
    np.testing.assert_allclose(z - decided, sure, atol=5e-4 + 1e-9)  # z is rounded to 3 decimals
    # So each point is painted within its class's segment: between that class's pale and full colour.
    scale = heatmap["colorscale"]
    for (i, j) in ((0, 0), (12, 5), (23, 23), (7, 19)):
        start, end, share = colour_at(scale, z[i, j] / 3)
        k = decided[i, j]
        assert (start, end) == (charts._on_white(palette.SURFACE_CLASSES[k], charts.UNSURE),
                                palette.SURFACE_CLASSES[k])
        assert share == pytest.approx(sure[i, j], abs=1e-3)
    assert heatmap["colorbar"]["ticktext"] == ["A", "B", "C"] and heatmap["colorbar"]["tickvals"] == [0.5, 1.5, 2.5]
    finite_json(fig)


def test_discretized_classes_are_flat_class_colours():
    state = three_class_lab()
    surf = surface(state, 20, neuron=None)
    fig = charts.surface_figure(surf, engine.dataset(state.data), 0, discrete=True)
    heatmap = fig["data"][0]
    z = np.array(heatmap["z"])
    np.testing.assert_array_equal(z, np.argmax(surf.values, axis=-1))  # the class alone
    assert (heatmap["zmin"], heatmap["zmax"]) == (-0.5, 2.5)
    for k in np.unique(z):
        start, end, _ = colour_at(heatmap["colorscale"], (k + 0.5) / 3)
        assert start == end == palette.SURFACE_CLASSES[int(k)]  # flat: no shading by sureness
    assert heatmap["colorbar"]["tickvals"] == [0, 1, 2]
    finite_json(fig)


def test_a_hovered_hidden_neuron_of_a_three_class_lab_keeps_its_own_values():
    state = three_class_lab()
    surf = surface(state, 10, 1, 2)
    fig = charts.surface_figure(surf, engine.dataset(state.data), 0)
    heatmap = fig["data"][0]
    assert_shown(heatmap["z"], surf.values, 4)
    assert heatmap["colorscale"] == charts._SURFACE_SCALE and (heatmap["zmin"], heatmap["zmax"]) == (-1.0, 1.0)
    # The points are still drawn by class.
    assert fig["data"][1]["name"] == "train" and "symbol" in fig["data"][1]["marker"]


def test_a_hovered_class_output_is_its_probability_in_its_colour():
    state = three_class_lab()
    surf = surface(state, 10, 3, 2)
    heatmap = charts.surface_figure(surf, engine.dataset(state.data), 0, of_class=2)["data"][0]
    assert_shown(heatmap["z"], surf.values, 4)
    assert heatmap["colorscale"] == [[0, "#ffffff"], [1, palette.SURFACE_CLASSES[2]]]
    assert (heatmap["zmin"], heatmap["zmax"]) == (0.0, 1.0)


def test_one_input_several_classes_draws_the_decided_class():
    state = one_input_classes_state()
    surf = surface(state, 30, neuron=None)
    fig = charts.surface_figure(surf, engine.dataset(state.data), 0)
    network = next(t for t in fig["data"] if t["name"] == "network")
    assert network["y"] == np.argmax(surf.values, axis=1).tolist() and network["line"]["shape"] == "hv"
    assert fig["layout"]["yaxis"]["ticktext"] == ["a", "b", "c"]
    finite_json(fig)


@pytest.mark.parametrize("discrete", [False, True])
def test_two_class_surfaces_are_unchanged(discrete):
    # The circle lesson has one sigmoid output: the whole output layer is that one neuron, drawn as before.
    state = engine.PRESETS["circle"].state()
    data = engine.dataset(state.data)
    fig = charts.surface_figure(surface(state, 20), data, 7, discrete=discrete)
    assert charts.surface_figure(surface(state, 20, neuron=None), data, 7, discrete=discrete) == fig
    heatmap = fig["data"][0]
    assert heatmap["colorscale"] == [[0, palette.SURFACE_NEGATIVE], [0.5, "#ffffff"], [1, palette.SURFACE_POSITIVE]]
    assert heatmap["colorbar"] == {"thickness": 10, "len": 0.9}
    assert [t.get("name") for t in fig["data"][1:]] == ["train", "test (casing)", "test", "on show (casing)",
                                                         "on show"]
    assert fig["layout"]["showlegend"] is False
    if discrete:
        assert set(np.unique(heatmap["z"])) <= {0.0, 1.0}
