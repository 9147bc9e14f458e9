"""The trained network for use outside the lab: as JSON, or as a short NumPy script.

Both carry the weights at full precision (Python's float repr round-trips exactly), so the exported
network computes what the lab computes. Deliberately not here: training code, the data set, the
optimizer's memory, or formats that need more than NumPy (ONNX, pickles, framework checkpoints).
"""

import json

from .activations import ACTIVATIONS
from .state import LabState
from .training import dataset

FORMAT_NAME = "backprop-lab-network"
FORMAT_VERSION = 1
N_SAMPLES = 5  # training inputs the script prints predictions for

HOW_TO_USE = (
    "Put the inputs in a (n, sizes[0]) array a, in the order of 'inputs'; then for each layer l: "
    "z = a @ W[l].T + b[l]; a = f_l(z) with f_l = activations[l]; the last a holds the outputs."
)

CLASSES_HOW = " Output k is the probability of class k of 'classes'; the answer is the class of the largest."


def network_json(state: LabState) -> str:
    """The network as readable JSON (indent 2).

    Parameters
    ----------
    state : LabState

    Returns
    -------
    str
        An object with "format" and "version", "title", "trained_steps", "sizes" (n_0 … n_L),
        "inputs" (a name per input column), "activations" (one per layer 1 … L) and their "formulas",
        "loss", "how_to_use", and "W" / "b": for layers 1 … L, W[l] as n_l rows of n_{l-1} floats and
        b[l] as n_l floats, exact to the last bit.
    """
    spec, data = state.spec, dataset(state.data)
    doc = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "title": state.title,
        "trained_steps": state.counters.step,
        "sizes": list(spec.sizes),
        "inputs": list(data.input_names),
        "activations": list(spec.activations),
        "formulas": {name: ACTIVATIONS[name].formula for name in dict.fromkeys(spec.activations)},
        "loss": spec.loss,
        "how_to_use": HOW_TO_USE + (CLASSES_HOW if data.classes else ""),
        "W": [w.tolist() for w in state.params.W[1:]],
        "b": [b.tolist() for b in state.params.b[1:]],
    }
    if data.classes:
        doc["classes"] = list(data.classes)
    return _dumps(doc)


def _dumps(value, level: int = 0) -> str:
    """json.dumps(indent=2), except that a list of plain values stays on one line: a weight row reads as a row."""
    pad = "  " * level
    if isinstance(value, dict):
        items = [f"{pad}  {json.dumps(k)}: {_dumps(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and any(isinstance(v, (list, dict)) for v in value):
        items = [f"{pad}  {_dumps(v, level + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


def _literal(rows, indent: str) -> str:
    """A nested list of floats as np.array source, one row per line; repr keeps every bit."""
    if rows and isinstance(rows[0], list):
        inner = "".join(f"{indent}    {row!r},\n" for row in rows)
        return f"np.array([\n{inner}{indent}])"
    return f"np.array({rows!r})"


def numpy_snippet(state: LabState) -> str:
    """A self-contained Python script (NumPy only) that computes what the network computes.

    Parameters
    ----------
    state : LabState

    Returns
    -------
    str
        Source defining the weights `W` and biases `b` as literals, the activations the network
        uses, and `predict(x)`: x of shape (n, n_0) -> outputs of shape (n, n_L). Run as a script,
        it prints the predictions for the first few training inputs with their targets.
    """
    spec, params, data = state.spec, state.params, dataset(state.data)
    used = list(dict.fromkeys(spec.activations))
    k = min(N_SAMPLES, data.x_train.shape[0])
    weights = "".join(f"    {_literal(w.tolist(), '    ')},\n" for w in params.W[1:])
    biases = "".join(f"    {_literal(v.tolist(), '    ')},\n" for v in params.b[1:])
    sizes = "-".join(map(str, spec.sizes))
    if data.classes:  # name each example's class: the largest probability
        report = ("    for x_i, p_i, t_i in zip(x, predict(x), targets):\n"
                  '        print("input", x_i.tolist(), "-> class", CLASSES[int(np.argmax(p_i))], '
                  '"p", np.round(p_i, 3).tolist(), " target", CLASSES[int(np.argmax(t_i))])\n')
        classes = f"CLASSES = {list(data.classes)!r}  # output k is the probability of class k\n"
    else:
        report = ("    for x_i, o_i, t_i in zip(x, predict(x), targets):\n"
                  '        print("input", x_i.tolist(), "-> output", o_i.tolist(), " target", t_i.tolist())\n')
        classes = ""
    # The title is a person's text: without quotes, backslashes or line breaks it cannot end the docstring.
    title = "".join(c for c in state.title if c.isprintable() and c not in '"\\')
    return (
        f'"""A {sizes} network exported from Backprop Lab: {title}, after {state.counters.step} steps.\n'
        f"\n"
        f"Inputs, in order: {', '.join(data.input_names)}. Layer l computes z = a @ W[l].T + b[l], a = f(z).\n"
        f'"""\n'
        f"\n"
        f"import numpy as np\n"
        f"\n"
        f"W = [\n{weights}]\n"
        f"b = [\n{biases}]\n"
        f"\n\n"
        + "\n\n".join(ACTIVATIONS[name].source for name in used)
        + f"\n\n"
        f"LAYERS = list(zip(W, b, [{', '.join(spec.activations)}]))\n"
        f"{classes}"
        f"\n\n"
        f"def predict(x):\n"
        f'    """x of shape (n, {spec.sizes[0]}) -> the outputs, shape (n, {spec.sizes[-1]})."""\n'
        f"    a = np.asarray(x, dtype=float)\n"
        f"    for W_l, b_l, f in LAYERS:\n"
        f"        a = f(a @ W_l.T + b_l)\n"
        f"    return a\n"
        f"\n\n"
        f'if __name__ == "__main__":\n'
        f"    x = {_literal(data.x_train[:k].tolist(), '    ')}\n"
        f"    targets = {_literal(data.y_train[:k].tolist(), '    ')}\n"
        + report
    )
