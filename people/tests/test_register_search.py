"""Register search for the back office: NIK, No. KK and name by indexed prefix, village and
status filters, hostile or oversized input, constant query counts, and the streamed export."""

import csv
import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from people.choices import ResidentStatus
from people.forms import ResidentSearchForm
from people.models import Resident

LIST_URL = reverse("people:resident_list")
EXPORT_URL = reverse("people:resident_export")
PURPOSE = {"keperluan": "Pendataan posyandu"}


def listed_names(response) -> list[str]:
    cells = re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]*)</a></th>', response.content.decode()
    )
    return [html.unescape(cell) for cell in cells]


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --------------------------------------------------------------------------- bad input


def test_an_sql_injection_attempt_is_a_normal_empty_result(
    client, village_officer, resident_in_village
):
    client.force_login(village_officer)

    response = client.get(LIST_URL, {"q": "'; DROP TABLE people_resident; --"})

    assert response.status_code == 200
    assert listed_names(response) == []
    assert "Tidak ada penduduk yang cocok" in text_of(response)
    assert Resident.objects.filter(pk=resident_in_village.pk).exists()


def test_a_5000_character_name_gets_a_message_naming_the_field(
    client, village_officer, resident_in_village
):
    client.force_login(village_officer)

    response = client.get(LIST_URL, {"q": "A" * 5000})

    body = text_of(response)
    assert response.status_code == 200
    assert listed_names(response) == []
    assert "Cari nama atau NIK: Nama atau NIK yang dicari paling banyak 100 karakter" in body
    assert "(yang diketik 5000 karakter)" in body


def test_a_5000_character_no_kk_gets_a_message_naming_the_field(
    client, village_officer, resident_in_village
):
    client.force_login(village_officer)

    body = text_of(client.get(LIST_URL, {"no_kk": "3" * 5000}))

    assert "No. KK: No. KK yang dicari paling banyak 24 karakter" in body


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("35100", "Ketik sekurang-kurangnya 6 angka awal No. KK."),
        ("35100101202099999", "No. KK terdiri atas 16 angka."),
        ("KK-ABC", "No. KK hanya berisi angka."),
    ],
)
def test_a_wrong_no_kk_says_what_to_type(client, village_officer, typed, message):
    client.force_login(village_officer)

    body = text_of(client.get(LIST_URL, {"no_kk": typed}))

    assert message in body


# --------------------------------------------------------------------------- searching


def test_name_search_matches_the_start_of_the_name_in_any_case(
    client, village_officer, make_resident, village
):
    make_resident(village, full_name="SUPARMI")
    make_resident(village, full_name="SUPRAPTO")
    make_resident(village, full_name="AHMAD SUPARDI")
    client.force_login(village_officer)

    response = client.get(LIST_URL, {"q": "supa"})

    assert listed_names(response) == ["SUPARMI"]


def test_no_kk_search_finds_the_whole_family_by_number_or_prefix(
    client, village_officer, make_family, make_resident, village
):
    family = make_family(village)
    make_resident(village, family=family, full_name="KEPALA")
    make_resident(village, family=family, full_name="ANAK")
    make_resident(village, family=make_family(village), full_name="TETANGGA")
    client.force_login(village_officer)

    exact = client.get(LIST_URL, {"no_kk": family.no_kk})
    spaced = client.get(LIST_URL, {"no_kk": f"{family.no_kk[:6]} {family.no_kk[6:]}"})
    prefix = client.get(LIST_URL, {"no_kk": family.no_kk[:6]})

    assert listed_names(exact) == ["ANAK", "KEPALA"]
    assert listed_names(spaced) == ["ANAK", "KEPALA"]
    assert set(listed_names(prefix)) == {"ANAK", "KEPALA", "TETANGGA"}


def test_no_kk_search_stays_inside_the_scope(client, other_village_officer, resident_in_village):
    client.force_login(other_village_officer)

    response = client.get(LIST_URL, {"no_kk": resident_in_village.family.no_kk})

    assert listed_names(response) == []
    assert "SUPARMAN" not in text_of(response)


def test_status_filter(client, village_officer, make_resident, village):
    make_resident(village, full_name="MASIH HIDUP")
    make_resident(village, full_name="SUDAH WAFAT", status=ResidentStatus.DECEASED)
    client.force_login(village_officer)

    response = client.get(LIST_URL, {"status": ResidentStatus.DECEASED})

    assert listed_names(response) == ["SUDAH WAFAT"]


def test_regent_combines_village_status_and_name(
    client, regent, make_resident, village, other_village
):
    make_resident(village, full_name="SITI A", status=ResidentStatus.MOVED_OUT)
    make_resident(village, full_name="SITI B")
    make_resident(other_village, full_name="SITI C", status=ResidentStatus.MOVED_OUT)
    client.force_login(regent)

    response = client.get(
        LIST_URL, {"q": "siti", "village": village.code, "status": ResidentStatus.MOVED_OUT}
    )

    assert listed_names(response) == ["SITI A"]


def _plan(queryset, *, ordered: bool = False) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test table is tiny; make the planner show whether an index can serve at all
            # (and, ``ordered``, whether it can give the rows in order without a sort).
            cursor.execute("SET LOCAL enable_seqscan = off")
            if ordered:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
                cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("data", "index"),
    [
        ({"q": "supa"}, "resident_name_order"),
        ({"q": "3510011506"}, "nik"),
        ({"no_kk": "3510010101"}, "no_kk"),
    ],
)
def test_searches_are_served_by_an_index(db, regent, resident_in_village, data, index):
    form = ResidentSearchForm(data, user=regent)
    assert form.is_valid()

    plan = _plan(form.filter(Resident.objects.visible_to(regent)))

    assert index in plan


@pytest.mark.parametrize("text", ["siti", "SITI", "muh.", "Sa'a"])
def test_a_name_page_comes_in_index_order_without_sorting_every_match(
    db, regent, village, make_resident, text
):
    """A common start ("SITI": tens of thousands in a regency) reads one page of the ordered
    name index; a sort would read every match first."""
    for name in ["SITI A", "MUH. ALI", "SA'ADAH"]:
        make_resident(village, full_name=name)
    form = ResidentSearchForm({"q": text}, user=regent)
    assert form.is_valid()

    page = form.filter(Resident.objects.visible_to(regent)).order_by(*form.ordering)[:51]
    plan = _plan(page, ordered=True)

    assert "resident_name_order" in plan
    assert "TEMP B-TREE" not in plan  # SQLite's sort step
    assert "Sort" not in plan  # PostgreSQL's


def test_name_matches_are_exact_and_in_capital_letter_order(
    db, client, regent, village, make_resident
):
    for name in ["siti b", "SITI A", "SITIRA", "SIT-IRA", "SITJ", "SITH", "Siti c", "MUH. ALI"]:
        make_resident(village, full_name=name)
    client.force_login(regent)

    assert listed_names(client.get(LIST_URL, {"q": "siti"})) == [
        "SITI A",
        "siti b",
        "Siti c",
        "SITIRA",
    ]
    assert listed_names(client.get(LIST_URL, {"q": "muh."})) == ["MUH. ALI"]
    assert listed_names(client.get(LIST_URL, {"q": "sit-"})) == ["SIT-IRA"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only"
)
def test_a_later_word_of_a_name_is_found_through_the_trigram_index(
    db, regent, village, make_resident
):
    make_resident(village, full_name="NI LUH PUTU SARI")
    form = ResidentSearchForm({"q": "putu"}, user=regent)
    assert form.is_valid()

    residents = form.filter(Resident.objects.visible_to(regent))

    assert [resident.full_name for resident in residents] == ["NI LUH PUTU SARI"]
    assert "resident_name_words" in _plan(residents)


def _query_count(client, params) -> int:
    """Queries of one page view, once the session's first-request writes are done."""
    client.get(LIST_URL, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return len(queries)


def _add(make_resident, family, village, count, start):
    for number in range(start, start + count):
        make_resident(village, family=family, full_name=f"WARGA {number:03d}")


@pytest.mark.parametrize("persona", ["regent", "district_head", "village_officer"])
@pytest.mark.parametrize("search", ["name", "no_kk", "status"])
def test_search_query_count_is_the_same_for_5_and_50_rows(
    db,
    client,
    request,
    persona,
    search,
    make_family,
    make_resident,
    village,
    django_assert_num_queries,
):
    family = make_family(village)
    params = {
        "name": {"q": "warga"},
        "no_kk": {"no_kk": family.no_kk},
        "status": {"status": ResidentStatus.LIVING},
    }[search]
    client.force_login(request.getfixturevalue(persona))

    _add(make_resident, family, village, 5, 0)
    five = _query_count(client, params)
    _add(make_resident, family, village, 45, 5)
    with django_assert_num_queries(five):
        response = client.get(LIST_URL, params)

    assert len(listed_names(response)) == 50


# --------------------------------------------------------------------------- export


def _rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_the_export_streams_the_searched_residents_in_the_import_format(
    client, village_officer, make_family, make_resident, village, resident_elsewhere
):
    family = make_family(village)
    for number in range(30):
        make_resident(village, family=family, full_name=f"WARGA {number:02d}")
    make_resident(village, full_name="=CMD|' /C calc'!A0")
    client.force_login(village_officer)

    response = client.get(EXPORT_URL, {"no_kk": family.no_kk, **PURPOSE})
    everyone = _rows(client.get(EXPORT_URL, PURPOSE))

    rows = _rows(response)
    assert response.streaming
    assert rows[0][:3] == ["NIK", "NO_KK", "NAMA_LENGKAP"]
    assert len(rows) == 31
    assert {row[1] for row in rows[1:]} == {f'="{family.no_kk}"'}
    names = {row[2] for row in everyone[1:]}
    assert "'=CMD|' /C calc'!A0" in names
    assert resident_elsewhere.full_name not in names
    assert AuditEntry.objects.filter(action="people.resident.exported").count() == 2


@pytest.mark.parametrize(
    "persona", ["agency_officer", "call_centre_operator", "kiosk", "resident_user"]
)
def test_roles_without_the_register_cannot_export(client, request, persona, resident_in_village):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(EXPORT_URL).status_code == 403


def test_an_invalid_search_exports_nobody(client, village_officer, resident_in_village):
    client.force_login(village_officer)

    rows = _rows(client.get(EXPORT_URL, {"q": "A" * 5000, **PURPOSE}))

    assert len(rows) == 1


# ---------------------------------------------------------------------- .xlsx in the background


def test_the_xlsx_export_runs_as_a_job_and_only_its_creator_downloads_it(
    client,
    settings,
    tmp_path,
    village_officer,
    make_user,
    village,
    make_resident,
    resident_elsewhere,
):
    from openpyxl import load_workbook

    from accounts.roles import Role
    from core.models import Job, JobStatus

    settings.JOBS_MODE = "inline"
    settings.VAR_DIR = tmp_path
    for number in range(12):
        make_resident(village, full_name=f"WARGA {number:02d}")
    make_resident(village, full_name="BUKAN DICARI")
    client.force_login(village_officer)

    response = client.post(reverse("people:resident_export_xlsx"), {"query": "q=warga", **PURPOSE})

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.progress_done == 12
    download = client.get(job.result["url"])
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    names = sorted(row[2] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == [f"WARGA {number:02d}" for number in range(12)]
    colleague = make_user(Role.VILLAGE_OFFICER, region=village)
    client.force_login(colleague)
    assert client.get(job.result["url"]).status_code == 404


def test_the_xlsx_export_keeps_the_scope_whatever_the_query_says(
    client, settings, tmp_path, other_village_officer, resident_in_village, village
):
    from openpyxl import load_workbook

    from core.models import Job

    settings.JOBS_MODE = "inline"
    settings.VAR_DIR = tmp_path
    client.force_login(other_village_officer)

    client.post(
        reverse("people:resident_export_xlsx"), {"query": f"village={village.code}", **PURPOSE}
    )

    job = Job.objects.get()
    sheet = load_workbook(io.BytesIO(b"".join(client.get(job.result["url"]).streaming_content)))
    assert list(sheet.active.iter_rows(min_row=2, values_only=True)) == []
