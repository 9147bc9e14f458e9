"""One rule, everywhere: for every lesson and every phase of its first two steps, nothing the page
shows holds a value the cursor has not revealed, unless it says it is the last step's; and pinning
a weight (its slider arriving with the weight's own value) leaves the cursor and the picture alone."""

from itertools import pairwise

import pytest

import engine
from app import actions
from app.callbacks import _slider_value, apply, drawing
from app.panels import contour_panel, slice_panel
from components.readouts import as_of, numbers_panel, numbers_when


def phases_of_two_steps(state):
    """Every phase of the first two steps: Ready, forward …, loss, backward …, update, and again."""
    out = [state]
    for _ in range(2 * (2 * state.spec.n_layers + 2)):
        state = engine.advance(state)
        out.append(state)
    return out


def shown_numbers(state) -> dict:
    scores = engine.evaluate(state)
    out = {"when": numbers_when(state, scores)}
    for item in numbers_panel(state, scores):
        out[item.children[1].children] = item.children[0].children
    return out


@pytest.mark.parametrize("lesson", tuple(engine.PRESETS))
def test_nothing_shows_before_its_phase(lesson):
    start = actions.preset(lesson)
    weights = [r for r in engine.all_refs(start.spec) if r.kind == "W"]
    first, last = weights[0], weights[-1]
    for state in phases_of_two_steps(start):
        shown = state.cursor.revealed()
        numbers = shown_numbers(state)
        assert numbers["when"].endswith(f"the weights {as_of(state)}")
        if shown.updated:
            assert "→" in numbers["Example loss"]
        else:
            assert (numbers["Example loss"] == "?") == (not shown.loss), (lesson, state.cursor.words())
        for ref in (first, last):
            figure, note, _ = slice_panel(state, str(ref))
            known = shown.updated or ref.layer >= shown.backward_from
            tangent = figure["data"][2]
            assert bool(tangent["x"]) == known, (lesson, state.cursor.words(), ref)
            assert ("backprop ∂C/∂w =" in note) == known
            if not known:
                assert as_of(state) in note
        figure, note, _, _ = contour_panel(state, str(first), str(last), [])
        known = not shown.updated and first.layer >= shown.backward_from
        assert bool(figure["layout"].get("annotations")) == known, (lesson, state.cursor.words())
        assert ("∇C = (" in note) == known


@pytest.mark.parametrize("lesson", ("default", "circle", "local_minimum"))
def test_pinning_any_weight_in_any_phase_changes_nothing(lesson):
    for state in phases_of_two_steps(actions.preset(lesson)):
        before = drawing(state, {})
        for ref in engine.all_refs(state.spec):
            name = str(ref)
            trigger = {"subcomponent": "slider", "aio_id": name}
            after, start = apply(trigger, {"slider": _slider_value(state, name)}, state, state, None)
            assert after is state and start is state, (lesson, state.cursor.words(), name)
        assert repr(drawing(state, {})) == repr(before)


def test_the_panels_are_redrawn_as_the_blame_reaches_each_layer():
    # The landscape panels follow "charts-due", not the state: it must change whenever a slope is revealed.
    states = phases_of_two_steps(actions.preset("circle"))
    for before, after in pairwise(states):
        if after.cursor.revealed().backward_from != before.cursor.revealed().backward_from:
            assert drawing(before, {})["charts-due"] != drawing(after, {})["charts-due"], after.cursor.words()
