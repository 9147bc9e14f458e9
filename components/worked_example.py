"""The worked-example table: every published number of the classic walk-through
beside the value this app's engine computes for it, marked ✓ or ✗ as text
(never by colour alone).

Layout only: the comparison is engine.worked_example.computed_values, and the
styling is the app's CSS: classes "worked-table", "worked-caption", "worked-section"
(a section's heading row), "match" / "mismatch" (a value's row), "worked-note" (why a
published value differs), and on cells "worked-number" and "mark" (not "number": the numbers panel uses that class).
"""

import math

from dash import html

from engine.presets import worked_example
from engine.worked_example import computed_values

from .numbers import MINUS

CAPTION = (
    "Published numbers from the classic step-by-step worked example of backpropagation with these inputs "
    "and weights; every Backprop Lab value is computed live by this app's engine."
)
HEADER = ("Walk-through", "On the graph", "Backprop Lab", "Published", "✓/✗")


def nine_digits(value: float) -> str:
    """Nine significant digits, trailing zeros kept, so ours reads digit for digit against the published."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:#.9g}".replace("-", MINUS)


def _row(row) -> html.Tr:
    mark = "✓" if row.matches else "✗"
    hint = (
        f"agrees to the {row.decimals} published decimals"
        if row.matches
        else f"does not round to the {row.decimals} published decimals"
    )
    return html.Tr(
        className="match" if row.matches else "mismatch",
        children=[
            html.Td(row.name),
            html.Td(row.graph_name),
            html.Td(nine_digits(row.computed), className="worked-number"),
            html.Td(row.published, className="worked-number"),
            html.Td(mark, title=hint, className="mark"),
        ],
    )


def _body(rows) -> list:
    body, section = [], None
    for row in rows:
        if row.section != section:
            section = row.section
            body.append(html.Tr(html.Th(section, colSpan=len(HEADER), scope="colgroup"), className="worked-section"))
        body.append(_row(row))
        if row.note:
            body.append(html.Tr(html.Td(row.note, colSpan=len(HEADER)), className="worked-note"))
    return body


def worked_example_table(state=None) -> html.Table:
    """The table for `state` (a 2-2-2 lab state; the worked_example preset when None).

    Raises engine.LabInputError for any other shape.
    """
    rows = computed_values(worked_example() if state is None else state)
    return html.Table(
        className="worked-table",
        children=[
            html.Caption(CAPTION, className="worked-caption"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in HEADER])),
            html.Tbody(_body(rows)),
        ],
    )
