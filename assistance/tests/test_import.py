"""Importing beneficiary lists: matching, duplicates, flags, dry run, whole-file errors."""

from datetime import date

import pytest

from assistance.models import (
    BeneficiaryList,
    Flag,
    FlagKind,
    FlagStatus,
    ListStatus,
    Membership,
    MembershipStatus,
)
from assistance.services import AlreadyMember, add_member, decide_flag, import_list
from people.choices import Relationship, ResidentStatus, Sex
from people.importing.errors import ImportFileError

pytestmark = pytest.mark.django_db


def _outcomes(beneficiary_list):
    return {
        line.line: {"line": line.line, "outcome": line.outcome, "reasons": line.reasons}
        for line in beneficiary_list.report_lines.all()
    }


def test_honorific_name_matches_the_register_with_reasons(
    programmes, list_file, make_resident, village
):
    siti = make_resident(
        village, full_name="SITI AMINAH", sex=Sex.FEMALE, birth_date=date(1979, 4, 12)
    )
    path = list_file([["", "", "Hj. Siti Aminah", "12-04-1979", "", village.digits]])

    result = import_list(path, programme=programmes["PKH"], period="2026", dry_run=False)

    membership = Membership.objects.get()
    assert membership.resident == siti
    assert membership.match_method == "probabilistic"
    assert membership.match_score >= 0.95
    assert "name_exact" in membership.match_reasons
    assert "birth_date_exact" in membership.match_reasons
    assert "village_same" in membership.match_reasons
    assert _outcomes(result)[2]["outcome"] == "added"


def test_rows_without_any_nik_are_matched_by_name_and_date_or_reported_never_merged(
    programmes, list_file, make_resident, village
):
    make_resident(village, full_name="SUPARMAN", birth_date=date(1960, 1, 5))
    make_resident(village, full_name="SUPINAH", sex=Sex.FEMALE, birth_date=date(1962, 3, 8))
    path = list_file(
        [
            ["", "", "SUPARMAN", "05-01-1960", "", village.digits],
            ["-", "", "SUPINAH", "08-03-1962", "", village.digits],
            ["", "", "KASIMIN", "01-01-1950", "", village.digits],
            ["", "", "KASIMIN", "01-01-1950", "", village.digits],
        ]
    )

    result = import_list(path, programme=programmes["PBI-JKN"], period="2026", dry_run=False)

    outcomes = _outcomes(result)
    assert [outcomes[line]["outcome"] for line in (2, 3)] == ["added", "added"]
    assert outcomes[4]["outcome"] == outcomes[5]["outcome"] == "unmatched"
    assert Membership.objects.count() == 2
    assert len(set(Membership.objects.values_list("resident_id", flat=True))) == 2
    # The unmatched KASIMIN rows are reported, one flag per distinct row, never a person.
    flags = Flag.objects.filter(kind=FlagKind.NOT_IN_REGISTER)
    assert flags.count() == 1
    assert flags.get().resident is None


def test_duplicates_are_rejected_with_line_numbers_and_the_database_holds_one(
    programmes, list_file, make_resident, village, regent
):
    first = make_resident(village, full_name="ABDUL HAMID")
    second = make_resident(village, full_name="ZAINAL ABIDIN", birth_date=date(1990, 2, 2))
    programme = programmes["PBI-JKN"]
    add_member(programme=programme, period="2026", resident=first, actor=regent)
    path = list_file(
        [
            [first.nik, "", "ABDUL HAMID", "", "", village.digits],
            [second.nik, "", "ZAINAL ABIDIN", "", "", village.digits],
            [second.nik, "", "ZAINAL ABIDIN", "", "", village.digits],
        ]
    )

    result = import_list(path, programme=programme, period="2026", dry_run=False)

    outcomes = _outcomes(result)
    assert result.added == 1 and result.rejected == 2
    assert outcomes[2]["outcome"] == "rejected"
    assert "sudah terdaftar" in outcomes[2]["reasons"][0]
    assert outcomes[4]["outcome"] == "rejected"
    assert "baris 3" in outcomes[4]["reasons"][0]
    assert Membership.objects.filter(programme=programme).count() == 2
    duplicate = Flag.objects.get(kind=FlagKind.DUPLICATE_IN_LIST)
    assert duplicate.evidence == {"line": 4, "first_line": 3, "name": "ZAINAL ABIDIN"}
    assert duplicate.membership.resident == second
    decide_flag(duplicate, user=regent, decision=FlagStatus.CONFIRMED, reason="satu orang")
    assert duplicate.membership.status == MembershipStatus.ACTIVE  # the repeat was never added
    with pytest.raises(AlreadyMember):
        add_member(programme=programme, period="2026", resident=first, actor=regent)


def test_household_programme_holds_one_recipient_per_family_in_the_database(
    programmes, make_family, make_resident, village, regent
):
    family = make_family(village)
    head = make_resident(village, family=family, relationship=Relationship.HEAD)
    wife = make_resident(village, family=family, sex=Sex.FEMALE, relationship=Relationship.WIFE)
    add_member(programme=programmes["PKH"], period="2026", resident=head, actor=regent)
    with pytest.raises(AlreadyMember, match="per keluarga"):
        add_member(programme=programmes["PKH"], period="2026", resident=wife, actor=regent)
    # Another period is another round.
    add_member(programme=programmes["PKH"], period="2027", resident=wife, actor=regent)


def test_the_same_list_twice_adds_no_rows_and_no_flags(
    programmes, list_file, make_resident, village
):
    living = make_resident(village, full_name="SUKARDI")
    dead = make_resident(
        village, full_name="PAIMAN", birth_date=date(1940, 1, 1), status=ResidentStatus.DECEASED
    )
    rows = [
        [living.nik, "", "SUKARDI", "", "", village.digits],
        [dead.nik, "", "PAIMAN", "", "", village.digits],
        ["3510019901019999", "", "ORANG ASING", "", "", village.digits],
    ]
    path = list_file(rows)
    first = import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)
    counts = (Membership.objects.count(), Flag.objects.count())

    second = import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)

    assert first.added == 2 and second.added == 0
    assert (Membership.objects.count(), Flag.objects.count()) == counts
    assert Flag.objects.filter(kind=FlagKind.DECEASED, resident=dead).count() == 1
    assert Flag.objects.filter(kind=FlagKind.NOT_IN_REGISTER).count() == 1


def test_dry_run_writes_nothing_but_its_report(programmes, list_file, make_resident, village):
    person = make_resident(village, full_name="SUKARDI")
    path = list_file([[person.nik, "", "SUKARDI", "", "", village.digits]])

    result = import_list(path, programme=programmes["PIP"], period="2026", dry_run=True)

    assert result.status == ListStatus.DRY_RUN and result.added == 1
    assert not Membership.objects.exists()
    assert not Flag.objects.exists()


def test_flags_name_reason_and_evidence(
    programmes, list_file, make_resident, village, other_village
):
    moved = make_resident(village, full_name="RUSDI", status=ResidentStatus.MOVED_OUT)
    elsewhere = make_resident(other_village, full_name="LASMI", sex=Sex.FEMALE)
    path = list_file(
        [
            [moved.nik, "", "RUSDI", "", "", village.digits],
            [elsewhere.nik, "", "LASMI", "", "", village.digits],
            ["3509015501909001", "", "TAMU", "", "", village.digits],
        ]
    )

    import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)

    kinds = {flag.kind: flag for flag in Flag.objects.all()}
    assert set(kinds) == {FlagKind.MOVED_OUT, FlagKind.TWO_VILLAGES, FlagKind.OUTSIDE_REGENCY}
    assert kinds[FlagKind.TWO_VILLAGES].village == other_village
    assert kinds[FlagKind.OUTSIDE_REGENCY].evidence["line"] == 4
    assert all(flag.reason for flag in kinds.values())


def test_wrong_sheet_is_a_named_error_and_recorded(programmes, list_file, village):
    path = list_file([["", "", "SUKARDI", "", "", village.digits]], name="daftar.xlsx")

    with pytest.raises(ImportFileError, match="Sheet 'Data' tidak ada"):
        import_list(path, programme=programmes["PIP"], period="2026", sheet="Data")

    assert BeneficiaryList.objects.get().status == ListStatus.FAILED


def test_wrong_header_names_the_missing_columns(programmes, list_file, village):
    path = list_file([["SUKARDI", village.digits]], header=["NAMA", "KODE_DESA"])

    with pytest.raises(ImportFileError, match="Kolom wajib tidak ada: NIK"):
        import_list(path, programme=programmes["PIP"], period="2026")


def test_file_without_a_header_row_is_refused(programmes, list_file):
    path = list_file([["a", "b"]], header=["X", "Y"])

    with pytest.raises(ImportFileError, match="judul kolom tidak ditemukan"):
        import_list(path, programme=programmes["PIP"], period="2026")


def test_excel_list_with_village_names_and_indonesian_headers(
    programmes, list_file, make_resident, village
):
    person = make_resident(village, full_name="MUHAMMAD RIZKY", birth_date=date(2001, 7, 9))
    header = ["No", "Nama Penerima", "NIK KPM", "Tgl Lahir", "Desa/Kel", "Kecamatan"]
    path = list_file(
        [[1, "MOCH. RIZKY", "", "09/07/2001", village.name, village.parent.name]],
        name="bansos.xlsx",
        header=header,
    )

    result = import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)

    assert result.added == 1
    assert Membership.objects.get().resident == person
