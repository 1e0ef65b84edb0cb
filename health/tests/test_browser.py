"""Health pages in Chromium at 360 px: axe-core finds no serious problem, nothing scrolls
sideways, and the forms work with the keyboard's labels."""

from __future__ import annotations

from datetime import date

import pytest

from browser_tests.conftest import STAFF_PASSWORD
from browser_tests.support import CHROMIUM, no_sideways_scroll, serious_violations
from health.models import IsolationHouse, Vaccination

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_village_officer_works_through_the_health_pages(
    page, village_officer, village, resident_in_village
):
    Vaccination.objects.create(resident=resident_in_village, dose=1, given_on=date(2021, 7, 1))
    house = IsolationHouse.objects.create(
        village=village, name="Rumah Isolasi Sarongan", address="Balai Desa", capacity=2,
        latitude="-8.58", longitude="113.95",
    )  # fmt: skip
    page.goto("/masuk/")
    page.fill("#id_username", village_officer.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_load_state()

    problems: list[str] = []
    sideways: list[str] = []
    for url in (
        "/kesehatan/",
        f"/kesehatan/vaksinasi/desa/{village.pk}/sasaran/?kind=never",
        "/kesehatan/isolasi/",
        "/kesehatan/terdampak/",
        "/kesehatan/terdampak/lapor/",
        "/kesehatan/terdampak/prioritas/",
    ):
        page.goto(url)
        problems += serious_violations(page)
        if not no_sideways_scroll(page):
            sideways.append(url)

    page.goto(f"/kesehatan/isolasi/{house.pk}/")
    page.get_by_label("NIK").fill(resident_in_village.nik)
    page.get_by_role("button", name="Catat masuk").click()
    page.wait_for_load_state()
    assert "Penghuni dicatat masuk." in page.content()
    problems += serious_violations(page)
    assert problems == []
    assert sideways == []
