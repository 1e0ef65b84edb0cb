"""Row rules of the population import: how each cell is read, kept or refused.

Every NIK and No. KK here is synthetic (serials 99xx).
"""

import csv
from datetime import date, datetime

import openpyxl
import pytest

from conftest import POPULATION_COLUMNS, POPULATION_ROW
from people.importing import import_population, report_path, summary_path
from people.importing import values as cells
from people.importing.values import BadValue
from people.models import Resident

TODAY = date(2026, 12, 4)
NAMES = ["NUR'AINI", "MUH. SA'ADUDDIN", "ABD. RAHMAN, S.Pd.", "I GUSTI AYU KADEK SRI", "SUPARMAN"]


def rejects(result) -> list[dict[str, str]]:
    with report_path(result).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def import_one(population_file, **changes):
    result = import_population(population_file([changes]))
    return result, Resident.objects.first()


def reason_for(population_file, **changes) -> str:
    result, resident = import_one(population_file, **changes)
    assert resident is None
    (row,) = rejects(result)
    return row["REASON"]


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", [*NAMES, "JOSÉ DA COSTA"])
def test_stores_names_exactly_as_written(db, population_file, name):
    _result, resident = import_one(population_file, NAMA_LENGKAP=name)

    assert resident.full_name == name


def test_only_trims_names_and_collapses_runs_of_whitespace(db, population_file):
    _result, resident = import_one(population_file, NAMA_LENGKAP="  ABD.   RAHMAN,\u00a0 S.Pd. ")

    assert resident.full_name == "ABD. RAHMAN, S.Pd."


def test_refuses_an_empty_name(db, population_file):
    assert reason_for(population_file, NAMA_LENGKAP="  ") == "NAMA_LENGKAP: Nama wajib diisi."


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text", ["02-03-1989", "02/03/1989", "02.03.1989", "1989-03-02", "2-3-1989"]
)
def test_reads_birth_dates_in_every_accepted_shape(text):
    assert cells.clean_birth_date(text, TODAY) == date(1989, 3, 2)


def test_reads_excel_date_cells():
    assert cells.clean_birth_date(date(1989, 3, 2), TODAY) == date(1989, 3, 2)
    assert cells.clean_birth_date(datetime(1989, 3, 2, 0, 0), TODAY) == date(1989, 3, 2)


def test_an_empty_birth_date_stays_empty():
    assert cells.clean_birth_date("", TODAY) is None
    assert cells.clean_birth_date(" - ", TODAY) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("02-03-89", "tahun 2 digit"),
        ("31-04-1989", "tidak ada di kalender"),
        ("29-02-1991", "tidak ada di kalender"),
        ("05-12-2026x", "tidak dapat dibaca"),
        ("03/25/1989", "tidak ada di kalender"),
        ("05-12-2027", "belum terjadi"),
        ("01-01-1700", "tidak masuk akal"),
    ],
)
def test_refuses_birth_dates_it_would_have_to_guess(text, reason):
    with pytest.raises(BadValue, match=reason):
        cells.clean_birth_date(text, TODAY)


def test_refuses_an_excel_date_that_lost_its_date_format():
    with pytest.raises(BadValue, match="terbaca sebagai angka 32570"):
        cells.clean_birth_date(32570.0, TODAY)


# --------------------------------------------------------------------------- coded values


@pytest.mark.parametrize(
    ("codes", "given", "stored"),
    [
        (cells.SEX, "1", "L"),
        (cells.SEX, "l", "L"),
        (cells.SEX, "Laki-Laki", "L"),
        (cells.SEX, "2", "P"),
        (cells.SEX, "p", "P"),
        (cells.SEX, "PEREMPUAN", "P"),
        (cells.RELIGION, "1", "islam"),
        (cells.RELIGION, "2", "kristen"),
        (cells.RELIGION, "3", "katholik"),
        (cells.RELIGION, "4", "hindu"),
        (cells.RELIGION, "5", "budha"),
        (cells.RELIGION, "6", "konghucu"),
        (cells.RELIGION, "7", "kepercayaan"),
        (cells.RELIGION, "katolik", "katholik"),
        (cells.RELIGION, "Kepercayaan Terhadap Tuhan YME", "kepercayaan"),
        (cells.MARITAL_STATUS, "belum kawin", "belum_kawin"),
        (cells.MARITAL_STATUS, "4", "cerai_mati"),
        (cells.EDUCATION, "SLTA/SEDERAJAT", "slta"),
        (cells.EDUCATION, "akademi/diploma iii/s. muda", "d3"),
        (cells.EDUCATION, "10", "s3"),
        (cells.EDUCATION, "DIPLOMA I/II", "d1_d2"),
        (cells.EDUCATION, "Diploma III", "d3"),
        (cells.RELATIONSHIP, "1", "kepala_keluarga"),
        (cells.RELATIONSHIP, "2", "suami"),
        (cells.RELATIONSHIP, "3", "istri"),
        (cells.RELATIONSHIP, "4", "anak"),
        (cells.RELATIONSHIP, "5", "menantu"),
        (cells.RELATIONSHIP, "6", "cucu"),
        (cells.RELATIONSHIP, "7", "orang_tua"),
        (cells.RELATIONSHIP, "8", "mertua"),
        (cells.RELATIONSHIP, "9", "famili_lain"),
        (cells.RELATIONSHIP, "10", "pembantu"),
        (cells.RELATIONSHIP, "11", "lainnya"),
        (cells.RELATIONSHIP, "Kepala Keluarga", "kepala_keluarga"),
        (cells.RELATIONSHIP, 4.0, "anak"),
        (cells.STATUS, "hidup", "living"),
        (cells.STATUS, "Meninggal", "deceased"),
        (cells.STATUS, "PINDAH", "moved_out"),
    ],
)
def test_reads_coded_values_as_words_in_any_case_or_registry_numbers(codes, given, stored):
    assert codes.clean(given) == stored


@pytest.mark.parametrize(
    ("codes", "given"),
    [(cells.SEX, "X"), (cells.RELIGION, "8"), (cells.RELATIONSHIP, "12"), (cells.STATUS, "1")],
)
def test_refuses_unknown_codes_listing_the_accepted_ones(codes, given):
    with pytest.raises(BadValue, match="isi salah satu dari"):
        codes.clean(given)


def test_a_row_without_sex_is_refused(db, population_file):
    assert "Jenis kelamin wajib diisi" in reason_for(population_file, JENIS_KELAMIN="")


@pytest.mark.parametrize("given", ["1", "1.0", "01", "001", "RT 01", 1.0])
def test_rt_and_rw_numbers_get_three_digits(given):
    assert cells.clean_rt_rw(given) == "001"


def test_refuses_rt_with_letters():
    with pytest.raises(BadValue, match="bukan nomor RT/RW"):
        cells.clean_rt_rw("1A")


def test_refuses_an_occupation_given_as_a_bare_code(db, population_file):
    assert "berupa kode angka" in reason_for(population_file, PEKERJAAN="9")


@pytest.mark.parametrize(
    ("given", "stored"),
    [("0812-3456-7890", "081234567890"), ("+62 812 3456 7890", "+6281234567890"), ("-", "")],
)
def test_phone_numbers_keep_digits_and_a_leading_plus(given, stored):
    assert cells.clean_phone(given) == (stored, None)


def test_a_phone_number_cell_gets_its_leading_zero_back_with_a_warning():
    phone, warning = cells.clean_phone(81234567890.0)

    assert phone == "081234567890"
    assert "angka 0 di depannya dikembalikan" in warning


# --------------------------------------------------------------------------- village codes


@pytest.mark.parametrize("code", ["3510152001", "35.10.15.2001", "3510152001.0", " 3510152001 "])
def test_reads_village_codes_with_or_without_dots(db, population_file, code):
    _result, resident = import_one(population_file, KODE_DESA=code)

    assert resident.village.code == "35.10.15.2001"


@pytest.mark.parametrize("code", ["3510152099", "351015", "35.10.15"])
def test_a_village_code_not_in_the_regions_table_is_a_row_error(db, population_file, code):
    from regions.models import Region

    regions = Region.objects.count()

    reason = reason_for(population_file, KODE_DESA=code)

    assert reason.startswith("KODE_DESA: Kode desa")
    assert "tidak ada di daftar desa/kelurahan" in reason
    assert Region.objects.count() == regions


# --------------------------------------------------------------------------- NIK: how it is written


@pytest.mark.parametrize(
    "written",
    ["3510 1542 0389 9902", "3510.1542.0389.9902", "3510-1542-0389-9902", "'3510154203899902"],
)
def test_nik_separators_apostrophe_and_spaces_are_removed(db, population_file, written):
    _result, resident = import_one(population_file, NIK=written)

    assert resident.nik == "3510154203899902"


def test_a_nik_with_trailing_dot_zero_is_kept_with_a_warning_in_the_summary(db, population_file):
    import json

    result, resident = import_one(population_file, NIK="3510154203899902.0")

    assert resident.nik == "3510154203899902"
    summary = json.loads(summary_path(result).read_text(encoding="utf-8"))
    assert summary["warning_count"] == 1
    assert summary["warnings"][0]["line"] == 2
    assert summary["warnings"][0]["column"] == "NIK"
    assert "Akhiran .0" in summary["warnings"][0]["message"]


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("351015420389990.0", "berisi 15 digit"),
        ("3.51015E+15", "notasi ilmiah"),
        ("35101542038999O2", "berisi huruf 'O'"),
        ("3510157212909904", "bukan tanggal yang ada"),
        ("3510152902919908", "bukan tanggal yang ada"),
        ("3510154203890000", "tidak boleh 0000"),
        ("9910154203899902", "bukan kode provinsi"),
    ],
)
def test_refuses_niks_that_cannot_be_right(db, population_file, written, reason):
    assert reason in reason_for(population_file, NIK=written)


def test_a_sixteen_digit_nik_in_a_number_cell_is_refused_as_damaged_by_excel(db, population_file):
    path = population_file([{}], name="penduduk.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.active["A2"] = 3510154203899902
    workbook.save(path)

    result = import_population(path)

    (row,) = rejects(result)
    assert "terbaca sebagai angka, bukan teks" in row["REASON"]
    assert "Format kolom NIK sebagai Teks di Excel" in row["REASON"]
    assert not Resident.objects.exists()


def test_typed_excel_cells_are_read_as_what_they_mean(db, population_file):
    path = population_file([{}], name="penduduk.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    columns = {name: index + 1 for index, name in enumerate(POPULATION_COLUMNS)}
    sheet.cell(2, columns["TANGGAL_LAHIR"]).value = date(1989, 3, 2)
    sheet.cell(2, columns["KODE_DESA"]).value = 3510152001
    sheet.cell(2, columns["RT"]).value = 1
    sheet.cell(2, columns["AGAMA"]).value = 1
    workbook.save(path)

    result = import_population(path)

    assert result.created == 1
    resident = Resident.objects.get()
    assert (resident.birth_date, resident.village.digits, resident.rt, resident.religion) == (
        date(1989, 3, 2),
        "3510152001",
        "001",
        "islam",
    )


# --------------------------------------------------------------------------- NIK: what it means


def test_a_female_nik_matching_sex_and_birth_date_is_fine(db, population_file):
    _result, resident = import_one(population_file)

    assert resident.nik == POPULATION_ROW["NIK"]
    assert resident.data_warnings == []


def test_a_nik_of_the_other_sex_is_kept_with_a_data_warning(db, population_file):
    result, resident = import_one(population_file, JENIS_KELAMIN="L")

    assert result.created == 1
    assert resident.sex == "L"
    assert len(resident.data_warnings) == 1
    assert resident.data_warnings[0].startswith("sex: the NIK encodes P (female)")


def test_a_nik_of_another_birth_date_is_kept_with_a_data_warning(db, population_file):
    _result, resident = import_one(population_file, TANGGAL_LAHIR="03-03-1989")

    assert resident.data_warnings[0].startswith("birth date: the NIK encodes 1989-03-02")


def test_a_nik_born_on_29_february_2000_is_fine(db, population_file):
    _result, resident = import_one(
        population_file, NIK="3510152902009909", JENIS_KELAMIN="L", TANGGAL_LAHIR="29-02-2000"
    )

    assert (resident.nik, resident.data_warnings) == ("3510152902009909", [])


def test_the_recorded_birth_date_decides_the_nik_century(db, population_file):
    _result, resident = import_one(
        population_file, NIK="3510150101259911", JENIS_KELAMIN="L", TANGGAL_LAHIR="01-01-1925"
    )

    assert resident.birth_date == date(1925, 1, 1)
    assert resident.data_warnings == []


def test_a_nik_from_another_district_needs_no_warning(db, population_file):
    _result, resident = import_one(population_file, NIK="3510014203899903")

    assert resident.village.digits[:6] == "351015"
    assert resident.data_warnings == []


# --------------------------------------------------------------------------- No. KK


@pytest.mark.parametrize(
    ("written", "reason"),
    [("351015010120990", "berisi 15 digit"), ("3510153213209901", "bukan tanggal")],
)
def test_an_invalid_no_kk_is_a_row_error(db, population_file, written, reason):
    text = reason_for(population_file, NO_KK=written)

    assert text.startswith("NO_KK: ")
    assert reason in text


def test_a_row_with_more_cells_than_headers_is_refused(db, tmp_path, import_reports):
    path = tmp_path / "penduduk.csv"
    row = {**POPULATION_ROW, "ALAMAT": "JL. MAWAR, GG. 2"}
    path.write_text(
        ",".join(POPULATION_COLUMNS)
        + "\r\n"
        + ",".join(row[c] for c in POPULATION_COLUMNS)
        + "\r\n"
    )

    result = import_population(path)

    (row,) = rejects(result)
    assert "tidak diberi tanda kutip" in row["REASON"]


def test_every_bad_cell_of_a_row_is_named_in_one_reason(db, population_file):
    reason = reason_for(population_file, JENIS_KELAMIN="X", TANGGAL_LAHIR="02-03-89", RT="A")

    assert reason.count(" | ") == 2
    assert "JENIS_KELAMIN:" in reason and "TANGGAL_LAHIR:" in reason and "RT:" in reason
