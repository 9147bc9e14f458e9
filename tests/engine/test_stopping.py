"""Play's stop rule (engine/stopping.py): it stops training after exactly the first step that meets it."""

import json

import pytest

import engine
from app import actions
from engine import LabInputError, stopping


def ruled(lesson, rule, at):
    return actions.stop_settings(actions.preset(lesson), rule, at)


def test_a_step_count_stops_play_on_that_step_at_every_pace():
    lab = ruled("circle", "steps", 37)
    assert engine.train_steps(lab, 100, until=stopping.met).counters.step == 37
    frames = engine.train_for_frames(lab, 1.0, 6, until=stopping.met)
    assert frames[-1].counters.step == 37
    assert all(f.counters.step < 37 for f in frames[:-1])
    # Once met, Play trains nothing more.
    assert engine.train_steps(frames[-1], 5, until=stopping.met) is frames[-1]
    assert engine.train_for_frames(frames[-1], 0.1, 3, until=stopping.met) == (frames[-1],)
    assert stopping.reason(frames[-1]) == "Play stopped at step 37: the stop rule is step 37."


def test_a_loss_target_stops_after_the_first_step_that_reaches_it():
    lab = engine.PRESETS["default"].state()  # one example: the train loss is its loss, ½(1 − a)²
    target = 0.05
    lab = actions.stop_settings(lab, "train_loss", target)
    done = engine.train_steps(lab, 10_000, until=stopping.met)
    losses = [engine.evaluate(s)["train_loss"] for s in (engine.train_steps(lab, done.counters.step - 1), done)]
    assert losses[0] > target >= losses[1]  # the step before had not reached it
    assert stopping.reason(done).startswith(f"Play stopped at step {done.counters.step}: train loss ")
    assert f"≤ {target:g}, the stop rule" in stopping.reason(done)


def test_an_accuracy_target_reads_the_engines_accuracy_in_percent():
    lab = ruled("circle", "test_accuracy", 60)
    rule = engine.STOP_RULES["test_accuracy"]
    assert stopping.measure(lab, rule) == pytest.approx(100 * engine.evaluate(lab)["test_accuracy"])
    assert stopping.met(lab) == (100 * engine.evaluate(lab)["test_accuracy"] >= 60)


def test_rules_a_lab_cannot_meet_are_refused_with_the_reason():
    with pytest.raises(LabInputError, match="regression"):
        ruled("local_minimum", "train_accuracy", 90)
    with pytest.raises(LabInputError, match="no test set"):
        ruled("local_minimum", "test_loss", 0.1)
    with pytest.raises(LabInputError, match="Unknown stop rule"):
        ruled("circle", "soon", 1)


@pytest.mark.parametrize("rule, at", [("steps", 2.5), ("steps", 0), ("train_accuracy", 101), ("train_loss", -1),
                                      ("train_loss", float("nan")), ("train_loss", "0.1"), ("steps", True)])
def test_targets_out_of_range_are_refused(rule, at):
    with pytest.raises(LabInputError):
        ruled("circle", rule, at)


def test_a_new_rule_starts_at_its_usual_target_and_a_target_needs_a_rule():
    lab = actions.preset("circle")
    assert actions.stop_settings(lab, "train_accuracy", 0, new_rule=True).train.stop_at == 95
    ruled_lab = actions.stop_settings(lab, "steps", 50)
    assert actions.stop_settings(ruled_lab, "none", 50, new_rule=True).train == lab.train
    with pytest.raises(LabInputError, match="Choose when Play stops first"):
        actions.stop_settings(lab, "none", 12345)


def test_the_rule_is_saved_and_a_lab_saved_before_rules_existed_has_none():
    lab = ruled("circle", "train_loss", 0.2)
    back = engine.LabState.from_json(json.dumps(lab.to_dict()))
    assert (back.train.stop_rule, back.train.stop_at) == ("train_loss", 0.2)
    old = lab.to_dict()
    del old["training"]["stop_rule"], old["training"]["stop_at"]
    assert engine.LabState.from_dict(old).train.stop_rule == "none"
    bad = lab.to_dict()
    bad["training"]["stop_at"] = 1e9
    with pytest.raises(LabInputError):
        engine.LabState.from_dict(bad)
