"""Small things a reader trips over: a zero carries no sign, and every minus is a real one."""

from components.numbers import MINUS, num
from components.weight_slider import WeightSliderAIO


def test_zero_has_no_sign():
    # δ of a neuron that passes no blame is −0.0 in IEEE arithmetic (e.g. −0.5 × 0.0); it reads 0.000.
    assert num(-0.0, True) == num(0.0, True) == "0.000"
    assert num(-0.0) == "0.000" and num(0.0, True, 2) == "0.00"
    # Non-zero values keep their sign, however small.
    assert num(-0.0004, True) == f"{MINUS}4.0e{MINUS}04" and num(0.001, True) == "+0.001"


def test_slider_marks_use_a_real_minus():
    slider = WeightSliderAIO("W1[0,0]", 0.5, aio_id="a").children[1]
    assert slider.marks == {-4: f"{MINUS}4", 0: "0", 4: "4"}
    assert WeightSliderAIO("W1[0,0]", -6.2, aio_id="b").children[1].marks[-8] == f"{MINUS}8"
