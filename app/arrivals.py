"""Labs that arrive whole, from outside the settings: a saved file, a CSV of a person's own
data, a shared link, or a moment from the timeline kept in the page (assets/timeline.js).

Everything here is untrusted and goes through the engine's front door (`LabState.from_dict`,
`parse_csv`): a bad arrival raises LabInputError, the page shows its message and the lab on
screen stays as it was.
"""

import base64
import binascii

import numpy as np

import engine
from engine import LabInputError, LabState, limits
from engine.csv_data import describe, parse_csv
from engine.rate_search import trainable_settings

from . import links

# The act callback's inputs for arrivals, (component id, property), in this order.
INPUTS = (("travel", "data"), ("load-lab", "contents"), ("upload-csv", "contents"), ("url", "search"))
CLEARED = INPUTS[:3]  # the link stays: the page takes it out of the address bar (assets/display.js)

TITLE_OWN_DATA = "Your data"


def arrive(trigger: str, value, state: LabState, start: LabState) -> tuple[LabState, LabState, str, str | None]:
    """(state, start, a note for the page, the lesson the list should show or None to leave it to
    the lab's title) after `value` arrived through `trigger`."""
    if trigger == "travel":
        return *travel(value), "", None
    if trigger == "load-lab":
        try:
            loaded = LabState.from_json(upload_bytes(value, limits.MAX_STATE_BYTES, "saved lab"))
        except LabInputError as e:
            raise LabInputError(f"That file could not be loaded, and your lab is as it was: {e}") from None
        return loaded, loaded, f"Loaded “{loaded.title}” at step {loaded.counters.step}.", None
    if trigger == "upload-csv":
        uploaded = parse_csv(upload_bytes(value, limits.MAX_UPLOAD_BYTES, "CSV file"))
        new, chosen = with_data(state, uploaded.spec)
        return new, new, f"{describe(uploaded)} {chosen}", None
    if trigger == "url":
        linked = links.state_from_query(value)
        notes = " ".join(linked.notices)
        if linked.state is None:
            return state, start, notes, None
        return linked.state, linked.state, notes, linked.lesson
    raise LabInputError("Unknown arrival.")


def travel(value) -> tuple[LabState, LabState]:
    """A moment the page kept: {"state": …, "start": …}, both checked like any stored lab."""
    if not isinstance(value, dict) or not isinstance(value.get("state"), dict):
        raise LabInputError("That moment could not be read.")
    state = LabState.from_dict(value["state"])
    start = LabState.from_dict(value["start"]) if isinstance(value.get("start"), dict) else state
    return state, start


def upload_bytes(contents, limit: int, what: str) -> bytes:
    """The bytes of a dcc.Upload's contents ("data:<type>;base64,<data>"), refused unread if too big."""
    if not isinstance(contents, str) or "," not in contents[:200]:
        raise LabInputError(f"The {what} could not be read: choose a file and try again.")
    encoded = contents.split(",", 1)[1]
    size = len(encoded) * 3 // 4  # what base64 decodes to, within two bytes: known before decoding
    if size > limit + 2:
        raise LabInputError(f"This {what} is {size:,} bytes; at most {limit:,} are allowed.")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise LabInputError(f"The {what} could not be read: it did not arrive whole. Try again.") from None


def with_data(state: LabState, data: engine.DataSpec) -> tuple[LabState, str]:
    """A fresh network for a person's own data, and a sentence on the training settings chosen.

    The network keeps the hidden layers and activation the person had, with an input per feature
    and its outputs: a softmax with categorical cross-entropy, one neuron per class, for class
    labels; one sigmoid with cross-entropy for 0/1 labels; one linear with mean squared error for
    numeric targets. The learning rate and batch size are the lesson's no longer: they are tried
    on the data itself (engine/rate_search.py), as a lesson's rate can blow an upload's weights up.
    """
    hidden = state.spec.sizes[1:-1]
    acts = state.spec.activations[:-1]
    if data.class_names():
        output, loss = "softmax", "cross_entropy"
    elif data.kind == "classification":
        output, loss = "sigmoid", "bce"
    else:
        output, loss = "linear", "mse"
    sizes = (data.input_size(), *hidden, data.output_size())
    init = state.spec.init if state.spec.init != "explicit" else "xavier"
    spec = engine.NetworkSpec(sizes, (*acts, output), loss, init, state.spec.init_scale)
    params = engine.init_params(spec, np.random.default_rng(state.seed))
    fresh = LabState(TITLE_OWN_DATA, state.seed, spec, params, engine.TrainConfig(state.train.optimizer), data)
    chosen = trainable_settings(fresh)
    train = engine.TrainConfig(state.train.optimizer, chosen.learning_rate, batch_size=chosen.batch_size)
    return fresh.replace(train=train), chosen.note
