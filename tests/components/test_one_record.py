"""An activation is one record (engine/activations.py): a new one, written as a record and nothing
else, is computed, exported, explained and watched for saturation by every part of the lab.
(The page's own pass needs its JS entry as well: tests/components/test_instant_parity.py.)"""

import dataclasses

import numpy as np
import pytest

import engine
from app import actions
from components.equations import neuron_equations
from components.network_view import network_view
from engine.activations import ACTIVATIONS, Activation, Tex
from engine.export import network_json, numpy_snippet
from engine.health import SATURATED_Z, stall_reason
from engine.losses import LOSSES


def _softplus(z):
    return np.logaddexp(0.0, z)


SOFTPLUS = Activation(
    "softplus", "Softplus", _softplus, lambda z: 1.0 / (1.0 + np.exp(-z)),
    formula="log(1 + exp(z))",
    source="def softplus(z):\n    return np.logaddexp(0.0, z)\n",
    tex=Tex(r"\operatorname{softplus}", r"\operatorname{softplus}(z) = \ln(1 + e^{z})", r"\operatorname{softplus}'"),
)


@pytest.fixture
def softplus(monkeypatch):
    monkeypatch.setitem(ACTIVATIONS, "softplus", SOFTPLUS)
    base = actions.preset("default")
    spec = dataclasses.replace(base.spec, activations=("softplus", "sigmoid"), init="uniform")
    return base.replace(spec=spec, params=engine.init_params(spec, np.random.default_rng(0)))


def test_a_new_activation_is_one_record_that_every_part_of_the_lab_uses(softplus):
    state = engine.full_step(softplus)
    x = np.array([[1.0, 0.5]])
    fwd = engine.forward(state.spec, state.params, x)
    assert np.allclose(fwd.a[1], _softplus(x @ state.params.W[1].T + state.params.b[1]))
    # The exported script defines it from the record and predicts what the engine computes.
    namespace = {}
    exec(numpy_snippet(state), namespace)  # noqa: S102 - the export, as a reader runs it
    assert np.allclose(namespace["predict"](x), fwd.a[-1], atol=1e-12)
    assert '"softplus": "log(1 + exp(z))"' in network_json(state)
    # The Equations tab writes it with its TeX; the picture lights its neurons as unbounded ones.
    assert r"\operatorname{softplus}" in neuron_equations(state, 1, 0)
    assert network_view(state)["key"] == "2-2-1"
    # It never saturates like a sigmoid: the health check has nothing to say for it.
    assert "softplus" not in SATURATED_Z and stall_reason(state, engine.example_passes(state)) == ""


def test_every_record_is_complete():
    for name, act in ACTIVATIONS.items():
        assert act.name == name and act.title and act.formula and act.source.startswith(f"def {name}(z):")
        assert act.tex.f and act.tex.definition and act.tex.prime
        z = np.linspace(-3, 3, 61)
        if act.in_place is not None:
            assert np.array_equal(act.in_place(z.copy()), act.f(z))
        if act.output_only:  # its blame starts from z with its paired loss, which the passes use instead of f′
            assert act.loss in LOSSES and LOSSES[act.loss].logits_after == name, name
            # f mixes the layer's neurons, so f′ is the Jacobian's diagonal ∂p_k/∂z_k: move z_k alone, watch p_k.
            layers = np.random.default_rng(0).uniform(-3, 3, (20, 4))
            for k in range(layers.shape[1]):
                step = np.zeros(layers.shape[1])
                step[k] = 1e-6
                slope = (act.f(layers + step)[:, k] - act.f(layers - step)[:, k]) / 2e-6
                assert np.allclose(act.df(layers)[:, k], slope, rtol=0, atol=1e-6), (name, k)
        else:
            slope = (act.f(z + 1e-6) - act.f(z - 1e-6)) / 2e-6  # f′ against a central difference, off the kinks
            assert np.allclose(np.where(np.abs(z) > 1e-3, act.df(z) - slope, 0), 0, atol=1e-6), name
        if act.bounded:
            assert np.all(np.abs(act.f(np.linspace(-50, 50, 101))) <= 1)
