"""Fairness against the real server: 8 of the costliest maps at once from one client, and a student's Step.

Starts `python -m app` (bench/server.py: Flask's threaded server, one process, as waitress is) and
posts, all at once, 8 requests for the map over two weights of the largest lab (sigmoid layers,
2,000 rows: bench/fairness.py), while a normal student clicks Step on the default lesson. Before the
fairness slot (app/fairness.py) the Step waited several seconds; the figures are in bench/hostile.py.
No timed assertions here beyond a generous liveness bound: the Step must answer, exactly as the
engine does, within 5 s. The mechanism itself is checked: the maps computing at once were limited
(some were refused, each telling the page so and starting its retry timer, never a 500 or another
picture), and the same request sent again later gets the map, the same one the others drew.
"""

import json
import threading

import pytest

from bench import fairness
from bench.server import AppServer

LIVENESS = 5.0  # seconds for the Step under load (it took several seconds more before)
MAP_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def dash_app():
    from app import create_app

    return create_app()  # only for its callback map: bench/app.py's body() builds the page's requests


def test_a_student_steps_while_one_client_asks_for_eight_costliest_maps(dash_app):
    map_payload = fairness.map_request(dash_app)
    step_payload, expected = fairness.step_request(dash_app)
    with AppServer() as server:
        post = fairness.WsgiServer.post.__get__(server)  # the same post, on this server's port
        assert fairness.step_answer_ok(*post(step_payload)[:2], expected)
        answers: list = [None] * fairness.CONCURRENT
        start = threading.Barrier(fairness.CONCURRENT + 1)

        def ask(i):
            start.wait()
            answers[i] = post(map_payload, MAP_TIMEOUT)

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(fairness.CONCURRENT)]
        for t in threads:
            t.start()
        start.wait()
        status, data, _ = post(step_payload, LIVENESS)
        for t in threads:
            t.join(MAP_TIMEOUT + 5)
        assert status == 200, f"the Step did not answer within {LIVENESS} s (status {status})"
        assert fairness.step_answer_ok(status, data, expected), "the Step under load is not the engine's"

        outcomes = [fairness.map_outcome(a[0], a[1]) for a in answers]
        assert set(outcomes) <= {"drawn", "refused"}, outcomes
        assert outcomes.count("refused") >= 1, "eight costliest maps at once were all computed"
        # A later try of the same request draws the map, and it is the one the others drew.
        later = post(map_payload, MAP_TIMEOUT)
        assert fairness.map_outcome(later[0], later[1]) == "drawn"
        drawn = [json.loads(a[1])["response"]["contour-chart"]["figure"] for a, o in zip(answers, outcomes)
                 if o == "drawn"]
        mine = json.loads(later[1])["response"]["contour-chart"]["figure"]
        assert all(figure == mine for figure in drawn)
        assert "Traceback" not in server.log_text()
        assert server.alive()


def test_the_slot_refuses_at_once_while_it_is_held():
    from app.fairness import Busy, Slot

    slot = Slot()
    with slot.take():
        assert slot.busy()
        with pytest.raises(Busy), slot.take():
            pass
    assert not slot.busy()
    with slot.take():
        pass
    assert (slot.granted, slot.refused) == (2, 1)
