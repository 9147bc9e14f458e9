"""The Twin run panel: the lab beside a twin that differs in one setting, both from the same start.

The twin is not stored anywhere: each answer replays both runs from the lab's start to the lab's
step (engine/twins.py, which caches them, so following the lab costs only the new steps). The panel
has its own callbacks, as the toy curves do, because it reads the lab's start too: sending that with
every request of the landscape card would double what each chart tick carries. A small gate in the
page passes the lab's chart ticks on only while this tab is on show.

What the twin changes is a way of looking at the lab, not part of it (like the data chart's options):
it is in a link (twin=learning_rate:3, or a twin preset's name) but not in a saved lab.
"""

import logging

from dash import ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update

import engine
from components import twin_charts
from components.landscape_charts import waiting_figure
from components.network_view import network_view
from components.numbers import num
from engine import PRESETS, Cursor, LabInputError, twins
from engine.twins import TWIN_SETTINGS, TWINS

from . import actions, fairness
from .fields import options

log = logging.getLogger(__name__)

RETRY_MS = 300  # while the runs catch up with the lab, the panel asks again this often
DEFAULT = twins.Change("learning_rate", 0.1)


def body() -> list:
    return [
        # A classic comparison: it loads its lesson and sets the twin's setting and value below.
        dcc.Dropdown(id="twin-preset", options=[{"label": t.title, "value": name} for name, t in TWINS.items()],
                     value=None, clearable=False, searchable=False, placeholder="A classic comparison…"),
        html.Div(className="ball-controls", children=[
            dcc.Dropdown(id="twin-setting", options=options({k: f"twin's {s.title}" for k, s in TWIN_SETTINGS.items()}),
                         value=DEFAULT.setting, clearable=False, searchable=False, className="grow"),
            dcc.Dropdown(id="twin-value", options=value_options(DEFAULT.setting, DEFAULT.value),
                         value=DEFAULT.value, clearable=False, searchable=False, className="grow"),
        ]),
        dcc.Graph(id="twin-chart", config={"displayModeBar": False}, className="chart tall twin-chart"),
        html.P("", id="twin-note", className="card-hint", role="status"),
        # The twin's own network at the same step, drawn as the lab's is (assets/network.js, still).
        html.P("The twin's network at this step, on the example on show:", className="card-hint"),
        html.Div(id="twin-network", className="twin-network", **{"aria-label": "The twin's network"}),
        dcc.Store(id="twin-view"),
        html.P("δ twin − δ lab on the example on show, per neuron:", className="card-hint twin-delta-head"),
        dcc.Graph(id="twin-delta", config={"displayModeBar": False}, className="chart twin-delta"),
        html.P("", id="twin-lesson", className="card-hint"),
        dcc.Store(id="twin-due"),
        dcc.Interval(id="twin-retry", interval=RETRY_MS, disabled=True),
    ]


def value_options(setting, value=None) -> list:
    """The values the page lists for a setting, with `value` among them (a link may bring another)."""
    record = TWIN_SETTINGS.get(setting) if isinstance(setting, str) else None
    if record is None:
        return []
    offered = list(record.offered)
    if value is not None and value not in offered:
        offered.append(value)
    return [{"label": record.show(v), "value": v} for v in offered]


def link_part(tab, setting, value) -> str:
    """What a shared link adds for the twin on show ("&twin=learning_rate:3"); "" when the Twin run
    tab is not on show or its lists hold nothing usable."""
    if tab != "twin":
        return ""
    try:
        return "&twin=" + chosen_of(setting, value).link()
    except LabInputError:
        return ""


def chosen_of(setting, value) -> twins.Change:
    """The page's two lists (untrusted) as a checked change."""
    return twins.change(setting, value)


# What the panel's drawing fills in (component id: property).
DRAWN = {"twin-chart": "figure", "twin-delta": "figure", "twin-note": "children", "twin-lesson": "children",
         "twin-retry": "disabled", "twin-view": "data"}


def draw(stored, stored_start, setting, value) -> dict:
    """The panel for the lab (and its start) the page sent, with the twin its lists describe."""
    try:
        chosen = chosen_of(setting, value)
        lab = actions.load(stored)
        start = actions.load(stored_start) if stored_start is not None else lab
        pair, waited = _pair(lab, start, chosen)
    except LabInputError as e:
        return {"twin-chart": waiting_figure("No twin to show"), "twin-delta": waiting_figure(""),
                "twin-note": str(e), "twin-lesson": "", "twin-retry": True, "twin-view": None}
    record = TWIN_SETTINGS[chosen.setting]
    mine = record.of(lab)
    figure = twin_charts.loss_figure(pair, record.show(mine) if mine is not None else "", chosen.words())
    delta = twin_charts.delta_figure(twins.delta_difference(lab, pair), lab.spec.sizes)
    words = note(lab, pair, mine == chosen.value)
    if waited:
        words = f"{WAITED} {words}"
    return {"twin-chart": figure, "twin-delta": delta, "twin-note": words,
            "twin-lesson": lesson_words(lab, chosen), "twin-retry": pair.caught_up,
            "twin-view": twin_view(lab, pair)}


def twin_view(lab, pair) -> dict:
    """The twin's network as the lab's is drawn (components/network_view.py), at the step the twin
    has reached and on the lab's example, with the whole step known: the twin is not walked phase by
    phase. Without tooltips: it is a picture to compare, not to work in."""
    twin = pair.twin.state
    shown = twin.replace(example=min(lab.example, engine.dataset(twin.data).x_train.shape[0] - 1),
                         cursor=Cursor.all_known(twin.spec.n_layers))
    return network_view(shown, tips=False, aria=False)


# Following the lab once the runs are cached costs a few milliseconds a step (20 steps of six layers
# of 8: 17 ms). More than this is a catch-up, which takes the server's one slot for heavy work
# (app/fairness.py), as a large loss map does: a class opening the panel at once must not fill
# every thread for seconds. Refused, the answer shows how far the runs got and asks again.
CHEAP_SECONDS = 0.05
WAITED = "The server is busy with another large computation; the twin carries on in a moment."


def _pair(lab, start, chosen) -> tuple:
    """Both runs towards the lab's step, and whether the heavy part had to wait for the slot."""
    quick = twins.pair(lab, start, chosen, seconds=CHEAP_SECONDS)
    if quick.caught_up:
        return quick, False
    try:
        with fairness.EXPENSIVE.take():
            return twins.pair(lab, start, chosen), False
    except fairness.Busy:
        return quick, True


def note(lab, pair, same_setting: bool) -> str:
    """The twin's figures in words: where both runs are and what stopped either."""
    twin, mine = pair.twin.state, pair.lab.state
    words = []
    if not pair.caught_up:
        words.append(f"Catching up with the lab: the runs are at steps {mine.counters.step:,} and "
                     f"{twin.counters.step:,} of {pair.step:,}.")
    elif lab.counters.step > twins.MAX_TWIN_STEPS:
        words.append(f"The twin follows the lab up to step {twins.MAX_TWIN_STEPS:,}; both are shown there.")
    else:
        words.append(f"Step {pair.step:,}, both from the same start and batches.")
    for name, run in (("Lab", pair.lab), ("Twin", pair.twin)):
        step, loss, _ = run.curve()[-1]
        words.append(f"{name}: train loss {num(loss)} at step {step:,}.")
    if twin.diverged:
        words.append(f"The twin {twin.diverged[0].lower()}{twin.diverged[1:]}")
    if same_setting:
        words.append("The twin's value is the lab's own: the two runs are the same.")
    if not pair.same_as_lab:
        words.append("The lab was changed along the way (a weight dragged or a setting changed), so it is "
                     "compared as replayed from its start with its settings as they are now.")
    return " ".join(words)


def from_preset(preset) -> dict:
    """A twin preset chosen from the list: its lesson is loaded (the lab starts over from it) and the
    twin's lists show its change."""
    if not isinstance(preset, str) or preset not in TWINS:
        return {"setting": no_update, "value": no_update, "options": no_update, "lesson": no_update}
    twin = TWINS[preset]
    return {**_showing(twin.change), "lesson": twin.lesson}


def from_link_or_tour(trigger, search, tour) -> dict:
    """The twin a link (twin=learning_rate:3, or a preset's name) or a tour step asks for; nothing for
    anything else (a bad link's notice comes from app/links.py). The panel is opened by OPEN_FROM_LINK
    (a link's) or by the tour (a step's)."""
    nothing = {"setting": no_update, "value": no_update, "options": no_update}
    if trigger == "url":
        text = _twin_of(search)
        try:
            chosen = twins.parse_link(text) if text is not None else None
        except LabInputError:
            chosen = None
    elif trigger == "tour":
        name = _tour_twin(tour)
        chosen = TWINS[name].change if name else None
    else:
        chosen = None
    return nothing if chosen is None else _showing(chosen)


def _showing(chosen: twins.Change) -> dict:
    return {"setting": chosen.setting, "value": chosen.value, "options": value_options(chosen.setting, chosen.value)}


def offer_values(setting, value) -> dict:
    """The values listed for a newly chosen setting, keeping the value if it fits (else the first)."""
    record = TWIN_SETTINGS.get(setting) if isinstance(setting, str) else None
    if record is None:
        return {"value": no_update, "options": no_update}
    try:
        kept = record.read(value)
    except LabInputError:
        kept = record.offered[0]
    return {"value": kept, "options": value_options(setting, kept)}


def lesson_words(lab, chosen: twins.Change) -> str:
    """A twin preset's words, while the lab is its lesson and the twin its change."""
    twin = next((t for t in TWINS.values() if t.change == chosen and t.lesson in PRESETS
                 and PRESETS[t.lesson].title == lab.title), None)
    return twin.words if twin else ""


def _twin_of(search):
    from urllib.parse import parse_qsl
    if not isinstance(search, str) or len(search) > actions.limits.MAX_LINK_CHARS:
        return None
    return dict(parse_qsl(search.removeprefix("?"))).get("twin")


def _tour_twin(tour):
    from .lessons import TOUR, step_index
    try:
        index = step_index(tour)
    except LabInputError:
        return None
    twin = getattr(TOUR[index], "twin", "") if index is not None else ""
    return twin if twin in TWINS else None


def register_twin_callbacks(app) -> None:
    # A link with a twin opens its panel, once the page's first screen (assets/shell.js) has gone:
    # that screen shows the first tab's chart and stays until the live page has every element it shows.
    app.clientside_callback(ClientsideFunction(namespace="backpropLab", function_name="openTwinFromLink"),
                            Output("panel-tabs", "value", allow_duplicate=True),
                            Input("url", "search"), prevent_initial_call="initial_duplicate")
    # The lab's chart ticks reach the twin's callback only while its tab is open (assets/clientside.js).
    app.clientside_callback(ClientsideFunction(namespace="backpropLab", function_name="twinNetwork"),
                            Output("twin-network", "className"), Input("twin-view", "data"))
    app.clientside_callback(ClientsideFunction(namespace="backpropLab", function_name="twinDue"),
                            Output("twin-due", "data"), Input("charts-due", "data"), Input("panel-tabs", "value"))

    @app.callback(
        output={name: Output(name, prop) for name, prop in DRAWN.items()},
        inputs={"due": Input("twin-due", "data"), "setting": Input("twin-setting", "value"),
                "value": Input("twin-value", "value"), "retry": Input("twin-retry", "n_intervals")},
        state={"stored": State("lab-state", "data"), "stored_start": State("start-state", "data"),
               "tab": State("panel-tabs", "value")},
        prevent_initial_call=True,
    )
    def twin_panel(due, setting, value, retry, stored, stored_start, tab):
        if tab != "twin":
            return {**dict.fromkeys(DRAWN, no_update), "twin-retry": True}
        try:
            return draw(stored, stored_start, setting, value)
        except Exception:  # never a traceback on the page
            log.exception("the twin could not be drawn")
            return {**dict.fromkeys(DRAWN, no_update), "twin-note": "The twin could not be drawn. Try another "
                    "setting, or press Reset.", "twin-retry": True}

    # Three callbacks, none fed by its own outputs: Dash holds back a callback whose outputs lead
    # to its own inputs until no other is pending, and `act` (which the lesson list feeds) would wait
    # behind it. The link's and the tour's twin does not touch the lesson list: `act` reads those itself.
    @app.callback(
        output={"setting": Output("twin-setting", "value"), "value": Output("twin-value", "value"),
                "options": Output("twin-value", "options")},
        inputs={"search": Input("url", "search"), "tour": Input("tour", "data")},
        prevent_initial_call=True,
    )
    def twin_from_link_or_tour(search, tour):
        return from_link_or_tour(ctx.triggered_id, search, tour)

    @app.callback(
        output={"setting": Output("twin-setting", "value", allow_duplicate=True),
                "value": Output("twin-value", "value", allow_duplicate=True),
                "options": Output("twin-value", "options", allow_duplicate=True),
                "lesson": Output("preset", "value", allow_duplicate=True)},
        inputs={"preset": Input("twin-preset", "value")},
        prevent_initial_call=True,
    )
    def twin_from_preset(preset):
        return from_preset(preset)

    @app.callback(
        output={"value": Output("twin-value", "value", allow_duplicate=True),
                "options": Output("twin-value", "options", allow_duplicate=True)},
        inputs={"setting": Input("twin-setting", "value")},
        state={"value": State("twin-value", "value")},
        prevent_initial_call=True,
    )
    def twin_values(setting, value):
        return offer_values(setting, value)
