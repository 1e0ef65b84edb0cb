import pytest
from django.core.exceptions import ValidationError

from documents.placeholders import (
    FormRows,
    Paragraph,
    Row,
    apply_filter,
    fill,
    parse_body,
    placeholders_in,
    unknown_placeholders,
    validate_body,
)


def test_an_unknown_placeholder_is_refused_with_its_name():
    with pytest.raises(ValidationError) as caught:
        validate_body("Nama ibu | {nama_ibu_kandung}\n\nNama | {nama}")

    message = " ".join(caught.value.messages)
    assert "{nama_ibu_kandung}" in message
    assert caught.value.error_list[0].code == "unknown_placeholder"


def test_every_unknown_placeholder_is_named_once_in_order():
    body = "{ayah} {nama} {ibu} {ayah}"

    assert unknown_placeholders(body) == ["{ayah}", "{ibu}"]


def test_all_standard_placeholders_are_accepted():
    body = (
        "{nama} {nik} {tempat_lahir} {tanggal_lahir} {jenis_kelamin} {agama} {pekerjaan} "
        "{alamat} {rt} {rw} {desa} {kecamatan} {no_kk} {status_perkawinan} {keperluan}"
    )

    validate_body(body)


def test_form_placeholders_are_accepted_when_well_formed():
    validate_body("Usaha | {form.nama_usaha}\nOmzet | {form.omzet|rupiah}")

    assert unknown_placeholders("{form.Nama-Usaha}") == ["{form.Nama-Usaha}"]


def test_form_placeholders_are_checked_against_the_form_when_it_is_known():
    body = "{form.nama_usaha} {form.alamat_usaha}"

    assert unknown_placeholders(body, form_keys=["nama_usaha"]) == ["{form.alamat_usaha}"]


def test_an_unknown_filter_is_refused():
    assert unknown_placeholders("{form.omzet|dollar}") == ["{form.omzet|dollar}"]


def test_a_stray_brace_is_refused_with_its_line():
    with pytest.raises(ValidationError) as caught:
        validate_body("Baris satu\nNama {nama")

    assert caught.value.error_list[0].code == "stray_brace"
    assert caught.value.error_list[0].params["line"] == 2


def test_doubled_braces_print_literal_braces():
    assert fill("{{contoh}} {nama}", {"nama": "ANI"}, {}) == "{contoh} ANI"
    validate_body("{{contoh}}")


def test_an_empty_body_is_refused():
    with pytest.raises(ValidationError):
        validate_body("   \n ")


def test_body_is_split_into_paragraphs_rows_and_form_rows():
    body = "Kalimat satu\nlanjutan.\n\nNama | {nama}\n{data_permohonan}\nPenutup."

    assert parse_body(body) == [
        Paragraph("Kalimat satu lanjutan."),
        Row("Nama", "{nama}"),
        FormRows(),
        Paragraph("Penutup."),
    ]


def test_a_filter_bar_inside_a_placeholder_does_not_make_a_row():
    assert parse_body("Penghasilan {form.gaji|rupiah} per bulan") == [
        Paragraph("Penghasilan {form.gaji|rupiah} per bulan")
    ]


def test_missing_values_print_as_a_dash():
    assert fill("{nama} / {form.tujuan}", {}, {}) == "- / -"


def test_amounts_print_in_rupiah_and_in_indonesian_words():
    assert apply_filter("1500000", "rupiah") == "Rp1.500.000"
    assert apply_filter("Rp1.500.000", "terbilang") == "satu juta lima ratus ribu"
    assert apply_filter("tidak tentu", "terbilang") == "tidak tentu"


def test_placeholders_are_listed_with_their_filters():
    found = placeholders_in("{nama} {form.gaji|terbilang}")

    assert [item.text for item in found] == ["{nama}", "{form.gaji|terbilang}"]


def test_an_address_that_names_its_hamlet_does_not_repeat_it(resident_in_village):
    from documents.content import subject_values

    resident_in_village.address = "DUSUN SUMBERJO"
    resident_in_village.hamlet = "SUMBERJO"
    resident_in_village.rt, resident_in_village.rw = "002", "003"

    address = subject_values(resident_in_village)["alamat"]

    assert address.count("SUMBERJO") == 1
    assert address.startswith("DUSUN SUMBERJO, RT 002/RW 003, Desa")
