"""Tests for engine.csv_data: a person's own CSV becomes explicit data, or one clear message.

Every refusal is checked word for word, with the row as numbered in the file (header and blank lines
counted) and the column, so a student can find it.
"""

import csv
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import csv_data, limits
from engine.csv_data import UploadedData, describe, parse_csv
from engine.datasets import make_dataset
from engine.errors import LabInputError


def refused(content) -> str:
    with pytest.raises(LabInputError) as e:
        parse_csv(content)
    return str(e.value)


# --- files that are accepted -----------------------------------------------------------------------

def test_three_columns_without_header_is_classification():
    up = parse_csv("1,2,0\n3.5,-4,1\n")
    assert up == UploadedData(up.spec, ("x₁", "x₂", "label"), 2)
    assert up.spec.name == "explicit" and up.spec.kind == "classification"
    assert up.spec.x == ((1.0, 2.0), (3.5, -4.0)) and up.spec.y == ((0.0,), (1.0,))
    assert up.spec.test_fraction == 0.0 and up.spec.seed == 0


def test_three_columns_with_header_keeps_the_names():
    up = parse_csv("height,weight,label\n1.5,60,1\n1.8,80,0\n")
    assert up.columns == ("height", "weight", "label") and up.n_rows == 2
    assert up.spec.x == ((1.5, 60.0), (1.8, 80.0)) and up.spec.y == ((1.0,), (0.0,))


def test_two_columns_are_regression_with_or_without_header():
    plain = parse_csv("0,1\n0.5,2.25\n")
    named = parse_csv("time,distance\n0,1\n0.5,2.25\n")
    assert plain.columns == ("x", "target") and named.columns == ("time", "distance")
    for up in (plain, named):
        assert up.spec.kind == "regression" and up.n_rows == 2
        assert up.spec.x == ((0.0,), (0.5,)) and up.spec.y == ((1.0,), (2.25,))


@pytest.mark.parametrize("text", [
    "a;b;c\n1;2;0\n3;4;1\n",  # semicolons
    "a\tb\tc\n1\t2\t0\n3\t4\t1\n",  # tabs
    "a,b,c\r\n1,2,0\r\n3,4,1\r\n",  # Windows line ends
    "\ufeffa,b,c\n1,2,0\n3,4,1\n",  # a byte-order mark in text
    "\n a , b , c \n\n 1 ,2, 0\n\n\n3,4 ,1\n\n",  # blank lines and spaces
    'a,b,c\n,,\n"1","2","0"\n , ,\n3,4,1',  # rows of empty cells, quoted numbers, no final newline
])
def test_every_accepted_spelling_gives_the_same_data(text):
    for content in (text, text.encode("utf-8")):
        up = parse_csv(content)
        assert up.columns == ("a", "b", "c") and up.n_rows == 2
        assert up.spec.x == ((1.0, 2.0), (3.0, 4.0)) and up.spec.y == ((0.0,), (1.0,))


def test_a_byte_order_mark_in_bytes_is_not_part_of_the_first_name():
    assert parse_csv(b"\xef\xbb\xbfx,y\n1,2\n").columns == ("x", "y")


def test_semicolons_win_a_tie_with_decimal_commas():
    # "1,5;2,5;0": two of each separator; semicolons it is, and the decimal comma gets a hint.
    # Such a first row is data, not a header, so the message points at it.
    assert refused("1,5;2,5;0\n") == "Row 1, column 1: '1,5' is not a number. Write decimals with a point: 1.5."
    assert refused("a;b;c\n1;2,5;0\n") == ("Row 2, column 2 (b): '2,5' is not a number. "
                                           "Write decimals with a point: 2.5.")


def test_empty_header_names_take_the_default():
    assert parse_csv("size,,\n1,2,0\n").columns == ("size", "x₂", "label")


def test_long_header_names_are_shortened():
    assert parse_csv("n" * 100 + ",y\n1,2\n").columns == ("n" * 39 + "…", "y")


def test_values_at_the_limit_are_accepted():
    up = parse_csv("1e6,-1000000\n")
    assert up.spec.x == ((1e6,),) and up.spec.y == ((-1e6,),)


def test_labels_may_be_written_as_floats():
    assert parse_csv("1,2,1.0\n3,4,0.0\n").spec.y == ((1.0,), (0.0,))


# --- the split, and the sentence that describes it ------------------------------------------------------

def test_describe_a_named_classification_file():
    # 150 rows: round(150 · 0.2) = 30 held back, 120 to train on.
    rows = "".join(f"{i},{2 * i},{i % 2}\n" for i in range(150))
    up = parse_csv("height,weight,label\n" + rows)
    assert up.spec.test_fraction == 0.2
    assert describe(up) == ("Your data: 150 rows, two features (height, weight) and a label (label, 0 or 1): "
                            "120 for training and 30 held back for testing. Values of weight reach 298: a network "
                            "learns fastest when its inputs and targets lie roughly between −1 and 1, so dividing "
                            "that column by 100 would speed training up.")


def test_describe_a_small_regression_file():
    up = parse_csv("1,2\n")
    assert describe(up) == ("Your data: 1 row, one feature (x) and a numeric target (target): all for training "
                            "(from 10 rows on, a fifth is held back for testing).")


@pytest.mark.parametrize("n", [1, 2, 9, 10, 12, 13, 17, 150, 2000])
def test_describe_agrees_with_make_dataset(n):
    # 12 · 0.2 = 2.4 -> 2; 13 · 0.2 = 2.6 -> 3; 17 · 0.2 = 3.4 -> 3; below 10 rows nothing is held back.
    up = parse_csv("".join(f"{i},{i / 2}\n" for i in range(n)))
    data = make_dataset(up.spec)
    n_train, n_test = len(data.x_train), len(data.x_test)
    assert n_train + n_test == n
    if n_test:
        assert f"{n_train} for training and {n_test} held back" in describe(up)
    else:
        assert "all for training" in describe(up) and n < 10


# --- refusals, word for word --------------------------------------------------------------------------

def test_not_a_number_names_row_and_column():
    # Row 7 of the file: the header, a blank line and four data rows come before it.
    text = "x,y\n\n1,2\n3,4\n5,6\n7,8\n9,abc\n"
    assert refused(text) == "Row 7, column 2 (y): 'abc' is not a number."
    assert refused("1,2\n\n3,abc\n") == "Row 3, column 2: 'abc' is not a number."


def test_a_long_offending_value_is_shortened():
    message = refused("1,2\n3," + "q" * 500 + "\n")
    assert message == "Row 2, column 2: '" + "q" * 37 + "...' is not a number."


def test_an_empty_value():
    assert refused("a,b,c\n1,,0\n") == "Row 2, column 2 (b) is empty; every value must be a number."


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity"])
def test_non_finite_values(value):
    assert refused(f"1,2\n3,{value}\n") == (f"Row 2, column 2: '{value}' is not a finite number; "
                                            "use ordinary numbers only.")


@pytest.mark.parametrize("value", ["1e7", "-1000001", "1000000.5"])
def test_values_beyond_the_limit(value):
    assert refused(f"{value},2\n") == (f"Row 1, column 1: '{value}' is too large; values must be between "
                                       "-1,000,000 and 1,000,000.")


@pytest.mark.parametrize("label", ["2", "0.5", "-1"])
def test_labels_must_be_0_or_1(label):
    assert refused(f"f,g,class\n1,2,0\n3,4,{label}\n") == (
        f"Row 3, column 3 (class): the label is {label}, but labels must be 0 or 1. "
        "For numeric targets use two columns: a feature and a target.")


def test_a_row_with_the_wrong_number_of_values():
    assert refused("1,2,0\n1,2,0\n\n1,2,3,4\n") == (
        "Row 4 has 4 values; every row needs 3 (two features and a label), like row 1.")
    assert refused("x,y\n1,2\n1,2,3\n") == "Row 3 has 3 values; every row needs 2 (a feature and a target), like row 1."


def test_a_first_row_that_fits_neither_shape():
    assert refused("\n1,2,3,4\n") == (
        "Row 2 has 4 values; every row needs 3 (two features and a label) or 2 (a feature and a target).")
    assert refused("1 2 3\n") == ("Row 1 has 1 value; every row needs 3 (two features and a label) or 2 "
                                  "(a feature and a target). Separate values with commas, semicolons or tabs.")


def test_a_separator_at_the_end_of_the_line_gets_a_hint():
    assert refused("1,2,0,\n") == (
        "Row 1 has 4 values; every row needs 3 (two features and a label) or 2 (a feature and a target). "
        "The last one is empty: remove the separator at the end of the line.")


@pytest.mark.parametrize("content", ["", b"", "\n \n\r\n", "\ufeff", b"\xef\xbb\xbf", ",,\n,,\n"])
def test_an_empty_file(content):
    assert refused(content) == ("The file is empty. It needs rows of numbers: two features and a label (0 or 1), "
                                "or a feature and a target.")


def test_a_header_with_no_rows():
    assert refused("\nx,y,label\n\n") == "The file has a header (row 2) but no rows of numbers under it."


def test_not_utf8():
    # Excel's "Unicode text" is UTF-16: its byte-order mark FF FE is not UTF-8.
    assert refused(b"\xff\xfex\x00,\x00y\x00") == ("This file is not UTF-8 text (unreadable byte at position 0). "
                                                  "Save it as “CSV UTF-8” and upload it again.")


@pytest.mark.parametrize("content", [None, 5, ["1,2"], bytearray(b"1,2")])
def test_not_text(content):
    assert refused(content) == f"An upload must be the text of a CSV file, not {type(content).__name__}."


def test_a_field_too_long_for_the_csv_reader():
    # csv refuses a field over 131,072 characters; the file is still within the byte limit.
    assert refused("x,y\n1," + "1" * 140_000 + "\n").startswith("Row 2 could not be read as CSV: field larger")


# --- the row limit -------------------------------------------------------------------------------

def test_exactly_max_points_rows_are_accepted():
    up = parse_csv("a,b,c\n" + "0.5,-0.5,1\n" * limits.MAX_POINTS)
    assert up.n_rows == limits.MAX_POINTS == 2000
    assert len(up.spec.x) == 2000 and up.spec.y[-1] == (1.0,)


def test_one_row_more_is_refused():
    assert refused("a,b,c\n" + "0.5,-0.5,1\n" * 2001) == "The file has 2001 rows of data; at most 2000 are allowed."


def test_the_row_limit_comes_before_a_bad_value():
    # A person has to cut the file anyway; a typo in row 2500 is the next thing to fix.
    assert refused("1,2\n" * 2500 + "1,abc\n").startswith("The file has 2501 rows of data")


# --- the byte limit, checked before anything is read ---------------------------------------------------

@pytest.fixture
def no_reading(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(csv, "reader", boom)
    monkeypatch.setattr(csv_data, "_text", boom)


def test_exactly_max_upload_bytes_are_accepted():
    row = "1." + "0" * 95 + ",2\n"  # 100 bytes
    text = row * 2000
    assert len(text.encode()) == limits.MAX_UPLOAD_BYTES == 200_000
    assert parse_csv(text.encode()).n_rows == 2000


@pytest.mark.parametrize("content", [b"1,2\n" * 50_001, "1,2\n" * 50_001, b"x" * 10_000_000])
def test_too_many_bytes_are_refused_unread(content, no_reading):
    size = len(content)
    assert refused(content) == (f"This file is {size:,} bytes; at most 200,000 are allowed. "
                                "Up to 2000 rows of numbers fit easily.")


def test_text_is_measured_in_utf8_bytes(no_reading):
    # 140,007 characters, within the limit as characters; é and ü take 2 bytes each: 280,007 bytes.
    text = "é" * 70_000 + "ü" * 70_000 + ",y\n1,2\n"
    assert refused(text).startswith("This file is 280,007 bytes;")


# --- properties -------------------------------------------------------------------------------------

finite = st.floats(-limits.MAX_ABS_VALUE, limits.MAX_ABS_VALUE, allow_nan=False, allow_infinity=False)
tables = st.one_of(
    st.lists(st.tuples(finite, finite, st.sampled_from([0.0, 1.0])), min_size=1, max_size=40),
    st.lists(st.tuples(finite, finite), min_size=1, max_size=40),
)


@settings(max_examples=200, deadline=None)
@given(tables, st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_any_table_of_finite_floats_round_trips(rows, delimiter, newline):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows([repr(v) for v in row] for row in rows)
    up = parse_csv(buffer.getvalue())
    assert up.n_rows == len(rows)
    got = np.hstack([np.array(up.spec.x), np.array(up.spec.y)])
    np.testing.assert_array_equal(got, np.array(rows))  # exact: repr round-trips every float


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=st.sampled_from("01.,;\t\n\r -eaxn\"\x00é\ufeff")), st.binary()))
def test_anything_is_accepted_or_refused_with_a_message(content):
    try:
        up = parse_csv(content)
    except LabInputError as e:
        assert str(e) and "Traceback" not in str(e)
    else:
        assert 1 <= up.n_rows == len(up.spec.x) <= limits.MAX_POINTS
