"""A worksheet: one forward–backward–update step of the lab's network, some numbers left blank.

The sheet gives the network (its weights and biases), the example on show (its inputs and target)
and the learning rate; it asks for a seeded choice of z, a, δ, ∂C/∂w and w⁺ (and the loss C, if
chosen), and every number it does not ask for is written in, so each blank can be worked out by
hand from the sheet alone.

Decisions a teacher should be able to read:

- Hand work needs round numbers: the weights, biases, inputs and target are the lab's rounded to
  DIGITS decimals, and the key is the engine's exact computation *from those rounded numbers*
  (forward, backward, then the update), so the sheet never disagrees with itself. On the lessons
  with round weights (the default lesson, the classic worked example) that is the lab's own step.
- The update on the sheet is always plain gradient descent on this one example,
  w⁺ = w − η·∂C/∂w, with the lab's η: what a student can compute from the sheet. The lab's own
  next step is that only with SGD and a batch of one; with a larger batch it moves each weight by
  the batch's mean gradient, and momentum or Adam add a memory the sheet does not carry, so the
  sheet says how the lab's update differs (`update_note`) rather than ask for numbers nobody
  could check by hand.
- The blanks are chosen by numpy's default_rng(seed): the kinds take turns, in an order the rng
  draws, so every kind asked for gets a blank when there are enough; within a kind the rng picks
  which. The same lab, seed, count and kinds give the same sheet.
- An answer is right when |answer − key| ≤ ATOL + RTOL·|key| (numpy.isclose's rule): wide enough
  for a student who rounds what they write to DIGITS decimals (tests/engine/test_worksheet.py
  works every lesson that way), narrow enough to catch a slip.

Not here: how the sheet looks (components/worksheet.py) or where it is served (app/worksheet.py).
"""

from dataclasses import dataclass

import numpy as np

from .errors import LabInputError
from .network import Params
from .optimizers import update
from .passes import backward, forward
from .state import LabState
from .training import dataset, example_passes

DIGITS = 4  # decimals of every given number
# An answer is right when |answer − key| ≤ ATOL + RTOL·|key|. A student rounding every number they write
# to 4 decimals is off by at most 0.00017 on every lesson (tests/engine/test_worksheet.py): 3× inside.
RTOL, ATOL = 0.001, 0.0005
# Each kind's name in a link, in the order a step computes them (the loss comes between the passes).
KINDS = ("z", "a", "loss", "delta", "grad", "update")
DEFAULT_KINDS = ("z", "a", "delta", "grad", "update")
DEFAULT_BLANKS = 8
MAX_BLANKS = 100
MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class Quantity:
    """One number of the step. kind: one of KINDS; layer l (1 … L; 0 for the loss); row: the
    neuron (the weight's target neuron); col: the weight's source neuron in layer l − 1, or None
    for a neuron's z, a or δ and for the loss. value: exact, from the sheet's rounded givens."""

    kind: str
    layer: int
    row: int
    col: int | None
    value: float
    blank: bool

    @property
    def key(self) -> str:
        """'z[1][0]', 'grad[2][0,1]', 'loss': a stable name for the quantity."""
        if self.kind == "loss":
            return "loss"
        where = f"{self.row}" if self.col is None else f"{self.row},{self.col}"
        return f"{self.kind}[{self.layer}][{where}]"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "layer": self.layer, "row": self.row, "col": self.col,
                "value": self.value, "blank": self.blank}


@dataclass(frozen=True)
class Worksheet:
    """One step as a worksheet. Givens (rounded to DIGITS decimals): W[l] (n_l, n_{l-1}) and b[l]
    (n_l,) as nested tuples for l = 1 … L (index 0 holds None), the inputs x (n_0,) and target
    t (n_L,), and η. quantities: every z, a, C, δ, ∂C/∂w and w⁺ of the step in the order a step
    computes them, the blanks marked."""

    title: str
    seed: int
    kinds: tuple[str, ...]
    asked: int  # the blanks asked for (more than the chosen kinds hold gives them all)
    step: int  # the lab's updates so far: the weights are those after this many
    example: int  # the training example on show
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    input_names: tuple[str, ...]
    classes: tuple[str, ...]
    W: tuple
    b: tuple
    x: tuple[float, ...]
    t: tuple[float, ...]
    learning_rate: float
    penalty: str
    weight_decay: float
    rounded: bool  # some given number of the lab changed when rounded
    update_note: str  # "" when the sheet's update is the lab's own next step
    quantities: tuple[Quantity, ...]

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    @property
    def blanks(self) -> tuple[Quantity, ...]:
        return tuple(q for q in self.quantities if q.blank)

    def value(self, kind: str, layer: int = 0, row: int = 0, col: int | None = None) -> float:
        """The exact value of one quantity (the key's number before it is rounded)."""
        for q in self.quantities:
            if (q.kind, q.layer, q.row, q.col) == (kind, layer, row, col):
                return q.value
        raise KeyError((kind, layer, row, col))

    def to_dict(self) -> dict:
        return {
            "title": self.title, "seed": self.seed, "kinds": list(self.kinds), "asked": self.asked,
            "step": self.step, "example": self.example, "sizes": list(self.sizes),
            "activations": list(self.activations), "loss": self.loss, "input_names": list(self.input_names),
            "classes": list(self.classes),
            "W": [None] + [[list(row) for row in w] for w in self.W[1:]],
            "b": [None] + [list(v) for v in self.b[1:]],
            "x": list(self.x), "t": list(self.t), "learning_rate": self.learning_rate,
            "penalty": self.penalty, "weight_decay": self.weight_decay, "rounded": self.rounded,
            "update_note": self.update_note, "tolerance": {"rtol": RTOL, "atol": ATOL, "digits": DIGITS},
            "quantities": [q.to_dict() for q in self.quantities],
        }


def right(answer: float, key: float) -> bool:
    """Whether a student's answer counts as right against the key's exact value."""
    return abs(answer - key) <= ATOL + RTOL * abs(key)


def check_choice(seed, blanks, kinds) -> tuple[int, int, tuple[str, ...]]:
    """The seed, the number of blanks and the kinds, checked (LabInputError says what is allowed).
    Kinds come back in KINDS order, each once."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= MAX_SEED:
        raise LabInputError(f"The worksheet's seed must be a whole number from 0 to {MAX_SEED}.")
    if isinstance(blanks, bool) or not isinstance(blanks, (int, np.integer)) or not 1 <= blanks <= MAX_BLANKS:
        raise LabInputError(f"The number of blanks must be a whole number from 1 to {MAX_BLANKS}.")
    if not isinstance(kinds, (tuple, list)) or not kinds or not all(isinstance(k, str) for k in kinds):
        raise LabInputError(f"Choose at least one kind of blank from {', '.join(KINDS)}.")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise LabInputError(f"{unknown[0][:20]!r} is not a kind of blank; choose from {', '.join(KINDS)}.")
    return int(seed), int(blanks), tuple(k for k in KINDS if k in kinds)


def _rounded(values) -> np.ndarray:
    out = np.round(np.asarray(values, dtype=float), DIGITS)
    return out + 0.0  # −0.0 reads "−0.0000" on a sheet; 0.0 does not


def update_note(state: LabState, batch: int) -> str:
    """How the lab's own next update differs from the sheet's w⁺ = w − η·∂C/∂w ("" if it does not)."""
    differences = []
    if batch > 1:
        differences.append(f"it averages ∂C/∂w over a batch of {batch} examples (ḡ, the mean), and this "
                           "sheet shows one of them")
    name = state.train.optimizer
    if name == "momentum":
        differences.append("it uses momentum, whose velocity remembers earlier steps and is not on this sheet")
    elif name == "adam":
        differences.append("it uses Adam, whose running moments are not on this sheet and scale each step")
    elif name != "sgd":
        differences.append(f"it uses the {name} optimizer")
    if not differences:
        return ""
    return ("The update on this sheet is plain gradient descent on this one example, so every w⁺ can be "
            "worked out from the sheet. The lab's own next update moves the weights differently: "
            + "; ".join(differences) + ".")


def make_worksheet(state: LabState, seed: int = 1, blanks: int = DEFAULT_BLANKS,
                   kinds=DEFAULT_KINDS) -> Worksheet:
    """The worksheet of one step from the lab's weights as they stand, on the example on show.

    Parameters
    ----------
    state : LabState
    seed : int
        Chooses the blanks (numpy.random.default_rng(seed)); 0 … MAX_SEED.
    blanks : int
        How many numbers to leave blank (1 … MAX_BLANKS; at most all of the chosen kinds).
    kinds : sequence of str
        Which kinds of number may be blank, from KINDS.

    Returns
    -------
    Worksheet
    """
    seed, asked, kinds = check_choice(seed, blanks, kinds)
    spec, L = state.spec, state.spec.n_layers
    shown = example_passes(state)
    W = (None, *(_rounded(w) for w in state.params.W[1:]))
    b = (None, *(_rounded(v) for v in state.params.b[1:]))
    x, t = _rounded(shown.x), _rounded(shown.y)
    params = Params(W, b)
    rounded = not (np.array_equal(x, shown.x) and np.array_equal(t, shown.y) and all(
        np.array_equal(W[l], state.params.W[l]) and np.array_equal(b[l], state.params.b[l]) for l in range(1, L + 1)))
    fwd = forward(spec, params, x)
    bwd = backward(spec, params, fwd, t, state.train.weight_decay, state.train.penalty)
    # The example's own gradient, one plain step: what the sheet asks for (see the module's note).
    new, _ = update("sgd", params, bwd.grads, None, state.train.learning_rate, state.train.freeze_biases)

    found = []
    for l in range(1, L + 1):
        found += [("z", l, i, None, fwd.z[l][0, i]) for i in range(spec.sizes[l])]
        found += [("a", l, i, None, fwd.a[l][0, i]) for i in range(spec.sizes[l])]
    found.append(("loss", 0, 0, None, bwd.cost))  # with the penalty, as ∂C/∂w has it
    for l in range(L, 0, -1):
        found += [("delta", l, i, None, bwd.delta[l][0, i]) for i in range(spec.sizes[l])]
        found += [("grad", l, i, j, bwd.grad_W[l][i, j]) for i in range(spec.sizes[l]) for j in range(spec.sizes[l - 1])]
    for l in range(1, L + 1):
        found += [("update", l, i, j, new.W[l][i, j]) for i in range(spec.sizes[l]) for j in range(spec.sizes[l - 1])]
    chosen = choose_blanks([kind for kind, *_ in found], kinds, asked, seed)
    quantities = tuple(Quantity(kind, l, i, j, float(v), k in chosen) for k, (kind, l, i, j, v) in enumerate(found))

    data = dataset(state.data)
    n_train = data.x_train.shape[0]
    return Worksheet(
        title=state.title, seed=seed, kinds=kinds, asked=asked, step=state.counters.step,
        example=min(state.example, n_train - 1), sizes=spec.sizes, activations=spec.activations, loss=spec.loss,
        input_names=tuple(data.input_names), classes=tuple(data.classes or ()),
        W=(None, *(tuple(map(tuple, w.tolist())) for w in W[1:])), b=(None, *(tuple(v.tolist()) for v in b[1:])),
        x=tuple(x[0].tolist()), t=tuple(t[0].tolist()), learning_rate=state.train.learning_rate,
        penalty=state.train.penalty, weight_decay=state.train.weight_decay, rounded=rounded,
        update_note=update_note(state, min(state.train.batch_size, n_train)), quantities=quantities,
    )


def choose_blanks(found_kinds: list[str], kinds: tuple[str, ...], asked: int, seed: int) -> set[int]:
    """Which of the quantities (given by their kinds, in order) are blank: indices into found_kinds.

    The kinds take turns in an order the rng draws, so each kind gets a share (one more for the
    first ones when the count does not divide); a kind with too few numbers passes its turn on.
    Within each kind the rng picks which numbers, without repeats."""
    rng = np.random.default_rng(seed)
    order = [kinds[i] for i in rng.permutation(len(kinds))]
    pools = {kind: [k for k, found in enumerate(found_kinds) if found == kind] for kind in order}
    counts = dict.fromkeys(order, 0)
    left = min(asked, sum(len(p) for p in pools.values()))
    while left:
        for kind in order:
            if left and counts[kind] < len(pools[kind]):
                counts[kind] += 1
                left -= 1
    chosen = set()
    for kind in order:  # one draw per kind, in the drawn order: the same seed, the same blanks
        picks = rng.choice(len(pools[kind]), size=counts[kind], replace=False) if counts[kind] else []
        chosen |= {pools[kind][int(p)] for p in picks}
    return chosen
