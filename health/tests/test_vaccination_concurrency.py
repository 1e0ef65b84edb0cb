"""Two dose imports of overlapping files at the same moment, from two threads with their own
database connections (SQLite and PostgreSQL)."""

import pytest

from core.testing import run_together
from health.models import Vaccination, VaccinationImport
from health.vaccination import import_file

pytestmark = [
    # Committed for real, so that both connections see the same rows; the loaded reference
    # data is restored for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PEOPLE = 40


def _doses(people, facility):
    return [
        {"NIK": person.nik, "DOSIS": "1", "TANGGAL_VAKSIN": "2021-07-01",
         "JENIS_VAKSIN": "Sinovac", "NO_BATCH": "B1", "FASKES": facility}
        for person in people
    ]  # fmt: skip


def test_two_imports_of_overlapping_files_at_once_both_finish_with_one_record_per_dose(
    village, make_resident, dose_file, shared_database
):
    people = [make_resident(village, full_name=f"WARGA {n:02d}") for n in range(PEOPLE)]
    # The second file repeats the first's doses for half the people and adds the others.
    first = dose_file(_doses(people[: PEOPLE // 2 + 10], "Puskesmas A"), name="a.csv")
    second = dose_file(_doses(people[PEOPLE // 2 - 10 :], "Puskesmas A"), name="b.csv")

    results = run_together(lambda: import_file(first), lambda: import_file(second))

    assert all(isinstance(result, VaccinationImport) for result in results), results
    assert Vaccination.objects.count() == PEOPLE
    assert sum(result.created for result in results) == PEOPLE
    # The twenty doses both files list are stored once and counted unchanged by the later run.
    assert sum(result.unchanged for result in results) == 20
    assert all(result.rejected == 0 and result.conflicts == 0 for result in results)
