"""The local-minimum lesson: the real loss along one weight has two valleys, and gradient descent
settles in the nearer, shallower one.

The network is x → σ(w·x − 3) → v·h, with both biases fixed (−3 and 0). The data are five points,
x = −4, −2, 0, 2, 4 with targets 1.5, 0, 0, 0, 2. The curve is sampled as the app's "One weight"
panel draws it: 121 points over w ± 4.
"""

import numpy as np
import pytest

import engine

W = "W1[0,0]"
SIGMOID_MINUS_3 = 1 / (1 + np.exp(3.0))  # 0.0474: the switch is off


def lesson():
    return engine.PRESETS["local_minimum"].state()


def along_w(state):
    """The sampled curve C(w) around today's w, and its interior local minima (indices)."""
    ref = engine.ParamRef.parse(W, state.spec)
    w = ref.get(state.params)
    values = np.linspace(w - 4.0, w + 4.0, 121)
    loss = engine.loss_slice(state, ref, values).loss
    minima = [i for i in range(1, len(loss) - 1) if loss[i] < loss[i - 1] and loss[i] <= loss[i + 1]]
    return values, loss, minima


def slope(state, name: str) -> float:
    """Backprop's ∂C/∂(name) at today's value."""
    return engine.loss_slice(state, engine.ParamRef.parse(name, state.spec), [0.0, 1.0]).slope_backprop


def describe(values, loss, minima) -> str:
    return "minima (w, C): " + ", ".join(f"({values[i]:.2f}, {loss[i]:.4f})" for i in minima)


def two_valleys(state):
    """(left, right, top) as (w, C) pairs and the curve's range, after checking there are exactly two valleys."""
    values, loss, minima = along_w(state)
    assert len(minima) == 2, describe(values, loss, minima)
    i, j = minima
    k = i + int(np.argmax(loss[i:j + 1]))
    return (values[i], loss[i]), (values[j], loss[j]), (values[k], loss[k]), float(loss.max() - loss.min())


def test_the_lesson_is_the_one_the_comments_describe():
    s = lesson()
    assert s.spec.sizes == (1, 1, 1) and s.spec.activations == ("sigmoid", "linear")
    assert s.train.freeze_biases and s.train.batch_size == 5 and s.train.learning_rate == 1.0
    assert engine.ParamRef.parse(W, s.spec).get(s.params) == -0.5
    d = engine.dataset(s.data)
    assert d.x_train.ravel().tolist() == [-4.0, -2.0, 0.0, 2.0, 4.0]  # explicit rows are not shuffled
    assert d.y_train.ravel().tolist() == [1.5, 0.0, 0.0, 0.0, 2.0]


def test_at_the_start_the_loss_along_w_has_two_valleys_and_a_bump():
    s = lesson()
    (wl, cl), (wr, cr), (wt, ct), span = two_valleys(s)
    message = f"left ({wl:.2f}, {cl:.4f}), right ({wr:.2f}, {cr:.4f}), bump ({wt:.2f}, {ct:.4f}), range {span:.4f}"
    # The valleys sit either side of w = 0: the switch on for x = −4 (left) or for x = 4 (right).
    assert -1.6 < wl < -1.0 and 1.1 < wr < 1.7, message
    # The right valley is deeper: it fits the taller arm (2 rather than 1.5).
    assert cr < cl - 0.05, message
    # A clear bump between them, at least 20 % of the curve's range above the higher valley.
    assert ct - max(cl, cr) >= 0.2 * span, message
    # The bump is where the switch is off for every point: h = σ(−3) = 0.0474 and o = v·h = 0.0474, so
    # C = ½·((1.5 − 0.0474)² + 3·0.0474² + (2 − 0.0474)²) / 5 = ½·(2.1100 + 0.0067 + 3.8126) / 5 = 0.5929.
    o = SIGMOID_MINUS_3
    off = 0.5 * ((1.5 - o) ** 2 + 3 * o**2 + (2 - o) ** 2) / 5
    assert off == pytest.approx(0.5929, abs=1e-4)
    assert float(engine.loss_slice(s, engine.ParamRef.parse(W, s.spec), [0.0, 1.0]).loss[0]) == pytest.approx(off, abs=1e-12)
    assert abs(wt) < 0.1 and ct == pytest.approx(off, abs=0.001), message
    # The ball (w = −0.5) is on the slope down into the left, shallower valley: C rises to the right
    # of it, so the first step moves w to the left.
    assert wl < -0.5 < wt and slope(s, W) > 0.1, (message, slope(s, W))


def test_training_settles_in_the_nearer_shallower_valley_and_stays():
    s = lesson()
    ref = engine.ParamRef.parse(W, s.spec)
    _, _, (w_bump, _), _ = two_valleys(s)
    for steps in (5, 200, 2000):
        out = engine.train_steps(s, steps)  # with the lesson's own learning rate, 1.0
        w = ref.get(out.params)
        (wl, cl), (wr, cr), (wt, ct), _ = two_valleys(out)
        message = (f"after {steps} steps: w = {w:.3f}, C = {engine.evaluate(out)['train_loss']:.4f}; "
                   f"left ({wl:.2f}, {cl:.4f}), right ({wr:.2f}, {cr:.4f}), bump ({wt:.2f}, {ct:.4f})")
        assert w < w_bump and w < wt, message  # never crossed the bump
        assert abs(w - wl) <= 8.0 / 120, message  # at the bottom of the left valley (to the grid's spacing)
        assert cr < cl - 0.1, message  # and a deeper valley is still in view, across the bump
    # After 2000 steps it has stopped: no slope left in w or v, at C = 0.4252 (the right valley is 0.274).
    assert abs(slope(out, W)) < 1e-6 and abs(slope(out, "W2[0,0]")) < 1e-6, (slope(out, W), slope(out, "W2[0,0]"))
    assert engine.evaluate(out)["train_loss"] == pytest.approx(0.4252, abs=1e-4)


def test_from_the_other_side_of_the_bump_it_settles_in_the_deeper_valley():
    s = lesson()
    ref = engine.ParamRef.parse(W, s.spec)
    stuck = engine.train_steps(s, 200)
    moved = engine.train_steps(stuck.replace(params=ref.set(stuck.params, 1.0)), 200)
    w, c = ref.get(moved.params), engine.evaluate(moved)["train_loss"]
    assert 0.7 < w < 1.1 and c == pytest.approx(0.271, abs=0.001), (w, c)
    assert c < engine.evaluate(stuck)["train_loss"] - 0.15
