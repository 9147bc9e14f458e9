"""app/links.py: a link rebuilds the lab it was copied from, and a bad link never breaks the page.

Labs are built the way the page builds them: callbacks.apply, one control at a time, each with
the values the controls show. The property: the lab a link rebuilds has exactly the to_dict()
of the lab it was copied from (fresh: the link carries the recipe, not trained weights).
"""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from app import actions, links
from app.callbacks import apply, control_values
from engine import LabInputError, limits


def page(lesson="default", seed=0, *changes):
    """(state, start) after a person opens `lesson` at `seed` and then sets each (control, value)
    in turn. A change the page refuses leaves the lab as it was, as on the page."""
    state = start = actions.preset(lesson, seed)
    for control, value in changes:
        values = control_values(state) | {"preset": lesson, control: value}
        try:
            state, start = apply(control, values, state, start, "normal")
        except LabInputError:
            pass
    return state, start


def round_trip(state, start):
    query, notice = links.link_query(state, start)
    linked = links.state_from_query(query)
    assert notice == ""
    assert linked.notices == ()
    assert linked.state.to_dict() == state.to_dict(), query
    return query


# --- round trips ---

@pytest.mark.parametrize("lesson", list(engine.PRESETS))
@pytest.mark.parametrize("seed", [0, 7, limits.MAX_SEED])
def test_every_lesson_round_trips_at_any_seed(lesson, seed):
    query = round_trip(*page(lesson, seed))
    assert query == f"?lesson={lesson}" + (f"&seed={seed}" if seed else "")


def test_the_default_lessons_link_is_short():
    assert links.link_query(*page())[0] == "?lesson=default"


GRID = [
    (("hidden-sizes", "3"),),
    (("hidden-sizes", "0"),),
    (("hidden-sizes", "8, 8, 8, 8, 8, 8"),),
    (("add-layer", 1),),
    (("activation", "relu"),),
    (("output-activation", "linear"), ("loss", "mse")),
    (("dataset", "xor"),),
    (("dataset", "spiral"), ("hidden-sizes", "6,6")),
    (("dataset", "sine"),),  # regression: rebuild switches to a linear output with MSE
    (("dataset", "sine"), ("output-activation", "tanh")),  # ... and then the person switches back
    (("dataset", "plane"), ("loss", "squared_error"), ("dataset", "sine")),
    (("dataset", "explicit"),),
    (("seed", 5),),  # the lesson's own examples keep the seed they were made with: dseed
    (("seed", 5), ("dataset", "moons"), ("dataset", "explicit")),
    (("hidden-sizes", "3"), ("hidden-sizes", "2")),  # its own network with the lesson's shape
    (("add-layer", 1), ("remove-layer", 1), ("activation", "tanh")),
    (("learning-rate", 0.003), ("batch-size", 25), ("optimizer", "adam")),
    (("optimizer", "momentum"), ("hidden-sizes", "5"), ("learning-rate", 10.0)),
    (("seed", 123456), ("activation", "leaky_relu"), ("output-activation", "sigmoid"), ("loss", "bce")),
    (("dataset", "moons"), ("noise", 0.3), ("test-share", 0.2)),
    (("dataset", "xor"), ("features", ["x1_x2", "sin_x1"]), ("new-data", 1), ("new-data", 1)),
    (("dataset", "spiral"), ("features", ["x1_sq", "x2_sq"]), ("seed", 9), ("dataset", "sine")),
    (("penalty", "l1"), ("penalty-rate", 0.3)),
    (("penalty-rate", 0.01), ("penalty", "none")),
]


@pytest.mark.parametrize("lesson", list(engine.PRESETS))
@pytest.mark.parametrize("changes", GRID, ids=lambda c: "+".join(f"{k}={v}" for k, v in c))
def test_a_grid_of_settings_round_trips(lesson, changes):
    round_trip(*page(lesson, 0, *changes))


def test_only_what_differs_from_the_lesson_is_written():
    query, _ = links.link_query(*page("circle", 0, ("activation", "relu"), ("learning-rate", 0.03)))
    assert query == "?lesson=circle&act=relu&lr=0.03"
    query, _ = links.link_query(*page("default", 0, ("seed", 5)))
    assert query == "?from=default&seed=5&dseed=0"  # new weights from seed 5, the examples made at seed 0


def test_a_trained_lab_links_to_its_fresh_start():
    state, start = page("circle", 3, ("hidden-sizes", "3"), ("learning-rate", 0.1))
    trained = engine.train_steps(state, 5)
    assert trained.to_dict() != state.to_dict()
    query, notice = links.link_query(trained, start)
    assert notice == ""
    assert links.state_from_query(query).state.to_dict() == state.to_dict()


CHANGES = st.one_of(
    st.tuples(st.just("hidden-sizes"), st.lists(st.integers(1, limits.MAX_NEURONS), max_size=limits.MAX_HIDDEN_LAYERS)
              .map(lambda sizes: ", ".join(map(str, sizes)) or "0")),
    st.tuples(st.sampled_from(["activation", "output-activation"]), st.sampled_from(list(engine.ACTIVATIONS))),
    st.tuples(st.just("loss"), st.sampled_from(list(engine.LOSSES))),
    st.tuples(st.just("dataset"), st.sampled_from(["explicit", *engine.DATASETS])),
    st.tuples(st.just("seed"), st.integers(0, limits.MAX_SEED)),
    st.tuples(st.sampled_from(["add-layer", "remove-layer"]), st.just(1)),
    st.tuples(st.just("learning-rate"), st.floats(1e-9, limits.MAX_LEARNING_RATE)),
    st.tuples(st.just("batch-size"), st.integers(1, limits.MAX_BATCH)),
    st.tuples(st.just("optimizer"), st.sampled_from(list(engine.OPTIMIZERS))),
    st.tuples(st.just("noise"), st.sampled_from(actions.NOISES)),
    st.tuples(st.just("test-share"), st.sampled_from(actions.TEST_SHARES)),
    st.tuples(st.just("features"), st.lists(st.sampled_from(list(engine.FEATURES)), unique=True)),
    st.tuples(st.just("new-data"), st.just(1)),
    st.tuples(st.just("penalty"), st.sampled_from(["none", *engine.PENALTIES])),
    st.tuples(st.just("penalty-rate"), st.sampled_from(actions.PENALTY_RATES)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(list(engine.PRESETS)), st.integers(0, limits.MAX_SEED), st.lists(CHANGES, max_size=6))
def test_any_lab_the_page_builds_round_trips(lesson, seed, changes):
    round_trip(*page(lesson, seed, *changes))


# --- what a link cannot carry ---

def test_uploaded_data_gives_a_notice():
    state = actions.preset("default")
    own = engine.DataSpec("explicit", x=((0.0, 0.0), (1.0, 1.0)), y=((0.0,), (1.0,)), test_fraction=0.0)
    uploaded = state.replace(title="Your data", data=own)
    query, notice = links.link_query(uploaded, uploaded)
    assert "uploaded" in notice
    assert links.state_from_query(query).state is not None  # the settings still open, with the lesson's examples


def test_a_lab_loaded_from_a_file_with_extras_gives_a_notice():
    state = actions.preset("circle")
    spec = engine.NetworkSpec(state.spec.sizes, state.spec.activations, state.spec.loss, "he")
    loaded = state.replace(spec=spec)
    query, notice = links.link_query(loaded, loaded)
    assert query.startswith("?lesson=circle") and "not rebuild exactly" in notice


# --- reading: display flags, no settings, the "?" ---

@pytest.mark.parametrize("search", [None, "", "?", "?present=1", "present=true&theme=dark"])
def test_a_link_without_lab_settings_gives_no_state(search):
    assert links.state_from_query(search).state is None


def test_display_flags_are_returned_not_built():
    linked = links.state_from_query("present=TRUE&theme=dark&lesson=circle")
    assert (linked.present, linked.theme, linked.notices) == (True, "dark", ())
    assert linked.state.to_dict() == actions.preset("circle").to_dict()
    assert links.state_from_query("?present=0").present is False


def test_the_question_mark_is_optional():
    assert links.state_from_query("lesson=circle&seed=4").state.to_dict() == actions.preset("circle", 4).to_dict()


def test_any_learning_rate_the_engine_allows_is_taken_not_only_the_dropdowns():
    linked = links.state_from_query("?lesson=circle&lr=0.02")
    assert linked.notices == () and linked.state.train.learning_rate == 0.02


# --- bad links: a notice naming the setting, the rest of the link still applies ---

@pytest.mark.parametrize("bad, words", [
    ("lr=abc", "learning rate (lr='abc')"),
    ("lr=nan", "lr='nan'"),
    ("lr=1e400", "lr='1e400'"),
    ("lr=0", "lr='0'"),
    ("lr=101", "lr='101'"),
    ("seed=-1", "seed (seed='-1')"),
    ("seed=4294967296", "seed='4294967296'"),
    ("seed=1.5", "seed='1.5'"),
    ("dseed=x", "data seed (dseed='x')"),
    ("hidden=9,9,9,9,9,9,9", "hidden layers (hidden='9,9,9,9,9,9,9')"),
    ("hidden=%C2%B2", "hidden='²'"),  # "²".isdigit() is True, but int("²") raises
    ("hidden=4,x", "hidden='4,x'"),
    ("act=softmax", "hidden activation (act='softmax')"),
    ("out=", "output activation (out='')"),
    ("loss=hinge", "loss (loss='hinge')"),
    ("data=moon", "dataset (data='moon')"),
    ("data=explicit&lesson=circle", "data='explicit'"),  # circle has no examples of its own
    ("batch=0", "batch size (batch='0')"),
    ("batch=2.5", "batch='2.5'"),
    ("opt=rmsprop", "optimizer (opt='rmsprop')"),
    ("lesson=nope", "lesson (lesson='nope')"),
    ("lesson=" + "x" * 1500, "lesson='" + "x" * 30 + "'…"),
    ("seed=3&seed=4", "'seed' more than once"),
    ("theme=blue", "theme (theme='blue')"),
    ("present=maybe", "presenting flag (present='maybe')"),
    ("lesson=default&from=circle", "both 'lesson' and 'from'"),
    ("lesson=circle&stop=soon", "stop rule (stop='soon') was not used"),
    ("lesson=circle&reg=l3:0.1", "regularization (reg='l3:0.1') was not used"),
    ("lesson=circle&reg=l1:99", "reg='l1:99'"),
    ("lesson=circle&noise=0.07", "data settings (noise='0.07') were not used"),
    ("lesson=circle&test=1", "test='1'"),
    ("lesson=circle&feat=x3", "feat='x3'"),
    ("lesson=circle&data=sine&feat=x1_sq", "two inputs"),
    ("lesson=default&noise=0.2", "for a generated dataset"),
    ("lesson=circle&stop=steps:2.5", "stop='steps:2.5'"),
    ("lesson=circle&stop=train_loss:nan", "stop='train_loss:nan'"),
    ("lesson=local_minimum&stop=train_accuracy:90", "regression"),
])
def test_a_bad_setting_gives_a_notice_and_the_rest_still_applies(bad, words):
    linked = links.state_from_query(f"?{bad}&batch=25" if "batch" not in bad else f"?{bad}&opt=adam")
    assert any(words in n for n in linked.notices), linked.notices
    assert all(len(n) < 400 for n in linked.notices)
    assert linked.state is not None
    if "batch" not in bad:
        assert linked.state.train.batch_size == 25
    else:
        assert linked.state.train.optimizer == "adam"


def test_unknown_settings_are_noticed_and_a_flood_is_summed_up():
    linked = links.state_from_query("?lesson=circle&foo=1")
    assert linked.notices == ("The link's setting 'foo' is unknown and was ignored.",)
    assert linked.state.to_dict() == actions.preset("circle").to_dict()
    flood = links.state_from_query(urlencode({f"k{i}": i for i in range(100)}))
    assert len(flood.notices) == links.MAX_UNKNOWN_NOTICES + 1 and flood.state is None


def test_a_too_long_link_is_ignored_with_one_notice():
    linked = links.state_from_query("?lesson=circle&seed=" + "1" * links.MAX_QUERY)
    assert linked.state is None and len(linked.notices) == 1 and "characters long" in linked.notices[0]


@pytest.mark.parametrize("search", [42, ["?lesson=circle"], {"lesson": "circle"}, b"lesson=circle"])
def test_a_query_that_is_not_text_is_ignored(search):
    linked = links.state_from_query(search)
    assert linked.state is None and linked.notices


def never_fails(search):
    linked = links.state_from_query(search)
    assert isinstance(linked, links.Linked)
    assert all(isinstance(n, str) for n in linked.notices)
    assert "could not be read" not in " ".join(linked.notices)  # the last-resort guard was never needed


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(search):
    never_fails(search)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([*links.LAB, *links.DISPLAY, "foo"]),
                          st.one_of(st.text(max_size=40), st.integers(-10, 10**12).map(str),
                                    st.sampled_from([*engine.PRESETS, *engine.ACTIVATIONS, *engine.DATASETS,
                                                     "explicit", "0", "4,4", "1e-3", "nan"]))),
                max_size=12))
def test_arbitrary_settings_never_raise(pairs):
    never_fails("?" + urlencode(pairs))


# --- the lesson list after a link ---

# Begun from the circle lesson, then set to the default lesson's network on XOR: from=default rebuilds
# it too, and is shorter, but the person's list says Circle.
LIKE_DEFAULT = (("dataset", "xor"), ("hidden-sizes", "2"), ("activation", "sigmoid"),
                ("output-activation", "sigmoid"), ("loss", "squared_error"))


def test_a_network_of_ones_own_is_linked_from_the_lesson_the_list_shows():
    state, start = page("circle", 0, *LIKE_DEFAULT)
    assert links.link_query(state, start)[0].startswith("?from=default&")  # the shortest, without the list
    query, notice = links.link_query(state, start, "circle")
    assert query == "?from=circle&hidden=2&act=sigmoid&loss=squared_error&data=xor" and notice == ""
    linked = links.state_from_query(query)
    assert linked.state.to_dict() == state.to_dict() and linked.lesson == "circle"


@pytest.mark.parametrize("shown", [None, "nope", ["circle"], {"circle": 1}, 5, "x" * 10_000])
def test_a_junk_lesson_from_the_list_is_ignored(shown):
    state, start = page("circle", 0, *LIKE_DEFAULT)
    assert links.link_query(state, start, shown) == links.link_query(state, start)


@pytest.mark.parametrize("search, lesson", [
    ("?lesson=circle", "circle"),
    ("?lesson=circle&seed=3&lr=0.3", "circle"),
    ("?from=deep_sigmoid&hidden=3", "deep_sigmoid"),
    ("?lesson=deep", "default"),  # unknown: the default lesson was used, with a notice
    ("?present=1", None),  # no lab settings: the lab, and its list, stay as they are
])
def test_a_link_says_which_lesson_it_was_built_from(search, lesson):
    assert links.state_from_query(search).lesson == lesson


def test_a_copied_link_opens_with_the_lesson_list_showing_its_lesson():
    # Through the real callbacks, as the page sends them: Copy link on a network begun from the circle
    # lesson, then a fresh tab opening that link.
    from app import create_app
    from bench.app import body, controls

    dash_app = create_app()
    client = dash_app.server.test_client()
    state, start = page("circle", 0, *LIKE_DEFAULT)

    def post(output, values, changed):
        response = client.post("/_dash-update-component", json=body(dash_app, output, values, changed))
        assert response.status_code == 200
        return response.get_json()["response"]

    shared = post("share-query.data", {"lab-state.data": state.to_dict(), "start-state.data": start.to_dict(),
                                       "preset.value": "circle", "copy-link.n_clicks": 1}, "copy-link.n_clicks")
    query = shared["share-query"]["data"]["query"]
    fresh = engine.PRESETS["default"].state()
    opened = post("lab-state.data", controls(fresh) | {"preset.value": "default", "url.search": query}, "url.search")
    assert opened["preset"]["value"] == "circle"
    assert opened["lab-state"]["data"] == state.to_dict()


@pytest.mark.parametrize("rule, at", [("steps", 500), ("train_loss", 0.05), ("test_accuracy", 92.5)])
def test_plays_stop_rule_round_trips(rule, at):
    state, start = page("circle", 0, ("stop-rule", rule), ("stop-at", at))
    assert (state.train.stop_rule, state.train.stop_at) == (rule, at)
    assert round_trip(state, start) == f"?lesson=circle&stop={rule}:{at:g}"
