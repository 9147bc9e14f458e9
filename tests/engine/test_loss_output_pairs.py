"""Every output activation × loss: the page offers exactly the pairs the engine differentiates
honestly, the engine refuses the others with a reason, and on every offered pair backprop equals
the central difference of the engine's own cost, also where the outputs lie far outside (0, 1)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from app.layout import loss_options, output_options
from engine import LabInputError, NetworkSpec
from engine.passes import backward, cost, forward

PAIRS = [(out, loss) for out in engine.ACTIVATIONS for loss in engine.LOSSES]


def offered(out: str, loss: str) -> bool:
    """Would the settings let a student pick this pair? Both lists must agree."""
    outs = {o["value"]: not o["disabled"] for o in output_options(loss)}
    losses = {o["value"]: not o["disabled"] for o in loss_options(out)}
    return outs[out] and losses[loss]


def buildable(out: str, loss: str) -> bool:
    try:
        NetworkSpec((1, 2, 2), ("tanh", out), loss, "xavier")
    except LabInputError:
        return False
    return True


@pytest.mark.parametrize(("out", "loss"), PAIRS)
def test_the_page_offers_exactly_what_the_engine_builds(out, loss):
    assert offered(out, loss) == buildable(out, loss)


@pytest.mark.parametrize("out", [a for a in engine.ACTIVATIONS if a != "sigmoid"])
def test_cross_entropy_after_another_output_is_refused_with_the_reason(out):
    with pytest.raises(LabInputError) as refused:
        NetworkSpec((1, 2), (out,), "bce", "explicit")
    words = str(refused.value)
    assert "needs a sigmoid output" in words and "probability" in words and "another loss" in words
    # The settings say the same thing before anyone tries.
    assert {o["value"]: o["label"] for o in loss_options(out)}["bce"].endswith("(needs a sigmoid output)")


@pytest.mark.parametrize("out", [a for a in engine.ACTIVATIONS if a != "softmax"])
def test_categorical_cross_entropy_needs_a_softmax_output(out):
    with pytest.raises(LabInputError, match="needs a softmax output.*add up to 1"):
        NetworkSpec((1, 3), (out,), "cross_entropy", "explicit")
    assert {o["value"]: o["disabled"] for o in loss_options(out)}["cross_entropy"]


@pytest.mark.parametrize("loss", ["squared_error", "mse"])
def test_a_softmax_output_is_taught_with_cross_entropy_alone(loss):
    with pytest.raises(LabInputError) as refused:
        NetworkSpec((1, 3), ("softmax",), loss, "explicit")
    assert "collapse to δ = p − t" in str(refused.value) and "Jacobian" in str(refused.value)
    assert {o["value"]: o["label"] for o in loss_options("softmax")}[loss].endswith("(not after softmax)")
    assert {o["value"]: o["disabled"] for o in output_options(loss)}["softmax"]


def test_softmax_is_for_the_output_layer_of_two_or_more_classes():
    with pytest.raises(LabInputError, match="for the output layer, not hidden layer 1"):
        NetworkSpec((2, 3, 3), ("softmax", "softmax"), "cross_entropy", "explicit")
    with pytest.raises(LabInputError, match="at least 2 output neurons, not 1"):
        NetworkSpec((2, 3, 1), ("tanh", "softmax"), "cross_entropy", "explicit")


def test_the_reported_case_is_refused_not_given_a_false_gradient():
    # 1-1 linear network, W = 1, b = 0, x = −0.5, t = 1: BCE would have clipped o = −0.5 and
    # answered δ = −1e12 where its clipped loss is flat. Now the network cannot be built at all.
    with pytest.raises(LabInputError, match="sigmoid"):
        NetworkSpec((1, 1), ("linear",), "bce", "explicit")


def test_a_link_or_a_saved_lab_cannot_smuggle_the_pair_in():
    good = engine.PRESETS["circle"].state().to_dict()
    good["network"]["activations"][-1] = "relu"
    with pytest.raises(LabInputError, match="needs a sigmoid output"):
        engine.LabState.from_dict(good)


@st.composite
def offered_problems(draw):
    out, loss = draw(st.sampled_from([p for p in PAIRS if offered(*p)]))
    n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(2 if out == "softmax" else 1, 3))
    hidden = draw(st.lists(st.integers(1, 4), max_size=2))
    acts = tuple(draw(st.sampled_from(engine.HIDDEN_ACTIVATIONS)) for _ in hidden)
    spec = NetworkSpec((n_in, *hidden, n_out), (*acts, out), loss, "uniform", init_scale=1.0)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    # Up to 4× larger weights than an initialisation: outputs of ±10 and more, sigmoids near 0 and 1.
    scale = draw(st.sampled_from([0.5, 1.5, 4.0]))
    W = (None,) + tuple(rng.uniform(-scale, scale, (m, n)) for n, m in zip(spec.sizes, spec.sizes[1:]))
    b = (None,) + tuple(rng.uniform(-scale, scale, m) for m in spec.sizes[1:])
    batch = draw(st.integers(1, 4))
    x = rng.uniform(-3, 3, (batch, n_in))
    if loss == "cross_entropy":
        y = np.eye(n_out)[rng.integers(0, n_out, batch)]
    else:
        y = rng.uniform(0, 1, (batch, n_out)) if loss == "bce" else rng.uniform(-2, 2, (batch, n_out))
    return spec, engine.Params(W, b), x, y


def _near_a_kink(spec, params, x, h):
    # A ReLU's slope jumps at z = 0: a central difference across the jump measures neither side.
    return any(np.any(np.abs(z) < 1e3 * h) for z in forward(spec, params, x).z[1:])


@settings(max_examples=150, deadline=None)
@given(offered_problems())
def test_every_offered_pair_has_the_gradient_of_its_own_cost(problem):
    spec, params, x, y = problem
    h = 1e-6
    if _near_a_kink(spec, params, x, h):
        return
    bwd = backward(spec, params, forward(spec, params, x), y)
    refs = engine.all_refs(spec)
    backprop = np.array([ref.gradient(bwd.grad_W, bwd.grad_b) for ref in refs])
    central = np.array([
        (cost(spec, ref.set(params, ref.get(params) + h), x, y) - cost(spec, ref.set(params, ref.get(params) - h), x, y))
        / (2 * h)
        for ref in refs
    ])
    # 1e-6 relative to the gradient's largest part: a part a million times smaller than the
    # largest is below what a difference of two costs can resolve. On top, the difference's own
    # rounding: each cost is off by up to a few ulps of C, divided by 2h (1.8e-9 was once seen
    # with a cost near 20 and a gradient near 0).
    scale = max(np.abs(central).max(), 1e-3)
    rounding = 10 * np.finfo(float).eps * max(abs(cost(spec, params, x, y)), 1.0) / h
    assert np.abs(backprop - central).max() <= 1e-6 * scale + rounding, (spec, np.abs(backprop - central).max(), scale)
    assert np.all(np.isfinite(backprop))
