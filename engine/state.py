"""The whole lab state as one immutable value, and its JSON boundary.

LabState holds everything a lesson needs to resume exactly: the network's shape
and numbers, the training settings and the optimizer's memory, the data's
recipe, the phase cursor, the counters, a capped loss history and whether
training diverged. `from_dict` / `from_json` are the only doors for outside
data; they raise LabInputError with a message a person can act on.
"""

import json
from dataclasses import dataclass, field, replace

from . import limits, validate
from .datasets import DataSpec
from .errors import LabInputError
from .network import NetworkSpec, Params
from .optimizers import OPTIMIZERS, OptimizerState, all_settings
from .penalties import PENALTIES
from .phases import Cursor
from .stopping import STOP_RULES

FORMAT = 1


@dataclass(frozen=True)
class TrainConfig:
    """How the lab trains: the optimizer's name (engine.OPTIMIZERS), its learning rate η, the
    examples per update, the regularization rate λ (weight_decay: the cost gains λ·Σφ(w), φ the
    `penalty`'s, w²/2 for L2 or |w| for L1), whether the biases stay
    as they are (the classic worked example), and the optimizers' own settings (momentum's μ …),
    name → value. A setting not given has its default (engine.optimizers.Setting), so a lab saved
    before an optimizer gained a setting still loads; `setting(name)` reads one."""

    optimizer: str = "sgd"
    learning_rate: float = 0.5
    batch_size: int = 10
    weight_decay: float = 0.0
    freeze_biases: bool = False
    settings: tuple = ()
    penalty: str = "l2"  # what weight_decay, the rate λ, multiplies: engine/penalties.py (L2, or L1)
    stop_rule: str = "none"  # when Play stops by itself (engine/stopping.py), and at what target
    stop_at: float = 0.0  # (name, value) pairs, every optimizer's setting, sorted; a dict may be given

    def __post_init__(self):
        known = all_settings()
        given = dict(self.settings)
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise LabInputError(f"training has unknown setting(s): {', '.join(map(str, unknown[:5]))}.")
        # Frozen: the normal form is written once, here.
        object.__setattr__(self, "settings", tuple(sorted((k, given.get(k, s.default)) for k, s in known.items())))

    def setting(self, name: str) -> float:
        return dict(self.settings)[name]

    def optimizer_settings(self) -> dict:
        """The settings the chosen optimizer uses, name → value (engine.update's keywords)."""
        values = dict(self.settings)
        return {s.name: values[s.name] for s in OPTIMIZERS[self.optimizer].settings}

    def to_dict(self) -> dict:
        return {
            "optimizer": self.optimizer,
            "learning_rate": self.learning_rate,
            **dict(self.settings),
            "batch_size": self.batch_size,
            "weight_decay": self.weight_decay,
            "freeze_biases": self.freeze_biases,
            "penalty": self.penalty,
            "stop_rule": self.stop_rule,
            "stop_at": self.stop_at,
        }

    @classmethod
    def from_dict(cls, d) -> "TrainConfig":
        known = all_settings()
        d = validate.mapping(d, "training", ("optimizer", "learning_rate", "batch_size", "weight_decay",
                                             "freeze_biases"), (*known, "penalty", "stop_rule", "stop_at"))
        # A lab saved before Play had stop rules has none.
        rule = STOP_RULES[validate.choice(d.get("stop_rule", "none"), "training.stop_rule", tuple(STOP_RULES))]
        stop_at = validate.number(d.get("stop_at", 0.0), f"The target of “{rule.title}”", rule.low, rule.high)
        if rule.whole:
            stop_at = float(validate.integer(stop_at, f"The target of “{rule.title}”", int(rule.low), int(rule.high)))
        return cls(
            optimizer=validate.choice(d["optimizer"], "training.optimizer", tuple(OPTIMIZERS)),
            learning_rate=validate.number(d["learning_rate"], "the learning rate", 1e-9, limits.MAX_LEARNING_RATE),
            batch_size=validate.integer(d["batch_size"], "the batch size", 1, limits.MAX_BATCH),
            weight_decay=validate.number(d["weight_decay"], "the regularization rate λ", 0.0, limits.MAX_WEIGHT_DECAY),
            freeze_biases=validate.boolean(d["freeze_biases"], "training.freeze_biases"),
            settings={k: validate.number(d[k], s.label, s.low, s.high) for k, s in known.items() if k in d},
            # A lab saved before L1 existed decays its weights with L2.
            penalty=validate.choice(d.get("penalty", "l2"), "training.penalty", tuple(PENALTIES)),
            stop_rule=rule.name,
            stop_at=float(stop_at),
        )


@dataclass(frozen=True)
class History:
    """Loss after updates: entries (step, train loss, test loss or None).

    At most MAX_HISTORY entries: when full, every other entry is dropped and the
    stride doubles, so the history always spans the whole of training.
    """

    entries: tuple = ()
    stride: int = 1

    def add(self, step: int, train_loss: float, test_loss: float | None) -> "History":
        # Entries may come every step or every few steps (fast play records once per tick).
        if self.entries and step - self.entries[-1][0] < self.stride:
            return self
        entries, stride = self.entries + ((step, train_loss, test_loss),), self.stride
        if len(entries) > limits.MAX_HISTORY:
            stride *= 2
            entries = entries[::2]
        return History(entries, stride)

    def to_dict(self) -> dict:
        return {"stride": self.stride, "entries": [list(e) for e in self.entries]}

    @classmethod
    def from_dict(cls, d) -> "History":
        d = validate.mapping(d, "history", ("stride", "entries"))
        stride = validate.integer(d["stride"], "history.stride", 1, 2**40)
        rows = validate.sequence(d["entries"], "history.entries", 0, limits.MAX_HISTORY)
        entries = []
        for row in rows:
            step, train, test = validate.sequence(row, "a history entry", 3, 3)
            entries.append(
                (
                    validate.integer(step, "a history step", 0, 10**12),
                    validate.number(train, "a history loss", 0.0, float("inf")),
                    None if test is None else validate.number(test, "a history loss", 0.0, float("inf")),
                )
            )
        return cls(tuple(entries), stride)


@dataclass(frozen=True)
class LastUpdate:
    """The most recent update: the weights before it and the batch's cost before and after."""

    params_before: Params
    cost_before: float
    cost_after: float

    def to_dict(self) -> dict:
        return {"params_before": self.params_before.to_dict(), "cost_before": self.cost_before, "cost_after": self.cost_after}

    @classmethod
    def from_dict(cls, d, spec: NetworkSpec) -> "LastUpdate":
        d = validate.mapping(d, "last_update", ("params_before", "cost_before", "cost_after"))
        return cls(
            Params.from_dict(d["params_before"], spec),
            validate.number(d["cost_before"], "last_update.cost_before", 0.0, float("inf")),
            validate.number(d["cost_after"], "last_update.cost_after", 0.0, float("inf")),
        )


@dataclass(frozen=True)
class Counters:
    """step: updates made; epoch: epochs completed; (shuffle_epoch, batch_number): the batch on show."""

    step: int = 0
    epoch: int = 0
    shuffle_epoch: int = 0
    batch_number: int = 0

    def to_dict(self) -> dict:
        return {"step": self.step, "epoch": self.epoch, "shuffle_epoch": self.shuffle_epoch, "batch_number": self.batch_number}

    @classmethod
    def from_dict(cls, d) -> "Counters":
        d = validate.mapping(d, "counters", ("step", "epoch", "shuffle_epoch", "batch_number"))
        return cls(**{k: validate.integer(v, f"counters.{k}", 0, 10**12) for k, v in d.items()})


@dataclass(frozen=True)
class LabState:
    """Everything one lab is, as a frozen value: the network and its weights, how it trains, its
    data, the optimizer's memory, where the lesson stands (cursor), the counters, the example on
    show, the loss history, the last update (to show how far each weight moved) and, if training
    blew up, why. Every action makes a new one (engine.advance, engine.full_step, ...).

    ``to_dict`` / ``from_dict`` (and the JSON forms) are how it travels: `from_dict` is the one
    door for untrusted data and checks every field against engine/limits.py."""

    title: str
    seed: int
    spec: NetworkSpec
    params: Params
    train: TrainConfig
    data: DataSpec
    optimizer_state: OptimizerState = field(default_factory=OptimizerState)
    cursor: Cursor | None = None
    counters: Counters = field(default_factory=Counters)
    example: int = 0  # the training example the picture shows
    history: History = field(default_factory=History)
    last_update: LastUpdate | None = None
    diverged: str = ""  # why training stopped, in plain words; "" while healthy

    def __post_init__(self):
        if self.cursor is None:
            object.__setattr__(self, "cursor", Cursor(self.spec.n_layers))
        check_consistent(self)

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "title": self.title,
            "seed": self.seed,
            "network": self.spec.to_dict(),
            "params": self.params.to_dict(),
            "training": self.train.to_dict(),
            "data": self.data.to_dict(),
            "optimizer_state": self.optimizer_state.to_dict(),
            "cursor": self.cursor.to_dict(),
            "counters": self.counters.to_dict(),
            "example": self.example,
            "history": self.history.to_dict(),
            "last_update": None if self.last_update is None else self.last_update.to_dict(),
            "diverged": self.diverged,
        }

    @classmethod
    def from_dict(cls, d) -> "LabState":
        validate.check_size(d)
        d = validate.mapping(d, "the lab state", tuple(_KEYS))
        if isinstance(d["format"], bool) or d["format"] != FORMAT:  # True == 1 in Python, but not a format
            raise LabInputError(f"This lab state is in format {d['format']!r}; this version reads format {FORMAT}.")
        spec = NetworkSpec.from_dict(d["network"])
        train = TrainConfig.from_dict(d["training"])
        return cls(
            title=validate.text(d["title"], "the title", 80),
            seed=validate.integer(d["seed"], "the seed", 0, limits.MAX_SEED),
            spec=spec,
            params=Params.from_dict(d["params"], spec),
            train=train,
            data=DataSpec.from_dict(d["data"]),
            optimizer_state=OptimizerState.from_dict(d["optimizer_state"], spec, train.optimizer),
            cursor=Cursor.from_dict(d["cursor"], spec.n_layers),
            counters=Counters.from_dict(d["counters"]),
            example=validate.integer(d["example"], "the example", 0, limits.MAX_POINTS),
            history=History.from_dict(d["history"]),
            last_update=None if d["last_update"] is None else LastUpdate.from_dict(d["last_update"], spec),
            diverged=validate.text(d["diverged"], "the divergence note", 400),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_json(cls, text) -> "LabState":
        if not isinstance(text, (str, bytes)):
            raise LabInputError("A lab state must be JSON text.")
        if len(text) > limits.MAX_STATE_BYTES:
            raise LabInputError(f"This lab state is {len(text)} bytes; at most {limits.MAX_STATE_BYTES} are allowed.")
        try:
            d = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as e:
            raise LabInputError(f"This is not valid JSON: {str(e)[:120]}") from None
        return cls.from_dict(d)

    def replace(self, **changes) -> "LabState":
        return replace(self, **changes)


# In to_dict's order, so a "missing" message lists fields the same way every run (a set would not).
_KEYS = tuple(
    {"spec": "network", "train": "training"}.get(name, name) for name in ("format", *LabState.__dataclass_fields__)
)


def _refuse_constant(name):
    raise LabInputError(f"The lab state contains {name}; only finite numbers are allowed.")


def check_consistent(state: LabState) -> None:
    """The parts must fit together: data to network, params to shapes, the example to the data."""
    spec, data = state.spec, state.data
    if data.input_size() != spec.sizes[0]:
        raise LabInputError(
            f"The data has {data.input_size()} input(s) but the network's input layer has {spec.sizes[0]} neurons."
        )
    if data.output_size() != spec.sizes[-1]:
        raise LabInputError(
            f"The data has {data.output_size()} target(s) but the network's output layer has {spec.sizes[-1]} neurons."
        )
    if len(state.params.W) != spec.n_layers + 1 or any(
        state.params.W[l].shape != (spec.sizes[l], spec.sizes[l - 1]) for l in range(1, spec.n_layers + 1)
    ):
        raise LabInputError("The weights do not fit the network's shape.")
    if state.cursor.n_layers != spec.n_layers:
        raise LabInputError("The phase cursor does not fit the network's depth.")
