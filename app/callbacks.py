"""The app's callbacks: thin wiring between the page and app/actions.py.

`act` is the one callback that changes the lab state: it reads the stored state
(untrusted: it comes back from the browser), applies whichever control fired, and
answers with the new state and everything drawn from it (`drawing`) in one reply: a
second, chained drawing callback would cost a round trip per Step, and Dash holds
chained callbacks back while Play keeps the first one busy. `catch_up` redraws on
Pause; the landscape panels have their own callbacks (panels.py). Bad input never
raises out of a callback: it becomes a message on the page and the student's work is kept.
"""

import logging

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update

import engine
from components import line_chart
from components.charts import history_figure
from components.network_view import network_view, neuron_name, packed
from components.readouts import counters_text, example_label, example_note, numbers_panel, numbers_when
from components.weight_slider import READOUT, READOUT_INPUT, READOUT_OUTPUT, WeightSliderAIO
from components.words import words_of
from engine import LabInputError, limits, stopping

from . import actions, ahead, arrivals, lessons
from .first_screen import html_of
from .layout import loss_options, output_options

log = logging.getLogger(__name__)
SLIDERS = WeightSliderAIO.ids.slider(ALL)

# The buttons that act on the lab (their clicks only say which one fired).
BUTTONS = ("step", "full-step", "reset", "reset-diverged", "add-layer", "remove-layer", "new-data")
# Buttons whose every click counts. A request sent while the answer to an earlier one is still on its
# way carries the lab as it was before that one, and the page throws away the answer to a request that a
# newer one of the same callback overtook (a second click, a tick, a control echoing its value): the
# earlier click would be lost. So each answer says how many clicks of each the lab has taken
# ("handled-clicks", sent back with the lab), and any answer takes those not taken yet. At most
# this many at once: a count from a client is untrusted.
REPEATED = {"step": 32, "full-step": 8}
CONTROLS = ("hidden-sizes", "activation", "output-activation", "loss", "dataset", "seed", "noise", "test-share",
            "features", "learning-rate", "batch-size", "optimizer", "penalty", "penalty-rate", "stop-rule", "stop-at",
            "example")
# The controls of generated data besides the dataset and seed, as actions.data_settings names them.
DATA_CONTROLS = {"noise": "noise", "test-share": "test_fraction", "features": "features"}


def control_values(state) -> dict:
    """What each settings control (CONTROLS) shows for this state."""
    acts = state.spec.activations
    return {
        "hidden-sizes": actions.format_hidden(state.spec),
        "activation": actions.hidden_activation(state.spec),
        "output-activation": acts[-1],
        "loss": state.spec.loss,
        "dataset": state.data.name,
        "seed": state.seed,
        "noise": state.data.noise,
        "test-share": state.data.test_fraction,
        "features": list(state.data.features),
        "learning-rate": state.train.learning_rate,
        "batch-size": state.train.batch_size,
        "optimizer": state.train.optimizer,
        "penalty": actions.shown_penalty(state),
        "penalty-rate": state.train.weight_decay,
        "stop-rule": state.train.stop_rule,
        "stop-at": int(state.train.stop_at) if state.train.stop_at.is_integer() else state.train.stop_at,
        "example": state.example,
    }


# The controls whose action reads the start state (what Reset goes back to).
USES_START = frozenset({"reset", "reset-diverged", "add-layer", "remove-layer", "hidden-sizes", "activation",
                        "output-activation", "loss", "dataset", "seed"})


def apply(trigger, values: dict, state, start, speed):
    """The new (state, start) after the control `trigger` fired with the page's values."""
    if isinstance(trigger, str) and trigger in values and values[trigger] is None and trigger != "data-click":
        return state, start  # a control cleared itself (e.g. a dropdown whose options changed): nothing to do
    if trigger == "step":
        return engine.advance(state), start
    if trigger == "full-step":
        return engine.full_step(state), start
    if trigger in ("reset", "reset-diverged"):
        return actions.reset(state, start), start
    if trigger == "preset":
        fresh = actions.preset(values["preset"], state.seed)
        return fresh, fresh
    if trigger == "tour":
        index = lessons.step_index(values["tour"])
        if index is None:  # the tour ended: the lab stays as it is, for free play
            return state, start
        return lessons.step_state(index), actions.preset(lessons.TOUR[index].preset)  # Reset: the lesson's start
    if trigger in ("add-layer", "remove-layer"):
        values["hidden-sizes"] = actions.change_layers(values["hidden-sizes"], 1 if trigger == "add-layer" else -1)
        trigger = "hidden-sizes"
    data = None  # new generated data (noise, test share, extra inputs, or drawn anew), same network settings
    if isinstance(trigger, str) and (trigger in DATA_CONTROLS or trigger == "new-data"):
        data = actions.data_settings(state, new_data=trigger == "new-data",
                                     **{DATA_CONTROLS[trigger]: values[trigger]} if trigger in DATA_CONTROLS else {})
        trigger = "dataset"
    if trigger in ("hidden-sizes", "activation", "output-activation", "loss", "dataset", "seed"):
        new, is_new = actions.rebuild(
            state, start, values["hidden-sizes"], values["activation"], values["output-activation"],
            values["loss"], values["dataset"], values["seed"], data=data,
        )
        if not is_new:
            return state, start
        new = engine.reset(new, new.params)
        return new, new
    if trigger in ("learning-rate", "batch-size", "optimizer"):
        return actions.train_settings(state, values["learning-rate"], values["batch-size"], values["optimizer"]), start
    if trigger == "penalty":
        return actions.regularization(state, values["penalty"], values["penalty-rate"]), start
    if trigger == "penalty-rate":
        rate = values["penalty-rate"]
        kind = actions.NO_PENALTY if rate == 0 else state.train.penalty  # a rate turns the penalty on, 0 off
        return actions.regularization(state, kind, rate), start
    if trigger in ("stop-rule", "stop-at"):
        return actions.stop_settings(state, values["stop-rule"], values["stop-at"], trigger == "stop-rule"), start
    if trigger == "example":
        return actions.choose_example(state, values["example"]), start
    if trigger == "data-click":
        points = values["data-click"].get("points") if isinstance(values["data-click"], dict) else None
        point = points[0] if isinstance(points, list) and points else {}  # clickData is untrusted: any shape
        if not isinstance(point, dict) or "customdata" not in point:
            return state, start
        return actions.choose_example(state, point["customdata"]), start
    if isinstance(trigger, dict) and trigger.get("subcomponent") == "slider":
        if values["slider"] == _slider_value(state, trigger.get("aio_id")):
            # The value the server gave a new slider (its weight, rounded), coming back as the slider
            # appears: not a move. Taken as one, pinning a weight after an update would round it and
            # throw the update's picture away.
            return state, start
        return actions.set_param(state, trigger.get("aio_id"), values["slider"]), start
    return state, start


# What `drawing` fills in (component id: property): the act callback writes them with the new state, in the
# same answer, because a second callback chained on the stored state would cost the browser
# a second round trip per Step (and Dash holds chained callbacks back while Play keeps the
# first one busy, so the network would not be redrawn at all while playing).
# The loss over training is drawn by the page from this store (components/line_chart.py).
HISTORY = line_chart.figure_of("history")
COUNTERS = words_of("counters")
# Where each of the words over the network is shown (the page writes them: components/words.py).
STATUS_IDS = {"phase": "phase-text", "counters": "counters", "numbers": "numbers", "when": "numbers-when",
              "note": "example-note"}
DRAWN = {
    "view": "data",
    **{words_of(name): "data" for name in STATUS_IDS.values()},
    HISTORY: "data",
    "drawn-keys": "data",
    "example": "options",
    "pick-param": "options",
    "diverged": "hidden",
    "diverged-text": "children",
    "charts-due": "data",
    "maths-due": "data",
}


def status_texts(state, data=None) -> dict:
    """The words and numbers over the network: its phase, the counters, the losses and the example
    on show (also written into the page's first screen: app/page.py)."""
    data = engine.dataset(state.data) if data is None else data
    scores = engine.evaluate(state)
    n_train = data.x_train.shape[0]
    i = min(state.example, n_train - 1)
    return {
        "phase": state.cursor.words(),
        "counters": counters_text(state),
        "numbers": numbers_panel(state, scores),
        "when": numbers_when(state, scores),
        "note": example_note(state, n_train, data.x_train[i], data.y_train[i], data.input_names),
    }


def as_words(value):
    """Words for a box the page writes (components/words.py): a string as it is, components as HTML."""
    return value if isinstance(value, str) else {"html": html_of(value)}


def charts_due(state) -> list:
    """What the landscape panels (app/panels.py) follow: they listen to this, not to the state, so a
    brief tick costs no panels request, no upload of the state and no replot. The loss curve shows
    the update's move while the update phase is on show, so that phase counts too, and the slopes
    appear as the blame reaches each layer, so the backward phases count as well."""
    return [state.counters.step, state.cursor.revealed().updated, state.cursor.revealed().backward_from]


def drawing(state, keys, brief=False, painted=None, playing=False, frames=None, maps=False) -> dict:
    """Everything drawn from the state, by component id (DRAWN): the network's view model, the
    words and numbers, and the charts that changed.

    brief: a play tick between two chart ticks (see brief_tick). It sends the network (without
    tooltips), the counters and a divergence only: the numbers, words and charts follow on the
    next chart tick, a few times a second, where the eye can read them. Every output sent costs
    the browser a re-render, and at full speed the browser is the slower side.
    painted: the network shape the browser has drawn; its geometry is not sent again.
    frames: for a Play tick, the labs on the way to this one (a list, empty unless at full speed,
    actions.play_frames), whose pictures the page paints first, one per display frame, packed
    (network_view.packed: a fifth of the bytes). Each picture carries its counters, and the page
    writes them as it paints it; a tick's counters travel only so, not as the counters' output:
    set at once on arrival, they would run ahead of the pictures still to be painted. So do those of
    any answer while Play runs.
    maps: the neurons' own pictures are on (network_options): every picture brings its weights.
    """
    keys = keys if isinstance(keys, dict) else {}
    shown_before = keys.get("shown") if isinstance(keys.get("shown"), dict) else {}
    view = _with_next_phase(network_view(state, geometry=painted != "-".join(map(str, state.spec.sizes)),
                                         tips=not brief, aria=not brief, maps=maps), state, playing, maps)
    view["counters"] = counters_text(state)
    if frames:
        view["frames"] = [{**packed(network_view(f, geometry=False, tips=False, aria=False, maps=maps)),
                           "counters": counters_text(f)} for f in frames]
    ticked = frames is not None
    if brief:
        out = dict.fromkeys(DRAWN, no_update)
        out["view"] = view
        out[COUNTERS] = no_update if ticked else counters_text(state)
        if state.diverged:
            out["diverged"], out["diverged-text"] = False, state.diverged
        return out
    data = engine.dataset(state.data)
    history_key = [state.counters.step, len(state.history.entries), state.history.stride]
    data_key = [state.data.to_dict()]
    shape = list(state.spec.sizes)
    texts = {k: as_words(v) for k, v in status_texts(state, data).items()}
    # The browser re-renders every output it is sent: what it already shows is not sent again. While
    # Play runs, the page writes the words of its chart ticks itself (app/ticks.py), which Dash never
    # hears of: then every word is sent.
    shown = {k: repr(v) for k, v in texts.items()}
    if playing is True:
        shown_before = {}
    fresh = {words_of(STATUS_IDS[k]): v if shown_before.get(k) != shown[k] else no_update for k, v in texts.items()}
    # The counters go with the pictures (above); not "shown", so the next words send them. So too for any
    # answer while Play runs (a setting changed): written at once, they would run ahead of the pictures
    # of the last tick still waiting for their frames.
    if ticked or playing is True:
        fresh[COUNTERS] = no_update
        del shown["counters"]
    # The divergence banner, likewise, only when it changes (every chart tick of Play would re-render it).
    shown["diverged"] = repr(state.diverged)
    banner_same = shown_before.get("diverged") == shown["diverged"]
    return {
        "view": view,
        **fresh,
        HISTORY: history_figure(state.history.entries) if keys.get("history") != history_key else no_update,
        "drawn-keys": {"history": history_key, "data": data_key, "shape": shape, "shown": shown},
        "example": _example_options(data) if keys.get("data") != data_key else no_update,
        "pick-param": [{"label": str(ref), "value": str(ref)} for ref in engine.all_refs(state.spec)]
        if keys.get("shape") != shape else no_update,
        "diverged": no_update if banner_same else not state.diverged,
        "diverged-text": no_update if banner_same else state.diverged,
        "charts-due": charts_due(state),
        # The maths tabs (app/maths.py) stand still while Play runs and catch up on Pause: typeset
        # equations that change twice a second cannot be read, and each update costs the browser.
        "maths-due": no_update if playing is True else state.counters.step,
    }


def _with_next_phase(view: dict, state, playing, maps=False) -> dict:
    """Add the pictures of the next phase ("next") and of the end of the next update ("after"),
    so that the browser paints a Step or a Full step at once and the server's answer (the same
    picture, with its tooltips) follows. "after" is the string "next" when the next phase is the
    update: the same picture is not sent twice. Each comes with the words over it, which the page
    writes with it: its phase, counters and numbers (the picture of an update under "Forward:
    signal reaches layer 3" was on show until the answer came), and with its moment's name, by
    which the page finds the loss curve's own picture of it (app/ahead.py, app/panels.py)."""
    if playing is True:
        return view
    following, after = ahead.labs(state)
    if following is None:
        return view
    view["of"] = ahead.lab(state)
    view["next"] = _ahead(following, maps)
    if after is not None:
        view["after"] = after if after == "next" else _ahead(after, maps)
    return view


def _ahead(state, maps) -> dict:
    """A picture the page paints ahead of the answer, with its headline and numbers (the words'
    boxes by id) and its moment's name."""
    words = {STATUS_IDS[k]: as_words(v) for k, v in status_texts(state).items()}
    return {**network_view(state, geometry=False, tips=False, maps=maps), "words": words,
            "moment": ahead.moment(state)}


# The one callback that changes the lab: its inputs, states and outputs by name. Every button
# and control fires it; its answer carries the new state and everything drawn from it.
ACT = {
    "output": {
        "state": Output("lab-state", "data"),
        "start": Output("start-state", "data"),
        "message": Output("message", "children"),
        "controls": {c: Output(c, "value") for c in CONTROLS},
        "sliders": Output(SLIDERS, "value"),
        "drawn": {name: Output(name, prop) for name, prop in DRAWN.items()},
        "lesson": Output("preset", "value"),  # the lesson on screen (e.g. after a tour step), without reloading it
        "handled": Output("handled-clicks", "data"),
        # Play's stop rule was met on this tick: the page pauses Play (assets/play.js, playback).
        "stopped": Output("play-stopped", "data"),
        # Generated data's settings, out of reach while the lab's examples are its own.
        "generated": Output("generated-data", "disabled"),
        # An arrival is emptied once read: Dash sends every input with every request, and a
        # loaded file would otherwise travel with each Step.
        "cleared": {name: Output(name, prop) for name, prop in arrivals.CLEARED},
    },
    "inputs": {
        "clicks": {name: Input(name, "n_clicks") for name in BUTTONS},
        "tick": Input("play-tick", "data"),
        "preset": Input("preset", "value"),
        "controls": {c: Input(c, "value") for c in CONTROLS},
        # A click on the data chart, copied into a store (below): Dash holds a callback back until
        # every component among its inputs is ready, and a graph is ready only once Plotly has
        # loaded: with the graph itself as an input, the first network would wait for Plotly.
        "data_click": Input("data-click", "data"),
        "sliders": Input(SLIDERS, "value"),
        "tour": Input("tour", "data"),
        "arrived": {name: Input(name, prop) for name, prop in arrivals.INPUTS},
    },
    "state": {
        "stored": State("lab-state", "data"),
        "stored_start": State("start-state", "data"),
        "speed": State("speed", "value"),
        "keys": State("drawn-keys", "data"),
        "playing": State("playing", "data"),
        "painted": State("painted-key", "data"),
        "shown_message": State("message", "children"),
        "handled": State("handled-clicks", "data"),
        "own_examples": State("generated-data", "disabled"),
        # Ways of looking at the network (layout.network_options): each picture brings what they need.
        "network_options": State("network-options", "value"),
    },
}


MAX_CLICKS = 10**9  # more clicks than a button gets in years; a count is sent back, and JSON's numbers end


def _count(value) -> int:
    """A button's click count as the page sent it: a whole number from 0 to MAX_CLICKS, else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_CLICKS else 0


def owed_clicks(trigger, clicks, handled) -> list[tuple[str, int]]:
    """The clicks of Step and Full step the lab has not taken yet, (button, how many), the one that
    fired last (it was the latest click) and at least once; each at most its limit (REPEATED)."""
    handled = handled if isinstance(handled, dict) else {}
    clicks = clicks if isinstance(clicks, dict) else {}
    owed = {b: min(max(_count(clicks.get(b)) - _count(handled.get(b)), 0), most) for b, most in REPEATED.items()}
    fired = trigger if isinstance(trigger, str) and trigger in REPEATED else None
    if fired:
        owed[fired] = max(owed[fired], 1)
    return [(b, n) for b, n in sorted(owed.items(), key=lambda item: item[0] == fired) if n]


def take_clicks(state, owed):
    """The lab after the clicks `owed` (owed_clicks), in order."""
    for button, times in owed:
        for _ in range(times):
            state = engine.advance(state) if button == "step" else engine.full_step(state)
    return state


def act(trigger, slider_ids, *, clicks=None, tick=None, preset=None, controls, data_click=None, sliders=(),
        tour=None, arrived, stored, stored_start=None, speed=None, keys=None, playing=None, painted=None,
        shown_message=None, handled=None, own_examples=None, network_options=None) -> dict:
    """The answer to one action on the page, shaped like ACT["output"].

    trigger: what fired (Dash's triggered_id: a control's id, a slider's id dict, or None when
    the page opens); slider_ids: the pinned sliders' ids, in the order of `sliders`. The other
    arguments are ACT's inputs and states by name, all untrusted."""
    values = {**controls, "preset": preset, "play-tick": tick, "data-click": data_click, "tour": tour}
    message = ""
    lesson = None  # the lesson a link was built from, for the list (else the lab's title decides)
    try:
        state = actions.load(stored)
        # Only Reset and a new network go back to the start: reading it costs a big network
        # several milliseconds, which every play tick would pay for nothing.
        needs_start = stored_start is not None and isinstance(trigger, str) and trigger in USES_START
        start = actions.load(stored_start) if needs_start else state
    except LabInputError as e:
        state = start = actions.preset("default")
        message = f"The lab in this tab could not be read ({e}) — the default lesson was loaded instead."
        trigger = None
    before, start_before = state, start
    # A link is read when the page opens (the first call has no trigger) or when it changes.
    source = "url" if trigger is None and arrived.get("url") else trigger
    if isinstance(trigger, dict):
        index = slider_ids.index(trigger) if trigger in slider_ids else None
        values["slider"] = sliders[index] if index is not None and index < len(sliders) else None
    owed = owed_clicks(trigger, clicks, handled) if trigger is not None else []
    frames = None  # a Play tick's pictures on the way (a list, maybe empty, at full speed)
    stopped = ""  # why Play stopped by itself on this tick
    # An arrival still in the request was not read yet, or its reading was overtaken by this request,
    # whose answer is the one the page applies (assets/connection.js): it is read first, as it came first.
    waiting = [name for name, _ in arrivals.CLEARED if name != source and arrived.get(name)]
    for name in waiting:
        try:
            state, start, message, lesson = arrivals.arrive(name, arrived[name], state, start)
        except LabInputError as e:
            message = str(e)
    try:
        state = take_clicks(state, owed)  # the trigger's own, if it is Step or Full step, among them
        if isinstance(source, str) and source in arrived and (source != "url" or arrived["url"]):
            state, start, message, lesson = arrivals.arrive(source, arrived[source], state, start)
        elif trigger == "play-tick":
            *frames, state = actions.play_frames(state, speed, *tick_asks(tick))
            stopped = stopping.reason(state)
            message = stopped or message
        elif not (isinstance(trigger, str) and trigger in REPEATED):
            state, start = apply(trigger, values, state, start, speed)
    except LabInputError as e:
        message = str(e)
    except Exception:  # never a traceback on the page; the state before the click is kept
        log.exception("action %r failed", trigger)
        message = "That did not work, and nothing was changed. Try another setting or press Reset."
    if state is before and not message:
        # A message stays until the lab changes: a control echoing its value back (the example
        # list after new data, the address losing its link) must not wipe a link's notices.
        message = shown_message or ""
    # On a page load everything is drawn, even from a state the tab already had. Dash marks the
    # first call as triggered by the address (dcc.Location sets it as the page opens) or by nothing.
    page_load = trigger is None or trigger == "url"
    # A tick that met the stop rule draws even when it trained nothing: the page learns its tick is in.
    unchanged = state is before and stored is not None and not page_load and not stopped
    # Each output Dash updates costs the browser a re-render: send only what changed.
    return {
        "state": no_update if unchanged else state.to_dict(),
        "start": start.to_dict() if (stored_start is None or start is not start_before) else no_update,
        "message": message if message != (shown_message or "") else no_update,
        "controls": {c: v if v != controls[c] else no_update for c, v in control_values(state).items()},
        # The dragged slider already shows its value.
        "sliders": [no_update if isinstance(trigger, dict) else _slider_value(state, ids["aio_id"])
                    for ids in slider_ids],
        "drawn": dict.fromkeys(DRAWN, no_update) if unchanged
        else drawing(state, keys, brief_tick(trigger, playing, tick), painted, playing, frames,
                     maps_on(network_options)),
        "lesson": _lesson_key(state.title, preset, lesson),
        "cleared": {name: None if name == source or name in waiting else no_update for name, _ in arrivals.CLEARED},
        "handled": {name: _count(n) for name, n in clicks.items()} if owed and isinstance(clicks, dict) else no_update,
        "stopped": {"reason": stopped, "step": state.counters.step} if stopped else no_update,
        "generated": no_update if (state.data.name == "explicit") is own_examples else state.data.name == "explicit",
    }


def register_callbacks(app) -> None:
    @app.callback(**ACT)
    def act_on_the_page(**values):
        slider_ids = [item["id"] for item in ctx.args_grouping["sliders"]]
        return act(ctx.triggered_id, slider_ids, **values)

    @app.callback(
        output={"drawn": {name: Output(name, prop, allow_duplicate=True) for name, prop in DRAWN.items()},
                # The pinned weights' sliders follow the lab Play left: the ticks the page sent itself
                # (app/ticks.py) moved none of them. Coming back to `act`, each equals its weight as
                # the lab has it, which `act` takes for no move (apply).
                "sliders": Output(SLIDERS, "value", allow_duplicate=True)},
        inputs={
            "playing": Input("playing", "data"),  # on Pause, catch up with the charts skipped while playing
            "painted": Input("painted-key", "data"),  # null: the browser has lost the network's geometry
            # Play's chart tick, when a panel that follows the lab is on show that the tick did not
            # draw itself: the tick came straight from the page with its words and charts (app/ticks.py),
            # which then asks for the panels' answer for the lab it holds (assets/play.js).
            "charts": Input("play-charts", "data"),
        },
        state={"stored": State("lab-state", "data"), "keys": State("drawn-keys", "data"),
               "options": State("network-options", "value")},
        prevent_initial_call=True,
    )
    def catch_up(playing, painted, charts, stored, keys, options):
        slider_ids = [item["id"] for item in ctx.outputs_grouping["sliders"]]
        nothing = {"drawn": dict.fromkeys(DRAWN, no_update), "sliders": [no_update] * len(slider_ids)}
        if ctx.triggered_id == "painted-key" and painted is not None:
            return nothing  # the usual answer to a drawing: nothing to catch up
        charting = ctx.triggered_id == "play-charts"
        if not charting:  # the counters sent by brief ticks are not in drawn-keys: on Pause every word is sent again
            keys = {k: v for k, v in keys.items() if k != "shown"} if isinstance(keys, dict) else keys
        try:
            state = actions.load(stored)
            drawn = (nothing["drawn"] | {"charts-due": charts_due(state)} if charting else
                     drawing(state, keys, painted=painted, playing=playing, maps=maps_on(options)))
        except LabInputError:
            return nothing
        # While Play runs the sliders wait for Pause: each one set goes back to `act`, a request per chart tick.
        sliders = [no_update if charting else _slider_value(state, ids.get("aio_id")) for ids in slider_ids]
        return {"drawn": drawn, "sliders": sliders}

    @app.callback(
        output={
            "pinned": Output("pinned", "data"),
            "sliders": Output("sliders", "children"),
            "picked": Output("pick-param", "value"),
            # The weight the Equations and Blame panels explain: the last one clicked or picked.
            "selected": Output("selected-param", "data"),
        },
        inputs={
            "clicked": Input("clicked-param", "data"),
            "picked": Input("pick-param", "value"),
            "unpins": Input(WeightSliderAIO.ids.unpin(ALL), "n_clicks"),
            # A new shape may drop pinned weights. Not the lab state itself: a server callback fired
            # by every Step would cost every Step the browser's time (the sliders follow training
            # through `act`).
            "painted": Input("painted-key", "data"),
        },
        state={"pinned": State("pinned", "data"), "stored": State("lab-state", "data")},
    )
    def pin(clicked, picked, unpins, painted, pinned, stored):
        nothing = {"pinned": no_update, "sliders": no_update, "picked": no_update, "selected": no_update}
        try:
            state = actions.load(stored)
        except LabInputError:
            return nothing
        # Once each, at most MAX_PINNED: the page never sends more, and a slider is work to build.
        names = dict.fromkeys(p for p in (pinned if isinstance(pinned, list) else []) if isinstance(p, str))
        pinned = [p for p in names if _exists(state, p)][-limits.MAX_PINNED:]
        trigger = ctx.triggered_id
        add = None
        if trigger == "clicked-param" and isinstance(clicked, dict):
            add = clicked.get("param")
        elif trigger == "pick-param":
            add = picked
        elif isinstance(trigger, dict) and trigger.get("subcomponent") == "unpin":
            pinned = [p for p in pinned if p != trigger.get("aio_id")]
        elif trigger == "painted-key" and pinned == [u["id"]["aio_id"] for u in ctx.args_grouping["unpins"]]:
            return nothing  # the sliders on show are the ones pinned
        if add is not None and _exists(state, add) and add not in pinned:
            pinned = (pinned + [add])[-limits.MAX_PINNED:]
        sliders = [WeightSliderAIO(p, _slider_value(state, p), _describe(state, p), aio_id=p) for p in pinned]
        return {"pinned": pinned, "sliders": sliders, "picked": None,
                "selected": add if add is not None and _exists(state, add) else no_update}

    @app.callback(
        Output("output-activation", "options"),
        Output("loss", "options"),
        Input("loss", "value"),
        Input("output-activation", "value"),
    )
    def offer_fitting_pairs(loss, output):
        # Only pairs the engine can differentiate honestly are offered (engine/losses.py refusal).
        return output_options(loss), loss_options(output)

    # The page's clientside functions are in assets/clientside.js, under the namespace "backpropLab".
    # The extra inputs' toggles beside the network: a press ticks or unticks the feature in Settings' list,
    # which the lab follows (act); the toggles show what the list holds.
    toggles = [f"feature-{name}" for name in engine.FEATURES]
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="toggleFeature"),
        Output("features", "value", allow_duplicate=True),
        [Input(t, "n_clicks") for t in toggles],
        State("features", "value"),
        State("feature-info", "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="showFeatures"),
        Output("input-toggles", "hidden"),
        [Output(t, "aria-pressed") for t in toggles],
        Input("features", "value"),
        Input("generated-data", "disabled"),
        Input("dataset", "value"),
        State("feature-info", "data"),
    )
    app.clientside_callback(READOUT, READOUT_OUTPUT, READOUT_INPUT)
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="dataClick"),
        Output("data-click", "data"),
        Input("data-chart", "clickData"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="render"),
        Output("painted-key", "data"),
        Input("view", "data"),
    )
    # The first picture is in the page itself (app/page.py), drawn as soon as the network's
    # box is there; this tells Dash which shape that was. Not through "view": Dash holds a callback
    # back until the callbacks that set its inputs have run, and `act` sets "view".
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="reportFirstView"),
        Output("painted-key", "data", allow_duplicate=True),
        Input("first-view", "data"),
        prevent_initial_call="initial_duplicate",
    )
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="select"),
        Output("network", "data-selected"),
        Input("selected-param", "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="playback"),
        Output("playing", "data"),
        Output("play", "children"),
        Input("play", "n_clicks"),
        Input("speed", "value"),
        Input("lab-state", "data"),
        Input("play-stopped", "data"),
        State("playing", "data"),
        State("speed-paces", "data"),
    )


def maps_on(options) -> bool:
    """Whether the network options (untrusted: any JSON) have the neurons' own pictures on."""
    return isinstance(options, list) and "maps" in options


def tick_asks(tick) -> tuple:
    """The moves and the pictures a Play tick asks for ({"n", "charts", "moves", "frames"}, from
    assets/play.js), each 1 when not given; actions.play_frames refuses what is not allowed."""
    tick = tick if isinstance(tick, dict) else {}
    return tick.get("moves", 1), tick.get("frames", 1)


def brief_tick(trigger, playing, tick) -> bool:
    """A play tick on which the charts are not due. The page marks a tick {"charts": true} a few
    times a second (assets/play.js, CHART_INTERVAL_MS): by the clock, not by a count of ticks,
    so that the charts keep the same pace on a small network and a slow one."""
    charts = isinstance(tick, dict) and tick.get("charts") is True
    return trigger == "play-tick" and playing is True and not charts


def _lesson_key(title, shown, lesson=None):
    """The lesson list's entry for a lab with this title (or built from `lesson`, e.g. a link's
    network of one's own, whose title is no lesson's), if it is not the one shown already."""
    key = lesson or next((k for k, p in engine.PRESETS.items() if p.title == title), None)
    return key if key is not None and key != shown else no_update


def _exists(state, name) -> bool:
    try:
        engine.ParamRef.parse(name, state.spec)
        return True
    except LabInputError:
        return False


SLIDER_DIGITS = 4  # a slider shows and sends its weight to this many decimals


def _slider_value(state, name) -> float:
    try:
        return round(engine.ParamRef.parse(name, state.spec).get(state.params), SLIDER_DIGITS)
    except LabInputError:
        return 0.0


def _describe(state, name) -> str:
    ref = engine.ParamRef.parse(name, state.spec)
    L = state.spec.n_layers
    if ref.kind == "b":
        return f"bias of {neuron_name(ref.layer, ref.row, L)}"
    return f"{neuron_name(ref.layer - 1, ref.col, L)} → {neuron_name(ref.layer, ref.row, L)}"


def _example_options(data) -> list:
    n = min(data.x_train.shape[0], 200)
    return [{"label": f"{i}: {example_label(data.x_train[i], data.y_train[i], data.input_names)}", "value": i}
            for i in range(n)]
