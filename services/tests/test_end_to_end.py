"""Three services of different levels, from the resident's form to the public verification page,
through the web pages only: a village letter, a district-endorsed letter, an agency service."""

import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from core.models import AuditEntry
from documents.models import VerificationCheck
from services.models import Application, State
from services.tests.conftest import AGENCY_SERVICE, ANSWERS, DISTRICT_LETTER, VILLAGE_LETTER

SCAN = b"%PDF-1.4\n% scanned family card\n%%EOF\n"


def post_action(client, application, action, note=""):
    response = client.post(
        reverse("services:application_action", args=[application.tracking_code]),
        {"action": action, "note": note},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize(
    ("code", "upper_persona", "approver_persona", "office_code"),
    [
        (VILLAGE_LETTER, None, "village_head", "35.10.01.2001"),
        (DISTRICT_LETTER, "village_officer", "district_head", "35.10.01"),
        (AGENCY_SERVICE, "village_officer", "dukcapil_head", "dukcapil"),
    ],
    ids=["village-letter", "district-letter", "agency-service"],
)
def test_a_service_goes_from_the_form_to_a_verified_document(
    request,
    tmp_path,
    outbox,
    django_capture_on_commit_callbacks,
    code,
    upper_persona,
    approver_persona,
    office_code,
    applicant_user,
    applicant,
    child,
    village_officer,
):
    resident = Client()
    resident.force_login(applicant_user)
    subject = child if code == AGENCY_SERVICE else applicant

    with django_capture_on_commit_callbacks(execute=True):
        # The resident fills the form generated from the catalogue and attaches a scan.
        response = resident.post(
            reverse("services:apply", args=[code]), {"subject": subject.pk, **ANSWERS[code]}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        application = Application.objects.get(applicant=applicant, service__code=code)
        resident.post(
            reverse("services:attachment_upload", args=[application.tracking_code]),
            {"file": SimpleUploadedFile("kk.pdf", SCAN), "requirement": ""},
        )
        detail = resident.get(
            reverse("services:application_detail", args=[application.tracking_code])
        ).content.decode()
        assert "Belum terbit" in detail
        post_action(resident, application, "submit")

        # The village verifies and, above village level, forwards.
        officer = Client()
        officer.force_login(village_officer)
        post_action(officer, application, "verify")
        if upper_persona:
            post_action(officer, application, "forward")

        # The head of the issuing office looks at the draft, then approves and signs.
        head = Client()
        head.force_login(request.getfixturevalue(approver_persona))
        draft_pdf = head.get(reverse("services:preview", args=[application.tracking_code]))
        assert draft_pdf.status_code == 200
        assert application.tracking_code not in draft_pdf.content.decode("latin-1")
        page = post_action(head, application, "approve")
        assert "Selesai" in page

    application.refresh_from_db()
    assert application.state == State.ISSUED
    document = application.document
    assert document.office_code == office_code
    assert document.number.split("/")[2] == office_code
    assert application.attachments.count() == 1
    assert len(outbox) == (5 if upper_persona else 4)

    # The resident downloads the signed PDF from their application.
    download = resident.get(reverse("documents:download", args=[document.pk]))
    issued_pdf = b"".join(download.streaming_content)
    assert issued_pdf.startswith(b"%PDF")
    assert len(PdfFileReader(io.BytesIO(issued_pdf)).embedded_signatures) == 1
    if shutil.which("pdftotext"):
        text = pdf_text(issued_pdf, tmp_path)
        assert subject.full_name in text
        assert document.number in text

    # Anyone scanning the QR code, signed in or not, is told the document is genuine.
    public = Client()
    verification_url = reverse("documents:verify", args=[document.verification_token])
    page = public.get(verification_url).content.decode()
    assert "Dokumen ini asli" in page
    assert document.number in page
    assert subject.nik not in page

    # The very file matches; a file altered after issue does not.
    same = public.post(
        verification_url, {"file": SimpleUploadedFile("surat.pdf", issued_pdf)}
    ).content.decode()
    assert 'data-file="match"' in same
    altered = issued_pdf.replace(
        subject.full_name.encode("latin-1"), b"X" * len(subject.full_name), 1
    )
    if altered == issued_pdf:
        altered = issued_pdf[:-20] + b"% edited after issue\n"
    mismatch = public.post(
        verification_url, {"file": SimpleUploadedFile("surat.pdf", altered)}
    ).content.decode()
    assert 'data-file="mismatch"' in mismatch

    assert VerificationCheck.objects.filter(document=document).count() == 3
    assert (
        AuditEntry.objects.filter(
            target_type="services.application", target_id=str(application.pk)
        ).count()
        >= 5
    )
