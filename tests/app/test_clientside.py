"""The app's clientside callbacks name functions the page has: every one is a ClientsideFunction in the
one namespace assets/clientside.js defines, read here by running that file under Node, as the page runs
it. A function named in app/ and missing from the file would fail only in the browser, silently."""

import json
import shutil
import subprocess

import pytest

from app import ASSETS, create_app

NAMESPACE = "backpropLab"
CLIENTSIDE = ASSETS / "clientside.js"
# Loads the page's file as the page does (it adds its namespace to window.dash_clientside), lists the
# namespace's functions and answers the readouts given (components/weight_slider.py).
RUNNER = """
globalThis.window = globalThis;
window.dash_clientside = {no_update: {description: "no update"}};
require(process.argv[1]);
const namespaces = {};
for (const [name, ns] of Object.entries(window.dash_clientside)) {
  if (ns && typeof ns === "object" && name !== "no_update") {
    namespaces[name] = Object.keys(ns).filter((key) => typeof ns[key] === "function");
  }
}
const readout = window.dash_clientside.backpropLab.readout;
const readouts = JSON.parse(process.argv[2]).map((v) => {
  const shown = readout(v);
  return shown === window.dash_clientside.no_update ? "no_update" : shown;
});
process.stdout.write(JSON.stringify({namespaces, readouts}));
"""
READOUTS = [1.5, -0.25, 0, None]


def node() -> str:
    found = shutil.which("node") or shutil.which("nodejs")
    if not found:
        pytest.fail("Node is missing: run `bash tests/ensure_node.sh` (or `make test`, which runs it).")
    return found


@pytest.fixture(scope="module")
def page():
    ran = subprocess.run([node(), "-e", RUNNER, str(CLIENTSIDE), json.dumps(READOUTS)],
                         capture_output=True, text=True, timeout=60, check=True)
    return json.loads(ran.stdout)


@pytest.fixture(scope="module")
def named():
    """Every clientside function the app's callbacks name, as the browser is told (_dash-dependencies)."""
    dependencies = create_app().server.test_client().get("/_dash-dependencies").get_json()
    return [(d["output"], d["clientside_function"]) for d in dependencies if d.get("clientside_function")]


def test_every_clientside_callback_names_a_function_of_the_pages_namespace(page, named):
    assert len(named) >= 15  # the network's, the sliders', sharing's, the tour's and the panels'
    defined = set(page["namespaces"].get(NAMESPACE, []))
    for output, function in named:
        # No JavaScript in a Python string (Dash's "_dashprivate_clientside_funcs"): it is in assets/.
        assert function["namespace"] == NAMESPACE, output
        assert function["function_name"] in defined, (output, function["function_name"], sorted(defined))


def test_the_namespace_holds_no_function_nothing_calls(page, named):
    called = {function["function_name"] for _, function in named}
    assert set(page["namespaces"][NAMESPACE]) == called


def test_the_sliders_readout_writes_a_signed_value_with_a_real_minus(page):
    assert page["readouts"] == ["+1.500", "\u22120.250", "+0.000", "no_update"]
