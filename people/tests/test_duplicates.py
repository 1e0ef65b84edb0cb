"""Probable duplicate people inside the register: clusters with a score and reasons."""

from datetime import date

import pytest

from people.choices import Sex
from people.duplicates import (
    Record,
    find_duplicates,
    find_register_duplicates,
    name_key,
    name_similarity,
)
from people.models import Resident


def _record(pk, name, born, *, nik=None, temp_id=None, village=1, family=None):
    return Record(pk, nik, temp_id, name, born, village, family)


def test_names_ignore_honorifics_spelling_and_word_order():
    assert name_key("Hj. Siti Aminah") == name_key("SITI AMINAH")
    assert name_key("Bapak H. Moch. Soleh") == name_key("MUHAMMAD SOLEH")
    assert name_key("SOEKARNO") == name_key("SUKARNO")
    assert name_key("NURHALIZAH") == name_key("NURHALIZA")
    assert name_similarity("AMINAH SITI", "SITI AMINAH") == (100.0, "name_reordered")
    assert name_similarity("Ibu Siti Aminah, S.Pd", "SITI AMINAH") == (100.0, "name_exact")
    assert name_similarity("SUPARMAN", "SUPINAH")[0] < 80


def test_the_issue_cases_cluster_with_score_and_reasons():
    born = date(1988, 3, 7)
    records = [
        # A temporary number and a real NIK for one person.
        _record(1, "SUPARMAN", born, temp_id="TMP-1"),
        _record(2, "SUPARMAN", born, nik="3510010703889001"),
        # A name spelled two ways, day and month swapped.
        _record(3, "NURHALIZA", date(1990, 4, 9), nik="3510014904909001"),
        _record(4, "NURHALIZAH", date(1990, 9, 4)),
        # A year shifted.
        _record(5, "ABDUL ROZAK", date(1975, 12, 20)),
        _record(6, "ABD. ROZAK", date(1976, 12, 20)),
        # Different people: another name, and twins with their own NIKs.
        _record(7, "SUKIRMAN", born),
        _record(8, "HASAN", date(2001, 1, 1), nik="3510010101019001", family=9),
        _record(9, "HUSEN", date(2001, 1, 1), nik="3510010101019002", family=9),
    ]

    clusters = find_duplicates(records)

    groups = {tuple(record.id for record in cluster.records): cluster for cluster in clusters}
    assert set(groups) == {(1, 2), (3, 4), (5, 6)}
    assert "temporary_number_and_nik" in groups[(1, 2)].pairs[0].reasons
    assert "birth_date_day_month_swapped" in groups[(3, 4)].pairs[0].reasons
    assert "birth_date_one_part_differs" in groups[(5, 6)].pairs[0].reasons
    assert all(70 <= cluster.score <= 100 for cluster in clusters)


@pytest.mark.django_db
def test_register_duplicates_change_nothing_and_respect_scope(
    make_resident, village, other_village, village_officer
):
    one = make_resident(village, full_name="NURHALIZA", sex=Sex.FEMALE, birth_date=date(1990, 4, 9))
    two = make_resident(
        village, full_name="NURHALIZAH", sex=Sex.FEMALE, birth_date=date(1990, 9, 4),
        nik=None, temp_id="TMP-0001",
    )  # fmt: skip
    make_resident(other_village, full_name="NURHALIZA", sex=Sex.FEMALE, birth_date=date(1990, 4, 9))

    clusters = find_register_duplicates(Resident.objects.visible_to(village_officer))

    assert [[record.id for record in cluster.records] for cluster in clusters] == [[one.pk, two.pk]]
    assert Resident.objects.count() == 3
