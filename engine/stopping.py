"""When Play stops by itself: a target for a score, or a step count, chosen with the training
settings (TrainConfig.stop_rule and stop_at). Play pauses after the first step that meets it, and
says why; Step and Full step by hand go on past it.

One record per rule: a new rule is one more entry in STOP_RULES.
"""

from dataclasses import dataclass

import numpy as np

from . import metrics
from .passes import forward, per_example_loss


@dataclass(frozen=True)
class StopRule:
    """name: how the state and links say it. title: how the list says it (the target, in the box under
    it, ends the sentence: "Train loss ≤ 0.05"). measure: what it reads
    (a score on a set, or the step count), "" for no rule. at_most: met when the measure falls to the
    target (a loss), else when it rises to it (an accuracy in %, a step count). low, high: the
    targets it takes. whole: the target is a whole number."""

    name: str
    title: str
    measure: str = ""
    at_most: bool = False
    low: float = 0.0
    high: float = 0.0
    whole: bool = False
    default: float = 0.0
    classification_only: bool = False
    needs_test: bool = False


STOP_RULES = {
    rule.name: rule
    for rule in (
        StopRule("none", "Never (until paused)"),
        StopRule("train_loss", "Train loss ≤", "train_loss", at_most=True, high=1e6, default=0.05),
        StopRule("test_loss", "Test loss ≤", "test_loss", at_most=True, high=1e6, default=0.1,
                 needs_test=True),
        StopRule("train_accuracy", "Train accuracy ≥", "train_accuracy", high=100, default=95,
                 classification_only=True),
        StopRule("test_accuracy", "Test accuracy ≥", "test_accuracy", high=100, default=90,
                 classification_only=True, needs_test=True),
        StopRule("steps", "Step ≥", "steps", low=1, high=10**9, whole=True, default=1000),
    )
}


def measure(state, rule: StopRule) -> float | None:
    """The rule's measure for the lab as it stands (accuracy in %), None where the lab has none (no
    test set; accuracy on regression). Only the set it names is passed forward: Play checks it
    after every step."""
    if rule.measure == "steps":
        return float(state.counters.step)
    from .training import dataset  # here, not at the top: training.py imports this module

    split, score = rule.measure.split("_")
    data = dataset(state.data)
    x, y = (data.x_train, data.y_train) if split == "train" else (data.x_test, data.y_test)
    if x.shape[0] == 0 or (score == "accuracy" and data.kind != "classification"):
        return None
    fwd = forward(state.spec, state.params, x)
    if score == "loss":
        return float(np.mean(per_example_loss(state.spec, fwd, y)))
    return 100.0 * metrics.confusion(fwd.output, y, data.classes).accuracy


def _reached(state) -> float | None:
    """The rule's measure when the lab has met its rule, else None (no rule, no such measure, not yet)."""
    rule = STOP_RULES[state.train.stop_rule]
    value = measure(state, rule) if rule.measure else None
    if value is None:
        return None
    target = state.train.stop_at
    return value if (value <= target if rule.at_most else value >= target) else None


def met(state) -> bool:
    """Has the lab met its stop rule? Never for "none", nor for a measure the lab does not have."""
    return _reached(state) is not None


def reason(state) -> str:
    """Why Play stopped, in words, or "" when the rule is not met."""
    value = _reached(state)
    if value is None:
        return ""
    rule, target = STOP_RULES[state.train.stop_rule], state.train.stop_at
    if rule.measure == "steps":
        return f"Play stopped at step {state.counters.step}: the stop rule is step {target:g}."
    what = rule.measure.replace("_", " ")
    percent = rule.measure.endswith("accuracy")
    shown = f"{value:.1f}%" if percent else f"{value:.4g}"
    sign = "≤" if rule.at_most else "≥"
    return (f"Play stopped at step {state.counters.step}: {what} {shown} {sign} {target:g}{'%' if percent else ''}, "
            "the stop rule. Change the rule (Training) to train on.")


def refusal(state, name: str) -> str:
    """"" when the rule suits the lab's data, else why it cannot stop Play here."""
    rule = STOP_RULES[name]
    from .training import dataset  # here, not at the top: training.py imports this module

    data = dataset(state.data)
    if rule.classification_only and data.kind != "classification":
        return "Accuracy is counted for classification; this lab's data is regression."
    if rule.needs_test and data.x_test.shape[0] == 0:
        return "This lab keeps no test set, so a test score cannot stop Play."
    return ""
