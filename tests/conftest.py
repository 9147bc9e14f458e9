"""Shared test set-up: Chrome options for dash_duo (headless Chromium on a machine with no outside network)."""

import os
import shutil

from selenium.webdriver.chrome.options import Options

CHROME_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-quic", "--disable-default-apps", "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]


def chromium_path() -> str | None:
    return os.environ.get("DASH_TEST_CHROMEPATH") or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
    )


def pytest_setup_options():
    options = Options()
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    if chromium_path():
        options.binary_location = chromium_path()
    return options
