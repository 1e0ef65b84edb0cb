"""Attachments: accepted by content, refused when too large or of the wrong kind, stored under
random names outside the web root, and handed out only within scope."""

import hashlib
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from services import attachments, services
from services.attachments import AttachmentRefused
from services.workflow import NotPermitted, TransitionNotAllowed

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode"
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


class CountingFile(File):
    """A file that remembers how many bytes were read from it."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


@pytest.fixture
def application(draft, village_letter):
    return draft(village_letter)


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF, "ktp.pdf", "application/pdf"),
        (JPEG, "kk.JPG", "image/jpeg"),
        (PNG, "f.png", "image/png"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted_by_content(
    application, applicant_user, content, name, content_type
):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    attachment = services.add_attachment(application, applicant_user, upload, requirement="KTP")

    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.original_name == name


def test_a_file_is_stored_under_a_random_name_in_the_attachments_folder(
    settings, application, applicant_user
):
    upload = SimpleUploadedFile("../../etc/passwd.pdf", PDF)

    attachment = services.add_attachment(application, applicant_user, upload)

    path = attachments.stored_path(attachment.stored_name)
    assert path.read_bytes() == PDF
    assert Path(settings.MEDIA_ROOT, "attachments") in path.parents
    assert "passwd" not in attachment.stored_name
    assert attachment.original_name == "passwd.pdf"
    assert len(Path(attachment.stored_name).stem) == 32


@pytest.mark.parametrize(
    "content", [WINDOWS_PROGRAM, LINUX_PROGRAM, b"<html><script>", b"PK\x03\x04"]
)
def test_a_program_or_other_file_renamed_to_pdf_is_refused(application, applicant_user, content):
    upload = SimpleUploadedFile("ktp.pdf", content, content_type="application/pdf")

    with pytest.raises(AttachmentRefused) as error:
        services.add_attachment(application, applicant_user, upload)

    assert "bukan PDF, JPEG atau PNG" in error.value.messages[0]
    assert "ktp.pdf" in error.value.messages[0]
    assert application.attachments.count() == 0


def test_a_50_mb_file_is_refused_without_being_read(application, applicant_user, tmp_path):
    big = tmp_path / "scan.pdf"
    with big.open("wb") as handle:
        handle.write(PDF)
        handle.truncate(50 * 1024 * 1024)  # sparse: takes no room on disk
    with big.open("rb") as handle:
        upload = CountingFile(handle, name="scan.pdf")

        with pytest.raises(AttachmentRefused) as error:
            services.add_attachment(application, applicant_user, upload)

        assert upload.bytes_read == 0
    assert "terlalu besar (50,0 MB)" in error.value.messages[0]
    assert "5,0 MB" in error.value.messages[0]
    assert not any(attachments.attachments_root().rglob("*.pdf"))


def test_a_file_larger_than_its_recorded_size_is_cut_off_and_removed(
    settings, application, applicant_user
):
    settings.ATTACHMENT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("scan.pdf", PDF + b"\x00" * 5000)
    upload.size = 10  # a client that lied about the size

    with pytest.raises(AttachmentRefused, match="terlalu besar"):
        services.add_attachment(application, applicant_user, upload)

    assert not any(attachments.attachments_root().rglob("*.pdf"))


def test_an_empty_file_is_refused(application, applicant_user):
    with pytest.raises(AttachmentRefused, match="kosong"):
        services.add_attachment(application, applicant_user, SimpleUploadedFile("a.pdf", b""))


def test_attachments_cannot_be_added_after_submission(submitted, applicant_user, village_letter):
    application = submitted(village_letter)

    with pytest.raises(TransitionNotAllowed):
        services.add_attachment(application, applicant_user, SimpleUploadedFile("a.pdf", PDF))


def test_only_the_applicant_attaches(application, village_officer):
    with pytest.raises(NotPermitted):
        services.add_attachment(application, village_officer, SimpleUploadedFile("a.pdf", PDF))


def test_a_removed_attachment_leaves_no_file(
    application, applicant_user, django_capture_on_commit_callbacks
):
    attachment = services.add_attachment(
        application, applicant_user, SimpleUploadedFile("a.pdf", PDF)
    )
    path = attachments.stored_path(attachment.stored_name)

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(attachment, applicant_user)

    assert not path.exists()
    assert application.attachments.count() == 0


def test_a_stored_name_cannot_point_outside_the_folder():
    with pytest.raises(ValueError):
        attachments.stored_path("../secret_key")


# --------------------------------------------------------------------------- download


@pytest.fixture
def stored(application, applicant_user):
    return services.add_attachment(application, applicant_user, SimpleUploadedFile("ktp.png", PNG))


def download_url(attachment):
    return reverse(
        "services:attachment_download",
        args=[attachment.application.tracking_code, attachment.pk],
    )


def test_the_applicant_downloads_their_attachment(client, applicant_user, stored):
    client.force_login(applicant_user)

    response = client.get(download_url(stored))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]


def test_the_village_officer_downloads_it_after_submission(
    client, applicant_user, village_officer, stored
):
    services.submit(stored.application, applicant_user)
    client.force_login(village_officer)

    assert client.get(download_url(stored)).status_code == 200


@pytest.mark.parametrize("persona", ["other_village_officer", "agency_officer", "kiosk"])
def test_anyone_outside_the_scope_gets_a_404(request, client, persona, stored):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(download_url(stored)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, stored):
    response = client.get(download_url(stored))

    assert response.status_code == 302
    assert "/masuk/" in response["Location"]


def test_uploading_a_program_through_the_page_shows_the_reason(client, applicant_user, application):
    client.force_login(applicant_user)
    url = reverse("services:attachment_upload", args=[application.tracking_code])

    response = client.post(
        url,
        {"file": SimpleUploadedFile("ktp.pdf", WINDOWS_PROGRAM), "requirement": ""},
        follow=True,
    )

    assert "bukan PDF, JPEG atau PNG" in response.content.decode()
    assert application.attachments.count() == 0
