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
MUTED = "#8a93a3"
TRAIN = "#0072B2"
TEST = "#E69F00"
GRID = "#e6e9ef"


def sign_colour(value: float) -> str:
    return POSITIVE if value >= 0 else NEGATIVE


def role_colour(layer: int, n_layers: int) -> str:
    return INPUT if layer == 0 else OUTPUT if layer == n_layers else HIDDEN
