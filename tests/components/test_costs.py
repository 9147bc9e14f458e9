"""Why reverse mode, why not brute force: counts a person can work out by hand.

engine.teaching.mode_costs counts multiply-adds for one gradient of one example,
with P parameters and layer pairs (n_{l-1}, n_l):
  forward pass  F = Σ n_{l-1}·n_l
  forward mode  F + Σ n_{l-1}·n_l·P         (a tangent per parameter through every layer)
  reverse mode  F + Σ_{l≥2} n_{l-1}·n_l + F (δ pulled back through W[L] … W[2], then the outer products)
"""

import pytest

from components import palette
from components.costs import (
    brute_force_rows,
    brute_force_table,
    brute_force_text,
    power_words,
    reverse_mode_figure,
    reverse_mode_text,
    short_time,
    times,
)
from engine import LabInputError, mode_costs

LARGEST = (8, 8, 8, 8, 8, 8, 8, 4)  # 8 inputs, six hidden layers of 8, 4 outputs: the limits allow no more


def words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize(
    ("sizes", "n_params", "forward_pass", "forward_mode", "reverse_mode"),
    [
        # 2-2-1: P = 2·(2+1) + 1·(2+1) = 9; F = 2·2 + 2·1 = 6;
        # forward mode 6 + (2·2 + 2·1)·9 = 60; reverse 6 + 2·1 + 6 = 14.
        ((2, 2, 1), 9, 6, 60, 14),
        # 1-1: P = 2 (one weight, one bias); F = 1; forward 1 + 1·2 = 3; reverse 1 + 0 + 1 = 2 (no layer to pull back).
        ((1, 1), 2, 1, 3, 2),
        # 2-4-4-1 (the circle lesson): P = 4·3 + 4·5 + 1·5 = 37; F = 8 + 16 + 4 = 28;
        # forward 28 + 28·37 = 1,064; reverse 28 + (16 + 4) + 28 = 76.
        ((2, 4, 4, 1), 37, 28, 1064, 76),
        # 2-2-2 (the worked example): P = 6 + 6 = 12; F = 4 + 4 = 8; forward 8 + 8·12 = 104; reverse 8 + 4 + 8 = 20.
        ((2, 2, 2), 12, 8, 104, 20),
    ],
)
def test_counts_by_hand(sizes, n_params, forward_pass, forward_mode, reverse_mode):
    c = mode_costs(sizes)
    assert (c.n_params, c.forward_pass, c.forward_mode, c.reverse_mode) == (
        n_params, forward_pass, forward_mode, reverse_mode,
    )


def test_figure_for_2_2_1():
    fig = reverse_mode_figure((2, 2, 1))
    (bar,) = fig["data"]
    assert bar["type"] == "bar" and bar["y"] == [60, 14]
    assert bar["text"] == ["60", "14"]
    assert "Forward mode" in bar["x"][0] and "backprop" in bar["x"][1]
    assert bar["marker"]["color"] == [palette.INPUT, palette.BLAME]
    # 60 / 14 = 4.29 → one decimal below ten.
    assert fig["layout"]["title"]["text"] == "Backprop is 4.3× cheaper here"
    assert fig["layout"]["yaxis"]["type"] == "log"
    # The log axis reaches above the taller bar (log10 60 = 1.78) so its number fits.
    assert fig["layout"]["yaxis"]["range"][1] > 1.78


def test_figure_follows_the_shape():
    small, circle = reverse_mode_figure((2, 2, 1)), reverse_mode_figure((2, 4, 4, 1))
    assert circle["data"][0]["y"] == [1064, 76]
    assert circle["data"][0]["text"] == ["1,064", "76"]
    # 1,064 / 76 = 14 exactly.
    assert circle["layout"]["title"]["text"] == "Backprop is 14× cheaper here"
    assert small != circle
    assert small["layout"]["uirevision"] != circle["layout"]["uirevision"]


def test_the_gap_grows_with_the_parameters():
    ratios = [mode_costs(s).ratio for s in ((1, 1), (2, 2, 1), (2, 4, 4, 1), LARGEST)]
    assert ratios == sorted(ratios)
    # LARGEST: P = 8·9·6 + 4·9 = 468; F = 64·6 + 32 = 416; forward 416·469 = 195,104;
    # reverse 416 + (64·5 + 32) + 416 = 1,184; 195,104 / 1,184 = 164.8.
    assert reverse_mode_figure(LARGEST)["layout"]["title"]["text"] == "Backprop is 165× cheaper here"


def test_reverse_mode_text():
    text = reverse_mode_text((2, 2, 1))
    for part in ("**9 parameters**", "**60 multiply-adds**", "**14**", "**4.3× cheaper**", "matrix–matrix",
                 "matrix–vector", "tangent", "adjoint"):
        assert part in text
    big = reverse_mode_text(LARGEST)
    assert "**195,104 multiply-adds**" in big and "**1,184**" in big and "**468 parameters**" in big
    assert max(words(text), words(big)) <= 80


def test_classic_rows():
    classic = [r for r in brute_force_rows((2, 2, 1)) if r["kind"] == "classic"]
    # 1,000² = 10⁶ tries at 10⁹ a second = 1 ms; 10¹² → 1,000 s = 16.7 minutes; 10¹⁵ → 10⁶ s = 11.6 days.
    assert [(r["n_weights"], r["work"], r["time"]) for r in classic] == [
        (2, "1,000,000 tries", "1 ms"),
        (4, "10¹² tries", "16.7 minutes"),
        (5, "10¹⁵ tries", "11.6 days"),
    ]


def test_this_networks_rows():
    network, backprop = brute_force_rows((2, 2, 1))[3:]
    # 9 parameters: 1,000⁹ = 10²⁷ tries → 10¹⁸ s = 10¹⁸ / (365.25 · 86,400) years = 3.17 × 10¹⁰ years.
    assert network == {"kind": "network", "what": "This network: 9 weights and biases", "n_weights": 9,
                       "work": "10²⁷ tries", "time": "3.17 × 10¹⁰ years"}
    # One backprop gradient: 14 multiply-adds at 10⁹ a second = 14 ns.
    assert backprop["kind"] == "backprop" and backprop["work"] == "14 multiply-adds" and backprop["time"] == "14 ns"
    # Beyond what a float can hold: the engine's own words.
    assert brute_force_rows(LARGEST)[3]["time"] == "far longer than the age of the universe"


def test_other_values_per_weight():
    rows = brute_force_rows((2, 4, 4, 1), values_per_weight=7)
    # 7² = 49 tries → 49 ns; 7³⁷ = 1.86 × 10³¹ → 1.86 × 10²² s = 5.88 × 10¹⁴ years.
    assert rows[0]["work"] == "49 tries" and rows[0]["time"] == "49 ns"
    assert rows[3]["work"] == "1.86 × 10³¹ tries" and rows[3]["time"] == "5.88 × 10¹⁴ years"


def test_power_words():
    assert power_words(1_000_000) == "1,000,000"
    assert power_words(10**27) == "10²⁷"
    assert power_words(7**37) == "1.86 × 10³¹"  # 18,562,115,921,017,574,302,453,163,671,207
    assert power_words(2 * 10**40 + 1) == "2 × 10⁴⁰"
    assert power_words((10**6) ** 10_000) == "10⁶⁰⁰⁰⁰"  # beyond float and str(): exact all the same
    assert power_words(3 * 7**9000) == "2.29 × 10⁷⁶⁰⁶"  # log10 = 0.477 + 9000 · 0.845 = 7606.36


def test_small_words():
    assert times(60 / 14) == "4.3×" and times(1064 / 76) == "14×" and times(1234.5) == "1,234×"
    assert short_time(14e-9) == "14 ns" and short_time(1.184e-6) == "1.18 µs" and short_time(0.0168) == "16.8 ms"


def test_brute_force_table():
    table = brute_force_table((2, 2, 1), 1000)
    caption, _, tbody = table.children
    assert caption.children == "Trying 1,000 values for each weight"
    assert [tr.className for tr in tbody.children] == ["brute-classic"] * 3 + ["brute-network", "brute-backprop"]
    first = tbody.children[0].children
    assert [cell.children for cell in first] == ["2 weights", "1,000,000 tries", "1 ms"]


def test_brute_force_text():
    text = brute_force_text((2, 4, 4, 1))
    for part in ("1,000", "1 ms", "11.6 days", "37 weights and biases", "multiplies the work by 1,000",
                 "curse of dimensionality", "76 multiply-adds"):
        assert part in text
    assert max(words(text), words(brute_force_text(LARGEST, 1_000_000)), words(brute_force_text((1, 1), 2))) <= 80


@pytest.mark.parametrize("bad", [1, 0, -5, 1_000_001, 2.5, "ten", True, None, [1000]])
def test_bad_values_per_weight(bad):
    for make in (brute_force_rows, brute_force_table, brute_force_text):
        with pytest.raises(LabInputError, match="values per weight"):
            make((2, 2, 1), bad)


def test_good_edges_of_values_per_weight():
    assert brute_force_rows((2, 2, 1), 2)[0]["work"] == "4 tries"
    assert brute_force_rows((2, 2, 1), 1_000_000)[0]["work"] == "10¹² tries"
