"""Browser-test setup: Debian's headless Chromium for dash_duo, and shared datasets."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("dash", reason="the dashboard tests need dash[testing]")

CHROMIUM = "/usr/bin/chromium"


def pytest_configure(config: pytest.Config) -> None:
    """Run dash_duo headless without asking for ``--headless`` on the command line."""
    if hasattr(config.option, "headless"):
        config.option.headless = True


def pytest_setup_options():
    """Chromium options for dash_duo (the Options object itself, not a list)."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    return options


@pytest.fixture
def browser_ready() -> None:
    """Skip when Chromium or chromedriver is missing (``apt-get install chromium chromium-driver``)."""
    if not (Path(CHROMIUM).exists() and shutil.which("chromedriver")):
        pytest.skip("needs Debian's chromium and chromium-driver")


@pytest.fixture
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where page screenshots go: $DYNAMICS_SCREENSHOTS (e.g. docs/screenshots) or a temp dir."""
    target = os.environ.get("DYNAMICS_SCREENSHOTS")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def click_until():
    """``click(dash_duo, target, selector, text)``: click ``target`` until ``selector`` shows ``text``.

    A click that lands while its table is being drawn again (a second update of the page's
    inputs) goes to an element about to be replaced and is lost, as it would be for a user;
    the test then clicks again, as a user would, instead of waiting in vain.
    """
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException

    def click(dash_duo, target: str, selector: str, text: str, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while True:
            try:
                dash_duo.find_element(target).click()
                dash_duo.wait_for_contains_text(selector, text, timeout=5)
            except (StaleElementReferenceException, TimeoutException):
                if time.monotonic() > end:
                    raise
            else:
                return

    return click
