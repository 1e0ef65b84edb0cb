"""The agencies file: loaded by migration, complete for the Mall, safe to load again."""

from agencies.loading import load_agencies, read_agency_rows
from agencies.models import Agency, AgencyKind


def test_the_migration_loaded_every_agency_of_the_file(db):
    codes = {row["code"] for row in read_agency_rows()}

    assert set(Agency.objects.filter(code__in=codes).values_list("code", flat=True)) == codes


def test_every_row_has_a_known_kind_and_a_name(db):
    for row in read_agency_rows():
        assert row["kind"] in AgencyKind.values, row["code"]
        assert row["name"].strip(), row["code"]


def test_regional_agencies_state_enterprises_and_ministries_are_all_present(db):
    kinds = dict(Agency.objects.values_list("code", "kind"))

    assert kinds["dukcapil"] == AgencyKind.REGIONAL
    assert kinds["dpmptsp"] == AgencyKind.REGIONAL
    assert kinds["bpjs-kesehatan"] == AgencyKind.STATE_ENTERPRISE
    assert kinds["pln"] == AgencyKind.STATE_ENTERPRISE
    assert kinds["imigrasi"] == AgencyKind.MINISTRY
    assert kinds["kemenag"] == AgencyKind.MINISTRY


def test_loading_again_keeps_an_administrators_edit(db):
    Agency.objects.filter(code="dinsos").update(name="Dinas Sosial, PPKB")

    result = load_agencies()

    assert result["created"] == 0
    assert Agency.objects.get(code="dinsos").name == "Dinas Sosial, PPKB"


def test_overwrite_resets_a_row_to_the_file(db):
    Agency.objects.filter(code="dinsos").update(name="Nama lama")

    result = load_agencies(overwrite=True)

    assert result["updated"] == 1
    assert Agency.objects.get(code="dinsos").name == "Dinas Sosial"
