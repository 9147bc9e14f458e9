"""Training settings that train a person's own data, found by trying them.

An uploaded file may hold any scale. Targets that reach 10 give the squared error a gradient
ten times the lessons', so the default lesson's learning rate 1.0 with batch 1 throws an
upload's weights to ±20,000 within eight steps. Rather than guess a rate from the data's
statistics, `trainable_settings` trains a copy of the lab briefly at each rate the settings
offer and keeps the one that lowered the training loss most while the loss fell steadily.
The data is left exactly as the person wrote it: what the network sees is what the file says.
"""

from dataclasses import dataclass, replace

import numpy as np

from . import limits
from .state import LabState
from .training import dataset, evaluate, train_steps

TRIAL_STEPS = 150  # long enough for a rate that is too large to show it
# The search's whole work, in layers × steps actually trained: a step's cost grows with the layers
# it passes through. Every offered rate fits on a one-hidden-layer network (2 layers); on six
# layers of 8 (7 layers, up to 0.37 ms a step with Adam) about three full trials do, 0.15 s. A rate
# that blows up stops within a few steps and costs nearly nothing.
SEARCH_WORK = len(limits.LEARNING_RATES) * TRIAL_STEPS * 2
BATCH = 10  # or the whole training set, if smaller: a smoother start than one example at a time
STEADY = 1.05  # the loss over the trial's second half may wobble this much, not grow
BETTER = 0.99  # a smaller rate counts as better only with a loss 1 % lower: less is noise


@dataclass(frozen=True)
class Choice:
    learning_rate: float
    batch_size: int
    note: str  # one sentence for the page: what was chosen, and how


def _batch(n_train: int) -> int:
    return max(b for b in limits.BATCH_SIZES if b <= max(1, min(BATCH, n_train)))


def _trial(state: LabState, rate: float) -> tuple[float | None, int]:
    """The training loss after TRIAL_STEPS at this rate (None when it diverged or did not fall
    steadily), and the steps it took."""
    lab = state.replace(train=replace(state.train, learning_rate=rate))
    start = evaluate(lab)["train_loss"]
    half = train_steps(lab, TRIAL_STEPS // 2, record=False)
    end = train_steps(half, TRIAL_STEPS - TRIAL_STEPS // 2, record=False)
    steps = end.counters.step - state.counters.step
    if steps < TRIAL_STEPS:  # stopped early: the loss or weights blew up, or a layer stalled
        return None, steps
    middle, final = evaluate(half)["train_loss"], evaluate(end)["train_loss"]
    if not (np.isfinite(final) and final < start and final <= STEADY * middle):
        return None, steps
    return final, steps


def trainable_settings(state: LabState) -> Choice:
    """The learning rate and batch size to start `state` (a fresh lab on new data) from.

    The optimizer is the state's own: a rate that suits plain gradient descent can be far
    too large for Adam, so it is tried with the optimizer that will use it. Rates are tried
    from the largest down, and the search stops at the first steady rate that trains no better
    (by BETTER) than a larger one: below the best, smaller rates only learn more slowly. It also
    stops before a trial that would spend more than SEARCH_WORK, with the best rate so far.
    """
    batch = _batch(dataset(state.data).x_train.shape[0])
    lab = state.replace(train=replace(state.train, batch_size=batch))
    results: dict[float, float | None] = {}
    rate, spent, untried = None, 0, None
    layers = state.spec.n_layers
    for candidate in sorted(limits.LEARNING_RATES, reverse=True):
        if spent + TRIAL_STEPS * layers > SEARCH_WORK:
            untried = candidate
            break
        results[candidate], steps = _trial(lab, candidate)
        spent += steps * layers
        loss = results[candidate]
        if loss is not None:
            if rate is not None and loss > BETTER * results[rate]:
                break
            rate = candidate
    # Said when the work ran out before the search ended: the smaller rates were not tried.
    unsure = "" if untried is None else f" The search stopped before trying {untried:g} and smaller rates."
    if rate is None:
        rate = min(limits.LEARNING_RATES)
        tried = "No learning rate" if rate in results else f"No learning rate from {max(results):g} to {min(results):g}"
        return Choice(rate, batch, (
            f"{tried} lowered the loss steadily in {TRIAL_STEPS} trial steps, so training starts at the "
            f"smallest, {rate:g}, with batch {batch}. Inputs or targets far from 0 can cause this: try scaling "
            f"your columns to lie between −1 and 1.{unsure}"
        ))
    too_big = [r for r in results if r > rate and results[r] is None]
    after = f"; from {min(too_big):g} up the loss grew or did not fall steadily" if too_big else ""
    return Choice(rate, batch, (
        f"Training settings chosen for your data: learning rate {rate:g} and batch {batch}. Of the rates tried, "
        f"{rate:g} did best in {TRIAL_STEPS} trial steps{after}.{unsure}"
    ))
