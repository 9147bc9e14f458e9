"""An upload starts from training settings tried on its own data (engine/rate_search.py)."""

import numpy as np
import pytest

import engine
from app import actions, arrivals
from engine import limits
from engine.csv_data import describe, parse_csv
from engine.rate_search import TRIAL_STEPS, trainable_settings

X = np.linspace(-3, 3, 61)  # the upload that exploded: 61 rows from −3 to 3


def upload(target, x=X) -> str:
    return "x,target\n" + "\n".join(f"{v:.3f},{target(v):.4f}" for v in x)


def on_default_lesson(text):
    return arrivals.with_data(actions.preset("default"), parse_csv(text).spec)


def train_loss(state):
    return engine.evaluate(state)["train_loss"]


@pytest.mark.parametrize("target", [np.square, np.sin, lambda v: 10 * v - 4], ids=["x²", "sin x", "10x − 4"])
def test_a_regression_upload_trains_from_the_settings_chosen_for_it(target):
    state, note = on_default_lesson(upload(target))
    assert state.train.learning_rate in limits.LEARNING_RATES and state.train.batch_size in limits.BATCH_SIZES
    assert f"learning rate {state.train.learning_rate:g} and batch {state.train.batch_size}" in note
    trained = engine.train_steps(state, 1000)
    assert trained.diverged == ""
    assert train_loss(trained) < 0.2 * train_loss(state)
    assert trained.params.largest() < 100  # no weights of ±20,000


def test_the_lessons_own_settings_would_have_exploded():
    # What the upload used to start from: the default lesson's learning rate 1 and batch 1.
    state, _ = on_default_lesson(upload(np.square))
    lesson = actions.train_settings(state, 1.0, 1, "sgd")
    after = engine.train_steps(lesson, 50)
    assert after.diverged or after.params.largest() > 100 or train_loss(after) > train_loss(lesson)


def test_the_chosen_rate_is_the_best_steady_one_and_larger_ones_were_refused():
    state, note = on_default_lesson(upload(np.square))
    rate = state.train.learning_rate
    larger = [r for r in limits.LEARNING_RATES if r > rate]
    assert larger, "x² should need less than the largest rate"
    assert f"from {min(larger):g} up the loss grew" in note
    # The next rate up really does not train steadily on this data: it is refused for a reason.
    too_big = actions.train_settings(state, min(larger), state.train.batch_size, "sgd")
    start = train_loss(too_big)
    half = engine.train_steps(too_big, TRIAL_STEPS // 2)
    end = engine.train_steps(half, TRIAL_STEPS - TRIAL_STEPS // 2)
    assert end.diverged or not (train_loss(end) < start and train_loss(end) <= 1.05 * train_loss(half))


def test_adam_gets_a_rate_tried_with_adam():
    lab = actions.train_settings(actions.preset("default"), 1.0, 1, "adam")
    state, _ = arrivals.with_data(lab, parse_csv(upload(np.sin)).spec)
    assert state.train.optimizer == "adam"
    trained = engine.train_steps(state, 1000)
    assert trained.diverged == "" and train_loss(trained) < 0.2 * train_loss(state)


def test_a_tiny_upload_uses_every_row_per_batch():
    state, _ = on_default_lesson(upload(np.sin, x=np.array([-1.0, 0.0, 1.0])))
    assert state.train.batch_size == 1  # 3 rows: the largest offered batch that fits


def test_data_nothing_can_learn_gets_the_smallest_rate_and_says_why():
    # A target of 10⁶ at every row but one: sigmoid hidden units saturate at any rate.
    x = np.linspace(-3, 3, 20)
    state, _ = on_default_lesson(upload(lambda v: 1e6 if v > -3 else -1e6, x=x))
    choice = trainable_settings(state)
    if "No learning rate" in choice.note:
        assert choice.learning_rate == min(limits.LEARNING_RATES) and "scaling" in choice.note
    else:  # a rate did lower the loss: it is one of those offered, named in the note
        assert f"learning rate {choice.learning_rate:g}" in choice.note


def test_a_column_far_from_one_gets_a_word_on_scaling():
    far = parse_csv(upload(lambda v: 1000 * v))
    assert "Values of target reach 3000" in describe(far) and "dividing that column by 1000" in describe(far)
    assert "Values of" not in describe(parse_csv(upload(np.sin)))


def test_the_upload_note_tells_the_student_what_was_chosen():
    import base64

    contents = "data:text/csv;base64," + base64.b64encode(upload(np.square).encode()).decode()
    lesson = actions.preset("default")
    state, start, note, _ = arrivals.arrive("upload-csv", contents, lesson, lesson)
    assert start is state and note.startswith("Your data: 61 rows")
    assert f"Training settings chosen for your data: learning rate {state.train.learning_rate:g}" in note


def test_a_data_spec_hashes_once():
    spec = parse_csv(upload(np.sin)).spec
    again = parse_csv(upload(np.sin)).spec
    assert hash(spec) == hash(again) and spec == again
    assert spec.__dict__["_hash"] == hash(spec)


def _fake_trials(monkeypatch, losses: dict) -> list:
    """_trial answering from a table (rate → loss or None, each as after 150 steps); returns the rates tried."""
    from engine import rate_search

    tried = []

    def trial(state, rate):
        tried.append(rate)
        return losses.get(rate), rate_search.TRIAL_STEPS

    monkeypatch.setattr(rate_search, "_trial", trial)
    return tried


def test_a_smaller_rate_must_do_one_percent_better_to_be_chosen(monkeypatch):
    state, _ = on_default_lesson(upload(np.square))  # 2 layers: the work allows every rate
    tried = _fake_trials(monkeypatch, {3.0: 1.0, 1.0: 0.98, 0.5: 0.975})
    choice = trainable_settings(state)
    # 0.98 is 2 % below 1.0: better. 0.975 is 0.5 % below 0.98: no better, and the search stops there.
    assert choice.learning_rate == 1.0
    assert tried == [10.0, 3.0, 1.0, 0.5]
    assert "from 10 up the loss grew" in choice.note and "stopped before" not in choice.note


def test_a_deep_network_searches_within_the_work_and_says_what_it_did_not_try(monkeypatch):
    from engine.rate_search import SEARCH_WORK

    data = parse_csv(upload(np.square)).spec
    spec = engine.NetworkSpec((1,) + (8,) * 6 + (1,), ("tanh",) * 6 + ("linear",), "squared_error", "xavier")
    deep = engine.LabState("deep", 0, spec, engine.init_params(spec, np.random.default_rng(0)), engine.TrainConfig(),
                           data)
    tried = _fake_trials(monkeypatch, {r: r for r in limits.LEARNING_RATES})  # each smaller rate far better
    choice = trainable_settings(deep)
    # 7 layers × 150 steps a trial = 1,050 of the 3,000 allowed: two trials fit, a third would not.
    assert SEARCH_WORK == 10 * TRIAL_STEPS * 2
    assert tried == [10.0, 3.0]
    assert choice.learning_rate == 3.0  # loss 3 against 10: the better of the two tried
    assert choice.note.endswith("The search stopped before trying 1 and smaller rates.")
