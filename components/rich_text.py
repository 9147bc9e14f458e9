"""Short texts with paragraphs and **bold**, as Dash components.

The page has no Markdown reader: the Equations tab comes as HTML made on the server
(components/mathml.py), and the tour's steps and the cost panels need no more than this.
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
