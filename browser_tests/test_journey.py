"""The whole journey in Chromium: a resident applies at the kiosk, the village officer verifies
and forwards, the district head approves, the resident downloads the PDF at home, and the
public verification page confirms it. Screenshots of every step are kept."""

from __future__ import annotations

import re

import pytest

from accounts.roles import Role
from browser_tests.conftest import PIN, STAFF_PASSWORD, sign_in
from services.models import Application, State

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DISTRICT_LETTER = "keterangan-pindah-penduduk"
ANSWERS_TEXT = {
    "telepon": "0812-3456-7890",
    "alamat_tujuan": "Jl. Sudirman Gg. 2 No. 7",
    "desa_tujuan": "Kepatihan",
    "kecamatan_tujuan": "Kaliwates",
    "kabupaten_tujuan": "Jember",
    "provinsi_tujuan": "Jawa Timur",
    "tanggal_pindah": "2026-05-04",
    "jumlah_pengikut": "0",
}
ANSWERS_CHOICE = {
    "alasan_pindah": "Pekerjaan",
    "klasifikasi_pindah": "Antar kabupaten/kota dalam satu provinsi",
    "jenis_kepindahan": "Kepala keluarga",
    "status_kk_yang_pindah": "Membuat KK baru",
}


def test_apply_at_kiosk_verify_approve_download_and_verify(
    new_page,
    screenshot,
    artifacts_dir,
    resident_with_pin,
    kiosk,
    village_officer,
    make_user,
    village,
):
    district_head = make_user(Role.DISTRICT_HEAD, region=village.parent)
    resident = resident_with_pin.resident

    # 1. The kiosk device account turns the village office's browser into a kiosk.
    kiosk_page = new_page(width=1280, height=900)
    kiosk_page.goto("/anjungan/perangkat/")
    kiosk_page.fill("#id_username", kiosk.username)
    kiosk_page.fill("#id_password", STAFF_PASSWORD)
    kiosk_page.get_by_role("button", name="Jadikan anjungan").click()
    kiosk_page.wait_for_url("**/anjungan/")
    screenshot(kiosk_page, "01-kiosk-start")

    # 2. The resident signs in with NIK and PIN and applies for the district letter.
    kiosk_page.fill("#id_username", resident.nik)
    kiosk_page.fill("#id_password", PIN)
    kiosk_page.get_by_role("button", name="Masuk", exact=True).click()
    kiosk_page.wait_for_url("**/anjungan/menu/")
    screenshot(kiosk_page, "02-kiosk-menu")
    kiosk_page.get_by_role("link", name="Ajukan layanan").click()
    kiosk_page.get_by_role("link", name=re.compile("Surat Keterangan Pindah Penduduk")).click()
    for key, value in ANSWERS_TEXT.items():
        kiosk_page.fill(f"#id_{key}", value)
    for key, value in ANSWERS_CHOICE.items():
        kiosk_page.select_option(f"#id_{key}", value)
    screenshot(kiosk_page, "03-kiosk-form")
    kiosk_page.get_by_role("button", name="Simpan dan lanjut").click()
    kiosk_page.wait_for_url("**/permohonan/SK-*/")
    screenshot(kiosk_page, "04-kiosk-draft")
    kiosk_page.get_by_role("button", name="Ajukan", exact=True).click()

    # Submitting finishes the task: the resident is signed out, the start screen is back.
    kiosk_page.wait_for_url("**/anjungan/")
    application = Application.objects.get(applicant=resident, service__code=DISTRICT_LETTER)
    assert application.state == State.SUBMITTED
    assert application.channel == "kiosk"
    body = kiosk_page.content()
    assert application.tracking_code in body
    assert resident.full_name not in body
    screenshot(kiosk_page, "05-kiosk-submitted-signed-out")
    kiosk_page.go_back()
    assert resident.full_name not in kiosk_page.content()

    # 3. The village officer verifies and forwards it to the district.
    officer_page = new_page()
    sign_in(officer_page, village_officer.username, STAFF_PASSWORD)
    officer_page.goto(f"/permohonan/{application.tracking_code}/")
    officer_page.get_by_role("button", name="Verifikasi", exact=True).click()
    officer_page.get_by_role("button", name="Teruskan", exact=True).click()
    officer_page.wait_for_load_state()
    screenshot(officer_page, "06-village-verified-forwarded")
    application.refresh_from_db()
    assert application.state == State.FORWARDED

    # 4. The district head approves and signs; the document is issued.
    district_page = new_page()
    sign_in(district_page, district_head.username, STAFF_PASSWORD)
    district_page.goto(f"/permohonan/{application.tracking_code}/")
    district_page.get_by_role("button", name="Setujui dan tandatangani").click()
    district_page.wait_for_load_state()
    screenshot(district_page, "07-district-approved")
    application.refresh_from_db()
    assert application.state == State.ISSUED
    assert application.document_id is not None

    # 5. At home, the resident signs in and downloads the PDF.
    home_page = new_page(width=360, height=740, downloads=True)
    sign_in(home_page, resident.nik, PIN)
    home_page.goto("/warga/")
    screenshot(home_page, "08-home-dashboard")
    with home_page.expect_download() as download_info:
        home_page.get_by_role("link", name="Unduh PDF").click()
    pdf_path = artifacts_dir / "journey-document.pdf"
    download_info.value.save_as(str(pdf_path))
    assert pdf_path.read_bytes().startswith(b"%PDF")

    # 6. Anyone can check it: upload the PDF on the public verification page.
    public_page = new_page()
    public_page.goto("/verifikasi/")
    public_page.set_input_files("#id_file", str(pdf_path))
    public_page.get_by_role("button", name="Periksa berkas").click()
    public_page.wait_for_url("**/verifikasi/*/")
    assert public_page.locator('[data-status="genuine"]').count() == 1
    assert "Berkas cocok" in public_page.content()
    screenshot(public_page, "09-verified")
