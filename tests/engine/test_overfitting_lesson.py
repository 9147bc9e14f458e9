"""The overfitting lesson does what its tour steps say, at the seed the lesson list uses."""

import dataclasses

import engine


def losses(state, checkpoints=(500, 3000)):
    out, done = [], 0
    for step in checkpoints:
        state = engine.train_steps(state, step - done, record=False)
        done = step
        scores = engine.evaluate(state)
        out.append((scores["train_loss"], scores["test_loss"]))
    return out


def test_without_a_penalty_it_learns_the_noise():
    (train_early, test_early), (train_late, test_late) = losses(engine.PRESETS["overfitting"].state())
    # "the train loss keeps falling, to about 0.14 by step 3,000, while the test loss climbs from about
    # 0.4 to 0.75"
    assert 0.12 < train_late < 0.16 and train_early > 0.2
    assert 0.35 < test_early < 0.45 and 0.7 < test_late < 0.8


def penalised(rate):
    lab = engine.PRESETS["overfitting"].state()
    return lab.replace(train=dataclasses.replace(lab.train, weight_decay=rate, penalty="l2"))


def test_with_l2_at_001_the_test_loss_stays_low():
    # "The train loss stays near 0.29 and the test loss near 0.31"
    (_, test_early), (train_late, test_late) = losses(penalised(0.01))
    assert 0.27 < train_late < 0.31 and 0.29 < test_late < 0.33
    assert abs(test_late - test_early) < 0.02


def test_a_rate_ten_times_larger_holds_both_losses_near_04():
    # "a rate ten times larger holds the weights so small that both losses stay near 0.4"
    for train, test in losses(penalised(0.1)):
        assert 0.37 < train < 0.43 and 0.37 < test < 0.43
