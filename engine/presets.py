"""Ready-made lessons, each a complete LabState.

- default: 2 inputs → 2 hidden → 1 output, sigmoid, one training example, with
  round starting weights so a person can follow every number by hand.
- worked_example: the classic 2-2-2 sigmoid walk-through (inputs 0.05/0.10,
  targets 0.01/0.99, weights 0.15 … 0.55, biases 0.35/0.60 never updated,
  learning rate 0.5), reproduced exactly.
- deep_sigmoid: five hidden sigmoid layers on circle data: the blame fades
  as it travels back toward the input (vanishing gradients).
- circle: a small tanh network that learns to separate a ring from a disc.
- local_minimum: one hidden sigmoid neuron, a switch, on five points shaped like a V with a taller
  right arm. The switch can fit only one arm, so the real loss along its input weight has two
  valleys with a bump between them, and training from the start settles in the nearer, shallower one.
"""

import numpy as np

from .datasets import DataSpec
from .network import NetworkSpec, explicit_params, init_params
from .state import LabState, TrainConfig


def default_lesson(seed: int = 0) -> LabState:
    spec = NetworkSpec((2, 2, 1), ("sigmoid", "sigmoid"), "squared_error", "explicit")
    params = explicit_params(spec, [[[0.5, -0.3], [0.2, 0.8]], [[0.7, -0.4]]], [[0.1, -0.1], [0.2]])
    data = DataSpec(name="explicit", x=((1.0, 0.5),), y=((1.0,),), test_fraction=0.0, seed=seed)
    return LabState("Default lesson", seed, spec, params, TrainConfig("sgd", 1.0, batch_size=1), data)


def worked_example(seed: int = 0) -> LabState:
    spec = NetworkSpec((2, 2, 2), ("sigmoid", "sigmoid"), "squared_error", "explicit")
    params = explicit_params(
        spec,
        [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        [[0.35, 0.35], [0.60, 0.60]],
    )
    data = DataSpec(name="explicit", x=((0.05, 0.10),), y=((0.01, 0.99),), test_fraction=0.0, seed=seed, kind="regression")
    train = TrainConfig("sgd", 0.5, batch_size=1, freeze_biases=True)
    return LabState("Classic worked example", seed, spec, params, train, data)


def _random_lesson(title, seed, sizes, activations, loss, init, data, train) -> LabState:
    spec = NetworkSpec(sizes, activations, loss, init)
    return LabState(title, seed, spec, init_params(spec, np.random.default_rng(seed)), train, data)


def deep_sigmoid(seed: int = 0) -> LabState:
    return _random_lesson(
        "Deep sigmoid: fading blame",
        seed,
        (2, 6, 6, 6, 6, 6, 1),
        ("sigmoid",) * 6,
        "squared_error",
        "xavier",
        DataSpec("circle", n_points=200, noise=0.05, test_fraction=0.5, seed=seed),
        TrainConfig("sgd", 0.5, batch_size=10),
    )


def circle(seed: int = 0) -> LabState:
    return _random_lesson(
        "Circle: a ring around a disc",
        seed,
        (2, 4, 4, 1),
        ("tanh", "tanh", "sigmoid"),
        "bce",
        "xavier",
        DataSpec("circle", n_points=200, noise=0.05, test_fraction=0.5, seed=seed),
        TrainConfig("sgd", 0.3, batch_size=10),
    )


def local_minimum(seed: int = 0) -> LabState:
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
    return LabState("Local minimum: two valleys", seed, spec, params, train, data)


PRESETS = {
    "default": ("Default lesson", default_lesson),
    "worked_example": ("Classic worked example", worked_example),
    "deep_sigmoid": ("Deep sigmoid: fading blame", deep_sigmoid),
    "circle": ("Circle: a ring around a disc", circle),
    "local_minimum": ("Local minimum: two valleys", local_minimum),
}
