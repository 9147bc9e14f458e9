"""Ready-made lessons, each a complete LabState.

- default: 2 inputs → 2 hidden → 1 output, sigmoid, one training example, with
  round starting weights so a person can follow every number by hand.
- worked_example: the classic 2-2-2 sigmoid walk-through (inputs 0.05/0.10,
  targets 0.01/0.99, weights 0.15 … 0.55, biases 0.35/0.60 never updated,
  learning rate 0.5), reproduced exactly.
- deep_sigmoid: five hidden sigmoid layers on circle data: the blame fades
  as it travels back toward the input (vanishing gradients).
- circle: a small tanh network that learns to separate a ring from a disc.
- overfitting: two overlapping blobs with much noise, 40 points to train on and 160 to test, and
  a network far bigger than a line between two blobs needs: it learns the noise (the test loss
  climbs while the train loss falls), unless its weights are penalised (L2, a tour step).
- three_classes: three interleaved spiral arms, one class each, and a softmax output of three
  probabilities trained with cross-entropy: the blame at the output is p − t per class.
- local_minimum: one hidden sigmoid neuron, a switch, on five points shaped like a V with a taller
  right arm. The switch can fit only one arm, so the real loss along its input weight has two
  valleys with a bump between them, and training from the start settles in the nearer, shallower one.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .datasets import DataSpec
from .network import NetworkSpec, explicit_params, init_params
from .state import LabState, TrainConfig


def _default_lesson(title: str, seed: int) -> LabState:
    spec = NetworkSpec((2, 2, 1), ("sigmoid", "sigmoid"), "squared_error", "explicit")
    params = explicit_params(spec, [[[0.5, -0.3], [0.2, 0.8]], [[0.7, -0.4]]], [[0.1, -0.1], [0.2]])
    data = DataSpec(name="explicit", x=((1.0, 0.5),), y=((1.0,),), test_fraction=0.0, seed=seed)
    return LabState(title, seed, spec, params, TrainConfig("sgd", 1.0, batch_size=1), data)


def _worked_example(title: str, seed: int) -> LabState:
    spec = NetworkSpec((2, 2, 2), ("sigmoid", "sigmoid"), "squared_error", "explicit")
    params = explicit_params(
        spec,
        [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        [[0.35, 0.35], [0.60, 0.60]],
    )
    data = DataSpec(name="explicit", x=((0.05, 0.10),), y=((0.01, 0.99),), test_fraction=0.0, seed=seed, kind="regression")
    train = TrainConfig("sgd", 0.5, batch_size=1, freeze_biases=True)
    return LabState(title, seed, spec, params, train, data)


def _random_lesson(title, seed, sizes, activations, loss, init, data, train) -> LabState:
    spec = NetworkSpec(sizes, activations, loss, init)
    return LabState(title, seed, spec, init_params(spec, np.random.default_rng(seed)), train, data)


def _deep_sigmoid(title: str, seed: int) -> LabState:
    return _random_lesson(
        title,
        seed,
        (2, 6, 6, 6, 6, 6, 1),
        ("sigmoid",) * 6,
        "squared_error",
        "xavier",
        DataSpec("circle", n_points=200, noise=0.05, test_fraction=0.5, seed=seed),
        TrainConfig("sgd", 0.5, batch_size=10),
    )


def _circle(title: str, seed: int) -> LabState:
    return _random_lesson(
        title,
        seed,
        (2, 4, 4, 1),
        ("tanh", "tanh", "sigmoid"),
        "bce",
        "xavier",
        DataSpec("circle", n_points=200, noise=0.05, test_fraction=0.5, seed=seed),
        TrainConfig("sgd", 0.3, batch_size=10),
    )


def _overfitting(title: str, seed: int) -> LabState:
    # Measured at seed 0: without a penalty the train loss falls 0.26 → 0.14 from step 500 to 3,000
    # while the test loss climbs 0.38 → 0.76; with L2 at λ = 0.01 they stay near 0.29 and 0.31
    # (tests/engine/test_overfitting_lesson.py). Layers of 5: wider ones crowd the blame rings.
    return _random_lesson(
        title,
        seed,
        (2, 5, 5, 1),
        ("tanh", "tanh", "sigmoid"),
        "bce",
        "xavier",
        DataSpec("gaussians", n_points=200, noise=0.5, test_fraction=0.8, seed=seed),
        TrainConfig("sgd", 0.3, batch_size=10),
    )


def _three_classes(title: str, seed: int) -> LabState:
    # Measured at seed 0 (tests/engine/test_classes.py): 47% train accuracy after 500 steps, 88% after
    # 2,000 and 96% after 5,000 (89% on the test set). Plain SGD at 0.3 reaches 90% by 5,000.
    return _random_lesson(
        title,
        seed,
        (2, 6, 6, 3),
        ("tanh", "tanh", "softmax"),
        "cross_entropy",
        "xavier",
        DataSpec("spiral3", n_points=300, noise=0.05, test_fraction=0.3, seed=seed),
        TrainConfig("adam", 0.03, batch_size=10),
    )


def _local_minimum(title: str, seed: int) -> LabState:
    # The hidden neuron is σ(w·x − 3), a switch: with w < 0 it turns on towards x = −4, with w > 0
    # towards x = 4, and near w = 0 for no point at all (σ(−3) = 0.047): the bump between the valleys.
    # w = −0.5 starts on the slope of the left valley (the shorter arm, target 1.5); the right
    # valley (target 2) is deeper. The biases stay fixed, so only w and v learn, and where training
    # settles (w ≈ −0.82, v ≈ 2.31, C ≈ 0.425) is a true local minimum of both.
    spec = NetworkSpec((1, 1, 1), ("sigmoid", "linear"), "squared_error", "explicit")
    params = explicit_params(spec, [[[-0.5]], [[1.0]]], [[-3.0], [0.0]])
    data = DataSpec(
        name="explicit",
        x=((-4.0,), (-2.0,), (0.0,), (2.0,), (4.0,)),
        y=((1.5,), (0.0,), (0.0,), (0.0,), (2.0,)),
        test_fraction=0.0,
        seed=seed,
        kind="regression",
    )
    train = TrainConfig("sgd", 1.0, batch_size=5, freeze_biases=True)
    return LabState(title, seed, spec, params, train, data)


@dataclass(frozen=True)
class Preset:
    """A ready-made lesson: its name (in links and the lesson list), its title (the list's words,
    and the lab's title, by which the page knows which lesson is on show) and how to build its lab
    from a seed. The guided tour's steps name lessons by `name` (app/lessons.py)."""

    name: str
    title: str
    build: Callable[[str, int], LabState]

    def state(self, seed: int = 0) -> LabState:
        """The lesson's lab, from its start."""
        return self.build(self.title, seed)


PRESETS = {p.name: p for p in (
    Preset("default", "Default lesson", _default_lesson),
    Preset("worked_example", "Classic worked example", _worked_example),
    Preset("deep_sigmoid", "Deep sigmoid: fading blame", _deep_sigmoid),
    Preset("circle", "Circle: a ring around a disc", _circle),
    Preset("local_minimum", "Local minimum: two valleys", _local_minimum),
    Preset("overfitting", "Overfitting: learning the noise", _overfitting),
    Preset("three_classes", "Three classes: softmax", _three_classes),
)}

default_lesson = PRESETS["default"].state
worked_example = PRESETS["worked_example"].state
deep_sigmoid = PRESETS["deep_sigmoid"].state
circle = PRESETS["circle"].state
local_minimum = PRESETS["local_minimum"].state
