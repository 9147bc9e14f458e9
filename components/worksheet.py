"""A worksheet (engine/worksheet.py) as a printable HTML page and as Markdown with LaTeX maths.

The HTML page stands alone: its style sheet is inline (print rules under `@media print`: no
screen controls, the answer key from a new page, tables kept whole), its maths is MathML (the
browser draws it; components/mathml.py), its network an inline SVG. Its only script is the
Print button's, a file the server serves (no inline scripts: the app's CSP forbids them). The
screen-only bar above the sheet holds forms that make the sheet again (other blanks, Markdown),
so changing the sheet needs no script either.

The Markdown is for a teacher who edits: tables with `$…$` maths, the key after a page break.

Every text that comes from a person (the lab's title, class names, notices) is escaped here:
for HTML by html.escape, for Markdown by a backslash before each character Markdown or TeX reads.
"""

import math
from dataclasses import dataclass, field
from html import escape

import numpy as np

from engine.activations import ACTIVATIONS
from engine.penalties import PENALTIES
from engine.worksheet import ATOL, DIGITS, KINDS, RTOL, Worksheet

from . import label_layout as lay
from .mathml import formula
from .network_view import neuron_name

KIND_WORDS = {"z": "z", "a": "a", "loss": "C", "delta": "δ", "grad": "∂C/∂w", "update": "w⁺"}
KIND_TITLES = {"z": "z (weighted input)", "a": "a (output)", "loss": "C (the loss)", "delta": "δ (blame)",
               "grad": "∂C/∂w (slope)", "update": "w⁺ (new weight)"}
PRINT_SCRIPT = "/worksheet/print.js"  # served by app/worksheet.py
MINUS = "\u2212"


@dataclass(frozen=True)
class Controls:
    """What the screen-only bar offers. method/action: how its forms send the sheet's lab again
    ("get" with the link's own fields in `hidden`, or "post" with the lab's JSON); link: a URL
    that makes this sheet (or "" if none), link_note: what that link opens; notices: what the
    link or the lab asked for that could not be used."""

    action: str = "/worksheet"
    method: str = "get"
    hidden: tuple = ()  # (name, value) pairs sent with every form
    link: str = ""
    link_note: str = ""
    notices: tuple = ()
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------- numbers and names

def number(value: float) -> str:
    """A number as the sheet writes it: DIGITS decimals, a real minus sign, no "−0.0000"."""
    text = f"{value:.{DIGITS}f}"
    if float(text) == 0:
        text = f"{0:.{DIGITS}f}"
    return text.replace("-", MINUS)


def tex_number(value: float) -> str:
    return number(value).replace(MINUS, "-")


def tolerance(value: float) -> float:
    return ATOL + RTOL * abs(value)


def accepted(value: float) -> tuple[float, float]:
    """The least and the greatest answer written to DIGITS decimals that counts as right."""
    scale, tol = 10**DIGITS, tolerance(value)
    return math.ceil((value - tol) * scale - 1e-9) / scale, math.floor((value + tol) * scale + 1e-9) / scale


def name(ws: Worksheet, layer: int, index: int) -> str:
    return neuron_name(layer, index, ws.n_layers)


def tex_name(ws: Worksheet, layer: int, index: int) -> str:
    """x_{1}, h_{1} (one hidden layer), h_{2,1}, o_{1}: the Equations tab's names."""
    n = index + 1
    if layer == 0:
        return f"x_{{{n}}}"
    if layer == ws.n_layers:
        return f"o_{{{n}}}"
    return f"h_{{{n}}}" if ws.n_layers == 2 else f"h_{{{layer},{n}}}"


def quantity_tex(ws: Worksheet, q) -> str:
    """The quantity's symbol: z_{h_1}, h_1, C, \\delta_{o_1}, ∂C/∂w_{x_1→h_1}, w^+_{x_1→h_1}."""
    if q.kind == "loss":
        return "C"
    target = tex_name(ws, q.layer, q.row)
    if q.kind == "z":
        return f"z_{{{target}}}"
    if q.kind == "a":
        return target
    if q.kind == "delta":
        return rf"\delta_{{{target}}}"
    w = rf"w_{{{tex_name(ws, q.layer - 1, q.col)} \to {target}}}"
    if q.kind == "grad":
        return rf"\partial C / \partial {w}"
    return rf"w^+_{{{tex_name(ws, q.layer - 1, q.col)} \to {target}}}"


def quantity_words(ws: Worksheet, q) -> str:
    """Plain text, for tables and the PDF's text: "z of h₁", "∂C/∂w, x₁ → h₁"."""
    if q.kind == "loss":
        return "C"
    target = name(ws, q.layer, q.row)
    if q.col is None:
        return f"{KIND_WORDS[q.kind]} of {target}"
    return f"{KIND_WORDS[q.kind]}, {name(ws, q.layer - 1, q.col)} → {target}"


def blank_numbers(ws: Worksheet) -> dict:
    """Each blank's number on the sheet (1, 2, …), by (kind, layer, row, col), in the sheet's order."""
    return {(q.kind, q.layer, q.row, q.col): k for k, q in enumerate(ws.blanks, start=1)}


def kinds_words(ws: Worksheet) -> str:
    return ", ".join(KIND_WORDS[k] for k in ws.kinds)


def layer_words(ws: Worksheet, layer: int) -> str:
    if layer == 0:
        return "Inputs"
    return "Output layer" if layer == ws.n_layers else f"Hidden layer {layer}"


# ---------------------------------------------------------------- the rules, in TeX

def _prime_tex(act: str) -> str:
    """f′ as a student computes it: from the neuron's output a where a rule says so, else by cases."""
    record = ACTIVATIONS[act]
    t = record.tex
    if t.prime_rule:
        return rf"{t.prime}(z) = {t.prime_rule.replace('A', 'a')}"
    above, below = (float(record.df(np.array([v]))[0]) for v in (1.0, -1.0))
    if above == below:
        return rf"{t.prime}(z) = {above:g}"
    return rf"{t.prime}(z) = {above:g} \text{{ if }} z > 0, \text{{ else }} {below:g}"


def _loss_tex(ws: Worksheet) -> tuple[str, str]:
    """C for one example, and δ of an output neuron k, in TeX."""
    n = ws.sizes[-1]
    out = ACTIVATIONS[ws.activations[-1]].tex.prime
    cost, delta = {
        "squared_error": (r"C = \tfrac{1}{2}\sum_k (o_k - t_k)^2", rf"\delta_{{o_k}} = (o_k - t_k)\, {out}(z_{{o_k}})"),
        "mse": (rf"C = \frac{{1}}{{{n}}}\sum_k (o_k - t_k)^2",
                rf"\delta_{{o_k}} = \frac{{2}}{{{n}}}(o_k - t_k)\, {out}(z_{{o_k}})"),
        "bce": ((r"C = -\sum_k \big(t_k \ln o_k + (1 - t_k) \ln (1 - o_k)\big)" if n == 1 else
                 rf"C = -\frac{{1}}{{{n}}}\sum_k \big(t_k \ln o_k + (1 - t_k) \ln (1 - o_k)\big)"),
                r"\delta_{o_k} = o_k - t_k" if n == 1 else rf"\delta_{{o_k}} = \frac{{o_k - t_k}}{{{n}}}"),
        "cross_entropy": (r"C = -\sum_k t_k \ln o_k", r"\delta_{o_k} = o_k - t_k"),
    }[ws.loss]
    if ws.weight_decay:
        cost += rf" + {PENALTIES[ws.penalty].tex}"
    return cost, delta


def rules_tex(ws: Worksheet) -> list[tuple[str, str]]:
    """(words, TeX) lines: everything a student needs besides the numbers."""
    lines = [("Forward, each neuron j", r"z_j = \sum_i w_{i \to j}\, a_i + b_j, \qquad a_j = f(z_j)")]
    for act in dict.fromkeys(ws.activations):
        layers = [layer_words(ws, l).lower() for l in range(1, ws.n_layers + 1) if ws.activations[l - 1] == act]
        lines.append((f"{ACTIVATIONS[act].title} ({', '.join(layers)})", ACTIVATIONS[act].tex.definition))
    cost, delta = _loss_tex(ws)
    lines.append(("The loss", cost))
    lines.append(("Blame at the output", delta))
    if ws.n_layers > 1:
        lines.append(("Blame in a hidden layer",
                      r"\delta_j = \Big(\sum_k w_{j \to k}\, \delta_k\Big)\, f'(z_j)"))
    for act in dict.fromkeys(ws.activations[:-1] + (() if ws.loss in ("bce", "cross_entropy")
                                                     else ws.activations[-1:])):
        lines.append((f"The slope of {ACTIVATIONS[act].title.lower()}", _prime_tex(act)))
    grad = r"\frac{\partial C}{\partial w_{i \to j}} = a_i\, \delta_j"
    if ws.weight_decay:
        slope = PENALTIES[ws.penalty].tex_slope(r"w_{i \to j}")
        grad += rf" + \lambda\, {slope}, \quad \lambda = {ws.weight_decay:g}"
    lines.append(("The slope of each weight", grad))
    lines.append(("The update", rf"w^+ = w - \eta\, \frac{{\partial C}}{{\partial w}}, \quad \eta = {ws.learning_rate:g}"))
    return lines


def notes(ws: Worksheet) -> list[str]:
    """Plain sentences under the rules."""
    said = [f"Give every answer to {DIGITS} decimals. The activation a of an input is the input itself."]
    if ws.rounded:
        said.append(f"The weights, biases and inputs are the lab's rounded to {DIGITS} decimals; the key is "
                    "worked exactly from the rounded numbers.")
    if ws.update_note:
        said.append(ws.update_note)
    return said


def key_rule() -> str:
    return (f"An answer is right when it is within {ATOL:g} + {RTOL * 100:g}% of the key's size of the key: "
            f"the accepted column gives the range, to {DIGITS} decimals. The key is the lab's engine's exact "
            f"result, rounded to {DIGITS} decimals.")


def heading(ws: Worksheet) -> str:
    return f"Worksheet: one step of backpropagation · {ws.title}"


def subtitle(ws: Worksheet) -> str:
    blanks = len(ws.blanks)
    return (f"Worksheet {ws.seed} · {blanks} blank{'s' * (blanks != 1)} ({kinds_words(ws)}) · the weights after "
            f"step {ws.step:,} · training example {ws.example + 1}")


# ---------------------------------------------------------------- the network as SVG

COLUMN, ROW, RADIUS, FONT = 190, 76, 19, 13


def _label_spots(ws, xs, ys) -> dict:
    """Where each weight's label goes along its edge: the first of a few spots clear of every
    label and neuron so far, from the source end (where a reader looks for a neuron's weights)."""
    taken = [lay.circle_box(x, y, RADIUS + 2) for l in range(len(ws.sizes)) for x, y in zip(xs[l], ys[l])]
    spots = {}
    for l in range(1, len(ws.sizes)):
        for i in range(ws.sizes[l]):
            for j in range(ws.sizes[l - 1]):
                x1, y1, x2, y2 = xs[l - 1][j], ys[l - 1][j], xs[l][i], ys[l][i]
                text = number(ws.W[l][i][j])
                best = None
                for along in (0.3, 0.42, 0.22, 0.55, 0.66):
                    x, y = x1 + along * (x2 - x1), y1 + along * (y2 - y1)
                    box = lay.text_box(x, y + FONT * 0.35, text, FONT * 0.85, bold=False)
                    if not any(box.overlap(other) for other in taken):
                        best = (x, y, box)
                        break
                    best = best or (x, y, box)
                taken.append(best[2])
                spots[(l, i, j)] = best[:2]
    return spots


def network_svg(ws: Worksheet) -> str:
    """The network: neurons with their names, inputs with their values and biases under each
    neuron; each weight on its edge when every layer has at most three neurons (else the tables
    carry them)."""
    sizes = ws.sizes
    tallest = max(sizes)
    height = tallest * ROW + 30
    width = (len(sizes) - 1) * COLUMN + 150
    xs = [[70 + l * COLUMN] * n for l, n in enumerate(sizes)]
    ys = [[34 + (height - 38) / 2 + (i - (n - 1) / 2) * ROW for i in range(n)] for n in sizes]
    labelled = tallest <= 3
    spots = _label_spots(ws, xs, ys) if labelled else {}
    parts = []
    for l in range(1, len(sizes)):
        for i in range(sizes[l]):
            for j in range(sizes[l - 1]):
                w = ws.W[l][i][j]
                dash = ' stroke-dasharray="5 3"' if w < 0 else ""
                parts.append(f'<line x1="{xs[l - 1][j]:.1f}" y1="{ys[l - 1][j]:.1f}" x2="{xs[l][i]:.1f}" '
                             f'y2="{ys[l][i]:.1f}" class="edge"{dash}/>')
    for (l, i, j), (x, y) in spots.items():
        parts.append(f'<text x="{x:.1f}" y="{y + FONT * 0.35:.1f}" class="weight">{number(ws.W[l][i][j])}</text>')
    for l, n in enumerate(sizes):
        for i in range(n):
            x, y = xs[l][i], ys[l][i]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RADIUS}" class="neuron"/>')
            parts.append(f'<text x="{x:.1f}" y="{y + 5:.1f}" class="name">{escape(name(ws, l, i))}</text>')
            below = f"= {number(ws.x[i])}" if l == 0 else f"b = {number(ws.b[l][i])}"
            parts.append(f'<text x="{x:.1f}" y="{y + RADIUS + 16:.1f}" class="below">{below}</text>')
        parts.append(f'<text x="{xs[l][0]:.1f}" y="16" class="layer">{layer_words(ws, l)}</text>')
    return (f'<svg class="network" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="The network, with its weights and biases">{"".join(parts)}</svg>')


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


# ---------------------------------------------------------------- HTML

STYLE = """
:root { color-scheme: light; }
body { font: 15px/1.45 "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #111; background: #fff;
       margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.35rem; margin: .4rem 0 .1rem; }
h2 { font-size: 1.1rem; margin: 1.3rem 0 .4rem; border-bottom: 1px solid #999; }
h3 { font-size: 1rem; margin: .8rem 0 .3rem; }
.meta, .fine { color: #333; font-size: .9rem; }
.name-line { margin: .6rem 0 0; }
table { border-collapse: collapse; margin: .3rem 1.2rem .6rem 0; break-inside: avoid; display: inline-table;
        vertical-align: top; }
th, td { border: 1px solid #777; padding: .2rem .5rem; text-align: right; font-variant-numeric: tabular-nums; }
th { background: #eee; font-weight: 600; }
caption { text-align: left; font-weight: 600; padding-bottom: .2rem; }
td.blank { min-width: 6.5rem; height: 1.8rem; background: #fff; text-align: left; vertical-align: bottom;
           border: 2px solid #111; }
td.blank .no { font-size: .7rem; color: #444; vertical-align: top; }
td.answer { font-weight: 700; border: 2px solid #111; }
svg.network { max-width: 100%; height: auto; display: block; margin: .2rem 1rem .6rem 0; }
.givens { display: flex; flex-wrap: wrap; align-items: flex-start; }
.givens > div { flex: 1 1 18rem; }
svg .edge { stroke: #444; stroke-width: 1.4; }
svg .neuron { fill: #fff; stroke: #111; stroke-width: 1.8; }
svg text { font-family: inherit; text-anchor: middle; fill: #111; }
svg .name { font-size: 14px; font-weight: 700; }
svg .weight { font-size: 11px; paint-order: stroke; stroke: #fff; stroke-width: 4px; }
svg .below { font-size: 12px; }
svg .layer { font-size: 12px; fill: #444; }
.rules { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; align-items: baseline; }
.rules .words { color: #333; }
math { font-size: 1.05em; }
ol.key-list { padding-left: 1.5rem; }
.screen-bar { border: 1px solid #bbb; background: #f4f6f8; padding: .6rem .8rem; border-radius: 6px;
              margin-bottom: 1rem; }
.screen-bar form { display: inline-flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .2rem 0; }
.screen-bar fieldset { border: 0; padding: 0; margin: 0; display: inline-flex; gap: .5rem; flex-wrap: wrap; }
.screen-bar button { font: inherit; padding: .3rem .8rem; cursor: pointer; }
.screen-bar input[type=number] { width: 6rem; font: inherit; }
.screen-bar .link { width: 100%; font: inherit; font-size: .85rem; }
.notice { color: #8a3b00; }
.key { border-top: 3px double #111; margin-top: 2rem; padding-top: .5rem; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 14pt; } h2 { font-size: 11.5pt; margin: .7rem 0 .3rem; } h3 { margin: .4rem 0 .2rem; }
  td.blank { height: 1.6rem; }
  .screen-bar { display: none; }
  .key { break-before: page; page-break-before: always; border-top: 0; margin-top: 0; padding-top: 0; }
  h2, h3 { break-after: avoid; }
  svg.network { break-inside: avoid; }
}
"""


def _math(tex: str) -> str:
    return formula(tex, False)


def _cell(ws, q, numbers: dict, key: bool) -> str:
    label = escape(quantity_words(ws, q))
    if not q.blank:
        return f'<td title="{label}">{number(q.value)}</td>'
    no = numbers[(q.kind, q.layer, q.row, q.col)]
    if key:
        return f'<td class="answer" title="{label}">{number(q.value)} <span class="no">({no})</span></td>'
    return f'<td class="blank" aria-label="blank {no}: {label}"><span class="no">({no})</span></td>'


def _by(ws: Worksheet) -> dict:
    return {(q.kind, q.layer, q.row, q.col): q for q in ws.quantities}


def _neuron_table(ws, l, columns, numbers, key) -> str:
    by = _by(ws)
    head = "".join(f"<th>{KIND_WORDS[k]}</th>" for k in columns)
    rows = "".join(f"<tr><th>{escape(name(ws, l, i))}</th>"
                   + "".join(_cell(ws, by[(k, l, i, None)], numbers, key) for k in columns) + "</tr>"
                   for i in range(ws.sizes[l]))
    return f"<table><caption>{layer_words(ws, l)}</caption><tr><th>neuron</th>{head}</tr>{rows}</table>"


def _weight_table(ws, l, kind, numbers, key, caption) -> str:
    """Rows: the neurons of layer l (to); columns: those of layer l − 1 (from)."""
    by = _by(ws)
    head = "".join(f"<th>{escape(name(ws, l - 1, j))}</th>" for j in range(ws.sizes[l - 1]))
    rows = []
    for i in range(ws.sizes[l]):
        if kind == "given":
            cells = "".join(f"<td>{number(ws.W[l][i][j])}</td>" for j in range(ws.sizes[l - 1]))
            cells += f"<td>{number(ws.b[l][i])}</td>"
        else:
            cells = "".join(_cell(ws, by[(kind, l, i, j)], numbers, key) for j in range(ws.sizes[l - 1]))
        rows.append(f"<tr><th>{escape(name(ws, l, i))}</th>{cells}</tr>")
    bias = "<th>b</th>" if kind == "given" else ""
    return (f"<table><caption>{escape(caption)}</caption><tr><th>to \\ from</th>{head}{bias}</tr>"
            f"{''.join(rows)}</table>")


def _step_tables(ws: Worksheet, numbers: dict, key: bool) -> str:
    L = ws.n_layers
    by = _by(ws)
    parts = ["<h3>Forward pass</h3>"]
    parts += [_neuron_table(ws, l, ("z", "a"), numbers, key) for l in range(1, L + 1)]
    loss = by[("loss", 0, 0, None)]
    parts.append(f"<table><caption>The loss</caption><tr><th>C</th>{_cell(ws, loss, numbers, key)}</tr></table>")
    parts.append("<h3>Backward pass</h3>")
    for l in range(L, 0, -1):
        parts.append(_neuron_table(ws, l, ("delta",), numbers, key))
        parts.append(_weight_table(ws, l, "grad", numbers, key, f"∂C/∂w into the {layer_words(ws, l).lower()}"))
    parts.append("<h3>Update</h3>")
    parts += [_weight_table(ws, l, "update", numbers, key, f"w⁺ into the {layer_words(ws, l).lower()}")
              for l in range(1, L + 1)]
    return "".join(parts)


def _key_list(ws: Worksheet) -> str:
    rows = []
    for k, q in enumerate(ws.blanks, start=1):
        low, high = accepted(q.value)
        exact = "" if abs(q.value) >= 5 * 10 ** -(DIGITS + 1) or q.value == 0 else f" (exactly {q.value:.3g})"
        rows.append(f"<tr><td>{k}</td><td>{_math(quantity_tex(ws, q))}</td><td>{escape(quantity_words(ws, q))}</td>"
                    f"<td><b>{number(q.value)}</b>{escape(exact)}</td>"
                    f"<td>{number(low)} to {number(high)}</td></tr>")
    return ("<table class=\"key-table\"><caption>The blanks</caption><tr><th>No.</th><th>symbol</th><th>what</th>"
            f"<th>answer</th><th>accepted</th></tr>{''.join(rows)}</table>")


def _controls_html(ws: Worksheet, c: Controls) -> str:
    hidden = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(str(v))}">' for k, v in c.hidden)
    method = "post" if c.method == "post" else "get"
    enctype = ' enctype="multipart/form-data"' if method == "post" else ""
    form = f'<form method="{method}" action="{escape(c.action)}"{enctype}'
    boxes = "".join(f'<label><input type="checkbox" name="kinds" value="{k}"{" checked" * (k in ws.kinds)}> '
                    f"{escape(KIND_WORDS[k])}</label>" for k in KINDS)
    notices = "".join(f'<p class="notice">{escape(n)}</p>' for n in c.notices)
    link = ""
    if c.link:
        link = (f'<p><label>{escape(c.link_note or "A link to this worksheet")}<br>'
                f'<input class="link" type="text" readonly value="{escape(c.link)}"></label></p>')
    return (
        '<div class="screen-bar" role="region" aria-label="Worksheet controls (not printed)">'
        f"{notices}"
        '<p><button type="button" id="print-sheet">Print…</button> '
        "The printout has the worksheet, then the answer key on a page of its own.</p>"
        f'{form} id="sheet-choice">{hidden}'
        f'<label>Blanks <input type="number" name="blanks" min="1" max="100" value="{ws.asked}"></label>'
        f'<fieldset><legend class="fine">Kinds</legend>{boxes}</fieldset>'
        f'<label>Worksheet no. <input type="number" name="ws" min="0" value="{ws.seed}"></label>'
        '<button type="submit">Make this worksheet</button></form>'
        f'{form}>{hidden}<input type="hidden" name="ws" value="{ws.seed + 1}">'
        f'<input type="hidden" name="blanks" value="{ws.asked}">'
        + "".join(f'<input type="hidden" name="kinds" value="{k}">' for k in ws.kinds)
        + '<button type="submit" id="other-blanks">Other blanks</button></form> '
        f'{form}>{hidden}<input type="hidden" name="ws" value="{ws.seed}">'
        f'<input type="hidden" name="blanks" value="{ws.asked}">'
        + "".join(f'<input type="hidden" name="kinds" value="{k}">' for k in ws.kinds)
        + '<input type="hidden" name="format" value="md"><button type="submit" id="markdown">Markdown (.md)</button>'
        "</form>"
        f"{link}</div>"
    )


def html_page(ws: Worksheet, controls: Controls | None = None) -> str:
    """The worksheet and its key as one HTML document (the key printed from a new page)."""
    numbers = blank_numbers(ws)
    given_tables = "".join(_weight_table(ws, l, "given", numbers, False, f"Weights and biases into the "
                                         f"{layer_words(ws, l).lower()}") for l in range(1, ws.n_layers + 1))
    inputs = ", ".join(f"{escape(n)} = {number(v)}" for n, v in zip(ws.input_names, ws.x))
    targets = ", ".join(f"t{_sub(k + 1) if len(ws.t) > 1 else ''} = {number(v)}" for k, v in enumerate(ws.t))
    classes = ""
    if ws.classes:
        classes = " (one per class: " + ", ".join(
            f"{escape(name(ws, ws.n_layers, k))} is {escape(c)}" for k, c in enumerate(ws.classes)) + ")"
    rules = "".join(f'<div class="words">{escape(words)}</div><div>{_math(tex)}</div>' for words, tex in rules_tex(ws))
    said = "".join(f'<p class="fine">{escape(s)}</p>' for s in notes(ws))
    title = escape(heading(ws))
    bar = _controls_html(ws, controls) if controls is not None else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style>"
        f'<script src="{PRINT_SCRIPT}" defer></script></head><body>'
        f"{bar}"
        '<main class="sheet">'
        f"<h1>{title}</h1>"
        f'<p class="meta">{escape(subtitle(ws))}</p>'
        '<p class="name-line">Name: ________________________ &nbsp; Date: ____________</p>'
        "<h2>The network</h2>"
        f'<div class="givens">{network_svg(ws)}<div>'
        f"<p>Inputs: {inputs}. Target: {targets}{classes}. Learning rate η = {ws.learning_rate:g}.</p>"
        f"{given_tables}</div></div>"
        f'<h2>The rules</h2><div class="rules">{rules}</div>{said}'
        "<h2>Fill in the blanks</h2>"
        f"{_step_tables(ws, numbers, False)}"
        "</main>"
        '<section class="key" aria-label="Answer key">'
        f"<h1>Answer key · worksheet {ws.seed}</h1>"
        f'<p class="meta">{escape(subtitle(ws))}</p>'
        f'<p class="fine">{escape(key_rule())}</p>'
        f"{_key_list(ws)}"
        "<h2>Every number of the step</h2>"
        f"{_step_tables(ws, numbers, True)}"
        "</section></body></html>\n"
    )


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = set("\\`*_{}[]()<>#+-.!|$~&")


def md_text(text: str) -> str:
    """A person's text, safe in Markdown and outside maths: each special character escaped, line breaks spaces."""
    text = " ".join(str(text).split())
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def _md_cell(ws, q, numbers, key) -> str:
    if not q.blank:
        return f"${tex_number(q.value)}$"
    no = numbers[(q.kind, q.layer, q.row, q.col)]
    return f"**${tex_number(q.value)}$** ({no})" if key else f"\\_\\_\\_\\_\\_\\_\\_\\_ ({no})"


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * len(head)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _md_step(ws, numbers, key) -> str:
    L, by = ws.n_layers, _by(ws)
    parts = ["### Forward pass"]
    for l in range(1, L + 1):
        rows = [[f"${tex_name(ws, l, i)}$"] + [_md_cell(ws, by[(k, l, i, None)], numbers, key) for k in ("z", "a")]
                for i in range(ws.sizes[l])]
        parts.append(f"{layer_words(ws, l)}\n\n" + _md_table(["neuron", "$z$", "$a$"], rows))
    parts.append("The loss: $C$ = " + _md_cell(ws, by[("loss", 0, 0, None)], numbers, key))
    parts.append("### Backward pass")
    for l in range(L, 0, -1):
        rows = [[f"${tex_name(ws, l, i)}$", _md_cell(ws, by[("delta", l, i, None)], numbers, key)]
                for i in range(ws.sizes[l])]
        parts.append(f"{layer_words(ws, l)}\n\n" + _md_table(["neuron", r"$\delta$"], rows))
        parts.append(_md_weights(ws, l, "grad", numbers, key, rf"$\partial C/\partial w$ into the {layer_words(ws, l).lower()}"))
    parts.append("### Update")
    parts += [_md_weights(ws, l, "update", numbers, key, f"$w^+$ into the {layer_words(ws, l).lower()}")
              for l in range(1, L + 1)]
    return "\n\n".join(parts)


def _md_weights(ws, l, kind, numbers, key, caption) -> str:
    by = _by(ws)
    head = ["to \\\\ from"] + [f"${tex_name(ws, l - 1, j)}$" for j in range(ws.sizes[l - 1])]
    rows = []
    for i in range(ws.sizes[l]):
        if kind == "given":
            cells = [f"${tex_number(ws.W[l][i][j])}$" for j in range(ws.sizes[l - 1])] + [f"${tex_number(ws.b[l][i])}$"]
        else:
            cells = [_md_cell(ws, by[(kind, l, i, j)], numbers, key) for j in range(ws.sizes[l - 1])]
        rows.append([f"${tex_name(ws, l, i)}$", *cells])
    return f"{caption}\n\n" + _md_table(head + (["$b$"] if kind == "given" else []), rows)


def markdown(ws: Worksheet, link: str = "") -> str:
    """The worksheet and its key as Markdown with `$…$` maths; the key after a page break."""
    numbers = blank_numbers(ws)
    inputs = ", ".join(f"${tex_name(ws, 0, j)} = {tex_number(v)}$" for j, v in enumerate(ws.x))
    targets = ", ".join(f"$t_{{{k + 1}}} = {tex_number(v)}$" if len(ws.t) > 1 else f"$t = {tex_number(v)}$"
                        for k, v in enumerate(ws.t))
    classes = ""
    if ws.classes:
        classes = " (one per class: " + ", ".join(
            f"${tex_name(ws, ws.n_layers, k)}$ is {md_text(c)}" for k, c in enumerate(ws.classes)) + ")"
    names = ""
    if any(n != f"x{_sub(j + 1)}" for j, n in enumerate(ws.input_names)):
        names = " Inputs: " + ", ".join(f"${tex_name(ws, 0, j)}$ is {md_text(n)}" for j, n in enumerate(ws.input_names)) + "."
    blanks = []
    for k, q in enumerate(ws.blanks, start=1):
        low, high = accepted(q.value)
        blanks.append([str(k), f"${quantity_tex(ws, q)}$", f"**${tex_number(q.value)}$**",
                       f"${tex_number(low)}$ to ${tex_number(high)}$"])
    parts = [
        f"# {md_text(heading(ws))}",
        md_text(subtitle(ws)),
        "Name: \\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_ Date: \\_\\_\\_\\_\\_\\_\\_\\_\\_\\_",
        "## The network",
        f"Inputs: {inputs}. Target: {targets}{classes}. Learning rate $\\eta = {ws.learning_rate:g}$.{names}",
        "\n\n".join(_md_weights(ws, l, "given", numbers, False, f"Weights and biases into the {layer_words(ws, l).lower()}")
                    for l in range(1, ws.n_layers + 1)),
        "## The rules",
        "\n".join(f"- {md_text(words)}: ${tex}$" for words, tex in rules_tex(ws)),
        "\n\n".join(md_text(s) for s in notes(ws)),
        "## Fill in the blanks",
        _md_step(ws, numbers, False),
    ]
    if link:
        parts.append(f"This worksheet: <{link}>")
    parts += [
        '<div style="break-before: page; page-break-before: always;"></div>',
        f"# Answer key · worksheet {ws.seed}",
        md_text(key_rule()),
        _md_table(["No.", "symbol", "answer", "accepted"], blanks),
        "## Every number of the step",
        _md_step(ws, numbers, True),
    ]
    return "\n\n".join(parts) + "\n"

