"""Every mark and every word on the page stands out from what is behind it, in the light theme and the dark.

WCAG 2's contrast ratio (components.colour_vision.contrast_ratio) is (L1 + 0.05) / (L2 + 0.05), L the
relative luminance: 21 for black on white, 1 for a colour on itself. Text needs 4.5:1; large text
(24 px, or 18.66 px bold) and graphics needed to read a chart (lines, markers, bars, arrows) need 3:1.

Part 1 builds every figure the app draws, from real lessons, and checks each trace, text and annotation
against the plot or map under it. Plotly writes its colours inline; only a stylesheet's !important
declarations beat an inline colour, so the dark theme (assets/theme-dark.css) reaches a figure only
through those, and the test applies them the way a browser matches them: the selectors run on a model
of the elements Plotly draws.

Part 2 lays out the page itself (app.layout, the network's SVG and the components' own elements),
applies Dash's component styles and the two stylesheets with the cascade (!important, specificity,
order, inheritance), and checks the colour of every piece of text against the background it sits on.

Not checked: the gridlines (a reference, not the content), states that last only while the pointer
is over something (:hover), disabled controls (WCAG exempts them), and the value printed inside a
neuron on its lit fill (assets/network.js chooses white or ink from the fill's colour and level;
tests/browser/test_classroom.py checks what it chose on the stage).
"""

import inspect
import json
import re
from functools import cache
from itertools import product
from pathlib import Path

import dash
import numpy as np
import pytest
import soupsieve
from bs4 import BeautifulSoup

import engine
from components import blame, charts, costs, landscape_charts, palette
from components import colour_vision as cv
from engine.surface import surface
from engine.toy_curves import CURVES, descend

ROOT = Path(__file__).resolve().parents[2]
STYLESHEETS = (ROOT / "assets" / "style.css", ROOT / "assets" / "theme-dark.css")  # in the order Dash serves them
THEMES = ("light", "dark")
TEXT, LARGE, GRAPHIC = 4.5, 3.0, 3.0


def needed(size_px: float, bold: bool = False) -> float:
    """WCAG's large text is 18 pt (24 px), or 14 pt (18.66 px) bold."""
    return LARGE if size_px >= 24 or (bold and size_px >= 18.66) else TEXT


def test_contrast_by_hand():
    # Black on white: L = 1 and 0, (1 + 0.05) / (0 + 0.05) = 21. A colour on itself: 1.
    assert cv.contrast_ratio("#000", "#fff") == pytest.approx(21)
    assert cv.contrast_ratio("#fff", "#000") == pytest.approx(21)
    assert cv.contrast_ratio("#777777", "#777777") == 1
    # #777777: 0x77/255 = 0.4667 -> ((0.4667 + 0.055) / 1.055) ** 2.4 = 0.1845 = L;
    # on white (1.05) / (0.2345) = 4.48, just short of 4.5 (the classic grey that fails).
    assert cv.relative_luminance("#777777") == pytest.approx(0.1845, abs=1e-4)
    assert cv.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    # Pure green carries 0.7152 of white's luminance: (1.05) / (0.7652) = 1.37 on white.
    assert cv.contrast_ratio("#00ff00", "white") == pytest.approx(1.372, abs=1e-3)
    # Half-transparent black on white is mid grey, #808080 (0x80 = 128 = round(0.5 * 255)).
    assert cv.over("rgba(0, 0, 0, 0.5)", "#ffffff") == "#808080"
    assert cv.over("#D55E00", "#000000") == "#d55e00"
    assert needed(14) == 4.5 and needed(24) == 3 and needed(19, bold=True) == 3 and needed(18, bold=True) == 4.5


def test_css_cascade_by_hand():
    rules = parse_css("""
        :root { --ink: #111; }  /* a comment { with braces } */
        html.theme-dark { --ink: #eee; }
        p { color: var(--ink); }
        .card p.hint { color: #777 !important; }
        @media (max-width: 900px) { .card { background: #fff; } }
        @keyframes spin { from { color: red; } }
        body { background: #000; }
        .veil { background: rgba(255, 255, 255, 0.5); }
    """)
    assert [r.selector for r in rules] == [":root", "html.theme-dark", "p", ".card p.hint", ".card", "body", ".veil"]
    assert rules[3].declarations["color"] == ("#777", True)
    assert rules[4].media == "@media (max-width: 900px)"
    assert specificity("html.theme-dark .btn[aria-pressed=\"true\"]") == (0, 3, 1)
    assert specificity("#page .x:not(.y) > a") == (1, 2, 1)
    doc = Page(rules, "dark")
    hint = doc.soup.new_tag("p", attrs={"class": "hint"})
    card = doc.soup.new_tag("div", attrs={"class": "card"})
    card.append(hint)
    doc.soup.body.append(card)
    doc.reset()
    assert doc.computed(hint, "color") == "#777"  # !important wins over the plain rule
    assert doc.resolve("var(--ink)") == "#eee"
    assert doc.background(hint) == "#fff"  # the card's, not the body's
    veil = doc.soup.new_tag("div", attrs={"class": "veil"})
    doc.soup.body.append(veil)
    doc.reset()
    assert doc.background(veil) == "#808080"  # half white over black: round(0.5 * 255) = 128 = 0x80


# ---------------------------------------------------------------------------------------------
# Stylesheets: rules, the cascade, variables
# ---------------------------------------------------------------------------------------------


class Rule:
    def __init__(self, selector: str, declarations: dict, media: str, order: int):
        self.selector, self.declarations, self.media, self.order = selector, declarations, media, order

    def __repr__(self):
        return f"Rule({self.selector!r})"


def parse_css(text: str, start: int = 0) -> list[Rule]:
    """Style rules in order; a rule inside @media keeps its condition (the test treats every width as possible)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    rules, stack = [], []
    for match in re.finditer(r"([^{}]*)([{}])", text):
        head, brace = match.group(1).strip(), match.group(2)
        if brace == "{":
            stack.append(head)
            continue
        if not stack:
            continue
        selector = stack.pop()
        if head and not selector.startswith("@") and not any(s.startswith("@keyframes") for s in stack):
            declarations = {}
            for part in head.split(";"):
                name, colon, value = part.partition(":")
                if colon:
                    name = name.strip() if name.strip().startswith("--") else name.strip().lower()  # --Names keep case
                    declarations[name] = (value.replace("!important", "").strip(), "!important" in value)
            rules.append(Rule(" ".join(selector.split()), declarations, " ".join(stack), start + len(rules)))
    return rules


def split_selectors(selector: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside :not(…) or :is(…))."""
    parts, depth, current = [], 0, ""
    for ch in selector:
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    return parts + [current.strip()]


def specificity(selector: str) -> tuple[int, int, int]:
    """(ids, classes + attributes + pseudo-classes, elements) of one complex selector; :not() and
    :is() count their argument, :where() counts nothing."""
    s = re.sub(r":where\([^)]*\)", "", selector)
    s = re.sub(r":(?:not|is|has)\(", " ", s).replace(")", " ")
    s = re.sub(r"\[[^\]]*\]", ".attr", s)
    ids = len(re.findall(r"#[\w-]+", s))
    classes = len(re.findall(r"\.[\w-]+", s)) + len(re.findall(r"(?<!:):[\w-]+", s))
    elements = len(re.findall(r"(?:^|[\s>+~])([a-zA-Z][\w-]*)", s)) + len(re.findall(r"::[\w-]+", s))
    return ids, classes, elements


DYNAMIC = re.compile(r":(hover|focus|focus-visible|focus-within|active|disabled|visited)\b|::")


@cache
def dash_component_css() -> str:
    """The styles Dash's core components add to the page when they load (Dash 4 bundles them in its
    scripts). They come before the app's stylesheets in the document, so the app's rules win ties."""
    folder = Path(dash.__file__).parent / "dcc"
    blocks = []
    for script in sorted(folder.glob("*.js")):
        blocks += re.findall(r'\.push\(\[\w+\.id,"((?:[^"\\]|\\.)*)"', script.read_text())
    return "\n".join(json.loads(f'"{b}"') for b in blocks)


@cache
def all_rules() -> tuple[Rule, ...]:
    rules = parse_css(dash_component_css())
    for sheet in STYLESHEETS:
        rules += parse_css(sheet.read_text(), start=len(rules))
    return tuple(rules)


class Page:
    """A document with every rule applied in one theme: which declarations reach which element."""

    def __init__(self, rules, theme: str, html: str = "<html><head></head><body></body></html>"):
        self.rules, self.theme = rules, theme
        self.soup = BeautifulSoup(html, "html.parser")
        if theme == "dark":  # as assets/display.js marks the page
            for element in [self.soup.html] + self.soup.select(".page"):
                element["class"] = element.get("class", []) + ["theme-dark"]
        self.reset()

    def reset(self):
        """Match every rule again (after the document changed)."""
        self._index = {}  # id(element) -> {rule order: (rule, specificity of its best matching selector)}
        for rule in self.rules:
            for selector in split_selectors(rule.selector):
                if DYNAMIC.search(selector):
                    continue
                try:
                    found = self.soup.select(selector)
                except soupsieve.SelectorSyntaxError:  # one it cannot run (e.g. :invalid): it paints no text here
                    continue
                spec = specificity(selector)
                for element in found:
                    mine = self._index.setdefault(id(element), {})
                    if rule.order not in mine or mine[rule.order][1] < spec:
                        mine[rule.order] = (rule, spec)
        self.variables = {n: v for n, (v, _) in self._declared(self.soup.html, lambda n: n.startswith("--")).items()}

    def _declared(self, element, wanted) -> dict[str, tuple[str, tuple]]:
        """{property: (value, cascade rank)} of the declarations that win at `element`: !important first,
        then inline style, then specificity, then the later rule."""
        best = {}
        for rule, spec in self._index.get(id(element), {}).values():
            for name, (value, important) in rule.declarations.items():
                if wanted(name):
                    rank = (important, False, spec, rule.order)
                    if name not in best or rank > best[name][1]:
                        best[name] = (value, rank)
        for part in (element.get("style") or "").split(";"):
            name, colon, value = part.partition(":")
            name = name.strip().lower()
            if colon and wanted(name) and (name not in best or not best[name][1][0]):
                best[name] = (value.strip(), (False, True, (0, 0, 0), 0))
        return best

    def resolve(self, value: str) -> str:
        """var(--x) replaced by the variable's value in this theme (an undefined one without a fallback
        makes the declaration invalid: "unset")."""
        for _ in range(10):
            new = re.sub(r"var\((--[\w-]+)(?:,\s*([^()]*))?\)",
                         lambda m: self.variables.get(m.group(1), m.group(2) or "unset"), value)
            if new == value:
                break
            value = new
        return value.strip()

    def computed(self, element, name: str, inherit: bool = True) -> str | None:
        """The value of `name` at the element, variables resolved; inherited from its parents if `inherit`."""
        while element is not None and element.name != "[document]":
            declared = self._declared(element, lambda n: n == name)
            value = self.resolve(declared[name][0]) if name in declared else "inherit"
            if value not in ("inherit", "unset"):
                return value
            if not inherit:
                return None
            element = element.parent
        return None

    def _own_background(self, element) -> str | None:
        declared = self._declared(element, lambda n: n in ("background", "background-color"))
        if not declared:
            return None
        value = self.resolve(max(declared.values(), key=lambda v: v[1])[0])
        return None if value in ("inherit", "unset") else first_colour(value)

    def background(self, element) -> str:
        """The opaque colour behind the element: the nearest opaque background at or above it, with
        every translucent one in between laid over it."""
        layers = []  # nearest first
        base = "#ffffff"  # the browser's canvas
        while element is not None and element.name != "[document]":
            colour = self._own_background(element)
            if colour is not None and cv.rgba(colour)[3] >= 1:
                base = colour
                break
            if colour is not None and cv.rgba(colour)[3] > 0:
                layers.append(colour)
            element = element.parent
        for layer in reversed(layers):
            base = cv.over(layer, base)
        return base


COLOUR = re.compile(r"#[0-9a-fA-F]{3,6}\b|rgba?\([^)]*\)|\b(?:white|black|transparent)\b")


def first_colour(value: str) -> str | None:
    """The colour in a `background` or `color` value (none, a gradient or an image: None)."""
    if value.strip() in ("none", "unset", "initial"):
        return "transparent"
    found = COLOUR.search(value)
    return found.group(0) if found else None


# ---------------------------------------------------------------------------------------------
# Part 1: the figures
# ---------------------------------------------------------------------------------------------

# The elements Plotly draws, with the class names plotly.js gives them, one of each kind.
PLOTLY_SKELETON = """
<div class="dash-graph chart"><div class="js-plotly-plot"><div class="plot-container plotly">
<div class="user-select-none svg-container">
 <svg class="main-svg">
  <g class="bglayer"><rect class="bg" id="plot-bg"/></g>
  <g class="cartesianlayer"><g class="subplot xy">
   <g class="gridlayer"><g class="x"><path class="xgrid crisp" id="grid"/></g></g>
   <g class="zerolinelayer"><path class="xzl zl crisp" id="zeroline"/></g>
   <g class="overplot"><g class="xy">
    <g class="scatterlayer mlayer"><g class="trace scatter"><g class="lines"><path class="js-line" id="line"/></g>
     <g class="points"><path class="point" id="marker"/></g><g class="text"><text id="scatter-text"/></g></g></g>
    <g class="barlayer mlayer"><g class="trace bars"><g class="points"><g class="point"><path id="bar"/>
     <text class="bartext bartext-inside" id="bartext-inside"/><text class="bartext bartext-outside" id="bartext-outside"/>
    </g></g></g></g>
    <g class="contourlayer mlayer"><g class="trace contour"><g class="heatmapcoloring"><image id="map"/></g>
     <g class="contourlevel"><path class="openline" id="contour-line"/></g></g></g>
   </g></g>
   <g class="xaxislayer-above"><g class="xtick"><text id="tick"/></g></g>
  </g></g>
 </svg>
 <svg class="main-svg">
  <g class="infolayer">
   <g class="g-gtitle"><text class="gtitle" id="title"/></g>
   <g class="g-xtitle"><text class="xtitle" id="axis-title"/></g>
   <g class="legend"><rect class="bg" id="legend-bg"/><g class="scrollbox"><g class="groups"><g class="traces">
    <text class="legendtext" id="legend-text"/></g></g></g></g>
   <g class="colorbar"><g class="cbaxis crisp"><g class="ycbaxis"><text id="colorbar-tick"/></g></g></g>
   <g class="annotation"><g class="annotation-text-g"><g class="cursor-pointer"><rect class="bg" id="annotation-box"/>
    <text class="annotation-text" id="annotation-text"/></g></g><g class="annotation-arrow-g"><path id="arrow"/></g></g>
  </g>
 </svg>
 <svg class="main-svg"><g class="hoverlayer"><g class="hovertext"><path id="hover-box"/><text class="nums" id="hover-text"/>
 </g></g></svg>
</div></div></div></div>
"""
PLOTLY_TEXT = ("tick", "axis-title", "title", "legend-text", "colorbar-tick", "annotation-text", "bartext-inside",
               "bartext-outside", "hover-text")
PLOTLY_TRACES = ("line", "marker", "bar", "arrow", "contour-line", "map")


class Paint:
    """What a theme does to a figure: the card under its transparent paper, and the colours its
    !important rules force on Plotly's elements (resolved in that theme)."""

    def __init__(self, theme: str):
        page = Page(all_rules(), theme, f'<html><body><div class="page"><div class="card">{PLOTLY_SKELETON}'
                                        "</div></div></body></html>")
        self.theme = theme
        self.card = page.background(page.soup.select_one(".card"))
        self.page = page.background(page.soup.select_one(".page"))
        self.forced = {}
        for element in page.soup.select("[id]"):
            won = page._declared(element, lambda n: n in ("fill", "stroke", "color"))
            self.forced[element["id"]] = {n: page.resolve(v) for n, (v, rank) in won.items() if rank[0]}

    def text(self, role: str, colour: str) -> str:
        return self.forced[role].get("fill", colour)

    def plot_bg(self, layout: dict) -> str:
        return self.forced["plot-bg"].get("fill", layout.get("plot_bgcolor", "#ffffff"))


@cache
def paints() -> dict[str, Paint]:
    return {theme: Paint(theme) for theme in THEMES}


def test_the_dark_theme_recolours_no_trace():
    """The figures choose trace colours that read on both themes' plots; a stylesheet that starts
    recolouring lines, markers, bars, arrows or maps needs this test to learn what it does."""
    for paint in paints().values():
        assert not {role: paint.forced[role] for role in PLOTLY_TRACES if paint.forced[role]}, paint.theme


def test_the_model_sees_what_the_dark_stylesheet_forces():
    dark, light = paints()["dark"], paints()["light"]
    ink = Page(all_rules(), "dark").resolve("var(--ink)")
    assert dark.plot_bg({"plot_bgcolor": "#ffffff"}) == "#11151c" and light.plot_bg({"plot_bgcolor": "#ffffff"}) == "#ffffff"
    assert {role: dark.text(role, "#000000") for role in PLOTLY_TEXT} == dict.fromkeys(PLOTLY_TEXT, ink)
    assert {role: light.text(role, "#000000") for role in PLOTLY_TEXT} == dict.fromkeys(PLOTLY_TEXT, "#000000")
    assert dark.forced["annotation-box"] == {"fill": "#11151c"}  # a label's box darkens with the plot
    assert not dark.forced["zeroline"] and dark.forced["grid"] == {"stroke": "#323a48"}
    assert (light.card, dark.card) == ("#ffffff", "#1b212b")


def _list(value, n: int) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value] * n


def _scale_colours(scale, opacity: float, under: str, samples: int = 65) -> list[str]:
    """Colours a colourscale paints (Plotly mixes its stops in sRGB), each laid over `under`."""
    stops = [(float(p), cv.rgba(c)) for p, c in scale]
    out = set()
    for t in np.linspace(0, 1, samples):
        i = max(k for k, (p, _) in enumerate(stops) if p <= t + 1e-12)
        j = min(i + 1, len(stops) - 1)
        (p0, c0), (p1, c1) = stops[i], stops[j]
        f = 0.0 if p1 == p0 else (t - p0) / (p1 - p0)
        r, g, b, a = (x0 + f * (x1 - x0) for x0, x1 in zip(c0, c1))
        out.add(cv.over(f"rgba({r * 255:.3f},{g * 255:.3f},{b * 255:.3f},{a * opacity:.4f})", under))
    return sorted(out)


class Check:
    """Contrast problems of one figure in one theme."""

    def __init__(self, name: str, figure: dict, paint: Paint):
        self.name, self.figure, self.paint, self.problems = name, figure, paint, []
        self.worst = {}
        layout = figure["layout"]
        font = layout.get("font", {})
        self.font_colour, self.font_size = font.get("color", "#444"), font.get("size", 12)
        self.plot = paint.plot_bg(layout)
        self.paper = cv.over(layout.get("paper_bgcolor", "#ffffff"), paint.card)
        self.paper_page = cv.over(layout.get("paper_bgcolor", "#ffffff"), paint.page)
        maps = [t for t in figure["data"] if t.get("type") in ("contour", "heatmap") and t.get("visible", True) is True]
        # A map fills its plot (the figures set the axes to its extent): the marks sit on its colours.
        self.under = sorted({c for t in maps for c in _scale_colours(t["colorscale"], t.get("opacity", 1), self.plot)})
        self.under = self.under or [self.plot]

    def need(self, what: str, colours: list[str], backgrounds: list[str], threshold: float):
        """At least one of `colours` (the layers of one mark: a fill and its outline, a line and its
        casing) reaches `threshold` against each background."""
        colours = [c for c in colours if c is not None and cv.rgba(c)[3] > 0]
        if not colours:
            return
        ratio, bg = min((max(cv.contrast_ratio(cv.over(c, bg), bg) for c in colours), bg) for bg in backgrounds)
        self.worst[what] = min(ratio, self.worst.get(what, ratio))
        if ratio < threshold - 1e-9:
            shown = "/".join(cv.over(c, bg) for c in colours)
            self.problems.append(f"{self.name} [{self.paint.theme}] {what}: {shown} on {bg} = {ratio:.2f} < {threshold:g}")

    def text(self, what: str, role: str, font: dict | None, backgrounds: list[str], default_size=None):
        font = font or {}
        colour = self.paint.text(role, font.get("color", self.font_colour))
        size = font.get("size", default_size or self.font_size)
        self.need(what, [colour], backgrounds, needed(size, "bold" in str(font.get("weight", ""))))

    def run(self) -> list[str]:
        layout, data = self.figure["layout"], self.figure["data"]
        self._axes(layout)
        groups = {}
        for k, trace in enumerate(data):
            if trace.get("visible", True) is not True:
                continue
            kind = trace.get("type", "scatter")
            if kind == "scatter":
                key = json.dumps([trace.get("x"), trace.get("y")], default=str)
                groups.setdefault(key, []).append((k, trace))
            elif kind == "bar":
                self._bar(k, trace)
            elif kind in ("contour", "heatmap"):
                self._map(k, trace)
            self._hover(k, trace, layout)
        for layers in groups.values():
            self._scatter(layers)
        self._annotations(layout)
        return self.problems

    def _axes(self, layout):
        names = [n for n in layout if re.fullmatch(r"[xy]axis\d*", n)] or ["xaxis", "yaxis"]
        for name in names:
            axis = layout.get(name, {})
            if axis.get("visible", True) is False:
                continue
            if axis.get("showticklabels", True):
                self.text(f"{name} tick labels", "tick", axis.get("tickfont"), [self.paper, self.paper_page])
            title = axis.get("title", {})
            if title.get("text"):
                self.text(f"{name} title", "axis-title", title.get("font"), [self.paper, self.paper_page],
                          round(self.font_size * 1.2))
            if axis.get("zeroline", True) and "zerolinecolor" in axis:
                colour = self.paint.forced["zeroline"].get("stroke", axis["zerolinecolor"])
                self.need(f"{name} zero line", [colour], [self.plot], GRAPHIC)
        title = layout.get("title", {})
        if title.get("text"):
            self.text("title", "title", title.get("font"), [self.paper, self.paper_page],
                      round(self.font_size * 1.4))
        if layout.get("showlegend"):
            self.text("legend", "legend-text", layout.get("legend", {}).get("font"), [self.paper, self.paper_page])

    def _hover(self, k, trace, layout):
        if trace.get("hoverinfo") == "skip":
            return
        label = layout.get("hoverlabel", {})
        if "bgcolor" not in label:
            # Plotly colours the label like the trace and picks its text colour to suit, unless a
            # stylesheet forces the text colour.
            if self.paint.forced["hover-text"]:
                self.problems.append(f"{self.name} [{self.paint.theme}] trace {k}: its hover label has the "
                                     f"trace's colour, and the theme forces its text: set layout.hoverlabel")
            return
        box = label["bgcolor"]
        self.text(f"trace {k} hover label", "hover-text", label.get("font"), [box], 13)

    def _scatter(self, layers):
        """Traces drawn on the same points are one mark in layers (a ring and its casing)."""
        ks = "+".join(str(k) for k, _ in layers)
        mode = layers[0][1].get("mode", "lines+markers")
        n = len(layers[0][1].get("x") or [])
        lines, points = [], [[] for _ in range(n)]
        for _, t in layers:
            opacity = t.get("opacity", 1)
            if "lines" in t.get("mode", mode) and t.get("line", {}).get("width", 2) > 0:
                lines.append(self._faded(t.get("line", {}).get("color"), opacity))
            if "markers" in t.get("mode", mode):
                marker = t.get("marker", {})
                fill = _list(marker.get("color", "#1f77b4"), n)
                outline = marker.get("line", {})
                widths = _list(outline.get("width", 0), n)
                edges = _list(outline.get("color", "#444"), n)
                alpha = opacity * marker.get("opacity", 1)
                for i in range(n):
                    points[i].append(self._faded(fill[i], alpha))
                    if widths[i] >= 1:
                        points[i].append(self._faded(edges[i], opacity))
        if lines:
            self.need(f"trace {ks} line", lines, self.under, GRAPHIC)
        for colours in {tuple(p) for p in points if p}:
            self.need(f"trace {ks} markers", list(colours), self.under, GRAPHIC)

    @staticmethod
    def _faded(colour, alpha: float):
        if colour is None:
            return None
        r, g, b, a = cv.rgba(colour)
        return f"rgba({r * 255:.3f},{g * 255:.3f},{b * 255:.3f},{a * alpha:.4f})"

    def _bar(self, k, trace):
        n = len(trace.get("x") or trace.get("y") or [])
        marker = trace.get("marker", {})
        fills = _list(marker.get("color", "#1f77b4"), n)
        outline = marker.get("line", {})
        widths, edges = _list(outline.get("width", 0), n), _list(outline.get("color", "#444"), n)
        for i in range(n):
            colours = [fills[i]] + ([edges[i]] if widths[i] >= 1 else [])
            self.need(f"trace {k} bar", colours, [self.plot], GRAPHIC)
        if trace.get("text") is None:
            return
        position = trace.get("textposition", "auto")
        textfont = trace.get("textfont", {})
        if position in ("inside", "auto"):
            font = {**textfont, **trace.get("insidetextfont", {})}
            for fill in set(fills):
                self.text(f"trace {k} text inside its bar", "bartext-inside", font, [cv.over(fill, self.plot)])
        if position in ("outside", "auto"):
            font = {**textfont, **trace.get("outsidetextfont", {})}
            # cliponaxis False lets it run past the plot onto the paper.
            self.text(f"trace {k} text beside its bar", "bartext-outside", font, [self.plot, self.paper])

    def _map(self, k, trace):
        if trace.get("showscale", True):
            self.text(f"trace {k} colour bar labels", "colorbar-tick", None, [self.paper, self.paper_page])
        if trace.get("type") == "contour" and trace.get("contours", {}).get("showlines", True):
            line = trace.get("line", {})
            if line.get("width", 0.5) > 0:
                self.need(f"trace {k} contour lines", [line.get("color", "#444")], self.under, GRAPHIC)

    def _annotations(self, layout):
        arrows = {}
        for k, a in enumerate(layout.get("annotations", [])):
            on_data = str(a.get("xref", "x")).startswith("x") and str(a.get("yref", "y")).startswith("y") \
                and not str(a.get("xref", "x")).endswith("domain")
            under = self.under if on_data else [self.plot, self.paper]
            if a.get("text"):
                box = a.get("bgcolor", "rgba(0,0,0,0)")
                if cv.rgba(box)[3] > 0:
                    forced = self.paint.forced["annotation-box"].get("fill")
                    if forced:  # the theme repaints the box and keeps its opacity
                        r, g, b, _ = cv.rgba(forced)
                        box = f"rgba({r * 255:.3f},{g * 255:.3f},{b * 255:.3f},{cv.rgba(box)[3]})"
                    behind = sorted({cv.over(box, bg) for bg in under})
                else:
                    behind = under
                self.text(f"annotation {k} {re.sub('<[^>]+>', ' ', a['text'])[:30]!r}", "annotation-text",
                          a.get("font"), behind)
            if a.get("showarrow", True) and "ax" in a:
                key = json.dumps([a.get(f) for f in ("x", "y", "ax", "ay", "xref", "yref", "axref", "ayref")])
                arrows.setdefault(key, []).append((k, a.get("arrowcolor", "#444")))
        for layers in arrows.values():
            self.need("arrow " + "+".join(str(k) for k, _ in layers), [c for _, c in layers], self.under, GRAPHIC)


# ---- every figure the app draws ----


def _states():
    """Every lesson at the end of its backward pass (all blame shown), and a dataset of each kind."""
    out = {}
    for name, make in ((k, p.state) for k, p in engine.PRESETS.items()):
        out[name] = make()
    circle = engine.PRESETS["circle"].state()
    for data_name in ("sine", "spiral", "plane"):
        spec = engine.DataSpec(data_name, n_points=60, noise=0.05, test_fraction=0.5, seed=0)
        regression = engine.DATASETS[data_name].kind == "regression"
        sizes = (spec.input_size(), 4, spec.output_size())
        net = engine.NetworkSpec(sizes, ("tanh", "linear" if regression else "sigmoid"),
                                 "mse" if regression else circle.spec.loss, "xavier", 1.0)
        out[data_name] = engine.LabState(data_name, 0, net, engine.init_params(net, np.random.default_rng(0)),
                                         circle.train, spec)
    # Four classes: every class colour, mark and surface colour drawn (the three-class lesson is a preset).
    three = engine.PRESETS["three_classes"].state()
    blobs = engine.DataSpec("blobs4", n_points=80, noise=0.1, test_fraction=0.25, seed=0)
    net = engine.NetworkSpec((2, 6, 4), ("tanh", "softmax"), "cross_entropy", "xavier")
    out["blobs4"] = engine.train_steps(engine.LabState("blobs4", 0, net, engine.init_params(net, np.random.default_rng(0)),
                                                       three.train, blobs), 40)
    return {name: _backward_shown(state) for name, state in out.items()}


def _backward_shown(state):
    """The state with the blame of every layer revealed."""
    for _ in range(4 * state.spec.n_layers + 4):
        if state.cursor.revealed().backward_from <= 1:
            return state
        state = engine.advance(state)
    raise AssertionError("the backward pass never reached layer 1")


def _figures():
    figures = {}
    states = _states()
    for name, state in states.items():
        data = engine.dataset(state.data)
        surf = surface(state, 30 if data.raw_train.shape[1] == 2 else 60)
        figures[f"data ({name})"] = landscape_charts.surface_figure(surf, data, state.example)
        figures[f"data without a surface ({name})"] = charts.data_figure(
            data.raw_train[:, :2], data.y_train, data.raw_test[:, :2], data.y_test, data.kind, state.example,
            classes=data.classes)
        if data.classes:
            # The decision, shaded by sureness and discretized, and one class's own probability.
            whole = surface(state, 30, neuron=None)
            figures[f"decision ({name})"] = landscape_charts.surface_figure(whole, data, state.example)
            figures[f"decision, discretized ({name})"] = landscape_charts.surface_figure(whole, data, state.example,
                                                                                         discrete=True)
            last = len(data.classes) - 1
            figures[f"class {data.classes[last]}'s probability ({name})"] = landscape_charts.surface_figure(
                surface(state, 30, neuron=last), data, state.example, of_class=last)
        refs = engine.all_refs(state.spec)
        w = refs[0].get(state.params)
        s = engine.loss_slice(state, refs[0], np.linspace(w - 4, w + 4, 41))
        figures[f"along a weight ({name})"] = landscape_charts.slice_figure(s)
        if "after" in inspect.signature(landscape_charts.slice_figure).parameters:
            after = (float(s.values[15]), float(s.loss[15]))  # a point on the same curve
            figures[f"along a weight, after an update ({name})"] = landscape_charts.slice_figure(s, after)
        x, y = refs[0].get(state.params), refs[1].get(state.params)
        g = engine.loss_grid(state, refs[0], refs[1], np.linspace(x - 3, x + 3, 21), np.linspace(y - 3, y + 3, 21))
        figures[f"two weights ({name})"] = landscape_charts.contour_figure(g, [[x - 1, y + 1], [x - 0.5, y + 0.4]])
        L = state.spec.n_layers
        for layer in sorted({L, 1}):
            figures[f"blame of neuron {layer},0 ({name})"] = blame.blame_figure(state, layer, 0)
        figures[f"blame of an input ({name})"] = blame.blame_figure(state, 0, 0)
        figures[f"blame per layer ({name})"] = blame.layer_blame_figure(state)
        figures[f"why reverse ({name})"] = costs.reverse_mode_figure(state.spec.sizes)
    fresh = engine.PRESETS["default"].state()
    figures["blame before the backward pass"] = blame.blame_figure(fresh, 1, 0)
    figures["blame per layer before the backward pass"] = blame.layer_blame_figure(fresh)
    figures["loss history, empty"] = charts.history_figure([])
    figures["loss history, train only"] = charts.history_figure([(i, 1 / (i + 1), None) for i in range(5)])
    figures["loss history, train and test"] = charts.history_figure(
        [(i, 1 / (i + 1), 1.2 / (i + 1)) for i in range(30)])
    for curve in CURVES.values():
        for blindfold in (False, True):
            path = descend(curve.name, curve.start, curve.learning_rate, 4)
            figures[f"ball on {curve.name}{' blindfolded' if blindfold else ''}"] = landscape_charts.toy_figure(
                curve, path, curve.learning_rate, blindfold)
    gone = descend("two_valleys", 2.0, 2.0, 10)  # thrown off the picture: drawn on its edge, with an arrow
    figures["ball thrown off the picture"] = landscape_charts.toy_figure(CURVES["two_valleys"], gone, 2.0, False)
    return figures


@cache
def figures() -> dict:
    return _figures()


@pytest.mark.parametrize("theme", THEMES)
def test_every_figure_reads_in_both_themes(theme):
    problems, worst = [], {}
    for name, figure in figures().items():
        check = Check(name, figure, paints()[theme])
        problems += check.run()
        worst.update({(name, *k): v for k, v in check.worst.items()})
    assert len(figures()) > 40
    assert worst, "nothing was checked"
    assert not problems, f"{len(problems)} below WCAG contrast:\n" + "\n".join(sorted(set(problems)))


def test_the_check_finds_a_line_that_vanishes():
    """Ink on a near-black plot is what the dark theme once drew; the check must see it."""
    figure = {"data": [{"type": "scatter", "mode": "lines", "x": [0, 1], "y": [0, 1],
                        "line": {"color": palette.INK}}], "layout": charts.base_layout()}
    assert not Check("ink", figure, paints()["light"]).run()
    assert Check("ink", figure, paints()["dark"]).run()


# ---------------------------------------------------------------------------------------------
# Part 2: the page's own text
# ---------------------------------------------------------------------------------------------


def _to_html(component) -> str:
    """A Dash layout as the HTML its components render (core components as Dash 4 draws them;
    graphs empty: part 1 checks what is inside them)."""
    if component is None or isinstance(component, bool):
        return ""
    if isinstance(component, (str, int, float)):
        return _escape(str(component))
    if isinstance(component, (list, tuple)):
        return "".join(_to_html(c) for c in component)
    rendered = component.to_plotly_json()
    kind, props, namespace = rendered["type"], rendered["props"], rendered["namespace"]
    cls = props.get("className") or ""
    kids = _to_html(props.get("children"))
    attrs = f' class="{cls}"' if cls else ""
    if isinstance(props.get("id"), str):
        attrs += f' id="{props["id"]}"'
    if props.get("hidden"):
        attrs += " hidden"
    if props.get("style"):
        css = ";".join(f"{_kebab(k)}:{v}" for k, v in props["style"].items())
        attrs += f' style="{css}"'
    if namespace == "dash_html_components":
        tag = kind.lower()
        return f"<{tag}{attrs}>{kids}</{tag}>"
    if kind in ("Store", "Location", "Interval", "Download"):
        return ""
    if kind == "Dropdown":
        shown = ('<span class="dash-dropdown-value dash-dropdown-placeholder">' + _escape(props["placeholder"])
                 if props.get("placeholder") and props.get("value") is None
                 else '<span class="dash-dropdown-value"><span class="dash-dropdown-value-item">a choice</span>')
        return (f'<div class="dash-dropdown-wrapper"><button class="dash-dropdown {cls}"><span class="dash-dropdown-'
                f'grid-container dash-dropdown-trigger">{shown}</span></span></button><div class="dash-dropdown-'
                f'content"><div class="dash-dropdown-options"><div class="dash-dropdown-option">another choice</div>'
                "</div></div></div>")
    if kind == "Checklist":
        return f'<div{attrs}>' + "".join(
            f'<label class="dash-options-list-option dash-checklist-inline"><span class="dash-options-list-option-'
            f'wrapper"><input class="dash-options-list-option-checkbox"></span><span class="dash-options-list-option'
            f'-text"><span>{_escape(o["label"])}</span></span></label>' for o in props.get("options", [])) + "</div>"
    if kind == "Input":
        steppers = "".join(f'<button class="dash-input-stepper">{c}</button>' for c in "−+") \
            if props.get("type") == "number" else ""
        return (f'<div class="dash-input-container dash-input {cls}"><input class="dash-input-element">'
                f'<span>{_escape(str(props.get("value", "")))}</span>{steppers}</div>')
    if kind == "Slider":
        return ('<div class="dash-slider-container"><div class="dash-slider-root"><div class="dash-slider-track">'
                '</div>' + "".join(f'<span class="dash-slider-mark">{_escape(str(m))}</span>'
                                   for m in (props.get("marks") or {}).values()) + "</div></div>")
    if kind == "Tabs":
        value, tabs = props.get("value"), props.get("children") or []
        tabs = tabs if isinstance(tabs, list) else [tabs]
        heads = ""
        for tab in tabs:
            tab_props = tab.to_plotly_json()["props"]
            classes = ["tab", tab_props.get("className") or ""]
            if tab_props.get("value") == value:
                classes += ["tab--selected", tab_props.get("selected_className") or ""]
            heads += f'<div class="{" ".join(c for c in classes if c)}"><span>{_escape(tab_props["label"])}</span></div>'
        bodies = "".join(_to_html(t.to_plotly_json()["props"].get("children")) for t in tabs)  # each is shown in turn
        return (f'<div class="tab-parent"><div class="tab-container {cls}">{heads}</div>'
                f'<div class="tab-content">{bodies}</div></div>')
    if kind == "Graph":
        return f'<div class="dash-graph {cls}"></div>'
    if kind == "Markdown":
        return f'<div{attrs}><p>{_escape(str(props.get("children", "")))[:80]}</p></div>'
    return f"<div{attrs}>{kids}</div>"  # Upload and the like: a div around their children


def _kebab(name: str) -> str:
    """A React style name as CSS names it: backgroundColor -> background-color."""
    return re.sub("([A-Z])", lambda m: "-" + m.group(1).lower(), name)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# The network's picture, drawn by assets/network.js: one of each kind of text, in its place.
NETWORK_SVG = """<svg class="network-svg"><g class="g-titles"><text class="column-title">Hidden</text></g>
<g class="g-edgeLabels"><text class="edge-label">+0.40</text><text class="edge-grad">+0.012</text></g>
<g class="g-nodes"><g class="node"><circle class="node-base"/><circle class="node-fill"/>
<text class="node-value">0.59</text><text class="node-delta">δ +0.03</text><text class="node-arrow">▼</text>
<text class="node-name">h₁</text></g></g>
<g class="g-output"><text class="output-box"><tspan>o = 0.59</tspan><tspan class="loss-line">C = 0.08</tspan></text></g>
</svg>"""
TIP = '<div class="network-tip">h₁: a = 0.59</div>'


def _page_html(present: bool) -> str:
    from app.layout import build_layout
    from components import worked_example
    from components.readouts import numbers_panel
    from components.weight_slider import WeightSliderAIO

    state = engine.PRESETS["circle"].state()
    soup = BeautifulSoup(_to_html(build_layout()), "html.parser")
    fill = {
        "numbers": numbers_panel(state, engine.evaluate(state)),
        "sliders": [WeightSliderAIO("W1[0,0]", 0.4, "from x₁ to h₁", aio_id="a")],
        "brute-table": costs.brute_force_table(state.spec.sizes),
        "worked-table": worked_example.worked_example_table(),
    }
    for target, component in fill.items():
        where = soup.find(id=target)
        if where is not None:
            where.append(BeautifulSoup(_to_html(component), "html.parser"))
    network = soup.select_one(".network") or soup.select_one(".network-panel") or soup.body
    network.append(BeautifulSoup(NETWORK_SVG, "html.parser"))
    soup.append(BeautifulSoup(TIP, "html.parser"))
    page = soup.select_one(".page")
    if present and page is not None:
        page["class"] = page["class"] + ["present"]
    return f"<html><head></head><body>{soup}</body></html>"


# Classes whose text is decided elsewhere (see the module docstring).
NOT_HERE = {"light"}  # .node-value.light: white on a neuron lit dark enough for it


UA_BOLD = {"h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "th"}  # bold in every browser's own stylesheet


def _bold(page, element) -> bool:
    """700 or more, from the nearest element that says: a rule's font-weight, or a tag the browser bolds."""
    while element is not None and element.name != "[document]":
        declared = page._declared(element, lambda n: n == "font-weight")
        if declared:
            weight = page.resolve(declared["font-weight"][0])
            return weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 700)
        if element.name in UA_BOLD:
            return True
        element = element.parent
    return False


@cache
def _page(theme: str, present: bool) -> Page:
    return Page(all_rules(), theme, _page_html(present))


@cache
def _page_texts(theme: str, present: bool):
    """(description, colour, background, size in px or None, bold) of every piece of text on the page."""
    page = _page(theme, present)
    out = []
    for element in page.soup.find_all(True):
        own_text = "".join(t for t in element.find_all(string=True, recursive=False)).strip()
        if not own_text or element.name in ("style", "script", "title"):
            continue
        if NOT_HERE & set(element.get("class", [])):
            continue
        svg = element.find_parent("svg") is not None
        colour = page.computed(element, "fill" if svg else "color") or "#000000"
        if first_colour(colour) is None:
            continue
        bg = page.background(element)
        size = page.computed(element, "font-size")
        px = re.search(r"([\d.]+)px", size or "")  # clamp(13px, …): its smallest size
        bold = _bold(page, element)
        path = " > ".join(p.name + "".join(f".{c}" for c in p.get("class", []))
                          for p in reversed(list(element.parents)[:3]) if p.name != "[document]")
        name = element.name + "".join(f".{c}" for c in element.get("class", []))
        out.append((f"{path} > {name} {own_text[:24]!r}", first_colour(colour), bg,
                    float(px.group(1)) if px else None, bold))
    return out


PAGES = list(product(THEMES, (False, True)))  # each theme, as it is and in presentation mode


@pytest.mark.parametrize(("theme", "present"), PAGES)
def test_every_text_on_the_page_reads(theme, present):
    texts = _page_texts(theme, present)
    assert len(texts) > 100
    problems = []
    for what, colour, bg, size, bold in texts:
        colour = cv.over(colour, bg)
        ratio = cv.contrast_ratio(colour, bg)
        need = needed(size or 0, bold)  # no size known: held to the small-text threshold
        if ratio < need:
            problems.append(f"{what}: {colour} on {bg} = {ratio:.2f} < {need:g}")
    assert not problems, f"{len(problems)} below WCAG contrast ({theme}{', present' if present else ''}):\n" \
        + "\n".join(sorted(set(problems)))


# Texts the page must contain, one selector for each kind: if the layout stops drawing one, or this
# model stops seeing it, the test says so rather than checking less.
MODELLED = (".checks .dash-options-list-option-text", ".dash-slider-mark", ".tab span", ".dash-dropdown-value",
            ".dash-input-stepper", ".btn.primary", ".card-hint", ".number-label", ".edge-grad", ".node-delta",
            ".loss-line", ".node-name", ".column-title", ".worked-table .mark", ".brute-table th", ".network-tip", "kbd")


def test_the_page_model_holds_every_kind_of_text():
    for theme, present in PAGES:
        page = _page(theme, present)
        missing = [s for s in MODELLED if not any(e.get_text(strip=True) for e in page.soup.select(s))]
        assert not missing, (theme, present)


def test_without_the_themes_dash_colours_the_checkboxes_vanish():
    """The momentum and blindfold labels were dark on dark: Dash's components colour their words
    with their own variables, which the dark theme now sets. Without them the check sees 1.2:1."""
    kept = tuple(Rule(r.selector, {k: v for k, v in r.declarations.items()
                                   if not (k.startswith("--Dash-") and "theme-dark" in r.selector)}, r.media, r.order)
                 for r in all_rules())
    for rules, expected in ((kept, 1.2), (all_rules(), 14.3)):  # ink on the card: 14.3
        page = Page(rules, "dark", _page_html(False))
        label = page.soup.select_one(".ball-controls .checks .dash-options-list-option-text")
        bg = page.background(label)
        assert cv.contrast_ratio(cv.over(page.computed(label, "color"), bg), bg) == pytest.approx(expected, abs=0.1)


FOCUSABLE = "button, input, select, textarea, a[href], [tabindex], .tab, .dash-dropdown, .dash-slider-root, .node, .edge"


@pytest.mark.parametrize("theme", THEMES)
def test_the_keyboard_focus_ring_shows_on_every_surface(theme):
    """The focus ring is a graphic drawn just outside the control: 3:1 against what is around it."""
    page = _page(theme, False)
    ring = page.resolve("var(--focus)")
    surfaces = {page.background(e.parent) for e in page.soup.select(FOCUSABLE)}
    assert len(surfaces) > 2
    problems = [f"{ring} on {bg} = {cv.contrast_ratio(ring, bg):.2f}" for bg in sorted(surfaces)
                if cv.contrast_ratio(ring, bg) < GRAPHIC]
    assert not problems, problems
