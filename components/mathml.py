"""The Equations tab as HTML with MathML, made on the server.

Browsers draw MathML themselves (MathML Core), so the page needs no TeX typesetter and no
Markdown reader: Dash's Markdown with MathJax took 680 KB compressed and over 2 MB of script
to read, more than all the rest of the page. Here the Markdown the equations module writes
becomes HTML (markdown-it, CommonMark with tables; any HTML in the text comes out escaped), and
each formula becomes a <math> element (latex2mathml). The page puts the result in place as it
is (assets/clientside.js, showEquations).

The one thing latex2mathml cannot lay out is `aligned` (its `&` and `\\\\` mean nothing in
MathML Core), so those rows become an `mtable` here, each cell converted on its own, the
columns aligned by the style sheet (`mtable.aligned`).
"""

import re
from functools import lru_cache
from html import escape

from latex2mathml.converter import convert
from markdown_it import MarkdownIt

# Display maths between lines holding only `$$`, inline maths between single `$` (components/tex.py).
_MATH = re.compile(r"\$\$\n(?P<display>.*?)\n\$\$|\$(?P<inline>[^$\n]+)\$", re.DOTALL)
_ALIGNED = re.compile(r"^\\begin\{aligned\}\n?(?P<body>.*?)\n?\\end\{aligned\}$", re.DOTALL)
_RAW = re.compile(r"\\text\{([^{}]*)\}|(?<!\\)&")  # what latex2mathml would write out unescaped
# TeX reads a + or − at the start, after an opening bracket or a relation as a sign; MathML Core
# takes an operator in the middle of a row as one between two terms ("σ( + 0.487)"), so a signed
# number there becomes a group of its own, where its sign is first.
_SIGN = re.compile(r"(^\s*|[(\[=,]\s*)([+\u2212-]\d[\d.]*)")
_OUTER = re.compile(r"^<math[^>]*>(?P<inner>.*)</math>$", re.DOTALL)
# A formula waits in the text as a private-use mark around its number, which Markdown leaves alone.
_HELD = re.compile("\ue000(\\d+)\ue001")
_HELD_MARKS = re.compile("[\ue000\ue001]")
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def _inner(tex: str) -> str:
    """The MathML of a formula without its <math> element (an empty row for an empty one).

    latex2mathml writes the text of `\\text{…}` and a lone `&` as they are, so those are escaped
    first: no text in a formula can become markup."""
    if not tex.strip():
        return "<mrow></mrow>"
    def escaped(match) -> str:
        return r"\&" if match.group(1) is None else r"\text{" + escape(match.group(1), quote=False) + "}"
    tex = _SIGN.sub(r"\1{\2}", _RAW.sub(escaped, tex))
    return _OUTER.match(convert(tex)).group("inner")


def _aligned(body: str) -> str:
    """`aligned` as a table: one row per `\\\\`, one cell per `&`. A cell that starts with a
    relation ("= ...") gets an empty term before it, as TeX's `&=` does, so "=" is spaced as
    an operator between two terms."""
    rows = []
    for line in re.split(r"\\\\", body):
        cells = [cell.strip() for cell in line.split("&")]
        tds = "".join(f"<mtd>{_inner('{}' + cell if i else cell)}</mtd>" for i, cell in enumerate(cells))
        rows.append(f"<mtr>{tds}</mtr>")
    return f'<mtable class="aligned">{"".join(rows)}</mtable>'


@lru_cache(maxsize=4096)  # a step changes a few numbers; most formulas come back as they were
def formula(tex: str, display: bool) -> str:
    """One formula as a <math> element."""
    aligned = _ALIGNED.match(tex.strip()) if display else None
    inner = _aligned(aligned.group("body")) if aligned else _inner(tex)
    return f'<math display="{"block" if display else "inline"}">{inner}</math>'


def equations_html(text: str) -> str:
    """Markdown with `$$…$$` (on lines of their own) and `$…$` maths, as HTML with MathML."""
    formulas = []

    def hold(match) -> str:
        display = match.group("display")
        formulas.append(formula(display, True) if display is not None else formula(match.group("inline"), False))
        return f"\ue000{len(formulas) - 1}\ue001"

    body = _MARKDOWN.render(_MATH.sub(hold, _HELD_MARKS.sub("", text)))
    return _HELD.sub(lambda match: formulas[int(match.group(1))], body)
