"""The guided tour's script and navigation: every step can be set up, points at a panel that
exists, stays short, and quotes numbers the engine really computes."""

import re

import numpy as np
import pytest

import engine
from app import actions, create_app
from app.callbacks import apply, control_values
from app.lessons import LANDSCAPE_PANELS, MATHS_PANELS, MAX_WORDS, TOUR, step_index, step_state
from app.tour import next_step
from components.numbers import num
from engine import LabInputError


def _tab_values(component, tabs_id) -> set:
    """The values of the tabs under the dcc.Tabs with this id, in the page's real layout."""
    found = set()

    def walk(node, inside):
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child, inside)
            return
        if not hasattr(node, "to_plotly_json"):
            return
        now = inside or getattr(node, "id", None) == tabs_id
        if now and type(node).__name__ == "Tab":
            found.add(node.value)
        walk(getattr(node, "children", None), now)

    walk(component, False)
    return found


def test_the_tour_covers_the_story_in_order():
    assert len(TOUR) >= 10
    titles = " | ".join(step.title.lower() for step in TOUR)
    story = ["blindfolded climber", "two weights", "two valleys", "forward pass", "loss", "blame", "chain rule",
             "update", "reverse", "every combination", "worked example"]
    positions = [titles.index(topic) for topic in story]
    assert positions == sorted(positions), titles


@pytest.mark.parametrize("index", range(len(TOUR)))
def test_each_step_is_short_and_can_be_set_up(index):
    step = TOUR[index]
    assert len(step.text.split()) <= MAX_WORDS
    assert step.preset in engine.PRESETS
    assert step.panel in LANDSCAPE_PANELS + MATHS_PANELS
    state = step_state(index)
    assert state.title == engine.PRESETS[step.preset].state().title
    assert engine.ParamRef.parse(step.param, state.spec)  # the selected weight exists in that network
    assert 0 <= step.phases <= state.cursor.n_phases  # at most up to the update
    assert state.cursor.index == step.phases - 1


def test_every_panel_a_step_names_is_a_tab_of_the_page():
    layout = create_app().layout()
    assert set(LANDSCAPE_PANELS) == _tab_values(layout, "panel-tabs")
    assert set(MATHS_PANELS) == _tab_values(layout, "maths-tabs")


def _index(title) -> int:
    return next(i for i, step in enumerate(TOUR) if step.title == title)


def test_the_numbers_the_tour_quotes_are_the_engines():
    text = {step.title: step.text for step in TOUR}
    forward = engine.example_passes(step_state(_index("The forward pass")))
    assert f"σ(0.45) = {num(float(forward.fwd.a[1][0, 0]))}" in text["The forward pass"]
    assert abs(float(forward.fwd.z[1][0, 0]) - 0.45) < 1e-12
    loss = engine.example_passes(step_state(_index("The error and the loss")))
    o = float(loss.fwd.output[0, 0])
    assert f"o₁ = {num(o)}" in text["The error and the loss"]
    assert f"o₁ − t = {num(o - 1, True)}" in text["The error and the loss"]
    assert f"= {num(loss.bwd.loss)}" in text["The error and the loss"]
    circle = engine.mode_costs(actions.preset("circle").spec.sizes)
    assert f"has {circle.n_params} weights and biases" in text["Why not try every combination?"]
    assert f"costs {circle.reverse_mode} multiply-adds" in text["Why not try every combination?"]
    assert engine.brute_force(1000, 4).words() == "16.7 minutes"  # "about 17 minutes"
    assert engine.brute_force(1000, 5).words() == "11.6 days"  # "about 12 days"
    worked = engine.example_passes(actions.preset("worked_example"))
    assert "0.298371109" in text["The classic worked example, number by number"]
    assert f"{worked.bwd.loss:.9f}" == "0.298371109"


def test_the_two_valleys_step_says_what_the_lesson_does():
    index = _index("Two valleys: the ball takes the nearer one")
    step, state = TOUR[index], step_state(index)
    assert (step.preset, step.param, step.panel) == ("local_minimum", "W1[0,0]", "slice")
    ref = engine.ParamRef.parse(step.param, state.spec)
    w0 = ref.get(state.params)

    def valleys(s):
        """The two minima of the curve the panel draws (w ± 4, 121 points), as (w, C), left first."""
        values = np.linspace(ref.get(s.params) - 4, ref.get(s.params) + 4, 121)
        c = engine.loss_slice(s, ref, values).loss
        found = [(values[i], c[i]) for i in range(1, 120) if c[i] < c[i - 1] and c[i] <= c[i + 1]]
        assert len(found) == 2, found
        return found

    # "Near w = 0 it is off": the hidden neuron is below 0.05 for every point.
    off = engine.forward(state.spec, ref.set(state.params, 0.0), engine.dataset(state.data).x_train)
    assert float(off.a[1].max()) < 0.05
    # "two valleys with a bump between, the right one deeper", either side of w = 0.
    (wl, cl), (wr, cr) = valleys(state)
    assert wl < w0 < 0 < wr and cr < cl, (wl, cl, wr, cr)
    # "Press Full step a few times. The ball rolls into the nearer, shallower valley and stays."
    rolled = engine.train_steps(state, 5)
    (wl, cl), (wr, cr) = valleys(rolled)
    assert abs(ref.get(rolled.params) - wl) < 0.1 and cr < cl, (ref.get(rolled.params), wl, cl, wr, cr)
    assert ref.get(engine.train_steps(rolled, 500).params) < 0
    # "drag its slider past the bump to 1 and press Full step again: it rolls into the deeper valley."
    stuck = engine.evaluate(engine.train_steps(rolled, 500))["train_loss"]
    dragged = rolled.replace(params=ref.set(rolled.params, 1.0))
    for steps in (1, 3, 500):
        moved = engine.train_steps(dragged, steps)
        assert ref.get(moved.params) > 0.5 and engine.evaluate(moved)["train_loss"] < stuck - 0.1, steps


def test_the_deep_sigmoid_step_shows_every_delta():
    step = next(i for i, s in enumerate(TOUR) if s.preset == "deep_sigmoid")
    state = step_state(step)
    assert state.cursor.revealed().backward_from == 1 and not state.cursor.at_update


@pytest.mark.parametrize("trigger, current, new", [
    ("tour-start", None, 0),
    ("tour-start", 5, 0),
    ("tour-next", 0, 1),
    ("tour-next", len(TOUR) - 1, None),  # Finish
    ("tour-back", 3, 2),
    ("tour-back", 0, 0),
    ("tour-exit", 4, None),
    ("tour-next", None, None),  # not in the tour: Next does nothing
    ("tour-next", "7", None),  # junk from the browser ends the tour
    ("tour-back", 10**9, None),
])
def test_navigation(trigger, current, new):
    assert next_step(trigger, current) == new


@pytest.mark.parametrize("junk", [-1, len(TOUR), 1.5, True, "2", [1], {"step": 1}])
def test_a_bad_step_is_refused(junk):
    with pytest.raises(LabInputError):
        step_index(junk)


def test_a_tour_step_sets_up_the_lab_and_reset_goes_to_its_lesson_start():
    mine = engine.train_steps(actions.preset("circle", seed=3), 5)
    values = control_values(mine) | {"preset": "default", "data-click": None, "tour": 5}
    state, start = apply("tour", values, mine, mine, "phase")
    assert state.to_dict() == step_state(5).to_dict()
    assert start.to_dict() == actions.preset(TOUR[5].preset).to_dict()
    # Exit (None) leaves the lab as the tour left it, for free play.
    assert apply("tour", values | {"tour": None}, state, start, "phase") == (state, start)
    with pytest.raises(LabInputError):
        apply("tour", values | {"tour": 99}, state, start, "phase")


def test_tour_texts_use_no_markup_the_card_cannot_show():
    for step in TOUR:
        # components.rich_text: paragraphs and **bold** only; no maths, links, lists or HTML
        assert not re.search(r"<|\$|\[|^[-*] |(?<!\*)\*(?!\*)|_", step.text, re.MULTILINE), step.title


def test_the_lesson_list_follows_the_lab_on_screen():
    from dash import no_update

    from app.callbacks import _lesson_key

    assert _lesson_key("Circle: a ring around a disc", "default") == "circle"
    assert _lesson_key("Circle: a ring around a disc", "circle") is no_update  # already shown
    assert _lesson_key("A network of my own", "default") is no_update  # no such lesson: leave the list alone


def test_the_regularization_steps_set_up_what_they_say():
    plain, penalised = step_state(_index("Overfitting: learning the noise")), step_state(_index("A penalty on big weights"))
    assert (plain.train.weight_decay, penalised.train.weight_decay, penalised.train.penalty) == (0.0, 0.01, "l2")
    assert penalised.cursor.revealed().backward_from == 1  # the Equations tab has the λw term to show
    data = engine.dataset(plain.data)
    assert (data.x_train.shape[0], data.x_test.shape[0]) == (40, 160)
    assert "λ = 0.01" in TOUR[_index("A penalty on big weights")].text
    # The numbers they quote: tests/engine/test_overfitting_lesson.py trains both to step 3,000.


def test_the_three_class_steps_quote_the_engines_numbers():
    probabilities, blame = step_state(_index("Three classes: one probability each")), step_state(
        _index("The blame at the output is p − t"))
    passes = engine.example_passes(probabilities)
    p, t = passes.fwd.output[0], passes.y[0]
    assert t.tolist() == [0.0, 0.0, 1.0]  # class C, as the step says
    words = TOUR[_index("Three classes: one probability each")].text
    assert f"C only {p[2]:.2f}" in words and f"−log {p[2]:.2f} = {-np.log(p[2]):.2f}" in words
    assert probabilities.cursor.revealed().loss and probabilities.cursor.revealed().backward_from == 4  # none yet
    # One more Step: the output's δ is revealed, and it is p − t.
    assert blame.cursor.revealed().backward_from == 3
    delta = engine.example_passes(blame).bwd.delta[3][0]
    assert f"{p[2]:.2f} − 1 = {delta[2]:.2f}".replace("-", "−") in TOUR[_index("The blame at the output is p − t")].text
    # "About 88 % right by step 2,000": tests/engine/test_classes.py trains the lesson to check it.
