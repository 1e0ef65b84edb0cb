"""Tests for people.nik. Every NIK and No. KK here is synthetic (serials 99xx), never a person's."""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from people.nik import (
    NO_NIK_VALUES,
    WARNING_NUMERIC_CELL,
    WARNING_TRAILING_ZERO,
    InvalidIdentifier,
    InvalidKk,
    InvalidNik,
    NikInfo,
    NormalisedId,
    check_against_record,
    is_missing_nik,
    mask_nik,
    normalise_identifier,
    parse_kk,
    parse_nik,
)

TODAY = date(2026, 12, 4)
FEMALE_1989 = "3510154203899902"  # female, born 1989-03-02, Banyuwangi, district 351015
MALE_1985 = "3510151708859901"  # male, born 1985-08-17


def nik_error(value: object, **kwargs: object) -> InvalidNik:
    with pytest.raises(InvalidNik) as caught:
        parse_nik(value, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return caught.value


def kk_error(value: object) -> InvalidKk:
    with pytest.raises(InvalidKk) as caught:
        parse_kk(value)  # type: ignore[arg-type]
    return caught.value


# --------------------------------------------------------------------------- parse_nik: happy path


def test_parses_every_part_of_a_female_nik():
    assert parse_nik(FEMALE_1989, today=TODAY) == NikInfo(
        nik=FEMALE_1989,
        province_code="35",
        regency_code="3510",
        district_code="351015",
        birth_date=date(1989, 3, 2),
        sex="P",
        serial="9902",
        warnings=(),
    )


def test_parses_a_male_nik():
    info = parse_nik(MALE_1985, today=TODAY)
    assert (info.sex, info.birth_date, info.serial) == ("L", date(1985, 8, 17), "9901")


def test_nik_info_is_frozen():
    info = parse_nik(MALE_1985, today=TODAY)
    with pytest.raises(AttributeError):
        info.sex = "P"  # type: ignore[misc]


def test_parses_without_an_explicit_today():
    assert parse_nik(FEMALE_1989).birth_date == date(1989, 3, 2)


@pytest.mark.parametrize(
    ("nik", "sex", "day"),
    [
        ("3510150101909901", "L", 1),
        ("3510153101909901", "L", 31),
        ("3510154101909901", "P", 1),
        ("3510157101909901", "P", 31),
    ],
)
def test_accepts_the_edges_of_the_male_and_female_day_ranges(nik, sex, day):
    info = parse_nik(nik, today=TODAY)
    assert (info.sex, info.birth_date.day) == (sex, day)


# --------------------------------------------------------------------------- spreadsheet input


@pytest.mark.parametrize(
    "value", ["3.51001E+15", "3,51015E+15", "3.51015e15", "3.51015E15", "'3.51015E+15", "3E+15"]
)
def test_rejects_scientific_notation_in_any_spelling(value):
    error = nik_error(value)
    assert error.code == "excel_scientific"
    assert "Text" in error.message


def test_scientific_notation_message_quotes_the_value_and_says_what_to_do():
    message = str(nik_error("3.51001E+15"))
    assert "3.51001E+15" in message
    assert "Format the NIK column as Text" in message


def test_accepts_a_leading_apostrophe():
    assert parse_nik("'" + FEMALE_1989, today=TODAY).nik == FEMALE_1989


def test_removes_only_one_leading_apostrophe():
    assert nik_error("''" + FEMALE_1989).code == "non_digit"


def test_strips_surrounding_whitespace():
    assert parse_nik(f"  {FEMALE_1989}\t\n", today=TODAY).nik == FEMALE_1989


def test_accepts_spaces_between_groups():
    assert parse_nik("3510 1571 1290 9903", today=TODAY).nik == "3510157112909903"


def test_accepts_dots_between_groups():
    assert parse_nik("35.1015.170885.9901", today=TODAY).nik == MALE_1985


def test_accepts_hyphens_between_groups():
    assert parse_nik("35-10-15-170885-9901", today=TODAY).nik == MALE_1985


def test_accepts_unicode_dashes_and_dots_between_groups():
    assert parse_nik("3510\u20131517\u2013088599\u00b701", today=TODAY).nik == MALE_1985


def test_accepts_a_non_breaking_space_between_groups():
    assert parse_nik("3510\u00a01517\u00a008859901", today=TODAY).nik == MALE_1985


@pytest.mark.parametrize("suffix", [".0", ".00"])
def test_accepts_a_trailing_float_zero_with_a_warning(suffix):
    info = parse_nik("3510151010109905" + suffix, today=TODAY)
    assert info.nik == "3510151010109905"
    assert info.warnings == (WARNING_TRAILING_ZERO,)
    assert "Text" in info.warnings[0]


def test_refuses_fifteen_digits_with_a_trailing_float_zero_and_never_pads_them():
    error = nik_error("351015101010990.0")
    assert error.code == "length"
    assert error.params == {"length": 15}


def test_normalise_keeps_fifteen_digits_plus_float_zero_at_fifteen():
    assert normalise_identifier("351015101010990.0").value == "351015101010990"


def test_a_clean_nik_has_no_warnings():
    assert parse_nik(FEMALE_1989, today=TODAY).warnings == ()


@pytest.mark.parametrize("value", [3510151708859901, 3510151708859900, 35101517088599010])
def test_refuses_a_sixteen_digit_int_because_excel_may_have_zeroed_digits(value):
    assert nik_error(value).code == "excel_zeroed"


@pytest.mark.parametrize("value", [3510151708859901.0, 3510151708859900.0, 3.51015e15])
def test_refuses_a_sixteen_digit_float_because_excel_keeps_fifteen_digits(value):
    error = nik_error(value)
    assert error.code == "excel_zeroed"
    assert "Text" in error.message


def test_excel_zeroed_message_does_not_contain_the_full_nik():
    error = nik_error(3510151708859901)
    assert "3510151708859901" not in error.message
    assert error.params == {"masked": "3510********9901"}


def test_a_short_number_cell_is_refused_for_length_with_a_warning_from_normalise():
    assert normalise_identifier(351015101010990.0) == NormalisedId(
        "351015101010990", (WARNING_NUMERIC_CELL,)
    )
    assert nik_error(351015101010990.0).code == "length"


def test_refuses_a_fractional_float():
    assert nik_error(3.5).code == "non_digit"


def test_refuses_a_negative_number():
    assert nik_error(-3510151708859901).code == "non_digit"


def test_refuses_a_bool_as_a_programming_error():
    with pytest.raises(TypeError):
        parse_nik(True)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", ["35101A1708859901", "NIK 3510151708859901", "belum punya", "3510151708859901x"]
)
def test_refuses_letters_anywhere(value):
    error = nik_error(value)
    assert error.code == "letters"
    assert "digits only" in error.message


@pytest.mark.parametrize(
    ("value", "char"),
    [("3510/151708859901", "/"), ("3510,151708859901", ","), ("3510_151708859901", "_")],
)
def test_refuses_characters_other_than_the_separators(value, char):
    error = nik_error(value)
    assert (error.code, error.params) == ("non_digit", {"char": char})


def test_refuses_a_comma_decimal_trailing_zero():
    assert nik_error("3510151010109905,0").code == "non_digit"


def test_refuses_non_ascii_digits():
    assert nik_error("\u0663" * 16).code == "non_digit"


def test_normalise_identifier_raises_the_shared_base_error():
    with pytest.raises(InvalidIdentifier) as caught:
        normalise_identifier("3.51E+15")
    assert caught.value.code == "excel_scientific"
    assert not isinstance(caught.value, InvalidNik)


def test_errors_are_value_errors_with_code_params_and_message():
    error = nik_error("123")
    assert isinstance(error, ValueError)
    assert (error.code, error.params) == ("length", {"length": 3})
    assert (
        str(error)
        == error.message
        == ("NIK has 3 digits; it must have exactly 16. Check for a missing or extra digit.")
    )


def test_errors_survive_pickling_with_code_and_params():
    error = pickle.loads(pickle.dumps(nik_error("123")))
    assert isinstance(error, InvalidNik)
    assert (error.code, error.params, str(error)) == (
        "length",
        {"length": 3},
        nik_error("123").message,
    )


@pytest.mark.parametrize(("value", "expected"), [(None, ""), ("", ""), ("   ", ""), ("-", "")])
def test_normalise_gives_empty_digits_for_empty_cells(value, expected):
    assert normalise_identifier(value) == NormalisedId(expected, ())


# --------------------------------------------------------------------------- missing NIK


@pytest.mark.parametrize(
    "value",
    [None, "", "  ", "0", 0, 0.0, "-", "0000000000000000", "000", "'0", float("nan")],
)
def test_recognises_values_that_mean_no_nik(value):
    assert is_missing_nik(value)


@pytest.mark.parametrize("value", sorted(NO_NIK_VALUES))
def test_every_listed_no_nik_value_is_missing(value):
    assert is_missing_nik(value)


@pytest.mark.parametrize("value", [FEMALE_1989, "3.51E+15", "tidak ada", "1", 5])
def test_a_real_or_broken_nik_is_not_missing(value):
    assert not is_missing_nik(value)


@pytest.mark.parametrize("value", [None, "", "0", "-", "0000000000000000"])
def test_parse_nik_refuses_no_nik_values_as_missing(value):
    assert nik_error(value).code == "missing"


# --------------------------------------------------------------------------- invalid NIKs


@pytest.mark.parametrize(
    ("value", "length"), [("351015420389990", 15), ("35101542038999021", 17), ("3510", 4)]
)
def test_rejects_nik_with_wrong_length(value, length):
    error = nik_error(value)
    assert (error.code, error.params) == ("length", {"length": length})
    assert f"has {length} digits" in error.message


@pytest.mark.parametrize("value", ["9910151708859901", "2010151708859901", "1010151708859901"])
def test_rejects_nik_with_unknown_province(value):
    error = nik_error(value)
    assert (error.code, error.params) == ("unknown_province", {"province": value[:2]})


def test_rejects_nik_with_serial_0000():
    assert nik_error("3510151708850000").code == "serial_zero"


def test_rejects_nik_without_29_february_in_1991():
    error = nik_error("3510152902919908")
    assert error.code == "impossible_date"
    assert error.params["reason"] == "no_such_date"


def test_rejects_nik_with_day_72():
    error = nik_error("3510157212909904")
    assert error.code == "impossible_date"
    assert error.params["day_field"] == "72"
    assert "41-71 for women" in error.message


@pytest.mark.parametrize("day_field", ["00", "32", "35", "40", "72", "99"])
def test_rejects_nik_with_day_field_outside_both_ranges(day_field):
    error = nik_error(f"351015{day_field}01909901")
    assert (error.code, error.params["reason"]) == ("impossible_date", "day_field")


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_rejects_nik_with_month_outside_1_to_12(month):
    error = nik_error(f"35101501{month}909901")
    assert (error.code, error.params["reason"]) == ("impossible_date", "month")


@pytest.mark.parametrize("nik", ["3510153104909901", "3510157104909901", "3510153002909901"])
def test_rejects_nik_with_a_day_the_month_does_not_have(nik):
    assert nik_error(nik).params["reason"] == "no_such_date"


# --------------------------------------------------------------------------- century resolution


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        ("3510150111269901", date(2026, 11, 1)),  # not after today: 2026
        ("3510150412269901", date(2026, 12, 4)),  # today itself: 2026
        ("3510150512269901", date(1926, 12, 5)),  # tomorrow would be future: 1926
        ("3510153112269901", date(1926, 12, 31)),  # 2026-12-31 is after today: 1926
        ("3510150101279901", date(1927, 1, 1)),  # 2027 is future: 1927
        ("3510150101009901", date(2000, 1, 1)),
        ("3510150101999901", date(1999, 1, 1)),
    ],
)
def test_resolves_the_century_against_today(nik, expected):
    assert parse_nik(nik, today=TODAY).birth_date == expected


def test_29_february_of_year_00_resolves_to_2000():
    assert parse_nik("3510152902009909", today=TODAY).birth_date == date(2000, 2, 29)


def test_29_february_of_year_00_is_valid_with_recorded_birth_in_2000():
    info = parse_nik("3510152902009909", today=TODAY, birth_date=date(2000, 2, 29))
    assert info.birth_date == date(2000, 2, 29)


def test_29_february_of_year_00_is_impossible_before_it_happened():
    with pytest.raises(InvalidNik) as caught:
        parse_nik("3510152902009909", today=date(1999, 12, 31))
    assert caught.value.params["reason"] == "no_such_date"


def test_recorded_birth_date_decides_the_century_for_people_over_100():
    info = parse_nik("3510150105259901", today=TODAY, birth_date=date(1925, 5, 1))
    assert info.birth_date == date(1925, 5, 1)


def test_without_a_recorded_birth_date_the_same_nik_resolves_to_this_century():
    assert parse_nik("3510150105259901", today=TODAY).birth_date == date(2025, 5, 1)


def test_recorded_birth_date_with_other_year_digits_does_not_change_the_century():
    info = parse_nik("3510150105259901", today=TODAY, birth_date=date(1931, 5, 1))
    assert info.birth_date == date(2025, 5, 1)


def test_recorded_birth_date_in_the_future_is_not_trusted_for_the_century():
    info = parse_nik("3510150101269901", today=date(2026, 6, 1), birth_date=date(2026, 1, 1))
    assert info.birth_date == date(2026, 1, 1)
    info = parse_nik("3510150107269901", today=date(2026, 6, 1), birth_date=date(2026, 7, 1))
    assert info.birth_date == date(1926, 7, 1)


def test_recorded_1900_does_not_make_29_february_00_impossible():
    info = parse_nik("3510152902009909", today=TODAY, birth_date=date(1900, 2, 28))
    assert info.birth_date == date(2000, 2, 29)


# --------------------------------------------------------------------------- check_against_record


def test_no_warnings_when_the_record_agrees_with_the_nik():
    info = parse_nik(FEMALE_1989, today=TODAY)
    assert check_against_record(info, sex="P", birth_date=date(1989, 3, 2)) == []


def test_warns_about_sex_when_the_record_says_male_for_a_female_nik():
    info = parse_nik(FEMALE_1989, today=TODAY)
    warnings = check_against_record(info, sex="L", birth_date=date(1989, 3, 2))
    assert len(warnings) == 1
    assert warnings[0].startswith("sex:")
    assert "P (female)" in warnings[0] and "L (male)" in warnings[0]


def test_warns_about_birth_date_naming_both_dates():
    info = parse_nik(FEMALE_1989, today=TODAY)
    warnings = check_against_record(info, sex="P", birth_date=date(1989, 3, 12))
    assert len(warnings) == 1
    assert warnings[0].startswith("birth date:")
    assert "1989-03-02" in warnings[0] and "1989-03-12" in warnings[0]


def test_warns_about_both_fields_when_both_disagree():
    info = parse_nik(FEMALE_1989, today=TODAY)
    assert len(check_against_record(info, sex="L", birth_date=date(1990, 3, 2))) == 2


def test_skips_fields_that_are_not_recorded():
    info = parse_nik(FEMALE_1989, today=TODAY)
    assert check_against_record(info, sex=None, birth_date=None) == []
    assert check_against_record(info, sex="", birth_date=None) == []


@pytest.mark.parametrize("sex", ["p", " P ", "PEREMPUAN", "Perempuan"])
def test_accepts_common_spellings_of_the_recorded_sex(sex):
    info = parse_nik(FEMALE_1989, today=TODAY)
    assert check_against_record(info, sex=sex, birth_date=None) == []


def test_warns_about_an_unknown_recorded_sex_value():
    info = parse_nik(FEMALE_1989, today=TODAY)
    warnings = check_against_record(info, sex="X", birth_date=None)
    assert warnings == [
        "sex: the NIK encodes P (female) but the record says 'X'; check the KTP and correct "
        "whichever is wrong."
    ]


def test_a_birth_date_a_century_apart_is_not_a_disagreement():
    info = parse_nik("3510150105259901", today=TODAY)  # resolved to 2025
    assert check_against_record(info, sex="L", birth_date=date(1925, 5, 1)) == []


# --------------------------------------------------------------------------- parse_kk


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3510150101109901", "3510150101109901"),
        ("'3510150101109901", "3510150101109901"),
        ("3510.1501.0110.9901", "3510150101109901"),
        ("3510152902009902", "3510152902009902"),  # 29-02-2000 issue date
    ],
)
def test_accepts_a_valid_family_card_number(value, expected):
    assert parse_kk(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("351015010110990", "length"),
        ("9910150101109901", "unknown_province"),
        ("0000000000000000", "missing"),
        ("", "missing"),
        ("3510150101100000", "serial_zero"),
        ("3510153202109901", "impossible_date"),  # day 32
        ("3510154102109901", "impossible_date"),  # no +40 rule on a KK
        ("3510150113109901", "impossible_date"),  # month 13
        ("3510152902109901", "impossible_date"),  # no 29-02-2010 or 29-02-1910
        ("3.51015E+15", "excel_scientific"),
        (3510150101109901, "excel_zeroed"),
        ("KK3510150101109901", "letters"),
    ],
)
def test_rejects_an_invalid_family_card_number(value, code):
    assert kk_error(value).code == code


def test_family_card_errors_name_the_family_card():
    error = kk_error("3510153202109901")
    assert error.message.startswith("No. KK")
    assert not isinstance(error, InvalidNik)


# --------------------------------------------------------------------------- mask_nik


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3510150101100001", "3510********0001"),
        ("'3510 1501 0110 0001", "3510********0001"),
        (3510150101100001, "3510********0001"),
        (3510150101100001.0, "3510********0001"),
        (None, ""),
        ("", ""),
        ("3510", "****"),
        ("35101501011", "***********"),
        (float("nan"), ""),
    ],
)
def test_masks_all_but_the_first_and_last_four_digits(value, expected):
    assert mask_nik(value) == expected


def test_nik_info_offers_the_masked_nik():
    assert parse_nik(FEMALE_1989, today=TODAY).masked == "3510********9902"


# --------------------------------------------------------------------------- properties


def build_nik(district: str, born: date, sex: str, serial: int) -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{district}{day:02d}{born:%m%y}{serial:04d}"


EARLIEST_UNAMBIGUOUS = TODAY.replace(year=TODAY.year - 100) + timedelta(days=1)
districts = st.sampled_from(["351015", "351001", "317101", "110101", "940101"])
births = st.dates(min_value=EARLIEST_UNAMBIGUOUS, max_value=TODAY)
sexes = st.sampled_from(["L", "P"])
serials = st.integers(min_value=1, max_value=9999)


@given(district=districts, born=births, sex=sexes, serial=serials)
def test_building_a_nik_and_parsing_it_round_trips(district, born, sex, serial):
    nik = build_nik(district, born, sex, serial)
    info = parse_nik(nik, today=TODAY)
    assert info == NikInfo(nik, nik[:2], nik[:4], district, born, sex, f"{serial:04d}", ())


@given(
    district=districts,
    born=births,
    sex=sexes,
    serial=serials,
    separators=st.lists(st.sampled_from(["", " ", ".", "-"]), min_size=15, max_size=15),
)
def test_separators_between_any_digits_do_not_change_the_result(
    district, born, sex, serial, separators
):
    nik = build_nik(district, born, sex, serial)
    spaced = "".join(digit + sep for digit, sep in zip(nik, [*separators, ""], strict=True))
    assert parse_nik(spaced, today=TODAY) == parse_nik(nik, today=TODAY)
