"""The Scores tab: how well the network does on the whole training and test sets, with the counts
and sums each score is made of, so that a class can check it by hand.

Classification: each set's confusion matrix (what each output should have said against what it
said) and the accuracy it gives. Regression: RMSE and R², each with its sums. Everything comes from
engine.evaluate; nothing here computes a score.
"""

from dash import html

from engine import metrics

from .numbers import num
from .readouts import as_of

SETS = (("train", "Training set"), ("test", "Test set"))


def scores_panel(state, scores: dict) -> list:
    """The tab's contents for `scores` = engine.evaluate(state)."""
    shown = [(title, name) for name, title in SETS if scores[f"{name}_loss"] is not None]
    classifying = scores["train_confusion"] is not None
    body = [_confusion(title, scores[f"{name}_confusion"]) if classifying
            else _regression(title, scores[f"{name}_rmse"], scores[f"{name}_fit"]) for title, name in shown]
    if classifying and state.data.class_names():
        lead = (f"Each example is read as a decision: the class with the largest probability p. "
                f"Counted with the weights {as_of(state)}.")
    elif classifying:
        lead = (f"Each output is read as a decision: class 1 above {metrics.BOUNDARY:g}, halfway between the "
                f"targets 0 and 1, else class 0. Counted with the weights {as_of(state)}.")
    else:
        lead = (f"How far the outputs ŷ are from their targets y, with the weights {as_of(state)}. "
                "SS_res = Σ(ŷ − y)², the misses; SS_tot = Σ(y − ȳ)², the targets' own spread around their "
                "mean ȳ. R² = 1 is a perfect fit, 0 no better than always answering ȳ.")
    return [html.P(lead, className="card-hint"), html.Div(className="scores", children=body)]


def _confusion(title: str, matrix: metrics.Confusion) -> html.Div:
    counts = matrix.counts
    names, k = matrix.classes, range(len(matrix.classes))
    head = html.Tr([html.Th("target ↓ · decision →", scope="col", className="scores-corner"),
                    *(html.Th(f"class {names[p]}", scope="col") for p in k)])
    rows = [html.Tr([html.Th(f"class {names[t]}", scope="row"),
                     *(html.Td(str(counts[t][p]), className="scores-right" if t == p else "scores-wrong")
                       for p in k)])
            for t in k]
    right = " + ".join(str(counts[k][k]) for k in range(len(counts)))
    accuracy = matrix.accuracy
    words = (f"Accuracy = right / all = ({right}) / {matrix.total} = {100 * accuracy:.1f}%"
             if accuracy is not None else "No decisions to count.")
    return html.Div(className="scores-set", children=[
        html.Table(className="scores-table", children=[
            html.Caption(title), html.Thead(head), html.Tbody(rows)]),
        html.P(words, className="scores-sum"),
    ])


def _regression(title: str, rmse: float, fit: metrics.Fit) -> html.Div:
    r2 = fit.r_squared
    r2_words = (f"R² = 1 − SS_res / SS_tot = 1 − {num(fit.ss_res)} / {num(fit.ss_tot)} = {num(r2)}" if r2 is not None
                else "R² is undefined here: every target is the same, so there is no spread to explain.")
    return html.Div(className="scores-set", children=[
        html.H3(title, className="scores-title"),
        html.P(f"RMSE = √(mean of (ŷ − y)²) = {num(rmse)}", className="scores-sum"),
        html.P(r2_words, className="scores-sum"),
    ])
