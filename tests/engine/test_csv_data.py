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


# --- class labels: names or whole numbers, one-hot targets -------------------------------------------

IRIS = """sepal length,sepal width,species
5.1,3.5,setosa
7.0,3.2,versicolor
6.3,3.3,virginica
 4.9 , 3.0 , setosa
6.4,3.2,versicolor
"""


def test_three_classes_named_in_a_header_file():
    up = parse_csv(IRIS)
    assert up == UploadedData(up.spec, ("sepal length", "sepal width", "species"), 5)
    spec = up.spec
    assert spec.name == "explicit" and spec.kind == "classification" and spec.test_fraction == 0.0
    assert spec.classes == spec.class_names() == ("setosa", "versicolor", "virginica")
    assert spec.x == ((5.1, 3.5), (7.0, 3.2), (6.3, 3.3), (4.9, 3.0), (6.4, 3.2))
    # One column per class, in the order above; a 1 in the row's own class. " setosa " is setosa.
    assert spec.y == ((1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 0, 0), (0, 1, 0))
    data = make_dataset(spec)
    assert data.classes == spec.classes and data.y_train.shape == (5, 3) and spec.output_size() == 3


def test_class_names_are_sorted_whatever_the_row_order():
    # The same examples upside down: the same classes in the same columns, so the same colours.
    head, *rows = IRIS.splitlines()
    up = parse_csv("\n".join([head, *rows[::-1]]))
    assert up.spec.classes == ("setosa", "versicolor", "virginica")
    assert up.spec.y == ((0, 1, 0), (1, 0, 0), (0, 0, 1), (0, 1, 0), (1, 0, 0))


def test_classes_without_a_header():
    # "5.1,3.5,setosa" has numeric features: it is data, not a header, though its label is text.
    up = parse_csv("5.1,3.5,setosa\n4.9,3.0,virginica\n")
    assert up.columns == ("x₁", "x₂", "label") and up.n_rows == 2
    assert up.spec.classes == ("setosa", "virginica") and up.spec.y == ((1, 0), (0, 1))


def test_two_named_classes_are_one_hot_too():
    # Any labels but 0 and 1 are classes: two names give two columns, for a softmax of two.
    up = parse_csv("a,b,answer\n1,2,yes\n3,4,no\n5,6,yes\n")
    assert up.spec.classes == ("no", "yes") and up.spec.y == ((0, 1), (1, 0), (0, 1))


def test_numeric_classes_in_numeric_order_named_as_they_read():
    # 10 sorts after 2 as a number (as text it would not); 2.0 and 2 are one class, named "2".
    up = parse_csv("1,1,10\n2,2,2.0\n3,3,0\n4,4,2\n5,5,-1\n")
    assert up.spec.classes == ("-1", "0", "2", "10")
    assert up.spec.y == ((0, 0, 0, 1), (0, 0, 1, 0), (0, 1, 0, 0), (0, 0, 1, 0), (1, 0, 0, 0))


def test_classes_0_1_2():
    up = parse_csv("x,y,digit\n0.1,0.2,0\n0.3,0.4,1\n0.5,0.6,2\n0.7,0.8,1.0\n")
    assert up.spec.classes == ("0", "1", "2")
    assert up.spec.y == ((1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 1, 0))


@pytest.mark.parametrize("labels", [("0", "1"), ("1.0", "0.0"), ("0", "0"), ("1", "1")])
def test_labels_all_0_or_1_stay_binary(labels):
    # One 0/1 column for a sigmoid, as before classes existed (a single class included).
    up = parse_csv(f"1,2,{labels[0]}\n3,4,{labels[1]}\n")
    assert up.spec.classes == () and up.spec.kind == "classification"
    assert up.spec.y == ((float(labels[0]),), (float(labels[1]),))


def test_numbers_come_before_names():
    up = parse_csv("1,1,other\n2,2,3\n3,3,1\n")
    assert up.spec.classes == ("1", "3", "other") and up.spec.y == ((0, 0, 1), (0, 1, 0), (1, 0, 0))


def test_names_are_compared_as_written():
    # Not guessed at: a capital makes another class, and describe lists both.
    up = parse_csv("s,t,kind\n1,2,Setosa\n3,4,setosa\n")
    assert up.spec.classes == ("Setosa", "setosa")
    assert describe(up).startswith("Your data: 2 rows, two features (s, t) and a class (kind: Setosa, setosa)")


def test_describe_names_the_classes():
    assert describe(parse_csv(IRIS)) == (
        "Your data: 5 rows, two features (sepal length, sepal width) and a class (species: setosa, versicolor, "
        "virginica): all for training (from 10 rows on, a fifth is held back for testing).")


def test_four_classes_are_accepted_and_a_fifth_is_refused():
    four = "".join(f"{i},{i},{c}\n" for i, c in enumerate("abcd"))
    assert parse_csv(four).spec.classes == ("a", "b", "c", "d") == tuple("abcd")[: limits.MAX_OUTPUTS]
    # The row where the fifth class first appears (row 6: after the header and four rows).
    assert refused("u,v,w\n" + four + "5,5,e\n6,6,a\n") == (
        "Row 6, column 3 (w): 'e' makes 5 classes; at most 4 are allowed, an output neuron each (the first 4: "
        "a, b, c, d). Keep only the rows of at most 4 classes; for a numeric target use two columns: "
        "a feature and a target.")


def test_whole_numeric_targets_are_refused_as_too_many_classes():
    assert refused("".join(f"{i},{i},{i * 10}\n" for i in range(8))) == (
        "Row 5, column 3: '40' makes 5 classes; at most 4 are allowed, an output neuron each (the first 4: "
        "0, 10, 20, 30). Keep only the rows of at most 4 classes; for a numeric target use two columns: "
        "a feature and a target.")


@pytest.mark.parametrize("text, column, label", [
    ("a,b,species\n1,2,setosa\n3,4,setosa\n", "Column 3 (species)", "'setosa'"),
    ("1,2,7\n", "Column 3", "'7'"),
])
def test_one_class_is_refused(text, column, label):
    assert refused(text) == (f"{column} holds one class, {label}, in every row; telling classes apart needs "
                             "examples of at least 2. Add rows of another class.")


def test_a_blank_label_is_refused():
    assert refused("a,b,species\n1,2,setosa\n\n3,4, \n") == (
        "Row 4, column 3 (species) is empty; every row needs a label: 0 or 1, or the name or number of its class.")


def test_a_long_class_name_is_refused():
    assert refused("1,2,a\n3,4," + "q" * 41 + "\n") == (
        "Row 2, column 3: the class name '" + "q" * 37 + "...' has 41 characters; at most 40 are allowed.")


def test_features_must_still_be_numbers():
    assert refused("a,b,species\n1,2,setosa\n3,tall,virginica\n") == "Row 3, column 2 (b): 'tall' is not a number."


@pytest.mark.parametrize("label, message", [
    ("nan", "'nan' is not a finite number; use ordinary numbers only."),
    ("2e6", "'2e6' is too large; values must be between -1,000,000 and 1,000,000."),
])
def test_numeric_labels_are_checked_as_numbers(label, message):
    assert refused(f"1,2,a\n3,4,{label}\n") == f"Row 2, column 3: {message}"


def test_a_decimal_comma_in_a_label_gets_its_hint():
    assert refused("1;2;a\n3;4;2,0\n") == "Row 2, column 3: '2,0' is not a number. Write decimals with a point: 2.0."


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


@pytest.mark.parametrize("label", ["0.5", "-1.25", "2.000001"])
def test_a_fraction_is_a_target_not_a_label(label):
    assert refused(f"f,g,class\n1,2,0\n3,4,{label}\n") == (
        f"Row 3, column 3 (class): the label is {label}, but a label is 0 or 1, or a class written as a name "
        "or a whole number. For numeric targets use two columns: a feature and a target.")


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
    assert refused(content) == ("The file is empty. It needs rows of two numeric features and a label (0 or 1, "
                                "or the name or number of a class), or of a feature and a numeric target.")


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


names = st.text(st.characters(codec="utf-8", exclude_characters=",;\t\r\n\"'"), min_size=1, max_size=12).map(
    str.strip).filter(lambda s: s and not csv_data._looks_numeric(s))
labels = st.one_of(names, st.integers(-5, 12))


@settings(max_examples=200, deadline=None)
@given(st.lists(labels, min_size=2, max_size=limits.MAX_OUTPUTS, unique=True),
       st.lists(st.tuples(finite, finite, st.integers(0, 3)), min_size=0, max_size=30),
       st.sampled_from([",", ";", "\t"]), st.booleans())
def test_any_class_labels_round_trip(classes, rows, delimiter, as_float):
    # Every class at least once, then rows of any of them; whole numbers written as 2 or 2.0.
    if set(classes) <= {0, 1}:
        classes = [*classes, "other"]  # all 0 and 1 would be binary, tested above
    chosen = list(classes) + [classes[k % len(classes)] for *_, k in rows]
    table = [(0.5, -0.5)] * len(classes) + [row[:2] for row in rows]
    written = [f"{c}.0" if as_float and isinstance(c, int) else str(c) for c in chosen]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([repr(a), repr(b), c] for (a, b), c in zip(table, written))
    up = parse_csv(buffer.getvalue())

    expected = sorted(classes, key=lambda c: (0, c, "") if isinstance(c, int) else (1, 0, c))
    assert up.spec.classes == tuple(map(str, expected)) and up.n_rows == len(chosen)
    np.testing.assert_array_equal(np.array(up.spec.x), np.array(table))
    np.testing.assert_array_equal(np.array(up.spec.y), np.eye(len(classes))[[expected.index(c) for c in chosen]])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=st.sampled_from("01.,;\t\n\r -eaxn\"\x00é\ufeff")), st.binary()))
def test_anything_is_accepted_or_refused_with_a_message(content):
    try:
        up = parse_csv(content)
    except LabInputError as e:
        assert str(e) and "Traceback" not in str(e)
    else:
        assert 1 <= up.n_rows == len(up.spec.x) <= limits.MAX_POINTS
