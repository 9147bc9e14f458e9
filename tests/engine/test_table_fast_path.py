"""engine/datasets.py reads a table of plain numbers at C speed: it must give exactly what the
value-by-value check gives, and leave every other table to it (which names what is wrong)."""

import math

from hypothesis import given
from hypothesis import strategies as st

from engine import datasets, limits, validate

NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**20), 10**20),
                    st.booleans(), st.text(max_size=2), st.none())


def slow(rows, max_columns):
    out = []
    for row in rows:
        row = validate.sequence(row, "x", 1, max_columns)
        if out and len(row) != len(out[0]):
            raise ValueError("ragged")
        out.append(tuple(validate.number(v, "x") for v in row))
    return tuple(out)


@given(st.lists(st.lists(NUMBERS, min_size=0, max_size=4), min_size=1, max_size=6))
def test_the_fast_path_agrees_with_the_check_of_every_value(rows):
    fast = datasets._plain_table(rows, 3)
    if fast is None:
        return
    assert fast == slow(rows, 3)
    assert all(type(v) is float and math.isfinite(v) for row in fast for v in row)


def test_the_fast_path_takes_plain_rows_and_leaves_the_rest():
    assert datasets._plain_table([[1, 2.5], [3, -4]], 2) == ((1.0, 2.5), (3.0, -4.0))
    for other in ([[1, True]], [[1], [1, 2]], [[float("nan")]], [[limits.MAX_ABS_VALUE * 2]], [[10**400]], [[]],
                  [[1, 2, 3]], [(1,), "a"]):
        assert datasets._plain_table(other, 2) is None
