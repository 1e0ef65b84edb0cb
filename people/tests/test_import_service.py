"""The population import as a whole: families, duplicates, people without a NIK, reports, audit.

Every NIK and No. KK here is synthetic (serials 99xx).
"""

import csv
import json
import logging
import re
from datetime import date

import pytest

from conftest import POPULATION_ROW
from core.models import AuditEntry
from people.importing import import_population, report_path, summary_path
from people.models import Family, ImportStatus, PossibleDuplicate, Resident

KK = POPULATION_ROW["NO_KK"]
HEAD = {
    "NIK": "3510151708859901",
    "NAMA_LENGKAP": "SUPARMAN",
    "JENIS_KELAMIN": "L",
    "TANGGAL_LAHIR": "17-08-1985",
    "STATUS_HUBUNGAN": "KEPALA KELUARGA",
}
WIFE: dict[str, str] = {}  # POPULATION_ROW as it is: SITI AMINAH, ISTRI
BABY = {
    "NIK": "0",
    "NAMA_LENGKAP": "BAYI PERTAMA",
    "JENIS_KELAMIN": "L",
    "TANGGAL_LAHIR": "01-10-2026",
    "STATUS_HUBUNGAN": "ANAK",
    "STATUS_PERKAWINAN": "BELUM KAWIN",
    "PENDIDIKAN": "TIDAK/BELUM SEKOLAH",
    "PEKERJAAN": "BELUM/TIDAK BEKERJA",
}


def rejects(result) -> list[dict[str, str]]:
    with report_path(result).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- families


def test_creates_the_family_from_no_kk_village_and_address_with_its_head(db, population_file):
    result = import_population(population_file([HEAD, WIFE]))

    assert (result.rows_read, result.created, result.families_created) == (2, 2, 1)
    family = Family.objects.get()
    assert (family.no_kk, family.village.code, family.address, family.rt, family.rw) == (
        KK,
        "35.10.15.2001",
        "JL. KEMIREN NO. 5",
        "001",
        "002",
    )
    assert family.hamlet == "KRAJAN"
    assert family.head.full_name == "SUPARMAN"
    assert set(family.members.values_list("full_name", flat=True)) == {"SUPARMAN", "SITI AMINAH"}


def test_a_family_spanning_chunks_is_created_once(db, population_file):
    children = [
        {
            **BABY,
            "NIK": "",
            "NAMA_LENGKAP": f"ANAK KE {number}",
            "TANGGAL_LAHIR": f"0{number}-01-2010",
        }
        for number in range(1, 6)
    ]

    result = import_population(population_file([WIFE, *children, HEAD]), chunk_size=2)

    assert (result.created, result.families_created) == (7, 1)
    family = Family.objects.get()
    assert family.head.full_name == "SUPARMAN"
    assert family.members.count() == 7


def test_a_row_naming_another_village_for_the_family_is_refused(db, population_file):
    result = import_population(population_file([HEAD, {"KODE_DESA": "3510152004"}]))

    assert (result.created, result.rejected) == (1, 1)
    (row,) = rejects(result)
    assert row["LINE"] == "3"
    assert "sudah tercatat di desa Rejosari (35.10.15.2001) pada baris 2" in row["REASON"]
    assert Family.objects.get().village.code == "35.10.15.2001"


def test_a_second_family_head_in_one_family_is_refused(db, population_file):
    result = import_population(population_file([HEAD, {**WIFE, "STATUS_HUBUNGAN": "1"}]))

    (row,) = rejects(result)
    assert "sudah mempunyai kepala keluarga di baris 2" in row["REASON"]


def test_a_row_without_a_family_card_is_a_resident_without_a_family(db, population_file):
    result = import_population(population_file([{"NO_KK": ""}]))

    assert (result.created, result.families_created) == (1, 0)
    assert Resident.objects.get().family is None


def test_a_family_head_without_a_family_card_is_imported_without_a_family(db, population_file):
    result = import_population(population_file([{**HEAD, "NO_KK": ""}, {**WIFE, "NO_KK": "-"}]))

    assert (result.created, result.families_created) == (2, 0)
    assert not Resident.objects.filter(family__isnull=False).exists()


def test_a_family_head_change_in_the_file_moves_the_head(db, population_file):
    import_population(population_file([HEAD, WIFE]))

    import_population(
        population_file(
            [{**HEAD, "STATUS_HUBUNGAN": "FAMILI LAIN"}, {**WIFE, "STATUS_HUBUNGAN": "1"}]
        )
    )

    assert Family.objects.get().head.full_name == "SITI AMINAH"


# --------------------------------------------------------------------------- duplicates in a file


def test_a_nik_used_again_for_another_name_is_refused_naming_the_first_line(db, population_file):
    result = import_population(
        population_file([WIFE, HEAD, {"NAMA_LENGKAP": "SITI AMINAH BINTI SUPARDI"}])
    )

    assert (result.created, result.rejected) == (2, 1)
    (row,) = rejects(result)
    assert row["LINE"] == "4"
    assert row["REASON"].startswith("NIK: NIK ini sudah dipakai di baris 2 untuk nama lain")
    assert Resident.objects.get(nik=POPULATION_ROW["NIK"]).full_name == "SITI AMINAH"


def test_the_same_row_twice_is_counted_once_and_the_copy_rejected(db, population_file):
    result = import_population(population_file([WIFE, WIFE]))

    assert (result.created, result.rejected) == (1, 1)
    (row,) = rejects(result)
    assert "Baris ganda: isinya sama persis dengan baris 2" in row["REASON"]


def test_the_same_nik_and_name_with_other_data_is_refused(db, population_file):
    result = import_population(population_file([WIFE, {"RT": "003"}]))

    (row,) = rejects(result)
    assert "NIK dan nama sama dengan baris 2, tetapi data lainnya berbeda" in row["REASON"]


# --------------------------------------------------------------------------- people without a NIK


@pytest.mark.parametrize("no_nik", ["0", "", "0000000000000000", "-"])
def test_a_person_without_a_nik_gets_a_temporary_identifier(db, population_file, no_nik):
    result = import_population(population_file([{**BABY, "NIK": no_nik}]))

    assert result.created == 1
    baby = Resident.objects.get()
    assert baby.nik is None
    assert re.fullmatch(r"TMP-[0-9A-Z]{12}", baby.temp_id)


def test_two_babies_without_a_nik_in_one_family_are_two_people(db, population_file):
    twin = {**BABY, "NAMA_LENGKAP": "BAYI KEDUA"}

    result = import_population(population_file([HEAD, BABY, twin]))

    assert result.created == 3
    babies = Resident.objects.filter(nik__isnull=True)
    assert babies.count() == 2
    assert len(set(babies.values_list("temp_id", flat=True))) == 2


def test_the_same_person_without_a_nik_twice_in_a_file_is_refused(db, population_file):
    result = import_population(population_file([BABY, {**BABY, "NAMA_LENGKAP": "bayi  pertama"}]))

    (row,) = rejects(result)
    assert "Baris ganda tanpa NIK" in row["REASON"]
    assert "baris 2" in row["REASON"]


def test_importing_people_without_a_nik_again_does_not_add_them_again(db, population_file):
    path = population_file([HEAD, BABY])
    import_population(path)
    temp_id = Resident.objects.get(nik__isnull=True).temp_id

    again = import_population(path)

    assert (again.created, again.unchanged, again.possible_duplicates) == (0, 2, 0)
    assert Resident.objects.get(nik__isnull=True).temp_id == temp_id


def test_a_changed_row_without_a_nik_becomes_a_possible_duplicate(db, population_file):
    import_population(population_file([HEAD, BABY]))

    again = import_population(population_file([HEAD, {**BABY, "RT": "009"}]))

    assert (again.created, again.updated, again.possible_duplicates) == (0, 0, 1)
    duplicate = PossibleDuplicate.objects.get()
    assert duplicate.existing.full_name == "BAYI PERTAMA"
    assert (duplicate.line_number, duplicate.row_data["RT"]) == (3, "009")
    assert Resident.objects.get(nik__isnull=True).rt == "001"


def test_a_row_without_a_nik_never_merges_into_a_resident_with_a_nik(db, population_file):
    import_population(population_file([HEAD, WIFE]))

    result = import_population(population_file([{**WIFE, "NIK": "0"}]))

    assert (result.created, result.updated, result.possible_duplicates) == (0, 0, 1)
    duplicate = PossibleDuplicate.objects.get()
    assert duplicate.existing.nik == POPULATION_ROW["NIK"]
    assert "ber-NIK" in duplicate.reason
    assert Resident.objects.count() == 2


def test_a_person_without_a_family_card_is_matched_by_village(db, population_file):
    loner = {**BABY, "NO_KK": "", "STATUS_HUBUNGAN": ""}
    import_population(population_file([loner]))

    again = import_population(population_file([{**loner, "DUSUN": "KRAJAN BARAT"}]))

    assert (again.created, again.possible_duplicates) == (0, 1)


def test_a_child_given_a_nik_keeps_its_record_and_gets_the_nik(db, population_file):
    import_population(population_file([HEAD, BABY]))
    baby = Resident.objects.get(nik__isnull=True)

    result = import_population(population_file([HEAD, {**BABY, "NIK": "3510150110269931"}]))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    baby.refresh_from_db()
    assert baby.nik == "3510150110269931"
    entry = AuditEntry.objects.get(action="people.resident.updated")
    assert entry.detail["fields"] == ["nik"]


# --------------------------------------------------------------------------- reports


def test_the_rejects_file_lists_line_column_reason_with_identifiers_as_text(db, population_file):
    path = population_file(
        [HEAD, {"TANGGAL_LAHIR": "02-03-89"}, {**BABY, "KODE_DESA": "3510159999"}]
    )

    result = import_population(path)

    assert (result.created, result.rejected) == (1, 2)
    raw = report_path(result).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, first, second = csv.reader(raw.decode("utf-8-sig").splitlines())
    assert header[0] == "LINE" and header[-1] == "REASON"
    assert header[1:-1] == list(POPULATION_ROW)
    assert first[0] == "3"
    assert first[1:3] == ['="3510154203899902"', f'="{KK}"']
    assert first[3] == "SITI AMINAH"
    assert first[-1].startswith("TANGGAL_LAHIR: Tanggal '02-03-89' memakai tahun 2 digit")
    assert second[0] == "4" and second[-1].startswith("KODE_DESA: Kode desa '3510159999'")
    assert result.report_name == f"{result.pk}/rejects.csv"


def test_a_corrected_rejects_file_can_be_imported_as_it_is(db, population_file, tmp_path):
    result = import_population(population_file([{"TANGGAL_LAHIR": "02-03-89"}]))
    corrected = tmp_path / "perbaikan.csv"
    corrected.write_text(
        report_path(result).read_text(encoding="utf-8-sig").replace("02-03-89", "02-03-1989"),
        encoding="utf-8-sig",
    )

    again = import_population(corrected)

    assert (again.created, again.rejected) == (1, 0)
    assert Resident.objects.get().nik == POPULATION_ROW["NIK"]


def test_the_summary_file_holds_the_counts(db, population_file):
    result = import_population(population_file([HEAD, WIFE, {"NIK": "x"}]))

    summary = json.loads(summary_path(result).read_text(encoding="utf-8"))
    assert summary["counts"] == {
        "rows_read": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "possible_duplicates": 0,
        "families_created": 1,
    }
    assert (summary["format"], summary["encoding"], summary["delimiter"]) == (
        "csv",
        "utf-8-sig",
        ",",
    )
    assert summary["rejects_file"] == "rejects.csv"
    assert summary_path(result).parent == report_path(result).parent


def test_the_counts_equal_what_is_in_the_database(db, population_file, make_resident, village):
    make_resident(village, full_name="WARGA LAMA")
    import_population(population_file([HEAD]))
    before = Resident.objects.count(), Family.objects.count()

    result = import_population(
        population_file([{**HEAD, "RT": "004"}, WIFE, BABY, {"NIK": "12"}, {**BABY, "NIK": "0"}])
    )

    after = Resident.objects.count(), Family.objects.count()
    assert after[0] - before[0] == result.created == 2
    assert after[1] - before[1] == result.families_created == 0
    assert Resident.objects.filter(source_import=result).count() == result.created + result.updated
    assert result.rows_read == (
        result.created
        + result.updated
        + result.unchanged
        + result.rejected
        + result.possible_duplicates
    )


# --------------------------------------------------------------------------- audit, logging


def test_one_audit_entry_per_import_with_its_counts(db, population_file, regent):
    result = import_population(population_file([HEAD, WIFE]), actor=regent)

    entry = AuditEntry.objects.get(action="people.import.finished")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        regent,
        "people.populationimport",
        str(result.pk),
    )
    assert entry.detail["created"] == 2
    assert entry.detail["status"] == ImportStatus.DONE
    assert result.started_by == regent


def test_each_updated_resident_gets_an_audit_entry_naming_the_changed_fields(db, population_file):
    import_population(population_file([HEAD, WIFE]))

    import_population(population_file([HEAD, {"PEKERJAAN": "PEDAGANG", "NO_HP": "081299998888"}]))

    entry = AuditEntry.objects.get(action="people.resident.updated")
    assert entry.target_id == str(Resident.objects.get(nik=POPULATION_ROW["NIK"]).pk)
    assert entry.detail["fields"] == ["occupation", "phone"]
    assert "3510154203899902" not in json.dumps(entry.detail)


def test_imported_residents_point_to_their_import(db, population_file):
    result = import_population(population_file([HEAD]))

    assert Resident.objects.get().source_import == result


def test_never_logs_a_full_nik(db, population_file, caplog):
    caplog.set_level(logging.DEBUG)

    import_population(population_file([HEAD, WIFE, {"NIK": "3510154203899902.0"}, {"NIK": "x"}]))

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Population import" in logged
    assert not re.search(r"\d{16}", logged)


def test_a_nik_in_the_file_name_is_masked_in_logs_and_audit(db, population_file, caplog):
    caplog.set_level(logging.INFO)

    import_population(population_file([HEAD], name="3510154203899902.csv"))

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "3510********9902.csv" in logged
    assert "3510154203899902" not in logged
    entry = AuditEntry.objects.get(action="people.import.finished")
    assert "3510154203899902" not in entry.summary


# --------------------------------------------------------------------------- dry run, columns


def test_a_dry_run_counts_everything_and_keeps_nothing(db, population_file):
    result = import_population(population_file([HEAD, WIFE, {"NIK": "x"}]), dry_run=True)

    assert (result.dry_run, result.status) == (True, ImportStatus.DONE)
    assert (result.created, result.rejected, result.families_created) == (2, 1, 1)
    assert not Resident.objects.exists() and not Family.objects.exists()
    assert len(rejects(result)) == 1


def test_a_column_left_out_of_the_file_leaves_that_field_alone(db, population_file):
    import_population(population_file([HEAD]))

    result = import_population(population_file([HEAD], header={"NO_HP": None, "AGAMA": None}))

    assert result.unchanged == 1
    resident = Resident.objects.get()
    assert (resident.phone, resident.religion) == ("081234567890", "islam")


def test_an_empty_cell_in_a_present_column_clears_the_field(db, population_file):
    import_population(population_file([HEAD]))

    import_population(population_file([{**HEAD, "NO_HP": ""}]))

    assert Resident.objects.get().phone == ""


def test_birth_dates_and_codes_are_stored_as_values(db, population_file):
    import_population(population_file([HEAD]))

    resident = Resident.objects.get()
    assert resident.birth_date == date(1985, 8, 17)
    assert (resident.sex, resident.religion, resident.marital_status) == ("L", "islam", "kawin")
    assert (resident.education, resident.relationship, resident.status) == (
        "slta",
        "kepala_keluarga",
        "living",
    )
