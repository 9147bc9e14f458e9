"""Browser tests fail at once, and clearly, when the browser is missing.

Without this, dash_duo waits 30 s and reports a misleading TestingTimeoutError.
These tests are never skipped: `make test` installs Chromium where it may.
"""

import shutil
import socket

import pytest
from dash.testing.application_runners import BaseDashRunner

from tests.conftest import chromium_path


@pytest.fixture(autouse=True, scope="session")
def _browser_present():
    missing = [name for name, found in (("chromedriver", shutil.which("chromedriver")), ("Chromium", chromium_path()))
               if not found]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found on PATH. Run `make test` (it installs Debian's chromium and "
            "chromium-driver when run as root), or install them yourself.",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _a_free_port_for_each_server():
    """dash_duo numbers its servers' ports from 58050 up, the same in every run: two checkouts tested at
    once on one machine took the same ports, and a server failed to start. Each test's server starts
    from a port the system has just found free."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        BaseDashRunner._next_port = probe.getsockname()[1]
