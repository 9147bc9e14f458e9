"""The update written out (components/update_maths.py): the gradient it names is the one the
engine used, the memory it names is the optimizer's before the step, and the numbers add up."""

import re

import numpy as np
import pytest

import engine
from app import actions
from components.equations import equations_markdown
from components.network_view import network_view
from components.numbers import num
from components.tex import n, tex
from components.update_maths import update_markdown, update_terms
from engine import ParamRef

ETA = {"sgd": 0.3, "momentum": 0.3, "adam": 0.01}


def before_and_after(optimizer: str, steps: int = 3, preset: str = "circle"):
    """(state at the end of backward, state at the update) a few steps into training."""
    lab = actions.preset(preset)
    lab = actions.train_settings(lab, ETA[optimizer], lab.train.batch_size, optimizer)
    lab = engine.train_steps(lab, steps)
    lab = engine.advance(lab)  # the next batch's forward pass begins
    while not engine.advance(lab).cursor.at_update:
        lab = engine.advance(lab)
    return lab, engine.advance(lab)


@pytest.mark.parametrize("optimizer", tuple(engine.OPTIMIZERS))
def test_the_gradient_named_is_the_one_the_update_used(optimizer):
    before, after = before_and_after(optimizer)
    assert after.cursor.at_update and after.counters.step == before.counters.step + 1
    t = before.train
    redone, _ = engine.update(optimizer, before.params, engine.update_gradient(after), before.optimizer_state,
                              t.learning_rate, t.freeze_biases, **t.optimizer_settings())
    assert redone == after.params  # bit for bit: the same batch, weights and memory


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_the_memory_before_the_step_is_recovered(optimizer):
    before, after = before_and_after(optimizer)
    for ref in engine.all_refs(after.spec):
        u = update_terms(after, ref)
        for slot, value in u.memory_before.items():
            assert value == pytest.approx(ref.get(before.optimizer_state.slots[slot]), abs=1e-12)
        for slot, value in u.memory.items():
            assert value == ref.get(after.optimizer_state.slots[slot])


def test_plain_descent_reads_w_minus_eta_g_and_adds_up():
    _, after = before_and_after("sgd")
    ref = ParamRef.parse("W2[0,1]", after.spec)
    u = update_terms(after, ref)
    assert u.after == pytest.approx(u.before - 0.3 * u.batch_gradient, abs=1e-15)
    text = update_markdown(after, ref, 0.0)
    line = rf"&= {n(u.before, True, 4)} - 0.3 \cdot "
    assert r"w^+ &= w - \eta\,\bar g" in text and line in text and rf"&= {n(u.after, True, 4)}" in text


def test_a_batch_names_its_mean_gradient_beside_the_examples():
    _, after = before_and_after("sgd")  # the circle lesson: batches of 10
    ref = ParamRef.parse("W1[0,0]", after.spec)
    u = update_terms(after, ref)
    example = engine.example_passes(after, after.last_update.params_before)
    g_example = ref.gradient(example.bwd.grad_W, example.bwd.grad_b)
    assert u.batch_size == 10 and u.batch_gradient != pytest.approx(g_example)
    text = update_markdown(after, ref, g_example)
    assert f"mean over the batch's 10 examples, ḡ = {num(u.batch_gradient, True, 4)}" in text
    assert f"the graph's ∂C/∂w = {num(g_example, True)} is the example shown alone" in text
    # The Equations panel carries the block, and the graph's hover says the same.
    assert "#### The update" in equations_markdown(after, ref)
    tip = next(e["tip"] for e in network_view(after)["edges"] if e["id"] == "W1[0,0]")
    assert f"the update used the batch's mean ∂C/∂w = {num(u.batch_gradient, True)}" in tip


def test_a_batch_of_one_says_the_example_is_the_batch():
    after = engine.full_step(actions.preset("default"))
    ref = ParamRef.parse("W1[0,1]", after.spec)
    u = update_terms(after, ref)
    example = engine.example_passes(after, after.last_update.params_before)
    assert u.batch_size == 1 and u.batch_gradient == ref.gradient(example.bwd.grad_W, example.bwd.grad_b)
    assert "The batch is the one example shown" in update_markdown(after, ref, u.batch_gradient)
    tip = next(e["tip"] for e in network_view(after)["edges"] if e["id"] == "W1[0,1]")
    assert "batch's mean" not in tip


def test_momentum_and_adam_write_their_own_rule():
    _, momentum = before_and_after("momentum")
    ref = ParamRef.parse("W3[0,2]", momentum.spec)
    text = update_markdown(momentum, ref, 0.0)
    u = update_terms(momentum, ref)
    assert r"v^+ &= \mu\, v - \eta\,\bar g" in text and f"= {n(u.memory['velocity'], True, 4)}" in text
    assert u.after == pytest.approx(u.before + u.memory["velocity"], abs=1e-15)
    _, adam = before_and_after("adam")
    text = update_markdown(adam, ref, 0.0)
    assert r"\hat m &= m^+/(1-\beta_1^{4})" in text and r"\sqrt{\hat v} + \epsilon" in text


def test_before_the_update_phase_the_rule_is_promised_not_filled_in():
    lab = actions.preset("circle")
    ref = ParamRef.parse("W1[0,0]", lab.spec)
    assert update_terms(lab, ref) is None
    text = update_markdown(lab, ref, 0.0)
    assert text.startswith("*At the update phase this shows how w moves") and "ḡ, the mean ∂C/∂w" in text
    assert not re.search(r"\d\.\d", text)  # no numbers yet


def test_frozen_biases_say_so():
    after = engine.full_step(actions.preset("worked_example"))
    assert after.train.freeze_biases
    ref = ParamRef("b", 1, 0, 0)
    assert "keeps its biases fixed" in update_markdown(after, ref, 0.0)
    assert update_terms(after, ref).after == update_terms(after, ref).before


@pytest.mark.parametrize(("text", "expected"), [
    ("0.125", "0.125"), ("+0.500", "+0.500"), ("6.3e\u221207", r"6.3 \times 10^{−7}"),
    ("\u22121.7e\u221204", r"−1.7 \times 10^{−4}"), ("2.0e+05", r"2.0 \times 10^{5}"), ("—", r"\text{—}"),
])
def test_numbers_read_as_written_in_tex(text, expected):
    assert tex(text) == expected


def test_the_hover_and_the_panel_agree_with_numpy():
    _, after = before_and_after("sgd", steps=5)
    g = engine.update_gradient(after)
    data = engine.dataset(after.data)
    idx = engine.training.batch_indices(after)
    bwd = engine.backward(after.spec, after.last_update.params_before,
                          engine.forward(after.spec, after.last_update.params_before, data.x_train[idx]),
                          data.y_train[idx])
    np.testing.assert_array_equal(g.W[1], bwd.grad_W[1])


@pytest.mark.parametrize("optimizer", tuple(engine.OPTIMIZERS))
def test_every_rule_is_well_formed_tex(optimizer):
    from tests.components.test_equations import check_tex, maths

    _, after = before_and_after(optimizer)
    for ref in engine.all_refs(after.spec):
        for formula, _ in maths(update_markdown(after, ref, 0.0)):
            check_tex(formula)
