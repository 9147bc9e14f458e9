"""The phase cursor and the trainer: what is revealed when, when weights move, counters, seeds,
batches, optimizers, weight decay, divergence and the loss history.

The default lesson (2-2-1 sigmoid, one example x = (1, 0.5), t = 1, sgd with η = 1) is small enough to
follow every number by hand; the circle preset (2-4-4-1, 100 training points, batch 10) exercises
batches and epochs.
"""

import dataclasses
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

import engine
from engine import LabInputError, limits
from engine.network import NetworkSpec, Params, explicit_params, init_params
from engine.optimizers import ADAM_BETA1, ADAM_BETA2, ADAM_EPS, OptimizerState, update
from engine.phases import Cursor, Phase, Revealed, phases
from engine.presets import circle, default_lesson
from engine.state import History, TrainConfig
from engine.training import batch_indices, batches_per_epoch

ROOT = Path(__file__).resolve().parents[2]


def with_train(state, **changes):
    return state.replace(train=dataclasses.replace(state.train, **changes))


def state_without(state, *keys):
    d = state.to_dict()
    for k in keys:
        d.pop(k)
    return d


def params_equal(a: Params, b: Params) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.W[1:] + a.b[1:], b.W[1:] + b.b[1:]))


# ---------------------------------------------------------------------------------------------
# Phases and the cursor


def test_phases_for_three_layers():
    # forward 1 … L, loss, backward L … 1, update: 2L + 2 = 8 phases for L = 3.
    assert phases(3) == (
        Phase("forward", 1),
        Phase("forward", 2),
        Phase("forward", 3),
        Phase("loss"),
        Phase("backward", 3),
        Phase("backward", 2),
        Phase("backward", 1),
        Phase("update"),
    )
    assert Cursor(3).n_phases == 8


# For L = 2, index by index: (forward_to, loss, backward_from, updated); backward_from = L + 1 = 3 means no δ yet.
REVEALED_L2 = {
    -1: Revealed(0, False, 3, False),  # nothing yet: only the input a[0]
    0: Revealed(1, False, 3, False),  # forward layer 1
    1: Revealed(2, False, 3, False),  # forward layer 2 = output
    2: Revealed(2, True, 3, False),  # loss
    3: Revealed(2, True, 2, False),  # backward layer 2: δ[2] known
    4: Revealed(2, True, 1, False),  # backward layer 1: δ[1], δ[2] known
    5: Revealed(2, True, 1, True),  # update
}

WORDS_L2 = {
    -1: "Ready: press Step to send the input forward",
    0: "Forward: signal reaches layer 1",
    1: "Forward: signal reaches the output layer",
    2: "Loss: the output is compared with the target",
    3: "Backward: blame reaches the output layer",
    4: "Backward: blame reaches layer 1",
    5: "Update: every weight steps against its gradient",
}


@pytest.mark.parametrize("index", sorted(REVEALED_L2))
def test_revealed_and_words_for_two_layers(index):
    cursor = Cursor(2, index)
    assert cursor.revealed() == REVEALED_L2[index]
    assert cursor.words() == WORDS_L2[index]
    assert cursor.phase == (None if index < 0 else phases(2)[index])
    assert cursor.at_update == (index == 5)


def test_cursor_walks_the_phases_and_starts_again_after_the_update():
    cursor, seen = Cursor(2), []
    for _ in range(8):
        cursor = cursor.next()
        seen.append(cursor.index)
    # -1 → 0 … 5, then the next batch's forward layer 1 again.
    assert seen == [0, 1, 2, 3, 4, 5, 0, 1]


def test_words_name_middle_layers_by_number():
    assert Cursor(3, 1).words() == "Forward: signal reaches layer 2"
    assert Cursor(3, 5).words() == "Backward: blame reaches layer 2"
    assert Cursor(1, 0).words() == "Forward: signal reaches the output layer"


def test_revealed_is_monotone_within_a_step():
    # Each phase shows at least what the one before showed: the picture only gains.
    for L in range(1, 8):
        before = Cursor(L).revealed()
        for i in range(2 * L + 2):
            now = Cursor(L, i).revealed()
            assert now.forward_to >= before.forward_to
            assert now.loss >= before.loss
            assert now.backward_from <= before.backward_from
            assert now.updated >= before.updated
            before = now
        assert before == Revealed(L, True, 1, True)


# ---------------------------------------------------------------------------------------------
# advance and full_step


def test_advance_over_the_default_lesson_moves_weights_only_at_the_update():
    s0 = default_lesson()
    g = engine.batch_passes(s0).bwd
    state, indices = s0, []
    for _ in range(5):  # forward 1, forward 2, loss, backward 2, backward 1
        state = engine.advance(state)
        indices.append(state.cursor.index)
        assert params_equal(state.params, s0.params)
        assert state.counters == s0.counters and state.last_update is None
    assert indices == [0, 1, 2, 3, 4]

    updated = engine.advance(state)
    assert updated.cursor.index == 5 and updated.cursor.at_update
    # sgd with η = 1: every weight and bias moves by exactly −∂C/∂w.
    for l in (1, 2):
        assert np.array_equal(updated.params.W[l], s0.params.W[l] - 1.0 * g.grad_W[l])
        assert np.array_equal(updated.params.b[l], s0.params.b[l] - 1.0 * g.grad_b[l])
    # One example, batch 1: one batch per epoch, so this update finishes epoch 1.
    assert (updated.counters.step, updated.counters.epoch) == (1, 1)
    assert (updated.counters.shuffle_epoch, updated.counters.batch_number) == (0, 0)
    assert params_equal(updated.last_update.params_before, s0.params)
    assert updated.last_update.cost_before == g.cost
    d = engine.dataset(s0.data)
    assert updated.last_update.cost_after == pytest.approx(engine.cost(s0.spec, updated.params, d.x_train, d.y_train))
    assert updated.last_update.cost_after < updated.last_update.cost_before

    # The next advance starts the next batch: forward layer 1, weights as updated, a new shuffle epoch.
    nxt = engine.advance(updated)
    assert nxt.cursor.index == 0
    assert params_equal(nxt.params, updated.params)
    assert dataclasses.astuple(nxt.counters) == (1, 1, 1, 0)  # (step, epoch, shuffle_epoch, batch_number)


def test_advance_on_circle_counts_steps_and_batches():
    # Circle: L = 3, so 2·3 + 2 = 8 phases per step; 100 training points in batches of 10.
    s = circle()
    assert engine.dataset(s.data).x_train.shape == (100, 2)
    assert batches_per_epoch(s) == 10
    first_batch = batch_indices(s)
    for _ in range(8):
        s = engine.advance(s)
    assert s.cursor.at_update and s.counters.step == 1 and s.counters.epoch == 0
    assert np.array_equal(batch_indices(s), first_batch)  # still the batch that was just used
    s = engine.advance(s)
    assert s.cursor.index == 0 and s.counters.batch_number == 1
    assert set(batch_indices(s)).isdisjoint(first_batch)


def test_full_step_from_mid_phase_finishes_the_batch_on_show():
    s0 = engine.train_steps(circle(), 3)
    mid = engine.advance(engine.advance(s0))  # the next batch, up to forward layer 2
    assert mid.cursor.index == 1 and mid.counters.batch_number == 3
    by_phases = mid
    while not by_phases.cursor.at_update:
        by_phases = engine.advance(by_phases)
    stepped = engine.full_step(mid)
    assert stepped.to_dict() == by_phases.to_dict()
    assert stepped.counters.step == 4 and stepped.counters.batch_number == 3


def test_full_step_from_the_update_takes_the_next_batch():
    s = engine.full_step(circle())
    assert s.cursor.at_update and s.counters.batch_number == 0
    by_phases = s
    for _ in range(8):
        by_phases = engine.advance(by_phases)
    assert engine.full_step(s).to_dict() == by_phases.to_dict()
    assert by_phases.counters.batch_number == 1 and by_phases.counters.step == 2


def test_counters_over_epochs_on_circle():
    s = circle()
    for _ in range(10):
        s = engine.full_step(s)
    # The 10th update used batch 9, the last of epoch 0: one epoch done, the batch on show still 9.
    assert dataclasses.astuple(s.counters) == (10, 1, 0, 9)
    s = engine.full_step(s)
    assert dataclasses.astuple(s.counters) == (11, 1, 1, 0)


@pytest.mark.parametrize(("batch", "per_epoch"), [(10, 10), (7, 15), (100, 1), (1000, 1)])
def test_train_epochs_completes_exactly_n_epochs(batch, per_epoch):
    # 100 training points: batch 7 gives 14 full batches and one of 2 (⌈100/7⌉ = 15).
    s = with_train(circle(), batch_size=batch)
    assert batches_per_epoch(s) == per_epoch
    s = engine.train_epochs(s, 3)
    assert s.counters.epoch == 3
    assert s.counters.step == 3 * per_epoch
    assert not s.diverged


def test_train_epochs_from_mid_epoch_completes_the_current_one():
    s = engine.train_steps(circle(), 4)  # 4 of 10 batches of epoch 0
    s = engine.train_epochs(s, 1)
    assert (s.counters.step, s.counters.epoch) == (10, 1)
    s = engine.train_epochs(s, 2)
    assert (s.counters.step, s.counters.epoch) == (30, 3)


def test_train_epochs_and_steps_check_their_argument():
    s = circle()
    assert engine.train_epochs(s, 0) is s
    for bad in (-1, limits.MAX_EPOCHS_PER_CALL + 1):
        with pytest.raises(LabInputError, match="Epochs per call"):
            engine.train_epochs(s, bad)
    with pytest.raises(LabInputError, match="steps"):
        engine.train_steps(s, -1)


# ---------------------------------------------------------------------------------------------
# Seeds and batches


def test_same_seed_gives_identical_states():
    a = engine.train_epochs(circle(seed=3), 2)
    b = engine.train_epochs(circle(seed=3), 2)
    assert a.to_dict() == b.to_dict()


def test_different_seed_gives_a_different_lesson():
    a = engine.train_epochs(circle(seed=0), 1)
    b = engine.train_epochs(circle(seed=1), 1)
    assert a.to_dict() != b.to_dict()
    assert not params_equal(a.params, b.params)


def test_the_state_seed_alone_changes_the_batch_order():
    # Same data and starting weights; only the shuffling seed differs.
    a = circle(seed=0)
    b = a.replace(seed=1)
    assert not np.array_equal(batch_indices(a), batch_indices(b))
    assert not params_equal(engine.full_step(a).params, engine.full_step(b).params)


@pytest.mark.parametrize("batch", [10, 7, 1, 100])
def test_one_epoch_of_batches_covers_every_example_exactly_once(batch):
    s = with_train(circle(), batch_size=batch)
    n = engine.dataset(s.data).x_train.shape[0]
    epochs = []
    for _ in range(2):
        seen = []
        for _ in range(batches_per_epoch(s)):
            s = engine.full_step(s)
            idx = batch_indices(s)
            x = engine.batch_passes(s).x
            assert np.array_equal(x, engine.dataset(s.data).x_train[idx])
            seen.extend(idx.tolist())
        assert sorted(seen) == list(range(n))
        epochs.append(seen)
    if batch < n:
        assert epochs[0] != epochs[1]  # reshuffled each epoch


# ---------------------------------------------------------------------------------------------
# Optimizers, freezing and weight decay


@pytest.fixture
def tiny():
    """One weight and one bias: W1 = [[0.5]], b1 = [0.1]; gradient ∂C/∂W = 0.2, ∂C/∂b = −0.4."""
    spec = NetworkSpec((1, 1), ("linear",), "squared_error", "explicit")
    params = explicit_params(spec, [[[0.5]]], [[0.1]])
    grads = explicit_params(spec, [[[0.2]]], [[-0.4]])
    return params, grads


def test_sgd_by_hand(tiny):
    params, grads = tiny
    new, mem = update("sgd", params, grads, OptimizerState(), 0.1)
    # w − η g: 0.5 − 0.1·0.2 = 0.48; 0.1 − 0.1·(−0.4) = 0.14
    assert new.W[1][0, 0] == pytest.approx(0.48, abs=1e-15)
    assert new.b[1][0] == pytest.approx(0.14, abs=1e-15)
    assert mem == OptimizerState(1, {})


def test_momentum_by_hand(tiny):
    params, grads = tiny
    s1, mem1 = update("momentum", params, grads, OptimizerState(), 0.1, momentum=0.9)
    # v = 0.9·0 − 0.1·0.2 = −0.02; w = 0.5 − 0.02 = 0.48.   bias: v = +0.04; b = 0.14
    assert mem1.slots["velocity"].W[1][0, 0] == pytest.approx(-0.02, abs=1e-15)
    assert s1.W[1][0, 0] == pytest.approx(0.48, abs=1e-15)
    assert s1.b[1][0] == pytest.approx(0.14, abs=1e-15)
    s2, mem2 = update("momentum", s1, grads, mem1, 0.1, momentum=0.9)
    # v = 0.9·(−0.02) − 0.02 = −0.038; w = 0.48 − 0.038 = 0.442.   bias: v = 0.036 + 0.04 = 0.076; b = 0.216
    assert mem2.slots["velocity"].W[1][0, 0] == pytest.approx(-0.038, abs=1e-15)
    assert s2.W[1][0, 0] == pytest.approx(0.442, abs=1e-15)
    assert s2.b[1][0] == pytest.approx(0.216, abs=1e-15)
    assert mem2.t == 2
    # Nothing changed in place.
    assert params.W[1][0, 0] == 0.5 and mem1.slots["velocity"].W[1][0, 0] == pytest.approx(-0.02, abs=1e-15)


def test_adam_by_hand(tiny):
    params, grads = tiny
    s1, mem1 = update("adam", params, grads, OptimizerState(), 0.1)
    # m = 0.1·0.2 = 0.02, v = 0.001·0.04 = 4e-5; m̂ = 0.02/0.1 = 0.2, v̂ = 4e-5/0.001 = 0.04, √v̂ = 0.2
    # w = 0.5 − 0.1·0.2/(0.2 + 1e-8) = 0.400000005: Adam's first step is η whatever the gradient's size.
    assert mem1.slots["m"].W[1][0, 0] == pytest.approx(0.02, abs=1e-15)
    assert mem1.slots["v"].W[1][0, 0] == pytest.approx(4e-5, abs=1e-18)
    assert s1.W[1][0, 0] == pytest.approx(0.5 - 0.1 * 0.2 / (0.2 + 1e-8), abs=1e-15)
    assert s1.W[1][0, 0] == pytest.approx(0.400000005, abs=1e-12)
    # bias, g = −0.4: m̂ = −0.4, √v̂ = 0.4, b = 0.1 + 0.1·0.4/(0.4 + 1e-8) = 0.1999999975
    assert s1.b[1][0] == pytest.approx(0.1999999975, abs=1e-12)

    new_grads = Params(grads.W[:1] + (np.array([[-0.1]]),), grads.b)
    s2, mem2 = update("adam", s1, new_grads, mem1, 0.1)
    # m = 0.9·0.02 + 0.1·(−0.1) = 0.008;  v = 0.999·4e-5 + 0.001·0.01 = 4.996e-5
    # m̂ = 0.008/(1 − 0.9²) = 0.008/0.19 = 0.0421053;  v̂ = 4.996e-5/(1 − 0.999²) = 4.996e-5/0.001999 = 0.0249925
    # w = 0.400000005 − 0.1·0.0421053/(0.1580902 + 1e-8) = 0.400000005 − 0.0266338 = 0.3733663
    assert mem2.slots["m"].W[1][0, 0] == pytest.approx(0.008, abs=1e-15)
    assert mem2.slots["v"].W[1][0, 0] == pytest.approx(4.996e-5, abs=1e-18)
    assert s2.W[1][0, 0] == pytest.approx(0.3733663027, abs=1e-9)
    assert mem2.t == 2


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_optimizers_in_the_trainer_follow_the_formulas(optimizer):
    # Three full steps on the default lesson, against the update rules written out here.
    lr, mu = 0.5, 0.8
    state = with_train(default_lesson(), optimizer=optimizer, learning_rate=lr, settings={"momentum": mu})
    arrays = list(state.params.W[1:]) + list(state.params.b[1:])
    m = [np.zeros_like(a) for a in arrays]
    v = [np.zeros_like(a) for a in arrays]
    for t in range(1, 4):
        g = engine.batch_passes(state).bwd
        grads = list(g.grad_W[1:]) + list(g.grad_b[1:])
        if optimizer == "momentum":
            m = [mu * vel - lr * gi for vel, gi in zip(m, grads)]
            arrays = [a + vel for a, vel in zip(arrays, m)]
        else:
            m = [ADAM_BETA1 * mi + (1 - ADAM_BETA1) * gi for mi, gi in zip(m, grads)]
            v = [ADAM_BETA2 * vi + (1 - ADAM_BETA2) * gi**2 for vi, gi in zip(v, grads)]
            c1, c2 = 1 - ADAM_BETA1**t, 1 - ADAM_BETA2**t
            arrays = [a - lr * (mi / c1) / (np.sqrt(vi / c2) + ADAM_EPS) for a, mi, vi in zip(arrays, m, v)]
        state = engine.full_step(state)
        got = list(state.params.W[1:]) + list(state.params.b[1:])
        for want, have in zip(arrays, got):
            np.testing.assert_allclose(have, want, rtol=1e-13, atol=1e-15)
        assert state.optimizer_state.t == t


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_freeze_biases_keeps_every_bias(optimizer):
    s0 = with_train(circle(), optimizer=optimizer, freeze_biases=True)
    s0 = s0.replace(params=Params(s0.params.W, (None,) + tuple(np.full_like(b, 0.25) for b in s0.params.b[1:])))
    s = engine.train_steps(s0, 5)
    for l in range(1, s.spec.n_layers + 1):
        assert np.array_equal(s.params.b[l], s0.params.b[l])
        assert not np.array_equal(s.params.W[l], s0.params.W[l])


def test_unknown_optimizer_name_is_refused(tiny):
    params, grads = tiny
    with pytest.raises(LabInputError, match="rmsprop"):
        update("rmsprop", params, grads, OptimizerState(), 0.1)


def test_weight_decay_adds_lambda_w_to_the_gradient():
    # Default lesson weights: Σw² = 0.5² + 0.3² + 0.2² + 0.8² + 0.7² + 0.4² = 1.67.
    plain = default_lesson()
    lam = 0.1
    decayed = with_train(plain, weight_decay=lam)
    g0, g1 = engine.batch_passes(plain).bwd, engine.batch_passes(decayed).bwd
    for l in (1, 2):
        np.testing.assert_allclose(g1.grad_W[l] - g0.grad_W[l], lam * plain.params.W[l], rtol=0, atol=1e-15)
        assert np.array_equal(g1.grad_b[l], g0.grad_b[l])  # biases are never decayed
        assert np.array_equal(g1.delta[l], g0.delta[l])
    # C gains (λ/2)·Σw² = 0.05 · 1.67 = 0.0835; the data loss is the same.
    assert g1.cost - g0.cost == pytest.approx(0.0835, abs=1e-12)
    assert g1.loss == g0.loss
    # And the update uses it: w − η(g + λw), with η = 1.
    stepped = engine.full_step(decayed)
    np.testing.assert_allclose(
        stepped.params.W[1], plain.params.W[1] - (g0.grad_W[1] + lam * plain.params.W[1]), rtol=0, atol=1e-15
    )


# ---------------------------------------------------------------------------------------------
# Divergence


def relu_circle_lr_100():
    s = circle()
    spec = NetworkSpec((2, 4, 4, 1), ("relu", "relu", "sigmoid"), "bce", "xavier")
    return s.replace(spec=spec, params=init_params(spec, np.random.default_rng(0)), train=TrainConfig("sgd", 100.0))


def linear_default_lr_100():
    s = default_lesson()
    spec = NetworkSpec((2, 2, 1), ("linear", "linear"), "squared_error", "explicit")
    return s.replace(spec=spec, train=TrainConfig("sgd", 100.0, batch_size=1))


@pytest.mark.parametrize("make", [relu_circle_lr_100, linear_default_lr_100])
def test_a_huge_learning_rate_stops_training_in_plain_words(make):
    start = make()
    s = engine.train_epochs(start, 20)
    assert s.diverged
    assert s.diverged.startswith(f"Training stopped at step {s.counters.step}:")
    assert "learning rate 100" in s.diverged and "too large" in s.diverged
    assert s.params.is_finite() and s.params.largest() <= limits.MAX_ABS_VALUE
    assert all(np.isfinite(e[1]) for e in s.history.entries)
    # A diverged state does not move.
    assert engine.advance(s) is s
    assert engine.full_step(s) is s
    assert engine.train_epochs(s, 5) is s
    assert engine.train_steps(s, 5) is s
    # Reset clears it and keeps the settings.
    again = engine.reset(s, start.params)
    assert again.diverged == ""
    assert dataclasses.astuple(again.counters) == (0, 0, 0, 0)
    assert again.cursor.index == -1 and again.history.entries == () and again.last_update is None
    assert again.optimizer_state == OptimizerState()
    assert params_equal(again.params, start.params) and again.train == start.train
    assert engine.full_step(again).counters.step == 1


def test_linear_default_lesson_diverges_on_its_second_step_by_hand():
    # Linear 2-2-1, x = (1, 0.5), t = 1, η = 100.
    # z1 = (0.5 − 0.15 + 0.1, 0.2 + 0.4 − 0.1) = (0.45, 0.5); o = 0.7·0.45 − 0.4·0.5 + 0.2 = 0.315; δ2 = o − t = −0.685.
    s1 = engine.full_step(linear_default_lr_100())
    assert not s1.diverged
    # b2 = 0.2 − 100·(−0.685) = 68.7;  W2 = (0.7, −0.4) − 100·(−0.685)·(0.45, 0.5) = (31.525, 33.85)
    assert s1.params.b[2][0] == pytest.approx(68.7, abs=1e-12)
    np.testing.assert_allclose(s1.params.W[2], [[31.525, 33.85]], atol=1e-12)
    # δ1 = δ2·(0.7, −0.4) = (−0.4795, 0.274); W1 −= 100·δ1ᵀx → [[48.45, 23.675], [−27.2, −12.9]]
    np.testing.assert_allclose(s1.params.W[1], [[48.45, 23.675], [-27.2, -12.9]], atol=1e-12)
    # Step 2: o ≈ 31.5·108.3 − 33.85·61.15 + 68.7 ≈ 1414, so ∂C/∂W2 ≈ 1.5e5 and η times that passes 1e6.
    s2 = engine.full_step(s1)
    assert "Training stopped at step 1: the weights grew without bound" in s2.diverged


def test_a_diverged_state_is_the_last_good_state_plus_the_reason():
    # Through full_step: the refused update leaves nothing half-done (cursor, batch and counters as before).
    s1 = engine.full_step(linear_default_lr_100())
    s2 = engine.full_step(s1)
    assert s2.diverged and params_equal(s2.params, s1.params)
    assert state_without(s2, "diverged") == state_without(s1, "diverged")
    # Through advance: the state stays at "backward layer 1" of the batch that failed.
    s = engine.advance(s1)
    while s.cursor.index < 4:
        s = engine.advance(s)
    failed = engine.advance(s)
    assert failed.diverged and state_without(failed, "diverged") == state_without(s, "diverged")


# ---------------------------------------------------------------------------------------------
# History and learning


def test_history_thinning_by_hand(monkeypatch):
    monkeypatch.setattr(limits, "MAX_HISTORY", 4)
    h = History()
    for step in range(1, 6):
        h = h.add(step, 1.0 / step, None)
    # Five entries exceed four: every other one stays (1, 3, 5) and the stride doubles to 2.
    assert ([e[0] for e in h.entries], h.stride) == ([1, 3, 5], 2)
    for step in range(6, 11):
        h = h.add(step, 1.0 / step, None)
    # 6 is too close to 5 (less than the stride); 7 joins, 8 is skipped, 9 makes five again
    # → 1, 5, 9 stay and the stride is 4; 10 is too close to 9.
    assert ([e[0] for e in h.entries], h.stride) == ([1, 5, 9], 4)


def test_history_takes_sparse_entries_from_fast_play():
    # Fast play records once per tick, at irregular steps: each is kept while the stride allows.
    h = History()
    for step in (0, 37, 81, 120):
        h = h.add(step, 1.0, None)
    assert [e[0] for e in h.entries] == [0, 37, 81, 120]


def test_history_stays_capped_and_spans_the_whole_run():
    # The first update also records step 0 (where training started). 1200 steps: stride 1 until
    # 501 entries → 2; later 501 again → 4; steps 0, 4, …, 1200 are 301 entries.
    s = engine.train_steps(default_lesson(), 1200)
    h = s.history
    steps = [e[0] for e in h.entries]
    assert len(steps) <= limits.MAX_HISTORY
    assert h.stride == 4 and len(steps) == 301
    assert steps[0] == 0 and steps[-1] == s.counters.step == 1200
    assert all(b - a == h.stride for a, b in pairwise(steps))
    # The last entry is the loss after the last update; no test set in this lesson.
    assert h.entries[-1][1] == engine.evaluate(s)["train_loss"] and h.entries[-1][2] is None


def test_history_records_train_and_test_loss_after_each_update():
    s = engine.train_steps(circle(), 3)
    # Step 0 is where training started; then one entry after each update.
    assert [e[0] for e in s.history.entries] == [0, 1, 2, 3]
    scores = engine.evaluate(s)
    assert s.history.entries[-1][1:] == (scores["train_loss"], scores["test_loss"])


def test_training_the_default_lesson_lowers_the_loss():
    s0 = default_lesson()
    # z1 = (0.45, 0.5), a1 = (σ(0.45), σ(0.5)) = (0.610639, 0.622459)
    # z2 = 0.7·0.610639 − 0.4·0.622459 + 0.2 = 0.378464; o = σ(z2) = 0.593503; C = ½(1 − 0.593503)² = 0.0826201
    before = engine.evaluate(s0)["train_loss"]
    assert before == pytest.approx(0.0826201, abs=1e-7)
    s = s0
    losses = [before]
    for _ in range(20):
        s = engine.full_step(s)
        losses.append(engine.evaluate(s)["train_loss"])
    assert all(b < a for a, b in pairwise(losses))  # one example, small steps: every step helps
    assert losses[-1] < 0.2 * before


def test_training_circle_lowers_the_test_loss():
    s0 = circle()
    s = engine.train_epochs(s0, 20)
    assert engine.evaluate(s)["test_loss"] < engine.evaluate(s0)["test_loss"]


# ---------------------------------------------------------------------------------------------
# Architecture


def test_import_engine_pulls_in_no_dash_or_plotly():
    code = (
        "import sys, engine\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('dash', 'plotly'))\n"
        "print(','.join(bad))\n"
        "assert 'engine' in sys.modules and not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
