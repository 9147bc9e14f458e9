"""Two lessons in counting, for the network on show: why backpropagation runs in
reverse, and why nobody trains a network by trying every combination of weights.

The counts come from engine.teaching (mode_costs, brute_force); this module only
words them and draws them: a plain-dict Plotly bar chart, short markdown texts
and a Dash table. Counts, not timings: times are counts divided by an assumed
rate of a billion operations a second, never measured.
"""

import math

from dash import html

from engine import validate
from engine.teaching import brute_force, mode_costs

from . import palette
from .charts import axis, base_layout

RATE = 1e9  # operations a second: a round, generous figure for one core
CLASSIC_WEIGHTS = (2, 4, 5)
SMALL_ENOUGH_TO_WRITE = 10**7  # below this a count reads best in full: 1,000,000


def check_values_per_weight(values_per_weight) -> int:
    """k, the candidate values tried for each weight: a whole number from 2 to 1,000,000 (else LabInputError)."""
    return validate.integer(values_per_weight, "The number of values per weight", 2, 1_000_000)


def times(ratio: float) -> str:
    """ "4.3×" below ten, "37×" from ten up: enough digits to compare, no more."""
    return f"{ratio:.1f}×" if ratio < 10 else f"{ratio:,.0f}×"


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def ten_to(e: int) -> str:
    """10 to the power e as it is printed: 10¹²."""
    return "10" + str(e).translate(SUPERSCRIPT)


def power_words(n: int) -> str:
    """A whole number a person can read: "1,000,000", "10¹²", "2.3 × 10³¹".

    Exact integer arithmetic: k**n can have tens of thousands of digits, beyond float and str().
    """
    if n < SMALL_ENOUGH_TO_WRITE:
        return f"{n:,}"
    e = int((n.bit_length() - 1) * math.log10(2))  # within one of floor(log10 n)
    while 10**e > n:
        e -= 1
    while 10 ** (e + 1) <= n:
        e += 1
    if n == 10**e:
        return ten_to(e)
    lead = (n + 5 * 10 ** (e - 3)) // 10 ** (e - 2)  # three significant digits, rounded
    if lead == 1000:  # 9.995… rounds up to the next power
        lead, e = 100, e + 1
    mantissa = f"{lead // 100}.{lead % 100:02d}".rstrip("0").rstrip(".")
    return f"{mantissa} × {ten_to(e)}"


def _readable(words: str) -> str:
    """BruteForce.words() with its scientific notation ("3.17e+94 years") written as 3.17 × 10⁹⁴."""
    number, _, unit = words.partition(" ")
    if "e" not in number or not number[0].isdigit():
        return words
    mantissa, exponent = number.split("e")
    return f"{mantissa} × {ten_to(int(exponent))} {unit}"


def short_time(seconds: float) -> str:
    """A time below a second in ns, µs or ms."""
    for unit, size in (("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


# ---- Why reverse mode -------------------------------------------------------------------------

_BAR_NAMES = ("Forward mode<br>one tangent<br>per parameter", "Reverse mode<br>(backprop)<br>one adjoint")


def reverse_mode_figure(sizes) -> dict:
    """Multiply-adds for one gradient, forward mode beside reverse mode, on a log axis."""
    c = mode_costs(tuple(sizes))
    ys = [c.forward_mode, c.reverse_mode]
    bar = {
        "type": "bar",
        "x": list(_BAR_NAMES),
        "y": ys,
        "text": [f"{v:,}" for v in ys],
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"size": 16, "color": palette.INK},
        "marker": {"color": [palette.INPUT, palette.BLAME]},
        "hovertemplate": "%{y:,} multiply-adds<extra></extra>",
    }
    # Log-axis ranges are in powers of ten; the headroom keeps the bar text inside the plot.
    top = math.log10(max(ys)) * 1.12 + 0.3
    layout = base_layout(
        title={"text": f"Backprop is {times(c.ratio)} cheaper here", "x": 0.02, "xanchor": "left",
               "font": {"size": 17, "color": palette.INK}},
        margin={"l": 70, "r": 12, "t": 48, "b": 64},
        height=340,
        bargap=0.35,
        # Never rotated: a narrow side panel would otherwise turn the three-line names on their side.
        xaxis={"automargin": True, "tickfont": {"size": 13}, "tickangle": 0, "fixedrange": True},
        yaxis=axis("multiply-adds (log)", type="log", range=[0, top], dtick=1, tickformat=",d",
                   fixedrange=True),
        uirevision="-".join(map(str, sizes)),  # a new shape starts a fresh chart
    )
    return {"data": [bar], "layout": layout}


def reverse_mode_text(sizes) -> str:
    """Markdown, under 80 words: the two counts, what each mode does, the ratio."""
    c = mode_costs(tuple(sizes))
    return (
        f"This network has **{c.n_params:,} parameters**. Forward mode pushes a tangent for every parameter "
        f"through every layer (matrix–matrix products): **{c.forward_mode:,} multiply-adds** for one gradient. "
        f"Reverse mode, backpropagation, pulls one adjoint back (matrix–vector products): "
        f"**{c.reverse_mode:,}**. Both counts include the forward pass. Backprop is **{times(c.ratio)} cheaper** "
        "here, and the gap grows with the number of parameters."
    )


# ---- Why not try every combination ---------------------------------------------------------------


def _search_row(kind: str, what: str, n_weights: int, k: int) -> dict:
    b = brute_force(k, n_weights, RATE)
    # words() reads well from a millisecond up; below that ("4.9e-05 ms") ns and µs read better.
    time = short_time(b.seconds) if b.seconds < 1e-3 else _readable(b.words())
    return {"kind": kind, "what": what, "n_weights": n_weights, "work": f"{power_words(b.combinations)} tries",
            "time": time}


def brute_force_rows(sizes, values_per_weight: int = 1000) -> list[dict]:
    """Rows of {"kind", "what", "n_weights", "work", "time"}, at a billion operations a second.

    kind "classic": 2, 4 and 5 weights (with k = 1,000: 1 ms, 16.7 minutes, 11.6 days);
    "network": every parameter of this network; "backprop": one reverse-mode gradient of it.
    """
    k = check_values_per_weight(values_per_weight)
    c = mode_costs(tuple(sizes))
    rows = [_search_row("classic", f"{n} weights", n, k) for n in CLASSIC_WEIGHTS]
    rows.append(_search_row("network", f"This network: {c.n_params:,} weights and biases", c.n_params, k))
    rows.append({"kind": "backprop", "what": "One backprop gradient of this network", "n_weights": c.n_params,
                 "work": f"{c.reverse_mode:,} multiply-adds", "time": short_time(c.reverse_mode / RATE)})
    return rows


def brute_force_table(sizes, values_per_weight: int = 1000) -> html.Table:
    k = check_values_per_weight(values_per_weight)
    header = html.Tr([html.Th(h, scope="col") for h in ("", "Work", "Time at 10⁹ a second")])
    body = [
        html.Tr([html.Th(r["what"], scope="row"), html.Td(r["work"]), html.Td(r["time"])],
                # Prefixed: the page already styles a class called "network" (the graph's panel).
                className=f"brute-{r['kind']}")
        for r in brute_force_rows(sizes, k)
    ]
    return html.Table(
        className="brute-table",
        children=[
            html.Caption(f"Trying {k:,} values for each weight", className="brute-caption"),
            html.Thead(header),
            html.Tbody(body),
        ],
    )


def brute_force_text(sizes, values_per_weight: int = 1000) -> str:
    """Markdown, under 80 words: the curse of dimensionality, in this network's numbers."""
    k = check_values_per_weight(values_per_weight)
    two, _, five, network, backprop = brute_force_rows(sizes, k)
    return (
        f"Give each weight {k:,} candidate values and try every combination. Two weights take {two['time']} "
        f"at a billion tries a second; five take {five['time']}. This network's "
        f"{network['n_weights']:,} weights and biases would take {network['time']}. Each new weight multiplies "
        f"the work by {k:,}: the curse of dimensionality. One backprop gradient costs "
        f"{backprop['work']}: {backprop['time']}."
    )
