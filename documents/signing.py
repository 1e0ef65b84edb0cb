"""Signing keys and PAdES signatures.

The platform signs every issued PDF with the issuing office's key (PAdES baseline B-B, with
pyHanko). Keys live in :func:`key_dir` (``settings.SIGNING_KEY_DIR``, by default
``VAR_DIR/pki``, which git ignores)::

    ca.pem, ca.key                         the regency's certificate authority
    offices/<office code>.pem, .key        one signing certificate per issuing office

A demo or a fresh checkout needs no set-up: the first issue of an office creates the CA (if
there is none) and the office's key, signed by that CA. ``manage.py setup_signing`` does the
same ahead of time. A real deployment puts its own files in that layout (for example keys
from the national electronic certification authority); when ``ca.pem`` is present without
``ca.key`` nothing is ever generated, and a missing office key is an error. An office ``.pem``
may hold the whole chain, signer first.

Keys are written with mode 0600 in a 0700 folder, under a file lock so that two workers never
create two CAs.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

logger = logging.getLogger(__name__)

CA_COMMON_NAME = "Smart Kampung Demo CA — Kabupaten Banyuwangi"
ORGANISATION = "Pemerintah Kabupaten Banyuwangi"
SIGNATURE_FIELD = "TandaTanganElektronik"
CA_VALIDITY = timedelta(days=365 * 10)
OFFICE_VALIDITY = timedelta(days=365 * 3)
# Adobe's "authentic documents" usage, so PDF readers accept the certificate for documents.
ADOBE_AUTHENTIC_DOCUMENTS = ObjectIdentifier("1.2.840.113583.1.1.5")
# RFC 9336 id-kp-documentSigning.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")

_SAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]")
_cache: dict[tuple[str, str], tuple[tuple[int, int], OfficeCredentials]] = {}
_cache_lock = threading.Lock()


class SigningKeyMissing(RuntimeError):
    """The office has no key and this key folder is not one the platform may fill."""


@dataclass(frozen=True)
class OfficeCredentials:
    office_code: str
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # intermediates and the root, without the signer
    signer: signers.SimpleSigner


def key_dir() -> Path:
    configured = getattr(settings, "SIGNING_KEY_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "pki"


def office_file_stem(office_code: str) -> str:
    return _SAFE_NAME_RE.sub("_", office_code)


# --------------------------------------------------------------------------- key files


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _write_public(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_key(path: Path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def _name(common_name: str, unit: str = "") -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Jawa Timur"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
    ]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attributes)


def _create_ca(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    name = _name(CA_COMMON_NAME)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(directory / "ca.key", _key_pem(key))
    _write_public(directory / "ca.pem", certificate.public_bytes(serialization.Encoding.PEM))
    logger.info("Created the demo signing CA in %s", directory)
    return certificate, key


def _ca(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey | None]:
    """The CA certificate and, when this folder may issue certificates, its key."""
    ca_pem = directory / "ca.pem"
    if not ca_pem.exists():
        return _create_ca(directory)
    certificate = x509.load_pem_x509_certificate(ca_pem.read_bytes())
    key_path = directory / "ca.key"
    return certificate, (_load_key(key_path) if key_path.exists() else None)


def _create_office_certificate(directory: Path, office_code: str, office_name: str) -> None:
    ca_certificate, ca_key = _ca(directory)
    if ca_key is None:
        raise SigningKeyMissing(
            f"No signing key for office {office_code} in {directory}, and the CA there has no "
            "private key: install the office's key and certificate (offices/"
            f"{office_file_stem(office_code)}.key and .pem)."
        )
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(office_name or office_code, unit=office_code))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(min(now + OFFICE_VALIDITY, ca_certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [
                    ExtendedKeyUsageOID.EMAIL_PROTECTION,
                    DOCUMENT_SIGNING,
                    ADOBE_AUTHENTIC_DOCUMENTS,
                ]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_certificate.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    stem = office_file_stem(office_code)
    _write_private(directory / "offices" / f"{stem}.key", _key_pem(key))
    _write_public(
        directory / "offices" / f"{stem}.pem",
        certificate.public_bytes(serialization.Encoding.PEM),
    )
    logger.info("Created a signing certificate for office %s", office_code)


def ensure_office_keys(office_code: str, office_name: str = "") -> tuple[Path, Path]:
    """The office's key and certificate files, created (with the CA) when missing."""
    directory = key_dir()
    stem = office_file_stem(office_code)
    key_path = directory / "offices" / f"{stem}.key"
    cert_path = directory / "offices" / f"{stem}.pem"
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    with _locked(directory):
        if not (key_path.exists() and cert_path.exists()):
            _create_office_certificate(directory, office_code, office_name)
    return key_path, cert_path


def ca_certificate() -> x509.Certificate:
    directory = key_dir()
    with _locked(directory):
        certificate, _key = _ca(directory)
    return certificate


# --------------------------------------------------------------------------- signing


def office_credentials(office_code: str, office_name: str = "") -> OfficeCredentials:
    """Load (once per process, again when the files change) the office's signer."""
    key_path, cert_path = ensure_office_keys(office_code, office_name)
    directory = key_dir()
    ca_path = directory / "ca.pem"
    stamp = (cert_path.stat().st_mtime_ns, key_path.stat().st_mtime_ns)
    cache_key = (str(directory), office_code)
    with _cache_lock:
        cached = _cache.get(cache_key)
        if cached is not None and cached[0] == stamp:
            return cached[1]

    certificates = x509.load_pem_x509_certificates(cert_path.read_bytes())
    signer_certificate, chain = certificates[0], list(certificates[1:])
    if ca_path.exists():
        root = x509.load_pem_x509_certificate(ca_path.read_bytes())
        if all(root != certificate for certificate in chain):
            chain.append(root)
    key = _load_key(key_path)
    signer = signers.SimpleSigner(
        signing_cert=_asn1_certificate(signer_certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [_asn1_certificate(certificate) for certificate in chain]
        ),
    )
    credentials = OfficeCredentials(office_code, signer_certificate, tuple(chain), signer)
    with _cache_lock:
        _cache[cache_key] = (stamp, credentials)
    return credentials


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def sign_pdf(
    pdf: bytes,
    credentials: OfficeCredentials,
    *,
    signer_name: str,
    reason: str,
    location: str,
) -> bytes:
    """Sign ``pdf`` (PAdES B-B, SHA-256) in an invisible signature field."""
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name or None,
        reason=reason or None,
        location=location or None,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    output = signers.PdfSigner(metadata, signer=credentials.signer).sign_pdf(writer)
    return output.getvalue()
