"""Safe defaults: the app listens on this computer only and without debug unless asked, never
evaluates what a browser sends, refuses oversized requests before reading them, and sends
security headers that still let a notebook on this computer show the app inline.
"""

import re
from pathlib import Path

import pytest

from app import cli, create_app
from app.security import NOTEBOOK_FRAMERS
from engine import limits

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


def test_the_server_starts_on_this_computer_without_debug(monkeypatch):
    served, debugged = [], []
    monkeypatch.setattr(cli, "serve", lambda server, host, port, threads: served.append((host, port, threads)))
    monkeypatch.setattr("dash.Dash.run", lambda self, **kwargs: debugged.append(kwargs))
    cli.main([])
    assert served == [("127.0.0.1", 8050, cli.THREADS)] and debugged == []  # waitress, on this computer only
    cli.main(["--host", "0.0.0.0", "--port", "9000"])  # a classroom, when asked for
    assert served[-1] == ("0.0.0.0", 9000, cli.THREADS)
    cli.main(["--debug"])  # Flask's development server with Dash's dev tools: only when asked for
    assert debugged == [{"host": "127.0.0.1", "port": 8050, "debug": True}] and len(served) == 2


def test_the_page_carries_security_headers(client):
    answer = client.get("/")
    headers = answer.headers
    assert answer.status_code == 200
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    policy = dict(rule.split(" ", 1) for rule in headers["Content-Security-Policy"].split("; "))
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    # Only the app's own scripts, and Dash's inline ones by hash: every inline script on the page has one.
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", answer.text, re.DOTALL)
    assert inline and "'unsafe-inline'" not in policy["script-src"]
    # A notebook on this computer may show the app in an iframe; other sites may not.
    assert policy["frame-ancestors"].split() == ["'self'", *NOTEBOOK_FRAMERS]
    assert "X-Frame-Options" not in headers  # it would block the notebook's iframe


def test_the_callbacks_carry_them_too(client):
    answer = client.post("/_dash-update-component", data="not json", content_type="application/json")
    assert answer.status_code == 400 and "Content-Security-Policy" in answer.headers
    assert "Traceback" not in answer.get_data(as_text=True)


def test_a_request_over_the_limit_is_refused_unread(client):
    body = b"{" + b" " * (limits.MAX_REQUEST_BYTES + 10) + b"}"
    answer = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert answer.status_code == 413


def test_nothing_from_a_browser_is_evaluated():
    """No eval, exec, pickle or unsafe YAML anywhere in the app's own code (a regex's .exec is fine)."""
    forbidden = re.compile(r"(?<!\.)\b(eval|exec)\s*\(|\bpickle\b|yaml\.load\(|__import__\(|\bnew Function\b")
    found = []
    for folder in ("app", "engine", "components", "assets", "backprop_lab"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".js"):
                found += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(path.read_text().splitlines(), 1)
                          if forbidden.search(line) and not line.lstrip().startswith(("#", "//", "*"))]
    assert found == []
