"""/worksheet on the app's server: a link's worksheet, the posted lab's worksheet, Markdown, and
every bad request answered with a short page that says why (400), never a 500 or a traceback."""

import json
import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import engine
from app import create_app
from engine import limits
from engine.worksheet import make_worksheet


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


def sheet(page: bytes) -> str:
    """The printed part of a page: the worksheet and its key, without the screen controls."""
    text = page.decode()
    return text[text.index("<main"):]


def clean(response):
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "/work/" not in body and 'File "' not in body
    return body


def test_a_links_worksheet_is_the_same_every_time(client):
    query = "/worksheet?lesson=worked_example&ws=3&blanks=5&kinds=z,delta"
    first, second = client.get(query), client.get(query)
    assert first.status_code == 200 and first.headers["Content-Type"] == "text/html; charset=utf-8"
    assert first.data == second.data
    assert "Worksheet 3 · 5 blanks (z, δ)" in first.get_data(as_text=True)
    assert first.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    other = client.get(query.replace("ws=3", "ws=4"))
    assert sheet(other.data) != sheet(first.data)
    # The page's only script is the Print button's file, which the server serves.
    scripts = re.findall(r"<script[^>]*>", first.get_data(as_text=True))
    assert scripts == ['<script src="/worksheet/print.js" defer>']
    js = client.get("/worksheet/print.js")
    assert js.status_code == 200 and js.mimetype == "text/javascript" and b"window.print()" in js.data
    # The link on the page is this same worksheet.
    link = re.search(r'class="link" type="text" readonly value="([^"]+)"', first.get_data(as_text=True)).group(1)
    again = client.get(link.replace("&amp;", "&").removeprefix("http://localhost"))
    assert sheet(again.data) == sheet(first.data)


def test_a_link_with_no_lab_is_the_default_lesson_and_markdown_downloads(client):
    page = client.get("/worksheet").get_data(as_text=True)
    assert "Default lesson" in page and "Worksheet 1 · 8 blanks" in page
    md = client.get("/worksheet?format=md&ws=2")
    assert md.status_code == 200 and md.mimetype == "text/markdown"
    assert md.headers["Content-Disposition"] == 'attachment; filename="worksheet-2.md"'
    assert "# Answer key · worksheet 2" in md.get_data(as_text=True)


def test_unusable_lab_settings_are_said_and_the_rest_still_applies(client):
    response = client.get("/worksheet?lesson=circle&lr=banana&ws=1")
    body = clean(response)
    assert response.status_code == 200 and engine.PRESETS["circle"].state().title in body
    assert "learning rate" in body and 'class="notice"' in body


def test_the_posted_lab_gives_its_trained_weights_and_a_link_from_its_start(client):
    start = engine.PRESETS["default"].state()
    trained = engine.full_step(start)
    response = client.post("/worksheet", data={"lab": trained.to_json(), "start": start.to_json(),
                                               "lesson": "default", "ws": "1"})
    body = clean(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    ws = make_worksheet(trained)
    assert "the weights after step 1" in body and "0.7599" in body.split("Fill in the blanks")[0]
    assert sheet(response.data).count('class="blank"') == len(ws.blanks)
    assert "from the lab&#x27;s start" in body
    # The forms send the lab back (slimmed: no history) to make other blanks, or Markdown.
    lab = re.search(r'name="lab" value="([^"]+)"', body).group(1)
    assert json.loads(lab.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&"))["history"] == {
        "stride": 1, "entries": []}
    md = client.post("/worksheet", data={"lab": trained.to_json(), "format": "md"})
    assert md.status_code == 200 and "step 1" in md.get_data(as_text=True)
    # At the start, the link gives the very same worksheet.
    posted = client.post("/worksheet", data={"lab": start.to_json(), "start": start.to_json(), "lesson": "default"})
    text = posted.get_data(as_text=True)
    assert "A link to this worksheet" in text
    link = re.search(r'class="link" type="text" readonly value="([^"]+)"', text).group(1)
    assert sheet(client.get(link.replace("&amp;", "&").removeprefix("http://localhost")).data) == sheet(posted.data)


BAD_QUERIES = [
    "ws=abc", "ws=-1", "ws=4294967296", "ws=%C2%B2", "ws=1&ws=2", "blanks=0", "blanks=101", "blanks=1e3",
    "kinds=foo", "kinds=", "kinds=z,,w%2B", "kinds=" + "z," * 300, "format=pdf", "format=", "ex=0", "ex=2",
    "ex=" + "9" * 40, "kinds=z&kinds=a&kinds=z&kinds=a&kinds=z&kinds=a&kinds=z",
    "lesson=" + "x" * (limits.MAX_LINK_CHARS + 10),
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_a_bad_parameter_gets_a_page_that_says_why(client, query):
    response = client.get("/worksheet?" + query)
    body = clean(response)
    assert response.status_code == 400 and response.mimetype == "text/html", query
    assert "The worksheet could not be made" in body and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"]


BAD_POSTS = [
    {}, {"lab": ""}, {"lab": "not json"}, {"lab": "[]"}, {"lab": '{"format": 1}'}, {"lab": "NaN"},
    {"lab": json.dumps(engine.PRESETS["default"].state().to_dict() | {"params": "x"})},
    {"lab": engine.PRESETS["default"].state().to_json(), "start": "{"},
    {"lab": engine.PRESETS["default"].state().to_json(), "ws": "x"},
    {"lab": "[" * 100_000 + "]" * 100_000},
]


@pytest.mark.parametrize("form", BAD_POSTS, ids=range(len(BAD_POSTS)))
def test_a_bad_post_gets_a_page_that_says_why(client, form):
    response = client.post("/worksheet", data=form)
    assert response.status_code == 400, clean(response)[:300]
    clean(response)


def test_too_big_and_other_methods(client):
    response = client.post("/worksheet", data={"lab": "x" * (4 * limits.MAX_STATE_BYTES + 10)},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "larger" in clean(response)
    assert client.put("/worksheet").status_code == 405
    assert client.delete("/worksheet").status_code == 405
    assert client.head("/worksheet").status_code == 200


NAMES = st.sampled_from(["ws", "blanks", "kinds", "ex", "format", "lesson", "seed", "lr", "hidden", "data", "x"])


def test_any_query_gets_a_sheet_or_a_reason(client):
    # A bounded, derandomized batch of random queries: each answer is a worksheet or a 400 that says why.
    @settings(max_examples=150, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.lists(st.tuples(NAMES, st.text(max_size=30)), max_size=6))
    def ask(query):
        got = client.get("/worksheet?" + urlencode(query))
        assert got.status_code in (200, 400), (query, got.status_code)
        clean(got)

    ask()
