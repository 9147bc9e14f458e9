"""How numbers read on the page: a real minus sign, a sign on signed values,
three decimals while that keeps them meaningful, never "nan"."""

import math

MINUS = "\u2212"


def num(value: float, signed: bool = False, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    if value != 0 and abs(value) < 10 ** -digits:
        text = f"{value:+.{max(digits - 2, 1)}e}" if signed else f"{value:.{max(digits - 2, 1)}e}"
    else:
        text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return text.replace("-", MINUS)


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sub(n: int) -> str:
    return str(n).translate(SUBSCRIPTS)
