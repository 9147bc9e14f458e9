"""Callbacks of the landscape panels: the ball on a toy curve, the loss along one weight,
the loss over two weights and the decision surface.

Every Plotly update replots its whole graph in the browser, so a panel is only
computed when its tab is visible and something it shows has changed; the ball's
steps send only the ball (a Patch), never the curve again.
"""

from contextlib import nullcontext

import numpy as np
from dash import ClientsideFunction, Input, Output, Patch, State, ctx, dcc, html, no_update

import engine
from components import landscape_charts as charts
from components import line_chart, words
from components.charts import data_figure, history_figure
from components.network_view import neuron_name
from components.readouts import as_of
from engine import LabInputError, limits, metrics, validate
from engine.phases import Cursor
from engine.surface import surface
from engine.toy_curves import flew_off_reason, path_through

from . import actions, ahead, fairness, twin_panel
from .fields import options, select
from .panel import Panel, asks_of, by_name, outputs_of

MOMENTUM = 0.9
BALL_RATES = (0.01, 0.03, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5, 1.0, 2.0)  # the toy curves' learning rates
SLICE_HALF_WIDTH = 4.0
SLICE_POINTS = 121
# The store the loss curve beside the network is drawn from (the page draws it: components/line_chart.py).
SLICE = line_chart.figure_of("slice-chart")
SLICE_NOTE = words.words_of("slice-note")  # and the words under it (the page writes them: components/words.py)
SLICE_FIRST = "W1[0,0]"  # the weight the loss curve follows until another is clicked (every lab has it)
GRID_POINTS = 41
GRID_HALF_WIDTH = 3.0
# The map's loss is evaluated on at most this many training rows (evenly spaced, engine.sample_rows):
# its cost is grid points × rows, and 41 × 41 points on 2,000 rows of the largest lab took 0.6–0.9 s of CPU.
MAP_ROWS = 300
# Work (engine.grid_work) beyond which a panel takes the process's one slot for expensive work, or is
# refused and asks again (app/fairness.py): about 50 ms of CPU. The largest map is 26 million; the
# largest slice 13 million, and the map of six layers of 8 on 100 rows (bench/app.py) 8 million.
EXPENSIVE_WORK = 15_000_000
BUSY_NOTE = ("The server is busy drawing other large maps just now; this one is drawn in a moment, "
             "without you doing anything.")


def _surely_refused(tab, stored, names) -> bool:
    """Would this request be refused for fairness? Judged from the lab as sent, before it is checked:
    reading and checking 2,000 rows costs more than the whole refusal should (tens of ms, against a
    few), and a client may send many at once. An upper bound of the work (what engine.grid_work
    gives if the parameters are where they say); anything odd is left to the full route."""
    if tab not in ("slice", "contour") or not fairness.EXPENSIVE.busy():
        return False
    try:
        sizes, data = stored["network"]["sizes"], stored["data"]
        rows = len(data["x"]) if data.get("x") else int(data["n_points"])
        rows = min(rows, MAP_ROWS) if tab == "contour" else rows
        layers = [int(n[1]) for n in names if isinstance(n, str) and len(n) > 1 and n[1].isdigit()] or [1]
        points = GRID_POINTS**2 if tab == "contour" else SLICE_POINTS + 3
        return points * rows * sum(int(k) for k in sizes[max(1, min(layers)):]) > EXPENSIVE_WORK
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return False


def _limited(state, refs, n_points: int, max_rows=None):
    """The expensive slot if this panel's work is large, else nothing to take."""
    work = engine.grid_work(state, refs, n_points, max_rows)
    return fairness.EXPENSIVE.take() if work > EXPENSIVE_WORK else nullcontext()


def _hovered(state, hover):
    """(layer, neuron) of a hovered neuron id like "n1-0", if it exists in this network."""
    if not isinstance(hover, str) or not hover.startswith("n"):
        return None
    try:
        layer, neuron = (int(p) for p in hover[1:].split("-"))
    except ValueError:
        return None
    if 1 <= layer <= state.spec.n_layers and 0 <= neuron < state.spec.sizes[layer]:
        return layer, neuron
    return None


# The data chart's own options (its checklist; a link's points= and discrete= flags set them too).
DATA_OPTIONS = {"test": " test points", "discrete": " discretize output"}


def _data_options(shown) -> set:
    """The options ticked, from the page's list (untrusted: anything but a list of known names is ignored)."""
    return {o for o in shown if isinstance(o, str) and o in DATA_OPTIONS} if isinstance(shown, list) else {"test"}


def surface_panel(state, hover, shown=None):
    """The data chart with the output's (or the hovered neuron's) surface, and its caption. `shown`:
    the chart's options ticked: the test points, and the output read as a decision (class 0 or 1, or
    for several classes the class of the largest output)."""
    options = _data_options(shown)  # None (or junk): the test points, as the boxes start
    test = "test" in options
    data = engine.dataset(state.data)
    classes = data.classes if data.kind == "classification" else ()
    if data.raw_train.shape[1] > 2:
        return data_figure(data.raw_train[:, :2], data.y_train, data.raw_test[:, :2], data.y_test,
                           data.kind, state.example, show_test=test,
                           classes=classes), "Data with more than two inputs: the first two shown."
    hovered = _hovered(state, hover)
    L = state.spec.n_layers
    layer, neuron = hovered or (L, 0)
    # Several classes: the decision is read from the whole output layer at once, not one neuron.
    whole = bool(classes) and not hovered and state.spec.sizes[L] == len(classes)
    # Discretized: the output as the decision the Scores tab counts; a hidden neuron or a fit has none.
    discrete = "discrete" in options and not hovered and data.kind == "classification"
    surf = surface(state, 50 if data.raw_train.shape[1] == 2 else 100, layer, None if whole else neuron)
    # A hovered output of several classes is that class's probability, drawn in its colour.
    of_class = neuron if hovered and classes and layer == L and neuron < len(classes) else None
    name = neuron_name(layer, neuron, L)
    if hovered:
        what = f" (the probability of class {classes[of_class]})" if of_class is not None else ""
        caption = (f"Neuron {name}'s own activation{what} over the inputs, with the weights {as_of(state)} (move "
                   "off the neuron to see the output).")
    elif whole:
        outputs = f"{neuron_name(L, 0, L)} … {neuron_name(L, len(classes) - 1, L)}"
        caption = (f"The network's decision over the inputs: the class of the largest output ({outputs}), "
                   + ("" if discrete else "pale where the network is unsure, ")
                   + f"with the weights {as_of(state)}. Click a point to show it on the graph; hover a neuron "
                   "to see its own surface.")
    else:
        caption = (f"The output {name} over the inputs, with the weights {as_of(state)}. Click a point to show it "
                   "on the graph; hover a neuron to see its own surface.")
        if discrete:
            caption = (f"The network's decision over the inputs: class 1 where {name} is above "
                       f"{metrics.BOUNDARY:g}, else class 0, with the weights {as_of(state)}.")
    return charts.surface_figure(surf, data, state.example, show_test=test, discrete=discrete,
                                 of_class=of_class), caption


def slice_panel(state, name, with_ahead: bool = False):
    """The real loss along one weight, the ball at its value. In the update phase the curve is the
    one backprop's slope was measured on (the weights before the update), and the ball is shown
    moving along it to the weight's new value. with_ahead: the figure also carries the pictures of
    the moments a Step or a Full step will show next (_slice_ahead)."""
    ref = actions.param_or_weight(state, name)
    update = state.last_update if state.cursor.revealed().updated else None
    on = state.replace(params=update.params_before) if update is not None else state
    with _limited(on, (ref,), SLICE_POINTS + 3):
        s = _slice(on, ref)
    after = (ref.get(state.params), _loss_at(on, ref, ref.get(state.params))) if update is not None else None
    known = update is not None or slope_revealed(state, ref)  # in the update phase: the slope it used
    figure = charts.slice_figure(s, after, known)
    if with_ahead:
        figure["ahead"] = _slice_ahead(state, ref, s if update is None else None)
    return figure, charts.slice_note(s, after, known, as_of(state)), str(ref)


def _slice(state, ref):
    w = ref.get(state.params)
    return engine.loss_slice(state, ref, np.linspace(w - SLICE_HALF_WIDTH, w + SLICE_HALF_WIDTH, SLICE_POINTS))


def _loss_at(state, ref, value) -> float:
    """The loss on the curve of `state`'s weights at `value` of `ref` (a second point: the slice's own)."""
    return float(engine.loss_slice(state, ref, [value, ref.get(state.params)]).loss[0])


def _slice_ahead(state, ref, s) -> dict | None:
    """The curve's pictures of the moments ahead where it changes, by the moment's name (app/ahead.py):
    the slope appearing, the update's move and, from an update, the next step's ready. Each is on
    the curve of the weights as they stand (`s`, when the chart on show is already that curve), so
    they cost the chart on show at most one curve more. None where the curve is the expensive slot's
    work: the chart then follows the server's answer."""
    if engine.grid_work(state, (ref,), SLICE_POINTS + 3) > EXPENSIVE_WORK:
        return None
    following, after = ahead.labs(state)
    if following is None:
        return None
    after = following if after == "next" else after
    s = _slice(state, ref) if s is None else s
    # Within a step, the moments still to come; from an update, the next step's, from its ready on.
    start = following if state.cursor.at_update else state
    moments = [(following, None, False)] if state.cursor.at_update else []
    L = state.spec.n_layers
    revealed = next((m for m in (start.replace(cursor=Cursor(L, i)) for i in range(start.cursor.n_phases))
                     if slope_revealed(m, ref)), None)
    if revealed is not None and (revealed.cursor.index > state.cursor.index or state.cursor.at_update):
        moments.append((revealed, None, True))
    if after is not None:
        w = ref.get(after.params)
        moments.append((after, (w, _loss_at(state, ref, w)), True))
    return {"of": ahead.lab(state),
            "moments": {ahead.moment(m): {"figure": charts.slice_figure(s, moved, known),
                                          "note": charts.slice_note(s, moved, known, as_of(m))}
                        for m, moved, known in moments}}


def _weight_name(name) -> str | None:
    """A weight's name from the page, or None (the curve then follows the lab's first weight). Only what
    the page itself can send: it goes back to the browser in panel-keys."""
    return name if isinstance(name, str) and len(name) <= 16 else None


def first_charts(state) -> dict | None:
    """The two charts beside the network as the page first shows them, with the words under the
    curve: they come with the page (app/page.py) and are drawn into its first screen, so the ball is
    there with the network. None when the slice would have to wait for the server's expensive slot."""
    try:
        figure, note, _ = slice_panel(state, SLICE_FIRST)
    except (fairness.Busy, LabInputError):
        return None
    return {"slice-chart": figure, "slice-note": note, "history": history_figure(state.history.entries)}


def slope_revealed(state, *refs) -> bool:
    """Has the backward pass on the weights as they stand reached these parameters' layers (as on
    the graph)? In the update phase the weights have moved on: their slope is the next step's."""
    shown = state.cursor.revealed()
    return not shown.updated and all(ref.layer >= shown.backward_from for ref in refs)


def _points(path) -> list:
    """The [x, y] pairs of finite numbers in a path the browser sent back, at most the last
    MAX_PATH of them; anything else is dropped."""
    def ok(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) <= limits.MAX_ABS_VALUE

    return [p for p in path[-limits.MAX_PATH:] if isinstance(p, list) and len(p) == 2 and ok(p[0]) and ok(p[1])] \
        if isinstance(path, list) else []


def _pair(state, name_x, name_y):
    """The two parameters of the map: as the dropdowns name them, but never the same one twice."""
    rx = actions.param_or_weight(state, name_x, 0)
    ry = actions.param_or_weight(state, name_y, 1)
    if ry == rx:
        ry = next(r for r in engine.all_refs(state.spec) if r != rx)
    return rx, ry


def contour_panel(state, name_x, name_y, path):
    rx, ry = _pair(state, name_x, name_y)
    cx, cy = rx.get(state.params), ry.get(state.params)
    path = _points(path)
    points = path + [[cx, cy]]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    vx = np.linspace(min(xs) - GRID_HALF_WIDTH, max(xs) + GRID_HALF_WIDTH, GRID_POINTS)
    vy = np.linspace(min(ys) - GRID_HALF_WIDTH, max(ys) + GRID_HALF_WIDTH, GRID_POINTS)
    with _limited(state, (rx, ry), GRID_POINTS**2, MAP_ROWS):
        g = engine.loss_grid(state, rx, ry, vx, vy, max_rows=MAP_ROWS)
    known = slope_revealed(state, rx, ry)
    return charts.contour_figure(g, path, known), charts.contour_note(g, known, as_of(state)), str(rx), str(ry)


def descent_path(state, keys: dict, path, name_x, name_y, shape: str):
    """The descent path on the two-weight map: one point per update drawn (the weights before it;
    while playing, the panels follow the chart ticks only, and a tick trains many steps),
    started afresh on a reset or a new pair of weights. Returns (path, pair)."""
    rx, ry = _pair(state, name_x, name_y)  # the map's own pair, so the path is drawn on its axes
    pair = [str(rx), str(ry), shape]
    path = _points(path)
    if keys.get("pair") != pair or state.counters.step == 0:
        return [], pair
    if keys.get("step") != state.counters.step and state.last_update is not None:
        before = state.last_update.params_before
        path = (path + [[rx.get(before), ry.get(before)]])[-limits.MAX_PATH:]
    return path, pair


def _revealed(state) -> dict:
    """How far the lab's pass has gone, as far as a loss picture shows it: the slope appears with
    the blame, and in the update phase the weights have moved on."""
    shown = state.cursor.revealed()
    return {"updated": shown.updated, "blamed": shown.backward_from}


def _slice_keys(state, name) -> dict:
    """What the loss along one weight shows besides the weights: whether the update is on show, and
    whether the slope at the ball is known yet. A backward phase that has not reached the weight's
    layer changes neither, so the chart beside the network is not drawn again for it."""
    ref = actions.param_or_weight(state, name)
    return {"param": str(ref), "updated": state.cursor.revealed().updated, "slope": slope_revealed(state, ref)}


def _graph(id_):
    return dcc.Graph(id=id_, config={"displayModeBar": False}, className="chart tall")


def _chooser(id_, value):
    """A list of the lab's weights and biases, filled when the network's shape changes."""
    return dcc.Dropdown(id=id_, options=[], value=value, clearable=False, className="grow")


def _ball_body():
    curves = {k: v.title for k, v in engine.CURVES.items()}
    first = next(iter(engine.CURVES.values()))
    return [
        html.Div(className="ball-controls", children=[
            dcc.Dropdown(id="toy-curve", options=options(curves), value=first.name, clearable=False,
                         searchable=False, className="grow"),
            dcc.Dropdown(id="ball-lr", options=[{"label": f"η {v}", "value": v} for v in BALL_RATES],
                         value=first.learning_rate, clearable=False, searchable=False, className="narrow"),
        ]),
        html.Div(className="ball-controls", children=[
            html.Button("Roll", id="ball-step", className="btn small primary", n_clicks=0,
                        title="One step of gradient descent"),
            html.Button("Play", id="ball-play", className="btn small", n_clicks=0),
            html.Button("Restart", id="ball-reset", className="btn small", n_clicks=0),
            dcc.Checklist(id="ball-options", className="checks", inline=True, value=[],
                          options=[{"label": " momentum", "value": "momentum"},
                                   {"label": " blindfold", "value": "blindfold"}]),
        ]),
        dcc.Graph(id="ball-chart", config={"displayModeBar": False}, className="chart tall"),
        html.P("", id="ball-note", className="card-hint", role="status"),
        html.P("", id="ball-lesson", className="card-hint"),
    ]


# The landscape card's tabs, in order. The real loss along the weight last clicked, with its ball,
# comes first: it is the picture that sits beside the network. The toy curves are one click away.
LANDSCAPES = (
    Panel(
        "slice", "One weight",
        lambda: [_chooser("slice-param", SLICE_FIRST), *line_chart.box("slice-chart", "tall"),
                 *words.box("slice-note", html.P, className="card-hint slice-note")],
        asks={"slice_name": ("slice-param", "value")},
        outputs={SLICE: "data", SLICE_NOTE: "data", "slice-param": "options"},
        draw=lambda state, asked: dict(zip((SLICE, SLICE_NOTE), slice_panel(state, asked["slice_name"], True))),
        keys=lambda state, asked: _slice_keys(state, asked["slice_name"]),
        chart=SLICE, note=SLICE_NOTE,
    ),
    # Its own callback (the ball's, below): the toy curves do not follow the lab.
    Panel("ball", "Toy curves", _ball_body),
    Panel(
        "surface", "Data",
        lambda: [html.P("The network's output over the inputs. Click a point to show it on the graph; "
                        "hover a neuron to see its own surface.", id="surface-note", className="card-hint"),
                 _graph("data-chart"),
                 dcc.Checklist(id="data-options", className="checks", inline=True, value=["test"],
                               options=options(DATA_OPTIONS), persistence=True, persistence_type="session"),
                 select("example", [], 0, "Example on show")],
        asks={"hover": ("hover-neuron", "data"), "shown": ("data-options", "value")},
        outputs={"data-chart": "figure", "surface-note": "children"},
        draw=lambda state, asked: dict(zip(("data-chart", "surface-note"),
                                           surface_panel(state, asked["hover"], asked["shown"]))),
        keys=lambda state, asked: {"hover": asked["hover"], "shown": sorted(_data_options(asked["shown"]))},
        chart="data-chart", note="surface-note",
    ),
    Panel(
        "contour", "Two weights",
        lambda: [html.Div(className="ball-controls", children=[_chooser("contour-x", "W1[0,0]"),
                                                               _chooser("contour-y", "W1[0,1]")]),
                 _graph("contour-chart"),
                 html.P("", id="contour-note", className="card-hint")],
        asks={"cx": ("contour-x", "value"), "cy": ("contour-y", "value")},
        outputs={"contour-chart": "figure", "contour-note": "children", "contour-x": "options",
                 "contour-y": "options", "contour-path": "data"},
        draw=lambda state, asked: dict(zip(("contour-chart", "contour-note"),
                                           contour_panel(state, asked["cx"], asked["cy"], asked["path"]))),
        keys=lambda state, asked: {"pair": asked["pair"], "path_len": len(asked["path"]), **_revealed(state)},
        chart="contour-chart", note="contour-note",
    ),
    # Its own callbacks (app/twin_panel.py): it reads the lab's start, which the others need not carry.
    Panel("twin", "Twins", twin_panel.body),
)
# The tabs a chart tick of Play draws all of by itself (app/ticks.py): the loss curve along a weight;
# and the toy curves, which do not follow the lab. With any other tab on show, the page then asks Dash
# for the panels' answer (assets/play.js).
DRAWN_BY_TICKS = ("slice", "ball")


def tick_charts(state, tab, slice_name) -> dict:
    """The loss curve and the words under it for Play's chart tick, by the box they go in, when its
    tab is on show; nothing when the server's slot for expensive work is taken (the next one tries).
    A name that is not one of the lab's weights is read as the panels' callback reads it."""
    if tab != "slice":
        return {}
    try:
        figure, note, _ = slice_panel(state, _weight_name(slice_name))
    except (fairness.Busy, LabInputError):
        return {}
    return {"slice-chart": figure, "slice-note": note}


# The lists of the lab's weights, refilled when the network's shape changes.
CHOOSERS = ("slice-param", "contour-x", "contour-y")


def panel_outputs() -> dict:
    """What the landscape card's callback fills in (component id: property): the panels', and its own."""
    return outputs_of(LANDSCAPES) | {"panel-keys": "data", "panel-retry": "disabled"}


def unchanged(outputs, changes: dict | None = None) -> dict:
    """An answer that leaves every one of `outputs` as it is, except `changes` (id → value)."""
    return dict.fromkeys(outputs, no_update) | (changes or {})


def _waiting(out: dict, tab) -> dict:
    """The panels' answer for a panel refused for fairness: no picture of other weights stays up as
    if it were this one; the page is told, and the retry timer runs."""
    figure = charts.waiting_figure("The server is busy with other large maps:<br>this one follows in a moment.")
    panel = by_name(LANDSCAPES).get(tab)
    if panel is not None and panel.chart:
        out[panel.chart], out[panel.note] = figure, BUSY_NOTE
    out["panel-retry"] = False
    return out


def register_panel_callbacks(app) -> None:
    # The loss curve beside the network, and the map's first axis, follow the weight last clicked (or
    # chosen by a tour step). Again when a list is filled: a list drops a value it does not offer yet.
    # That second one sets the value with set_props and has no output. As an output, Dash would see
    # the panels' own outputs (the lists) lead back to their input (the value), count the panels as
    # waiting on themselves, and send their request only once every other one was answered: after
    # each Step, the maths tabs' first, then the charts'.
    follow = ClientsideFunction(namespace="backpropLab", function_name="followParam")  # assets/clientside.js
    offer = ClientsideFunction(namespace="backpropLab", function_name="offerParam")
    for chooser in ("slice-param", "contour-x"):
        app.clientside_callback(follow, Output(chooser, "value"), Input("selected-param", "data"),
                                State(chooser, "options"))
        app.clientside_callback(offer, Input(chooser, "options"), State("selected-param", "data"),
                                prevent_initial_call=True)

    # Play's chart ticks ask for the charts on show (assets/play.js).
    shown = ClientsideFunction(namespace="backpropLab", function_name="shownCharts")
    app.clientside_callback(shown, Input("panel-tabs", "value"), Input("slice-param", "value"))

    landscapes, outputs = by_name(LANDSCAPES), panel_outputs()

    @app.callback(
        output={name: Output(name, prop) for name, prop in outputs.items()},
        inputs={
            # Set by the main callback with each new state, but while playing on the chart ticks
            # only, a few times a second (and again on Pause): the panels need not follow every tick.
            "due": Input("charts-due", "data"),
            "tab": Input("panel-tabs", "value"),
            "retry": Input("panel-retry", "n_intervals"),  # a panel refused for fairness asks again
        } | {name: Input(id_, prop) for name, (id_, prop) in asks_of(LANDSCAPES).items()},
        state={"stored": State("lab-state", "data"), "path": State("contour-path", "data"),
               "keys": State("panel-keys", "data")},
    )
    def panels(due, tab, retry, stored, path, keys, **asked):
        out = unchanged(outputs)
        # Both go back to the browser in panel-keys: only values the page itself can send (a
        # client's number of 400 digits would not even serialise).
        panel = landscapes.get(tab) if isinstance(tab, str) else None
        tab = panel.name if panel is not None else None
        asked["hover"] = asked["hover"] if isinstance(asked["hover"], str) and len(asked["hover"]) <= 12 else None
        asked["slice_name"] = _weight_name(asked["slice_name"])
        if _surely_refused(tab, stored, [asked["slice_name"]] if tab == "slice" else [asked["cx"], asked["cy"]]):
            # The keys and the path stay as they are: the retry finds the panel still to draw.
            fairness.EXPENSIVE.refuse()
            return _waiting(out, tab)
        try:
            state = actions.load(stored)
        except LabInputError:
            return out
        keys = keys if isinstance(keys, dict) else {}
        # The lab's whole name, not only its weights: the loss curve's pictures ahead follow the
        # learning rate and the optimizer too (a changed rate draws them again).
        fingerprint = ahead.lab(state)
        shape = "-".join(map(str, state.spec.sizes))
        if keys.get("shape") != shape:
            refs = [{"label": str(r), "value": str(r)} for r in engine.all_refs(state.spec)]
            out.update(dict.fromkeys(CHOOSERS, refs))
        asked["path"], asked["pair"] = descent_path(state, keys, path, asked["cx"], asked["cy"], shape)
        out["contour-path"] = asked["path"]
        want = {"tab": tab, "fingerprint": fingerprint}
        try:
            if panel is not None and panel.draw is not None:
                want |= panel.keys(state, asked)
                if {k: keys.get(k) for k in want} != want:
                    out.update(panel.draw(state, asked))
        except LabInputError as e:
            out[panel.note] = str(e)
        except fairness.Busy:
            # The keys miss the tab's fingerprint so the retry computes it, and keep the step so the
            # path is not extended twice.
            _waiting(out, tab)
            want["fingerprint"] = None
        else:
            if ctx.triggered_id == "panel-retry":
                out["panel-retry"] = True
        out["panel-keys"] = want | {"shape": shape, "pair": asked["pair"], "step": state.counters.step}
        return out

    # Play and Pause answer in the browser, at once: a Pause that waited for the server could be
    # overtaken by a tick fired while it travelled, and that tick's answer set the timer going again.
    # The server only ever stops the timer (the ball flew off or came to rest), never starts it.
    app.clientside_callback(
        ClientsideFunction(namespace="backpropLab", function_name="ballPlay"),  # assets/clientside.js
        Output("ball-timer", "disabled", allow_duplicate=True),
        Output("ball-play", "children", allow_duplicate=True),
        Input("ball-play", "n_clicks"),
        State("ball-timer", "disabled"),
        prevent_initial_call=True,
    )

    @app.callback(
        output={name: Output(name, prop) for name, prop in BALL_OUTPUTS.items()},
        inputs={
            "tab": Input("panel-tabs", "value"),
            "curve_name": Input("toy-curve", "value"),
            "lr": Input("ball-lr", "value"),
            "options": Input("ball-options", "value"),
            "roll": Input("ball-step", "n_clicks"),
            # Play and Pause come here too, although the browser has answered them already: a new call
            # of this callback makes the page drop the answer of a tick still on its way (only a
            # callback's newest answer is applied, assets/connection.js), so the ball stays where it
            # was when Pause was pressed.
            "play": Input("ball-play", "n_clicks"),
            "tick": Input("ball-timer", "n_intervals"),
            "restart": Input("ball-reset", "n_clicks"),
            "click": Input("ball-chart", "clickData"),
        },
        state={"stored": State("ball", "data"), "timer_off": State("ball-timer", "disabled")},
    )
    def ball(tab, curve_name, lr, options, roll, play, tick, restart, click, stored, timer_off):
        trigger = ball_trigger(ctx.triggered_id, ctx.triggered_prop_ids, timer_off)
        if trigger == TICK_AFTER_PAUSE or (tab != "ball" and trigger != "panel-tabs"):
            return unchanged(BALL_OUTPUTS)
        if tab != "ball":
            return unchanged(BALL_OUTPUTS, STOPPED)
        try:
            return _ball(trigger, curve_name, lr, options or [], click, stored)
        except LabInputError as e:
            return unchanged(BALL_OUTPUTS, {"ball-note": str(e), **STOPPED})


# What the toy curves' callback fills in (component id: property).
BALL_OUTPUTS = {
    "ball": "data",
    "ball-chart": "figure",
    "ball-note": "children",
    "ball-lesson": "children",
    "ball-timer": "disabled",
    "ball-play": "children",
    "ball-lr": "value",
}
STOPPED = {"ball-timer": True, "ball-play": "Play"}  # the ball's timer stopped, its button offering Play


TICK_AFTER_PAUSE = "tick after Pause"  # a trigger the ball's callback answers with nothing


def ball_trigger(first, triggered, timer_off):
    """What the ball's callback answers: Pause (Play's button) whenever it is among the triggers, and
    a tick only while the timer runs (else TICK_AFTER_PAUSE).

    A tick that fires as Pause is pressed can reach Dash in the same batch as the click (Dash then
    names one of them, the first), or right after the page stopped the timer (its request says the
    timer is off): either way it must not move the ball Pause stopped."""
    if "ball-play.n_clicks" in (triggered or {}):
        return "ball-play"
    if first == "ball-timer" and timer_off is True:
        return TICK_AFTER_PAUSE
    return first


def clicked_x(click, curve):
    """The x of a click on the toy curve's chart, or None for anything that is not a number on the curve
    (a client can send any clickData: a string, NaN, 1e400, no points at all)."""
    points = click.get("points") if isinstance(click, dict) else None
    point = points[0] if isinstance(points, list) and points else None
    x = point.get("x") if isinstance(point, dict) else None
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not curve.x_min <= x <= curve.x_max:
        return None  # NaN fails the comparison too
    return float(x)


def _ball(trigger, curve_name, lr, options, click, stored) -> dict:
    """The ball's answer to one action, by component id (BALL_OUTPUTS).

    The timer and the label are only ever set to stop (True, "Play"); Play and Pause themselves are
    answered in the browser (see register_panel_callbacks)."""
    if not isinstance(curve_name, str) or curve_name not in engine.CURVES:
        raise LabInputError("Choose one of the curves in the list.")
    curve = engine.CURVES[curve_name]
    options = options if isinstance(options, list) else []
    momentum = MOMENTUM if "momentum" in options else 0.0
    blindfold = "blindfold" in options
    stored = stored if isinstance(stored, dict) else {}
    xs = stored.get("x") if stored.get("curve") == curve_name else None
    if not isinstance(xs, list) or not xs or not all(isinstance(v, (int, float)) for v in xs):
        xs = [curve.start]
    xs = xs[-limits.MAX_PATH:]  # a trail sent back by the browser is never longer than a path may be
    new_lr = no_update
    if trigger == "toy-curve":
        xs, lr, new_lr = [curve.start], curve.learning_rate, curve.learning_rate
    elif trigger == "ball-reset":
        xs = [xs[0]]
    elif trigger == "ball-chart" and (x := clicked_x(click, curve)) is not None:
        xs = [x]
    lr = validate.number(lr, "The learning rate", 1e-9, limits.MAX_LEARNING_RATE)
    moving = trigger in ("ball-step", "ball-timer")
    reason = stored.get("reason", "") if stored.get("curve") == curve_name and trigger not in (
        "toy-curve", "ball-reset", "ball-chart") else ""
    path = path_through(curve, xs, reason if isinstance(reason, str) else "")
    if moving and not path.diverged:
        velocity = xs[-1] - xs[-2] if momentum and len(xs) > 1 else 0.0
        one = engine.descend(curve, xs[-1], lr, 1, momentum, velocity=velocity)
        # descend counted only this one step; the page counts the whole path (len(xs) - 1 steps, then this one).
        reason = flew_off_reason(len(xs), lr, momentum) if one.diverged else ""
        xs = (xs + one.x[1:].tolist())[-limits.MAX_PATH:]
        path = path_through(curve, xs, reason)
    stop = path.diverged or path.converged
    if trigger == "ball-play" and not stop:
        # Nothing moved: this answer only makes Dash drop a tick's answer still on its way.
        return unchanged(BALL_OUTPUTS)
    data = {"curve": curve_name, "x": xs, "diverged": path.diverged, "reason": path.reason}
    parts = charts.ball_parts(curve, path, lr, blindfold, momentum)
    if moving:
        figure = Patch()
        for index, key in ((charts.TRAIL, "trail"), (charts.BALL, "ball"), (charts.TANGENT, "tangent")):
            figure["data"][index]["x"] = parts[key]["x"]
            figure["data"][index]["y"] = parts[key]["y"]
        figure["layout"]["annotations"] = parts["annotations"]
    else:
        figure = charts.toy_figure(curve, path, lr, blindfold)
    return {"ball": data, "ball-chart": figure, "ball-note": f"Step {parts['steps']}. {parts['note']}",
            "ball-lesson": curve.lesson, **(STOPPED if stop else {"ball-timer": no_update, "ball-play": no_update}),
            "ball-lr": new_lr}
