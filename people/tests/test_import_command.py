"""python manage.py import_population: output, progress, dry run and whole-file errors.

Every NIK and No. KK here is synthetic (serials 99xx).
"""

import io

import pytest
from django.core.management import CommandError, call_command

from conftest import POPULATION_COLUMNS
from people.models import ImportStatus, PopulationImport, Resident


def run(*args) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_population", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_prints_the_counts_and_where_the_rejects_file_is(db, population_file, import_reports):
    path = population_file([{}, {"NIK": "3510154203899902x"}])

    stdout, _stderr = run(str(path))

    record = PopulationImport.objects.get()
    assert "2 rows read, 1 created, 0 updated, 0 unchanged, 1 rejected" in stdout
    assert f"Rejects file: {import_reports / str(record.pk) / 'rejects.csv'}" in stdout
    assert (import_reports / str(record.pk) / "rejects.csv").exists()


def test_prints_progress_to_stderr_every_so_many_rows(db, population_file):
    rows = [
        {"NIK": f"3510154203899{900 + number:03d}", "NAMA_LENGKAP": f"WARGA {number}"}
        for number in range(1, 8)
    ]

    _stdout, stderr = run(str(population_file(rows)), "--chunk-size", "2", "--progress-every", "3")

    assert stderr.splitlines() == ["4 rows read", "6 rows read"]


def test_a_dry_run_keeps_nothing(db, population_file):
    stdout, _stderr = run(str(population_file([{}])), "--dry-run")

    assert "(dry run, nothing kept)" in stdout
    assert "1 created" in stdout
    assert not Resident.objects.exists()


def test_reads_the_sheet_named_on_the_command_line(db, population_file):
    path = population_file([{}], name="penduduk.xlsx")

    stdout, _stderr = run(str(path), "--sheet", "Penduduk")

    assert "1 created" in stdout


def test_a_whole_file_error_exits_with_its_message(db, tmp_path, import_reports):
    path = tmp_path / "judul.csv"
    path.write_text(",".join(POPULATION_COLUMNS) + "\r\n")

    with pytest.raises(CommandError, match="hanya berisi baris judul kolom") as caught:
        run(str(path))

    assert caught.value.returncode == 1
    assert PopulationImport.objects.get().status == ImportStatus.FAILED


def test_a_missing_sheet_exits_naming_the_sheets(db, population_file):
    path = population_file([{}], name="penduduk.xlsx")

    with pytest.raises(CommandError, match="Sheet yang ada: 'Penduduk'"):
        run(str(path), "--sheet", "Data")
