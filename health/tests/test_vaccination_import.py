import json
from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle

from health.models import Dose, Vaccination, VaccinationImport
from health.tests.conftest import bundle, immunization
from health.vaccination import (
    NIK_SYSTEM,
    ImportFileError,
    fhir_bundle_chunks,
    import_doses,
    import_file,
    table_rows,
)
from people.choices import ResidentStatus
from people.importing.readers import open_table

TODAY = date(2024, 6, 1)


def run(path, **kwargs):
    return import_file(path, today=TODAY, **kwargs)


def reasons(result, kind="error"):
    return [entry["reason"] for entry in result.report if entry["kind"] == kind]


@pytest.fixture
def person(resident_in_village):
    return resident_in_village  # born 1985-06-15


def row(resident, dose, when, **fields):
    return {"NIK": resident.nik, "DOSIS": dose, "TANGGAL_VAKSIN": when, "JENIS_VAKSIN": "Pfizer",
            "NO_BATCH": "B1", "FASKES": "Puskesmas Pesanggaran", **fields}  # fmt: skip


def test_a_csv_file_stores_one_record_per_dose_and_reimporting_changes_nothing(person, dose_file):
    path = dose_file(
        [row(person, "1", "01-07-2021"), row(person, "2", "05-08-2021"),
         row(person, "booster", "2022-03-01")]
    )  # fmt: skip
    first = run(path)
    assert (first.created, first.rejected, first.conflicts) == (3, 0, 0)
    doses = list(Vaccination.objects.filter(resident=person).order_by("dose"))
    assert [(d.dose, d.given_on) for d in doses] == [
        (Dose.FIRST, date(2021, 7, 1)),
        (Dose.SECOND, date(2021, 8, 5)),
        (Dose.BOOSTER, date(2022, 3, 1)),
    ]
    assert doses[0].product == "Pfizer" and doses[0].batch == "B1"

    again = run(path)
    assert (again.created, again.unchanged, again.rejected, again.conflicts) == (0, 3, 0, 0)
    assert Vaccination.objects.count() == 3


@pytest.mark.parametrize("padding", [" ", "\u00a0", "\u00a0 ", "\t"])
def test_a_nik_with_trailing_or_non_breaking_space_is_matched_after_trimming(
    person, dose_file, padding
):
    result = run(dose_file([row(person, "1", "01-07-2021", NIK=person.nik + padding)]))
    assert result.created == 1 and result.rejected == 0
    assert Vaccination.objects.get().resident == person


def test_a_second_dose_without_a_first_is_a_row_error(person, dose_file):
    result = run(dose_file([row(person, "2", "05-08-2021")]))
    assert result.created == 0 and result.rejected == 1
    assert "tanpa Dosis 1" in reasons(result)[0]
    assert result.report[0]["line"] == 2
    assert not Vaccination.objects.exists()


def test_a_second_dose_dated_before_the_first_is_a_row_error(person, dose_file):
    result = run(dose_file([row(person, "1", "01-07-2021"), row(person, "2", "01-06-2021")]))
    assert result.created == 1 and result.rejected == 1
    assert "sebelum Dosis 1" in reasons(result)[0]
    assert Vaccination.objects.get().dose == Dose.FIRST


def test_doses_a_day_apart_are_a_row_error(person, dose_file):
    result = run(dose_file([row(person, "1", "01-07-2021"), row(person, "2", "02-07-2021")]))
    assert result.rejected == 1
    assert "1 hari sesudah Dosis 1" in reasons(result)[0]


def test_a_dose_in_the_future_or_before_birth_is_a_row_error(person, dose_file):
    result = run(
        dose_file([row(person, "1", "01-01-2030"), row(person, "1", "01-01-1980", NIK=person.nik)])
    )
    assert result.rejected == 2
    assert any("masa depan" in reason for reason in reasons(result))
    assert any("sebelum tanggal lahir" in reason for reason in reasons(result))
    assert not Vaccination.objects.exists()


def test_a_dose_for_a_resident_recorded_as_deceased_is_a_row_error(person, dose_file):
    person.status = ResidentStatus.DECEASED
    person.save()
    result = run(dose_file([row(person, "1", "01-07-2021")]))
    assert result.rejected == 1 and "meninggal" in reasons(result)[0]


def test_a_nik_not_in_the_register_is_reported_masked(person, dose_file):
    result = run(dose_file([row(person, "1", "01-07-2021", NIK="3510019999999999")]))
    assert result.rejected == 1
    assert reasons(result) == ["NIK tidak ada di data penduduk."]
    assert result.report[0]["nik"] != "3510019999999999"  # masked in the stored report


def test_unreadable_dose_and_date_name_their_column(person, dose_file):
    result = run(dose_file([row(person, "ketiga kali", "kemarin")]))
    assert result.rejected == 1
    assert "DOSIS" in reasons(result)[0] and "TANGGAL_VAKSIN" in reasons(result)[0]


def test_a_blank_product_is_stored_blank_never_defaulted(person, dose_file):
    result = run(dose_file([row(person, "1", "01-07-2021", JENIS_VAKSIN="")]))
    assert result.created == 1
    dose = Vaccination.objects.get()
    assert dose.product == ""
    assert dose.flags == ["Jenis vaksin kosong di berkas."]


def test_the_same_first_dose_one_day_off_is_a_conflict_not_another_first_dose(person, dose_file):
    run(dose_file([row(person, "1", "01-07-2021")], name="a.csv"))
    result = run(dose_file([row(person, "1", "02-07-2021")], name="b.csv"))
    assert (result.created, result.conflicts) == (0, 1)
    assert "sudah tercatat tanggal 2021-07-01" in reasons(result, "conflict")[0]
    assert Vaccination.objects.filter(dose=Dose.FIRST).count() == 1
    assert Vaccination.objects.get().given_on == date(2021, 7, 1)


def test_the_same_first_dose_twice_in_one_file_one_day_apart_is_a_conflict(person, dose_file):
    result = run(dose_file([row(person, "1", "01-07-2021"), row(person, "1", "02-07-2021")]))
    assert (result.created, result.conflicts) == (1, 1)


def test_a_birth_date_that_disagrees_with_the_register_is_matched_and_flagged(person, dose_file):
    result = run(dose_file([row(person, "1", "01-07-2021", TANGGAL_LAHIR="16-06-1985")]))
    assert result.created == 1 and result.flagged == 1
    flags = Vaccination.objects.get().flags
    assert flags == ["Tanggal lahir di berkas 1985-06-16 berbeda dengan data penduduk 1985-06-15."]
    assert reasons(result, "flag") == flags


def test_a_second_dose_listed_above_its_first_is_accepted_across_chunks(
    person, make_resident, village, dose_file
):
    other = make_resident(village, full_name="KARTINI")
    rows = [row(person, "2", "05-08-2021"), row(other, "1", "01-07-2021"),
            row(other, "2", "01-08-2021"), row(person, "1", "01-07-2021")]  # fmt: skip
    result = VaccinationImport.objects.create(file_name="x", file_sha256="x", source="csv")
    with open_table(dose_file(rows)) as table:
        import_doses(table_rows(table), run=result, chunk_size=1, today=TODAY)
    assert (result.created, result.rejected) == (4, 0)


def test_a_file_without_a_required_column_is_refused_naming_it(person, dose_file):
    path = dose_file([{"NIK": person.nik}], columns=("NIK", "NAMA"))
    with pytest.raises(ImportFileError, match="DOSIS, TANGGAL_VAKSIN"):
        run(path)
    assert not Vaccination.objects.exists()


def test_progress_is_reported(person, dose_file):
    calls = []
    run(
        dose_file([row(person, "1", "01-07-2021")]),
        progress=lambda done, total=None, message="": calls.append((done, total)),
    )
    assert calls[-1] == (1, 1)


# --------------------------------------------------------------------------- FHIR


def test_a_fhir_bundle_is_imported_with_the_dose_from_protocol_applied(person, fhir_file):
    document = bundle(
        immunization(person.nik, 1, "2021-07-01T09:00:00+07:00", lotNumber="LOT-7",
                     location={"display": "Puskesmas Pesanggaran"}),
        immunization(person.nik, 2, "2021-08-05", product="Pfizer"),
        {"resourceType": "Patient", "id": "x"},
    )  # fmt: skip
    result = run(fhir_file(document))
    assert (result.source, result.created, result.rejected) == ("fhir", 2, 0)
    first = Vaccination.objects.get(dose=1)
    assert (first.given_on, first.batch, first.facility, first.product) == (
        date(2021, 7, 1), "LOT-7", "Puskesmas Pesanggaran", "CoronaVac",
    )  # fmt: skip


def test_a_single_immunization_resource_is_accepted(person, fhir_file):
    result = run(fhir_file(immunization(person.nik, 1, "2021-07-01")))
    assert result.created == 1


def test_an_immunization_with_subject_instead_of_patient_is_refused_naming_the_field(
    person, fhir_file
):
    document = bundle(
        immunization(person.nik, 1, "2021-07-01"),
        immunization(person.nik, 2, "2021-08-05", patient_key="subject"),
    )
    with pytest.raises(ImportFileError) as refused:
        run(fhir_file(document))
    message = str(refused.value)
    assert "Entri 2" in message and "'subject'" in message and "'patient'" in message
    assert not Vaccination.objects.exists()


def test_a_patient_reference_is_resolved_to_the_nik_of_the_bundled_patient(person, fhir_file):
    shot = immunization(person.nik, 1, "2021-07-01")
    shot["patient"] = {"reference": "urn:uuid:p1"}
    document = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:p1", "resource": {
                "resourceType": "Patient", "birthDate": "1985-06-20",
                "identifier": [{"system": NIK_SYSTEM, "value": person.nik}]}},
            {"resource": shot, "request": {"method": "POST", "url": "Immunization"}},
        ],
    }  # fmt: skip
    result = run(fhir_file(document))
    assert result.created == 1 and result.flagged == 1  # the bundled birth date disagrees


def test_a_file_that_is_not_json_is_refused(fhir_file, tmp_path):
    path = tmp_path / "rusak.json"
    path.write_text("{bukan json", encoding="utf-8")
    with pytest.raises(ImportFileError, match="JSON"):
        run(path)


def test_doses_export_as_a_valid_fhir_bundle_that_imports_back_unchanged(
    person, dose_file, fhir_file
):
    run(
        dose_file([row(person, "1", "01-07-2021", JENIS_VAKSIN=""), row(person, "2", "05-08-2021")])
    )
    text = "".join(fhir_bundle_chunks(Vaccination.objects.all()))
    document = json.loads(text)
    Bundle.model_validate({k: v for k, v in document.items() if k != "resourceType"})
    resources = [entry["resource"] for entry in document["entry"]]
    assert resources[0]["patient"]["identifier"] == {"system": NIK_SYSTEM, "value": person.nik}
    assert resources[0]["protocolApplied"] == [{"doseNumberPositiveInt": 1}]
    # A blank product is exported as unknown, not as some brand.
    assert resources[0]["vaccineCode"]["coding"][0]["code"] == "unknown"

    again = run(fhir_file(document))
    assert (again.created, again.unchanged, again.rejected) == (0, 2, 0)


def test_an_immunization_not_completed_is_a_row_error(person, fhir_file):
    result = run(fhir_file(bundle(immunization(person.nik, 1, "2021-07-01"),
                                  {**immunization(person.nik, 2, "2021-08-05"),
                                   "status": "not-done"})))  # fmt: skip
    assert (result.created, result.rejected) == (1, 1)
    assert "not-done" in reasons(result)[0]
    assert result.report[0]["line"] == 2


def test_an_occurrence_with_an_offset_counts_on_the_regencys_calendar(person, fhir_file):
    run(fhir_file(immunization(person.nik, 1, "2021-06-30T20:00:00+00:00")))
    assert Vaccination.objects.get().given_on == date(2021, 7, 1)  # 03:00 WIB


def test_short_and_long_rows_read_as_blank_or_ignored_cells(person, tmp_path):
    path = tmp_path / "pendek.csv"
    path.write_text(
        f"NIK,DOSIS,TANGGAL_VAKSIN,JENIS_VAKSIN\n{person.nik},1,01-07-2021\n"
        f"{person.nik},2,05-08-2021,Pfizer,lebih,lebih\n",
        encoding="utf-8",
    )
    result = run(path)
    assert (result.created, result.rejected) == (2, 0)
    assert [dose.product for dose in Vaccination.objects.order_by("dose")] == ["", "Pfizer"]
