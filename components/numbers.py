"""How numbers read on the page: a real minus sign, a sign on signed values,
three decimals while that keeps them meaningful, never "nan"."""

import math

import numpy as np

MINUS = "\u2212"


def num(value: float, signed: bool = False, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    # Twelve significant digits first: float noise must not decide a tie (0.5000000000000001
    # × −0.125 reads −0.062 like −0.0625), whichever order the sums were done in (the page
    # computes slider moves itself: assets/instant.js does the same).
    value = float(f"{value:.12g}")
    if value != 0 and abs(value) < 10 ** -digits:
        text = f"{value:+.{max(digits - 2, 1)}e}" if signed else f"{value:.{max(digits - 2, 1)}e}"
    else:
        text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return text.replace("-", MINUS)


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sub(n: int) -> str:
    return str(n).translate(SUBSCRIPTS)


def round_sig(values, digits: int = 4):
    """Round an array to `digits` significant figures, as plain floats: a figure's JSON
    carries "0.6681" instead of "0.6680999755859375" (a surface or map is a third the size)."""
    v = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore"):
        magnitude = np.floor(np.log10(np.abs(np.where(v == 0, 1.0, v))))
    scale = 10.0 ** (digits - 1 - magnitude)
    return (np.round(v * scale) / scale).tolist()
