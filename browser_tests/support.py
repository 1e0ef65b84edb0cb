"""Starting Debian's Chromium under Playwright for the browser tests of every app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@contextmanager
def launched_chromium() -> Iterator:
    """A headless Chromium; the test database keeps its reference data across the switch.

    Playwright's sync API runs the code inside its ``with`` block in a greenlet of its own,
    where Django opens new database connection objects. The test-database setup stored the
    migrated reference data (regions, catalogue, ...) on the old ones for the serialized
    rollback of transactional tests; without it here, the first transactional test after the
    browser starts would empty those tables for good. So it is handed over.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    saved = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in saved.items():
            if not hasattr(connections[alias], "_test_serialized_contents"):
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, as ``url: rule`` lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{page.url}: {violation['id']}"
        for violation in results.response["violations"]
        if violation.get("impact") in ("serious", "critical")
    ]


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
