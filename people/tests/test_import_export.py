"""Exporting residents writes files the importer reads back without changing anything.

Every NIK and No. KK here is synthetic (serials 99xx).
"""

import openpyxl
import pytest

from people.exporting import HEADERS, export_population_csv, export_population_xlsx
from people.importing import import_population
from people.models import Resident

NAMES = [
    "NUR'AINI",
    "MUH. SA'ADUDDIN",
    "ABD. RAHMAN, S.Pd.",
    "I GUSTI AYU KADEK SRI",
    "SUPARMAN",
    "JOSÉ DA COSTA",
]


@pytest.fixture
def imported(db, population_file):
    rows = [
        {
            "NIK": f"351015{10 + number:02d}0385{9900 + number:04d}",
            "NAMA_LENGKAP": name,
            "JENIS_KELAMIN": "L",
            "TANGGAL_LAHIR": f"{10 + number:02d}-03-1985",
            "STATUS_HUBUNGAN": "KEPALA KELUARGA" if number == 0 else "FAMILI LAIN",
            "AGAMA": str(1 + number),
            "ALAMAT": '=HYPERLINK("x") JL. "MAWAR"',
        }
        for number, name in enumerate(NAMES)
    ]
    rows.append(
        {
            "NIK": "0",
            "NAMA_LENGKAP": "BAYI TANPA NIK",
            "JENIS_KELAMIN": "P",
            "TANGGAL_LAHIR": "01-10-2026",
            "STATUS_HUBUNGAN": "CUCU",
            "STATUS": "MENINGGAL",
            "NO_HP": "",
        }
    )
    result = import_population(population_file(rows, name="asal.csv"))
    assert (result.created, result.rejected) == (7, 0)
    return result


@pytest.mark.parametrize("export", [export_population_csv, export_population_xlsx])
def test_export_then_import_changes_nothing(imported, tmp_path, export):
    before = list(Resident.objects.order_by("pk").values())
    path = tmp_path / ("ekspor.csv" if export is export_population_csv else "ekspor.xlsx")

    assert export(Resident.objects.all(), path) == 7
    result = import_population(path)

    assert (result.unchanged, result.created, result.updated, result.rejected) == (7, 0, 0, 0)
    assert result.possible_duplicates == 0
    assert list(Resident.objects.order_by("pk").values()) == before
    assert set(Resident.objects.values_list("full_name", flat=True)) >= set(NAMES)


def test_the_csv_export_has_no_backslash_and_identifiers_as_text(imported, tmp_path):
    path = tmp_path / "ekspor.csv"

    export_population_csv(Resident.objects.all(), path)

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "\\" not in text
    assert text.splitlines()[0] == ",".join(HEADERS)
    assert '"=""3510151003859900"""' in text
    assert "NUR'AINI" in text and '"ABD. RAHMAN, S.Pd."' in text and "JOSÉ DA COSTA" in text
    assert "'=HYPERLINK" in text  # a formula is defused, and the importer removes the quote


def test_the_xlsx_export_writes_identifiers_as_text_cells(imported, tmp_path):
    path = tmp_path / "ekspor.xlsx"

    export_population_xlsx(Resident.objects.all(), path)

    sheet = openpyxl.load_workbook(path).active
    assert [cell.value for cell in sheet[1]] == list(HEADERS)
    nik, no_kk = sheet["A2"], sheet["B2"]
    assert (nik.value, nik.data_type, nik.number_format) == ("3510151003859900", "s", "@")
    assert (no_kk.data_type, no_kk.number_format) == ("s", "@")
    assert sheet["P2"].value == "3510152001" and sheet["P2"].number_format == "@"
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value]
    assert not any("\\" in value for value in values)
    assert all(isinstance(value, str) for value in values)
    assert sheet["L2"].data_type == "s"  # the address starting with "=" is not a formula
