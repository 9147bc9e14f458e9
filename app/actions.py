"""What each control does to the lab state, as plain functions (no Dash here).

Callbacks read the browser's values, call one of these and store the result.
Every value from the browser is untrusted: these functions check what they are
given and raise engine.LabInputError with a message for the page.
"""

import math
from dataclasses import dataclass, replace

import numpy as np

import engine
from engine import LabInputError, LabState, limits, stopping, validate
from engine.phases import Cursor


def load(data) -> LabState:
    """The state a browser sent back, checked through the engine's front door."""
    if data is None:
        return engine.PRESETS["default"].state()
    return LabState.from_dict(data)


def preset(name, seed=0) -> LabState:
    if not isinstance(name, str) or name not in engine.PRESETS:  # a list or dict from a client is unhashable
        raise LabInputError(f"There is no lesson called {str(name)[:40]!r}.")
    return engine.PRESETS[name].state(seed)


def param_or_weight(state, name, fallback_index: int = 0) -> engine.ParamRef:
    """The parameter a browser names, or, if this network has none by that name, its weight number
    `fallback_index` (the list's, the map's axes and the maths tabs all need one to show)."""
    try:
        return engine.ParamRef.parse(name, state.spec)
    except LabInputError:
        refs = [r for r in engine.all_refs(state.spec) if r.kind == "W"]
        return refs[min(fallback_index, len(refs) - 1)]


def parse_hidden(text) -> tuple[int, ...]:
    """ "4, 4" → (4, 4); "0" → no hidden layer. An empty box is refused: emptied by accident, it
    must not rebuild the network without its hidden layers."""
    if not isinstance(text, str) or len(text) > 60:
        raise LabInputError("Write the hidden layer sizes as numbers separated by commas, e.g. 4, 4.")
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    if not parts:
        raise LabInputError("Write the hidden layer sizes, e.g. 4, 4, or 0 for a network with no hidden layer.")
    if parts == ["0"]:
        return ()
    if len(parts) > limits.MAX_HIDDEN_LAYERS:
        raise LabInputError(f"At most {limits.MAX_HIDDEN_LAYERS} hidden layers; {len(parts)} were given.")
    sizes = []
    for p in parts:
        if not (p.isascii() and p.isdigit()) or not limits.MIN_NEURONS <= int(p) <= limits.MAX_NEURONS:
            raise LabInputError(
                f"Each hidden layer has {limits.MIN_NEURONS} to {limits.MAX_NEURONS} neurons; {p[:10]!r} is not allowed."
            )
        sizes.append(int(p))
    return tuple(sizes)


def format_hidden(spec) -> str:
    return ", ".join(str(n) for n in spec.sizes[1:-1]) or "0"


def change_layers(text, delta: int) -> str:
    """Add (delta=1) or remove (delta=−1) the last hidden layer, within the limits."""
    sizes = list(parse_hidden(text))
    if delta > 0 and len(sizes) < limits.MAX_HIDDEN_LAYERS:
        sizes.append(sizes[-1] if sizes else 2)
    elif delta < 0 and sizes:
        sizes.pop()
    return ", ".join(map(str, sizes)) or "0"


# Generated data's settings besides the dataset and seed (app/layout.py offers these).
NOISES = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
TEST_SHARES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
OWN_EXAMPLES = ("This lab's examples are its own (a lesson's, or uploaded) and are used as written: noise, the test "
                "share, extra inputs and new data are for a generated dataset. Choose one under Dataset.")


def data_for(state: LabState, start: LabState, name, seed: int) -> engine.DataSpec:
    """The data a dataset choice and seed give. Generated data keeps the lab's noise, test share and
    extra inputs (those a dataset with two inputs can take), as Playground keeps its sliders."""
    if name == "explicit":
        for candidate in (state, start):
            if candidate.data.name == "explicit":
                return candidate.data
        raise LabInputError("This lesson has no examples of its own: choose a dataset.")
    if not isinstance(name, str) or name not in engine.DATASETS:
        raise LabInputError(f"There is no dataset called {str(name)[:40]!r}.")
    if state.data.name == "explicit":
        return engine.DataSpec(name, n_points=200, noise=0.05 if name != "spiral" else 0.1, test_fraction=0.5,
                               seed=seed)
    features = state.data.features if engine.DATASETS[name].n_raw_inputs == 2 else ()
    return replace(state.data, name=name, seed=seed, features=features)


def data_settings(state: LabState, noise=None, test_fraction=None, features=None, new_data=False) -> engine.DataSpec:
    """The lab's generated data with the noise, test share or extra inputs a person chose, or drawn
    anew (`new_data`: the data's own seed moves on by one; the weights' seed stays). Raises
    LabInputError for a lab whose examples are its own, or a value not offered."""
    if state.data.name == "explicit":
        # The controls echo what they show (0 noise …): only a change is refused.
        shown = (noise in (None, state.data.noise) and test_fraction in (None, state.data.test_fraction)
                 and features in (None, list(state.data.features)) and not new_data)
        if shown:
            return state.data
        raise LabInputError(OWN_EXAMPLES)
    changes = {}
    if noise is not None:
        changes["noise"] = _offered(noise, "The noise", NOISES)
    if test_fraction is not None:
        changes["test_fraction"] = _offered(test_fraction, "The test share", TEST_SHARES)
    if features is not None:
        chosen = validate.sequence(features, "The extra inputs", 0, len(engine.FEATURES))
        chosen = {validate.choice(f, "An extra input", tuple(engine.FEATURES)) for f in chosen}
        changes["features"] = tuple(f for f in engine.FEATURES if f in chosen)  # the list's order
    if new_data:
        changes["seed"] = (state.data.seed + 1) % (limits.MAX_SEED + 1)
    return replace(state.data, **changes)  # DataSpec checks the rest (extra inputs need two inputs)


def _offered(value, field: str, offered: tuple) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value not in offered:
        raise LabInputError(f"{field} must be one of {', '.join(f'{v:g}' for v in offered)}; "
                            f"{str(value)[:20]!r} is not.")
    return float(value)


def hidden_activation(spec: engine.NetworkSpec) -> str:
    """What the hidden-activation list shows: the hidden layers' own, or without any, the output's
    (a layer added takes it) unless that is for outputs alone (softmax), then tanh."""
    if spec.n_layers > 1:
        return spec.activations[0]
    return spec.activations[-1] if spec.activations[-1] in engine.HIDDEN_ACTIVATIONS else "tanh"


def output_for(old: str, new: str, output_activation, loss) -> tuple:
    """The output activation and loss once the data moves from dataset `old` to `new` (names):
    regression gets a linear output with MSE (a sigmoid cannot reach targets outside (0, 1)), several
    classes a softmax with cross-entropy (one probability per class, adding up to 1), and two classes
    after a softmax a sigmoid with BCE (a softmax shares among two outputs or more). Otherwise, and
    when the data stays, what was chosen."""
    info = engine.DATASETS.get(new)  # None for "explicit": the examples' own kind is not a dataset's
    if info is None or new == old:
        return output_activation, loss
    if info.kind == "regression":
        return "linear", "mse"
    if info.classes:
        return "softmax", "cross_entropy"
    shared = isinstance(output_activation, str) and output_activation in engine.ACTIVATIONS \
        and engine.ACTIVATIONS[output_activation].output_only
    return ("sigmoid", "bce") if shared else (output_activation, loss)


def rebuild(state: LabState, start: LabState, hidden, activation, output_activation, loss, dataset, seed,
            data: engine.DataSpec | None = None):
    """A new network and data from the settings; keeps the weights when the shape is unchanged.
    `data`: the data itself (data_settings), in place of what `dataset` and `seed` give.

    Returns (state, is_new): is_new means training starts over (the caller stores a new start).
    """
    seed = _seed(seed)
    data = data_for(state, start, dataset, seed) if data is None else data
    output_activation, loss = output_for(state.data.name, data.name, output_activation, loss)
    sizes = (data.input_size(), *parse_hidden(hidden), data.output_size())
    # NetworkSpec looks names up with `in`, which raises TypeError for a list or dict from a client.
    validate.choice(activation, "The hidden activation", engine.HIDDEN_ACTIVATIONS)
    validate.choice(output_activation, "The output activation", tuple(engine.ACTIVATIONS))
    validate.choice(loss, "The loss", tuple(engine.LOSSES))
    acts = tuple([activation] * (len(sizes) - 2) + [output_activation])
    init, scale = state.spec.init, state.spec.init_scale
    spec = engine.NetworkSpec(sizes, acts, loss, init if init != "explicit" else "xavier", scale)
    if spec.sizes == state.spec.sizes and data == state.data and seed == state.seed:
        # Same shape: keep the weights, and compare with the state's own init ("explicit" included),
        # else unchanged settings would count as a change and start training over.
        kept = engine.NetworkSpec(sizes, acts, loss, init, scale)
        if kept == state.spec:
            return state, False
        return state.replace(spec=kept), True
    params = engine.init_params(spec, np.random.default_rng(seed))
    title = "Your network" if state.title != "Your network" else state.title
    new = LabState(title, seed, spec, params, state.train, data)
    return new, True


def _seed(value) -> int:
    # isfinite() only for floats: math.isfinite(10**400) raises OverflowError.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
        isinstance(value, float) and not math.isfinite(value)
    ):
        raise LabInputError(f"The seed must be a whole number from 0 to {limits.MAX_SEED}.")
    if value != int(value) or not 0 <= value <= limits.MAX_SEED:
        raise LabInputError(f"The seed must be a whole number from 0 to {limits.MAX_SEED}.")
    return int(value)


def train_settings(state: LabState, learning_rate, batch_size, optimizer) -> LabState:
    """New training settings; training goes on from where it is (the optimizer's memory
    starts afresh only when the optimizer itself changes)."""
    config = engine.TrainConfig.from_dict(
        state.train.to_dict() | {"learning_rate": learning_rate, "batch_size": batch_size, "optimizer": optimizer}
    )
    if config == state.train:
        return state
    fresh = config.optimizer != state.train.optimizer
    return state.replace(
        train=config,
        optimizer_state=engine.OptimizerState() if fresh else state.optimizer_state,
        # A lower learning rate is the cure for divergence: let training try again.
        diverged="" if config.learning_rate != state.train.learning_rate else state.diverged,
    )


# The regularization rates the page offers (TensorFlow Playground's); 0 is none. A link or a saved
# lab may carry any rate the engine allows.
PENALTY_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
NO_PENALTY = "none"


def regularization(state: LabState, kind, rate) -> LabState:
    """The penalty on the weights (engine/penalties.py) and its rate λ; "none" is λ = 0. Choosing L1
    or L2 while λ is 0 starts it at 0.001, so that the choice does something. Training goes on."""
    if kind != NO_PENALTY and (not isinstance(kind, str) or kind not in engine.PENALTIES):
        raise LabInputError(f"Regularization is one of none, {', '.join(engine.PENALTIES)}; "
                            f"{str(kind)[:20]!r} is not.")
    if isinstance(rate, bool) or not isinstance(rate, (int, float)):
        raise LabInputError(f"The regularization rate must be a number, not {str(rate)[:20]!r}.")
    # None is λ = 0 with the usual penalty: a lab without one is the same lab however it got there.
    penalty = engine.TrainConfig().penalty if kind == NO_PENALTY else kind
    rate = 0.0 if kind == NO_PENALTY else (rate or PENALTY_RATES[1])
    config = engine.TrainConfig.from_dict(state.train.to_dict() | {"penalty": penalty, "weight_decay": rate})
    return state if config == state.train else state.replace(train=config)


def shown_penalty(state: LabState) -> str:
    """What the Regularization list shows: none while λ is 0."""
    return state.train.penalty if state.train.weight_decay else NO_PENALTY


def stop_settings(state: LabState, rule, at, new_rule: bool = False) -> LabState:
    """Play's stop rule (engine/stopping.py) and its target. A rule just chosen starts at its usual
    target (`new_rule`): the box's number was another rule's. Raises LabInputError for a rule the
    lab's data cannot meet (accuracy on regression, a test score without a test set)."""
    if not isinstance(rule, str) or rule not in engine.STOP_RULES:
        raise LabInputError("Unknown stop rule.")
    chosen = engine.STOP_RULES[rule]
    if not chosen.measure and not new_rule and at != chosen.default:
        raise LabInputError("Choose when Play stops first (“Play stops when”): the target belongs to a rule.")
    if not chosen.measure or new_rule:
        at = chosen.default
    why = stopping.refusal(state, rule)
    if why:
        raise LabInputError(f"“{chosen.title}” cannot stop Play here: {why}")
    config = engine.TrainConfig.from_dict(state.train.to_dict() | {"stop_rule": rule, "stop_at": at})
    return state if config == state.train else state.replace(train=config)


def set_param(state: LabState, name, value) -> LabState:
    """Set one weight or bias by hand. Nothing is trained; every value shown is recomputed,
    so the picture reveals the whole forward and backward pass for the new weight."""
    ref = engine.ParamRef.parse(name, state.spec)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
        isinstance(value, float) and not math.isfinite(value)  # isfinite(10**400) raises OverflowError
    ):
        raise LabInputError(f"{ref} must be set to a finite number.")
    if abs(value) > limits.MAX_ABS_VALUE:
        raise LabInputError(f"{ref} must stay within ±{limits.MAX_ABS_VALUE:g}.")
    if ref.get(state.params) == value:
        return state
    L = state.spec.n_layers
    return state.replace(
        params=ref.set(state.params, float(value)),
        cursor=Cursor.all_known(L),
        last_update=None,
        diverged="",
    )


def choose_example(state: LabState, index) -> LabState:
    n = engine.dataset(state.data).x_train.shape[0]
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < n:
        raise LabInputError(f"Choose an example from 0 to {n - 1}.")
    return state.replace(example=index)


def reset(state: LabState, start: LabState) -> LabState:
    """The starting weights again (same network, data and settings); the counters start over."""
    if start.spec != state.spec or start.data != state.data:
        start = LabState(state.title, state.seed, state.spec,
                         engine.init_params(state.spec, np.random.default_rng(state.seed)), state.train, state.data)
    return engine.reset(state, start.params).replace(example=min(state.example, _n_train(state) - 1))


def _n_train(state) -> int:
    return engine.dataset(state.data).x_train.shape[0]


@dataclass(frozen=True)
class Speed:
    """One entry of Play's speed list: everything the server, the list and the page need.

    label: what the list says, a promise the step counter keeps (bench/speeds.py measures it).
    per_second: moves the page's clock asks for each second; None: as fast as it goes.
    moves: what one move is, "phase" (one phase), "step" (one full step), or "max" (a tick trains
    for fast_tick_seconds, as many full steps as fit).
    """

    label: str
    per_second: float | None
    moves: str

    @property
    def most_per_tick(self) -> int:
        """Moves one tick may ask for. A round trip slower than a period owes the clock more than
        one step, and the tick takes them all, so the counter keeps the named pace; a debt over
        CATCH_UP_SECONDS' worth (a hidden tab's timers sleep) is forgiven, not paid in one jump.
        A phase is always shown on its own."""
        if self.moves != "step":
            return 1
        return max(1, math.ceil(self.per_second * CATCH_UP_SECONDS))

    def pace(self) -> dict:
        """What the page's clock needs (assets/play.js): milliseconds per move (0: the next
        tick as soon as the last one is painted), the most moves one tick may ask for, and the
        most pictures it may bring."""
        period = 0 if self.per_second is None else 1000 / self.per_second
        return {"period": period, "most": self.most_per_tick, "frames": self.most_frames}

    @property
    def most_frames(self) -> int:
        """Pictures one tick may bring: at full speed, the moments on the way (play_frames)."""
        return limits.MAX_FRAMES_PER_TICK if self.moves == "max" else 1


CATCH_UP_SECONDS = 2.0
SPEEDS = {
    "phase": Speed("One phase at a time", 1 / 0.9, "phase"),
    "slow": Speed("1 step per second", 1, "step"),
    "normal": Speed("5 steps per second", 5, "step"),
    "brisk": Speed("20 steps per second", 20, "step"),
    "fast": Speed("As fast as it goes", None, "max"),
}
# Server time per fast tick: long enough that training outruns drawing on a small network,
# short enough that the picture still moves many times a second. A tick that brings pictures on
# the way trains longer, for a third of the time its pictures fill on the display. The page asks
# for as many pictures as its last round trip lasted frames, and two more (assets/play.js), so
# that a third is about half the round trip: the server trains while the page paints, and is
# free for other clients the other half.
# At most FAST_TICK_MOST_SECONDS, so that no tick holds a core for long in a classroom.
FAST_TICK_SECONDS = 0.015
FAST_TICK_MOST_SECONDS = 0.08
DISPLAY_FRAME_SECONDS = 1 / 60
TRAINING_SHARE = 1 / 3


def fast_tick_seconds(frames: int) -> float:
    return min(FAST_TICK_MOST_SECONDS, max(FAST_TICK_SECONDS, frames * DISPLAY_FRAME_SECONDS * TRAINING_SHARE))


def play_tick(state: LabState, speed: str, moves=1) -> LabState:
    """One tick of Play: `moves` phases or full steps (what the page's clock owes), or at full
    speed as many full steps as fit in FAST_TICK_SECONDS."""
    return play_frames(state, speed, moves)[-1]


def play_frames(state: LabState, speed: str, moves=1, frames=1) -> tuple[LabState, ...]:
    """play_tick, and at full speed up to `frames` − 1 labs on the way to it, in order, the last
    one the tick's: the page paints one per display frame while it waits for the next answer
    (assets/play.js asks for as many as its last round trip lasted frames, and two more). Each is a
    state the engine trained through, so the pictures between two answers are real moments, not blends."""
    if not isinstance(speed, str) or speed not in SPEEDS:
        raise LabInputError("Unknown speed.")
    pace = SPEEDS[speed]
    most = pace.most_per_tick
    if isinstance(moves, bool) or not isinstance(moves, int) or not 1 <= moves <= most:
        raise LabInputError(f"A play tick at this speed takes a whole number of moves from 1 to {most}, "
                           f"not {str(moves)[:20]!r}.")
    # Play's stop rule ends a tick after the first step that meets it, and trains none once it is met.
    until = stopping.met if state.train.stop_rule != "none" else None
    if pace.moves == "max":
        return engine.train_for_frames(state, fast_tick_seconds(frames), frames, until=until)
    if frames != 1:
        raise LabInputError("Only Play at full speed brings pictures on the way.")
    if until is not None and until(state):
        return (state,)
    if pace.moves == "phase":
        return (engine.advance(state),)
    return (engine.train_steps(state, moves, until=until),)
