"""Generated data's settings on the page: noise, the test share, extra inputs, and New data."""

import numpy as np
import pytest

import engine
from app import actions
from app.callbacks import apply, control_values
from engine import LabInputError


def change(state, control, value, start=None):
    values = control_values(state) | {"preset": "circle", control: value}
    return apply(control, values, state, start or state, "normal")


def circle():
    return engine.train_steps(actions.preset("circle"), 3)  # some training, which a new dataset starts over


def test_noise_draws_the_points_again_and_training_starts_over_from_the_same_weights():
    lab = circle()
    new, start = change(lab, "noise", 0.3)
    assert new.data.noise == 0.3 and new is start and new.counters.step == 0
    before, after = engine.dataset(lab.data), engine.dataset(new.data)
    assert not np.array_equal(before.x_train, after.x_train)
    assert np.array_equal(before.y_train, after.y_train)  # the same points, jittered more: the labels stay
    fresh = actions.preset("circle")
    assert all(np.array_equal(a, b) for a, b in zip(new.params.W[1:], fresh.params.W[1:]))


@pytest.mark.parametrize("share", actions.TEST_SHARES)
def test_the_test_share_splits_the_200_points(share):
    new, _ = change(circle(), "test-share", share)
    data = engine.dataset(new.data)
    assert data.x_test.shape[0] == round(200 * share)
    assert data.x_train.shape[0] + data.x_test.shape[0] == 200


def test_extra_inputs_add_input_neurons_in_the_lists_order():
    new, _ = change(circle(), "features", ["sin_x2", "x1_sq"])
    assert new.data.features == ("x1_sq", "sin_x2")
    assert new.spec.sizes == (4, 4, 4, 1)
    data = engine.dataset(new.data)
    assert data.input_names[2:] == ("x₁²", "sin(x₂)")
    np.testing.assert_allclose(data.x_train[:, 2], data.x_train[:, 0] ** 2)
    np.testing.assert_allclose(data.x_train[:, 3], np.sin(data.x_train[:, 1]))
    back, _ = change(new, "features", [])
    assert back.spec.sizes == (2, 4, 4, 1)


def test_new_data_moves_the_datas_own_seed_and_keeps_the_weights_seed():
    lab = circle()
    new, _ = apply("new-data", control_values(lab) | {"preset": "circle"}, lab, lab, "normal")
    assert (new.data.seed, new.seed) == (lab.data.seed + 1, lab.seed)
    assert not np.array_equal(engine.dataset(lab.data).x_train, engine.dataset(new.data).x_train)
    # The seed control draws both again, from its own number.
    reseeded, _ = change(new, "seed", 4)
    assert reseeded.data.seed == reseeded.seed == 4


def test_another_dataset_keeps_the_noise_and_share_and_the_extra_inputs_where_they_fit():
    lab, _ = change(circle(), "noise", 0.2)
    lab, _ = change(lab, "features", ["x1_x2"])
    moons, _ = change(lab, "dataset", "moons")
    assert (moons.data.noise, moons.data.features, moons.spec.sizes[0]) == (0.2, ("x1_x2",), 3)
    sine, _ = change(moons, "dataset", "sine")  # one input: no x₁x₂
    assert (sine.data.noise, sine.data.features, sine.spec.sizes[0]) == (0.2, (), 1)


def test_a_lab_with_its_own_examples_refuses_them_with_the_reason():
    lab = actions.preset("default")
    for control, value in (("noise", 0.2), ("test-share", 0.3), ("features", ["x1_sq"]), ("new-data", 1)):
        with pytest.raises(LabInputError, match="examples are its own"):
            change(lab, control, value)


@pytest.mark.parametrize("control, value", [
    ("noise", 0.07), ("noise", "0.2"), ("noise", True), ("noise", float("nan")), ("test-share", 1.0),
    ("test-share", [0.5]), ("features", "x1_sq"), ("features", ["x1_sq", 3]), ("features", ["x9"]),
    ("features", ["x1_sq"] * 6), ("features", {"a": 1}),
])
def test_values_the_page_never_offers_are_refused(control, value):
    with pytest.raises(LabInputError):
        change(circle(), control, value)


def test_extra_inputs_need_two_inputs():
    sine, _ = change(circle(), "dataset", "sine")
    with pytest.raises(LabInputError, match="two inputs"):
        change(sine, "features", ["x1_sq"])


def test_echoing_the_data_controls_back_changes_nothing():
    lab, _ = change(circle(), "features", ["x2_sq"])
    lab = engine.train_steps(lab, 2)
    for control in ("noise", "test-share", "features"):
        new, _ = change(lab, control, control_values(lab)[control])
        assert new is lab


def test_a_saved_lab_keeps_its_data_settings_and_regularization():
    lab, _ = change(circle(), "noise", 0.3)
    lab, _ = change(lab, "test-share", 0.2)
    lab, _ = change(lab, "features", ["x1_sq", "sin_x2"])
    lab, _ = apply("new-data", control_values(lab) | {"preset": "circle"}, lab, lab, "normal")
    lab = engine.train_steps(actions.regularization(lab, "l1", 0.03), 4)
    back = engine.LabState.from_json(lab.to_json())  # the file Save lab writes and Load lab… reads
    assert back.to_dict() == lab.to_dict()
    assert (back.data.noise, back.data.test_fraction, back.data.features, back.data.seed) == (
        0.3, 0.2, ("x1_sq", "sin_x2"), lab.seed + 1)
    assert (back.train.penalty, back.train.weight_decay) == ("l1", 0.03)
    np.testing.assert_array_equal(engine.dataset(back.data).x_train, engine.dataset(lab.data).x_train)
