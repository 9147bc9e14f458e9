"""How well the network does on a whole data set besides its loss.

Classification: the decisions, as a confusion matrix, and the accuracy it gives. With 0/1 targets
each output unit decides on its own (above BOUNDARY is class 1); with several classes (one-hot
targets, a column per class) the example's decision is the class of its largest output. Regression: the
root-mean-square error and R². Each is a plain function of the outputs and the targets (arrays of
shape (examples, outputs)), so a reader can check it by hand.
"""

from dataclasses import dataclass

import numpy as np

# Classification targets are 0 and 1 (engine/datasets.py), whatever the output unit: an output is
# read as class 1 above halfway between them. With a tanh output too, since the loss pulls it
# towards 0 and 1, not −1 and 1. The data chart's colours turn at the same value.
BOUNDARY = 0.5
CLASSES = (0, 1)


@dataclass(frozen=True)
class Confusion:
    """Decisions counted by what they should have been and what they were: counts[t][p] is the
    number of outputs whose target is class t and whose decision is class p. With several output
    units, each unit's decision counts once."""

    counts: tuple[tuple[int, ...], ...]
    classes: tuple[str, ...] = ("0", "1")

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))

    @property
    def correct(self) -> int:
        return sum(self.counts[k][k] for k in range(len(self.counts)))

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None

    def to_dict(self) -> dict:
        return {"classes": list(self.classes), "counts": [list(row) for row in self.counts]}


def decisions(output: np.ndarray, several: bool = False) -> np.ndarray:
    """Each output read as a class: 1 above BOUNDARY, else 0, shape of output; or, for `several`
    classes, the index of each example's largest output, shape (examples,)."""
    output = np.asarray(output)
    if several:
        return np.argmax(output, axis=-1)
    return (output > BOUNDARY).astype(int)


def confusion(output: np.ndarray, y: np.ndarray, classes: tuple[str, ...] = ()) -> Confusion:
    """The confusion matrix of the outputs' decisions against 0/1 targets, or against one-hot targets
    of the named `classes`."""
    if classes:
        predicted, target = decisions(output, True), decisions(y, True)
        k = range(len(classes))
    else:
        predicted, target = decisions(output).ravel(), decisions(y).ravel()
        k, classes = CLASSES, tuple(map(str, CLASSES))
    return Confusion(tuple(tuple(int(np.sum((target == t) & (predicted == p))) for p in k) for t in k), classes)


def rmse(output: np.ndarray, y: np.ndarray) -> float:
    """√(mean of (ŷ − y)²) over every example and output: the typical size of a miss, in the targets' units."""
    return float(np.sqrt(np.mean((np.asarray(output) - np.asarray(y)) ** 2)))


@dataclass(frozen=True)
class Fit:
    """R² = 1 − SS_res / SS_tot, with its two sums: SS_res = Σ(ŷ − y)², SS_tot = Σ(y − ȳ)², ȳ the
    mean target of each output. 1 is a perfect fit; 0 is no better than always answering ȳ; below 0
    is worse than that. None when no target differs from its output's mean (SS_tot = 0)."""

    ss_res: float
    ss_tot: float

    @property
    def r_squared(self) -> float | None:
        return 1.0 - self.ss_res / self.ss_tot if self.ss_tot > 0 else None


def fit(output: np.ndarray, y: np.ndarray) -> Fit:
    output, y = np.asarray(output, dtype=float), np.asarray(y, dtype=float)
    return Fit(float(np.sum((output - y) ** 2)), float(np.sum((y - y.mean(axis=0)) ** 2)))
