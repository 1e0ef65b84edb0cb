"""Every main page in Chromium: axe-core finds no serious or critical violation, nothing scrolls
sideways at 360 px, the first load stays under 150 KB apart from static files, every control
is reachable by keyboard; and the kiosk signs an idle resident out by itself."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser_tests.conftest import PIN, STAFF_PASSWORD, sign_in
from portal.conftest import VILLAGE_LETTER
from services import services
from services.models import Service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGE_BUDGET_BYTES = 150 * 1024
PUBLIC_PAGES = [
    "/",
    "/layanan/",
    f"/layanan/{VILLAGE_LETTER}/",
    "/status-permohonan/",
    "/status-permohonan/?code=SK-AAAA-BBBB",
    "/verifikasi/",
    "/aktivasi/",
    "/masuk/",
]
RESIDENT_PAGES = [
    "/warga/",
    "/data-saya/",
    "/data-saya/riwayat-akses/",
    "/permohonan/",
    f"/layanan/{VILLAGE_LETTER}/ajukan/",
]
OFFICER_PAGES = ["/permohonan/", "/penduduk/"]
KIOSK_PAGES = ["/anjungan/", "/anjungan/menu/", "/anjungan/layanan/", "/anjungan/dokumen/"]


# Page weights and every axe finding (minor ones too), written to the artefacts folder.
_REPORT: list[dict] = []


@pytest.fixture(autouse=True)
def _write_report(artifacts_dir, request):
    yield
    if _REPORT:
        name = request.node.name.replace("[", "-").replace("]", "")
        (artifacts_dir / f"{name}--pages.json").write_text(json.dumps(_REPORT, indent=1))
        _REPORT.clear()


def _serious(results) -> list[str]:
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def _check_page(page, path: str, axe: Axe, problems: list[str]) -> None:
    transferred = []

    def count(response):
        if "/static/" in response.url:
            return
        try:
            transferred.append(len(response.body()) + len(str(response.headers)))
        except Exception:  # a redirect has no body
            transferred.append(len(str(response.headers)))

    page.on("response", count)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", count)

    weight = sum(transferred)
    results = axe.run(page)
    _REPORT.append(
        {
            "path": path,
            "bytes": weight,
            "violations": [(v["id"], v.get("impact")) for v in results.response["violations"]],
        }
    )
    if weight >= PAGE_BUDGET_BYTES:
        problems.append(f"{path}: {weight} bytes on first load")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        problems.append(f"{path}: {overflow} px of horizontal scroll at 360 px")
    for violation in _serious(results):
        problems.append(f"{path}: {violation}")
    # Every link, button and field can take keyboard focus (none is taken out of the tab order).
    untabbable = page.evaluate(
        """Array.from(document.querySelectorAll('a[href], button, input, select, textarea'))
             .filter(el => el.type !== 'hidden' && !el.hidden && el.tabIndex < 0).length"""
    )
    if untabbable:
        problems.append(f"{path}: {untabbable} controls out of the keyboard order")


def _check_all(page, paths, problems):
    axe = Axe()
    for path in paths:
        _check_page(page, path, axe, problems)


def test_public_pages(new_page, screenshot):
    page = new_page(width=360, height=740)
    problems: list[str] = []

    _check_all(page, PUBLIC_PAGES, problems)

    screenshot(page, "public-last")
    assert problems == []


def test_resident_pages(new_page, screenshot, resident_with_pin, make_user):
    from django.test import RequestFactory

    from accounts.roles import Role
    from core.audit import record

    # An export of the resident's village whose purpose is one long word: it must wrap.
    officer = make_user(Role.VILLAGE_OFFICER, region=resident_with_pin.resident.village)
    export = RequestFactory().get("/penduduk/ekspor.csv")
    export.export_purpose = "Verifikasi" + "X" * 150
    record("people.resident.exported", actor=officer, request=export)
    services.start_application(
        service=Service.objects.get(code=VILLAGE_LETTER),
        user=resident_with_pin,
        subject=resident_with_pin.resident,
        form_data={"keperluan": "Melamar pekerjaan"},
    )
    page = new_page(width=360, height=740)
    sign_in(page, resident_with_pin.resident.nik, PIN)
    problems: list[str] = []

    _check_all(page, RESIDENT_PAGES, problems)
    application = resident_with_pin.resident.applications_made.get()
    _check_page(page, f"/permohonan/{application.tracking_code}/", Axe(), problems)

    screenshot(page, "resident-application")
    assert problems == []


def test_officer_pages(new_page, village_officer):
    page = new_page(width=360, height=740)
    sign_in(page, village_officer.username, STAFF_PASSWORD)
    problems: list[str] = []

    _check_all(page, OFFICER_PAGES, problems)

    assert problems == []


def _bind_kiosk(page, kiosk) -> None:
    page.goto("/anjungan/perangkat/")
    page.fill("#id_username", kiosk.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.get_by_role("button", name="Jadikan anjungan").click()
    page.wait_for_url("**/anjungan/")


def test_kiosk_pages(new_page, screenshot, kiosk, resident_with_pin):
    page = new_page(width=360, height=740)
    _bind_kiosk(page, kiosk)
    problems: list[str] = []
    _check_page(page, "/anjungan/", Axe(), problems)
    page.fill("#id_username", resident_with_pin.resident.nik)
    page.fill("#id_password", PIN)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url("**/anjungan/menu/")

    _check_all(page, KIOSK_PAGES[1:], problems)

    screenshot(page, "kiosk-documents")
    assert problems == []


def test_kiosk_signs_an_idle_resident_out_and_back_shows_nothing_personal(
    new_page, screenshot, kiosk, resident_with_pin, settings
):
    settings.KIOSK_IDLE_SECONDS = 3
    resident = resident_with_pin.resident
    page = new_page(width=1280, height=900)
    _bind_kiosk(page, kiosk)
    page.fill("#id_username", resident.nik)
    page.fill("#id_password", PIN)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url("**/anjungan/menu/")
    page.goto("/data-saya/")
    assert resident.full_name in page.content()
    screenshot(page, "01-personal-page")

    # Nobody touches the screen: kiosk.js signs out and the start screen returns.
    page.wait_for_url("**/anjungan/", timeout=10000)
    assert resident.full_name not in page.content()
    screenshot(page, "02-start-after-idle")

    # The next person presses "back": the server answers, and it shows nothing personal.
    page.go_back()
    page.wait_for_load_state()
    assert resident.full_name not in page.content()
    assert resident.nik not in page.content()
    screenshot(page, "03-after-back")


def test_language_switch_at_the_kiosk(new_page, kiosk):
    page = new_page(width=360, height=740)
    _bind_kiosk(page, kiosk)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("lang") == "en"
