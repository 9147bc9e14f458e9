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

from dash import ALL, Input, Output, State, ctx, no_update

import engine
from components.charts import history_figure
from components.network_view import network_view, neuron_name
from components.readouts import counters_text, example_label, example_note, numbers_panel, numbers_when
from components.weight_slider import READOUT_INPUT, READOUT_JS, READOUT_OUTPUT, WeightSliderAIO
from engine import LabInputError, limits

from . import actions, arrivals, lessons
from .layout import loss_options, output_options

log = logging.getLogger(__name__)
SLIDERS = WeightSliderAIO.ids.slider(ALL)

CONTROLS = ("hidden-sizes", "activation", "output-activation", "loss", "dataset", "seed", "learning-rate",
            "batch-size", "optimizer", "example")


def control_values(state) -> list:
    """What each settings control shows for this state, in CONTROLS order."""
    acts = state.spec.activations
    return [
        actions.format_hidden(state.spec),
        acts[0] if len(acts) > 1 else acts[-1],
        acts[-1],
        state.spec.loss,
        state.data.name,
        state.seed,
        state.train.learning_rate,
        state.train.batch_size,
        state.train.optimizer,
        state.example,
    ]


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
    if trigger == "play-tick":
        tick = values.get("play-tick")
        return actions.play_tick(state, speed, tick.get("moves", 1) if isinstance(tick, dict) else 1), start
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
    if trigger in ("hidden-sizes", "activation", "output-activation", "loss", "dataset", "seed"):
        new, is_new = actions.rebuild(
            state, start, values["hidden-sizes"], values["activation"], values["output-activation"],
            values["loss"], values["dataset"], values["seed"],
        )
        if not is_new:
            return state, start
        new = engine.reset(new, new.params)
        return new, new
    if trigger in ("learning-rate", "batch-size", "optimizer"):
        return actions.train_settings(state, values["learning-rate"], values["batch-size"], values["optimizer"]), start
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


# What `drawing` fills in, in order: the act callback writes them with the new state, in the
# same answer, because a second callback chained on the stored state would cost the browser
# a second round trip per Step (and Dash holds chained callbacks back while Play keeps the
# first one busy, so the network would not be redrawn at all while playing).
DRAWN = (
    ("view", "data"),
    ("phase-text", "children"),
    ("counters", "children"),
    ("numbers", "children"),
    ("numbers-when", "children"),
    ("example-note", "children"),
    ("history", "figure"),
    ("drawn-keys", "data"),
    ("example", "options"),
    ("pick-param", "options"),
    ("diverged", "hidden"),
    ("diverged-text", "children"),
    ("charts-due", "data"),
    ("maths-due", "data"),
)


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


# Where each of them is shown.
STATUS_IDS = {"phase": "phase-text", "counters": "counters", "numbers": "numbers", "when": "numbers-when",
              "note": "example-note"}


def drawing(state, keys, brief=False, painted=None, playing=False) -> tuple:
    """Everything drawn from the state, in DRAWN order: the network's view model, the words and
    numbers, and the charts that changed.

    brief: a play tick between two chart ticks (see brief_tick). It sends the network (without
    tooltips), the counters and a divergence only: the numbers, words and charts follow on the
    next chart tick, a few times a second, where the eye can read them. Every output sent costs
    the browser a re-render, and at full speed the browser is the slower side.
    painted: the network shape the browser has drawn; its geometry is not sent again.
    """
    keys = keys if isinstance(keys, dict) else {}
    shown_before = keys.get("shown") if isinstance(keys.get("shown"), dict) else {}
    view = _with_next_phase(network_view(state, geometry=painted != "-".join(map(str, state.spec.sizes)),
                                         tips=not brief), state, playing)
    if brief:
        out = dict.fromkeys(DRAWN, no_update)
        out["view", "data"] = view
        out["counters", "children"] = counters_text(state)
        if state.diverged:
            out["diverged", "hidden"], out["diverged-text", "children"] = False, state.diverged
        return tuple(out.values())
    data = engine.dataset(state.data)
    history_key = [state.counters.step, len(state.history.entries), state.history.stride]
    data_key = [state.data.to_dict()]
    shape = list(state.spec.sizes)
    texts = status_texts(state, data)
    # The browser re-renders every output it is sent: what it already shows is not sent again.
    shown = {k: repr(v) for k, v in texts.items()}
    fresh = {k: v if shown_before.get(k) != shown[k] else no_update for k, v in texts.items()}
    redraw_history = keys.get("history") != history_key
    new_keys = {"history": history_key, "data": data_key, "shape": shape, "shown": shown}
    return (
        view,
        fresh["phase"],
        fresh["counters"],
        fresh["numbers"],
        fresh["when"],
        fresh["note"],
        history_figure(state.history.entries) if redraw_history else no_update,
        new_keys,
        _example_options(data) if keys.get("data") != data_key else no_update,
        [{"label": str(ref), "value": str(ref)} for ref in engine.all_refs(state.spec)]
        if keys.get("shape") != shape else no_update,
        not state.diverged,
        state.diverged,
        # The landscape panels (app/panels.py) listen to this, not to the state: a brief tick
        # then costs no panels request, no upload of the state and no replot. The loss curve shows
        # the update's move while the update phase is on show, so that phase counts too, and the
        # slopes appear as the blame reaches each layer, so the backward phases count as well.
        [state.counters.step, state.cursor.revealed().updated, state.cursor.revealed().backward_from],
        # The maths tabs (app/maths.py) stand still while Play runs and catch up on Pause: typeset
        # equations that change twice a second cannot be read, and each update costs the browser.
        no_update if playing is True else state.counters.step,
    )


def _with_next_phase(view: dict, state, playing) -> dict:
    """Add the picture of the next phase, so that the browser can paint a Step at once and
    the server's answer (the same picture, with its tooltips and numbers) follows."""
    if playing is not True and not state.diverged:
        view["next"] = network_view(engine.advance(state), geometry=False, tips=False)
    return view


def register_callbacks(app) -> None:
    @app.callback(
        Output("lab-state", "data"),
        Output("start-state", "data"),
        Output("message", "children"),
        *[Output(c, "value") for c in CONTROLS],
        Output(SLIDERS, "value"),
        *[Output(name, prop) for name, prop in DRAWN],
        Output("preset", "value"),  # the lesson on screen (e.g. after a tour step), without reloading it
        # An arrival is emptied once read: Dash sends every input with every request, and a
        # loaded file would otherwise travel with each Step.
        *[Output(name, prop) for name, prop in arrivals.CLEARED],
        Input("step", "n_clicks"),
        Input("full-step", "n_clicks"),
        Input("reset", "n_clicks"),
        Input("reset-diverged", "n_clicks"),
        Input("play-tick", "data"),
        Input("preset", "value"),
        Input("add-layer", "n_clicks"),
        Input("remove-layer", "n_clicks"),
        *[Input(c, "value") for c in CONTROLS],
        # A click on the data chart, copied into a store (below): Dash holds a callback back until
        # every component among its inputs is ready, and a graph is ready only once Plotly has
        # loaded: with the graph itself as an input, the first network would wait for Plotly.
        Input("data-click", "data"),
        Input(SLIDERS, "value"),
        Input("tour", "data"),
        *[Input(name, prop) for name, prop in arrivals.INPUTS],
        State("lab-state", "data"),
        State("start-state", "data"),
        State("speed", "value"),
        State("drawn-keys", "data"),
        State("playing", "data"),
        State("play-tick", "data"),
        State("painted-key", "data"),
        State("message", "children"),
    )
    def act(*args):
        n_fixed = 8
        values = dict(zip(CONTROLS, args[n_fixed : n_fixed + len(CONTROLS)]))
        values["preset"] = args[5]
        values["play-tick"] = args[4]
        values["data-click"] = args[n_fixed + len(CONTROLS)]
        slider_values = args[n_fixed + len(CONTROLS) + 1]
        values["tour"] = args[n_fixed + len(CONTROLS) + 2]
        arrived = dict(zip((name for name, _ in arrivals.INPUTS), args[n_fixed + len(CONTROLS) + 3 :]))
        stored, stored_start, speed, keys, playing, tick, painted, shown_message = args[-8:]
        slider_ids = [item["id"] for item in ctx.outputs_list[3 + len(CONTROLS)]]
        trigger = ctx.triggered_id
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
        shown_controls = {c: values[c] for c in CONTROLS}  # apply() may rewrite values (e.g. "+ layer")
        if isinstance(trigger, dict):
            index = slider_ids.index(trigger) if trigger in slider_ids else None
            values["slider"] = slider_values[index] if index is not None else None
        try:
            if isinstance(source, str) and source in arrived and (source != "url" or arrived["url"]):
                state, start, message, lesson = arrivals.arrive(source, arrived[source], state, start)
            else:
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
        slider_out = [_slider_value(state, ids["aio_id"]) for ids in slider_ids]
        if isinstance(trigger, dict):
            slider_out = [no_update] * len(slider_ids)  # the dragged slider already shows its value
        # On a page load everything is drawn, even from a state the tab already had. Dash marks the
        # first call as triggered by the address (dcc.Location sets it as the page opens) or by nothing.
        page_load = trigger is None or trigger == "url"
        unchanged = state is before and stored is not None and not page_load
        # Each output Dash updates costs the browser a re-render: send only what changed.
        return (
            no_update if unchanged else state.to_dict(),
            start.to_dict() if (stored_start is None or start is not start_before) else no_update,
            message if message != (shown_message or "") else no_update,
            *[v if v != shown_controls[c] else no_update for c, v in zip(CONTROLS, control_values(state))],
            slider_out,
            *((no_update,) * len(DRAWN) if unchanged
              else drawing(state, keys, brief_tick(trigger, playing, tick), painted, playing)),
            _lesson_key(state.title, values["preset"], lesson),
            *[None if source == name else no_update for name, _ in arrivals.CLEARED],
        )

    @app.callback(
        *[Output(name, prop, allow_duplicate=True) for name, prop in DRAWN],
        Input("playing", "data"),  # on Pause, catch up with the charts skipped while playing
        Input("painted-key", "data"),  # null: the browser has lost the network's geometry
        State("lab-state", "data"),
        State("drawn-keys", "data"),
        prevent_initial_call=True,
    )
    def catch_up(playing, painted, stored, keys):
        if ctx.triggered_id == "painted-key" and painted is not None:
            return (no_update,) * len(DRAWN)  # the usual answer to a drawing: nothing to catch up
        # The counters sent by brief ticks are not in drawn-keys: on Pause every word is sent again.
        keys = {k: v for k, v in keys.items() if k != "shown"} if isinstance(keys, dict) else keys
        try:
            return drawing(actions.load(stored), keys, painted=painted, playing=playing)
        except LabInputError:
            return (no_update,) * len(DRAWN)

    @app.callback(
        Output("pinned", "data"),
        Output("sliders", "children"),
        Output("pick-param", "value"),
        # The weight the Equations and Blame panels explain: the last one clicked or picked.
        Output("selected-param", "data"),
        Input("clicked-param", "data"),
        Input("pick-param", "value"),
        Input(WeightSliderAIO.ids.unpin(ALL), "n_clicks"),
        # A new shape may drop pinned weights. Not the lab state itself: a server callback fired
        # by every Step would cost every Step the browser's time (the sliders follow training
        # through `act`).
        Input("painted-key", "data"),
        State("pinned", "data"),
        State("lab-state", "data"),
    )
    def pin(clicked, picked, _unpins, _painted, pinned, stored):
        try:
            state = actions.load(stored)
        except LabInputError:
            return no_update, no_update, no_update, no_update
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
        elif trigger == "painted-key" and pinned == _pinned_shown(ctx):
            return no_update, no_update, no_update, no_update
        if add is not None and _exists(state, add) and add not in pinned:
            pinned = (pinned + [add])[-limits.MAX_PINNED:]
        sliders = [WeightSliderAIO(p, _slider_value(state, p), _describe(state, p), aio_id=p) for p in pinned]
        return pinned, sliders, None, add if add is not None and _exists(state, add) else no_update

    @app.callback(
        Output("output-activation", "options"),
        Output("loss", "options"),
        Input("loss", "value"),
        Input("output-activation", "value"),
    )
    def offer_fitting_pairs(loss, output):
        # Only pairs the engine can differentiate honestly are offered (engine/losses.py refusal).
        return output_options(loss), loss_options(output)

    app.clientside_callback(READOUT_JS, READOUT_OUTPUT, READOUT_INPUT)
    app.clientside_callback("(click) => click", Output("data-click", "data"), Input("data-chart", "clickData"),
                            prevent_initial_call=True)
    app.clientside_callback(
        "(view) => window.backpropLab.render('network', view)",
        Output("painted-key", "data"),
        Input("view", "data"),
    )
    # The first picture is in the page itself (app/page.py), drawn as soon as the network's
    # box is there; this tells Dash which shape that was. Not through "view": Dash holds a callback
    # back until the callbacks that set its inputs have run, and `act` sets "view".
    app.clientside_callback(
        "() => window.backpropLab.reportFirstView()",
        Output("painted-key", "data", allow_duplicate=True),
        Input("first-view", "data"),
        prevent_initial_call="initial_duplicate",
    )
    app.clientside_callback(
        "(param) => window.backpropLab.select(param)",
        Output("network", "data-selected"),
        Input("selected-param", "data"),
    )
    app.clientside_callback(
        "(n, speed, stored, playing, paces) => window.backpropLab.playback(n, speed, stored, playing, paces)",
        Output("playing", "data"),
        Output("play", "children"),
        Input("play", "n_clicks"),
        Input("speed", "value"),
        Input("lab-state", "data"),
        State("playing", "data"),
        State("speed-paces", "data"),
    )


def brief_tick(trigger, playing, tick) -> bool:
    """A play tick on which the charts are not due. The page marks a tick {"charts": true} a few
    times a second (assets/network.js, CHART_INTERVAL_MS): by the clock, not by a count of ticks,
    so that the charts keep the same pace on a small network and a slow one."""
    charts = isinstance(tick, dict) and tick.get("charts") is True
    return trigger == "play-tick" and playing is True and not charts


def _lesson_key(title, shown, lesson=None):
    """The lesson list's entry for a lab with this title (or built from `lesson`, e.g. a link's
    network of one's own, whose title is no lesson's), if it is not the one shown already."""
    key = lesson or next((k for k, (label, _) in engine.PRESETS.items() if label == title), None)
    return key if key is not None and key != shown else no_update


def _exists(state, name) -> bool:
    try:
        engine.ParamRef.parse(name, state.spec)
        return True
    except LabInputError:
        return False


def _pinned_shown(context) -> list:
    return [s["id"]["aio_id"] for s in context.inputs_list[2]] if len(context.inputs_list) > 2 else []


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
