"""Divergence and numerical edge cases: a huge learning rate, dying ReLUs, saturated sigmoids and
tanh units, constant data and a single example.

Each case is a network small enough to follow by hand (one input, one hidden neuron, one output,
squared error ½(o − t)², plain gradient descent), with the arithmetic in the comments; after each,
Reset (engine.reset to the starting weights) gives a healthy state that trains again.
"""

import dataclasses

import numpy as np
import pytest

import engine
from engine import DataSpec, LabState, NetworkSpec, TrainConfig, explicit_params, health, limits
from engine.presets import PRESETS
from engine.surface import surface
from engine.training import run_passes


def lab(activations, W, b, x, y, lr, batch=10, kind="regression", loss="squared_error", optimizer="sgd"):
    """A lab state with explicit weights and data (no test set)."""
    sizes = (len(x[0]),) + tuple(len(row) for row in b)
    spec = NetworkSpec(sizes, activations, loss, "explicit")
    data = DataSpec("explicit", x=x, y=y, test_fraction=0.0, kind=kind)
    return LabState("t", 0, spec, explicit_params(spec, W, b), TrainConfig(optimizer, lr, batch_size=batch), data)


def with_lr(state, lr):
    return state.replace(train=dataclasses.replace(state.train, learning_rate=lr))


def all_finite(state) -> bool:
    scores = engine.evaluate(state)
    losses = [e[1] for e in state.history.entries] + [scores["train_loss"]]
    return state.params.is_finite() and bool(np.all(np.isfinite(losses)))


def trains_again(state, start, lr, steps=100):
    """Reset to the starting weights, then train at learning rate lr without a stop; returns the state."""
    fresh = engine.reset(state, start.params)
    assert fresh.diverged == "" and fresh.counters.step == 0 and fresh.history.entries == ()
    out = engine.train_steps(with_lr(fresh, lr), steps)
    assert out.diverged == "" and out.counters.step == steps and all_finite(out)
    return out


# ---------------------------------------------------------------------------------------------
# A huge learning rate: the update that would break the limits is refused


def test_huge_learning_rate_stops_with_the_last_good_weights():
    # One linear neuron o = w·x + b, x = 1, t = 0, w = 1, b = 0, η = 100 (the largest allowed).
    # ∂C/∂w = ∂C/∂b = (o − t)·x = o, so each step does w, b ← w − 100·o, b − 100·o:
    #   step 1: o = 1       → w = 1 − 100 = −99,            b = 0 − 100 = −100
    #   step 2: o = −199    → w = −99 + 19 900 = 19 801,    b = −100 + 19 900 = 19 800
    #   step 3: o = 39 601  → w = 19 801 − 3 960 100 = −3 940 299, beyond MAX_ABS_VALUE (10⁶): refused.
    start = lab(("linear",), [[[1.0]]], [[0.0]], ((1.0,),), ((0.0,),), limits.MAX_LEARNING_RATE)
    out = engine.train_steps(start, 10)
    assert out.counters.step == 2
    assert out.params.W[1][0, 0] == 19_801 and out.params.b[1][0] == 19_800
    assert out.diverged.startswith("Training stopped at step 2: the weights grew without bound")
    assert "learning rate 100" in out.diverged
    assert all_finite(out)
    # A stopped state stays stopped, whichever way it is asked to move.
    assert engine.full_step(out) is out and engine.advance(out) is out and engine.train_steps(out, 5) is out
    trains_again(out, start, 0.1)


def test_weights_dragged_to_the_limit_stop_before_the_step():
    # Two linear neurons, x = 1, t = 0, both weights dragged to the limit 10⁶: o = 10⁶·10⁶ = 10¹²,
    # ∂C/∂w₁ = (o − t)·w₂·x = 10¹⁸, so one step at η = 1 would put w₁ near −10¹⁸: refused.
    healthy = lab(("linear", "linear"), [[[0.5]], [[0.5]]], [[0.0], [0.0]], ((1.0,),), ((0.0,),), 1.0)
    dragged = healthy.replace(params=explicit_params(healthy.spec, [[[1e6]], [[1e6]]], [[0.0], [0.0]]))
    out = engine.full_step(dragged)
    assert out.counters.step == 0 and out.diverged.startswith("Training stopped at step 0")
    assert out.params == dragged.params
    trains_again(out, healthy, 0.1)


# ---------------------------------------------------------------------------------------------
# Dying ReLUs


def test_relus_killed_by_a_large_step_pause_training():
    # x ∈ {1, 2}, t = 0; hidden ReLU h = max(0, w₁x + b₁), output o = w₂h + b₂; all weights 1, biases 0.
    # Step 1 (η = 1, full batch): h = x, o = x, δ₂ = o − t = x and δ₁ = δ₂·w₂·1 = x, so
    #   ∂C/∂w₁ = ∂C/∂w₂ = mean(x·x) = (1 + 4)/2 = 2.5 and ∂C/∂b₁ = ∂C/∂b₂ = mean(x) = 1.5:
    #   w₁ = w₂ = 1 − 2.5 = −1.5, b₁ = b₂ = −1.5. Now z₁ = −1.5x − 1.5 < 0 for both examples: dead.
    # Step 2: h = 0 for both, so δ₁ = 0 (no blame below) and ∂C/∂w₂ = δ₂·h = 0; only b₂ moves:
    #   o = b₂ = −1.5, ∂C/∂b₂ = −1.5, b₂ = −1.5 + 1.5 = 0. Then training pauses.
    start = lab(("relu", "linear"), [[[1.0]], [[1.0]]], [[0.0], [0.0]], ((1.0,), (2.0,)), ((0.0,), (0.0,)), 1.0)
    one = engine.full_step(start)
    assert one.diverged == ""
    assert one.params.W[1][0, 0] == one.params.W[2][0, 0] == one.params.b[1][0] == one.params.b[2][0] == -1.5
    two = engine.train_steps(one, 10)
    assert two.counters.step == 2
    assert two.diverged == (
        "Training paused at step 2: every ReLU in hidden layer 1 outputs 0 for every example, so no blame can "
        "flow back through it and the weights before it cannot learn ('dying ReLUs'). Press Reset, lower the "
        "learning rate, or try leaky ReLU."
    )
    assert two.params.W[1][0, 0] == two.params.W[2][0, 0] == two.params.b[1][0] == -1.5
    assert two.params.b[2][0] == 0.0
    assert all_finite(two) and engine.full_step(two) is two
    # With η = 0.1 the first step is ten times smaller (w₁ = 0.75, b₁ = 0.85) and the ReLU lives.
    trains_again(two, start, 0.1)


def test_a_layer_of_relus_with_large_negative_biases_pauses_at_once():
    # Biases −10 and weights of size ≤ 1 on inputs in [0, 1]: z = w·x − 10 ≤ −8 for every example.
    # Only the output's bias can move: sigmoid output, z₂ = 0, o = ½, targets (1, 1, 1, 0):
    #   δ₂ = (o − t)·σ′(0) = ∓½ · ¼ = ∓0.125, mean (−0.125·3 + 0.125)/4 = −0.0625, so b₂ = 0.0625.
    x = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
    state = lab(("relu", "sigmoid"), [[[0.5, 0.5], [-0.5, 1.0]], [[0.7, -0.4]]], [[-10.0, -10.0], [0.0]],
                x, ((1.0,), (1.0,), (1.0,), (0.0,)), 1.0, kind="classification")
    out = engine.full_step(state)
    assert out.counters.step == 1
    assert out.diverged.startswith("Training paused at step 1: every ReLU in hidden layer 1 outputs 0")
    assert out.params.b[2][0] == pytest.approx(0.0625)
    for l in (1, 2):
        assert np.array_equal(out.params.W[l], state.params.W[l])
    assert np.array_equal(out.params.b[1], state.params.b[1])
    # The phase-by-phase walk pauses at the same update.
    walked = state
    while walked.counters.step == 0 and not walked.diverged:
        walked = engine.advance(walked)
    assert walked.diverged == out.diverged
    # A paused state survives the JSON round trip (the reason fits the 400 characters allowed).
    assert LabState.from_json(out.to_json()).diverged == out.diverged
    # Reset clears the pause; these starting weights are dead too, so it pauses again at once.
    fresh = engine.reset(out, state.params)
    assert fresh.diverged == "" and engine.full_step(fresh).diverged == out.diverged


def test_the_highest_dead_layer_is_named():
    # Hidden layer 1 alive (z = x + 1 > 0), hidden layer 2 dead (z = h − 10 < 0 for h ≤ 3).
    state = lab(("relu", "relu", "linear"), [[[1.0]], [[1.0]], [[1.0]]], [[1.0], [-10.0], [0.0]],
                ((1.0,), (2.0,)), ((0.0,), (1.0,)), 0.1)
    assert "every ReLU in hidden layer 2 outputs 0" in engine.full_step(state).diverged


def test_leaky_relus_never_pause():
    # Leaky ReLU passes 0.01 of the blame for z < 0, so the same dead-looking layer still learns.
    state = lab(("leaky_relu", "linear"), [[[1.0]], [[1.0]]], [[-10.0], [0.0]], ((1.0,), (2.0,)),
                ((0.0,), (1.0,)), 0.1)
    out = engine.train_steps(state, 50)
    assert out.diverged == "" and all_finite(out)
    assert not np.array_equal(out.params.W[1], state.params.W[1])  # the weight before it learned


def test_a_few_dead_relus_do_not_pause():
    # Two ReLUs: one dead (b = −10), one alive (z = x > 0): blame still flows through the live one.
    state = lab(("relu", "linear"), [[[1.0], [1.0]], [[1.0, 1.0]]], [[-10.0, 0.0], [0.0]],
                ((1.0,), (2.0,)), ((0.5,), (1.0,)), 0.05)
    out = engine.train_steps(state, 100)
    assert out.diverged == "" and all_finite(out)


def test_a_batch_that_misses_the_live_examples_does_not_pause():
    # One ReLU h = max(0, x), examples x = −1 and x = 1. A batch holding only x = −1 sees a dead layer,
    # but x = 1 keeps it alive: the training set decides, not one small batch.
    state = lab(("relu", "linear"), [[[1.0]], [[1.0]]], [[0.0], [0.0]], ((-1.0,), (1.0,)),
                ((0.0,), (1.0,)), 0.1, batch=1)
    only_negative = run_passes(state, state.params, np.array([[-1.0]]), np.array([[0.0]]))
    assert health.stall_reason(state, only_negative) == ""
    assert engine.train_steps(state, 50).diverged == ""
    # When every example is negative the layer really is dead.
    dead = lab(("relu", "linear"), [[[1.0]], [[1.0]]], [[0.0], [0.0]], ((-1.0,), (-2.0,)),
               ((0.0,), (1.0,)), 0.1, batch=1)
    assert "every ReLU in hidden layer 1" in engine.full_step(dead).diverged


# ---------------------------------------------------------------------------------------------
# Saturated sigmoids and tanh units


def test_sigmoids_driven_into_saturation_pause_training():
    # x = 1, t = 10; hidden sigmoid h = σ(w₁x + b₁), output o = w₂h + b₂; w₁ = b₁ = b₂ = 0, w₂ = 1; η = 4.
    # Step 1: h = σ(0) = ½, o = ½, δ₂ = o − t = −9.5, δ₁ = δ₂·w₂·σ′(0) = −9.5 · ¼ = −2.375:
    #   w₁ = b₁ = 0 + 4 · 2.375 = 9.5, so z₁ = 19 > 12: σ′(19) ≈ 5.6e-9, the sigmoid is flat.
    #   w₂ = 1 + 4 · 9.5 · ½ = 20, b₂ = 0 + 4 · 9.5 = 38.
    # Step 2 is taken on the saturated layer, then training pauses.
    start = lab(("sigmoid", "linear"), [[[0.0]], [[1.0]]], [[0.0], [0.0]], ((1.0,),), ((10.0,),), 4.0)
    one = engine.full_step(start)
    assert one.diverged == ""
    assert (one.params.W[1][0, 0], one.params.b[1][0], one.params.W[2][0, 0], one.params.b[2][0]) == (
        9.5, 9.5, 20.0, 38.0)
    two = engine.train_steps(one, 10)
    assert two.counters.step == 2
    assert two.diverged.startswith(
        "Training paused at step 2: every sigmoid in hidden layer 1 is saturated: its z is beyond ±12 for "
        "every example")
    assert "Press Reset" in two.diverged and all_finite(two)
    trains_again(two, start, 0.1)


def test_a_saturated_tanh_layer_pauses_and_a_merely_steep_one_does_not():
    # Biases ±10 on inputs in [0, 1]: |z| ≥ 9 > 7 for every unit and example (tanh′(9) ≈ 6e-8).
    x, y = ((0.0, 0.5), (1.0, 0.0)), ((1.0,), (0.0,))
    W = [[[0.5, 0.5], [-0.5, 1.0]], [[1.0, -1.0]]]
    saturated = lab(("tanh", "sigmoid"), W, [[10.0, -10.0], [0.0]], x, y, 0.5, kind="classification")
    assert "every tanh unit in hidden layer 1 is saturated: its z is beyond ±7" in engine.full_step(saturated).diverged
    # |z| between 4 and 6: tanh′ ≥ tanh′(6) ≈ 2.5e-5, small but the layer still learns.
    steep = lab(("tanh", "sigmoid"), W, [[5.0, -5.0], [0.0]], x, y, 0.5, kind="classification")
    assert engine.train_steps(steep, 20).diverged == ""


def test_one_unsaturated_unit_keeps_the_layer_learning():
    state = lab(("sigmoid", "linear"), [[[1.0], [1.0]], [[1.0, 1.0]]], [[20.0, 0.0], [0.0]],
                ((1.0,), (2.0,)), ((0.0,), (1.0,)), 0.1)
    assert engine.train_steps(state, 50).diverged == ""


def test_thresholds_are_where_the_slope_falls_below_1e_5():
    sig, tanh = engine.ACTIVATIONS["sigmoid"].df, engine.ACTIVATIONS["tanh"].df
    assert sig(np.array(health.SATURATED_Z["sigmoid"])) < 1e-5 < sig(np.array(11.0))
    assert tanh(np.array(health.SATURATED_Z["tanh"])) < 1e-5 < tanh(np.array(6.0))


# ---------------------------------------------------------------------------------------------
# No false stops


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_trains_200_steps_without_a_stop(name):
    out = engine.train_steps(PRESETS[name].state(), 200)
    assert out.diverged == "" and out.counters.step == 200 and all_finite(out)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_healthy_networks_of_each_activation_train_without_a_stop(activation):
    spec = NetworkSpec((2, 8, 8, 1), (activation, activation, "sigmoid"), "bce", "he")
    state = LabState("t", 0, spec, engine.init_params(spec, np.random.default_rng(0)),
                     TrainConfig("sgd", 0.1, batch_size=10),
                     DataSpec("circle", n_points=200, noise=0.05, test_fraction=0.5, seed=0))
    assert engine.train_steps(state, 300).diverged == ""


# ---------------------------------------------------------------------------------------------
# Constant data and a single example: nothing to stop, everything well defined


def test_identical_inputs_with_mixed_labels_settle_at_one_half():
    # Four copies of x = (0.5, 0.5), labels 1, 0, 1, 0: the network cannot tell them apart, so the
    # best it can do is o = ½ for all, with loss ½(½)² = 0.125 each and half of them right.
    x = ((0.5, 0.5),) * 4
    state = lab(("sigmoid", "sigmoid"), [[[0.5, -0.3], [0.2, 0.8]], [[0.7, -0.4]]], [[0.1, -0.1], [0.2]], x,
                ((1.0,), (0.0,), (1.0,), (0.0,)), 1.0, kind="classification")
    out = engine.train_steps(state, 300)
    scores = engine.evaluate(out)
    assert out.diverged == "" and all_finite(out)
    assert scores["train_loss"] == pytest.approx(0.125, abs=1e-6)
    assert scores["train_accuracy"] == 0.5
    assert scores["test_loss"] is None and scores["test_accuracy"] is None


def test_identical_labels_are_learned():
    # Every target 1: the output climbs toward 1 whatever the input; every example is right.
    x = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
    state = lab(("tanh", "sigmoid"), [[[0.5, -0.3], [0.2, 0.8]], [[0.7, -0.4]]], [[0.1, -0.1], [0.2]], x,
                ((1.0,),) * 4, 1.0, kind="classification", loss="bce")
    out = engine.train_steps(state, 200)
    scores = engine.evaluate(out)
    assert out.diverged == "" and all_finite(out)
    assert scores["train_accuracy"] == 1.0 and scores["train_loss"] < 0.05


def test_one_generated_example_trains_without_a_test_set():
    # One point, half of it for testing: round(0.5) = 0 test points, so the one point trains.
    data = DataSpec("xor", n_points=1, test_fraction=0.5)
    assert engine.dataset(data).x_train.shape == (1, 2) and engine.dataset(data).x_test.shape == (0, 2)
    spec = NetworkSpec((2, 4, 1), ("relu", "sigmoid"), "bce", "he")
    state = LabState("t", 0, spec, engine.init_params(spec, np.random.default_rng(0)), TrainConfig(), data)
    out = engine.train_steps(state, 50)
    scores = engine.evaluate(out)
    assert out.diverged == "" and all_finite(out)
    assert scores["test_loss"] is None and scores["train_accuracy"] == 1.0
    assert all(entry[2] is None for entry in out.history.entries)
    assert engine.train_for(out, 0.01).diverged == ""


def test_the_default_lesson_is_a_single_example_that_trains_for_ever():
    # Reset, then 1000 steps on the one example: the loss falls and stays finite.
    start = engine.presets.default_lesson()
    out = engine.train_steps(start, 1000)
    assert out.diverged == "" and all_finite(out)
    assert engine.evaluate(out)["train_loss"] < engine.evaluate(start)["train_loss"]
    trains_again(out, start, 1.0)


@pytest.mark.parametrize("x", [((0.5, 0.5),) * 3, ((0.5, 0.5),)])
def test_surface_and_landscapes_of_constant_or_single_inputs_are_finite(x):
    # Zero-width input range: the surface shows the plane ±1 around the point.
    state = lab(("relu", "sigmoid"), [[[0.5, -0.3], [0.2, 0.8]], [[0.7, -0.4]]], [[0.1, -0.1], [0.2]], x,
                ((1.0,),) * len(x), 0.5, kind="classification")
    surf = surface(state, 5)
    assert surf.xs[0] == -0.5 and surf.xs[-1] == 1.5 and np.all(np.isfinite(surf.values))
    ref_x, ref_y = engine.ParamRef("W", 1, 0, 0), engine.ParamRef("b", 2, 0)
    s = engine.loss_slice(state, ref_x, np.linspace(-3.5, 4.5, 9))
    g = engine.loss_grid(state, ref_x, ref_y, np.linspace(-2, 2, 5), np.linspace(-2, 2, 5))
    assert np.all(np.isfinite(s.loss)) and np.isfinite(s.slope_backprop) and np.all(np.isfinite(g.loss))
