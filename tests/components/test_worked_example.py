"""The worked-example table: one row per published value, ✓/✗ as text, and a check that can fail."""

import pytest

import engine
from components.worked_example import CAPTION, HEADER, nine_digits, worked_example_table
from engine.presets import worked_example
from engine.worked_example import ERROR_AFTER, PUBLISHED, WEIGHTS


def cells(tr) -> list:
    return [c.children for c in tr.children]


def body_rows(table, class_name=None) -> list:
    tbody = table.children[-1]
    return [tr for tr in tbody.children if class_name is None or tr.className == class_name]


def value_rows(table) -> list:
    return [tr for tr in body_rows(table) if tr.className in ("match", "mismatch")]


def test_caption_and_header():
    table = worked_example_table()
    caption, thead, _ = table.children
    assert table.className == "worked-table"
    assert caption.children == CAPTION
    assert "classic step-by-step worked example of backpropagation" in CAPTION
    assert "computed live by this app's engine" in CAPTION
    assert cells(thead.children) == list(HEADER)


def test_one_row_per_published_value_all_checked_for_the_preset():
    rows = value_rows(worked_example_table())
    assert len(rows) == len(PUBLISHED) == 20
    assert [cells(tr)[0] for tr in rows] == [p[1] for p in PUBLISHED]
    marks = {cells(tr)[0]: cells(tr)[-1] for tr in rows}
    # Every value the walk-through publishes is ✓, except the one it computed another way (engine test
    # test_the_published_error_after_the_update_is_explained): that row says ✗, with its reason below it.
    assert [name for name, mark in marks.items() if mark != "✓"] == [ERROR_AFTER]
    assert marks[ERROR_AFTER] == "✗"
    notes = body_rows(worked_example_table(), "worked-note")
    assert len(notes) == 1 and "0.291027924" in notes[0].children.children


def test_sections_head_their_rows():
    sections = [tr.children.children for tr in body_rows(worked_example_table(), "worked-section")]
    assert sections == ["Forward pass", "Loss", "Gradients", "Updated weights"]


def test_ours_in_nine_digits_beside_the_published_digits():
    by_name = {cells(tr)[0]: cells(tr) for tr in value_rows(worked_example_table())}
    # out_o1 = σ(1.105905967) = 0.7513650696 → nine significant digits 0.751365070; published 0.75136507.
    assert by_name["out_o1"] == ["out_o1", "o₁", "0.751365070", "0.75136507", "✓"]
    # net_h1 = 0.15·0.05 + 0.20·0.10 + 0.35 = 0.3775 exactly; trailing zeros kept so the digits line up.
    assert by_name["net_h1"][2:4] == ["0.377500000", "0.3775"]
    assert by_name["∂E/∂w1"][2:4] == ["0.000438567734", "0.000438568"]
    assert by_name["w7⁺"][2:4] == ["0.511301270", "0.511301270"]


def test_a_changed_weight_shows_a_cross():
    state = worked_example()
    # w5 = 0.40 → 0.41: net_o1 = 0.41·0.593269992 + 0.45·0.596884378 + 0.60 = 1.111838667, not 1.105905967.
    nudged = state.replace(params=WEIGHTS["w5"].set(state.params, 0.41))
    marks = {cells(tr)[0]: cells(tr)[-1] for tr in value_rows(worked_example_table(nudged))}
    assert marks["net_o1"] == "✗" and marks["out_o1"] == "✗" and marks["w5⁺"] == "✗"
    assert marks["out_h1"] == "✓"  # the hidden layer does not see w5
    mismatches = [tr for tr in value_rows(worked_example_table(nudged)) if tr.className == "mismatch"]
    assert all(cells(tr)[-1] == "✗" for tr in mismatches)


def test_marks_carry_words_on_hover():
    row = value_rows(worked_example_table())[0]
    assert row.children[-1].title == "agrees to the 4 published decimals"


def test_nine_digits():
    assert nine_digits(0.3775) == "0.377500000"
    assert nine_digits(-0.0226025405) == "−0.0226025405"
    assert nine_digits(float("nan")) == "—"


def test_another_shape_is_refused():
    with pytest.raises(engine.LabInputError):
        worked_example_table(engine.PRESETS["circle"].state())
