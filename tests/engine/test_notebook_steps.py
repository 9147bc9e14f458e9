"""The engine as a notebook user calls it: the README's four lines of one training step run as
written, the docstrings' examples hold, and the defaults that make those lines short."""

import doctest
import importlib
import re
from pathlib import Path

import numpy as np

import engine
from engine import optimizers

README = Path(__file__).resolve().parents[2] / "README.md"


def four_lines() -> str:
    text = README.read_text(encoding="utf-8")
    after = text[text.index("one training step by hand in four lines:"):]
    return re.search(r"```python\n(.*?)```", after, re.DOTALL).group(1)


def test_the_readmes_training_step_runs_as_written_and_moves_downhill():
    x, y = np.array([[1.0, 0.5], [0.2, -0.4]]), np.array([[1.0], [0.0]])
    names = {"engine": engine, "np": np, "x": x, "y": y}
    exec(four_lines(), names)  # noqa: S102 - the README's own code, as a reader would paste it
    spec, before = names["spec"], engine.init_params(names["spec"], np.random.default_rng(0))
    assert [w.shape for w in names["params"].W[1:]] == [(2, 2), (1, 2)]
    assert names["fwd"].a[2].shape == (2, 1) and names["bwd"].delta[1].shape == (2, 2)
    # w − η·∂C/∂w, by hand, and a lower cost after it
    assert np.allclose(names["params"].W[1], before.W[1] - 0.5 * names["bwd"].grad_W[1])
    after = engine.backward(spec, names["params"], engine.forward(spec, names["params"], x), y)
    assert after.loss < names["bwd"].loss


def test_grads_is_the_gradient_as_one_params_and_the_first_update_needs_no_memory():
    spec = engine.NetworkSpec((2, 3, 1), ("tanh", "sigmoid"))
    params = engine.init_params(spec, np.random.default_rng(1))
    bwd = engine.backward(spec, params, engine.forward(spec, params, [[0.3, -0.7]]), [[1.0]])
    assert bwd.grads == engine.Params(bwd.grad_W, bwd.grad_b)
    for name in engine.OPTIMIZERS:
        assert engine.update(name, params, bwd.grads, learning_rate=0.1) == engine.update(
            name, params, bwd.grads, optimizers.OptimizerState(), 0.1)
    assert engine.update("sgd", params, bwd.grads)[0] == engine.update("sgd", params, bwd.grads,
                                                                       learning_rate=engine.TrainConfig().learning_rate)[0]


def test_the_examples_in_the_docstrings_hold():
    for name in ("engine.phases", "engine.teaching"):
        module = importlib.import_module(name)
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
