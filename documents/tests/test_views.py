import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from core.models import AuditEntry
from documents import services
from documents.models import CheckResult, VerificationCheck

from .test_signing import cover_text_in_an_update, edit_metadata_in_place


@pytest.fixture
def issued(issue, resident_in_village):
    return issue(resident_in_village)


def verify_url(document) -> str:
    return reverse("documents:verify", args=[document.verification_token])


def upload(client, document, data: bytes, name: str = "dokumen.pdf", **extra):
    return client.post(
        verify_url(document),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
        **extra,
    )


# --------------------------------------------------------------------------- the public page


def test_the_page_says_genuine_with_issuer_signer_date_and_masked_nik(
    client, issued, resident_in_village
):
    response = client.get(verify_url(issued))
    page = response.content.decode()

    assert response.status_code == 200
    assert 'data-status="genuine"' in page
    for expected in [
        issued.number,
        "Surat Keterangan Domisili",
        "Desa Sarongan",
        "H. SLAMET RIYADI",
        "Kepala Desa Sarongan",
        "Rabu, 1 April 2026 pukul 09.00 WIB",
        "SUPARMAN",
        issued.subject_nik_masked,
    ]:
        assert expected in page, expected
    assert resident_in_village.nik not in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_in_english_the_page_gives_the_date_in_english(client, issued):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = client.get(verify_url(issued)).content.decode()

    assert "pukul" not in page and "Rabu" not in page
    assert "1 April 2026, 09:00 WIB" in page


def test_the_page_needs_no_sign_in_and_shows_no_other_register_data(
    client, issued, resident_in_village
):
    resident_in_village.phone = "081234567890"
    resident_in_village.save()

    page = client.get(verify_url(issued)).content.decode()

    assert "081234567890" not in page
    assert resident_in_village.family.no_kk not in page
    assert "15 Juni 1985" not in page  # the birth date printed on the letter


def test_a_revoked_document_says_so_with_date_and_reason(client, issued, village_head):
    services.revoke_document(issued, by=village_head, reason="Data alamat keliru")

    page = client.get(verify_url(issued)).content.decode()

    assert 'data-status="revoked"' in page
    assert "Data alamat keliru" in page
    assert "telah dicabut" in page
    assert 'data-status="genuine"' not in page
    assert VerificationCheck.objects.get().result == CheckResult.REVOKED


def test_two_letters_and_a_revoked_one_each_resolve_to_their_own_page(
    client, issue, resident_in_village, village_head
):
    first, second, third = (issue(resident_in_village) for _ in range(3))
    services.revoke_document(third, by=village_head, reason="Diganti surat baru")

    pages = [client.get(verify_url(item)).content.decode() for item in (first, second, third)]

    assert first.number in pages[0] and second.number not in pages[0]
    assert second.number in pages[1] and first.number not in pages[1]
    assert third.number in pages[2] and "Diganti surat baru" in pages[2]


def test_an_unknown_token_is_a_bare_404_and_is_logged(client, issued):
    token = "x" * 32

    response = client.get(f"/verifikasi/{token}/")

    page = response.content.decode()
    assert response.status_code == 404
    assert issued.number not in page
    assert "SUPARMAN" not in page
    assert "Dokumen tidak terdaftar" in page
    assert "wilayah tugas" not in page
    check = VerificationCheck.objects.get()
    assert check.result == CheckResult.NOT_FOUND
    assert check.document is None
    assert check.token_hash_prefix == hashlib.sha256(token.encode()).hexdigest()[:12]


def test_every_check_is_logged_without_the_token(client, issued):
    client.get(verify_url(issued))
    client.get(verify_url(issued), REMOTE_ADDR="10.1.2.3")

    checks = list(VerificationCheck.objects.order_by("id"))
    assert [check.result for check in checks] == [CheckResult.GENUINE, CheckResult.GENUINE]
    assert checks[1].ip_address == "10.1.2.3"
    assert all(check.document == issued for check in checks)
    assert all(issued.verification_token not in check.token_hash_prefix for check in checks)
    assert len(checks[0].token_hash_prefix) == 12


def test_an_external_number_has_no_verification_page(client, letter_type, village):
    external = services.register_external_number(
        office_code=village.code,
        series_key=letter_type.series_key,
        year=2026,
        sequence=7,
        document_type=letter_type,
    )

    assert external.verification_token is None
    assert services.verify_token("") is None


# --------------------------------------------------------------------------- comparing a file


def test_the_issued_pdf_uploaded_back_matches(client, issued):
    response = upload(client, issued, services.read_pdf(issued))

    assert response.status_code == 200
    assert 'data-file="match"' in response.content.decode()
    assert VerificationCheck.objects.get().result == CheckResult.FILE_MATCH


def test_a_pdf_edited_after_issue_does_not_match(client, issued):
    original = services.read_pdf(issued)
    for altered in (
        edit_metadata_in_place(original, issued.number),
        cover_text_in_an_update(original),
    ):
        response = upload(client, issued, altered)

        assert response.status_code == 200
        assert 'data-file="mismatch"' in response.content.decode()
    assert list(VerificationCheck.objects.values_list("result", flat=True)) == [
        CheckResult.FILE_MISMATCH,
        CheckResult.FILE_MISMATCH,
    ]


def test_another_documents_pdf_does_not_match(client, issue, resident_in_village):
    first, second = issue(resident_in_village), issue(resident_in_village)

    response = upload(client, first, services.read_pdf(second))

    assert 'data-file="mismatch"' in response.content.decode()


def test_a_file_that_is_not_a_pdf_is_refused(client, issued):
    executable = b"MZ\x90\x00" + b"\x00" * 200

    response = upload(client, issued, executable, name="dokumen.pdf")

    assert response.status_code == 400
    assert "bukan PDF" in response.content.decode()
    assert VerificationCheck.objects.get().result == CheckResult.FILE_REFUSED


def test_a_file_over_the_limit_is_refused(client, issued, settings):
    settings.DOCUMENTS_VERIFY_UPLOAD_MAX_BYTES = 1024

    response = upload(client, issued, b"%PDF-1.7\n" + b"0" * 2048)

    assert response.status_code == 400
    assert "terlalu besar" in response.content.decode()


def test_a_huge_upload_is_refused_from_its_length_before_it_is_read(client, issued):
    response = upload(client, issued, b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024))

    assert response.status_code == 413
    assert "terlalu besar" in response.content.decode()
    assert VerificationCheck.objects.get().result == CheckResult.FILE_REFUSED


def test_the_upload_form_is_protected_against_cross_site_posts(issued):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        verify_url(issued),
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7", content_type="application/pdf")},
    )

    assert response.status_code == 403


# --------------------------------------------------------------------------- download


def test_the_subject_downloads_the_issued_pdf(client, issued, resident_user):
    client.force_login(resident_user)

    response = client.get(reverse("documents:download", args=[issued.pk]))

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert hashlib.sha256(body).hexdigest() == issued.sha256
    assert AuditEntry.objects.filter(action="documents.document.downloaded").count() == 1


def test_a_family_member_downloads_it_too(
    client, issued, make_resident, make_user, resident_in_village, village
):
    spouse = make_resident(village, family=resident_in_village.family, full_name="SRI WAHYUNI")
    client.force_login(make_user(Role.RESIDENT, resident=spouse))

    response = client.get(reverse("documents:download", args=[issued.pk]))

    assert response.status_code == 200


def test_outsiders_cannot_download(
    client, issued, other_village_officer, resident_elsewhere, make_user
):
    url = reverse("documents:download", args=[issued.pk])
    outsider = make_user(Role.RESIDENT, resident=resident_elsewhere)

    anonymous = client.get(url)
    client.force_login(other_village_officer)
    other_officer = client.get(url)
    client.force_login(outsider)
    other_resident = client.get(url)

    assert anonymous.status_code == 302
    assert other_officer.status_code == 404
    assert other_resident.status_code == 404


def test_the_issuing_office_and_its_district_can_download(
    client, issued, village_officer, district_head
):
    url = reverse("documents:download", args=[issued.pk])
    statuses = []
    for user in (village_officer, district_head):
        client.force_login(user)
        statuses.append(client.get(url).status_code)

    assert statuses == [200, 200]


def test_an_agency_sees_only_what_it_issued(
    client, issue, resident_in_village, agency_officer, agency
):
    from documents.models import DocumentType, IssuedDocument

    village_letter = issue(resident_in_village)
    birth = issue(
        resident_in_village,
        document_type=DocumentType.objects.get(code="akta-kelahiran"),
        office_code=agency.code,
        office_name=agency.name,
    )

    visible = set(IssuedDocument.objects.visible_to(agency_officer))

    assert visible == {birth}
    assert village_letter not in visible


# --------------------------------------------------------------------------- revoking


def test_the_village_head_revokes_with_a_reason(client, issued, village_head):
    client.force_login(village_head)
    url = reverse("documents:revoke", args=[issued.pk])

    refused = client.post(url, {"reason": "   "})
    response = client.post(url, {"reason": "Salah ketik nama"}, follow=True)

    issued.refresh_from_db()
    assert refused.status_code == 200 and issued.revoked_at is not None
    assert issued.revoke_reason == "Salah ketik nama"
    assert issued.revoked_by == village_head
    assert "telah dicabut" in response.content.decode()
    assert AuditEntry.objects.filter(action="documents.document.revoked").count() == 1


def test_revoking_twice_is_refused(issued, village_head):
    services.revoke_document(issued, by=village_head, reason="Salah data")

    with pytest.raises(services.AlreadyRevoked):
        services.revoke_document(issued, by=village_head, reason="Lagi")


def test_only_the_head_of_the_issuing_office_may_revoke(
    client, issued, village_officer, make_user, other_village
):
    from django.core.exceptions import PermissionDenied

    other_head = make_user(Role.VILLAGE_HEAD, region=other_village)
    client.force_login(village_officer)

    page = client.get(reverse("documents:revoke", args=[issued.pk]))

    assert page.status_code == 403
    with pytest.raises(PermissionDenied):
        services.revoke_document(issued, by=other_head, reason="Bukan wewenang")
    issued.refresh_from_db()
    assert issued.revoked_at is None
