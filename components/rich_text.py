"""Short texts with paragraphs and **bold**, as Dash components.

The page keeps dcc.Markdown for typeset maths only (the Equations tab). Its MathJax, about
2 MB of script, loads as soon as any Markdown with mathjax=True is on the page, so none is
there until equations are shown; and a Markdown without MathJax drawn before the first one
with it makes MathJax measure a copy React has already replaced (NaN sizes in the console).
The tour's steps and the cost panels need no more than this.
"""

import re

from dash import html

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _line(text: str) -> list:
    parts = _BOLD.split(text)  # odd positions are the bold runs
    return [html.B(part) if i % 2 else part for i, part in enumerate(parts) if part]


def rich_text(text: str) -> list:
    """One html.P per paragraph (separated by a blank line), with **bold** runs as html.B."""
    return [html.P(_line(paragraph.strip())) for paragraph in text.split("\n\n") if paragraph.strip()]
