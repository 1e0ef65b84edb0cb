"""Reading population files: encodings, separators, Excel cells, headers and whole-file errors.

Every NIK and No. KK here is synthetic (serials 99xx).
"""

from datetime import date, datetime

import openpyxl
import pytest

from conftest import POPULATION_COLUMNS, POPULATION_ROW
from people.importing import ImportFileError, import_population
from people.importing.columns import accepted_names
from people.importing.readers import open_table
from people.models import Family, ImportStatus, PopulationImport, Resident

HEADER_LINE = ",".join(POPULATION_COLUMNS)


def csv_line(**changes) -> str:
    row = {**POPULATION_ROW, **changes}
    return ",".join(row[column] for column in POPULATION_COLUMNS)


def read_all(path, **kwargs):
    with open_table(path, **kwargs) as table:
        return table, list(table.rows)


def failed_import(path, **kwargs) -> str:
    with pytest.raises(ImportFileError) as caught:
        import_population(path, **kwargs)
    return str(caught.value)


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8-sig"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp1252", "cp1252"),
        ("utf-16", "utf-16"),
    ],
)
def test_reads_jose_da_costa_from_every_encoding_excel_writes(tmp_path, encoding, detected):
    path = tmp_path / "penduduk.csv"
    path.write_bytes("NIK,NAMA_LENGKAP\r\n1,JOSÉ DA COSTA\r\n".encode(encoding))

    table, rows = read_all(path)

    assert table.encoding == detected
    assert rows == [(1, ["NIK", "NAMA_LENGKAP"]), (2, ["1", "JOSÉ DA COSTA"])]


def test_refuses_a_file_that_is_neither_utf8_nor_windows_1252(tmp_path):
    path = tmp_path / "penduduk.csv"
    # 0x81 is not a character in Windows-1252, and on its own it is not UTF-8 either.
    path.write_bytes(b"NIK,NAMA_LENGKAP\r\n1,JOS\x81\r\n")

    with pytest.raises(ImportFileError, match="UTF-8 maupun Windows-1252"):
        read_all(path)


def test_refuses_a_file_mixing_utf8_and_windows_1252_instead_of_garbling_names(tmp_path):
    path = tmp_path / "penduduk.csv"
    path.write_bytes("NIK,NAMA\r\n1,JOSÉ\r\n".encode() + "2,JOSÉ\r\n".encode("cp1252"))

    with pytest.raises(ImportFileError, match="mencampur dua pengodean"):
        read_all(path)


def test_refuses_a_binary_file_given_as_csv(tmp_path):
    path = tmp_path / "penduduk.csv"
    path.write_bytes(b"\x00\x01\x02binary\x00")

    with pytest.raises(ImportFileError, match="bukan teks CSV"):
        read_all(path)


def test_refuses_a_file_named_xlsx_that_is_not_excel(tmp_path):
    path = tmp_path / "penduduk.xlsx"
    path.write_text(HEADER_LINE + "\r\n")

    with pytest.raises(ImportFileError, match="bukan Excel"):
        read_all(path)


# --------------------------------------------------------------------------- separators, lines


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_takes_the_separator_from_the_header_line(tmp_path, delimiter):
    path = tmp_path / "penduduk.csv"
    path.write_text(f'NIK{delimiter}ALAMAT\r\n1{delimiter}"JL. MAWAR, GG. 2; RT 1"\r\n')

    table, rows = read_all(path)

    assert table.delimiter == delimiter
    assert rows[1] == (2, ["1", "JL. MAWAR, GG. 2; RT 1"])


def test_numbers_rows_as_excel_does_counting_blank_rows_and_multiline_cells_once(tmp_path):
    path = tmp_path / "penduduk.csv"
    path.write_text('NIK,ALAMAT\r\n\r\n1,"JL. MAWAR\r\nGG. 2"\r\n,\r\n2,JL. MELATI\r\n')

    _table, rows = read_all(path)

    assert [line for line, _cells in rows] == [1, 3, 5]


def test_excel_rows_keep_their_sheet_row_numbers(tmp_path):
    path = tmp_path / "penduduk.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B3"] = "NIK"
    sheet["B4"] = "1"
    sheet["B6"] = "2"
    workbook.save(path)

    _table, rows = read_all(path)

    assert rows == [(3, ["NIK"]), (4, ["1"]), (6, ["2"])]


def test_excel_cells_arrive_typed_numbers_as_float_and_dates_as_date(tmp_path):
    path = tmp_path / "penduduk.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "TEKS", "TANGGAL", "WAKTU"])
    sheet.append([3510154203899902, "3510154203899902", date(1989, 3, 2), datetime(1989, 3, 2, 7)])
    workbook.save(path)

    _table, rows = read_all(path)

    assert rows[1][1] == [
        3510154203899902.0,
        "3510154203899902",
        date(1989, 3, 2),
        datetime(1989, 3, 2, 7),
    ]


# --------------------------------------------------------------------------- sheets


def two_sheet_workbook(path):
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Keterangan"
    first.append(["Data penduduk Desa Rejosari"])
    second = workbook.create_sheet("Penduduk")
    second.append(list(POPULATION_COLUMNS))
    second.append([POPULATION_ROW[column] for column in POPULATION_COLUMNS])
    workbook.save(path)
    return path


def test_reads_the_first_sheet_by_default(tmp_path):
    table, rows = read_all(two_sheet_workbook(tmp_path / "penduduk.xlsx"))

    assert table.sheet == "Keterangan"
    assert rows == [(1, ["Data penduduk Desa Rejosari"])]


def test_reads_the_sheet_asked_for(db, tmp_path, import_reports):
    path = two_sheet_workbook(tmp_path / "penduduk.xlsx")

    result = import_population(path, sheet="Penduduk")

    assert (result.created, result.rejected) == (1, 0)


def test_refuses_a_sheet_that_is_not_there_naming_the_sheets_that_are(db, tmp_path, import_reports):
    path = two_sheet_workbook(tmp_path / "penduduk.xlsx")

    message = failed_import(path, sheet="Data")

    assert "'Data'" in message
    assert "'Keterangan', 'Penduduk'" in message


def test_refuses_a_sheet_name_for_a_csv_file(db, population_file):
    message = failed_import(population_file([{}]), sheet="Penduduk")

    assert "CSV tidak mempunyai sheet" in message


# --------------------------------------------------------------------------- whole-file errors


def test_refuses_an_empty_file(db, tmp_path, import_reports):
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")

    assert "Berkas kosong" in failed_import(path)


def test_refuses_a_file_of_blank_lines(db, tmp_path, import_reports):
    path = tmp_path / "kosong.csv"
    path.write_text("\r\n ,, \r\n\r\n")

    assert "Berkas kosong" in failed_import(path)


def test_refuses_a_header_only_file(db, tmp_path, import_reports):
    path = tmp_path / "judul.csv"
    path.write_text(HEADER_LINE + "\r\n\r\n")

    assert "hanya berisi baris judul kolom (baris 1)" in failed_import(path)


def test_refuses_unknown_headers_naming_them_and_the_accepted_names(db, tmp_path, import_reports):
    path = tmp_path / "penduduk.csv"
    path.write_text(HEADER_LINE + ",GOLONGAN_DARAH,HOBI\r\n" + csv_line() + ",O,MANCING\r\n")

    message = failed_import(path)

    assert "GOLONGAN_DARAH, HOBI" in message
    assert accepted_names() in message


def test_refuses_missing_required_headers_naming_them(db, population_file):
    path = population_file([{}], header={"NO_KK": None, "KODE_DESA": None})

    message = failed_import(path)

    assert "Kolom wajib tidak ada pada baris judul (baris 1): NO_KK, KODE_DESA" in message
    assert "KD_DESA" in message  # an accepted alias is suggested


def test_refuses_a_column_given_twice(db, tmp_path, import_reports):
    path = tmp_path / "penduduk.csv"
    path.write_text(HEADER_LINE + ",NAMA\r\n" + csv_line() + ",SITI\r\n")

    assert "NAMA_LENGKAP muncul dua kali" in failed_import(path)


def test_a_whole_file_error_keeps_only_a_failed_import_record(db, tmp_path, import_reports):
    path = tmp_path / "judul.csv"
    path.write_text(HEADER_LINE + "\r\n")

    message = failed_import(path)

    record = PopulationImport.objects.get()
    assert (record.status, record.error) == (ImportStatus.FAILED, message)
    assert not Resident.objects.exists() and not Family.objects.exists()
    assert not (import_reports / str(record.pk)).exists()


# --------------------------------------------------------------------------- headers


def test_header_case_spaces_underscores_and_dots_do_not_matter(db, population_file):
    path = population_file(
        [{}],
        header={
            "NIK": " nik ",
            "NO_KK": "No. KK",
            "NAMA_LENGKAP": "nama lengkap",
            "JENIS_KELAMIN": "JK",
            "TANGGAL_LAHIR": "Tgl. Lahir",
            "STATUS_HUBUNGAN": "SHDK",
            "KODE_DESA": "KODE WILAYAH",
            "NO_HP": "HP",
        },
    )

    result = import_population(path)

    assert (result.created, result.rejected) == (1, 0)
    resident = Resident.objects.get()
    assert (resident.birth_date, resident.relationship, resident.phone) == (
        date(1989, 3, 2),
        "istri",
        "081234567890",
    )


@pytest.mark.parametrize(
    ("column", "alias"),
    [
        ("NO_KK", "NOMOR_KK"),
        ("NO_KK", "NKK"),
        ("NAMA_LENGKAP", "NAMA"),
        ("JENIS_KELAMIN", "SEX"),
        ("TANGGAL_LAHIR", "TANGGAL LAHIR"),
        ("STATUS_HUBUNGAN", "HUBUNGAN"),
        ("KODE_DESA", "KD_DESA"),
        ("KODE_DESA", "DESA_KODE"),
        ("NO_HP", "TELEPON"),
    ],
)
def test_accepts_the_aliases_village_offices_use(db, population_file, column, alias):
    result = import_population(population_file([{}], header={column: alias}))

    assert (result.created, result.rejected) == (1, 0)


def test_skips_title_rows_above_the_header(db, tmp_path, import_reports):
    path = tmp_path / "penduduk.csv"
    path.write_text(
        "DATA PENDUDUK DESA REJOSARI,,\r\nKEADAAN DESEMBER 2026,,\r\n\r\n"
        + HEADER_LINE
        + "\r\n"
        + csv_line(NIK="3510154203899902x")
        + "\r\n"
    )

    result = import_population(path)

    assert result.rejected == 1
    with (import_reports / str(result.pk) / "rejects.csv").open(encoding="utf-8-sig") as handle:
        assert handle.read().splitlines()[1].startswith("5,")


def test_refuses_a_broken_excel_file(db, tmp_path, import_reports):
    path = tmp_path / "penduduk.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")

    assert "Berkas Excel penduduk.xlsx tidak dapat dibuka" in failed_import(path)


def test_refuses_a_file_that_is_not_there(db, tmp_path, import_reports):
    assert "tidak ditemukan" in failed_import(tmp_path / "hilang.csv")
    assert PopulationImport.objects.get().status == ImportStatus.FAILED


# --------------------------------------------------------------------------- shifted rows


def test_a_row_shifted_by_an_unquoted_comma_is_refused_as_such_even_with_an_empty_last_cell(
    db, tmp_path, import_reports
):
    shifted = csv_line(ALAMAT="JL. KENANGA 3, RT 1", NO_HP="", STATUS="")
    path = tmp_path / "geser.csv"
    path.write_text(f"{HEADER_LINE}\n{shifted}\n", encoding="utf-8")

    result = import_population(path)

    rejects = (import_reports / result.report_name).read_text(encoding="utf-8-sig")
    assert result.rejected == 1
    assert "sel, padahal judul kolom hanya" in rejects
    assert "KODE_DESA" not in rejects.splitlines()[1].split(",")[-1]


def test_trailing_empty_cells_are_fine_when_the_header_has_them_too(db, tmp_path, import_reports):
    path = tmp_path / "excel.csv"
    path.write_text(f"{HEADER_LINE},,\n{csv_line()},,\n", encoding="utf-8")

    result = import_population(path)

    assert (result.created, result.rejected) == (1, 0)
