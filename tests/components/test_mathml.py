"""The Equations tab's HTML: every formula of every network and phase becomes well-formed MathML
that keeps its numbers, `aligned` becomes a table, and no text can become markup."""

import html
import re
import xml.etree.ElementTree as ET

import pytest

import engine
from components.equations import equations_markdown, neuron_equations
from components.mathml import equations_html, formula
from components.update_maths import update_markdown
from tests.components.test_equations import NETWORKS, maths, walk
from tests.components.test_update_maths import before_and_after

MATH = re.compile(r"<math\b.*?</math>", re.DOTALL)


def parsed(element: str) -> ET.Element:
    return ET.fromstring(element)  # raises on anything that is not well-formed XML


def text_of(page: str) -> str:
    """What a reader sees: the HTML's text, tags left out, character references read."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def numbers(markdown: str) -> list[str]:
    return re.findall(r"[+\u2212]?\d+\.\d+", markdown)


def check_page(markdown: str) -> None:
    page = equations_html(markdown)
    formulas = MATH.findall(page)
    assert len(formulas) == len(maths(markdown))
    for element in formulas:
        root = parsed(element)
        assert root.tag == "math" and root.get("display") in ("block", "inline")
    assert "\\" not in page and "$" not in page  # every formula was converted, none left as TeX
    shown = text_of(page).replace(" ", "")
    for number in numbers(markdown):
        assert number.lstrip("+\u2212") in shown, number


@pytest.mark.parametrize("name", list(NETWORKS))
def test_every_panel_of_every_phase_is_well_formed_mathml_with_its_numbers(name):
    for state in walk(NETWORKS[name]()):
        for ref in engine.all_refs(state.spec):
            check_page(equations_markdown(state, ref))


@pytest.mark.parametrize("optimizer", tuple(engine.OPTIMIZERS))
def test_every_update_rule_converts(optimizer):
    _, after = before_and_after(optimizer)
    for ref in engine.all_refs(after.spec)[:6]:
        check_page(update_markdown(after, ref, 0.0))


def test_a_subscript_by_hand():
    assert formula("x_{1}", False) == ('<math display="inline"><mrow><msub><mi>x</mi><mrow><mn>1</mn></mrow>'
                                       '</msub></mrow></math>')


def test_aligned_rows_become_a_table_of_terms_and_relations():
    root = parsed(formula("\\begin{aligned}\nz &= 1 + 2 \\\\\n&= 3\n\\end{aligned}", True))
    table = root.find("mtable")
    assert table.get("class") == "aligned"
    rows = table.findall("mtr")
    assert [len(row.findall("mtd")) for row in rows] == [2, 2]
    assert "".join(rows[0][0].itertext()) == "z"
    assert "".join(rows[1][0].itertext()) == ""  # the row starts at the relation
    # "= 3" has an empty term before it, so "=" sits between two terms, as TeX's &= makes it.
    relation = rows[1][1][0]
    assert [child.tag for child in relation][:2] == ["mrow", "mo"] and relation[1].text == "="
    assert "".join(rows[1][1].itertext()) == "=3"


def test_a_signed_number_keeps_its_sign_as_a_sign():
    # +0.487 becomes a group of its own: the "+" is first in its row, so MathML reads it as a prefix.
    for tex in (r"\sigma(+0.487)", "+0.487", r"h = +0.487"):
        root = parsed(formula(tex, False))
        group = [row for row in root.iter("mrow") if "".join(row.itertext()) == "+0.487"]
        assert group and group[-1][0].tag == "mo" and group[-1][0].text == "+", tex
    # Between two terms a sign is an operator, as in TeX.
    root = parsed(formula("2 + 0.487", False))
    assert not [row for row in root.iter("mrow") if "".join(row.itertext()) == "+0.487"]


def test_no_text_becomes_markup():
    page = equations_html("A <script>alert(1)</script> & **bold**\n\n"
                          "$\\text{<img src=x onerror=alert(1)>} a < b & c$ \ue0007\ue001 $x$")
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "&lt;img" in page and "<strong>bold</strong>" in page
    assert len(MATH.findall(page)) == 2
    for element in MATH.findall(page):
        parsed(element)


def test_tables_and_emphasis_are_html():
    page = equations_html("| method | ∂C/∂w |\n|:--|--:|\n| backprop | $+0.125$ |\n\n*A note.*")
    assert "<table>" in page and 'style="text-align:right"' in page and "<em>A note.</em>" in page
    assert text_of(page).count("0.125") == 1


def test_the_softmax_derivation_converts():
    # The output of the three-class lesson at its backward phase: e^z, log, ≠ and the Jacobian's column.
    state = engine.PRESETS["three_classes"].state()
    while state.cursor.revealed().backward_from > state.spec.n_layers:
        state = engine.advance(state)
    markdown = neuron_equations(state, 3, 1)
    check_page(markdown)
    shown = text_of(equations_html(markdown))
    assert "\u2260" in shown and "log" in shown and "Jacobian" in shown
