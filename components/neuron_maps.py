"""Every neuron's own picture at once: what each neuron computes over the input plane, drawn inside
the neuron, as TensorFlow Playground draws its neurons (the "Neuron pictures" toggle).

The page paints them (assets/neuron-maps.js): it runs the forward pass on a GRID × GRID grid of the
raw inputs from the weights each picture brings, and lights each cell as the neuron itself is lit
(components/network_view.py: the layer's colour for a ≥ 0, orange below, as strongly as |a|).
On six layers of 8 that is GRID² × 393 multiply-adds a picture, well under a millisecond in the page;
sending the pictures instead would cost 49 × GRID² numbers a picture, against 393 weights.
This module says what the page needs besides the model it already has (slider_model): the plane,
and, for the pictures that carry no model (Play's, Step's ahead), the weights, rounded to what a
picture of GRID² cells can show.

Deliberately not here: the arithmetic (the page's, checked against engine.surface in
tests/components/test_neuron_maps.py) and data of more than two inputs (no plane to draw).
"""

from engine.errors import LabInputError
from engine.surface import extents

GRID = 16  # cells a side: a neuron is 30–50 px across on a projector
DIGITS = 4  # significant digits of a picture's weights: a change below 1 part in 10⁴ moves no cell visibly


def plane(state) -> dict | None:
    """The grid's span along x₁ (and x₂), and the extra inputs each point gets, or None for data of
    more than two inputs. The page spaces GRID points over each span as np.linspace does, so its grid
    is engine.surface's at the same resolution."""
    try:
        spans = extents(state)
    except LabInputError:
        return None
    return {"grid": GRID, "spans": [list(span) for span in spans], "features": list(state.data.features)}


def _rounded(values) -> list:
    return [float(f"{v:.{DIGITS}g}") for v in values]


def weights(params) -> dict:
    """W and b, index 0 empty, each number to DIGITS significant digits: a picture's own weights."""
    return {"W": [None] + [[_rounded(row) for row in w.tolist()] for w in params.W[1:]],
            "b": [None] + [_rounded(b.tolist()) for b in params.b[1:]]}
