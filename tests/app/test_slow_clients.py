"""The classroom server stays available while clients dawdle on purpose.

Runs the README's classroom command (`backprop-lab`, here `python -m app` on loopback: waitress)
and holds 32 slow-body connections (`Content-Length: 100000`, then a byte a second), 32 slow-header
ones (a header line a second, never ending) and 32 slow readers of plotly.min.js open, while a
student clicks Step: each answer must be the engine's next state, and come at all within a
generous liveness timeout (the old `gunicorn --workers 2 --threads 4` took 22 s or never answered).
The timings themselves are for `python -m bench.slow_clients`, not for a test.

Bounded: 96 connections, 5 Steps of at most LIVENESS seconds each, the whole test well under a minute;
the server and every connection are always closed.
"""

import time
from contextlib import ExitStack

import pytest

from bench.server import AppServer
from bench.slow_clients import N_SLOW, SlowClients, Student

LIVENESS = 5.0  # seconds: "answers at all", not a performance figure
STEPS = 5


@pytest.fixture(scope="module")
def server():
    with AppServer() as s:
        yield s


@pytest.fixture(scope="module")
def student(server):
    from app import create_app

    return Student(server.port, create_app())


@pytest.mark.parametrize("kinds", [("body",), ("headers",), ("body", "headers", "reader")])
def test_a_students_step_answers_while_slow_clients_hold_connections(server, student, kinds):
    assert student.step(LIVENESS)[1] == ""
    with ExitStack() as stack:
        slow = [stack.enter_context(SlowClients(server.port, kind, N_SLOW, max_seconds=40)) for kind in kinds]
        time.sleep(1.5)  # every slow connection accepted and in its dawdling
        for _ in range(STEPS):
            ms, problem = student.step(LIVENESS)
            assert problem == "", f"{problem} after {ms / 1000:.1f} s with {kinds} slow clients"
        assert [s.open_now for s in slow] == [N_SLOW] * len(kinds)  # they really were held open
    assert server.alive()
    assert "Traceback" not in server.log_text()


def test_a_body_over_the_limit_is_refused_before_it_is_buffered(server):
    # waitress reads a whole body before the app runs: the limit must stop it first (413, unread).
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=LIVENESS) as s:
        s.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 900000000\r\n\r\n{")
        assert s.recv(200).split(b"\r\n", 1)[0].endswith(b"413 Request Entity Too Large")
