"""Does the palette survive colour-vision deficiency? Simulation and CIEDE2000, checked in tests.

`simulate(hex, deficiency)` shows a colour as a person with protanopia, deuteranopia,
tritanopia or achromatopsia sees it; `delta_e_2000` measures how different two colours
look; `worst_pairs` ranks the palette's meaning-carrying pairs by their smallest
difference under any kind of vision. `python -m components.colour_vision` prints the
table. `contrast_ratio` is WCAG 2's contrast of two colours (the tests hold every chart
mark and stylesheet text to it), and `over` lays a translucent colour on its background.
This is a design-time check on palette.py and the stylesheets: nothing in the app imports
it, and it does not pick colours for the app at run time.

Dichromacy follows Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model
for Simulation of Color Vision Deficiency", IEEE TVCG 15(6), severity 1.0. Their matrices
act on linear RGB, so sRGB is decoded first (IEC 61966-2-1) and encoded again after.
Achromatopsia keeps only relative luminance (Rec. 709 / sRGB primaries).
"""

from itertools import combinations
from math import atan2, cos, degrees, exp, hypot, radians, sin, sqrt
from typing import NamedTuple

from . import palette

# Machado et al. 2009, severity 1.0, rows act on linear (R, G, B).
_MACHADO = {
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779),
                   (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}
DEFICIENCIES = ("normal", "protanopia", "deuteranopia", "tritanopia", "achromatopsia")

# ΔE2000 ≈ 1 is a just-noticeable difference between large patches side by side. Our marks
# are thin edges, rings and glyphs seen from the back of a room, and small marks need a far
# larger difference to be told apart (Stone, Szafir & Setlur 2014, "An engineering model for
# color difference as a function of size"). So two colours whose confusion would change what
# the picture says must differ by at least 10, a difference named at a glance rather than found
# by comparing; so must every mark and the light background it is drawn on.
MIN_DELTA_E = 10.0

# Colours whose hue carries meaning in the picture. TRAIN aliases POSITIVE; TEST is the neutral LINE
# (test data is told apart by shape too: dotted, hollow).
MEANINGS = {
    "positive": palette.POSITIVE,
    "negative": palette.NEGATIVE,
    "blame": palette.BLAME,
    "flow": palette.FLOW,
    "input": palette.INPUT,
    "hidden": palette.HIDDEN,
    "output": palette.OUTPUT,
    # Several classes (a softmax output): a point's colour (with its mark) names its class...
    **{f"class {name}": colour for name, colour in zip("ABCD", palette.CLASS_COLOURS)},
    # ...and the decision surface's colour the class the network decides on there.
    **{f"surface {name}": colour for name, colour in zip("ABCD", palette.SURFACE_CLASSES)},
}
# The surfaces are the plot's fill under the marks, never a mark on the page: they are held apart from
# one another, not from the page's backgrounds.
FILLS = tuple(name for name in MEANINGS if name.startswith("surface "))
# --bg in assets/style.css (the page) and --card (panels).
BACKGROUNDS = {"page": "#f4f6f9", "card": "#ffffff"}
# The dark theme (assets/theme-dark.css) keeps every meaning colour; only words in the blame
# colour get a lighter vermillion there (--blame-ink), for text contrast, not for meaning.
DARK_MEANINGS = MEANINGS  # the dark theme draws with the same palette
DARK_BACKGROUNDS = {"page": "#12161d", "card": "#1b212b"}
THEMES = {"light": (MEANINGS, BACKGROUNDS), "dark": (DARK_MEANINGS, DARK_BACKGROUNDS)}

DICHROMATIC = ("normal", "protanopia", "deuteranopia", "tritanopia")
_CLASS_PAIRS = tuple(combinations("ABCD", 2))
# The pairs that are drawn together and must not be read as one another, each under the kinds
# of vision it must hold for. Red-green deficiency is about 1 boy in 12, one or two students in most
# classes (severity 1.0 is its worst case), and tritanopia costs nothing to add: every pair holds
# there. Achromatopsia (about 1 in 30,000) leaves only lightness, and seven marks plus a light
# page cannot all sit 10 apart on one axis; there only the node fill's sign, which nothing
# but colour and the printed number tells, must hold. The rest is told without colour too:
# blame by thickness, rings, δ labels and arrows; forward vs backward by the direction the
# pulse travels; roles by column. Pairs left out share a meaning or never meet: a role colour
# *is* the positive fill, the pulse runs on edges and never over a node, inputs get no blame.
# Classes: a point's class is told by its mark too, and the surface's regions by the points in them
# and the colour bar's names, so greyscale is not required of them (four hues cannot sit 10 apart
# in lightness alone, and stay light enough for the ink-rimmed points on them). Class A and B are
# the sign colours, as they are for two classes.
REQUIREMENTS = (
    ("positive", "negative", DEFICIENCIES, "sign of a weight (edge colour; also dashed)"),
    ("input", "negative", DEFICIENCIES, "sign of an input's value (node fill)"),
    ("hidden", "negative", DEFICIENCIES, "sign of a hidden activation (node fill)"),
    ("output", "negative", DEFICIENCIES, "sign of the output (node fill)"),
    ("blame", "positive", DICHROMATIC, "blame glow behind a positive edge"),
    ("blame", "negative", DICHROMATIC, "blame glow behind a negative edge"),
    ("blame", "hidden", DICHROMATIC, "blame ring round a hidden neuron"),
    ("blame", "output", DICHROMATIC, "blame ring round the output"),
    ("blame", "flow", DICHROMATIC, "backward pulse vs forward pulse"),
    ("flow", "positive", DICHROMATIC, "forward pulse on a positive edge"),
    ("flow", "negative", DICHROMATIC, "forward pulse on a negative edge"),
    ("input", "hidden", DICHROMATIC, "neuron roles"),
    ("input", "output", DICHROMATIC, "neuron roles"),
    ("hidden", "output", DICHROMATIC, "neuron roles"),
    *((f"class {p}", f"class {q}", DICHROMATIC, "classes of points (each with its own mark too)")
      for p, q in _CLASS_PAIRS),
    *((f"surface {p}", f"surface {q}", DICHROMATIC, "the network's decision: regions of the surface")
      for p, q in _CLASS_PAIRS),
)


class Pair(NamedTuple):
    """The smallest ΔE2000 between two named colours, and the vision under which it occurs."""

    first: str
    second: str
    delta_e: float
    deficiency: str


def _channels(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) != 6:
        raise ValueError(f"not a #rrggbb colour: {hex_colour!r}")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))


_NAMED = {"white": "#ffffff", "black": "#000000", "transparent": "rgba(0,0,0,0)"}


def rgba(colour: str) -> tuple[float, float, float, float]:
    """(r, g, b, alpha), each 0 … 1, of a CSS colour: #rgb, #rrggbb, rgb(…), rgba(…), white, black or
    transparent (the forms the figures and stylesheets use)."""
    c = _NAMED.get(colour.strip().lower(), colour.strip().lower())
    if c.startswith("#"):
        return (*_channels(c), 1.0)
    if c.startswith("rgb"):
        parts = [float(p) for p in c[c.index("(") + 1:c.rindex(")")].replace("/", ",").split(",")]
        if len(parts) in (3, 4):
            return (*(min(255.0, max(0.0, p)) / 255 for p in parts[:3]), parts[3] if len(parts) == 4 else 1.0)
    raise ValueError(f"not a colour this check reads: {colour!r}")


def over(colour: str, background: str) -> str:
    """`colour` laid over the opaque `background`, as #rrggbb. Browsers mix translucent paint with
    what is under it in sRGB values (not linear light), so this does too."""
    r, g, b, a = rgba(colour)
    under = rgba(background)
    if under[3] < 1:
        raise ValueError(f"the background must be opaque: {background!r}")
    return "#" + "".join(f"{round((a * c + (1 - a) * u) * 255):02x}" for c, u in zip((r, g, b), under))


# Rec. 709 / sRGB primaries: the weight of each linear channel in relative luminance Y.
_LUMINANCE = (0.2126, 0.7152, 0.0722)


def relative_luminance(colour: str) -> float:
    """Y of an opaque colour, 0 (black) … 1 (white), as WCAG 2 defines it: linear sRGB, weighted by
    _LUMINANCE. (WCAG 2 quotes 0.03928 as the knee of the sRGB curve; IEC 61966-2-1's 0.04045, used
    here, differs by less than 0.0001 in Y.)"""
    r, g, b, a = rgba(colour)
    if a < 1:
        raise ValueError(f"lay a translucent colour on its background first (over): {colour!r}")
    return sum(w * _to_linear(c) for w, c in zip(_LUMINANCE, (r, g, b)))


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio (L1 + 0.05) / (L2 + 0.05), L1 the lighter: 1 (same) … 21 (black on white).
    Text needs 4.5 (3 from 24 px, or 18.66 px bold); graphics and their parts need 3."""
    y1, y2 = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (y1 + 0.05) / (y2 + 0.05)


def _to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _to_srgb(c: float) -> float:
    c = min(1.0, max(0.0, c))  # a simulated colour can fall just outside the gamut: clip, as a screen would
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _simulate_linear(hex_colour: str, deficiency: str) -> tuple[float, float, float]:
    rgb = tuple(_to_linear(c) for c in _channels(hex_colour))
    if deficiency == "normal":
        return rgb
    if deficiency == "achromatopsia":
        y = sum(w * c for w, c in zip(_LUMINANCE, rgb))
        return (y, y, y)
    if deficiency not in _MACHADO:
        raise ValueError(f"unknown deficiency {deficiency!r}; expected one of {DEFICIENCIES}")
    return tuple(min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb)))) for row in _MACHADO[deficiency])


def simulate(hex_colour: str, deficiency: str) -> str:
    """`hex_colour` as seen with `deficiency` (one of DEFICIENCIES), as #rrggbb."""
    return "#" + "".join(f"{round(_to_srgb(c) * 255):02x}" for c in _simulate_linear(hex_colour, deficiency))


def _lab(linear_rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    """CIELAB (D65 white) of a linear sRGB colour."""
    r, g, b = linear_rgb
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def lab(hex_colour: str, deficiency: str = "normal") -> tuple[float, float, float]:
    """CIELAB (D65) of `hex_colour` as seen with `deficiency`."""
    return _lab(_simulate_linear(hex_colour, deficiency))


def delta_e_2000(lab1, lab2, kL: float = 1.0, kC: float = 1.0, kH: float = 1.0) -> float:
    """CIEDE2000 colour difference between two CIELAB colours.

    Implemented from Sharma, Wu & Dalal (2005), "The CIEDE2000 Color-Difference Formula:
    Implementation Notes, Supplementary Test Data, and Mathematical Observations", Color
    Research & Application 30(1):21-30, equations (1)-(17); the tests check their Table 1.
    """
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    # (2)-(6): a' stretches a* for near-neutral colours.
    c_bar7 = ((hypot(a1, b1) + hypot(a2, b2)) / 2) ** 7
    g = 0.5 * (1 - sqrt(c_bar7 / (c_bar7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = hypot(a1p, b1), hypot(a2p, b2)
    h1p = degrees(atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = degrees(atan2(b2, a2p)) % 360 if c2p else 0.0
    # (8)-(10): differences; the hue difference takes the short way round the circle.
    dLp, dCp = L2 - L1, c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    else:
        dhp = h2p - h1p
        if dhp > 180:
            dhp -= 360
        elif dhp < -180:
            dhp += 360
    dHp = 2 * sqrt(c1p * c2p) * sin(radians(dhp / 2))
    # (12)-(17): weights, with the hue mean also taken the short way round.
    Lp_bar, Cp_bar = (L1 + L2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_bar = (h1p + h2p + 360) / 2
    else:
        hp_bar = (h1p + h2p - 360) / 2
    t = (1 - 0.17 * cos(radians(hp_bar - 30)) + 0.24 * cos(radians(2 * hp_bar))
         + 0.32 * cos(radians(3 * hp_bar + 6)) - 0.20 * cos(radians(4 * hp_bar - 63)))
    d_theta = 30 * exp(-(((hp_bar - 275) / 25) ** 2))
    cp_bar7 = Cp_bar ** 7
    r_c = 2 * sqrt(cp_bar7 / (cp_bar7 + 25.0 ** 7))
    s_l = 1 + 0.015 * (Lp_bar - 50) ** 2 / sqrt(20 + (Lp_bar - 50) ** 2)
    s_c = 1 + 0.045 * Cp_bar
    s_h = 1 + 0.015 * Cp_bar * t
    r_t = -sin(radians(2 * d_theta)) * r_c
    tl, tc, th = dLp / (kL * s_l), dCp / (kC * s_c), dHp / (kH * s_h)
    return sqrt(tl * tl + tc * tc + th * th + r_t * tc * th)


def difference(first: str, second: str, deficiency: str = "normal") -> float:
    """ΔE2000 between two hex colours as seen with `deficiency` (simulated unrounded)."""
    return delta_e_2000(lab(first, deficiency), lab(second, deficiency))


def table(colours: dict[str, str], pairs=None, visions=DEFICIENCIES) -> dict[tuple[str, str], dict[str, float]]:
    """ΔE2000 for each pair of names (default: every pair of `colours`) under each kind of vision."""
    pairs = list(pairs) if pairs is not None else list(combinations(colours, 2))
    return {(p, q): {d: difference(colours[p], colours[q], d) for d in visions} for p, q in pairs}


def worst_pairs(colours: dict[str, str], background: str | None = None, pairs=None,
                visions=DEFICIENCIES) -> list[Pair]:
    """Each pair's smallest ΔE2000 over `visions`, smallest first.

    `pairs` defaults to every pair of `colours`. With `background`, each colour is also
    paired with it, under the name "background".
    """
    pairs = list(pairs) if pairs is not None else list(combinations(colours, 2))
    named = dict(colours)
    if background is not None:
        named["background"] = background
        pairs += [(name, "background") for name in colours]
    worst = []
    for (p, q), by_vision in table(named, pairs, visions).items():
        vision = min(by_vision, key=by_vision.get)
        worst.append(Pair(p, q, by_vision[vision], vision))
    return sorted(worst, key=lambda pair: pair.delta_e)


def _checks(colours, backgrounds, requirements):
    """(first, second, visions) for every required pair and every colour against every background."""
    named = {**colours, **{f"bg:{k}": v for k, v in backgrounds.items()}}
    checks = [(p, q, visions) for p, q, visions, _ in requirements]
    checks += [(c, f"bg:{b}", DEFICIENCIES) for b in backgrounds for c in colours if c not in FILLS]
    return named, checks


def failures(colours: dict[str, str] = MEANINGS, backgrounds: dict[str, str] = BACKGROUNDS,
             requirements=REQUIREMENTS) -> list[Pair]:
    """Required pairs (and colour/background pairs, named "bg:page" etc.) below MIN_DELTA_E, worst first."""
    named, checks = _checks(colours, backgrounds, requirements)
    found = []
    for p, q, visions in checks:
        found += [pair for pair in worst_pairs(named, pairs=[(p, q)], visions=visions) if pair.delta_e < MIN_DELTA_E]
    return sorted(found, key=lambda pair: pair.delta_e)


def strictly(requirements=REQUIREMENTS, name: str = "blame"):
    """`requirements` with every pair involving `name` required under all five kinds of vision."""
    return tuple((p, q, DEFICIENCIES if name in (p, q) else visions, why) for p, q, visions, why in requirements)


def suggest(name: str, colours: dict[str, str] = MEANINGS, backgrounds: dict[str, str] = BACKGROUNDS,
            requirements=REQUIREMENTS, step: int = 8) -> str | None:
    """The colour nearest (ΔE2000, normal vision) to colours[name] that clears every check involving it.

    Searches the sRGB cube in steps of `step`; None if nothing on that grid passes.
    """
    here = lab(colours[name])
    best, best_d = None, float("inf")
    for r in range(0, 256, step):
        for g in range(0, 256, step):
            for b in range(0, 256, step):
                candidate = f"#{r:02x}{g:02x}{b:02x}"
                d = delta_e_2000(here, lab(candidate))
                if d < best_d and not [f for f in failures({**colours, name: candidate}, backgrounds, requirements)
                                       if name in (f.first, f.second)]:
                    best, best_d = candidate, d
    return best


def format_table(colours: dict[str, str] = MEANINGS, backgrounds: dict[str, str] = BACKGROUNDS,
                 requirements=REQUIREMENTS) -> str:
    """Pair × vision table of ΔE2000. Cells a pair is not required to pass are in brackets;
    a required cell below MIN_DELTA_E is marked *."""
    named, checks = _checks(colours, backgrounds, requirements)
    values = table(named, [(p, q) for p, q, _ in checks])
    short = {"normal": "normal", "protanopia": "protan", "deuteranopia": "deutan",
             "tritanopia": "tritan", "achromatopsia": "achrom"}
    lines = [f"ΔE2000 (CIEDE2000), pass ≥ {MIN_DELTA_E:g}", f"{'pair':<20}" + "".join(f"{short[d]:>9}" for d in DEFICIENCIES)]
    for p, q, visions in checks:
        cells = ""
        for d, v in values[(p, q)].items():
            cells += f"{v:>8.1f}{'*' if v < MIN_DELTA_E else ' '}" if d in visions else f"{f'({v:.1f})':>9}"
        lines.append(f"{p + ' / ' + q:<20}{cells}")
    lines += ["", "worst required ΔE2000 per kind of vision:"]
    for d in DEFICIENCIES:
        required = [(p, q) for p, q, visions in checks if d in visions]
        p, q = min(required, key=lambda pq: values[pq][d])
        lines.append(f"  {d:<14}{values[(p, q)][d]:>6.1f}  {p} / {q}")
    return "\n".join(lines)


if __name__ == "__main__":
    for theme, (colours, backgrounds) in THEMES.items():
        print(f"== {theme} theme ==")
        print(format_table(colours, backgrounds))
        problems = failures(colours, backgrounds)
        for f in problems:
            print(f"FAIL {f.first} / {f.second}: {f.delta_e:.1f} < {MIN_DELTA_E:g} ({f.deficiency})")
        print("every required pair passes" if not problems else f"{len(problems)} failing", end="\n\n")
