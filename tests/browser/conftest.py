"""Browser tests fail at once, and clearly, when the browser is missing.

Without this, dash_duo waits 30 s and reports a misleading TestingTimeoutError.
These tests are never skipped: `make test` installs Chromium where it may.
"""

import shutil

import pytest

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
