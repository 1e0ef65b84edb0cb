import hashlib
import io
import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from core.models import AuditEntry
from documents import content, services
from documents.models import DocumentType, IssuedDocument, NumberingSeries
from people.choices import MaritalStatus, Religion, Sex

from .conftest import LETTERHEAD, needs_binary, run


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    result = run("pdftotext", "-enc", "UTF-8", str(path), "-")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def jose(make_family, make_resident, village):
    family = make_family(village, address="Jl. Sudirman – Gg. 2", rt="003", rw="001")
    return make_resident(
        village,
        family=family,
        full_name="JOSÉ DA COSTA",
        birth_place="Dili",
        birth_date=date(1979, 11, 28),
        religion=Religion.CATHOLIC,
        marital_status=MaritalStatus.MARRIED,
        occupation="Nelayan",
    )


@pytest.fixture
def muhammad_ali(make_resident, village):
    return make_resident(village, full_name="MUHAMMAD ‘ALI", sex=Sex.MALE)


def test_an_issued_document_is_stored_with_its_hash(issue, resident_in_village):
    document = issue(resident_in_village)

    data = services.read_pdf(document)
    stored = Path(settings.MEDIA_ROOT) / document.pdf.name
    assert stored.is_file()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert not Path(document.pdf.name).is_absolute()
    assert document.pdf.name.startswith("documents/2026/35.10.01.2001/")


def test_the_document_keeps_snapshots_of_subject_office_and_signer(
    issue, resident_in_village, village_head, letter_type
):
    document = issue(resident_in_village)

    assert document.subject == resident_in_village
    assert document.subject_name == "SUPARMAN"
    assert document.subject_nik_masked == (
        resident_in_village.nik[:4] + "********" + resident_in_village.nik[-4:]
    )
    assert (document.office_code, document.office_name) == ("35.10.01.2001", "Desa Sarongan")
    assert (document.signer, document.signer_name) == (village_head, "H. SLAMET RIYADI")
    assert document.template == services.active_template(letter_type)
    assert AuditEntry.objects.get(action="documents.document.issued").summary == document.number


def test_verification_tokens_are_random_and_long(issue, resident_in_village):
    # Same type, same resident, same day: each letter still has its own page.
    first, second = issue(resident_in_village), issue(resident_in_village)

    assert first.verification_token != second.verification_token
    assert len(first.verification_token) >= 32  # 24 random bytes = 192 bits
    assert first.verification_token not in first.number


@needs_binary("pdftotext")
def test_names_punctuation_and_addresses_print_exactly(issue, jose, muhammad_ali, tmp_path):
    jose_text = pdf_text(
        services.read_pdf(
            issue(jose, context={"keperluan": "Pendaftaran “Koperasi Nelayan” desa"})
        ),
        tmp_path,
    )
    ali_text = pdf_text(services.read_pdf(issue(muhammad_ali)), tmp_path)

    assert "JOSÉ DA COSTA" in jose_text
    assert "Jl. Sudirman – Gg. 2" in jose_text
    assert "“Koperasi Nelayan”" in jose_text
    assert "MUHAMMAD ‘ALI" in ali_text


@needs_binary("pdftotext")
def test_the_pdf_carries_the_register_data_number_signer_and_wib_date(issue, jose, tmp_path):
    # 20:00 UTC on 31 March is already 1 April in Banyuwangi.
    document = issue(jose, issued_at=datetime(2026, 3, 31, 20, 0, tzinfo=UTC))

    text = pdf_text(services.read_pdf(document), tmp_path)

    assert document.number == "470/0001/35.10.01.2001/IV/2026"
    for expected in [
        "PEMERINTAH KABUPATEN BANYUWANGI",
        "DESA SARONGAN",
        "SURAT KETERANGAN DOMISILI",
        "Nomor: 470/0001/35.10.01.2001/IV/2026",
        "Dili, 28 November 1979",
        "Katholik",
        "Kawin",
        "Nelayan",
        "RT 003/RW 001",
        "Sarongan, 1 April 2026",
        "Kepala Desa Sarongan",
        "H. SLAMET RIYADI",
        "Melamar pekerjaan",
        f"/verifikasi/{document.verification_token}/",
    ]:
        assert expected in text, expected


@needs_binary("pdffonts")
def test_every_font_is_embedded(issue, resident_in_village, tmp_path):
    path = tmp_path / "document.pdf"
    path.write_bytes(services.read_pdf(issue(resident_in_village)))

    result = run("pdffonts", str(path))
    rows = result.stdout.splitlines()[2:]

    assert result.returncode == 0
    assert rows
    assert all(row.split()[-5] == "yes" for row in rows), result.stdout  # the "emb" column
    assert all("DejaVuSans" in row for row in rows)


@needs_binary("pdftotext")
def test_a_resident_without_a_nik_gets_a_letter_and_a_page(
    issue, make_resident, village, tmp_path, client
):
    newborn = make_resident(village, nik=None, temp_id="TMP-3510-000001", full_name="BAYI UJI")

    document = issue(newborn)
    text = pdf_text(services.read_pdf(document), tmp_path)
    page = client.get(f"/verifikasi/{document.verification_token}/")

    assert "belum memiliki NIK" in text
    assert document.subject_nik_masked == ""
    assert page.status_code == 200
    assert "BAYI UJI" in page.content.decode()


@needs_binary("pdftotext")
def test_form_answers_are_listed_with_their_labels(issue, resident_in_village, tmp_path):
    business = DocumentType.objects.get(code="keterangan-usaha")

    document = issue(
        resident_in_village,
        document_type=business,
        context={
            "keperluan": "Pengajuan kredit usaha rakyat",
            "form": {"nama_usaha": "Warung Kopi Osing", "mulai_usaha": "2019-07-01"},
            "form_labels": {"nama_usaha": "Nama usaha", "mulai_usaha": "Mulai usaha"},
        },
    )
    text = pdf_text(services.read_pdf(document), tmp_path)

    assert "Nama usaha" in text and "Warung Kopi Osing" in text
    assert "1 Juli 2019" in text
    assert "Pengajuan kredit usaha rakyat" in text


@needs_binary("pdftotext")
def test_a_preview_is_a_draft_without_number_qr_code_or_signature(
    letter_type, resident_in_village, tmp_path
):
    data = services.render_preview(
        document_type=letter_type,
        subject=resident_in_village,
        office_name="Desa Sarongan",
        letterhead_lines=LETTERHEAD,
        signer_name="H. SLAMET RIYADI",
        signer_position="Kepala Desa Sarongan",
        context={"keperluan": "Melamar pekerjaan"},
        office_code="35.10.01.2001",
    )
    text = pdf_text(data, tmp_path)
    path = tmp_path / "preview.pdf"
    path.write_bytes(data)
    signatures = run("pdfsig", str(path))

    assert "DRAF — belum berlaku" in text
    assert "belum bernomor" in text
    assert "/verifikasi/" not in text
    assert "/Sig" not in data.decode("latin-1")
    assert "does not contain any signatures" in signatures.stdout + signatures.stderr


def test_a_preview_uses_no_number(letter_type, resident_in_village):
    services.render_preview(
        document_type=letter_type,
        subject=resident_in_village,
        office_name="Desa Sarongan",
        letterhead_lines=LETTERHEAD,
        signer_name="H. SLAMET RIYADI",
        signer_position="Kepala Desa Sarongan",
        context={},
    )

    assert IssuedDocument.objects.count() == 0
    assert NumberingSeries.objects.count() == 0


def test_a_type_that_needs_a_subject_refuses_none(issue):
    with pytest.raises(ValueError):
        issue(None)


def test_an_official_letter_needs_no_subject(issue):
    official = DocumentType.objects.get(code="surat-dinas")

    document = issue(
        None,
        document_type=official,
        context={"form": {"perihal": "Undangan musyawarah desa", "isi": "Dengan hormat, …"}},
    )

    assert document.subject is None and document.subject_nik_masked == ""
    assert document.number.startswith("140/0001/")


def test_a_document_type_without_a_template_is_refused_clearly(issue, resident_in_village):
    bare = DocumentType.objects.create(code="tanpa-templat", name="Tanpa Templat")

    with pytest.raises(services.TemplateMissing):
        issue(resident_in_village, document_type=bare)


def test_the_printed_address_uses_the_public_base_url(settings):
    settings.PUBLIC_BASE_URL = "https://layanan.banyuwangikab.go.id/"

    assert content.verification_url("abc") == (
        "https://layanan.banyuwangikab.go.id/verifikasi/abc/"
    )


def test_without_a_public_base_url_the_address_of_the_request_is_used(settings, rf):
    settings.PUBLIC_BASE_URL = ""
    request = rf.get("/", HTTP_HOST="localhost:8001")

    assert content.verification_url("abc", request) == "http://localhost:8001/verifikasi/abc/"
    assert content.verification_url("abc") == "http://127.0.0.1:8000/verifikasi/abc/"


def test_files_left_by_a_rolled_back_approval_are_pruned(issue, resident_in_village):
    kept = issue(resident_in_village)
    with pytest.raises(RuntimeError), transaction.atomic():
        orphan = issue(resident_in_village)
        raise RuntimeError("the approval failed after issuing")
    orphan_path = Path(settings.MEDIA_ROOT) / orphan.pdf.name
    kept_path = Path(settings.MEDIA_ROOT) / kept.pdf.name
    assert orphan_path.exists()
    old = time.time() - 2 * 3600
    os.utime(orphan_path, (old, old))
    os.utime(kept_path, (old, old))

    output = io.StringIO()
    call_command("prune_document_files", stdout=output)

    assert not orphan_path.exists()
    assert kept_path.exists()
    assert "Deleted 1 orphaned PDF(s)." in output.getvalue()
