"""app.arrivals and app.sharing as plain functions: a saved lab, a CSV, a link and a moment of
the timeline arrive checked, and a bad one raises LabInputError and changes nothing; the
downloads are the lab, the network and a script that makes the same predictions.
"""

import base64
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from app import arrivals, sharing
from engine import LabInputError, limits


def default():
    return engine.PRESETS["default"].state()


def as_upload(data: bytes, kind="text/csv") -> str:
    """What dcc.Upload hands the server for a file: a data URL."""
    return f"data:{kind};base64," + base64.b64encode(data).decode()


# --- upload_bytes


def test_upload_bytes_reads_a_data_url():
    assert arrivals.upload_bytes(as_upload(b"1,2,0\n"), 100, "CSV file") == b"1,2,0\n"


def test_a_file_over_the_limit_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(base64, "b64decode", lambda *a, **k: pytest.fail("decoded a file that is too big"))
    with pytest.raises(LabInputError, match="at most 100 are allowed"):
        arrivals.upload_bytes(as_upload(b"x" * 300), 100, "CSV file")


@pytest.mark.parametrize("contents", [None, 5, [], {"a": 1}, "no comma here", "data:text/csv;base64,@@@@"])
def test_junk_contents_get_a_message(contents):
    with pytest.raises(LabInputError, match="could not be read"):
        arrivals.upload_bytes(contents, 1000, "saved lab")


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(lambda b: "data:x;base64," + b.hex())))
def test_any_text_either_reads_or_gets_a_message(text):
    try:
        arrivals.upload_bytes(text, 1000, "CSV file")
    except LabInputError:
        pass


# --- arrive


def test_a_saved_lab_comes_back_whole():
    trained = engine.train_steps(default(), 3)
    state, start, note, _ = arrivals.arrive("load-lab", as_upload(trained.to_json().encode()), default(), default())
    assert state.to_dict() == trained.to_dict() and start is state
    assert note == "Loaded “Default lesson” at step 3."


@pytest.mark.parametrize("text, message", [
    (b'{"format": 1', "not valid JSON"),
    (b'{"format": 2}', "missing: title"),
    (b'[1, 2, 3]', "lab state"),
    (b'{"format": 1, "title": NaN}', "finite"),
])
def test_a_bad_saved_lab_raises_and_changes_nothing(text, message):
    with pytest.raises(LabInputError, match=f"could not be loaded, and your lab is as it was: .*{message}"):
        arrivals.arrive("load-lab", as_upload(text), default(), default())


def test_a_csv_with_labels_gets_a_sigmoid_network_with_cross_entropy():
    rows = "a,b,y\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(20))
    state, start, note, _ = arrivals.arrive("upload-csv", as_upload(rows.encode()), default(), default())
    assert state.spec.sizes == (2, 2, 1) and state.spec.activations == ("sigmoid", "sigmoid")
    assert state.spec.loss == "bce" and state.data.kind == "classification" and start is state
    assert state.title == arrivals.TITLE_OWN_DATA and "20 rows" in note
    data = engine.dataset(state.data)
    assert data.x_train.shape[0] + data.x_test.shape[0] == 20


def test_a_csv_with_targets_gets_a_linear_output_and_keeps_the_hidden_layers():
    circle = engine.PRESETS["circle"].state()  # 4, 4 of tanh
    rows = "".join(f"{x},{2 * x + 1}\n" for x in range(-5, 6))
    state, _, _, _ = arrivals.arrive("upload-csv", as_upload(rows.encode()), circle, circle)
    assert state.spec.sizes == (1, 4, 4, 1) and state.spec.activations == ("tanh", "tanh", "linear")
    assert state.spec.loss == "mse" and state.data.kind == "regression"
    engine.full_step(state)  # it trains


def three_colours(n=30) -> bytes:
    """Three small clusters, named by colour; row i is class i % 3."""
    centres = {"red": (0.6, 0.5), "green": (-0.6, 0.5), "blue": (0.0, -0.6)}
    rows = [(name, centres[name]) for name in ("red", "green", "blue")]
    return ("x,y,colour\n" + "".join(f"{cx + 0.01 * (i % 7)},{cy - 0.01 * (i % 5)},{name}\n"
                                      for i, (name, (cx, cy)) in enumerate(rows[i % 3] for i in range(n)))).encode()


def test_a_csv_with_three_classes_gets_a_softmax_of_three_that_learns():
    state, start, note, _ = arrivals.arrive("upload-csv", as_upload(three_colours()), default(), default())
    assert state.spec.sizes == (2, 2, 3) and state.spec.activations == ("sigmoid", "softmax")
    assert state.spec.loss == "cross_entropy" and start is state
    assert state.data.classes == ("blue", "green", "red")
    assert "a class (colour: blue, green, red)" in note
    data = engine.dataset(state.data)
    assert data.classes == state.data.classes and data.y_train.shape == (24, 3)
    before = engine.evaluate(state)["train_loss"]
    after = engine.evaluate(engine.train_steps(state, 100))["train_loss"]
    assert after < before / 2  # about 1.1 (ln 3, a guess among three) falling towards 0


def test_a_binary_csv_after_three_classes_gets_its_sigmoid_back():
    three = engine.PRESETS["three_classes"].state()  # tanh, tanh, softmax of 3
    state, _, _, _ = arrivals.arrive("upload-csv", as_upload(b"1,2,0\n3,4,1\n"), three, three)
    assert state.spec.activations == ("tanh", "tanh", "sigmoid") and state.spec.sizes[-1] == 1
    assert state.spec.loss == "bce" and state.data.classes == ()


def test_a_bad_csv_names_the_row():
    with pytest.raises(LabInputError, match="Row 2, column 2"):
        arrivals.arrive("upload-csv", as_upload(b"1,2,0\n3,abc,1\n"), default(), default())


def test_an_oversize_csv_is_refused_by_its_size():
    big = b"1,2,0\n" * (limits.MAX_UPLOAD_BYTES // 6 + 10)
    with pytest.raises(LabInputError, match="bytes"):
        arrivals.arrive("upload-csv", as_upload(big), default(), default())


def test_a_link_builds_its_network_and_keeps_its_notices():
    state, start, note, _ = arrivals.arrive("url", "?lesson=circle&seed=3&colour=red", default(), default())
    assert state.to_dict() == engine.PRESETS["circle"].state(3).to_dict() and start is state
    assert "colour" in note


def test_a_link_without_lab_settings_leaves_the_lab():
    now = engine.train_steps(default(), 2)
    state, start, note, _ = arrivals.arrive("url", "?present=1&theme=dark", now, now)
    assert state is now and start is now and note == ""


def test_a_moment_comes_back_with_its_start():
    circle = engine.PRESETS["circle"].state()
    moment = {"state": engine.advance(circle).to_dict(), "start": circle.to_dict(), "at": 1}
    state, start, _, _ = arrivals.arrive("travel", moment, default(), default())
    assert state.to_dict() == engine.advance(circle).to_dict() and start.to_dict() == circle.to_dict()


@pytest.mark.parametrize("moment", [None, 3, "x", {}, {"state": 5}, {"state": {"format": 1}}])
def test_a_bad_moment_raises(moment):
    with pytest.raises(LabInputError):
        arrivals.arrive("travel", moment, default(), default())


# --- downloads


def test_save_lab_is_the_state_as_json():
    trained = engine.train_steps(default(), 4)
    file = sharing.download("save-lab", trained.to_dict())
    assert file["filename"] == "backprop-lab-step-4.json"
    assert engine.LabState.from_json(file["content"]).to_dict() == trained.to_dict()


def test_the_numpy_download_makes_the_networks_predictions():
    trained = engine.train_epochs(engine.PRESETS["circle"].state(), 3)
    file = sharing.download("export-numpy", trained.to_dict())
    namespace = {"__name__": "exported"}
    exec(compile(file["content"], file["filename"], "exec"), namespace)  # noqa: S102 - our own export
    x = engine.dataset(trained.data).x_train
    expected = engine.forward(trained.spec, trained.params, x).a[-1]
    np.testing.assert_allclose(namespace["predict"](x), expected, rtol=0, atol=1e-12)


def test_the_network_json_download_holds_the_weights():
    file = sharing.download("export-json", default().to_dict())
    exported = json.loads(file["content"])
    assert exported["W"] == [w.tolist() for w in default().params.W[1:]]


@pytest.mark.parametrize("kind, stored", [("save-lab", {"format": 9}), ("nothing", None), (["x"], None)])
def test_a_bad_download_request_raises_a_lab_input_error(kind, stored):
    with pytest.raises(LabInputError):
        sharing.download(kind, stored)
