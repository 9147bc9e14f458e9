"""Numbers and lines in TeX for the Equations tab (base and AMS TeX, as components/mathml.py reads it)."""

from .numbers import num


def tex(text: str) -> str:
    """num()'s text inside maths: plain decimals as they are, "1.2e−05" as 1.2 × 10⁻⁵, and
    anything else ("—") as upright text, so TeX does not read the dash as an operator."""
    plain = "0123456789.+\u2212"
    if all(c in plain for c in text):
        return text
    mantissa, _, exponent = text.partition("e")
    if exponent and all(c in plain for c in mantissa + exponent):
        power = exponent.replace("+", "").lstrip("0") or "0"
        if power.startswith("\u2212"):
            power = "\u2212" + power[1:].lstrip("0")
        return rf"{mantissa} \times 10^{{{power}}}"
    return rf"\text{{{text}}}"


def n(value: float, signed: bool = False, digits: int = 3) -> str:
    return tex(num(value, signed, digits))


def term(value: float, digits: int = 3) -> str:
    """A number as a factor in a product: negative ones in brackets, as written by hand."""
    text = n(value, digits=digits)
    return f"({text})" if text.startswith(("\u2212", "\\text{\u2212")) else text


def display(lines: list[str]) -> str:
    """Aligned display maths; the $$ fences on lines of their own (components/mathml.py reads them so)."""
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}\n$$"
