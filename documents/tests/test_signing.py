import stat
from io import BytesIO

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from documents import services, signing

from .conftest import needs_binary, run


def trusting_context(signing_key_dir) -> ValidationContext:
    ca = asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate((signing_key_dir / "ca.pem").read_bytes()).public_bytes(
            serialization.Encoding.DER
        )
    )
    return ValidationContext(trust_roots=[ca], allow_fetching=False)


def signature_status(data: bytes, signing_key_dir):
    reader = PdfFileReader(BytesIO(data), strict=False)
    assert len(reader.embedded_signatures) == 1
    return validate_pdf_signature(reader.embedded_signatures[0], trusting_context(signing_key_dir))


def edit_metadata_in_place(data: bytes, number: str) -> bytes:
    """Change the document number in the (uncompressed) title, keeping every byte offset."""
    title = number.encode("utf-16-be").hex().upper().encode()
    altered_number = number.replace("0001", "0009")
    replacement = altered_number.encode("utf-16-be").hex().upper().encode()
    if title in data:
        return data.replace(title, replacement, 1)
    assert number.encode() in data, "the title holds the number"
    return data.replace(number.encode(), altered_number.encode(), 1)


def cover_text_in_an_update(data: bytes) -> bytes:
    """Append an incremental update that paints over part of the page: an edit after signing."""
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    patch = writer.add_object(generic.StreamObject(stream_data=b"1 1 1 rg 70 600 300 40 re f"))
    contents = page["/Contents"]
    existing = (
        list(contents) if isinstance(contents, generic.ArrayObject) else [page.raw_get("/Contents")]
    )
    page["/Contents"] = generic.ArrayObject([*existing, patch])
    writer.update_container(page)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def test_the_signature_is_intact_valid_and_trusted_under_the_regency_ca(
    issue, resident_in_village, signing_key_dir
):
    data = services.read_pdf(issue(resident_in_village))

    status = signature_status(data, signing_key_dir)

    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line


def test_the_signer_is_the_issuing_office(issue, resident_in_village, signing_key_dir):
    data = services.read_pdf(issue(resident_in_village))

    status = signature_status(data, signing_key_dir)

    subject = status.signing_cert.subject.native
    # The office's key is made on its first issue in the test session, under the name that
    # issue gave ("Desa Sarongan" here, "Pemerintah Desa Sarongan" from the services tests).
    assert subject["common_name"].endswith("Desa Sarongan")
    assert subject["organizational_unit_name"] == "35.10.01.2001"


def test_a_byte_changed_inside_the_signed_range_breaks_the_signature(
    issue, resident_in_village, signing_key_dir
):
    document = issue(resident_in_village)
    altered = edit_metadata_in_place(services.read_pdf(document), document.number)

    status = signature_status(altered, signing_key_dir)

    assert not status.intact
    assert not status.bottom_line
    assert services.verify_pdf_bytes(document, altered) is False


def test_content_added_after_signing_is_reported_as_a_modification(
    issue, resident_in_village, signing_key_dir
):
    document = issue(resident_in_village)
    altered = cover_text_in_an_update(services.read_pdf(document))

    status = signature_status(altered, signing_key_dir)

    assert status.intact  # the signed bytes themselves are untouched …
    assert status.coverage != SignatureCoverageLevel.ENTIRE_FILE  # … but more was added
    assert not status.bottom_line
    assert services.verify_pdf_bytes(document, altered) is False


def test_the_issued_bytes_verify(issue, resident_in_village):
    document = issue(resident_in_village)

    assert services.verify_pdf_bytes(document, services.read_pdf(document)) is True


@needs_binary("pdfsig")
def test_pdfsig_finds_a_valid_signature_from_a_trusted_issuer(
    issue, resident_in_village, trusted_nss_dir, tmp_path
):
    path = tmp_path / "issued.pdf"
    path.write_bytes(services.read_pdf(issue(resident_in_village)))

    result = run("pdfsig", "-nssdir", str(trusted_nss_dir), str(path))

    assert "Signature #1" in result.stdout
    assert "Total document signed" in result.stdout
    assert "Signature Validation: Signature is Valid." in result.stdout
    assert "Certificate Validation: Certificate is Trusted." in result.stdout


@needs_binary("pdfsig")
def test_pdfsig_reports_an_altered_pdf(issue, resident_in_village, trusted_nss_dir, tmp_path):
    document = issue(resident_in_village)
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(edit_metadata_in_place(services.read_pdf(document), document.number))
    extended = tmp_path / "extended.pdf"
    extended.write_bytes(cover_text_in_an_update(services.read_pdf(document)))

    edited_result = run("pdfsig", "-nssdir", str(trusted_nss_dir), str(edited))
    extended_result = run("pdfsig", "-nssdir", str(trusted_nss_dir), str(extended))

    assert "Signature Validation: Signature is Valid." not in edited_result.stdout
    assert "Digest Mismatch" in edited_result.stdout
    assert "Total document signed" not in extended_result.stdout
    assert "Not total document signed" in extended_result.stdout


def test_keys_are_private_files_in_the_configured_folder(
    issue, resident_in_village, signing_key_dir
):
    issue(resident_in_village)

    keys = [signing_key_dir / "ca.key", signing_key_dir / "offices" / "35.10.01.2001.key"]
    for key in keys:
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key
    assert stat.S_IMODE(signing_key_dir.stat().st_mode) == 0o700


def test_the_ca_and_office_certificates_have_the_required_uses(
    issue, resident_in_village, signing_key_dir
):
    issue(resident_in_village)
    ca = x509.load_pem_x509_certificate((signing_key_dir / "ca.pem").read_bytes())
    office = x509.load_pem_x509_certificate(
        (signing_key_dir / "offices" / "35.10.01.2001.pem").read_bytes()
    )

    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "Smart Kampung Demo CA — Kabupaten Banyuwangi"
    )
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = office.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    extended = office.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in extended
    assert office.issuer == ca.subject


def test_setup_signing_prepares_keys_ahead_of_time(settings, tmp_path, db):
    settings.SIGNING_KEY_DIR = tmp_path / "pki"

    call_command("setup_signing", office=["35.10.01.2001", "dispendukcapil"], stdout=BytesIOText())

    assert (tmp_path / "pki" / "ca.pem").exists()
    assert (tmp_path / "pki" / "offices" / "35.10.01.2001.pem").exists()
    assert (tmp_path / "pki" / "offices" / "dispendukcapil.key").exists()


def test_a_folder_with_a_foreign_ca_never_gets_generated_keys(settings, tmp_path, db):
    settings.SIGNING_KEY_DIR = tmp_path / "pki"
    signing.ca_certificate()
    (tmp_path / "pki" / "ca.key").unlink()  # as a deployment with the national CA has it

    with pytest.raises(signing.SigningKeyMissing):
        signing.office_credentials("35.10.01.2001", "Desa Sarongan")

    assert not (tmp_path / "pki" / "offices" / "35.10.01.2001.key").exists()


class BytesIOText:
    """A stdout for call_command that keeps the text."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        return None
