"""The blame game: where one neuron's blame δ comes from and whom it hands it to.

A neuron's δ = ∂C/∂z arrives from the next layer as Σ_k w_k·δ_k, times its own slope f′(z)
(from the loss, for an output: ∂C/∂o·f′(z), or o − t in one go where the engine starts from z,
cross-entropy after a sigmoid or a softmax). It is then handed back: each incoming weight gets
a_in·δ = ∂C/∂w, so the most active upstream neuron takes the most blame, and each upstream
neuron receives w·δ towards its own δ. Across layers the mean |δ| shows blame fading on
its way back to the inputs.

Numbers, plain-dict Plotly figures and sentences, all from the passes the network graph shows
(equations.shown_passes), so they equal the graph's numbers. Not here: callbacks, Dash
components, or any arithmetic the engine does not already do (a_in·δ and w·δ are its own
terms, taken one at a time).
"""

import numpy as np

from engine import uses_logits  # the engine's own test, as in equations.py

from . import palette
from .charts import axis, base_layout
from .equations import output_slope, shown_passes, softmax_output
from .network_view import layer_title, neuron_name
from .numbers import num, sub

NOT_YET = "Step to the backward phase to see the blame"


def blame_terms(state, layer: int, index: int) -> dict:
    """The blame of neuron `index` of `layer` (1 … L) on the example shown, whatever the phase.

    incoming: (next-layer neuron, w·δ) — the terms whose sum, times f′(z), is δ; empty for an output.
    delta: the neuron's δ = ∂C/∂z.
    outgoing: (upstream neuron j, a_j·δ) — ∂C/∂W[layer][index, j] of the data loss (the edge's
      gradient, which with weight decay λ also adds λw).
    passed_back: (upstream neuron j, W[layer][index, j]·δ) — this neuron's part of j's Σ w·δ.
    """
    L = state.spec.n_layers
    if not 1 <= layer <= L or not 0 <= index < state.spec.sizes[layer]:
        raise ValueError(f"No neuron {index} in layer {layer}: blame belongs to layers 1 … {L}.")
    params, passes, _ = shown_passes(state)
    d = float(passes.bwd.delta[layer][0, index])
    incoming = []
    if layer < L:
        w_next, d_next = params.W[layer + 1][:, index], passes.bwd.delta[layer + 1][0]
        incoming = [(neuron_name(layer + 1, k, L), float(w_next[k] * d_next[k])) for k in range(len(d_next))]
    a_in, w = passes.fwd.a[layer - 1][0], params.W[layer][index]
    upstream = [neuron_name(layer - 1, j, L) for j in range(len(a_in))]
    return {
        "incoming": incoming,
        "delta": d,
        "outgoing": [(name, float(a_in[j] * d)) for j, name in enumerate(upstream)],
        "passed_back": [(name, float(w[j] * d)) for j, name in enumerate(upstream)],
    }


def layer_blame(state) -> list[tuple[str, float]]:
    """(layer title, mean |δ| over its neurons) for layers 1 … L on the example shown."""
    _, passes, _ = shown_passes(state)
    L = state.spec.n_layers
    return [(layer_title(l, L), float(np.mean(np.abs(passes.bwd.delta[l][0])))) for l in range(1, L + 1)]


def _revealed(state, layer: int) -> bool:
    return 1 <= layer and layer >= state.cursor.revealed().backward_from


def _message_figure(text: str) -> dict:
    layout = base_layout(
        xaxis={"visible": False}, yaxis={"visible": False},
        annotations=[{"text": text, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
                      "font": {"color": palette.MUTED, "size": 15}}],
    )
    return {"data": [], "layout": layout}


def _arriving(state, layer: int, index: int, terms: dict) -> tuple[list, list, str]:
    """The top group: (labels, values, heading). A hidden neuron's w·δ from each next neuron;
    an output's ∂C/∂o from the loss. Either way the last bar is δ itself."""
    L = state.spec.n_layers
    name = neuron_name(layer, index, L)
    d = terms["delta"]
    if layer < L:
        labels = [n for n, _ in terms["incoming"]] + ["δ = Σ·f′(z)"]
        return labels, [v for _, v in terms["incoming"]] + [d], "Blame arriving (w·δ from the next layer)"
    # From logits the engine computes δ in one go (σ(z) − t, p − t): no separate ∂C/∂o and f′ to show.
    if softmax_output(state.spec):
        return [f"δ = {name} − t{sub(index + 1)}"], [d], "Blame arriving from the loss"
    if uses_logits(state.spec):
        n_out = state.spec.sizes[-1]  # BCE is averaged over the outputs
        return [f"δ = {name} − t" if n_out == 1 else f"δ = ({name} − t)/{n_out}"], [d], "Blame arriving from the loss"
    _, passes, _ = shown_passes(state)
    labels = [f"∂C/∂{name}", "δ = ∂C/∂o·f′"]
    return labels, [output_slope(state, passes, index), d], "Blame arriving from the loss"


# Heights in rows (one bar = 1): a group's heading, its axis title and the gap between the groups.
_HEAD, _AXIS, _GAP = 1.3, 1.1, 0.5
_PX_PER_ROW = 30
_LABELS_PX = 104  # room for the neuron names left of the bars: fixed, so the headings can start at the edge
_LAYER_AXIS_PX = 70  # the same for the per-layer chart's y axis


def _units(n_top: int, n_bottom: int) -> float:
    return 2 * _HEAD + 2 * _AXIS + _GAP + n_top + n_bottom


def _domains(n_top: int, n_bottom: int) -> tuple[list, list, float]:
    """Vertical domains of the two bar groups, each as tall as its bars, and where the second
    group's heading sits (paper y)."""
    u = _units(n_top, n_bottom)
    top = [1 - (_HEAD + n_top) / u, 1 - _HEAD / u]
    bottom = [_AXIS / u, (_AXIS + n_bottom) / u]
    return top, bottom, bottom[1] + 0.15 / u


def _heading(text: str, y: float, anchor: str) -> dict:
    """A group's heading, from the figure's left edge (a centred axis title would be clipped in a side panel)."""
    return {"text": text, "showarrow": False, "x": 0, "y": y, "xref": "paper", "yref": "paper",
            "xanchor": "left", "yanchor": anchor, "xshift": 4 - _LABELS_PX, "font": {"size": 14, "color": palette.INK}}


def _bars(labels, values, xaxis: str, yaxis: str, highlight_last: bool) -> dict:
    """Horizontal blame bars with their signed values printed beside them: inside a vermillion bar
    neither white (3.9:1) nor the dark theme's ink reaches the 4.5:1 small text needs."""
    n = len(values)
    width = [0] * n
    if highlight_last:  # δ itself: outlined, so it reads as the result of the terms above it
        width[-1] = 2.5
    return {
        "type": "bar", "orientation": "h", "x": values, "y": labels, "xaxis": xaxis, "yaxis": yaxis,
        "marker": {"color": palette.BLAME, "line": {"color": palette.INK, "width": width}},
        "text": [num(v, True) for v in values], "textposition": "outside", "constraintext": "none",
        "cliponaxis": False,
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }


def blame_figure(state, layer: int, index: int) -> dict:
    """Bars of the blame arriving at the neuron and the blame it hands to each input.

    Top: w·δ from each next-layer neuron (for an output, ∂C/∂o from the loss) and δ itself.
    Bottom: a_in·δ = ∂C/∂w for each incoming weight. Both on one signed scale, in the blame colour;
    every bar carries its value, so the axes need no tick labels. Lay it out at
    blame_figure_height(...) pixels or more. A message instead while δ is not revealed.
    """
    if layer == 0:
        return _message_figure("An input is data: it takes no blame")
    if not _revealed(state, layer):
        return _message_figure(NOT_YET)
    terms = blame_terms(state, layer, index)
    top_labels, top_values, top_title = _arriving(state, layer, index, terms)
    bottom_labels = [n for n, _ in terms["outgoing"]]
    bottom_values = [v for _, v in terms["outgoing"]]
    # One symmetric range for both groups, so bar lengths compare; room beyond for values printed outside.
    reach = max(max(map(abs, top_values + bottom_values)), 1e-12) * 1.8
    top, bottom, second_head = _domains(len(top_values), len(bottom_values))
    x_common = {"range": [-reach, reach], "zeroline": True, "zerolinecolor": palette.LINE, "zerolinewidth": 1.5,
                "fixedrange": True, "showticklabels": False, "nticks": 5}
    y_common = {"autorange": "reversed", "fixedrange": True, "showgrid": False, "automargin": False}
    if layer < state.spec.n_layers:
        top_axis = "w·δ, δ"
    else:
        top_axis = "δ = ∂C/∂z" if uses_logits(state.spec) else "∂C/∂o, δ"
    bottom_axis = "a_in·δ = ∂C/∂w"
    layout = base_layout(
        margin={"l": _LABELS_PX, "r": 12, "t": 4, "b": 4},
        bargap=0.3,
        xaxis=axis(top_axis, anchor="y", **x_common),
        yaxis=axis("", domain=top, **y_common),
        xaxis2=axis(bottom_axis, anchor="y2", **x_common),
        yaxis2=axis("", domain=bottom, **y_common),
        annotations=[_heading(top_title, 1, "top"), _heading("Blame handed to each input (a_in·δ = ∂C/∂w)",
                                                             second_head, "bottom")],
    )
    for name in ("xaxis", "xaxis2"):
        layout[name]["title"]["standoff"] = 2
        layout[name]["title"]["font"] = {"size": 13, "color": palette.MUTED}
    data = [_bars(top_labels, top_values, "x", "y", highlight_last=True),
            _bars(bottom_labels, bottom_values, "x2", "y2", highlight_last=False)]
    return {"data": data, "layout": layout}


def blame_figure_height(state, layer: int, index: int) -> int:
    """A height in pixels at which blame_figure reads comfortably (about 30 px a bar)."""
    if layer == 0 or not _revealed(state, layer):
        return 160
    L = state.spec.n_layers
    n_top = state.spec.sizes[layer + 1] + 1 if layer < L else (1 if uses_logits(state.spec) else 2)
    return round(_PX_PER_ROW * _units(n_top, state.spec.sizes[layer - 1])) + 8


def layer_blame_figure(state) -> dict:
    """Mean |δ| per layer, the inputs' side on the left as on the graph; a log axis when the
    largest is more than 100× the smallest. Layers the blame has not reached show no bar."""
    L = state.spec.n_layers
    start = state.cursor.revealed().backward_from
    if start > L:
        return _message_figure(NOT_YET)
    rows = layer_blame(state)
    names = [layer_title(l, L, short=True) for l in range(1, L + 1)]  # "H1" … "Out": fit a side panel
    values = [v if l >= start else None for l, (_, v) in enumerate(rows, start=1)]
    positive = [v for v in values if v]
    log = bool(positive) and max(positive) > 100 * min(positive)
    bars = {
        "type": "bar", "x": names, "y": [None if (log and v == 0) else v for v in values],
        "marker": {"color": palette.BLAME},
        "text": [num(v) if v is not None else "?" for v in values], "textposition": "outside",
        "constraintext": "none", "cliponaxis": False, "textfont": {"size": 12},
        "hovertemplate": "%{x}: mean |δ| %{text}<extra></extra>",
    }
    layout = base_layout(
        margin={"l": _LAYER_AXIS_PX, "r": 8, "t": 50, "b": 8},
        xaxis=axis("", categoryorder="array", categoryarray=names, fixedrange=True),
        yaxis=axis("mean |δ|" + (" (log)" if log else ""), type="log" if log else "linear", automargin=False,
                   rangemode="tozero", fixedrange=True, exponentformat="power", nticks=4),
        # The title as an annotation: a two-line Plotly title is clipped at the top of a short chart.
        annotations=[{"text": _fading_title(rows, start), "showarrow": False, "align": "left",
                      "x": 0, "xref": "paper", "xanchor": "left", "xshift": 6 - _LAYER_AXIS_PX,
                      "y": 1, "yref": "paper", "yanchor": "bottom", "yshift": 6, "font": {"size": 14}}],
    )
    return {"data": [bars], "layout": layout}


def _titled(title: str, subtitle: str = "") -> str:
    # A smaller second line (Plotly's <sub> is too small to read on a projector).
    return f'{title}<br><span style="font-size:12.5px">{subtitle}</span>' if subtitle else title


def _fading_title(rows, start: int) -> str:
    """Two short lines: what the chart shows, and how much of the output's blame reaches layer 1."""
    if start > 1:
        return _titled("Blame per layer (mean |δ|)", "not reached yet: " + ", ".join(n for n, _ in rows[: start - 1]))
    if len(rows) < 2 or rows[-1][1] == 0:
        return _titled("Blame per layer (mean |δ|)")
    ratio = rows[0][1] / rows[-1][1]
    if ratio == 0:  # e.g. a layer of dead ReLUs on the way: the blame stops there
        return _titled("No blame reaches the inputs' side", f"mean |δ| in {rows[0][0]} is 0")
    if ratio >= 1:
        return _titled("Blame per layer (mean |δ|)", f"{rows[0][0]} gets {ratio:.2g}× the output's")
    times = f"{1 / ratio:,.0f}" if ratio < 0.1 else f"{1 / ratio:.2g}"
    return _titled("Blame fades toward the inputs", f"mean |δ|: {rows[0][0]} gets 1/{times} of the output's")


def _softmax_words(state, passes, k: int, d: float) -> str:
    """An output's δ = p − t in words: the probability it gave its class against the target."""
    L, names = state.spec.n_layers, state.data.class_names()
    p, t = float(passes.fwd.a[L][0, k]), float(passes.y[0, k])
    name = neuron_name(L, k, L)
    what = f"class {names[k]}" if len(names) == state.spec.sizes[-1] else "its class"
    if not np.isclose(np.sum(passes.y[0]), 1.0, rtol=0, atol=1e-12):  # not one class: δ = p·Σt − t
        return f"{name} gave {what} a probability of {num(p)}; its share of the blame is δ = {num(d, True)}."
    return (f"{name} gave {what} a probability of {num(p)} where the target is {num(t)}, so its share of the "
            f"blame is δ = {num(p)} − {num(t)} = {num(d, True)}.")


def blame_note(state, layer: int, index: int) -> str:
    """One or two sentences with the numbers: the neuron's δ and which upstream neuron takes
    the most blame, and why (it was the most active)."""
    L = state.spec.n_layers
    name = neuron_name(layer, index, L)
    if layer == 0:
        return f"{name} is an input: data takes no blame, only weights and biases do."
    if not _revealed(state, layer):
        return NOT_YET + "."
    terms = blame_terms(state, layer, index)
    _, passes, _ = shown_passes(state)
    a_in = passes.fwd.a[layer - 1][0]
    d = terms["delta"]
    first = f"{name}'s share of the blame is δ = {num(d, True)}."
    if layer == L and softmax_output(state.spec):
        first = _softmax_words(state, passes, index, d)
    if d == 0:
        return first + " With no blame of its own, it hands none to its weights."
    order = np.argsort(-np.abs(a_in), kind="stable")
    top = int(order[0])
    if a_in[top] == 0:
        return first + " Every input into it was 0, so none of its weights takes any blame."
    src = neuron_name(layer - 1, top, L)
    why = f"it was the most active input (a = {num(float(a_in[top]))}, the largest |a|"
    if len(order) > 1:
        runner = int(order[1])
        why += f"; next {neuron_name(layer - 1, runner, L)}: {num(float(a_in[runner]))}"
    return first + f" The weight from {src} takes the most, ∂C/∂w = {num(terms['outgoing'][top][1], True)}: {why})."
