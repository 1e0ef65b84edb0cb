"""Public pages: home links, the status page by tracking code, verification by code or PDF."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import CheckResult, VerificationCheck
from documents.services import read_pdf


def test_home_links_the_public_pages(client, db):
    body = client.get(reverse("home")).content.decode()

    for name in ("services:catalogue", "portal:status", "portal:verify", "portal:activate"):
        assert f'href="{reverse(name)}"' in body


def test_status_shows_state_and_dates_but_no_personal_data(client, application_in_state):
    application = application_in_state("submitted")
    resident = application.applicant

    response = client.get(reverse("portal:status"), {"code": application.tracking_code})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="submitted"' in body
    assert "Diajukan" in body
    assert application.service.name in body
    assert resident.full_name not in body
    assert resident.nik not in body
    assert VILLAGE_ANSWER not in body


VILLAGE_ANSWER = "Melamar pekerjaan"


def test_status_accepts_a_code_typed_in_lower_case_without_dashes(client, application_in_state):
    application = application_in_state("submitted")
    typed = application.tracking_code.replace("-", "").lower()

    body = client.get(reverse("portal:status"), {"code": typed}).content.decode()

    assert 'data-state="submitted"' in body


def test_status_of_a_draft_or_unknown_code_is_not_found(client, application_in_state):
    draft = application_in_state("draft")

    for code in (draft.tracking_code, "SK-AAAA-BBBB", "'; DROP TABLE services_application;--"):
        response = client.get(reverse("portal:status"), {"code": code})
        assert response.status_code == 200
        assert "Tidak ada permohonan dengan kode ini" in response.content.decode()


def test_status_of_a_very_long_code_is_a_clear_validation_message(client, db):
    response = client.get(reverse("portal:status"), {"code": "X" * 5000})

    assert response.status_code == 200
    assert "Kode permohonan" in response.content.decode()
    assert "paling banyak" in response.content.decode() or "at most" in response.content.decode()


def test_verify_by_code_goes_to_the_document_page(client, application_in_state):
    document = application_in_state("issued").document

    by_code = client.get(reverse("portal:verify"), {"code": document.verification_token})
    by_url = client.get(
        reverse("portal:verify"),
        {"code": f"https://smartkampung.example/verifikasi/{document.verification_token}/"},
    )

    target = reverse("documents:verify", args=[document.verification_token])
    assert by_code["Location"] == target
    assert by_url["Location"] == target


def test_verify_by_a_malformed_code_names_the_field(client, db):
    response = client.get(reverse("portal:verify"), {"code": "<script>"})

    assert response.status_code == 200
    assert "tidak berbentuk kode verifikasi" in response.content.decode()


def test_verify_by_uploading_the_issued_pdf(client, application_in_state):
    document = application_in_state("issued").document
    upload = SimpleUploadedFile("surat.pdf", read_pdf(document), "application/pdf")

    response = client.post(reverse("portal:verify"), {"file": upload}, follow=True)

    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "documents:verify", args=[document.verification_token]
    )
    assert "Berkas cocok" in body
    assert 'data-status="genuine"' in body
    assert VerificationCheck.objects.filter(
        document=document, result=CheckResult.FILE_MATCH
    ).exists()


def test_verify_by_uploading_a_changed_pdf_finds_nothing(client, application_in_state):
    document = application_in_state("issued").document
    changed = read_pdf(document) + b"\n% changed\n"

    response = client.post(
        reverse("portal:verify"),
        {"file": SimpleUploadedFile("surat.pdf", changed, "application/pdf")},
    )

    assert response.status_code == 200
    assert 'data-file="unknown"' in response.content.decode()


def test_verify_refuses_a_file_that_is_not_a_pdf(client, db):
    response = client.post(
        reverse("portal:verify"),
        {"file": SimpleUploadedFile("foto.png", b"\x89PNG\r\n", "image/png")},
    )

    assert "bukan PDF" in response.content.decode()


@pytest.mark.parametrize("name", ["portal:status", "portal:verify", "portal:activate", "home"])
def test_public_pages_have_no_inline_script_or_style(client, db, name):
    body = client.get(reverse(name)).content.decode()

    assert "<script>" not in body
    assert "style=" not in body
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body


def test_public_pages_link_the_complaint_form_when_it_exists(client, db):
    from django.urls import NoReverseMatch

    try:
        complaint_url = reverse("complaints:create")
    except NoReverseMatch:
        pytest.skip("the complaints app has no complaint form yet")

    assert f'href="{complaint_url}"' in client.get(reverse("home")).content.decode()


def test_looking_a_pdf_up_by_its_digest_uses_an_index(db):
    """Every issued letter of a regency, and an upload compared with each: the digest lookup
    must be an index search, not a scan."""
    from django.db import connection

    from documents.models import IssuedDocument

    query = (
        IssuedDocument.objects.filter(sha256="0" * 64, is_external=False)
        .exclude(verification_token__isnull=True)
        .order_by()
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())

    assert "issued_sha256" in plan
