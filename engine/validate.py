"""Checks for untrusted plain-JSON values, shared by every `from_dict`.

Each function returns the checked value or raises LabInputError naming the
field, what was given and what is allowed. Nothing here knows about networks.
"""

import math

from .errors import LabInputError
from .limits import MAX_ABS_VALUE

MAX_DEPTH = 8
MAX_NODES = 200_000
MAX_CHARS = 10_000  # of any one text in a lab state
_NUMBERS = {int, float, bool, type(None)}


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_size(value, what: str = "the lab state", *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES,
               max_chars: int = MAX_CHARS, max_items: int | None = None) -> None:
    """Refuse deeply nested or huge values before any other work is done, and text that is not
    text: JSON may carry a lone surrogate ("\\ud800"), which no UTF-8 answer can echo back.

    max_nodes counts every value and every object key; max_chars bounds each text and key;
    max_items (if given) each list's or object's length.
    """
    budget = max_nodes
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise LabInputError(f"{what} is too large (more than {max_nodes} values).")
        if depth > max_depth:
            raise LabInputError(f"{what} is nested too deeply (more than {max_depth} levels).")
        if isinstance(item, (dict, list, tuple)):
            if max_items is not None and len(item) > max_items:
                raise LabInputError(f"{what} has a list of {len(item)} items; at most {max_items} are allowed.")
            if isinstance(item, dict):
                budget -= len(item)
                for key in item:
                    if isinstance(key, str):
                        _check_text(key, what, max_chars)
                stack.extend((v, depth + 1) for v in item.values())
            elif item and set(map(type, item)) <= _NUMBERS:
                # A row of numbers (most of a lab: data, weights, history) is counted at C speed.
                if depth + 1 > max_depth:
                    raise LabInputError(f"{what} is nested too deeply (more than {max_depth} levels).")
                budget -= len(item)
                if budget < 0:
                    raise LabInputError(f"{what} is too large (more than {max_nodes} values).")
            else:
                stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str):
            _check_text(item, what, max_chars)


def _check_text(item: str, what: str, max_chars: int) -> None:
    if len(item) > max_chars:
        raise LabInputError(f"{what} contains a text of {len(item)} characters; at most {max_chars} are allowed.")
    if not item.isascii():
        try:
            item.encode("utf-8")
        except UnicodeEncodeError:
            raise LabInputError(f"{what} contains a broken character (a lone UTF-16 surrogate).") from None


def mapping(value, field: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        raise LabInputError(f"{field} must be an object, not {type(value).__name__}.")
    unknown = sorted(str(k) for k in value if k not in required and k not in optional)
    if unknown:
        raise LabInputError(f"{field} has unknown field(s): {', '.join(unknown[:5])}.")
    missing = [k for k in required if k not in value]
    if missing:
        raise LabInputError(f"{field} is missing: {', '.join(missing)}.")
    return value


def integer(value, field: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise LabInputError(f"{field} must be a whole number from {lo} to {hi}, not {_short(value)}.")
    if not lo <= value <= hi:
        raise LabInputError(f"{field} must be from {lo} to {hi}; {value} is outside.")
    return value


def number(value, field: str, lo: float = -MAX_ABS_VALUE, hi: float = MAX_ABS_VALUE) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LabInputError(f"{field} must be a number, not {_short(value)}.")
    if isinstance(value, int) and abs(value) > 2**63:  # float() of a huge integer overflows
        raise LabInputError(f"{field} must be from {lo:g} to {hi:g}; {_short(value)} is outside.")
    value = float(value)
    if not math.isfinite(value):
        raise LabInputError(f"{field} must be a finite number, not {value}.")
    if not lo <= value <= hi:
        raise LabInputError(f"{field} must be from {lo:g} to {hi:g}; {value:g} is outside.")
    return value


def boolean(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise LabInputError(f"{field} must be true or false, not {_short(value)}.")
    return value


def text(value, field: str, max_length: int = 200) -> str:
    if not isinstance(value, str) or len(value) > max_length:
        raise LabInputError(f"{field} must be a text of at most {max_length} characters.")
    _check_text(value, field, max_length)
    return value


def choice(value, field: str, allowed) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise LabInputError(f"{field} must be one of {', '.join(allowed)}; {_short(value)} is not.")
    return value


def sequence(value, field: str, min_length: int, max_length: int) -> list:
    if not isinstance(value, (list, tuple)):
        raise LabInputError(f"{field} must be a list, not {type(value).__name__}.")
    if not min_length <= len(value) <= max_length:
        raise LabInputError(f"{field} must have {min_length} to {max_length} items, not {len(value)}.")
    return list(value)


def matrix(value, field: str, shape: tuple[int, ...]):
    """A nested list of finite numbers with exactly this shape, as a float64 array."""
    import numpy as np

    def walk(item, dims, where):
        if not dims:
            return number(item, where)
        rows = sequence(item, where, dims[0], dims[0])
        return [walk(r, dims[1:], f"{where}[{i}]") for i, r in enumerate(rows)]

    return np.array(walk(value, shape, field), dtype=float).reshape(shape)
