"""app.maths.maths_panel as a plain function: only the visible tab is computed, for the selected
weight, and anything odd from the browser becomes a message or a sensible default."""

import pytest

import engine
from app.actions import param_or_weight
from app.maths import maths_panel
from components.equations import equations_markdown
from components.mathml import equations_html


def default():
    return engine.PRESETS["default"].state()


def test_the_equations_tab_explains_the_selected_weight_only():
    state = default()
    out = maths_panel(state, "equations", "W2[0,0]", values_per_weight=1000)
    assert set(out) == {"maths-selected", "equations-html"}
    assert "h₁ to o₁ (W2[0,0])" in out["maths-selected"]
    # HTML with MathML, which the browser draws itself: no typesetting script comes to the page.
    assert out["equations-html"] == equations_html(equations_markdown(state, engine.ParamRef.parse("W2[0,0]",
                                                                                                   state.spec)))
    assert out["equations-html"].startswith("<h3>w from h₁ to o₁</h3>") and "<math display=\"block\">" in out["equations-html"]


def test_a_bias_explains_its_neuron():
    out = maths_panel(default(), "blame", "b1[1]", values_per_weight=1000)
    assert set(out) == {"maths-selected", "blame-note", "blame-chart", "layer-blame-chart"}
    assert "the bias of h₂" in out["maths-selected"]
    assert out["blame-chart"]["layout"]["height"] >= 150  # sized to its bars, not squeezed into a fixed box


@pytest.mark.parametrize("name", [None, "W9[0,0]", "W1[5,5]", 42, {"param": "W1[0,0]"}, "x" * 5000])
def test_a_selection_this_network_does_not_have_falls_back_to_its_first_weight(name):
    assert str(param_or_weight(default(), name)) == "W1[0,0]"


@pytest.mark.parametrize("k", [1, 0, -5, 10**7, 2.5, "many", None, True, float("nan")])
def test_a_bad_number_of_values_gets_a_message(k):
    out = maths_panel(default(), "brute", "W1[0,0]", values_per_weight=k)
    assert set(out) == {"brute-text"}
    assert "values" in out["brute-text"]


def test_the_other_tabs():
    state = engine.PRESETS["circle"].state()
    assert set(maths_panel(state, "reverse", None, values_per_weight=1000)) == {"reverse-chart", "reverse-text"}
    assert "10⁹⁴ years" in str(maths_panel(state, "brute", None, values_per_weight=1000)["brute-table"])
    assert "0.298371109" in str(maths_panel(state, "worked", None, values_per_weight=1000)["worked-table"])
