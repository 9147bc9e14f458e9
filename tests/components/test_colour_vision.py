"""The palette stays readable with every common colour-vision deficiency, by CIEDE2000."""

import re
from pathlib import Path

import pytest

from components import colour_vision as cv
from components import palette

# Sharma, Wu & Dalal (2005), Table 1: (L*, a*, b*) pairs and their published ΔE2000.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),  # 1: true chroma difference
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),  # 4: true hue difference
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),  # 7: one colour neutral
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),  # 9: hue mean either side of 180°
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),  # 10
    ((50.0, 2.5, 0.0), (50.0, 0.0, -2.5), 4.3065),  # 14
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),  # 17: large difference
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),  # 25
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),  # 34: near black
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_matches_sharma_table(lab1, lab2, expected):
    assert cv.delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert cv.delta_e_2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_srgb_to_lab_anchors():
    assert cv.lab("#ffffff") == pytest.approx((100.0, 0.0, 0.0), abs=1e-3)
    assert cv.lab("#000000") == pytest.approx((0.0, 0.0, 0.0), abs=1e-9)
    # sRGB red, D65: the textbook (53.24, 80.09, 67.20).
    assert cv.lab("#ff0000") == pytest.approx((53.24, 80.09, 67.20), abs=0.01)


@pytest.mark.parametrize("deficiency", cv.DEFICIENCIES)
def test_neutrals_stay_neutral(deficiency):
    # Each Machado row sums to 1, so greys map to themselves.
    for grey in ("#000000", "#777777", "#ffffff"):
        assert cv.simulate(grey, deficiency) == grey


def test_simulation_happens_in_linear_light():
    # Protanopia of pure red: linear (1, 0, 0) becomes the matrix's first column,
    # (0.152286, 0.114503, -0.003882 -> 0). Encoded: 1.055 * 0.152286^(1/2.4) - 0.055 = 0.4266 -> 109 = 0x6d;
    # 0.114503 -> 0.3727 -> 95 = 0x5f. Applied to sRGB values instead it would be 0.152286 * 255 = 39.
    assert cv.simulate("#ff0000", "protanopia") == "#6d5f00"
    # Achromatopsia keeps luminance: Y(red) = 0.2126 -> 1.055 * 0.2126^(1/2.4) - 0.055 = 0.4984 -> 127.
    assert cv.simulate("#ff0000", "achromatopsia") == "#7f7f7f"
    assert cv.simulate("#D55E00", "normal") == "#d55e00"
    with pytest.raises(ValueError):
        cv.simulate("#ff0000", "monochrome")


def _css_block(selector_pattern: str) -> dict[str, str]:
    css = (Path(__file__).resolve().parents[2] / "assets" / "style.css").read_text() + (
        Path(__file__).resolve().parents[2] / "assets" / "theme-dark.css").read_text()
    block = re.search(selector_pattern + r"\s*\{([^}]*--bg[^}]*)\}", css)
    assert block, f"no {selector_pattern} block with --bg in the stylesheets"
    return {k: v.lower() for k, v in re.findall(r"--([\w-]+):\s*(#[0-9A-Fa-f]{6})", block.group(1))}


def test_meanings_mirror_the_palette_and_the_stylesheet():
    light, dark = _css_block(r":root"), _css_block(r"\.theme-dark")
    names = {"positive": "pos", "negative": "neg", "blame": "blame", "flow": "flow", "hidden": "hidden",
             "output": "output"}
    assert cv.MEANINGS == {"positive": palette.POSITIVE, "negative": palette.NEGATIVE, "blame": palette.BLAME,
                           "flow": palette.FLOW, "input": palette.INPUT, "hidden": palette.HIDDEN,
                           "output": palette.OUTPUT,
                           **{f"class {n}": c for n, c in zip("ABCD", palette.CLASS_COLOURS)},
                           **{f"surface {n}": c for n, c in zip("ABCD", palette.SURFACE_CLASSES)}}
    for ours, css in names.items():
        assert light[css] == cv.MEANINGS[ours].lower(), ours
    assert cv.BACKGROUNDS == {"page": light["bg"], "card": light["card"]}
    assert not {"pos", "neg", "blame", "flow", "hidden", "output"} & set(dark)  # the dark theme keeps them
    assert cv.DARK_BACKGROUNDS == {"page": dark["bg"], "card": dark["card"]}
    for first, second, visions, _ in cv.REQUIREMENTS:
        assert {first, second} <= set(cv.MEANINGS) and set(visions) <= set(cv.DEFICIENCIES)


def test_palette_passes_every_required_pair():
    failing = [f"{f.first}/{f.second} {f.delta_e:.1f} ({f.deficiency})" for f in cv.failures()]
    assert failing == [], "\n" + cv.format_table()


def test_palette_passes_on_the_dark_background_too():
    assert cv.failures(cv.MEANINGS, cv.DARK_BACKGROUNDS) == []


def test_dark_theme_passes_every_required_pair():
    failing = [f"{f.first}/{f.second} {f.delta_e:.1f} ({f.deficiency})" for f in cv.failures(*cv.THEMES["dark"])]
    assert failing == [], "\n" + cv.format_table(*cv.THEMES["dark"])


def test_sign_survives_even_greyscale():
    worst = cv.worst_pairs(cv.MEANINGS, pairs=[("positive", "negative")])[0]
    assert worst.delta_e > 20 and worst.deficiency == "achromatopsia"


def test_check_catches_a_pair_only_colour_blind_eyes_confuse():
    # Plotly's purple as the negative sign: far from the blue in normal vision, nearly the same with protanopia.
    purple = {**cv.MEANINGS, "negative": "#9467bd"}
    assert cv.difference(palette.POSITIVE, "#9467bd") > 25
    worst = {(f.first, f.second): f for f in cv.failures(purple)}[("positive", "negative")]
    assert worst.delta_e < 3 and worst.deficiency == "protanopia"
    fix = cv.suggest("negative", purple, step=32)
    assert fix is not None and not [f for f in cv.failures({**purple, "negative": fix}) if "negative" in f]


def test_worst_pairs_sorted_and_against_background():
    worst = cv.worst_pairs({"pos": palette.POSITIVE, "neg": palette.NEGATIVE}, background="#ffffff")
    assert [p.delta_e for p in worst] == sorted(p.delta_e for p in worst)
    assert {(p.first, p.second) for p in worst} == {("pos", "neg"), ("pos", "background"), ("neg", "background")}
    # Orange is the lightest mark: with only lightness left it is the nearest to white.
    assert worst[0][:2] == ("neg", "background") and worst[0].deficiency == "achromatopsia"


def test_greyscale_blame_is_a_known_tradeoff():
    # Held to greyscale too, today's vermillion sits too close to the blues and the green...
    strict = cv.strictly()
    assert {(f.first, f.second) for f in cv.failures(requirements=strict)} == {
        ("blame", "positive"), ("blame", "hidden"), ("blame", "output"), ("blame", "flow")}
    # ...and the nearest colour that would pass is a dark brown (L* 34), which cv.suggest found.
    assert cv.failures({**cv.MEANINGS, "blame": "#883800"}, requirements=strict) == []


def test_table_prints():
    text = cv.format_table()
    assert "worst required" in text and "positive / negative" in text and "(1.0)" in text


def test_every_pair_of_classes_is_checked_points_and_surfaces():
    required = {(p, q) for p, q, _, _ in cv.REQUIREMENTS}
    for kind in ("class", "surface"):
        names = [f"{kind} {n}" for n in "ABCD"]
        assert {(p, q) for i, p in enumerate(names) for q in names[i + 1:]} <= required
    # Two classes are the sign colours, points and surface alike.
    assert palette.CLASS_COLOURS[:2] == (palette.NEGATIVE, palette.POSITIVE)
    assert palette.SURFACE_CLASSES[:2] == (palette.SURFACE_NEGATIVE, palette.SURFACE_POSITIVE)
    # A surface fills the plot under the marks: it is held apart from the other surfaces, not from the page.
    _, checks = cv._checks(cv.MEANINGS, cv.BACKGROUNDS, cv.REQUIREMENTS)
    assert not [c for c in checks if c[0] in cv.FILLS and c[1].startswith("bg:")]
    assert ("class D", "bg:card", cv.DEFICIENCIES) in checks


def test_surfaces_at_seventy_percent_were_confused_and_are_no_more():
    # C and D at 70% on white, like A and B: told from each other and from A and B by colour alone
    # (a discretized surface has nothing else), four pairs fell below 10 with colour-blind eyes.
    at_70 = {**cv.MEANINGS, "surface C": "#4dbb9d", "surface D": "#dba1c1"}
    failing = {(f.first, f.second): f.deficiency for f in cv.failures(at_70)}
    assert failing == {("surface B", "surface C"): "tritanopia", ("surface A", "surface D"): "tritanopia",
                       ("surface C", "surface D"): "deuteranopia", ("surface B", "surface D"): "protanopia"}
    # Today's lighter C and D clear every pair by at least 11.
    surfaces = [(p, q, v) for p, q, v, _ in cv.REQUIREMENTS if p.startswith("surface ")]
    worst = min(cv.worst_pairs(cv.MEANINGS, pairs=[(p, q)], visions=v)[0].delta_e for p, q, v in surfaces)
    assert worst > 11
