"""Regularization on the page: none, L1 or L2 and its rate λ, the step it changes, and links."""

import numpy as np
import pytest

import engine
from app import actions, links
from app.callbacks import apply, control_values
from engine import LabInputError
from engine.passes import backward, forward


def change(state, control, value):
    return apply(control, control_values(state) | {"preset": "circle", control: value}, state, state, "normal")[0]


def test_the_list_and_the_rate_set_the_penalty_and_training_goes_on():
    lab = engine.train_steps(actions.preset("circle"), 3)
    l1 = change(lab, "penalty", "l1")  # the rate was 0: choosing L1 starts it at 0.001
    assert (l1.train.penalty, l1.train.weight_decay, l1.counters.step) == ("l1", 0.001, 3)
    faster = change(l1, "penalty-rate", 0.03)
    assert (faster.train.penalty, faster.train.weight_decay) == ("l1", 0.03)
    assert control_values(faster)["penalty"] == "l1"
    off = change(faster, "penalty-rate", 0.0)
    assert off.train.weight_decay == 0 and control_values(off)["penalty"] == "none"
    assert change(faster, "penalty", "none").train.weight_decay == 0
    assert change(off, "penalty", "l2").train.penalty == "l2"
    assert engine.train_steps(faster, 2).counters.step == 5  # the settings did not start training over


def test_an_l1_step_moves_each_weight_by_eta_times_its_gradient_plus_lambda_sign_w():
    lab = change(actions.preset("default"), "penalty", "l1")  # one example, plain gradient descent, η = 1
    lab = change(lab, "penalty-rate", 0.1)
    after = engine.full_step(lab)
    data = engine.dataset(lab.data)
    fwd = forward(lab.spec, lab.params, data.x_train)
    plain = backward(lab.spec, lab.params, fwd, data.y_train)  # no penalty: the data's own gradient
    eta = lab.train.learning_rate
    for layer in range(1, lab.spec.n_layers + 1):
        W = lab.params.W[layer]
        expected = W - eta * (plain.grad_W[layer] + 0.1 * np.sign(W))
        np.testing.assert_allclose(after.params.W[layer], expected, rtol=1e-12)
        np.testing.assert_allclose(after.params.b[layer], lab.params.b[layer] - eta * plain.grad_b[layer], rtol=1e-12)


@pytest.mark.parametrize("control, value", [("penalty", "l3"), ("penalty", 1), ("penalty-rate", -0.1),
                                            ("penalty-rate", 11.0), ("penalty-rate", "0.1"), ("penalty-rate", True)])
def test_junk_is_refused(control, value):
    lab = change(actions.preset("circle"), "penalty", "l2")
    with pytest.raises(LabInputError):
        change(lab, control, value)


@pytest.mark.parametrize("kind, rate", [("l1", 0.003), ("l2", 0.3), ("l1", 10.0)])
def test_a_link_carries_it(kind, rate):
    lab = actions.regularization(actions.preset("circle"), kind, rate)
    query, notice = links.link_query(lab, lab)
    assert notice == "" and f"reg={kind}:{rate!r}" in query
    back = links.state_from_query(query).state
    assert (back.train.penalty, back.train.weight_decay) == (kind, rate)


def test_a_saved_lab_keeps_it_and_one_saved_before_l1_decays_with_l2():
    lab = actions.regularization(actions.preset("circle"), "l1", 0.01)
    assert engine.LabState.from_dict(lab.to_dict()).train.penalty == "l1"
    old = actions.regularization(actions.preset("circle"), "l2", 0.01).to_dict()
    del old["training"]["penalty"]
    assert engine.LabState.from_dict(old).train.penalty == "l2"


def test_an_edges_hover_writes_the_penalty_term_with_its_numbers():
    from components.network_view import network_view
    from components.numbers import num
    lab = actions.regularization(actions.preset("default"), "l1", 0.1)
    while lab.cursor.revealed().backward_from > 1:
        lab = engine.advance(lab)
    tip = next(e["tip"] for e in network_view(lab)["edges"] if e["id"] == "W1[0,0]")
    w = lab.params.W[1][0, 0]
    assert "∂C/∂w = a_in · δ_out + λ·sign(w) = " in tip and f"+ 0.100 × sign({num(w, True)}) = " in tip
