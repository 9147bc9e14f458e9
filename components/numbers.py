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
    if value == 0:  # no sign on zero, not even on −0.0 (δ of a neuron that passes no blame)
        return f"{0:.{digits}f}"
    if abs(value) < 10 ** -digits:
        text = f"{value:+.{max(digits - 2, 1)}e}" if signed else f"{value:.{max(digits - 2, 1)}e}"
    else:
        text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return text.replace("-", MINUS)


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sub(n: int) -> str:
    return str(n).translate(SUBSCRIPTS)


TINY = 1e-300  # smaller magnitudes read as 0 in figures (see round_sig)


def round_sig(values, digits: int = 4):
    """Round an array to `digits` significant figures, as plain floats: a figure's JSON
    carries "0.6681" instead of "0.6680999755859375" (a surface or map is a third the size).

    A non-finite value becomes None (Plotly leaves a gap there); below TINY a value reads 0,
    since its scale 10^(digits − 1 − magnitude) would overflow and the rounding give NaN."""
    v = np.asarray(values, dtype=float)
    finite = np.isfinite(v)
    v = np.where(finite & (np.abs(v) >= TINY), v, 0.0)
    with np.errstate(divide="ignore"):
        magnitude = np.floor(np.log10(np.abs(np.where(v == 0, 1.0, v))))
    scale = 10.0 ** (digits - 1 - magnitude)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.round(v * scale) / scale
    rounded = np.where(np.isfinite(rounded), rounded, v)  # rounding up past the largest float
    return rounded.tolist() if finite.all() else np.where(finite, rounded, None).tolist()

