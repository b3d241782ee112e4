"""The first phone screen of a case's overview (issue 24): at 390 x 844 px the first screen shows
an estimate with its CI, the method that gave it and a GRADE certainty. One check, used for the
shipped case (test_report_browser.py) and the other cases' end-to-end tests (slow)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
# The text of the list items, paragraphs and headings wholly inside the first screen.
JS_FIRST_SCREEN = """() => [...document.querySelectorAll('li, p, h3')]
    .filter(e => e.getBoundingClientRect().bottom <= window.innerHeight)
    .map(e => e.textContent).join(' ')"""


def require_chromium() -> str:
    """Chromium's path; a failure where the test command promised one (REQUIRE_BROWSER=1), else
    a skip that says why (never a silent pass)."""
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("chromium not found; `make test` installs Debian's chromium package")
        pytest.skip("chromium not installed (make test installs it)")
    return CHROMIUM


def first_phone_screen(browser, overview: Path, screenshot: Path) -> str:
    """Open ``overview`` at phone size in ``browser`` (Playwright), save a screenshot, and
    return the text wholly visible in the first screen."""
    pg = browser.new_page(viewport=PHONE)
    try:
        pg.goto(overview.as_uri())
        visible = pg.evaluate(JS_FIRST_SCREEN)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(screenshot))
    finally:
        pg.close()
    return " ".join(visible.split())


def assert_answer_first(visible: str, level_percent: int = 95) -> None:
    """An estimate with its CI at the configured level, the method that gave it and a GRADE
    certainty are in the first screen."""
    assert "Certainty (GRADE):" in visible, visible
    assert f"{level_percent}% CI" in visible and "Frequentist" in visible, visible


def check_first_phone_screen(overview: Path, screenshot: Path, level_percent: int = 95) -> None:
    """The whole check with a browser of its own (for the end-to-end tests of other cases)."""
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            assert_answer_first(first_phone_screen(browser, overview, screenshot), level_percent)
        finally:
            browser.close()
