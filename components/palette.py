"""The one palette, from Okabe & Ito's colour-blind-safe set, defined once.

Sign is blue (positive) ↔ orange (negative), and never by colour alone: negative
weights are also dashed and every number carries its sign. Blame (δ, ∂C/∂w)
has its own hue, vermillion, so it never reads as a sign. Neuron roles: input
grey, hidden blue, output magenta. Colours are strong enough for a projector.
"""

POSITIVE = "#0072B2"  # blue
NEGATIVE = "#E69F00"  # orange
BLAME = "#D55E00"  # vermillion
INPUT = "#5b6472"  # slate
HIDDEN = "#2F6FDF"  # blue
OUTPUT = "#C0399B"  # magenta
FLOW = "#009E73"  # the travelling signal: bluish green, distinct from both signs and from blame
INK = "#1d2430"
MUTED = "#5f6878"  # --muted in assets/style.css: 5.6:1 on white, enough for small text
GRID = "#e6e9ef"
# The figures are built without knowing the theme, and the dark theme only repaints their plot
# (#11151c) and their text. A line or mark drawn straight on the plot therefore needs a mid-tone
# that holds 3:1 on both plots: this slate has 4.3:1 on white and 4.2:1 on the dark plot
# (ink would vanish there, 1.2:1). tests/components/test_contrast.py checks every figure.
LINE = "#717a89"
TRAIN = POSITIVE
TEST = LINE  # held-back data: the neutral mid-tone, also dotted (loss) or hollow (points); orange is 2.3:1 on white
# The decision surface's two ends: the sign colours at 70% on white, opaque, so the map (and every
# mark on it) looks the same in both themes.
SURFACE_NEGATIVE = "#eebc4d"
SURFACE_POSITIVE = "#4d9cc9"

# Classes, when an example is one of several (a softmax output): class k's colour, its mark on the
# data chart (never colour alone) and its decision surface, like the two above. Two classes keep the
# sign colours (class 0 orange, class 1 blue).
CLASS_COLOURS = (NEGATIVE, POSITIVE, FLOW, "#CC79A7")  # orange, blue, bluish green, reddish purple
CLASS_SYMBOLS = ("circle", "square", "diamond", "triangle-up")
# C and D are lighter than 70% on white (#4dbb9d, #dba1c1), and D a little bluer: at 70%, with
# tritanopia green met blue and purple met orange (ΔE2000 7.6 and 8.6), and purple met blue with
# protanopia (9.5) and green with deuteranopia (9.3); a discretized surface has only its colours to
# tell its regions apart. Now every pair is at least 11 (components/colour_vision.py).
SURFACE_CLASSES = (SURFACE_NEGATIVE, SURFACE_POSITIVE, "#4dcda9", "#dbb9d9")


def sign_colour(value: float) -> str:
    return POSITIVE if value >= 0 else NEGATIVE


def role_colour(layer: int, n_layers: int) -> str:
    return INPUT if layer == 0 else OUTPUT if layer == n_layers else HIDDEN
