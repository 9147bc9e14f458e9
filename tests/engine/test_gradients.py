"""Backprop against central differences, over every activation × loss, random
architectures, batch sizes and penalties on the weights, L2 and L1 (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.losses import refusal
from engine.passes import backward, cost, forward

H = 1e-6


def numeric_gradients(spec, params, x, y, decay, penalty="l2"):
    """(C(p + h) − C(p − h)) / 2h for every parameter, in all_refs order."""
    out = []
    for ref in engine.all_refs(spec):
        p = ref.get(params)
        up = cost(spec, ref.set(params, p + H), x, y, decay, penalty)
        down = cost(spec, ref.set(params, p - H), x, y, decay, penalty)
        out.append((up - down) / (2 * H))
    return np.array(out)


def backprop_gradients(spec, params, x, y, decay, penalty="l2"):
    bwd = backward(spec, params, forward(spec, params, x), y, decay, penalty)
    return np.array([ref.gradient(bwd.grad_W, bwd.grad_b) for ref in engine.all_refs(spec)])


def outputs_for(loss: str) -> list[str]:
    """The output activations the loss may follow (BCE a sigmoid, cross-entropy a softmax)."""
    return [a for a in engine.ACTIVATIONS if not refusal(loss, a)]


@st.composite
def problems(draw, activation=None, loss=None):
    n_in = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 5), min_size=0, max_size=3))
    hidden_act = activation if activation in engine.HIDDEN_ACTIVATIONS else None
    acts = tuple(hidden_act or draw(st.sampled_from(engine.HIDDEN_ACTIVATIONS)) for _ in hidden)
    loss = loss or draw(st.sampled_from(tuple(engine.LOSSES)))
    out_act = activation if activation in outputs_for(loss) else draw(st.sampled_from(outputs_for(loss)))
    n_out = draw(st.integers(2 if engine.ACTIVATIONS[out_act].output_only else 1, 3))  # softmax shares among ≥ 2
    sizes = (n_in, *hidden, n_out)
    spec = engine.NetworkSpec(sizes, (*acts, out_act), loss, "uniform", init_scale=1.0)
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    params = engine.init_params(spec, rng)
    params = engine.Params(params.W, (None,) + tuple(rng.uniform(-0.5, 0.5, b.shape) for b in params.b[1:]))
    batch = draw(st.integers(1, 6))
    x = rng.uniform(-1.5, 1.5, (batch, n_in))
    if loss == "cross_entropy" and draw(st.booleans()):  # one class per example, as the data gives
        y = np.eye(n_out)[rng.integers(0, n_out, batch)]
    else:  # any targets: the engine's δ = p·Σt − t is exact for those too
        y = rng.uniform(0.05, 0.95, (batch, n_out)) if loss in ("bce", "cross_entropy") else rng.uniform(-1, 1, (batch, n_out))
    decay = draw(st.sampled_from([0.0, 0.01, 0.3]))
    penalty = draw(st.sampled_from(tuple(engine.PENALTIES)))
    return spec, params, x, y, decay, penalty


def _kinks(spec, params, x):
    """ReLU-family kinks make the central difference meaningless within h of z = 0."""
    fwd = forward(spec, params, x)
    return any(np.any(np.abs(z) < 1e-4) for z in fwd.z[1:])


def check(problem):
    spec, params, x, y, decay, penalty = problem
    # |w| has a kink at 0 too: the weights are drawn uniformly, so one within h of it is as rare as z's.
    if _kinks(spec, params, x) or (penalty == "l1" and any(np.any(np.abs(w) < 1e-4) for w in params.W[1:])):
        return
    bp = backprop_gradients(spec, params, x, y, decay, penalty)
    num = numeric_gradients(spec, params, x, y, decay, penalty)
    np.testing.assert_allclose(bp, num, rtol=1e-4, atol=1e-7)


# An output-only activation (softmax) only with the loss it is taught with; the others anywhere.
USABLE = [(a, loss) for a in engine.ACTIVATIONS for loss in engine.LOSSES
          if a in engine.HIDDEN_ACTIVATIONS or not refusal(loss, a)]


@pytest.mark.parametrize(("activation", "loss"), USABLE)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_every_activation_and_loss(activation, loss, data):
    check(data.draw(problems(activation=activation, loss=loss)))


@settings(max_examples=60, deadline=None)
@given(problems())
def test_mixed_networks(problem):
    check(problem)


def test_bce_from_logits_is_stable_for_saturated_outputs():
    # z = ±800 would overflow exp and make o exactly 0 or 1; the logits form stays finite.
    spec = engine.NetworkSpec((1, 1), ("sigmoid",), "bce", "uniform")
    params = engine.explicit_params(spec, [[[1.0]]], [[0.0]])
    x, y = np.array([[800.0], [-800.0]]), np.array([[0.0], [1.0]])
    bwd = backward(spec, params, forward(spec, params, x), y)
    # Each example is wrong by 800 logits: loss log(1 + e^800) − 0 ≈ 800.
    assert bwd.loss == pytest.approx(800.0)
    # δ = σ(z) − t = 1 − 0 and 0 − 1.
    assert bwd.delta[1].ravel().tolist() == pytest.approx([1.0, -1.0])


def test_weight_decay_adds_lambda_w():
    spec = engine.NetworkSpec((2, 1), ("linear",), "squared_error", "uniform")
    params = engine.explicit_params(spec, [[[2.0, -1.0]]], [[0.0]])
    x, y = np.array([[1.0, 1.0]]), np.array([[1.0]])
    plain = backward(spec, params, forward(spec, params, x), y, 0.0)
    decayed = backward(spec, params, forward(spec, params, x), y, 0.1)
    # o = 2 − 1 = 1 = t, so the data gradient is 0 and only λW = 0.1·(2, −1) remains.
    assert plain.grad_W[1].tolist() == [[0.0, 0.0]]
    assert decayed.grad_W[1][0].tolist() == pytest.approx([0.2, -0.1])
    # The penalty is (λ/2)‖W‖² = 0.05 · 5 = 0.25; biases are never decayed.
    assert decayed.cost == pytest.approx(0.25)
    assert decayed.grad_b[1].tolist() == [0.0]


def test_an_l1_penalty_adds_lambda_sign_w_by_hand():
    spec = engine.NetworkSpec((3, 1), ("linear",), "squared_error", "uniform")
    params = engine.explicit_params(spec, [[[2.0, -0.5, 0.0]]], [[0.0]])
    x, y = np.array([[1.0, 2.0, 7.0]]), np.array([[1.0]])
    l1 = backward(spec, params, forward(spec, params, x), y, 0.1, "l1")
    # o = 2 − 1 + 0 = 1 = t: only λ·sign(W) = 0.1·(1, −1, 0) remains. At w = 0, |w| has no slope; the
    # lab takes 0 of the subgradients [−λ, λ], so a weight at exactly 0 feels no push from the penalty.
    assert l1.grad_W[1][0].tolist() == pytest.approx([0.1, -0.1, 0.0])
    # The penalty is λ‖W‖₁ = 0.1 · 2.5 = 0.25; biases are never penalised.
    assert l1.cost == pytest.approx(0.25)
    assert l1.grad_b[1].tolist() == [0.0]
