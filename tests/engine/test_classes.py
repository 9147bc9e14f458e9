"""More than two classes: softmax, categorical cross-entropy, the datasets of 3 and 4 classes and
their scores, checked by hand, against central differences and against an independent
implementation (a scalar reverse-mode differentiator written here, sharing no code with the engine)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import DataSpec, LabInputError, NetworkSpec, metrics
from engine.losses import LOSSES, cross_entropy, cross_entropy_from_logits
from engine.passes import backward, cost, forward

SOFTMAX = engine.ACTIVATIONS["softmax"]


# --- by hand ------------------------------------------------------------------------------------

def test_softmax_by_hand():
    # e¹, e², e³ = 2.7182818, 7.3890561, 20.0855369; their sum 30.1928748.
    p = SOFTMAX.f(np.array([[1.0, 2.0, 3.0]]))
    assert p[0].tolist() == pytest.approx([0.0900306, 0.2447285, 0.6652410], abs=1e-7)
    assert p.sum() == pytest.approx(1.0)
    # Adding the same number to every z changes nothing, and z = 800 does not overflow.
    np.testing.assert_allclose(SOFTMAX.f(np.array([[801.0, 802.0, 803.0]])), p, rtol=1e-12)


def test_cross_entropy_and_its_delta_by_hand():
    z, t = np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 0.0, 1.0]])
    # C = −log p₃ = −log 0.6652410 = 0.4076059; from z: log Σe^z − z₃ = 3.4076059 − 3.
    assert cross_entropy_from_logits(z, t)[0] == pytest.approx(0.4076059, abs=1e-7)
    assert cross_entropy(SOFTMAX.f(z), t)[0] == pytest.approx(0.4076059, abs=1e-7)
    # δ = p − t = (0.0900306, 0.2447285, 0.6652410 − 1).
    delta = LOSSES["cross_entropy"].logits_delta(SOFTMAX.f(z), t)
    assert delta[0].tolist() == pytest.approx([0.0900306, 0.2447285, -0.3347590], abs=1e-7)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-20, 20), min_size=2, max_size=4), st.data())
def test_the_jacobian_collapses_to_p_minus_t(z, data):
    """Σ_j ∂C/∂p_j · ∂p_j/∂z_k, with the whole Jacobian p_j(δ_jk − p_k), is the engine's δ: p − t for a
    one-hot target, and p·Σt − t for any target."""
    z = np.array([z])
    p = SOFTMAX.f(z)[0]
    k = len(p)
    jacobian = np.diag(p) - np.outer(p, p)  # ∂p_j/∂z_k = p_j(δ_jk − p_k)
    one_hot = np.eye(k)[data.draw(st.integers(0, k - 1))]
    spread = np.array(data.draw(st.lists(st.floats(0, 1), min_size=k, max_size=k)))
    for t in (one_hot, spread):
        slope = -t / p  # ∂C/∂p_j = −t_j/p_j
        engine_delta = LOSSES["cross_entropy"].logits_delta(p[None], t[None])[0]
        if np.all(p > 1e-300):
            np.testing.assert_allclose(slope @ jacobian, engine_delta, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(LOSSES["cross_entropy"].logits_delta(p[None], one_hot[None])[0], p - one_hot)


# --- an independent implementation -----------------------------------------------------------------

class Scalar:
    """A number that remembers how it was made, for reverse-mode differentiation (the chain rule
    applied node by node, in reverse topological order)."""

    def __init__(self, value, parents=()):
        self.value, self.parents, self.grad = float(value), parents, 0.0  # parents: (node, ∂self/∂node)

    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        return Scalar(self.value + other.value, ((self, 1.0), (other, 1.0)))

    __radd__ = __add__

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        return Scalar(self.value * other.value, ((self, other.value), (other, self.value)))

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def exp(self):
        e = math.exp(self.value)
        return Scalar(e, ((self, e),))

    def log(self):
        return Scalar(math.log(self.value), ((self, 1.0 / self.value),))

    def inverse(self):
        return Scalar(1.0 / self.value, ((self, -1.0 / self.value**2),))

    def tanh(self):
        t = math.tanh(self.value)
        return Scalar(t, ((self, 1.0 - t * t),))

    def backward(self):
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent, _ in node.parents:
                    visit(parent)
                order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in node.parents:
                parent.grad += local * node.grad


def scalar_cost(W, b, x, y, decay):
    """C of a tanh network with a softmax output and cross-entropy, one Scalar at a time; returns C
    and the z of every layer of every example."""
    L, zs, total = len(W), [], Scalar(0.0)
    for xi, ti in zip(x, y):
        a, z_of_example = [Scalar(v) for v in xi], []
        for l in range(L):
            z = [sum((W[l][i][j] * a[j] for j in range(len(a))), b[l][i]) for i in range(len(W[l]))]
            z_of_example.append(z)
            a = [zi.tanh() for zi in z] if l < L - 1 else z
        exps = [zk.exp() for zk in a]
        norm = sum(exps, Scalar(0.0)).inverse()
        p = [e * norm for e in exps]
        total = total + sum((-ti[k] * p[k].log() for k in range(len(p))), Scalar(0.0))
        zs.append(z_of_example)
    penalty = sum((w * w for row in (r for layer in W for r in layer) for w in row), Scalar(0.0)) * (decay / 2)
    return total * (1.0 / len(x)) + penalty, zs


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.lists(st.integers(1, 4), max_size=2), st.integers(2, 4), st.integers(1, 4),
       st.sampled_from([0.0, 0.1]), st.integers(0, 2**16))
def test_backprop_equals_an_independent_implementation(n_in, hidden, n_out, batch, decay, seed):
    sizes = (n_in, *hidden, n_out)
    spec = NetworkSpec(sizes, ("tanh",) * len(hidden) + ("softmax",), "cross_entropy", "uniform", init_scale=1.5)
    rng = np.random.default_rng(seed)
    params = engine.init_params(spec, rng)
    params = engine.Params(params.W, (None,) + tuple(rng.uniform(-1, 1, b.shape) for b in params.b[1:]))
    x = rng.uniform(-2, 2, (batch, n_in))
    y = np.eye(n_out)[rng.integers(0, n_out, batch)]
    fwd = forward(spec, params, x)
    bwd = backward(spec, params, fwd, y, decay)

    W = [[[Scalar(v) for v in row] for row in w] for w in params.W[1:]]
    b = [[Scalar(v) for v in v_l] for v_l in params.b[1:]]
    c, zs = scalar_cost(W, b, x, y, decay)
    c.backward()
    assert bwd.cost == pytest.approx(c.value, rel=1e-12)
    for l in range(1, len(sizes)):
        np.testing.assert_allclose(bwd.grad_W[l], [[w.grad for w in row] for row in W[l - 1]], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(bwd.grad_b[l], [v.grad for v in b[l - 1]], rtol=1e-9, atol=1e-12)
        # δ is each example's own ∂C/∂z; the scalar cost is the batch mean, so its ∂/∂z is δ / batch.
        np.testing.assert_allclose(bwd.delta[l], [[batch * z.grad for z in zs[e][l - 1]] for e in range(batch)],
                                   rtol=1e-9, atol=1e-12)
    # At the output, that δ is p − t.
    np.testing.assert_allclose(bwd.delta[-1], fwd.output - y, atol=1e-15)


def test_every_phase_of_a_step_uses_those_numbers():
    """Walk one whole step of the lesson phase by phase (SGD, so the update is W − η·∂C/∂W): every
    phase shows the same example's passes, and the update moves each weight by the batch's mean
    gradient as the independent implementation computes it."""
    state = engine.PRESETS["three_classes"].state()
    state = state.replace(train=engine.TrainConfig("sgd", 0.3, batch_size=5))
    data = engine.dataset(state.data)
    idx = engine.training.batch_indices(state)
    W = [[[Scalar(v) for v in row] for row in w] for w in state.params.W[1:]]
    b = [[Scalar(v) for v in v_l] for v_l in state.params.b[1:]]
    c, _ = scalar_cost(W, b, data.x_train[idx], data.y_train[idx], 0.0)
    c.backward()
    shown = engine.example_passes(state)
    walked = state
    for _ in engine.phases(state.spec.n_layers):
        walked = engine.advance(walked)
        if walked.counters.step == 0:
            np.testing.assert_array_equal(engine.example_passes(walked).bwd.delta[-1], shown.bwd.delta[-1])
    assert walked.counters.step == 1
    for l in range(1, 4):
        expected = state.params.W[l] - 0.3 * np.array([[w.grad for w in row] for row in W[l - 1]])
        np.testing.assert_allclose(walked.params.W[l], expected, rtol=1e-12, atol=1e-14)


def test_central_differences_on_the_lesson():
    state = engine.PRESETS["three_classes"].state()
    data = engine.dataset(state.data)
    x, y = data.x_train[:20], data.y_train[:20]
    bwd = backward(state.spec, state.params, forward(state.spec, state.params, x), y)
    for ref in engine.all_refs(state.spec):
        v, h = ref.get(state.params), 1e-6
        central = (cost(state.spec, ref.set(state.params, v + h), x, y)
                   - cost(state.spec, ref.set(state.params, v - h), x, y)) / (2 * h)
        assert ref.gradient(bwd.grad_W, bwd.grad_b) == pytest.approx(central, abs=1e-8), str(ref)


# --- the data -------------------------------------------------------------------------------------

def test_three_spiral_arms_follow_their_rule():
    d = engine.make_dataset(DataSpec("spiral3", n_points=300, noise=0.0, test_fraction=0.0))
    x, label = d.raw_train, np.argmax(d.y_train, axis=1)
    assert d.classes == ("A", "B", "C") and d.y_train.shape == (300, 3)
    assert np.bincount(label).tolist() == [100, 100, 100]
    # Each point lies on its arm: angle = 2.5π·r + 2π·k/3 (mod 2π).
    r = np.hypot(x[:, 0], x[:, 1])
    arm = 2.5 * np.pi * r + 2 * np.pi * label / 3
    np.testing.assert_allclose(np.cos(arm) * r, x[:, 0], atol=1e-12)
    np.testing.assert_allclose(np.sin(arm) * r, x[:, 1], atol=1e-12)


def test_four_blobs_sit_in_their_quadrants():
    d = engine.make_dataset(DataSpec("blobs4", n_points=400, noise=0.0, test_fraction=0.0))
    label = np.argmax(d.y_train, axis=1)
    centres = np.array([[0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5], [0.5, -0.5]])
    for k in range(4):
        # 100 points of σ 0.2: each mean within 4 standard errors (4 · 0.2 / √100 = 0.08).
        np.testing.assert_allclose(d.raw_train[label == k].mean(axis=0), centres[k], atol=0.08)


def test_explicit_classes_are_checked_and_round_trip():
    spec = DataSpec(name="explicit", x=((0.0,), (1.0,), (2.0,)), y=((1, 0, 0), (0, 1, 0), (0, 0, 1)),
                    classes=("cat", "dog", "eel"))
    assert spec.output_size() == 3 and engine.make_dataset(spec).classes == ("cat", "dog", "eel")
    assert DataSpec.from_dict(spec.to_dict()) == spec
    with pytest.raises(LabInputError, match="row 2: with 3 classes each target row is one 1"):
        DataSpec(name="explicit", x=((0.0,), (1.0,)), y=((1, 0, 0), (1, 1, 0)), classes=("a", "b", "c"))
    with pytest.raises(LabInputError, match="2 to 4 different classes"):
        DataSpec(name="explicit", x=((0.0,),), y=((1, 0),), classes=("a", "a"))
    with pytest.raises(LabInputError, match="only for name 'explicit'|classes of its own"):
        DataSpec("xor", classes=("a", "b"))
    # A lab saved before classes existed loads with none.
    old = spec.to_dict()
    del old["classes"]
    old["y"], old["kind"] = [[0.0], [1.0], [1.0]], "classification"
    assert DataSpec.from_dict(old).classes == ()


# --- scores ----------------------------------------------------------------------------------------

def test_a_confusion_matrix_of_three_classes_by_hand():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4]])
    t = np.eye(3)[[0, 1, 1, 2]]
    # Decisions (largest p): 0, 2, 1, 2 against targets 0, 1, 1, 2: three right, one B read as C.
    m = metrics.confusion(p, t, ("A", "B", "C"))
    assert m.counts == ((1, 0, 0), (0, 1, 1), (0, 0, 1))
    assert m.accuracy == 0.75 and m.to_dict()["classes"] == ["A", "B", "C"]


def test_the_lesson_learns_its_three_classes():
    # The figures the lesson's comment quotes (seed 0): 47% → 88% → 96% train accuracy.
    state = engine.PRESETS["three_classes"].state()
    seen = []
    for steps in (500, 2000, 5000):
        state = engine.train_steps(state, steps - state.counters.step, record=False)
        seen.append(round(100 * engine.evaluate(state)["train_accuracy"]))
    assert seen == [47, 88, 96]
    assert round(100 * engine.evaluate(state)["test_accuracy"]) == 89
