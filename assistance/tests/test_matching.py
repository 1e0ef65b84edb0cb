"""The list matcher on plain records: NIK first, then name, birth date and village."""

from datetime import date

from assistance.matching import Person, Row, match_rows, read_nik

VILLAGE, OTHER = "1", "2"
REGISTER = [
    Person(1, "3510014204790001", "SITI AMINAH", date(1979, 4, 2), VILLAGE, 10),
    Person(2, "3510010101600002", "SUPARMAN", date(1960, 1, 1), VILLAGE, 11),
    Person(3, "3510010303010003", "HASAN", date(2001, 3, 3), VILLAGE, 12),
    Person(4, "3510010303010004", "HASAN", date(2001, 3, 3), VILLAGE, 12),
    Person(5, "3510011512750005", "MUHAMMAD ABDUL ROZAK", date(1975, 12, 15), OTHER, 13),
]
BY_NIK = {person.nik: person for person in REGISTER}


def _match(*rows):
    return match_rows(
        list(rows),
        lookup_niks=lambda niks: {nik: BY_NIK[nik] for nik in niks if nik in BY_NIK},
        scan_register=lambda needs: REGISTER,
    )


def test_nik_cells_as_spreadsheets_damage_them():
    assert read_nik("'3510014204790001") == ("3510014204790001", "3510014204790001", "")
    assert read_nik("3510014204790001.0")[0] == "3510014204790001"
    assert read_nik("3.51001E+15")[2] == "invalid:excel_scientific"
    assert read_nik("")[2] == read_nik(None)[2] == read_nik("-")[2] == "missing"
    assert read_nik("TMP-00012345")[2] == "temporary"
    assert read_nik("351001420479000")[2] == "invalid:length"


def test_nik_links_and_a_nik_of_someone_else_is_not_trusted():
    by_nik, someone_else = _match(
        Row(2, "3510 0142 0479 0001", "SITI AMINAH", None, VILLAGE),
        Row(3, "3510014204790001", "SUPARMAN", date(1960, 1, 1), VILLAGE),
    )
    assert (by_nik.decision, by_nik.method, by_nik.person.id) == ("link", "nik", 1)
    assert someone_else.method == "probabilistic" and someone_else.person.id == 2
    assert someone_else.reasons[0] == "nik_other_person"


def test_honorifics_word_order_and_variants_link_with_reasons():
    swapped, variant = _match(
        Row(2, "", "Hj. Aminah Siti", date(1979, 4, 2), VILLAGE),
        Row(3, "", "MOCH. ABD. ROZAK", date(1975, 12, 15), OTHER),
    )
    assert swapped.decision == "link" and swapped.person.id == 1
    assert {"name_reordered", "birth_date_exact", "village_same"} <= set(swapped.reasons)
    assert variant.decision == "link" and variant.person.id == 5


def test_twins_with_one_name_and_date_go_to_review_not_link():
    (result,) = _match(Row(2, "", "HASAN", date(2001, 3, 3), VILLAGE))
    assert result.decision == "review"
    assert any(reason.startswith("ambiguous:") for reason in result.reasons)


def test_wrong_valid_nik_with_a_near_miss_still_links_by_name_and_date():
    (result,) = _match(Row(2, "3510010101600009", "SUPARMAN", date(1960, 1, 1), VILLAGE))
    assert result.decision == "link" and result.person.id == 2
    assert result.nik_problem == "not_in_register" and "nik_near" in result.reasons


def test_nobody_similar_is_unmatched():
    (result,) = _match(Row(2, "", "KATIMAN", date(1950, 5, 5), VILLAGE))
    assert result.decision == "unmatched" and result.person is None
