"""Predict, then reveal: one question about the phase a Step is about to reveal, answered by the engine.

`question(state)` looks one phase ahead (the very moves `advance` and `full_step` make) and asks
what that phase will show:

- forward into a layer of two or more neurons: which neuron will be most active (largest a);
- the loss: will the batch's cost C go down or up with this step's update;
- backward into a layer: the sign of one neuron's δ, or which of its incoming weights takes the
  most blame (largest |∂C/∂w| = |a_in · δ|, on the example the picture shows);
- the update: which weight moves most (largest |Δw|).

Which neuron or weight is asked about, and which kind of backward question, is drawn from
``default_rng([seed, step, phase index, example])``: the same moment always asks the same
question. A Question holds the structured facts (the choices, the number that decides each one,
the right choices and the numbers of the reason); writing them in words is components/predict.py's
job. No question is asked where none has one right answer (a single neuron, every choice equal,
an update that was refused).
"""

from dataclasses import dataclass, field

import numpy as np

from .activations import ACTIVATIONS
from .errors import LabInputError
from .losses import LOSSES
from .passes import uses_logits
from .phases import Phase, phases
from .state import LabState
from .training import advance, batch_passes, example_passes, full_step

MAX_CHOICES = 4  # the answers are keys 1-4 on the page
KINDS = ("active", "loss", "sign", "blame", "move")
SIGNS = ("+", "−")
DIRECTIONS = ("down", "up")
# Choices within this share of the largest size count as tied, and each of them is right: Adam's first
# steps are all η to within 1e-7, and nobody should be asked to tell them apart (nor two dead ReLUs at a = 0).
TIE_RTOL, TIE_ATOL = 1e-3, 1e-15
LOSS_RTOL = 1e-6  # a cost that moves less than this share is not asked about: its digits could not show it


@dataclass(frozen=True)
class Question:
    """One question about the phase about to be revealed.

    kind: one of KINDS. phase: the phase asked about; index: its place in ``phases(L)``.
    subject: (layer, neuron) the question names (sign, blame), (layer,) for active, () otherwise.
    choices: what can be answered, in order: neuron indices (active), SIGNS (sign), DIRECTIONS
    (loss), incoming neuron indices of layer − 1 (blame), (layer, row, col) weights (move).
    values: the number that decides each choice: a (active), ∂C/∂w (blame), Δw (move); for sign
    both entries hold δ, for loss (C before, C after).
    right: the indices into choices that are right (more than one only on an exact tie).
    terms: the numbers of the reason, by name (see `question`'s helpers).
    """

    kind: str
    phase: Phase
    index: int
    subject: tuple
    choices: tuple
    values: tuple
    right: tuple
    terms: dict = field(default_factory=dict)


def check(q: Question, answer) -> bool:
    """Whether `answer`, an index into q.choices, is right. Anything but such an index is refused."""
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)) or not 0 <= answer < len(q.choices):
        raise LabInputError(f"An answer is a choice from 1 to {len(q.choices)}.")
    return int(answer) in q.right


def moment_rng(state: LabState, index: int) -> np.random.Generator:
    """The draw of one moment: the same lab at the same step, phase and example draws the same."""
    return np.random.default_rng([state.seed, state.counters.step, index, state.example])


def question(state: LabState) -> Question | None:
    """The question about the phase the next Step reveals, or None where there is none to ask.

    Parameters
    ----------
    state : LabState

    Returns
    -------
    Question or None
        Its answers come from the engine's own next move: ``advance(state)`` (and ``full_step`` for
        the loss question, whose answer is the coming update's).
    """
    if state.diverged:
        return None
    index = state.cursor.next().index
    phase = phases(state.spec.n_layers)[index]
    rng = moment_rng(state, index)
    if phase.kind == "forward":
        return _most_active(state, phase, index, rng)
    if phase.kind == "loss":
        return _loss_direction(state, phase, index)
    if phase.kind == "backward":
        return _backward(state, phase, index, rng)
    return _largest_move(state, phase, index, rng)


def _some(rng: np.random.Generator, n: int) -> tuple[int, ...]:
    """Up to MAX_CHOICES of range(n), in order: all of them when they fit."""
    if n <= MAX_CHOICES:
        return tuple(range(n))
    return tuple(sorted(int(i) for i in rng.choice(n, MAX_CHOICES, replace=False)))


def _largest(values) -> tuple[int, ...]:
    """The indices of the largest values (every one that ties with the largest)."""
    v = np.asarray(values, dtype=float)
    near = TIE_RTOL * np.abs(v).max() + TIE_ATOL
    return tuple(int(i) for i in np.flatnonzero(v >= v.max() - near))


def _most_active(state, phase, index, rng) -> Question | None:
    l = phase.layer
    n = state.spec.sizes[l]
    if n < 2:
        return None
    a = example_passes(advance(state)).fwd.a[l][0]
    neurons = _some(rng, n)
    values = tuple(float(a[i]) for i in neurons)
    right = _largest(values)
    if len(right) == len(neurons):
        return None  # all alike: nothing to predict
    return Question("active", phase, index, (l,), neurons, values, right, {"size": n})


def _loss_direction(state, phase, index) -> Question | None:
    after = full_step(state)
    if after.last_update is None or after.counters.step != state.counters.step + 1:
        return None  # the update was refused: the weights will not move
    before_c, after_c = after.last_update.cost_before, after.last_update.cost_after
    if abs(after_c - before_c) <= LOSS_RTOL * max(before_c, after_c) + TIE_ATOL:
        return None  # no visible change (a rate of 0, or a stalled network): neither answer is fair
    right = (0,) if after_c < before_c else (1,)
    return Question("loss", phase, index, (), DIRECTIONS, (before_c, after_c), right,
                    {"before": before_c, "after": after_c, "rate": state.train.learning_rate,
                     "batch": int(batch_passes(state).x.shape[0])})


def _backward(state, phase, index, rng) -> Question | None:
    passes = example_passes(advance(state))
    l = phase.layer
    delta = passes.bwd.delta[l][0]
    blamed = [j for j in range(state.spec.sizes[l]) if delta[j] != 0.0]
    if not blamed:
        return None  # no neuron of this layer passes any blame back on this example
    j = blamed[int(rng.integers(len(blamed)))]
    ask_blame = bool(rng.integers(2))
    kinds = (_incoming_blame, _delta_sign) if ask_blame else (_delta_sign, _incoming_blame)
    for make in kinds:
        q = make(state, passes, phase, index, j, rng)
        if q is not None:
            return q
    return None


def _delta_sign(state, passes, phase, index, j, rng) -> Question:
    l, L = phase.layer, state.spec.n_layers
    fwd, bwd = passes.fwd, passes.bwd
    d = float(bwd.delta[l][0, j])
    z = float(fwd.z[l][0, j])
    if l < L:
        # δ_j = (Σ_k w_kj δ_k) · f′(z_j): the blame arriving from the layer after, times this neuron's slope.
        arriving = float(state.params.W[l + 1][:, j] @ bwd.delta[l + 1][0])
        slope = float(ACTIVATIONS[state.spec.activations[l - 1]].df(np.array([[z]]))[0, 0])
        terms = {"rule": "hidden", "sum": arriving, "slope": slope, "delta": d, "z": z}
    elif uses_logits(state.spec):
        # σ(z) − t after a sigmoid, p − t after a softmax (engine/passes.py).
        terms = {"rule": "logits", "output": float(fwd.a[L][0, j]), "target": float(passes.y[0, j]), "delta": d,
                 "softmax": state.spec.activations[-1] == "softmax"}
    else:
        dc_da = float(LOSSES[state.spec.loss].grad(fwd.a[L], passes.y)[0, j])
        slope = float(ACTIVATIONS[state.spec.activations[L - 1]].df(fwd.z[L])[0, j])
        terms = {"rule": "output", "dc_da": dc_da, "slope": slope, "delta": d, "z": z}
    return Question("sign", phase, index, (l, j), SIGNS, (d, d), (0,) if d > 0 else (1,), terms)


def _incoming_blame(state, passes, phase, index, j, rng) -> Question | None:
    l = phase.layer
    # With a penalty each ∂C/∂w also gains λ·φ′(w): then it is no longer a_in · δ alone, the point of this question.
    if state.train.weight_decay or state.spec.sizes[l - 1] < 2:
        return None
    inputs = _some(rng, state.spec.sizes[l - 1])
    grads = tuple(float(passes.bwd.grad_W[l][j, i]) for i in inputs)
    right = _largest(np.abs(grads))
    if len(right) == len(inputs):
        return None
    a_in = tuple(float(passes.fwd.a[l - 1][0, i]) for i in inputs)
    return Question("blame", phase, index, (l, j), inputs, grads, right,
                    {"delta": float(passes.bwd.delta[l][0, j]), "a_in": a_in})


def _largest_move(state, phase, index, rng) -> Question | None:
    after = advance(state)
    if after.last_update is None or after.counters.step != state.counters.step + 1:
        return None  # refused: nothing moves
    before = after.last_update.params_before
    weights = tuple((l, r, c) for l in range(1, state.spec.n_layers + 1)
                    for r in range(state.spec.sizes[l]) for c in range(state.spec.sizes[l - 1]))
    chosen = tuple(weights[i] for i in _some(rng, len(weights)))
    moves = tuple(float(after.params.W[l][r, c] - before.W[l][r, c]) for l, r, c in chosen)
    right = _largest(np.abs(moves))
    if len(right) == len(chosen):
        return None
    grads = batch_passes(state).bwd.grad_W
    return Question("move", phase, index, (), chosen, moves, right, {
        "optimizer": state.train.optimizer,
        "rate": state.train.learning_rate,
        "before": tuple(float(before.W[l][r, c]) for l, r, c in chosen),
        "after": tuple(float(after.params.W[l][r, c]) for l, r, c in chosen),
        "grad": tuple(float(grads[l][r, c]) for l, r, c in chosen),
    })
