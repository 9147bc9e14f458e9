"""The worksheet as HTML (well-formed, escaped, printable with the key on its own page) and as Markdown."""

import re
from html.parser import HTMLParser

import pytest

import engine
from components.worksheet import Controls, accepted, html_page, markdown, md_text, number, rules_tex
from engine.losses import LOSSES
from engine.worksheet import KINDS, MAX_BLANKS, make_worksheet, right

VOID = {"meta", "input", "br", "img", "link", "hr", "col", "area", "base", "source", "wbr"}
HOSTILE = 'Ms <b>Li</b> & "class" <script>alert(1)</script> $x$ *bold* | pipe'


class Balance(HTMLParser):
    """Every element closed in order; what scripts and event handlers the page has."""

    def __init__(self):
        super().__init__()
        self.stack, self.problems, self.scripts, self.handlers, self.blanks = [], [], [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [name for name in attrs if name.startswith("on")]
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "td" and "blank" in (attrs.get("class") or "").split():
            self.blanks += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "script" and data.strip():
            self.problems.append("an inline script")


def parsed(page: str) -> Balance:
    checker = Balance()
    checker.feed(page)
    checker.close()
    return checker


def test_the_page_is_well_formed_printable_and_has_no_inline_script():
    ws = make_worksheet(engine.PRESETS["default"].state())
    page = html_page(ws, Controls(hidden=(("lesson", "default"),), link="http://127.0.0.1/worksheet?ws=1"))
    checker = parsed(page)
    assert not checker.problems and not checker.stack
    assert checker.scripts == [{"src": "/worksheet/print.js", "defer": None}] and not checker.handlers
    assert checker.blanks == len(ws.blanks) == 8
    # Printing: no screen controls, the key from a new page.
    style = re.search(r"<style>(.*)</style>", page, re.DOTALL).group(1)
    printed = style[style.index("@media print"):]
    assert ".screen-bar { display: none; }" in printed and "break-before: page" in printed
    assert page.index('<main class="sheet">') < page.index('<section class="key"') and page.count('class="key"') == 1
    # The key has every blank's answer to 4 decimals, and its accepted range.
    key = page[page.index('<section class="key"'):]
    for q in ws.blanks:
        assert f"<b>{number(q.value)}</b>" in key
    sheet = page[page.index("<main"):page.index("</main>")]
    assert "0.4500" not in sheet.split("Fill in the blanks")[1]  # z of h₁ is blank 1: not given away
    assert "within 0.0005 + 0.1% of the key" in key


def test_every_person_written_text_is_escaped():
    state = engine.PRESETS["default"].state().replace(title=HOSTILE[:80])
    ws = make_worksheet(state)
    page = html_page(ws, Controls(notices=(HOSTILE,), link='http://x/"><script>', hidden=(("a\"b", HOSTILE),)))
    checker = parsed(page)
    assert not checker.problems and not checker.stack and len(checker.scripts) == 1 and not checker.handlers
    assert "<b>Li</b>" not in page and "&lt;b&gt;Li&lt;/b&gt;" in page
    text = markdown(ws)
    assert "<b>" not in text and "<script>" not in text and r"\<b\>Li\<" in text
    assert r"\$x\$ \*bold\* \| pipe" in text


def test_markdown_has_latex_maths_blanks_and_the_key_after_a_page_break():
    ws = make_worksheet(engine.PRESETS["default"].state())
    text = markdown(ws, link="http://127.0.0.1/worksheet?ws=1")
    sheet, key = text.split('<div style="break-before: page; page-break-before: always;"></div>')
    assert "| $h_{1}$ | \\_\\_\\_\\_\\_\\_\\_\\_ (1) | \\_\\_\\_\\_\\_\\_\\_\\_ (2) |" in sheet
    assert sheet.count("\\_\\_\\_\\_\\_\\_\\_\\_ (") == len(ws.blanks)
    assert "# Answer key · worksheet 1" in key
    # 0.45 ± (0.0005 + 0.1% · 0.45) = 0.44905 … 0.45095: at 4 decimals, 0.4491 to 0.4509.
    assert "| 1 | $z_{h_{1}}$ | **$0.4500$** | $0.4491$ to $0.4509$ |" in key
    assert r"$\frac{\partial C}{\partial w_{i \to j}} = a_i\, \delta_j$" in sheet
    for line in text.splitlines():  # every formula closed on its line
        assert len(re.findall(r"(?<!\\)\$", line)) % 2 == 0, line


@pytest.mark.parametrize("key", list(engine.PRESETS))
def test_every_lesson_as_html_and_markdown(key):
    state = engine.train_steps(engine.PRESETS[key].state(), 3)
    ws = make_worksheet(state, seed=5, blanks=MAX_BLANKS, kinds=KINDS)
    checker = parsed(html_page(ws, Controls()))
    assert not checker.problems and checker.blanks == len(ws.blanks)
    text = markdown(ws)
    assert text.count("\\_\\_\\_\\_\\_\\_\\_\\_ (") == len(ws.blanks)
    if ws.update_note:
        assert ws.update_note[:40] in text


def test_every_loss_has_its_rules():
    for name in LOSSES:
        state = engine.PRESETS["default"].state()
        spec = {"squared_error": state.spec, "mse": state.spec}.get(name)
        if spec is None:
            continue
        ws = make_worksheet(state.replace(spec=engine.NetworkSpec(spec.sizes, spec.activations, name, "explicit")))
        assert any("loss" in words for words, _ in rules_tex(ws))
    cases = {"bce": "circle", "cross_entropy": "three_classes"}
    for name, lesson in cases.items():
        ws = make_worksheet(engine.PRESETS[lesson].state())
        assert ws.loss == name and dict(rules_tex(ws))["Blame at the output"]


def test_numbers_read_as_on_the_page():
    assert accepted(-0.0163220) == (-0.0168, -0.0159)  # ± 0.000516: −0.016838 … −0.015806
    for value in (0.45, -0.0163220, 12.5, 0.0):
        low, high = accepted(value)
        assert right(low, value) and right(high, value) and not right(low - 1e-4, value) and not right(high + 1e-4, value)
    assert number(-0.00001) == "0.0000" and number(-0.5) == "\u22120.5000" and number(12.34567) == "12.3457"
    assert md_text("a_b*c\n[x](y)") == r"a\_b\*c \[x\]\(y\)"
