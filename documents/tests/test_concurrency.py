"""Concurrent issues against a real database: numbers stay unique and without gaps.

Each thread has its own database connection and transaction, as concurrent requests do. On
SQLite the writers queue (BEGIN IMMEDIATE, and a retry when one waits past the busy timeout);
on PostgreSQL they queue on the series row's lock.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from accounts.roles import Role
from documents import services
from documents.models import DocumentType, IssuedDocument, NumberingSeries
from people.models import Family, Resident
from regions.models import Region

from .conftest import ISSUED_AT, LETTERHEAD

VILLAGE_CODE = "35.10.01.2001"
SHARED_TYPES = [
    "keterangan-domisili",
    "keterangan-usaha",
    "keterangan-kurang-mampu",
    "pengantar-surat-keterangan-catatan-kepolisian",
    "keterangan-penduduk",
]


def make_residents(count: int) -> list[Resident]:
    village = Region.objects.get(code=VILLAGE_CODE)
    family = Family.objects.create(village=village, no_kk="3510010101209990")
    return [
        Resident.objects.create(
            village=village,
            family=family,
            nik=f"351001150685{9000 + index:04d}",
            full_name=f"WARGA SERENTAK {index + 1}",
            sex="L",
            birth_date=date(1985, 6, 15),
        )
        for index in range(count)
    ]


def issue_in_parallel(jobs: list[tuple[DocumentType, Resident]], signer) -> tuple[list, list]:
    """Run one issue per job, all released at the same moment; return (documents, errors)."""
    barrier = threading.Barrier(len(jobs))
    documents: list[IssuedDocument] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(document_type: DocumentType, subject: Resident) -> None:
        try:
            barrier.wait(timeout=60)
            document = services.issue_document(
                document_type=document_type,
                subject=subject,
                office_code=VILLAGE_CODE,
                office_name="Desa Sarongan",
                letterhead_lines=LETTERHEAD,
                signer=signer,
                signer_name="H. SLAMET RIYADI",
                signer_position="Kepala Desa Sarongan",
                context={"keperluan": "Uji serentak"},
                issued_at=ISSUED_AT,
            )
            with lock:
                documents.append(document)
        except BaseException as error:  # noqa: BLE001 - collected and asserted on below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return documents, errors


@pytest.fixture
def signer(make_user, village):
    return make_user(Role.VILLAGE_HEAD, region=village)


@pytest.fixture
def warm_keys(signing_key_dir):
    """Create the office key before the race, as ``setup_signing`` would in production."""
    from documents import signing

    signing.office_credentials(VILLAGE_CODE, "Desa Sarongan")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_issues_continue_a_series_at_41_without_gaps(signer, warm_keys):
    types = [DocumentType.objects.get(code=code) for code in SHARED_TYPES]
    NumberingSeries.objects.create(
        office_code=VILLAGE_CODE, series_key="surat-keluar", year=2026, last_number=41
    )
    residents = make_residents(20)
    jobs = [(types[index % len(types)], resident) for index, resident in enumerate(residents)]

    documents, errors = issue_in_parallel(jobs, signer)

    assert errors == []
    assert sorted(document.sequence for document in documents) == list(range(42, 62))
    numbers = IssuedDocument.objects.values_list("number", flat=True)
    assert len(set(numbers)) == 20
    assert {number.split("/")[1] for number in numbers} == {f"{n:04d}" for n in range(42, 62)}
    assert NumberingSeries.objects.get(series_key="surat-keluar").last_number == 61
    assert {document.subject_id for document in documents} == {r.pk for r in residents}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_parallel_issues_on_postgresql_get_fifty_consecutive_numbers(signer, warm_keys):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with scripts/with-postgres.sh")
    letter = DocumentType.objects.get(code="keterangan-domisili")
    residents = make_residents(50)

    documents, errors = issue_in_parallel([(letter, resident) for resident in residents], signer)

    assert errors == []
    assert sorted(document.sequence for document in documents) == list(range(1, 51))
    assert IssuedDocument.objects.values("number").distinct().count() == 50
    assert NumberingSeries.objects.get(office_code=VILLAGE_CODE).last_number == 50
