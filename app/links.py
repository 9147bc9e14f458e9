"""A lab's configuration as a link's query string, and a lab built back from one.

A link carries what *builds* the lab: the lesson, the settings controls' values, the seed and
the training settings. Opened on another machine, those rebuild the same starting weights and
data through the very functions the page's controls call (actions.preset, actions.rebuild,
actions.train_settings). It deliberately carries no trained weights, and it cannot carry data a
person uploaded (too big for an address), nor the extras of a lab loaded from a file.

Parameters: lesson or from (a preset key: the lesson itself, or a network of one's own begun
from it), hidden ("4,4"; "0" for none), act, out, loss, data (a dataset, or "explicit" for the
lesson's own examples), seed, dseed (the seed of the lesson's own examples, when it differs),
lr, batch, opt, reg (the penalty on the weights and its rate, "l1:0.01", or "none"), stop (Play's
stop rule and its target, "steps:500" or "train_loss:0.05"); for a
generated dataset noise, test (the test share, 0.3), feat (extra inputs, "x1_sq,sin_x2", or "none")
and dseed (its points' seed, after New data); and the display flags present and theme, which are
returned, not built.

A query is untrusted: `state_from_query` never raises. What it cannot use becomes a notice
naming the setting, and the rest of the link still applies.
"""

import logging
import math
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import engine
from engine import LabInputError, LabState, limits, twins

from . import actions

log = logging.getLogger(__name__)

MAX_QUERY = limits.MAX_LINK_CHARS
MAX_UNKNOWN_NOTICES = 3  # then one line for the rest, so junk cannot flood the page
OWN_TITLE = "Your network"  # what actions.rebuild calls a network of a person's own
NETWORK = ("hidden", "act", "out", "loss", "data")
LAB = ("lesson", "from", *NETWORK, "seed", "dseed", "noise", "test", "feat", "lr", "batch", "opt", "reg", "stop")
# points, discrete: the data chart's options; maps: the neurons' own pictures (the page reads them: assets/display.js)
# twin: the Twin run panel's (app/twin_panel.py); predict: the Predict, then reveal mode (assets/predict.js)
DISPLAY = ("present", "theme", "points", "discrete", "maps", "twin", "predict")
_WHOLE = re.compile(r"[0-9]{1,12}")  # ASCII only: str.isdigit() accepts "²", which int() refuses
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,4})?")
_FLAGS = {"1": True, "true": True, "0": False, "false": False}


@dataclass(frozen=True)
class Linked:
    """What a link asks for. state is None when the link has no lab settings at all. lesson is the
    lesson the lab was built from (the link's lesson or from, or the default lesson in place of
    an unknown one): the lesson list shows it, as it shows the lesson a person began from after
    changing the network on the page."""

    state: LabState | None
    notices: tuple[str, ...] = ()
    present: bool | None = None
    theme: str | None = None
    lesson: str | None = None


def link_query(state: LabState, start: LabState | None = None, shown=None) -> tuple[str, str]:
    """(query, notice): the query that rebuilds this lab as Reset would show it, and "" or why
    it cannot. The network comes from `start` (what Reset returns to); the training settings
    from `state`, since they change without a reset. `shown` is the lesson the page's list
    shows (untrusted): a network of one's own is linked from it when that rebuilds it, so the
    link opens with the list showing the same lesson."""
    start = start if start is not None else state
    target = _fresh(start, state.train)
    uploaded = start.data.name == "explicit" and not any(
        actions.preset(key, start.data.seed).data == start.data for key in engine.PRESETS
    )
    # The lesson with this title; else a network of one's own begun from a lesson: the one the
    # list shows (the link then opens showing it too), else the one that gives the shortest link.
    queries = [_query("lesson", key, start, state.train) for key, p in engine.PRESETS.items()
               if p.title == start.title]
    own = sorted((_query("from", key, start, state.train) for key in engine.PRESETS), key=len)
    if isinstance(shown, str) and shown in engine.PRESETS:  # a list or dict from a client is unhashable
        preferred = _query("from", shown, start, state.train)
        own.sort(key=lambda query: query != preferred)  # stable: the rest stay shortest first
    queries += own
    if uploaded:
        return queries[0], ("This lab's data was uploaded, and a link cannot carry it: the link opens the "
                            "same settings with the lesson's own examples.")
    # Several lessons may fit; the one that truly rebuilds this lab wins (it is checked, not assumed).
    for query in queries:
        linked = state_from_query(query)
        if linked.state is not None and not linked.notices and _same(linked.state, target):
            return query, ""
    return queries[0], ("This link has the lab's settings, but it will not rebuild exactly this network "
                        "(it was loaded from a file, or changed in a way a link does not carry).")


def state_from_query(search) -> Linked:
    """The lab a link's query ("?lesson=circle&seed=3", with or without the "?") asks for."""
    try:
        return _read(search)
    except Exception:  # a last guard: whatever a link holds, the page must still open
        log.exception("link %r could not be read", str(search)[:100])
        return Linked(None, ("The link could not be read, so it was ignored.",))


# --- writing ---

def _query(kind: str, key: str, start: LabState, train) -> str:
    dseed = start.data.seed if start.data.name == "explicit" and start.data.seed != start.seed else None
    base = actions.preset(key, start.seed if dseed is None else dseed)
    wanted = _settings(start)
    usual = _settings(base) | _output_for(base, wanted["data"])
    params = {kind: key}
    params |= {name: wanted[name] for name in NETWORK if wanted[name] is not None and wanted[name] != usual[name]}
    if start.seed:
        params["seed"] = start.seed
    if dseed is not None:
        params["dseed"] = dseed
    for name, field in (("lr", "learning_rate"), ("batch", "batch_size"), ("opt", "optimizer")):
        if getattr(train, field) != getattr(base.train, field):
            params[name] = repr(train.learning_rate) if name == "lr" else getattr(train, field)
    if start.data.name != "explicit":
        params |= _data_params(start.data, {k: str(v) for k, v in params.items()})
    if (train.penalty, train.weight_decay) != (base.train.penalty, base.train.weight_decay):
        params["reg"] = f"{train.penalty}:{train.weight_decay!r}" if train.weight_decay else actions.NO_PENALTY
    if train.stop_rule != "none":
        params["stop"] = f"{train.stop_rule}:{train.stop_at:g}"
    return "?" + urlencode(params, safe=",:")


def _data_params(data, given: dict) -> dict:
    """What a link must add for generated data that differs from what its other settings give."""
    plain = _build(given, [])[0].data
    params = {}
    if data.noise != plain.noise:
        params["noise"] = f"{data.noise:g}"
    if data.test_fraction != plain.test_fraction:
        params["test"] = f"{data.test_fraction:g}"
    if data.features != plain.features:
        params["feat"] = ",".join(data.features) or "none"
    if data.seed != plain.seed:
        params["dseed"] = data.seed
    return params  # "4,4" reads better than "4%2C4"


def _settings(state: LabState) -> dict:
    """The network settings as a link writes them. act is None without hidden layers: rebuild
    ignores it then, so the link need not say it."""
    acts = state.spec.activations
    return {
        "hidden": ",".join(str(n) for n in state.spec.sizes[1:-1]) or "0",
        "act": acts[0] if len(acts) > 1 else None,
        "out": acts[-1],
        "loss": state.spec.loss,
        "data": state.data.name,
    }


def _output_for(base: LabState, data: str) -> dict:
    """The output and loss a link means when it names none: what rebuild switches to when the data
    moves (actions.output_for), so that is what the page shows after it too."""
    out, loss = actions.output_for(base.data.name, data, base.spec.activations[-1], base.spec.loss)
    return {"out": out, "loss": loss}


def _fresh(start: LabState, train) -> LabState:
    fresh = actions.train_settings(engine.reset(start, start.params), train.learning_rate, train.batch_size,
                                   train.optimizer)
    kept = ("penalty", "weight_decay", "stop_rule", "stop_at")  # what a link carries besides
    return fresh.replace(train=fresh.train.from_dict(fresh.train.to_dict() | {k: getattr(train, k) for k in kept}))


def _same(a: LabState, b: LabState) -> bool:
    # The example on show is a way of looking, not part of the configuration.
    return a.replace(example=0).to_dict() == b.replace(example=0).to_dict()


# --- reading ---

def _read(search) -> Linked:
    if search is None:
        return Linked(None)
    if not isinstance(search, str):
        return Linked(None, ("The link could not be read, so it was ignored.",))
    text = search.removeprefix("?")
    if len(text) > MAX_QUERY:
        notice = (f"The link's settings are {len(text):,} characters long; at most {MAX_QUERY:,} are read, "
                  "so the link was ignored.")
        return Linked(None, (notice,))
    given, notices, unknown = {}, [], []
    for name, value in parse_qsl(text, keep_blank_values=True):
        if name not in LAB and name not in DISPLAY:
            unknown.append(name)
        elif name in given:
            notices.append(f"The link gives {name!r} more than once; the first, {_shown(given[name])}, was used.")
        else:
            given[name] = value
    notices += [f"The link's setting {_shown(name)} is unknown and was ignored." for name in unknown[:MAX_UNKNOWN_NOTICES]]
    if len(unknown) > MAX_UNKNOWN_NOTICES:
        notices.append(f"{len(unknown) - MAX_UNKNOWN_NOTICES} more unknown settings in the link were ignored.")
    present = _choice(given, "present", "presenting flag", _FLAGS, None, notices)
    theme = _choice(given, "theme", "theme", {"light": "light", "dark": "dark"}, None, notices)
    # The data chart's test points and discretized output: the page reads them (assets/display.js).
    _choice(given, "points", "test points flag", _FLAGS, None, notices)
    _choice(given, "discrete", "discretize flag", _FLAGS, None, notices)
    _choice(given, "maps", "neuron pictures flag", _FLAGS, None, notices)
    _choice(given, "predict", "predict flag", _FLAGS, None, notices)
    if "twin" in given:
        try:
            twins.parse_link(given["twin"])
        except LabInputError as e:
            notices.append(f"The link's twin run (twin={_shown(given['twin'])}) was not used: {e}")
    state, lesson = _build(given, notices) if any(name in given for name in LAB) else (None, None)
    return Linked(state, tuple(notices), present, theme, lesson)


def _build(given: dict, notices: list) -> tuple[LabState, str]:
    """The lab a link's settings build, and the lesson it was built from."""
    own = "from" in given and "lesson" not in given
    if "from" in given and "lesson" in given:
        notices.append("The link gives both 'lesson' and 'from'; 'lesson' was used.")
    key = _choice(given, "from" if own else "lesson", "lesson", _names(engine.PRESETS), "default", notices)
    seed = _whole(given, "seed", "seed", 0, limits.MAX_SEED, 0, notices)
    base = actions.preset(key, _whole(given, "dseed", "data seed", 0, limits.MAX_SEED, seed, notices))

    usual = _settings(base)
    hidden = _hidden(given, usual["hidden"], notices)
    act = _choice(given, "act", "hidden activation", _names(engine.HIDDEN_ACTIVATIONS),
                  actions.hidden_activation(base.spec), notices)
    # "explicit" means the lesson's own examples: only a lesson with examples of its own has them.
    datasets = _names(engine.DATASETS) | ({"explicit": "explicit"} if base.data.name == "explicit" else {})
    data = _choice(given, "data", "dataset", datasets, usual["data"], notices)
    output = _output_for(base, data)
    out = _choice(given, "out", "output activation", _names(engine.ACTIVATIONS), output["out"], notices)
    loss = _choice(given, "loss", "loss", _names(engine.LOSSES), output["loss"], notices)
    settings = (hidden, act, out, loss, data, seed)
    try:
        lab = _rebuild(base, settings)
        if own and lab.title != OWN_TITLE:
            # Its own network with the lesson's shape: the page got there through another shape
            # and back (+ layer, − layer), which draws new weights; so does the link.
            layers = 0 if hidden == "0" else hidden.count(",") + 1
            detour = actions.change_layers(hidden, 1 if layers < limits.MAX_HIDDEN_LAYERS else -1)
            lab = _rebuild(_rebuild(lab, (detour, *settings[1:])), settings)
        # A second pass sets an output chosen after a move to regression data switched it to linear.
        lab = _rebuild(lab, settings)
    except LabInputError as e:
        notices.append(f"The link's network settings do not fit together ({e}); the lesson's own network was used.")
        lab = base

    lr = _learning_rate(given, lab.train.learning_rate, notices)
    batch = _whole(given, "batch", "batch size", 1, limits.MAX_BATCH, lab.train.batch_size, notices)
    opt = _choice(given, "opt", "optimizer", _names(engine.OPTIMIZERS), lab.train.optimizer, notices)
    lab = _data(given, lab, notices)
    return _stop(given, _regularization(given, actions.train_settings(lab, lr, batch, opt), notices), notices), key


def _regularization(given, lab: LabState, notices) -> LabState:
    def apply(kind, rate):
        if kind == actions.NO_PENALTY or rate == 0:
            return actions.regularization(lab, actions.NO_PENALTY, 0.0)
        return actions.regularization(lab, kind, rate or 0.0)  # no rate: the list's first
    return _pair(given, "reg", "regularization", (actions.NO_PENALTY, *engine.PENALTIES), "l2:0.01", apply, lab,
                 notices)


def _pair(given, key, what, names, example, apply, lab: LabState, notices) -> LabState:
    """A link's "name:number" setting (reg=l1:0.01, stop=steps:500; the number may be left out),
    applied by apply(name, number or None); what cannot be applied is a notice."""
    value = given.get(key)
    if value is None:
        return lab
    name, _, number = value.partition(":")
    try:
        if name not in names or not (number == "" or _NUMBER.fullmatch(number)):
            raise LabInputError(f"it is not one of {', '.join(names)} with a number, e.g. {example}.")
        return apply(name, float(number) if number else None)
    except LabInputError as e:
        notices.append(f"The link's {what} ({key}={_shown(value)}) was not used: {e}")
        return lab


def _data(given, lab: LabState, notices) -> LabState:
    """A generated dataset's noise, test share, extra inputs and seed, as the page's Data settings set them."""
    asked = {name: given[name] for name in ("noise", "test", "feat") if name in given}
    if lab.data.name == "explicit" or not (asked or "dseed" in given):
        if asked:
            notices.append(f"The link's {', '.join(asked)} {'is' if len(asked) == 1 else 'are'} for a generated "
                           "dataset; this lab's examples are its own, so the link's setting was not used.")
        return lab
    data = lab.data
    try:
        noise = _number(asked["noise"]) if "noise" in asked else None
        test = _number(asked["test"]) if "test" in asked else None
        feat = [] if asked.get("feat") == "none" else asked["feat"].split(",") if "feat" in asked else None
        data = actions.data_settings(lab, noise=noise, test_fraction=test, features=feat)
        dseed = given.get("dseed", "")
        if _WHOLE.fullmatch(dseed) and int(dseed) <= limits.MAX_SEED:  # else _build has said why already
            data = engine.DataSpec.from_dict(data.to_dict() | {"seed": int(dseed)})
    except LabInputError as e:
        notices.append(f"The link's data settings ({', '.join(f'{k}={_shown(v)}' for k, v in asked.items())}) "
                       f"were not used: {e}")
        return lab
    if data == lab.data:
        return lab
    new, _ = actions.rebuild(lab, lab, actions.format_hidden(lab.spec), actions.hidden_activation(lab.spec),
                             lab.spec.activations[-1], lab.spec.loss, data.name, lab.seed, data=data)
    return engine.reset(new, new.params)


def _number(text: str):
    return float(text) if _NUMBER.fullmatch(text) else text


def _stop(given, lab: LabState, notices) -> LabState:
    def apply(rule, at):
        return actions.stop_settings(lab, rule, engine.STOP_RULES[rule].default if at is None else at)
    return _pair(given, "stop", "stop rule", tuple(engine.STOP_RULES), "steps:500", apply, lab, notices)


def _rebuild(state: LabState, settings: tuple) -> LabState:
    # As callbacks.apply does for a settings control: a new network starts over and is its own start.
    new, is_new = actions.rebuild(state, state, *settings)
    return engine.reset(new, new.params) if is_new else state


def _bad(notices, name, what, given, reason, used) -> None:
    notices.append(f"The link's {what} ({name}={_shown(given)}) {reason}; {used} was used instead.")


def _shown(text: str) -> str:
    return repr(text[:30]) + ("…" if len(text) > 30 else "")


def _names(registry) -> dict:
    return {name: name for name in registry}


def _choice(given, name, what, allowed: dict, default, notices):
    """allowed maps what a link may say to the value it means."""
    if name not in given:
        return default
    value = given[name]
    key = value.lower() if name in DISPLAY else value
    if key in allowed:
        return allowed[key]
    _bad(notices, name, what, value, f"is not one of {', '.join(allowed)}",
         "nothing" if default is None else repr(default))
    return default


def _whole(given, name, what, lo, hi, default, notices) -> int:
    value = given.get(name)
    if value is None:
        return default
    if _WHOLE.fullmatch(value) and lo <= int(value) <= hi:
        return int(value)
    _bad(notices, name, what, value, f"is not a whole number from {lo} to {hi}", default)
    return default


def _learning_rate(given, default, notices) -> float:
    # Any rate the engine allows, not only the dropdown's: a teacher may share 0.02.
    value = given.get("lr")
    if value is None:
        return default
    if _NUMBER.fullmatch(value):
        rate = float(value)
        if math.isfinite(rate) and 1e-9 <= rate <= limits.MAX_LEARNING_RATE:
            return rate
    _bad(notices, "lr", "learning rate", value, f"is not a number from 1e-09 to {limits.MAX_LEARNING_RATE:g}",
         default)
    return default


def _hidden(given, default: str, notices) -> str:
    value = given.get("hidden")
    if value is None:
        return default
    try:
        if len(value) <= 60 and value.isascii():  # parse_hidden's int() refuses some of isdigit()'s digits
            return ",".join(map(str, actions.parse_hidden(value))) or "0"
    except LabInputError:
        pass
    _bad(notices, "hidden", "hidden layers", value,
         f"are not up to {limits.MAX_HIDDEN_LAYERS} sizes from {limits.MIN_NEURONS} to {limits.MAX_NEURONS} "
         "separated by commas", repr(default))
    return default
