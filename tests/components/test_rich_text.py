"""components.rich_text: paragraphs and bold, nothing else."""

from dash import html

from components.rich_text import rich_text


def test_paragraphs_and_bold():
    out = rich_text("Press **Step** to go on.\n\nThen **Play** or **Reset**.")
    assert [type(p) for p in out] == [html.P, html.P]
    first = out[0].children
    assert first[0] == "Press " and isinstance(first[1], html.B) and first[1].children == "Step"
    assert first[2] == " to go on."
    assert [c.children for c in out[1].children if isinstance(c, html.B)] == ["Play", "Reset"]


def test_text_is_never_markup():
    # A text is only ever text: angle brackets and stray asterisks stay as they are.
    out = rich_text("<script>alert(1)</script> 2 * 3 = 6")
    assert out[0].children == ["<script>alert(1)</script> 2 * 3 = 6"]
    assert rich_text("") == [] and rich_text("\n\n  \n\n") == []
