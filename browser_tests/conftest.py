"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Skipped, with the reason, when /usr/bin/chromium is missing (``.ci/run`` installs it). Every
step saves a screenshot under ``$BROWSER_ARTIFACTS`` (default ``var/browser-artifacts/``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from accounts.roles import Role
from browser_tests.support import CHROMIUM, CHROMIUM_ARGS  # noqa: F401

PIN = "284751"
STAFF_PASSWORD = "uji-Sandi-2026!"

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls (setting up
# data, reading a tracking code) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium package")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    default = Path(django_settings.BASE_DIR) / "var" / "browser-artifacts"
    folder = Path(os.environ.get("BROWSER_ARTIFACTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def new_page(chromium, live_server):
    """Open a fresh browser context (own cookies) and page; all are closed after the test."""
    contexts = []

    def make(*, width: int = 1024, height: int = 800, downloads: bool = False):
        context = chromium.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            accept_downloads=downloads,
            locale="id-ID",
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _quiet_notifications(settings):
    settings.NOTIFICATION_CHANNEL = "core.notifications.MemoryChannel"


@pytest.fixture
def resident_with_pin(make_user, resident_in_village):
    resident_in_village.phone = "081234567890"
    resident_in_village.save(update_fields=["phone"])
    return make_user(Role.RESIDENT, resident=resident_in_village, password=PIN)


@pytest.fixture
def screenshot(artifacts_dir, request):
    """Save a full-page screenshot named after the test and the step."""
    test_name = request.node.name.replace("[", "-").replace("]", "")

    def take(page, step: str) -> Path:
        path = artifacts_dir / f"{test_name}--{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, username: str, password: str) -> None:
    page.goto("/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_load_state()
