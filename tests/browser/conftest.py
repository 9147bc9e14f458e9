"""Browser tests fail at once, and clearly, when the browser is missing.

Without this, dash_duo waits 30 s and reports a misleading TestingTimeoutError.
These tests are never skipped: `make test` installs Chromium where it may.
"""

import random
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
    once on one machine took the same ports, and a server failed to start. Asking the system for a free
    port was not enough: it hands them out in turn from its ephemeral range, and two suites asking at
    the same moment got the same one. Each test's server takes a random port below that range (which
    the system never hands out), one that is free now."""
    for _ in range(100):
        port = random.SystemRandom().randrange(20000, 32000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        BaseDashRunner._next_port = port
        return
