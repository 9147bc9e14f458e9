"""Predict, then reveal on the server: the question callback under junk, the card, the link flag, the tour step.

The callback is called as a plain function with what a browser could send (untrusted): it never raises,
answers a moment that is not one with nothing, and a lab it cannot read with no question.
"""

import json
import math

import pytest
from dash import no_update

import engine
from app import actions, create_app, links
from app.lessons import TOUR, predict_steps, step_state
from app.predict import MAX_MOMENT, ask, moment_number
from components.predict import payload
from engine.questions import question


def lab(name="default", phases=0):
    state = actions.preset(name)
    for _ in range(phases):
        state = engine.advance(state)
    return state


def test_a_moment_brings_the_question_of_the_next_phase():
    state = lab()
    answer = ask({"n": 7}, state.to_dict())
    assert answer == payload(question(state), 2, 7)
    q = answer["question"]
    assert answer["n"] == 7
    assert q["prompt"] == "Which neuron of hidden layer 1 will be most active (largest a)?"
    assert q["choices"] == ["h₁", "h₂"] and q["right"] == [1] and q["answer"] == "h₂"
    assert q["why"] == "a = 0.622 is the largest of 0.611, 0.622."
    json.dumps(answer)  # it travels as JSON


def test_a_phase_without_a_question_says_so():
    state = lab(phases=1)  # next: forward into the single output neuron
    assert ask({"n": 1}, state.to_dict()) == {"n": 1, "question": None}


@pytest.mark.parametrize("moment", [None, 3, "1", [], {}, {"n": -1}, {"n": True}, {"n": 1.5}, {"n": "2"},
                                    {"n": MAX_MOMENT + 1}, {"n": None}, {"n": math.inf}])
def test_a_moment_that_is_not_one_gets_nothing(moment):
    assert moment_number(moment) is None
    assert ask(moment, lab().to_dict()) is no_update


@pytest.mark.parametrize("stored", [None, 1, "junk", [], {}, {"format": 99}, {"title": "x" * 10_000},
                                    "{" * 50_000, {"params": {"W": [[float("nan")]]}}])
def test_a_lab_that_cannot_be_read_gets_no_question(stored):
    assert ask({"n": 2}, stored) == {"n": 2, "question": None}


def test_an_engine_failure_gets_no_question_not_a_traceback(monkeypatch):
    import app.predict

    def broken(state):
        raise RuntimeError("boom")

    monkeypatch.setattr(app.predict, "question", broken)
    assert ask({"n": 3}, lab().to_dict()) == {"n": 3, "question": None}


@pytest.mark.parametrize("name", list(engine.PRESETS))
def test_every_question_of_every_lesson_travels(name):
    state = lab(name)
    for n in range(state.cursor.n_phases):
        answer = ask({"n": n}, state.to_dict())
        json.dumps(answer)
        q = answer["question"]
        if q is not None:
            assert 2 <= len(q["choices"]) <= 4 and q["right"] and q["why"] and q["prompt"].endswith("?")
        state = engine.advance(state)


def ids(component) -> set:
    found = set()

    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "to_plotly_json"):
            if isinstance(getattr(node, "id", None), str):
                found.add(node.id)
            walk(getattr(node, "children", None))

    walk(component)
    return found


def test_the_page_has_the_card_the_switch_and_the_stores():
    shown = ids(create_app().layout())
    assert {"predict-card", "predict-body", "predict-toggle", "predict-mode", "predict-score-kept", "predict-moment",
            "predict-question", "predict-info"} <= shown


def test_the_link_flag_is_known():
    assert links.state_from_query("predict=1").notices == ()
    assert links.state_from_query("predict=0&lesson=circle").notices == ()
    assert any("predict" in n for n in links.state_from_query("predict=maybe").notices)


def test_a_tour_step_turns_the_mode_on_and_sets_up_a_lab_with_a_question():
    steps = predict_steps()
    assert steps and all(TOUR[i].predict for i in steps)
    for i in steps:
        assert question(step_state(i)) is not None
        assert "Predict" in TOUR[i].text and "Space" in TOUR[i].text
