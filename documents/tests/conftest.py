"""Fixtures for the documents tests: an issuing village office and a helper that issues."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from accounts.roles import Role
from documents import services, signing
from documents.models import DocumentType

LETTERHEAD = [
    "PEMERINTAH KABUPATEN BANYUWANGI",
    "KECAMATAN PESANGGARAN",
    "DESA SARONGAN",
    "Jl. Raya Sarongan No. 1, Pesanggaran, Banyuwangi 68488",
]
# 2026-04-01 09:00 in WIB.
ISSUED_AT = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)


def needs_binary(name: str):
    return pytest.mark.skipif(
        shutil.which(name) is None,
        reason=f"{name} (poppler-utils) is not installed; CI installs it with apt-get",
    )


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def village_head(make_user, village):
    user = make_user(Role.VILLAGE_HEAD, region=village)
    user.first_name, user.last_name = "H. SLAMET", "RIYADI"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def letter_type(db):
    return DocumentType.objects.get(code="keterangan-domisili")


@pytest.fixture
def issue(village, village_head, letter_type):
    """Issue a document from the village office; keyword arguments override the defaults."""

    def make(subject=None, **overrides):
        arguments = {
            "document_type": letter_type,
            "subject": subject,
            "office_code": village.code,
            "office_name": f"Desa {village.name}",
            "letterhead_lines": LETTERHEAD,
            "signer": village_head,
            "signer_name": "H. SLAMET RIYADI",
            "signer_position": "Kepala Desa Sarongan",
            "context": {"keperluan": "Melamar pekerjaan"},
            "issued_at": ISSUED_AT,
        }
        arguments.update(overrides)
        return services.issue_document(**arguments)

    return make


@pytest.fixture(scope="session")
def trusted_nss_dir(signing_key_dir, tmp_path_factory):
    """An NSS database trusting the test CA, for ``pdfsig -nssdir``."""
    if shutil.which("certutil") is None:
        pytest.skip("certutil (libnss3-tools) is not installed; CI installs it with apt-get")
    with override_settings(SIGNING_KEY_DIR=signing_key_dir):
        signing.ca_certificate()
    directory = tmp_path_factory.mktemp("nss")
    result = run("certutil", "-N", "-d", f"sql:{directory}", "--empty-password")
    assert result.returncode == 0, result.stderr
    result = run(
        "certutil",
        "-A",
        "-d",
        f"sql:{directory}",
        "-n",
        "smartkampung-ca",
        "-t",
        "CT,C,C",
        "-i",
        str(signing_key_dir / "ca.pem"),
    )
    assert result.returncode == 0, result.stderr
    return directory
