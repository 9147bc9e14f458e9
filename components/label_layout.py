"""Where the network's words go: boxes of text in the picture's units, and a placement of the
edge labels that keeps every label off every other label and every neuron.

The picture is SVG in a fixed viewBox, so a label's size in these units is its size on any
screen, scaled alike: a placement that is clear here is clear at 1024×768 and at 1920×1080.
Widths are estimated from the font's advance widths (DejaVu Sans and its look-alikes, bold where
the labels are bold), rounded up; a browser test measures the real boxes.
"""

from dataclasses import dataclass

import numpy as np

# Advance widths in em for the characters the picture writes (DejaVu Sans Bold, rounded up).
_WIDE = {"→": 0.84, "−": 0.84, "+": 0.84, "=": 0.84, "▲": 0.78, "▼": 0.78, "δ": 0.62, "∂": 0.56, "Σ": 0.72,
         " ": 0.35, ".": 0.38, ",": 0.38, "·": 0.38, "?": 0.58, "%": 1.0, "…": 1.0,
         "●": 1.1, "■": 1.1, "◆": 1.1}  # the classes' marks (an output's row): 0.87–0.94 em in regular
_DIGIT, _LETTER, _SUBSCRIPT = 0.70, 0.66, 0.45
ASCENT, DESCENT = 0.80, 0.24  # of the font size, above and below the baseline
MARGIN = 3.0  # clear space kept around every box


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlap(self, other) -> float:
        """The area two boxes share, each grown by MARGIN on every side (0 when apart)."""
        if isinstance(other, Circle):
            return other.overlap(self)
        dx = min(self.right, other.right) - max(self.left, other.left) + 2 * MARGIN
        dy = min(self.bottom, other.bottom) - max(self.top, other.top) + 2 * MARGIN
        return dx * dy if dx > 0 and dy > 0 else 0.0

    def inside(self, width: float, height: float) -> bool:
        return self.left >= 0 and self.top >= 0 and self.right <= width and self.bottom <= height


REGULAR = 0.86  # regular weight against the bold widths above


def text_width(text: str, size: float, bold: bool = True) -> float:
    em = 0.0
    for ch in text:
        if ch in _WIDE:
            em += _WIDE[ch]
        elif ch.isdigit():
            em += _DIGIT
        elif "₀" <= ch <= "₉":
            em += _SUBSCRIPT
        else:
            em += _LETTER
    return em * size * (1.0 if bold else REGULAR)


def text_box(x: float, baseline: float, text: str, size: float, anchor: str = "middle", bold: bool = True) -> Box:
    """The box of `text` drawn at (x, baseline) with SVG's text-anchor `anchor`."""
    w = text_width(text, size, bold)
    left = x - w / 2 if anchor == "middle" else x - w if anchor == "end" else x
    return Box(left, baseline - ASCENT * size, left + w, baseline + DESCENT * size)


@dataclass(frozen=True)
class Circle:
    """A neuron with its ring: words may sit in the corners of its square, not on it."""

    x: float
    y: float
    radius: float

    def overlap(self, other) -> float:
        """How far `other` (grown by MARGIN) reaches into the circle (0 when apart)."""
        if isinstance(other, Circle):
            return max(0.0, self.radius + other.radius + MARGIN - ((self.x - other.x) ** 2 + (self.y - other.y) ** 2) ** 0.5)
        nx = min(max(self.x, other.left - MARGIN), other.right + MARGIN)
        ny = min(max(self.y, other.top - MARGIN), other.bottom + MARGIN)
        return max(0.0, self.radius - ((nx - self.x) ** 2 + (ny - self.y) ** 2) ** 0.5)

    @property
    def left(self):
        return self.x - self.radius

    @property
    def right(self):
        return self.x + self.radius

    @property
    def top(self):
        return self.y - self.radius

    @property
    def bottom(self):
        return self.y + self.radius


def circle_box(x: float, y: float, radius: float) -> Circle:
    return Circle(x, y, radius)


def _edges(boxes) -> np.ndarray:
    return np.array([[b.left, b.top, b.right, b.bottom] for b in boxes], dtype=float).reshape(-1, 4)


def _clashes(boxes: list[Box]) -> list[int]:
    """For each box, the set of boxes it overlaps (MARGIN included) as a bit mask: computed at once
    for every pair, so that the search below only ANDs integers."""
    a = _edges(boxes)
    dx = np.minimum(a[:, None, 2], a[None, :, 2]) - np.maximum(a[:, None, 0], a[None, :, 0]) + 2 * MARGIN
    dy = np.minimum(a[:, None, 3], a[None, :, 3]) - np.maximum(a[:, None, 1], a[None, :, 1]) + 2 * MARGIN
    clash = (dx > 0) & (dy > 0)
    return [int.from_bytes(np.packbits(row, bitorder="little").tobytes(), "little") for row in clash]


def _clear(boxes: list[Box], taken: list) -> np.ndarray:
    """Which boxes overlap nothing taken (boxes and circles), as Box.overlap and Circle.overlap
    judge it, computed for all at once."""
    a = _edges(boxes)
    hit = np.zeros(len(boxes), dtype=bool)
    rects = _edges([t for t in taken if isinstance(t, Box)])
    if len(rects):
        dx = np.minimum(a[:, None, 2], rects[None, :, 2]) - np.maximum(a[:, None, 0], rects[None, :, 0]) + 2 * MARGIN
        dy = np.minimum(a[:, None, 3], rects[None, :, 3]) - np.maximum(a[:, None, 1], rects[None, :, 1]) + 2 * MARGIN
        hit |= ((dx > 0) & (dy > 0)).any(axis=1)
    circles = np.array([[t.x, t.y, t.radius] for t in taken if isinstance(t, Circle)], dtype=float).reshape(-1, 3)
    if len(circles):
        cx, cy, r = circles[None, :, 0], circles[None, :, 1], circles[None, :, 2]
        nx = np.minimum(np.maximum(cx, a[:, None, 0] - MARGIN), a[:, None, 2] + MARGIN)
        ny = np.minimum(np.maximum(cy, a[:, None, 1] - MARGIN), a[:, None, 3] + MARGIN)
        hit |= (r - np.sqrt((nx - cx) ** 2 + (ny - cy) ** 2) > 0).any(axis=1)
    return ~hit


def place_best(labels: list, candidates: dict, taken: list, max_tries: int = 10_000) -> dict | None:
    """A candidate box for every label such that no two chosen boxes overlap, nor any taken box:
    a depth-first search, each label's candidates in order of preference, the label with the
    fewest free candidates next. Returns {label: index of its chosen candidate}, or None when
    there is no such choice or none was found within `max_tries` candidates tried (a bound on
    the server's work for a shape nobody has drawn yet, about 15 µs a try; counted, not timed,
    so the same shape gets the same picture on a busy machine as on an idle one)."""
    every = [(key, k, box) for key in labels for k, box in enumerate(candidates[key])]
    flat = [c for c, ok in zip(every, _clear([box for _, _, box in every], taken)) if ok] if every else []
    if not flat:
        return None if labels else {}
    clashes = _clashes([box for _, _, box in flat])
    options = {key: 0 for key in labels}
    order = {key: [] for key in labels}  # each label's free candidates, in its order of preference
    for n, (key, _, _) in enumerate(flat):
        options[key] |= 1 << n
        order[key].append(n)
    chosen: dict = {}
    tries = [max_tries]
    # Remaining choices already shown to have no answer: the search reaches the same ones again
    # by other orders of the same choices, and they fail again without being searched.
    dead: set = set()

    def search(options: dict) -> bool:
        if not options:
            return True
        state = tuple(options.values())
        if state in dead:
            return False
        key = min(options, key=lambda name: options[name].bit_count())
        for n in order[key]:
            if not options[key] >> n & 1:
                continue
            tries[0] -= 1
            if tries[0] < 0:
                return False
            rest = {name: bits & ~clashes[n] for name, bits in options.items() if name != key}
            if all(rest.values()):
                chosen[key] = flat[n][1]
                if search(rest):
                    return True
                del chosen[key]
        if tries[0] >= 0:  # searched to the end, not cut short
            dead.add(state)
        return False

    return chosen if all(options.values()) and search(options) else None


def collisions(boxes: list[tuple[str, Box]]) -> list[str]:
    """Every pair of named boxes that overlap, as "a | b" (for tests and for the geometry's check)."""
    found = []
    for k, (name_a, a) in enumerate(boxes):
        for name_b, b in boxes[k + 1:]:
            if a.overlap(b) > 0:
                found.append(f"{name_a} | {name_b}")
    return found
