"""The page: a toolbar, the settings, the network in the middle, numbers and charts beside it.

build_layout() runs for every page load, so each visitor starts from a fresh
default lesson unless their browser tab already holds one (session storage).
"""


from dash import dcc, html

import engine
from components import line_chart, predict, words
from components.network_view import ring_width
from engine import limits
from engine.losses import refusal

from . import actions, lessons, maths, panels
from .actions import SPEEDS
from .bounds import BOUNDS
from .fields import options, select
from .panel import tab
from .version import version

BLAME_REFERENCES = (0.001, 0.01, 0.1, 0.3)  # |δ| of the legend's reference rings

LEARNING_RATES, BATCH_SIZES = limits.LEARNING_RATES, limits.BATCH_SIZES
BALL_TICK_MS = 350  # Play on the toy curves: one step of the ball this often
PANEL_RETRY_MS = 700  # a landscape panel refused for fairness (app/fairness.py) asks again after this long


def toolbar():
    return html.Header(
        className="toolbar",
        children=[
            html.H1(["Backprop", html.Span(" Lab", className="brand-lab")], className="brand"),
            html.Div(
                className="transport",
                children=[
                    html.Button("Step", id="step", className="btn primary", n_clicks=0,
                                title="Reveal the next phase (forward, loss, backward, update)"),
                    html.Button("Full step", id="full-step", className="btn", n_clicks=0,
                                title="Run to the end of the next update"),
                    html.Button("Play", id="play", className="btn", n_clicks=0, title="Play or pause training"),
                    dcc.Dropdown(id="speed", options=[{"label": v.label, "value": k} for k, v in SPEEDS.items()],
                                 value="phase", clearable=False, searchable=False, className="speed"),
                    html.Button("Reset", id="reset", className="btn", n_clicks=0,
                                title="Back to the starting weights, keeping the settings"),
                ],
            ),
            time_travel(),
            html.Div(className="view-buttons", children=[
                html.Button("Settings", id="settings-toggle", className="btn settings-toggle", n_clicks=0,
                            title="Show or hide the settings (the lesson, the network, the data, training)",
                            **{"aria-pressed": "false", "aria-controls": "settings"}),
                html.Button("▶ Tour", id="tour-start", className="btn tour-start", n_clicks=0,
                            title="A short guided tour of how a network learns, one idea at a time"),
                predict.toggle(),
                html.Button("Present", id="present-toggle", className="btn", n_clicks=0,
                            title="Presentation mode: large type for a projector, advanced controls hidden",
                            **{"aria-pressed": "false"}),
                html.Button("Dark", id="theme-toggle", className="btn", n_clicks=0,
                            title="Switch between the light and the dark theme"),
                html.Button("?", id="shortcuts-open", className="btn", n_clicks=0,
                            title="Keyboard shortcuts", **{"aria-label": "Keyboard shortcuts"}),
            ]),
        ],
    )


def time_travel():
    """Back and forward through the moments of training kept in this tab (assets/timeline.js)."""
    return html.Div(className="travel", role="group", **{"aria-label": "Time travel"}, children=[
        html.Button("◀", id="travel-back", className="btn", n_clicks=0, disabled=True,
                    title="Back one moment (←)", **{"aria-label": "Back one moment"}),
        html.Button("▶", id="travel-forward", className="btn", n_clicks=0, disabled=True,
                    title="Forward one moment (→)", **{"aria-label": "Forward one moment"}),
    ])


# Every keyboard shortcut, as the help overlay lists it; assets/keyboard.js acts on them.
SHORTCUTS = (
    ("Space", "next phase (Step)"),
    ("Enter", "full step"),
    ("P", "play or pause"),
    ("R", "reset"),
    ("←  →", "back and forward in time"),
    ("1–4", "answer the question (Predict mode)"),
    ("?", "show or hide this list"),
    ("Esc", "close this list"),
)


def shortcuts_overlay():
    return html.Div(id="shortcuts", className="overlay", hidden=True, role="dialog",
                    **{"aria-modal": "true", "aria-labelledby": "shortcuts-title"}, children=[
        html.Div(className="overlay-card", children=[
            html.H2("Keyboard shortcuts", id="shortcuts-title"),
            html.Table(className="shortcut-table", children=[
                html.Tbody([html.Tr([html.Th(html.Kbd(key), scope="row"), html.Td(words)])
                            for key, words in SHORTCUTS]),
            ]),
            html.P("Shortcuts do nothing while you type in a box or a list has the focus.", className="card-hint"),
            html.Button("Close", id="shortcuts-close", className="btn primary", n_clicks=0),
        ]),
    ])


def output_options(loss) -> list:
    """The output activations, those the loss cannot follow shown but not offered, with why."""
    title = engine.LOSSES[loss].title if isinstance(loss, str) and loss in engine.LOSSES else ""
    return [{"label": f"{a.title} (not with {title})" if refusal(loss, k) else a.title,
             "value": k, "disabled": bool(refusal(loss, k))}
            for k, a in engine.ACTIVATIONS.items()]


def _refused_loss(loss: engine.losses.Loss, output) -> str:
    """What the loss list says after a loss this output cannot precede."""
    if loss.output:
        return f"{loss.title} (needs a {loss.output} output)"
    return f"{loss.title} (not after {engine.ACTIVATIONS[output].title.lower()})"


def loss_options(output) -> list:
    """The losses, those that cannot follow this output activation shown but not offered, with why."""
    return [{"label": _refused_loss(v, output) if refusal(k, output) else v.title,
             "value": k, "disabled": bool(refusal(k, output))}
            for k, v in engine.LOSSES.items()]


def settings():
    presets = {k: p.title for k, p in engine.PRESETS.items()}
    # "explicit": the lesson's own examples, or a person's CSV.
    datasets = {"explicit": "Own examples"} | {k: v.title for k, v in engine.DATASETS.items()}
    acts = {k: engine.ACTIVATIONS[k].title for k in engine.HIDDEN_ACTIVATIONS}
    optimizers = {k: v.title for k, v in engine.OPTIMIZERS.items()}
    return html.Aside(
        id="settings",
        className="settings",
        children=[
            select("preset", options(presets), "default", "Lesson"),
            html.H2("Network", className="settings-head"),
            html.Label(
                className="field",
                children=[
                    html.Span("Hidden layers (neurons in each)", className="field-label"),
                    html.Div(
                        className="shape-row",
                        children=[
                            dcc.Input(id="hidden-sizes", type="text", value="2", debounce=True,
                                      maxLength=BOUNDS["hidden-sizes.value"].chars, className="text-input"),
                            html.Button("+ layer", id="add-layer", className="btn small", n_clicks=0),
                            html.Button("− layer", id="remove-layer", className="btn small", n_clicks=0),
                        ],
                    ),
                    html.Div(className="field-hint",
                             children=f"Up to {limits.MAX_HIDDEN_LAYERS} layers of 1–{limits.MAX_NEURONS}, "
                                      "e.g. 4, 4; 0 for none"),
                ],
            ),
            select("activation", options(acts), "sigmoid", "Hidden activation"),
            select("output-activation", output_options("squared_error"), "sigmoid", "Output activation"),
            select("loss", loss_options("sigmoid"), "squared_error", "Loss"),
            html.H2("Data", className="settings-head"),
            select("dataset", options(datasets), "explicit", "Dataset"),
            html.Label(className="field", children=[
                html.Span("Seed", className="field-label"),
                dcc.Input(id="seed", type="number", value=0, min=0, max=limits.MAX_SEED, step=1, debounce=True,
                          className="text-input"),
            ]),
            # Generated data's own settings: put out of reach for a lab whose examples are its own
            # (a lesson's or uploaded), where they would do nothing (app/callbacks.py, "generated").
            html.Fieldset(id="generated-data", className="generated-data", disabled=True, children=[
            html.Div(
                className="pair",
                children=[
                    select("noise", [{"label": f"{v:g}", "value": v} for v in actions.NOISES], 0.05, "Noise"),
                    select("test-share", [{"label": f"{100 * v:.0f} %", "value": v} for v in actions.TEST_SHARES],
                           0.5, "Test share"),
                ],
            ),
            html.Fieldset(className="field feature-field", children=[
                html.Legend("Extra inputs", className="field-label"),
                dcc.Checklist(id="features", className="checks feature-checks", inline=True, value=[],
                              options=[{"label": f.label, "value": f.name} for f in engine.FEATURES.values()]),
            ]),
            html.Button("New data", id="new-data", className="btn small", n_clicks=0,
                        title="Draw the dataset's points again with a new seed; the network starts over"),
            ]),
            html.H2("Training", className="settings-head"),
            html.Div(
                className="pair",
                children=[
                    select("learning-rate", [{"label": str(v), "value": v} for v in LEARNING_RATES], 1.0,
                            "Learning rate"),
                    select("batch-size", [{"label": str(v), "value": v} for v in BATCH_SIZES], 1, "Batch size"),
                ],
            ),
            select("optimizer", options(optimizers), "sgd", "Optimizer"),
            html.Div(
                className="pair",
                children=[
                    select("penalty", [{"label": "None", "value": actions.NO_PENALTY}]
                           + [{"label": p.title, "value": p.name} for p in engine.PENALTIES.values()],
                           actions.NO_PENALTY, "Regularization"),
                    select("penalty-rate", [{"label": f"{v:g}", "value": v} for v in actions.PENALTY_RATES], 0.0,
                           "Rate λ"),
                ],
            ),
            select("stop-rule", options({k: r.title for k, r in engine.STOP_RULES.items()}), "none",
                   "Play stops when"),
            html.Label(className="field", children=[
                html.Span("Target (an accuracy in %)", className="field-label"),
                dcc.Input(id="stop-at", type="number", value=0, min=0, debounce=True, className="text-input"),
            ]),
            share_and_save(),
        ],
    )


def _small_button(id_, label, title):
    return html.Button(label, id=id_, className="btn small", n_clicks=0, title=title)


def _file_button(id_, label, title, max_bytes, what):
    # dcc.Upload opens the file dialog when anything inside it is clicked. Its own (invisible) file
    # input is what the keyboard reaches, so the button looking like one is not a second stop;
    # assets/uploads.js names the input after it and refuses a file too big to send.
    return dcc.Upload(id=id_, className="upload", accept=".json,.csv,.txt,text/csv,application/json",
                      children=html.Button(label, className="btn small", title=title, tabIndex="-1",
                                           **{"data-max-bytes": str(max_bytes), "data-what": what}))


def share_and_save():
    """Links, files and exports (app/sharing.py and app/arrivals.py)."""
    return html.Div(className="share", children=[
        html.H2("Your own data", className="settings-head"),
        _file_button("upload-csv", "Upload a CSV…",
                     f"Two numbers and a label per row (0/1, or one of 2–4 classes), or one number and a target; up to "
                     f"{limits.MAX_POINTS:,} rows", limits.MAX_UPLOAD_BYTES, "A CSV file"),
        html.Div(className="field-hint", children=f"x₁, x₂, label (0/1 or 2–4 classes) or x, target; header optional; "
                                                  f"up to {limits.MAX_POINTS:,} rows"),
        html.H2("Share and save", className="settings-head"),
        html.Div(className="button-row", children=[
            _small_button("copy-link", "Copy link", "A link that opens this network and data on any computer"),
            _small_button("save-lab", "Save lab", "Download the whole lab (weights, settings, history) as a JSON file"),
            _file_button("load-lab", "Load lab…", "Open a lab saved before", limits.MAX_STATE_BYTES, "A saved lab"),
        ]),
        html.Label(className="field", children=[
            html.Span("Link to this network", className="field-label"),
            dcc.Input(id="share-link", type="text", readOnly=True, value="", className="text-input share-link",
                      placeholder="Copy link puts it here"),
        ]),
        html.Div("", id="share-note", className="field-hint", role="status"),
        html.H2("Export", className="settings-head"),
        html.Div(className="button-row", children=[
            _small_button("export-json", "Network JSON", "The trained network's weights and shape as JSON"),
            _small_button("export-numpy", "NumPy code",
                          "A short Python script with the weights that makes the same predictions"),
            # Opens a page of its own (app/worksheet.py), to print or to download as Markdown.
            _small_button("open-worksheet", "Worksheet…",
                          "One step of this network as a worksheet with blanks and an answer key, to print"),
        ]),
        html.Div(className="field-hint", children="PNG: the ⤓ button on each picture."),
        dcc.Download(id="download"),
    ])


def tour_card():
    """The guided tour's current step (app/tour.py fills it; hidden outside the tour)."""
    return html.Section(id="tour-card", className="tour-card", hidden=True, **{"aria-live": "polite"}, children=[
        html.Div(className="tour-head", children=[
            html.H2("", id="tour-title", className="tour-title"),
            html.Div(id="tour-progress", className="tour-progress"),
            html.Div(className="tour-buttons", children=[
                html.Button("Back", id="tour-back", className="btn", n_clicks=0),
                html.Button("Next", id="tour-next", className="btn primary", n_clicks=0),
                html.Button("Exit tour", id="tour-exit", className="btn", n_clicks=0,
                            title="Leave the tour and carry on with this network"),
            ]),
        ]),
        html.Div(id="tour-text", className="tour-text"),  # components.rich_text: no Markdown
    ])


def network_panel():
    return html.Main(
        className="network-panel",
        children=[
            # What the class reads first: the phase, big, with the numbers that say how it is going.
            html.Div(className="status", children=[
                html.Div(className="status-words", children=[
                    *words.box("phase-text", className="phase-text", role="status", **{"aria-live": "polite"}),
                    *words.box("counters", className="counters"),
                    *words.box("numbers-when", className="counters numbers-when"),
                ]),
                *words.box("numbers", className="numbers"),
            ]),
            predict.card(lessons.predict_steps()),
            tour_card(),
            html.Div(id="diverged", className="diverged", hidden=True, role="alert", children=[
                html.Span("", id="diverged-text"),
                html.Button("Reset", id="reset-diverged", className="btn primary", n_clicks=0),
            ]),
            html.Div(id="message", className="message", role="alert"),
            server_down(),
            html.Div("", id="travel-status", className="travel-status", role="status"),  # when looking back
            input_toggles(),
            html.Div(id="network", className="network", **{"aria-label": "The network"}),
            *words.box("example-note", className="example-note"),
            html.Div(className="legend-row", children=[legend(), html.Div(
                className="network-tools", children=[network_options(), png_button("network", "the network", "⤓ PNG")])]),
        ],
    )


# Ways of looking at the network; the page draws them (assets/neuron-maps.js) and every picture the
# server sends brings what they need (app/callbacks.maps_on). Kept for the browser tab; a link's
# maps=1 ticks it (assets/display.js).
NETWORK_OPTIONS = {"maps": " neuron pictures"}


def network_options():
    return dcc.Checklist(id="network-options", className="checks network-options", inline=True, value=[],
                         options=options(NETWORK_OPTIONS), persistence=True, persistence_type="session")


def input_toggles():
    """Generated data's extra inputs as toggles beside the network, as in Playground: each press adds
    or takes away an input neuron (the same list as Settings › Data, which stays in sync). Shown
    for generated data with two inputs (assets/clientside.js, showFeatures), in presentation mode too."""
    return html.Div(id="input-toggles", className="input-toggles", hidden=True, children=[
        html.Span("Extra inputs", className="input-toggles-label"),
        *(html.Button(f.label, id=f"feature-{f.name}", className="btn small feature-toggle", n_clicks=0,
                      title=f"Add {f.label} as an input, or take it away", **{"aria-pressed": "false"})
          for f in engine.FEATURES.values()),
    ])


def server_down():
    """The notice assets/connection.js shows while the server does not answer, and hides when it does.
    Fixed over the foot of the page, in big type: it must read from the back of a room, and must not
    push the picture about or cover Play/Pause and the step counter. The script sets the second line
    to what the person was doing (Play carries on by itself; a click was not done)."""
    return html.Div(id="server-down", className="server-down", role="alert", hidden=True, children=[
        html.Strong("The server is not answering.", className="server-down-head"),
        html.Span("Nothing in this tab is lost: try again when this notice goes.", id="server-down-text",
                  className="server-down-text"),
    ])


def legend():
    """What the picture's marks mean. Blame's scale is absolute: the reference rings are drawn with
    the widths the network's rings have at those |δ| (components.network_view.ring_width)."""
    rings = [html.Span([html.I(className="ring-key", style={"borderWidth": f"{ring_width(d) * 0.5:.1f}px"}),
                        f"{d:g}"], className="ring-ref") for d in BLAME_REFERENCES]
    return html.Div(className="legend", children=[
        html.Span([html.I(className="key pos"), "positive weight"]),
        html.Span([html.I(className="key neg"), "negative weight (dashed)"]),
        html.Span([html.I(className="key blame"), "blame: ring |δ| on neurons, glow |∂C/∂w| on edges:"],
                  className="legend-blame"),
        html.Span(rings, className="ring-scale", title="Each tenfold of |δ| adds the same thickness, at every step"),
        html.Span("▼ δ > 0: lower z   ▲ δ < 0: raise z", className="legend-arrows"),
    ])


def png_button(target, what, label="⤓"):
    """⤓ for the pictures in the card `target` as PNG (assets/export.js)."""
    return html.Button(label, className="btn small png-button", n_clicks=0, title=f"Download {what} as a PNG",
                       **{"data-target": target, "aria-label": f"Download {what} as a PNG"})


def landscape_tabs():
    """The landscapes beside the network (app/panels.py LANDSCAPES). Only the visible tab is computed
    and drawn."""
    return html.Div(id="landscape-card", className="card landscape-card", children=[
        png_button("landscape-card", "the chart on show"),
        dcc.Tabs(id="panel-tabs", value=panels.LANDSCAPES[0].name, className="tabs panel-tabs",
                 children=[tab(p) for p in panels.LANDSCAPES]),
    ])


def maths_tabs():
    """The reasoning beside the picture, for the selected weight and the current network
    (app/maths.py MATHS). Only the visible tab is computed."""
    return html.Div(id="maths-card", className="card maths-card", children=[
        png_button("maths-card", "the charts on show"),
        dcc.Tabs(id="maths-tabs", value=maths.MATHS[0].name, className="tabs maths-tabs",
                 children=[tab(p) for p in maths.MATHS]),
    ])


def side_panel():
    return html.Section(
        className="side",
        children=[
            landscape_tabs(),
            html.Div(id="grab-card", className="card grab-card", children=[
                html.H2("Grab a weight", className="card-head"),
                html.P("Click an edge or a neuron, or pick one here; drag its slider.", className="card-hint"),
                dcc.Dropdown(id="pick-param", options=[], value=None, placeholder="Choose a weight or bias…",
                             clearable=True),
                html.Div(id="sliders", className="sliders"),
            ]),
            html.Div(id="history-card", className="card", children=[
                png_button("history-card", "the loss chart"),
                html.H2("Loss over training", className="card-head"),
                *line_chart.box("history", "history-chart"),
            ]),
            maths_tabs(),
            footer(),
        ],
    )


def footer():
    """One quiet line at the foot of the side column: which Backprop Lab this is (app/version.py).
    It takes no height from the network and covers nothing (assets/style.css)."""
    return html.Footer(className="footer", children=f"Backprop Lab {version()}", id="footer")


def build_layout():
    return html.Div(
        id="page",
        className="page",
        children=[
            dcc.Store(id="lab-state", storage_type="session"),
            dcc.Store(id="start-state", storage_type="session"),
            dcc.Store(id="pinned", storage_type="session", data=[]),
            dcc.Store(id="clicked-param"),
            dcc.Store(id="data-click"),  # the data chart's clickData, for `act` (app/callbacks.py)
            dcc.Store(id="view"),
            dcc.Store(id="first-view"),  # its callback tells Dash the shape drawn from the page's picture (app/page.py)
            dcc.Store(id="painted-key"),  # the network shape the browser has drawn
            dcc.Store(id="handled-clicks"),  # how many clicks of Step and Full step the lab has taken
            dcc.Store(id="drawn-keys"),  # what the page shows already (charts, texts, shape): not sent again
            dcc.Store(id="speed-paces", data={k: v.pace() for k, v in SPEEDS.items()}),
            # The extra inputs in their order, and the datasets that take them (two raw inputs): the toggles
            # beside the network show for those (assets/clientside.js, showFeatures).
            dcc.Store(id="feature-info", data={"features": list(engine.FEATURES),
                                               "datasets": [k for k, d in engine.DATASETS.items() if d.n_raw_inputs == 2]}),
            dcc.Store(id="playing", data=False),
            dcc.Store(id="play-stopped"),  # why Play stopped by itself (its stop rule), set by the tick that met it
            dcc.Store(id="play-tick"),  # set by the browser: one tick at a time, the next after the answer
            dcc.Store(id="play-charts"),  # set by the browser after a chart tick it sent itself (assets/play.js)
            dcc.Store(id="hover-neuron"),
            dcc.Store(id="ball", storage_type="session"),
            dcc.Store(id="panel-keys"),
            # Runs only while a panel refused for fairness waits to ask again (app/fairness.py).
            dcc.Interval(id="panel-retry", interval=PANEL_RETRY_MS, disabled=True),
            dcc.Store(id="charts-due"),  # set with each state the panels should follow
            dcc.Store(id="maths-due"),  # set with each state the maths tabs should follow (not while playing)
            dcc.Store(id="contour-path", storage_type="session", data=[]),
            dcc.Store(id="selected-param", storage_type="session", data="W1[0,0]"),  # explained in the maths tabs
            # The guided tour's step, or None. Kept in memory only: a reload leaves the tour and keeps the
            # lab as it is (a step coming back from storage would set its lesson up again over the work).
            dcc.Store(id="tour"),
            dcc.Store(id="tour-focus"),  # the card a tour step points at
            dcc.Interval(id="ball-timer", interval=BALL_TICK_MS, disabled=True),
            dcc.Location(id="url", refresh=False),  # a shared link's settings (app/links.py)
            dcc.Store(id="travel"),  # a moment from the timeline to show (assets/timeline.js)
            dcc.Store(id="timeline-limits", data={"steps": limits.TIMELINE_STEPS, "moments": limits.TIMELINE_MOMENTS,
                                                  "bytes": limits.TIMELINE_BYTES}),
            dcc.Store(id="share-query"),  # the link's query, made by the server from the lab
            # Presentation mode and theme, kept for the tab (assets/display.js sets the page's classes).
            dcc.Store(id="display", storage_type="session", data={"present": False, "theme": "light", "settings": None}),
            toolbar(),
            html.Div(className="body", children=[settings(), network_panel(), side_panel()]),
            shortcuts_overlay(),
        ],
    )
