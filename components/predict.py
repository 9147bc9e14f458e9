"""Predict, then reveal: an engine Question (engine/questions.py) in words, and the card that asks it.

`payload` turns a Question into the plain data the page's card shows (assets/predict.js draws it):
the prompt, the choices' labels, which are right, the answer and the reason with the engine's
own numbers. The card itself is a frame the script fills in. Nothing here checks answers or keeps
a score: the page does both, for its tab.
"""

from dash import dcc, html

from engine import ParamRef
from engine.questions import Question

from .network_view import neuron_name
from .numbers import num

DIGITS = (3, 4, 5, 6, 8)  # more digits only where three would show two different numbers alike
KEYS = ("1", "2", "3", "4")


def weight_name(layer: int, row: int, col: int, n_layers: int) -> str:
    """A weight by the neurons it joins: "x₁→h₂"."""
    return f"{neuron_name(layer - 1, col, n_layers)}→{neuron_name(layer, row, n_layers)}"


def digits_to_tell(values, right) -> int:
    """The fewest decimals (from DIGITS) at which every right value reads differently from every wrong one."""
    wrong = [v for i, v in enumerate(values) if i not in right]
    for d in DIGITS:
        if all(num(values[r], digits=d) != num(v, digits=d) for r in right for v in wrong):
            return d
    return DIGITS[-1]


def _listed(texts) -> str:
    texts = list(texts)
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _layer_words(layer: int, n_layers: int) -> str:
    return "the output layer" if layer == n_layers else f"hidden layer {layer}"


def labels(q: Question, n_layers: int) -> list[str]:
    """The words on each choice's button."""
    if q.kind == "active":
        return [neuron_name(q.subject[0], i, n_layers) for i in q.choices]
    if q.kind == "sign":
        return ["+ positive", "− negative"]
    if q.kind == "loss":
        return ["↓ down", "↑ up"]
    if q.kind == "blame":
        layer, j = q.subject
        return [weight_name(layer, j, i, n_layers) for i in q.choices]
    return [weight_name(*w, n_layers) for w in q.choices]


def targets(q: Question) -> list[str] | None:
    """Each choice's neuron or edge on the graph, by the id the view model gives it
    (components/network_view.py), so that a click on the graph answers; None where the choices are
    not on the graph (a sign, up or down)."""
    if q.kind == "active":
        return [f"n{q.subject[0]}-{i}" for i in q.choices]
    if q.kind == "blame":
        layer, j = q.subject
        return [str(ParamRef("W", layer, j, i)) for i in q.choices]
    if q.kind == "move":
        return [str(ParamRef("W", *w)) for w in q.choices]
    return None


def prompt(q: Question, n_layers: int) -> str:
    """The question, as the card asks it."""
    if q.kind == "active":
        layer = q.subject[0]
        which = "Which neuron" if len(q.choices) == q.terms.get("size") else "Which of these neurons"
        return f"{which} of {_layer_words(layer, n_layers)} will be most active (largest a)?"
    if q.kind == "loss":
        return "After this step's update, will the loss C go down or up?"
    if q.kind == "sign":
        layer, j = q.subject
        return f"Which sign will the blame δ of {neuron_name(layer, j, n_layers)} have?"
    if q.kind == "blame":
        layer, j = q.subject
        return f"Which incoming weight of {neuron_name(layer, j, n_layers)} gets the most blame (largest |∂C/∂w|)?"
    return "Which weight will the update move most (largest |Δw|)?"


def _factor(text: str) -> str:
    """A number as a factor in a product: in brackets when it has a minus sign."""
    return f"({text})" if text.startswith("−") else text


def _sign_word(value: float) -> str:
    return "positive" if value > 0 else "negative"


def why(q: Question, n_layers: int) -> str:
    """The reason for the right answer, with the numbers that decided it."""
    names = labels(q, n_layers)
    right = [names[i] for i in q.right]
    if q.kind == "active":
        d = digits_to_tell(q.values, q.right)
        top = num(q.values[q.right[0]], digits=d)
        shown = ", ".join(num(v, digits=d) for v in q.values)
        tie = f" ({_listed(right)} tie)" if len(right) > 1 else ""
        return f"a = {top} is the largest of {shown}{tie}."
    if q.kind == "loss":
        before, after = q.values
        d = digits_to_tell((before, after), (0,))
        size = q.terms.get("batch", 1)
        batch = "this step's example" if size == 1 else f"this step's batch of {size} examples"
        return (f"C on {batch}: before the update {num(before, digits=d)}, after it {num(after, digits=d)}: "
                f"{'down' if after < before else 'up'}.")
    if q.kind == "sign":
        t = q.terms
        d = num(t["delta"], digits=digits_to_tell((t["delta"], 0.0), (0,)))
        if t["rule"] == "hidden":
            return (f"δ = (Σ w·δ)·f′(z) = {_factor(num(t['sum']))}·{num(t['slope'])} = {d}: {_sign_word(t['delta'])}. "
                    f"f′(z) ≥ 0, so the blame arriving from the layer after decides the sign.")
        if t["rule"] == "logits":
            p = "p" if t["softmax"] else "o"
            return f"δ = {p} − t = {num(t['output'])} − {num(t['target'])} = {d}: {_sign_word(t['delta'])}."
        return (f"δ = ∂C/∂o·f′(z) = {_factor(num(t['dc_da']))}·{num(t['slope'])} = {d}: {_sign_word(t['delta'])}. "
                f"f′(z) ≥ 0, so the error of the output decides the sign.")
    if q.kind == "blame":
        sizes = [abs(v) for v in q.values]
        d = digits_to_tell(sizes, q.right)
        delta = num(q.terms["delta"], digits=max(d, 3))
        i = q.right[0]
        a = q.terms["a_in"][i]
        shown = ", ".join(num(v, digits=d) for v in sizes)
        return (f"∂C/∂w = a_in·δ, and all share δ = {delta}: the largest |a_in| decides. "
                f"{_listed(right)}: {_factor(num(a))}·{_factor(delta)} = {num(q.values[i], digits=d)}, "
                f"the largest |∂C/∂w| of {shown}.")
    sizes = [abs(v) for v in q.values]
    d = digits_to_tell(sizes, q.right)
    i = q.right[0]
    shown = ", ".join(num(v, digits=d) for v in sizes)
    move = num(q.values[i], signed=True, digits=d)
    t = q.terms
    if t["optimizer"] == "sgd":
        return (f"Δw = −η·ḡ (ḡ: the batch's mean ∂C/∂w): {_listed(right)} moves "
                f"−{t['rate']:g}·{_factor(num(t['grad'][i], digits=d))} = {move}, "
                f"the largest |Δw| of {shown}.")
    return (f"{_listed(right)} moves {move} ({num(t['before'][i], digits=d)} → {num(t['after'][i], digits=d)}), "
            f"the largest |Δw| of {shown}.")


def payload(q: Question | None, n_layers: int, n) -> dict:
    """What the page's card needs for one question (or that there is none), tagged with the moment
    `n` it was asked for. The right answers travel with it: the page checks the answer at once,
    and a class's own page has nothing to hide from itself."""
    if q is None:
        return {"n": n, "question": None}
    names = labels(q, n_layers)
    return {"n": n, "question": {
        "kind": q.kind,
        "phase": q.index,
        "prompt": prompt(q, n_layers),
        "choices": names,
        "targets": targets(q),
        "right": list(q.right),
        "answer": " or ".join(names[i] for i in q.right),
        "why": why(q, n_layers),
    }}


def toggle():
    """The toolbar's switch for the mode (kept for the tab: app/predict.py)."""
    return html.Button("Predict", id="predict-toggle", className="btn predict-toggle", n_clicks=0,
                       title="Predict, then reveal: before each phase, the page asks what it will show",
                       **{"aria-pressed": "false"})


def card(tour_steps=()):
    """The question card, under the phase heading; assets/predict.js fills it in and shows it.

    tour_steps: the tour's steps that switch the mode on (app/lessons.py)."""
    return html.Section(id="predict-card", className="predict-card", hidden=True,
                        **{"aria-label": "Predict, then reveal", "aria-live": "polite"}, children=[
        html.Div(id="predict-body", className="predict-body"),
        html.Div(className="predict-foot", children=[
            html.Span("", id="predict-hint", className="predict-hint"),
            html.Span("", id="predict-score", className="predict-score", role="status"),
            html.Button("↺", id="predict-score-reset", className="btn small", n_clicks=0,
                        title="Start the score again from nothing", **{"aria-label": "Start the score again"}),
        ]),
        dcc.Store(id="predict-mode", storage_type="session", data=False),
        dcc.Store(id="predict-score-kept", storage_type="session", data={"right": 0, "answered": 0}),
        dcc.Store(id="predict-moment"),  # set by the page for each lab shown while the mode is on
        dcc.Store(id="predict-question"),  # the server's question for that moment
        dcc.Store(id="predict-info", data={"tour": list(tour_steps)}),
    ])
