"""The Twins panel's figures (components/twin_charts.py), from real runs: both curves with the runs'
own numbers, the log axis when they are far apart, and the δ difference cell by cell."""

import json

import numpy as np

import engine
from components import twin_charts
from engine import twins


def _pair(lesson, chosen, steps):
    start = engine.PRESETS[lesson].state(0)
    lab = engine.train_steps(start, steps)
    return lab, twins.pair(lab, start, chosen, seconds=60)


def test_both_runs_are_drawn_with_their_own_numbers():
    _, p = _pair("circle", twins.change("learning_rate", 0.01), 60)
    fig = twin_charts.loss_figure(p, "η = 0.3", "η = 0.01")
    json.dumps(fig)  # plain data
    mine, theirs = fig["data"][:2]
    assert mine["name"] == "lab: η = 0.3" and theirs["name"] == "twin: η = 0.01"
    assert mine["x"] == [e[0] for e in p.lab.curve()] and theirs["y"] == [e[1] for e in p.twin.curve()]
    assert mine["x"][-1] == theirs["x"][-1] == 60
    assert mine["line"]["color"] != theirs["line"]["color"] and theirs["line"]["dash"] == "dash"
    assert fig["layout"]["yaxis"].get("type") != "log"


def test_far_apart_losses_get_a_log_axis():
    _, p = _pair("circle", twins.change("learning_rate", 30.0), 200)
    fig = twin_charts.loss_figure(p, "η = 0.3", "η = 30")
    assert fig["layout"]["yaxis"]["type"] == "log" and "log scale" in fig["layout"]["yaxis"]["title"]["text"]


def test_a_twin_that_stopped_ends_in_a_cross():
    _, p = _pair("local_minimum", twins.change("learning_rate", 100.0), 30)
    assert p.twin.state.diverged and p.twin.state.counters.step == 4  # "the weights grew without bound"
    fig = twin_charts.loss_figure(p, "η = 1", "η = 100")
    cross = next(t for t in fig["data"] if t.get("marker", {}).get("symbol") == "x")
    assert cross["x"] == [4] and fig["data"][0]["x"][-1] == 30


def test_the_delta_cells_are_the_difference_and_unrevealed_rows_show_a_question_mark():
    start = engine.PRESETS["circle"].state(0)
    lab = engine.train_steps(start, 5)
    for _ in range(4 + 1 + 1):  # forward 1..3, the loss, backward 3, backward 2: layer 1 not yet
        lab = engine.advance(lab)
    p = twins.pair(lab, start, twins.change("activation", "relu"), seconds=60)
    d = twins.delta_difference(lab, p)
    fig = twin_charts.delta_figure(d, lab.spec.sizes)
    trace = fig["data"][0]
    rows = {label: (z, text) for label, z, text in zip(trace["y"], trace["z"], trace["text"], strict=True)}
    assert list(rows) == ["layer 3", "layer 2", "layer 1"]  # the output on top
    z3, _ = rows["layer 3"]
    assert z3[0] == float(d.difference[3][0]) and z3[1:] == [None, None, None]  # one output neuron
    assert np.allclose(rows["layer 2"][0], d.difference[2])
    assert rows["layer 1"][1] == ["?"] * 4  # the backward pass has not reached layer 1
    assert trace["zmid"] == 0 and trace["zmax"] == -trace["zmin"] > 0
