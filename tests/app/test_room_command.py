"""The README's classroom command, exactly as written there, serves the page to the room.

The command is read from the fenced block under "## Serving a classroom", so the README cannot
drift from what works. It listens on every address, which a test must not do on a real network:
it runs inside a private network namespace (`unshare --net`, Linux, as root) whose only device is
loopback, given the address a laptop on a classroom's network might have and a default route, as
that laptop would. tests/app/room_probe.py, inside the same namespace, loads the page and its
scripts from the address the command tells students to open, then stops the server. Nothing
outside the namespace can reach the server, and port 8050 there clashes with nothing.
"""

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("room_probe.py")
SECTION = "## Serving a classroom"
VENV_BIN = ".venv/bin/"  # how the README spells the environment's scripts (on Windows: .venv\Scripts\)
DEFAULT_PORT = 8050  # backprop-lab's, when the command names none
ROOM_ADDRESS = "192.168.1.23"  # this computer, as the namespace's network knows it
RUN_TIMEOUT = 90.0  # s: the probe's own waits are 30 s to boot and 10 s a request


def readme_command() -> str:
    """The one line in the first fenced block of the README's classroom section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(rf"^{re.escape(SECTION)}\n(.*?)(?=^## |\Z)", readme, re.MULTILINE | re.DOTALL)
    if section is None:
        pytest.fail(f"README.md has no {SECTION!r} section")
    block = re.search(r"^```[a-z]*\n(.*?)^```", section.group(1), re.MULTILINE | re.DOTALL)
    if block is None:
        pytest.fail(f"README.md's {SECTION!r} section has no fenced block with the classroom command")
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    if len(lines) != 1:
        pytest.fail(f"the classroom command should be one line, found {lines!r}")
    return lines[0].strip()


def as_run_here(command: str) -> list[str]:
    """The README's command with its .venv/bin/ standing for the environment running these tests."""
    words = shlex.split(command)
    if not words[0].startswith(VENV_BIN):
        pytest.fail(f"the classroom command {command!r} should start with {VENV_BIN}, as the README's others do")
    script = Path(sys.executable).parent / words[0].removeprefix(VENV_BIN)
    if not script.exists():
        pytest.fail(f"{script} is missing: install the app into this environment (pip install -e .)")
    return [str(script), *words[1:]]


def private_network_or_skip() -> None:
    for tool in ("unshare", "ip"):
        if shutil.which(tool) is None:
            pytest.skip(f"`{tool}` is not on this machine: no private network namespace to serve the room in")
    tried = subprocess.run(["unshare", "--net", "true"], capture_output=True, text=True, timeout=10, check=False)
    if tried.returncode != 0:
        pytest.skip(f"`unshare --net` is not permitted here (root or CAP_SYS_ADMIN needed): {tried.stderr.strip()}")


def port_of(command: list[str]) -> int:
    return int(command[command.index("--port") + 1]) if "--port" in command else DEFAULT_PORT


def serve_in_private_network(command: list[str]) -> dict:
    """Run `command` and the probe in the namespace; the probe's report."""
    # The console script imports the app from wherever the environment's install points; this
    # checkout comes first, so the code under test is the code served.
    env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    inside = (f"ip link set lo up && ip addr add {ROOM_ADDRESS}/24 dev lo && ip route add default dev lo"
              ' && exec "$0" "$@"')
    probe = [sys.executable, str(PROBE), str(port_of(command)), *command]
    run = subprocess.Popen(["unshare", "--net", "sh", "-c", inside, *probe], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)  # one process group: the server too, killed below
    try:
        out, err = run.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the classroom command and its probe were still running after {RUN_TIMEOUT:.0f} s")
    finally:
        try:
            os.killpg(run.pid, signal.SIGKILL)  # anything left behind, whatever happened
        except ProcessLookupError:
            pass
        run.wait(timeout=10)
    assert run.returncode == 0, f"the probe failed ({run.returncode}):\n{err[-3000:]}"
    return json.loads(out)


def test_the_windows_spelling_is_the_same_command():
    command = readme_command()
    windows = command.replace(VENV_BIN, ".venv\\Scripts\\", 1)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{windows}`" in readme, f"README.md should give {command!r} on Windows as `{windows}`"


def test_the_readmes_classroom_command_serves_the_page_where_students_are_told():
    command = as_run_here(readme_command())
    private_network_or_skip()
    report = serve_in_private_network(command)
    output = report["output"]
    assert "problem" not in report, f"{report['problem']}; the command printed:\n{output[-3000:]}"
    # This computer's address on the room's network comes first (the name's addresses may follow).
    assert report["students_open"][0] == f"http://{ROOM_ADDRESS}:{port_of(command)}/", output
    assert report["page"] == 200 and report["title"] == "Backprop Lab", output[-3000:]
    scripts = report["scripts"]
    assert any(src.startswith("/assets/network.js") for src in scripts), sorted(scripts)
    assert {src: status for src, status in scripts.items() if status != 200} == {}
