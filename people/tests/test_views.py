"""The register pages: scope per role, masking, search, paging, audit and query counts."""

import html
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from core.models import AuditEntry
from people.choices import Relationship, Sex
from people.nik import mask_nik

LIST_URL = reverse("people:resident_list")

# Which of the two conftest residents each register persona may see.
SCOPE = {
    "regent": {"resident_in_village", "resident_elsewhere"},
    "district_head": {"resident_in_village"},
    "village_officer": {"resident_in_village"},
    "other_village_officer": {"resident_elsewhere"},
}
WITHOUT_REGISTER = ["agency_officer", "call_centre_operator", "kiosk", "resident_user"]
RESIDENTS = ["resident_in_village", "resident_elsewhere"]


def text_of(response) -> str:
    """The page as a reader sees it: HTML entities decoded (&#x27; is an apostrophe)."""
    return html.unescape(response.content.decode())


def listed_names(response) -> list[str]:
    """Names in the first column of the result table, in page order."""
    cells = re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]*)</a></th>', response.content.decode()
    )
    return [html.unescape(cell) for cell in cells]


def detail_url(resident) -> str:
    return reverse("people:resident_detail", args=[resident.pk])


# --------------------------------------------------------------------------- scope


@pytest.mark.parametrize("persona", SCOPE)
def test_list_shows_exactly_the_residents_in_the_personas_scope(
    client, request, persona, resident_in_village, resident_elsewhere
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(LIST_URL)

    assert response.status_code == 200
    expected = {request.getfixturevalue(name).full_name for name in SCOPE[persona]}
    assert set(listed_names(response)) == expected
    for name in set(RESIDENTS) - SCOPE[persona]:
        hidden = request.getfixturevalue(name)
        assert hidden.full_name not in text_of(response)
        assert mask_nik(hidden.nik) not in text_of(response)


@pytest.mark.parametrize("persona", SCOPE)
@pytest.mark.parametrize("target", RESIDENTS)
def test_record_page_is_shown_in_scope_and_404_outside_without_leaking(
    client, request, persona, target, resident_in_village, resident_elsewhere
):
    client.force_login(request.getfixturevalue(persona))
    resident = request.getfixturevalue(target)

    response = client.get(detail_url(resident))

    body = text_of(response)
    if target in SCOPE[persona]:
        assert response.status_code == 200
        assert resident.full_name in body
        assert resident.nik in body
    else:
        assert response.status_code == 404
        assert resident.full_name not in body
        assert resident.nik not in body
        assert mask_nik(resident.nik) not in body


@pytest.mark.parametrize("persona", WITHOUT_REGISTER)
def test_roles_without_register_access_get_403_on_list_and_record(
    client, request, persona, resident_in_village, resident_elsewhere
):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    responses = [client.get(LIST_URL)] + [
        client.get(detail_url(resident)) for resident in (resident_in_village, resident_elsewhere)
    ]

    for response in responses:
        assert response.status_code == 403
        body = text_of(response)
        for resident in (resident_in_village, resident_elsewhere):
            assert resident.nik not in body
            if resident.pk != user.resident_id:  # the header names a resident user themself
                assert resident.full_name not in body
    assert not AuditEntry.objects.filter(action="people.resident.viewed").exists()


def test_task_force_browses_the_whole_regency(
    client, make_user, resident_in_village, resident_elsewhere
):
    client.force_login(make_user(Role.TASK_FORCE))

    response = client.get(LIST_URL)

    assert set(listed_names(response)) == {
        resident_in_village.full_name,
        resident_elsewhere.full_name,
    }


@pytest.mark.parametrize("url_name", ["people:resident_list", "people:my_data"])
def test_anonymous_visitor_is_sent_to_sign_in(client, url_name):
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_anonymous_visitor_of_a_record_is_sent_to_sign_in_without_seeing_it(
    client, resident_in_village
):
    response = client.get(detail_url(resident_in_village))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --------------------------------------------------------------------------- list content


def test_list_masks_the_nik_and_shows_the_register_columns(
    client, village_officer, make_resident, village
):
    resident = make_resident(
        village,
        full_name="SITI AMINAH",
        sex=Sex.FEMALE,
        birth_date=date(1990, 2, 3),
        rt="003",
        rw="001",
    )
    client.force_login(village_officer)

    response = client.get(LIST_URL)

    body = text_of(response)
    assert mask_nik(resident.nik) in body
    assert re.fullmatch(r"\d{4}\*{8}\d{4}", mask_nik(resident.nik))
    assert resident.nik not in body
    assert "Perempuan" in body
    assert "03-02-1990" in body
    assert "003/001" in body
    assert village.name in body
    assert "Hidup" in body


def test_resident_without_nik_is_listed_with_their_temporary_number(
    client, village_officer, make_resident, village
):
    make_resident(village, nik=None, temp_id="TMP-3510012001-0001", full_name="BAYI BARU")
    client.force_login(village_officer)

    response = client.get(LIST_URL)

    assert "BAYI BARU" in listed_names(response)
    assert "TMP-3510012001-0001" in text_of(response)


def test_list_page_has_a_viewport_for_small_phones_and_a_skip_link(client, village_officer):
    client.force_login(village_officer)

    body = client.get(LIST_URL).content.decode()

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    assert '<a class="skip-link" href="#main">' in body
    assert '<main id="main"' in body
    assert "<script" not in body
    assert "style=" not in body


def test_header_names_the_signed_in_user_with_role_and_region(client, make_user, village):
    officer = make_user(Role.VILLAGE_OFFICER, region=village)
    officer.first_name, officer.last_name = "Dewi", "Lestari"
    officer.save()
    client.force_login(officer)

    body = text_of(client.get(LIST_URL))

    assert "Dewi Lestari" in body
    assert "Petugas desa / kelurahan" in body
    assert village.name in body


# --------------------------------------------------------------------------- search


def test_search_with_an_apostrophe_finds_the_name_and_shows_it_unescaped(
    client, village_officer, make_resident, village
):
    make_resident(village, full_name="MUH. SA'ADUDDIN")
    make_resident(village, full_name="SAMSUL ARIFIN")
    client.force_login(village_officer)

    response = client.get(LIST_URL, {"q": "sa'a"})

    assert listed_names(response) == ["MUH. SA'ADUDDIN"]
    assert "\\" not in response.content.decode()
    assert 'value="sa&#x27;a"' in response.content.decode()


def test_search_by_name_ignores_case_and_extra_spaces(
    client, village_officer, make_resident, village
):
    make_resident(village, full_name="NI LUH PUTU AYU")
    client.force_login(village_officer)

    response = client.get(LIST_URL, {"q": "  luh   putu "})

    assert listed_names(response) == ["NI LUH PUTU AYU"]


def test_search_by_full_nik_finds_exactly_that_resident(
    client, village_officer, make_resident, village
):
    wanted = make_resident(village, full_name="WARGA DICARI")
    make_resident(village, full_name="WARGA LAIN")
    client.force_login(village_officer)

    typed = f"{wanted.nik[:4]} {wanted.nik[4:8]}.{wanted.nik[8:12]}-{wanted.nik[12:]}"
    response = client.get(LIST_URL, {"q": typed})

    assert listed_names(response) == ["WARGA DICARI"]


def test_search_by_six_leading_digits_matches_nik_prefix(
    client, village_officer, make_resident, village
):
    born_1985 = make_resident(village, full_name="LAHIR 1985", birth_date=date(1985, 6, 15))
    make_resident(village, full_name="LAHIR 1999", birth_date=date(1999, 1, 1))
    client.force_login(village_officer)

    response = client.get(LIST_URL, {"q": born_1985.nik[:12]})

    assert listed_names(response) == ["LAHIR 1985"]


def test_search_by_too_few_digits_says_what_to_type(client, village_officer, resident_in_village):
    client.force_login(village_officer)

    response = client.get(LIST_URL, {"q": "3510"})

    body = text_of(response)
    assert "Ketik sekurang-kurangnya 6 angka awal NIK, atau cari dengan nama." in body
    assert 'href="#id_q"' in body  # the error summary links to the field
    assert 'aria-describedby="id_q_helptext id_q_error"' in body
    assert listed_names(response) == []


def test_search_never_reaches_outside_the_scope(
    client, village_officer, resident_in_village, resident_elsewhere
):
    client.force_login(village_officer)

    by_nik = client.get(LIST_URL, {"q": resident_elsewhere.nik})
    by_name = client.get(LIST_URL, {"q": "nur'aini"})

    assert listed_names(by_nik) == []
    assert listed_names(by_name) == []
    assert resident_elsewhere.full_name not in text_of(by_nik) + text_of(by_name)


def test_regent_filters_by_village_and_options_are_grouped_by_district(
    client, regent, resident_in_village, resident_elsewhere, village
):
    client.force_login(regent)

    response = client.get(LIST_URL, {"village": village.code})

    assert listed_names(response) == [resident_in_village.full_name]
    assert f'<optgroup label="{village.parent.name}">' in response.content.decode()


def test_district_head_cannot_filter_on_a_village_of_another_district(
    client, district_head, resident_in_village, resident_elsewhere, other_village
):
    client.force_login(district_head)

    response = client.get(LIST_URL, {"village": other_village.code})

    assert listed_names(response) == []
    assert resident_elsewhere.full_name not in text_of(response)
    assert 'class="error-summary"' in response.content.decode()
    # Only the district's own villages are offered.
    assert f'value="{other_village.code}"' not in response.content.decode()


def test_village_officer_has_no_village_filter(client, village_officer):
    client.force_login(village_officer)

    response = client.get(LIST_URL)

    assert 'name="village"' not in response.content.decode()


# --------------------------------------------------------------------------- paging


def test_pages_follow_each_other_without_gaps_or_repeats(
    client, village_officer, make_resident, village
):
    names = {f"WARGA {number:03d}" for number in range(57)}
    for name in names:
        make_resident(village, full_name=name)
    client.force_login(village_officer)

    first = client.get(LIST_URL)
    next_link = re.search(r'href="(\?[^"]*after=\d+[^"]*)" rel="next"', first.content.decode())
    second = client.get(LIST_URL + html.unescape(next_link.group(1)))
    previous_link = re.search(
        r'href="(\?[^"]*before=\d+[^"]*)" rel="prev"', second.content.decode()
    )
    back = client.get(LIST_URL + html.unescape(previous_link.group(1)))

    assert len(listed_names(first)) == 50
    assert listed_names(first) == sorted(listed_names(first))
    assert set(listed_names(first)) | set(listed_names(second)) == names
    assert len(listed_names(second)) == 7
    assert 'rel="next"' not in second.content.decode()
    assert listed_names(back) == listed_names(first)


def test_paging_keeps_the_search(client, village_officer, make_resident, village):
    for number in range(55):
        make_resident(village, full_name=f"SUTRISNO {number:02d}")
    make_resident(village, full_name="BUKAN DICARI")
    client.force_login(village_officer)

    first = client.get(LIST_URL, {"q": "sutris"})
    next_href = re.search(r'href="([^"]*)" rel="next"', first.content.decode()).group(1)
    second = client.get(LIST_URL + html.unescape(next_href))

    assert "q=sutris" in next_href
    assert len(listed_names(second)) == 5
    assert "BUKAN DICARI" not in listed_names(first) + listed_names(second)


def test_a_cursor_from_outside_the_scope_shows_the_first_page(
    client, village_officer, resident_in_village, resident_elsewhere
):
    client.force_login(village_officer)

    response = client.get(LIST_URL, {"after": resident_elsewhere.pk})

    assert listed_names(response) == [resident_in_village.full_name]
    assert resident_elsewhere.full_name not in text_of(response)


def _add_residents(make_resident, village, count: int) -> None:
    for number in range(count):
        make_resident(village, full_name=f"WARGA HITUNG {number:02d}", birth_date=date(1990, 1, 1))


def _count_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["regent", "district_head", "village_officer"])
def test_list_query_count_is_the_same_for_10_and_50_residents(
    client, request, persona, make_resident, village, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    client.get(LIST_URL)  # the first request of a session also writes the session

    _add_residents(make_resident, village, 10)
    # Session, user, the staff second-factor check, then the page's own queries.
    with django_assert_max_num_queries(6):
        ten = _count_list_queries(client)
    _add_residents(make_resident, village, 40)
    with django_assert_max_num_queries(6):
        fifty = _count_list_queries(client)

    assert ten == fifty


def test_second_page_query_count_is_constant(
    client, regent, make_resident, village, django_assert_max_num_queries
):
    for number in range(120):
        make_resident(village, full_name=f"WARGA {number:03d}")
    client.force_login(regent)
    first = client.get(LIST_URL).content.decode()
    next_href = html.unescape(re.search(r'href="([^"]*)" rel="next"', first).group(1))

    with django_assert_max_num_queries(6):
        response = client.get(LIST_URL + next_href)

    assert len(listed_names(response)) == 50


# --------------------------------------------------------------------------- record page


def test_record_page_shows_every_register_field_and_the_full_nik(
    client, village_officer, make_family, make_resident, village
):
    family = make_family(village, address="JL. MELATI NO. 7", rt="002", rw="004")
    resident = make_resident(
        village,
        family=family,
        full_name="AHMAD FAUZI",
        birth_place="BANYUWANGI",
        birth_date=date(1980, 8, 17),
        religion="islam",
        marital_status="kawin",
        education="slta",
        occupation="PETANI",
        relationship=Relationship.HEAD,
        address="JL. MELATI NO. 7",
        rt="002",
        rw="004",
        hamlet="KRAJAN",
        phone="081200000001",
    )
    client.force_login(village_officer)

    body = text_of(client.get(detail_url(resident)))

    for shown in (
        resident.nik,
        "AHMAD FAUZI",
        "Laki-laki",
        "BANYUWANGI",
        "17 Agu 1980",
        "Islam",
        "Kawin",
        "SLTA/sederajat",
        "PETANI",
        "Kepala keluarga",
        "JL. MELATI NO. 7",
        "KRAJAN",
        "081200000001",
        f"{village.name}, Kecamatan {village.parent.name}",
        family.no_kk,
    ):
        assert shown in body


def test_record_page_lists_family_members_in_scope_only(
    client, village_officer, make_family, make_resident, village, other_village
):
    family = make_family(village)
    head = make_resident(village, family=family, full_name="KEPALA", relationship="kepala_keluarga")
    child = make_resident(village, family=family, full_name="ANAK SATU", relationship="anak")
    moved = make_resident(other_village, family=family, full_name="ANAK PINDAH")
    client.force_login(village_officer)

    response = client.get(detail_url(head))

    body = text_of(response)
    assert "ANAK SATU" in body
    assert mask_nik(child.nik) in body
    assert child.nik not in body  # members' NIKs are masked; their own page shows them
    assert "ANAK PINDAH" not in body
    assert mask_nik(moved.nik) not in body


def test_record_page_shows_data_quality_warnings(client, village_officer, make_resident, village):
    resident = make_resident(
        village,
        full_name="CATATAN UJI",
        data_warnings=[
            "sex: the NIK encodes P (female) but the record says L (male); check the KTP.",
            {"code": "birth_date", "message": "Tanggal lahir berbeda dengan NIK."},
        ],
    )
    client.force_login(village_officer)

    body = text_of(client.get(detail_url(resident)))

    assert "Catatan kualitas data" in body
    assert "the NIK encodes P (female)" in body
    assert "Tanggal lahir berbeda dengan NIK." in body


def test_every_view_of_a_record_is_written_to_the_audit_trail(
    client, village_officer, resident_in_village
):
    client.force_login(village_officer)

    client.get(detail_url(resident_in_village))
    client.get(detail_url(resident_in_village))

    entries = AuditEntry.objects.filter(action="people.resident.viewed")
    assert entries.count() == 2
    entry = entries.first()
    assert entry.actor == village_officer
    assert entry.target_type == "people.resident"
    assert entry.target_id == str(resident_in_village.pk)
    assert entry.ip_address == "127.0.0.1"
    assert resident_in_village.nik not in str(entry.detail) + entry.summary


def test_a_refused_record_view_writes_no_audit_entry(client, village_officer, resident_elsewhere):
    client.force_login(village_officer)

    response = client.get(detail_url(resident_elsewhere))

    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_unknown_record_is_404(client, regent):
    client.force_login(regent)

    assert client.get(reverse("people:resident_detail", args=[987654])).status_code == 404


# --------------------------------------------------------------------------- my data


def test_resident_sees_themself_and_their_family_only(
    client, resident_user, resident_in_village, make_resident, village, resident_elsewhere
):
    spouse = make_resident(
        village,
        family=resident_in_village.family,
        full_name="SITI WIFE",
        sex=Sex.FEMALE,
        relationship=Relationship.WIFE,
    )
    make_resident(village, full_name="TETANGGA SEBELAH")
    client.force_login(resident_user)

    response = client.get(reverse("people:my_data"))

    body = text_of(response)
    assert response.status_code == 200
    assert resident_in_village.full_name in body
    assert resident_in_village.nik in body  # their own NIK, in full
    assert "SITI WIFE" in body
    assert mask_nik(spouse.nik) in body
    assert spouse.nik not in body
    assert "TETANGGA SEBELAH" not in body
    assert resident_elsewhere.full_name not in body


def test_resident_lands_on_my_data_but_staff_may_not_open_it(client, village_officer):
    client.force_login(village_officer)

    assert client.get(reverse("people:my_data")).status_code == 403


def test_a_resident_without_a_family_card_sees_only_themself(
    client, make_user, make_resident, village
):
    alone = make_resident(village, full_name="SENDIRI SAJA")
    make_resident(village, full_name="TANPA KK LAIN")
    client.force_login(make_user(Role.RESIDENT, resident=alone))

    body = text_of(client.get(reverse("people:my_data")))

    assert "SENDIRI SAJA" in body
    assert "TANPA KK LAIN" not in body
