from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from documents import numbering, services
from documents.models import DocumentType, IssuedDocument, IssuerLevel, NumberingSeries

from .conftest import ISSUED_AT


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "I"), (4, "IV"), (9, "IX"), (11, "XI"), (12, "XII"), (2026, "MMXXVI")],
)
def test_months_are_written_in_roman_numerals(number, expected):
    assert numbering.roman(number) == expected


def test_the_default_format_gives_the_regional_style_number():
    number = numbering.format_number(
        numbering.DEFAULT_FORMAT,
        classification="470",
        sequence=12,
        office_code="35.10.01.2001",
        moment=datetime(2026, 4, 15, 3, 0, tzinfo=UTC),
    )

    assert number == "470/0012/35.10.01.2001/IV/2026"


def test_month_and_year_come_from_the_regency_time_zone_not_utc():
    # 20:00 UTC on 31 March is 03:00 on 1 April in WIB; New Year's Eve likewise.
    april = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)
    new_year = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)

    assert (
        numbering.format_number(
            "{month_roman}/{year}/{sequence}",
            classification="",
            sequence=1,
            office_code="",
            moment=april,
        )
        == "IV/2026/1"
    )
    assert numbering.local_time(new_year).year == 2027


def test_a_format_with_an_unknown_field_is_refused():
    with pytest.raises(ValidationError) as caught:
        numbering.validate_format("{classification}/{sequence}/{kode_desa}")

    assert "{kode_desa}" in " ".join(caught.value.messages)


def test_a_format_without_the_sequence_is_refused():
    with pytest.raises(ValidationError):
        numbering.validate_format("{classification}/{office_code}/{year}")


def test_a_format_with_a_broken_spec_is_refused():
    with pytest.raises(ValidationError):
        numbering.validate_format("{sequence:04q}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_locking_a_series_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        numbering.lock_series(office_code="35.10.01.2001", series_key="x", year=2026)


def test_numbers_follow_each_other_within_a_series(issue, resident_in_village):
    numbers = [issue(resident_in_village).number for _ in range(3)]

    assert numbers == [
        "470/0001/35.10.01.2001/IV/2026",
        "470/0002/35.10.01.2001/IV/2026",
        "470/0003/35.10.01.2001/IV/2026",
    ]


def test_the_series_restarts_every_year_in_wib(issue, resident_in_village):
    december = issue(resident_in_village, issued_at=datetime(2026, 12, 31, 16, 0, tzinfo=UTC))
    # 18:00 UTC on 31 December is already 1 January 2027 in Banyuwangi.
    january = issue(resident_in_village, issued_at=datetime(2026, 12, 31, 18, 0, tzinfo=UTC))
    later = issue(resident_in_village, issued_at=datetime(2027, 2, 1, 2, 0, tzinfo=UTC))

    assert december.number == "470/0001/35.10.01.2001/XII/2026"
    assert january.number == "470/0001/35.10.01.2001/I/2027"
    assert later.number == "470/0002/35.10.01.2001/II/2027"
    assert (january.year, january.sequence) == (2027, 1)


def test_each_office_has_its_own_series(issue, resident_in_village, neighbour_village):
    first = issue(resident_in_village)
    other = issue(
        resident_in_village, office_code=neighbour_village.code, office_name="Desa Pesanggaran"
    )

    assert first.sequence == other.sequence == 1
    assert other.number == "470/0001/35.10.01.2002/IV/2026"


def test_a_shared_series_spans_template_versions_and_official_letters(
    issue, resident_in_village, letter_type, regent, village
):
    official = DocumentType.objects.get(code="perintah-perjalanan-dinas")
    assert official.series_key == letter_type.series_key

    first = issue(resident_in_village)
    services.save_template(
        document_type=letter_type, body="Nama | {nama}\n\nUntuk {keperluan}.", created_by=regent
    )
    second = issue(resident_in_village)
    third = issue(
        None,
        document_type=official,
        context={"form": {"tujuan": "Kantor Kecamatan Pesanggaran", "lama": "1 hari"}},
    )

    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.template != second.template
    assert third.number == "094/0003/35.10.01.2001/IV/2026"

    # A number issued on paper is registered once; the next automatic one continues after it.
    external = services.register_external_number(
        office_code=village.code,
        series_key=letter_type.series_key,
        year=2026,
        sequence=4,
        document_type=letter_type,
        office_name="Desa Sarongan",
        issued_at=ISSUED_AT,
        subject_name="WARGA LUAR SISTEM",
        registered_by=regent,
    )
    with pytest.raises(services.NumberAlreadyUsed):
        services.register_external_number(
            office_code=village.code,
            series_key=letter_type.series_key,
            year=2026,
            sequence=4,
            document_type=letter_type,
            issued_at=ISSUED_AT,
        )
    fifth = issue(resident_in_village)

    assert external.number == "470/0004/35.10.01.2001/IV/2026"
    assert external.is_external and not external.pdf and external.verification_token is None
    assert fifth.sequence == 5
    assert IssuedDocument.objects.filter(series=fifth.series).count() == 5


def test_an_external_number_cannot_take_a_position_already_issued(
    issue, resident_in_village, letter_type, village
):
    issued = issue(resident_in_village)

    with pytest.raises(services.NumberAlreadyUsed):
        services.register_external_number(
            office_code=village.code,
            series_key=letter_type.series_key,
            year=2026,
            sequence=issued.sequence,
            document_type=letter_type,
            issued_at=ISSUED_AT,
        )


def test_an_external_number_must_use_the_series_of_its_type(letter_type, village):
    with pytest.raises(ValueError):
        services.register_external_number(
            office_code=village.code,
            series_key="another-series",
            year=2026,
            sequence=1,
            document_type=letter_type,
            issued_at=ISSUED_AT,
        )


def test_a_failed_transaction_gives_its_number_back(issue, resident_in_village):
    first = issue(resident_in_village)
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(resident_in_village)
        raise RuntimeError("the approval failed after issuing")
    after = issue(resident_in_village)

    assert (first.sequence, after.sequence) == (1, 2)
    assert NumberingSeries.objects.get(pk=first.series_id).last_number == 2


def test_types_with_their_own_series_number_independently(db, issue, resident_in_village):
    birth = DocumentType.objects.get(code="akta-kelahiran")
    death = DocumentType.objects.get(code="akta-kematian")
    assert birth.numbering_series_key == "" and birth.series_key == "akta-kelahiran"

    births = [
        issue(resident_in_village, document_type=birth, office_code="dispendukcapil")
        for _ in range(2)
    ]
    death_record = issue(resident_in_village, document_type=death, office_code="dispendukcapil")

    assert [item.number for item in births] == [
        "474.1/0001/dispendukcapil/IV/2026",
        "474.1/0002/dispendukcapil/IV/2026",
    ]
    assert death_record.number == "474.3/0001/dispendukcapil/IV/2026"


def test_a_type_whose_own_series_would_repeat_numbers_is_refused(db):
    clash = DocumentType(
        code="surat-baru",
        name="Surat Baru",
        classification="474.1",
        numbering_series_key="",
        issuer_level=IssuerLevel.AGENCY,
    )

    with pytest.raises(ValidationError) as caught:
        clash.full_clean()

    assert "akta-kelahiran" in str(caught.value)


def test_a_number_repeated_by_a_bad_set_up_is_refused_without_using_a_number(
    issue, resident_in_village
):
    birth = DocumentType.objects.get(code="akta-kelahiran")
    # Saved past clean(): a second own-series type printing the same classification.
    twin = DocumentType.objects.create(
        code="akta-kelahiran-kembar",
        name="Akta Kembar",
        classification="474.1",
        issuer_level=IssuerLevel.AGENCY,
    )
    twin.templates.create(version=1, body="Nama | {nama}")
    issue(resident_in_village, document_type=birth, office_code="dispendukcapil")

    with pytest.raises(services.NumberingConflict):
        issue(resident_in_village, document_type=twin, office_code="dispendukcapil")

    # The whole issue rolled back, the twin's new series with it.
    assert not NumberingSeries.objects.filter(series_key="akta-kelahiran-kembar").exists()
    assert IssuedDocument.objects.count() == 1
