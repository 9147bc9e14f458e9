"""A person's own data from a CSV file, turned into an explicit DataSpec.

Two shapes are accepted:

- three columns: two numeric features and a label, either 0 or 1 (two classes) or the class of
  each example, written as a name ("setosa") or a whole number (several classes);
- two columns: one feature and a numeric target (regression).

The label column is read as follows.

- Labels that are all 0 or 1 are binary, as a sigmoid output is trained on: one target column.
- Any other labels are classes, 2 to `limits.MAX_OUTPUTS` of them (one output neuron each): y gets
  a column per class, one-hot, and the spec names the classes, as a softmax output is trained on.
  A number and a name are told apart by `float`; numbers are compared as numbers ("1" and "1.0" are
  one class, named "1") and must be whole, since a fraction is a target, not a class; names are
  compared exactly as written, spaces around them aside ("Setosa" and "setosa" are two classes).
- The classes are numbered, and so coloured and given their output neuron, in a fixed order:
  numbers in numeric order, then names in alphabetical order. Sorted rather than in order of first
  appearance, so that the same examples in another row order (a file sorted in a spreadsheet, a
  shuffled copy) give the same classes in the same places.

A header row is optional: a first row whose features (the first two of three columns, or both of
two) are not all numbers is a header, and its names are kept; a label alone may be text in any row.
Values may be separated by commas, semicolons or tabs; blank lines and spaces around values are
ignored. Every refusal is a LabInputError naming the row (as numbered in the file, 1-based, header
and blank lines included, so a person finds it in an editor or a spreadsheet) and the column.

Deliberately not here: more columns or targets, scaling (a column far from ±1 is trained on as
written, and `describe` suggests scaling it), guessing what a broken file meant (a misspelt class
is a class of its own, and `describe` lists them all), and anything but plain numbers in a feature
(values are read with `float`, never evaluated).
"""

import csv
import io
import math
from dataclasses import dataclass

from . import limits
from .datasets import EXPLICIT, DataSpec
from .errors import LabInputError

DELIMITERS = ("\t", ";", ",")  # on a tie the earlier wins: "1,5;2,5;0" is semicolons with decimal commas
DEFAULT_COLUMNS = {3: ("x₁", "x₂", "label"), 2: ("x", "target")}
SHAPES = {3: "3 (two features and a label)", 2: "2 (a feature and a target)"}
SMALL = 10  # below this many rows nothing is held back for testing
MAX_NAME = 40  # characters of a column name or an offending value shown back
FAR = 10  # |value| beyond which a column is worth scaling (see _scale_hint)


@dataclass(frozen=True)
class UploadedData:
    """A parsed upload: the spec to train on, a name per column and the number of data rows."""

    spec: DataSpec
    columns: tuple[str, ...]
    n_rows: int


def _short(text: str) -> str:
    return repr(text if len(text) <= MAX_NAME else text[: MAX_NAME - 3] + "...")


def _check_size(content) -> None:
    if isinstance(content, str):
        # Every character is at least one UTF-8 byte: a long text is refused before encoding it.
        size = len(content) if len(content) > limits.MAX_UPLOAD_BYTES else len(content.encode("utf-8", "replace"))
    elif isinstance(content, bytes):
        size = len(content)
    else:
        raise LabInputError(f"An upload must be the text of a CSV file, not {type(content).__name__}.")
    if size > limits.MAX_UPLOAD_BYTES:
        raise LabInputError(f"This file is {size:,} bytes; at most {limits.MAX_UPLOAD_BYTES:,} are allowed. "
                            f"Up to {limits.MAX_POINTS} rows of numbers fit easily.")


def _text(content) -> str:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LabInputError(f"This file is not UTF-8 text (unreadable byte at position {e.start}). "
                            "Save it as “CSV UTF-8” and upload it again.") from None


def _delimiter(text: str) -> str:
    """The separator used most on the first non-blank line (csv.Sniffer guesses wrongly on numbers)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(DELIMITERS, key=lambda d: (first.count(d), -DELIMITERS.index(d)))


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, stripped values) of every row that holds anything."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    try:
        for values in reader:
            values = [v.strip() for v in values]
            if any(values):  # blank lines, and rows of empty cells a spreadsheet leaves behind
                rows.append((reader.line_num, values))
    except csv.Error as e:
        raise LabInputError(f"Row {reader.line_num} could not be read as CSV: {str(e)[:80]}.") from None
    return rows


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _wrong_count(line: int, values: list[str], needed: str) -> LabInputError:
    n = len(values)
    hint = ""
    if n == 1:
        hint = " Separate values with commas, semicolons or tabs."
    elif not values[-1]:
        hint = " The last one is empty: remove the separator at the end of the line."
    return LabInputError(f"Row {line} has {n} value{'s' * (n != 1)}; every row needs {needed}.{hint}")


def _number(text: str, where: str) -> float:
    if not text:
        raise LabInputError(f"{where} is empty; every value must be a number.")
    try:
        value = float(text)
    except ValueError:
        hint = ""
        if _is_number(text.replace(",", ".", 1)):
            hint = f" Write decimals with a point: {text.replace(',', '.', 1)}."
        raise LabInputError(f"{where}: {_short(text)} is not a number.{hint}") from None
    if not math.isfinite(value):
        raise LabInputError(f"{where}: {_short(text)} is not a finite number; use ordinary numbers only.")
    if abs(value) > limits.MAX_ABS_VALUE:
        raise LabInputError(f"{where}: {_short(text)} is too large; values must be between "
                            f"{-limits.MAX_ABS_VALUE:,.0f} and {limits.MAX_ABS_VALUE:,.0f}.")
    return value


def _looks_numeric(text: str) -> bool:
    # A decimal comma ("1,5") counts, so its message says how to fix it instead of it turning
    # into a header name or a class name.
    return _is_number(text) or _is_number(text.replace(",", ".", 1))


def _label(text: str, where: str) -> float | str:
    """A label as the file gives it: a whole number (as a float) or the name of a class."""
    if not text:
        raise LabInputError(f"{where} is empty; every row needs a label: 0 or 1, or the name or number "
                            "of its class.")
    if _looks_numeric(text):
        value = _number(text, where)
        if value != int(value):
            raise LabInputError(f"{where}: the label is {text[:MAX_NAME]}, but a label is 0 or 1, or a class "
                                "written as a name or a whole number. For numeric targets use two columns: "
                                "a feature and a target.")
        return value
    if len(text) > MAX_NAME:
        raise LabInputError(f"{where}: the class name {_short(text)} has {len(text)} characters; at most "
                            f"{MAX_NAME} are allowed.")
    return text


def _class_name(label: float | str) -> str:
    return str(int(label)) if isinstance(label, float) else label  # 2.0 reads "2", -0.0 reads "0"


def _class_order(label: float | str) -> tuple:
    # Numbers first in numeric order, then names alphabetically (see the module docstring).
    return (0, label, "") if isinstance(label, float) else (1, 0.0, label)


def _targets(labels: list[tuple[int, float | str]], where: str) -> tuple[tuple, tuple[str, ...]]:
    """(y, class names) for the labels of every row, with the row's line: y a single 0/1 column and
    no names when every label is 0 or 1, else one-hot rows over 2 to MAX_OUTPUTS named classes."""
    if all(label in (0.0, 1.0) for _, label in labels):
        return tuple((label,) for _, label in labels), ()
    seen = {}  # the classes met so far, as keys: 1 and 1.0 are one key, and a name never equals a number
    for line, label in labels:
        if label not in seen and len(seen) == limits.MAX_OUTPUTS:
            so_far = ", ".join(_class_name(c) for c in sorted(seen, key=_class_order))
            raise LabInputError(
                f"Row {line}, {where}: {_class_name(label)!r} makes {limits.MAX_OUTPUTS + 1} classes; at most "
                f"{limits.MAX_OUTPUTS} are allowed, an output neuron each (the first {limits.MAX_OUTPUTS}: "
                f"{so_far}). Keep only the rows of at most {limits.MAX_OUTPUTS} classes; for a numeric target use "
                "two columns: a feature and a target.")
        seen[label] = None
    if len(seen) == 1:
        only = _class_name(labels[0][1])
        raise LabInputError(f"{where[0].upper()}{where[1:]} holds one class, {only!r}, in every row; telling "
                            "classes apart needs examples of at least 2. Add rows of another class.")
    classes = sorted(seen, key=_class_order)
    one_hot = {c: tuple(float(c == k) for k in classes) for c in classes}
    return tuple(one_hot[label] for _, label in labels), tuple(map(_class_name, classes))


def parse_csv(content: str | bytes) -> UploadedData:
    """Read an uploaded CSV into explicit data.

    Parameters
    ----------
    content : str or bytes
        The file. Bytes are decoded as UTF-8 (a byte-order mark is allowed). At most
        `limits.MAX_UPLOAD_BYTES` bytes, checked before anything is read, and
        `limits.MAX_POINTS` data rows.

    Returns
    -------
    UploadedData
        `spec` is DataSpec(name="explicit") with x of shape (n_rows, 2) and y of shape (n_rows, 1) for
        three columns with labels 0 or 1 (kind "classification"), y (n_rows, k) one-hot and
        `classes` naming the k classes for three columns with class labels (2 ≤ k ≤
        `limits.MAX_OUTPUTS`, ordered as the module docstring says), or x (n_rows, 1) and
        y (n_rows, 1) for two columns (kind "regression"); rows keep the file's order.
        test_fraction is 0.2 from 10 rows on, else 0. `columns` holds the header's names, or
        x₁, x₂, label / x, target without a header.

    Raises
    ------
    LabInputError
        Naming the row and column and what would fix it.
    """
    _check_size(content)
    rows = _rows(_text(content))
    if not rows:
        raise LabInputError("The file is empty. It needs rows of two numeric features and a label (0 or 1, "
                            "or the name or number of a class), or of a feature and a numeric target.")

    first_line, first = rows[0]
    n_cols = len(first)
    if n_cols not in SHAPES:
        raise _wrong_count(first_line, first, f"{SHAPES[3]} or {SHAPES[2]}")
    # Only the features decide: a label may be a name in any row ("5.1,3.5,setosa" is data).
    has_header = not all(map(_looks_numeric, first[:2]))
    if has_header:
        columns = tuple(name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…" for name in first)
        columns = tuple(name or default for name, default in zip(columns, DEFAULT_COLUMNS[n_cols]))
        rows = rows[1:]
        if not rows:
            raise LabInputError(f"The file has a header (row {first_line}) but no rows of numbers under it.")
    else:
        columns = DEFAULT_COLUMNS[n_cols]
    if len(rows) > limits.MAX_POINTS:
        raise LabInputError(f"The file has {len(rows)} rows of data; at most {limits.MAX_POINTS} are allowed.")

    # With a header, its names help a person find the column: "Row 7, column 2 (weight)".
    named = [f"column {j} ({name})" if has_header else f"column {j}" for j, name in enumerate(columns, start=1)]
    x, labels = [], []
    for line, values in rows:
        if len(values) != n_cols:
            raise _wrong_count(line, values, f"{SHAPES[n_cols]}, like row {first_line}")
        x.append(tuple(_number(v, f"Row {line}, {where}") for v, where in zip(values[:2], named)))
        if n_cols == 3:
            labels.append((line, _label(values[2], f"Row {line}, {named[2]}")))

    if n_cols == 3:
        y, classes = _targets(labels, named[2])
    else:
        x, y, classes = [row[:1] for row in x], [row[1:] for row in x], ()
    n = len(x)
    spec = DataSpec(
        name=EXPLICIT,
        x=tuple(x),
        y=tuple(y),
        test_fraction=0.2 if n >= SMALL else 0.0,
        seed=0,
        kind="classification" if n_cols == 3 else "regression",
        classes=classes,
    )
    return UploadedData(spec, columns, n)


def describe(uploaded: UploadedData) -> str:
    """One plain sentence about the upload and how it will be split for training and testing."""
    n, names, spec = uploaded.n_rows, uploaded.columns, uploaded.spec
    if spec.classes:
        shape = f"two features ({names[0]}, {names[1]}) and a class ({names[2]}: {', '.join(spec.classes)})"
    elif spec.kind == "classification":
        shape = f"two features ({names[0]}, {names[1]}) and a label ({names[2]}, 0 or 1)"
    else:
        shape = f"one feature ({names[0]}) and a numeric target ({names[1]})"
    n_test = min(round(n * spec.test_fraction), n - 1)  # make_dataset's rule
    if n_test:
        split = f"{n - n_test} for training and {n_test} held back for testing"
    else:
        split = f"all for training (from {SMALL} rows on, a fifth is held back for testing)"
    return f"Your data: {n} row{'s' * (n != 1)}, {shape}: {split}.{_scale_hint(uploaded)}"


def _scale_hint(uploaded: UploadedData) -> str:
    """A word on columns far from ±1, which the lab trains on as written but slowly.

    A sigmoid or tanh unit saturates when its input is large, and a target of 3000 needs output
    weights in the thousands: both take many small steps. Scaling is the person's to choose.
    """
    spec = uploaded.spec
    columns = list(zip(*spec.x))
    if spec.kind == "regression":
        columns.append(tuple(row[0] for row in spec.y))
    far = [(name, max(abs(v) for v in values)) for name, values in zip(uploaded.columns, columns)]
    far = [(name, top) for name, top in far if top > FAR]
    if not far:
        return ""
    name, top = max(far, key=lambda item: item[1])
    divisor = 10 ** math.floor(math.log10(top))
    return (f" Values of {name} reach {top:g}: a network learns fastest when its inputs and targets lie roughly "
            f"between −1 and 1, so dividing that column by {divisor:g} would speed training up.")
