"""After a Step the maths tabs and the charts beside the network ask the server at the same time.

Dash's page sends a callback's request only when no callback still pending could change one of
its inputs, reckoned through every callback that follows from that one's outputs (dash-renderer,
getReadyCallbacks). A callback whose own outputs lead back to its inputs is never ready while it
is pending, and waits until it is the only one left: the charts' request went out only once the
maths tabs' answer was in, one round trip after the other. Checked on the dependency graph the
page itself reads (/_dash-dependencies), with Dash's rule.
"""

import re

from app import create_app


def dependencies() -> list[dict]:
    return create_app().server.test_client().get("/_dash-dependencies").get_json()


def outputs(callback: dict) -> set[str]:
    text = callback["output"]
    parts = text[2:-2].split("...") if text.startswith("..") else [text]
    return {re.sub(r"@[0-9a-f]+$", "", part) for part in parts}


def inputs(callback: dict) -> set[str]:
    return {f"{i['id']}.{i['property']}" for i in callback["inputs"] if isinstance(i["id"], str)}


def downstream(callback: dict, graph: list[dict]) -> set[str]:
    """Every output this callback's outputs can lead to, through the callbacks they are inputs of."""
    reached, todo = set(outputs(callback)), list(outputs(callback))
    while todo:
        prop = todo.pop()
        for other in graph:
            if prop in inputs(other):
                for out in outputs(other) - reached:
                    reached.add(out)
                    todo.append(out)
    return reached


def follow_ups(graph: list[dict]) -> list[dict]:
    """The server callbacks a Step's answer sets going: those with an input among `act`'s outputs."""
    act = next(c for c in graph if "lab-state.data" in outputs(c) and "step.n_clicks" in inputs(c))
    return [c for c in graph if c.get("clientside_function") is None and c is not act
            and inputs(c) & outputs(act)]


def test_the_step_follow_ups_are_the_maths_tabs_and_the_charts():
    names = {min(outputs(c)) for c in follow_ups(dependencies())}
    assert {"blame-chart.figure", "contour-chart.figure"} <= names


def test_no_follow_up_of_a_step_waits_on_itself_or_on_another():
    graph = dependencies()
    pending = follow_ups(graph)
    for callback in pending:
        waits_on = set().union(*(downstream(other, graph) for other in pending))
        assert not (inputs(callback) - outputs(callback)) & waits_on, (min(outputs(callback)),
                                                                     (inputs(callback) - outputs(callback)) & waits_on)
