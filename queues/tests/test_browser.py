"""The queue pages in Chromium: the display board redraws itself when a number is called, and
axe-core finds no serious problem on the queue pages at 360 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import STAFF_PASSWORD
from browser_tests.support import CHROMIUM, no_sideways_scroll, serious_violations
from queues import services
from queues.models import TicketChannel

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_board_shows_a_call_without_reloading(
    page, point, letters, counter_two, village_officer
):
    services.take_ticket(point=point, line=letters, channel=TicketChannel.KIOSK)
    page.goto(f"/antrean/{point.code}/layar/")
    assert "A-001" not in page.locator("#queue-calls").inner_text()
    problems = serious_violations(page)

    services.call_next(counter_two, user=village_officer)

    # No reload: board.js fetches the board's JSON and redraws (the page allows no eval, so
    # wait with a locator).
    expect(page.locator("#queue-calls")).to_contain_text("A-001", timeout=15000)
    assert "Loket 2" in page.locator("#queue-calls").inner_text()
    assert no_sideways_scroll(page)
    assert problems == []


def test_taking_a_number_and_running_the_counter_in_a_browser(
    page, point, letters, elderly, counter_two, village_officer
):
    problems: list[str] = []
    page.goto(f"/antrean/ambil/?titik={point.code}")
    problems += serious_violations(page)
    page.get_by_label("A · Surat keterangan").check()
    page.get_by_role("button", name="Ambil nomor").click()
    page.wait_for_url("**/antrean/tiket/**")
    assert "A-001" in page.content()
    problems += serious_violations(page)

    page.goto("/masuk/")
    page.fill("#id_username", village_officer.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_load_state()
    page.goto("/antrean/")
    problems += serious_violations(page)
    page.get_by_role("link", name="Loket 2").click()
    page.get_by_role("button", name="Panggil berikutnya").click()
    page.wait_for_load_state()

    assert "Memanggil A-001." in page.content()
    problems += serious_violations(page)
    assert no_sideways_scroll(page)
    assert problems == []
