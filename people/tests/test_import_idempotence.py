"""Importing again changes nothing, a crash keeps nothing, and the file's format does not matter.

Every NIK and No. KK here is synthetic (serials 99xx).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.importing import import_population
from people.importing import writer as chunk_writer
from people.models import Family, ImportStatus, PopulationImport, Resident

NAMES = [
    "NUR'AINI",
    "MUH. SA'ADUDDIN",
    "ABD. RAHMAN, S.Pd.",
    "I GUSTI AYU KADEK SRI",
    "SUPARMAN",
    "JOSÉ DA COSTA",
]


def family_rows(count: int, *, first_serial: int = 0) -> list[dict[str, str]]:
    """``count`` residents in families of three, each with a consistent synthetic NIK."""
    rows = []
    for offset in range(count):
        number = first_serial + offset
        female = number % 2 == 0
        day = 1 + number % 28
        rows.append(
            {
                "NIK": f"351015{day + (40 if female else 0):02d}0390{9000 + number:04d}",
                "NO_KK": f"35101501012{(number // 3) % 10}{9000 + number // 3:04d}",
                "NAMA_LENGKAP": NAMES[number % len(NAMES)],
                "JENIS_KELAMIN": "P" if female else "L",
                "TANGGAL_LAHIR": f"{day:02d}-03-1990",
                "STATUS_HUBUNGAN": "KEPALA KELUARGA" if number % 3 == 0 else "ANAK",
            }
        )
    return rows


def snapshot() -> list[tuple]:
    """Everything the import stores about residents and families, without ids and times."""
    residents = Resident.objects.order_by("nik", "full_name").values_list(
        "nik",
        "full_name",
        "sex",
        "birth_place",
        "birth_date",
        "religion",
        "marital_status",
        "education",
        "occupation",
        "family__no_kk",
        "relationship",
        "address",
        "rt",
        "rw",
        "hamlet",
        "village__code",
        "phone",
        "status",
        "data_warnings",
    )
    families = Family.objects.order_by("no_kk").values_list(
        "no_kk", "village__code", "address", "rt", "rw", "hamlet", "head__nik"
    )
    return [*residents, *families]


def test_importing_the_same_file_again_changes_nothing(db, population_file):
    path = population_file(family_rows(9))
    first = import_population(path)
    before = snapshot()
    stamps = dict(Resident.objects.values_list("pk", "updated_at"))
    family_stamps = dict(Family.objects.values_list("pk", "updated_at"))

    again = import_population(path)

    assert (first.created, first.families_created) == (9, 3)
    assert (again.rows_read, again.unchanged) == (9, 9)
    assert (again.created, again.updated, again.rejected, again.families_created) == (0, 0, 0, 0)
    assert snapshot() == before
    assert dict(Resident.objects.values_list("pk", "updated_at")) == stamps
    assert dict(Family.objects.values_list("pk", "updated_at")) == family_stamps


def test_a_changed_row_updates_only_its_resident_and_only_the_changed_fields(db, population_file):
    rows = family_rows(6)
    import_population(population_file(rows))
    stamps = dict(Resident.objects.values_list("nik", "updated_at"))
    changed_nik = rows[4]["NIK"]
    rows[4] = {**rows[4], "PEKERJAAN": "NELAYAN/PERIKANAN"}

    result = import_population(population_file(rows))

    assert (result.updated, result.unchanged) == (1, 5)
    resident = Resident.objects.get(nik=changed_nik)
    assert resident.occupation == "NELAYAN/PERIKANAN"
    assert resident.source_import == result
    assert resident.updated_at > stamps[changed_nik]
    unchanged = dict(Resident.objects.exclude(nik=changed_nik).values_list("nik", "updated_at"))
    assert unchanged == {nik: stamp for nik, stamp in stamps.items() if nik != changed_nik}


FORMATS = [
    ("utf-8", ","),
    ("utf-8-sig", ","),
    ("cp1252", ","),
    ("utf-8", ";"),
    ("utf-8-sig", ";"),
    ("cp1252", ";"),
]


@pytest.mark.parametrize(("encoding", "delimiter"), FORMATS)
def test_every_encoding_and_separator_gives_identical_database_contents(
    db, population_file, encoding, delimiter
):
    rows = family_rows(12)
    reference_path = population_file(rows, name="reference.csv")
    import_population(reference_path)
    expected = snapshot()
    Resident.objects.all().delete()
    Family.objects.all().delete()
    assert [row for row in expected if row[1] == "JOSÉ DA COSTA"]

    result = import_population(
        population_file(rows, name="penduduk.csv", encoding=encoding, delimiter=delimiter)
    )

    assert (result.created, result.rejected) == (12, 0)
    assert snapshot() == expected


def test_an_xlsx_file_gives_the_same_database_contents_as_a_csv_file(db, population_file):
    rows = family_rows(12)
    import_population(population_file(rows))
    expected = snapshot()
    Resident.objects.all().delete()
    Family.objects.all().delete()

    result = import_population(population_file(rows, name="penduduk.xlsx"))

    assert (result.created, result.rejected) == (12, 0)
    assert snapshot() == expected


def test_a_crash_half_way_leaves_no_resident_and_no_family_from_the_file(
    db, population_file, import_reports
):
    def crash_after_first_chunk(rows_read):
        raise RuntimeError("power cut")

    rows = [{"NIK": "x"}, *family_rows(10)]  # a rejected row starts the rejects file

    with pytest.raises(RuntimeError, match="power cut"):
        import_population(population_file(rows), chunk_size=4, progress=crash_after_first_chunk)

    assert not Resident.objects.exists()
    assert not Family.objects.exists()
    record = PopulationImport.objects.get()
    assert record.status == ImportStatus.FAILED
    assert "power cut" in record.error
    assert not (import_reports / str(record.pk)).exists()


def test_a_database_error_in_a_later_chunk_rolls_back_the_earlier_ones(
    db, population_file, monkeypatch
):
    calls = []
    original = chunk_writer.ChunkWriter.write

    def failing_write(self, rows, first_rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, rows, first_rows)

    monkeypatch.setattr(chunk_writer.ChunkWriter, "write", failing_write)

    with pytest.raises(RuntimeError, match="disk full"):
        import_population(population_file(family_rows(9)), chunk_size=3)

    assert calls == [3, 3]
    assert not Resident.objects.exists() and not Family.objects.exists()


def test_progress_is_reported_after_every_chunk(db, population_file):
    seen = []

    import_population(population_file(family_rows(7)), chunk_size=3, progress=seen.append)

    assert seen == [3, 6, 7]


def test_the_number_of_queries_does_not_grow_with_the_rows_of_a_chunk(db, population_file):
    def queries_for(count: int, first_serial: int) -> int:
        path = population_file(family_rows(count, first_serial=first_serial), name=f"{count}.csv")
        with CaptureQueriesContext(connection) as captured:
            import_population(path, chunk_size=1000)
        return len(captured.captured_queries)

    small = queries_for(6, first_serial=100)
    large = queries_for(60, first_serial=200)

    assert large == small


def test_the_number_of_queries_for_an_unchanged_file_does_not_grow_with_it(db, population_file):
    small_path = population_file(family_rows(6, first_serial=100), name="small.csv")
    large_path = population_file(family_rows(60, first_serial=200), name="large.csv")
    import_population(small_path)
    import_population(large_path)

    with CaptureQueriesContext(connection) as small:
        import_population(small_path, chunk_size=1000)
    with CaptureQueriesContext(connection) as large:
        import_population(large_path, chunk_size=1000)

    assert len(large.captured_queries) == len(small.captured_queries)


def test_lookups_split_into_several_queries_give_the_same_result(db, population_file, monkeypatch):
    monkeypatch.setattr(chunk_writer, "in_batch_size", lambda: 2)
    without_nik = [
        {
            "NIK": "0",
            "NO_KK": "" if number % 2 else "3510150101209901",
            "NAMA_LENGKAP": f"BAYI {number}",
            "JENIS_KELAMIN": "L",
            "TANGGAL_LAHIR": f"{number + 1:02d}-10-2026",
            "STATUS_HUBUNGAN": "ANAK",
        }
        for number in range(7)
    ]
    path = population_file([*family_rows(9), *without_nik])
    first = import_population(path, chunk_size=100)

    again = import_population(path, chunk_size=100)

    assert (first.created, first.families_created) == (16, 4)
    assert (again.unchanged, again.created, again.possible_duplicates) == (16, 0, 0)
