"""Pages: roles and scope, the import job, the 409 conflict, exports, constant query counts."""

import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.roles import Role
from assistance.models import BeneficiaryList, Flag, FlagKind, Membership, WelfareStatus
from assistance.navigation import links
from assistance.services import add_member, import_list
from core.models import AuditEntry, Job
from people.choices import ResidentStatus

PURPOSE = {"keperluan": "Penyaluran bantuan tahap 1"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def task_force(make_user):
    return make_user(Role.TASK_FORCE)


@pytest.fixture
def flags_in_two_villages(programmes, list_file, make_resident, village, other_village):
    here = make_resident(village, full_name="PAIMAN", status=ResidentStatus.DECEASED)
    there = make_resident(other_village, full_name="KARSO", status=ResidentStatus.DECEASED)
    path = list_file(
        [
            [here.nik, "", "PAIMAN", "", "", village.digits],
            [there.nik, "", "KARSO", "", "", other_village.digits],
        ]
    )
    import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)
    return Flag.objects.get(resident=here), Flag.objects.get(resident=there)


def test_village_officer_sees_only_flags_of_the_own_village(
    client, village_officer, flags_in_two_villages
):
    own, other = flags_in_two_villages
    client.force_login(village_officer)

    page = client.get(reverse("assistance:flag_list"))

    assert page.status_code == 200
    assert "PAIMAN" in page.content.decode() and "KARSO" not in page.content.decode()
    assert client.get(reverse("assistance:flag_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("assistance:flag_detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    "persona", ["agency_officer", "call_centre_operator", "kiosk", "resident_user"]
)
def test_roles_outside_review_get_403(client, request, persona, flags_in_two_villages):
    client.force_login(request.getfixturevalue(persona))
    own, _other = flags_in_two_villages
    for url in (
        reverse("assistance:flag_list"),
        reverse("assistance:flag_detail", args=[own.pk]),
        reverse("assistance:import_start"),
        reverse("assistance:missed"),
        reverse("assistance:final_list", args=["PIP", "2026", "csv"]),
    ):
        assert client.get(url).status_code == 403, url


def test_village_officer_may_not_import(client, village_officer):
    client.force_login(village_officer)
    assert client.get(reverse("assistance:import_start")).status_code == 403


def test_decision_through_the_page_is_audited(client, village_officer, flags_in_two_villages):
    own, _other = flags_in_two_villages
    client.force_login(village_officer)

    response = client.post(
        reverse("assistance:flag_detail", args=[own.pk]),
        {"decision": "confirmed", "reason": "akta kematian ada", "nik": ""},
    )

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "confirmed"
    assert AuditEntry.objects.filter(action="assistance.flag.confirmed").count() == 1


def test_upload_runs_a_dry_run_job_then_the_real_import(
    client, task_force, programmes, list_file, make_resident, village
):
    person = make_resident(village, full_name="SUKARDI")
    path = list_file([[person.nik, "", "SUKARDI", "", "", village.digits]])
    client.force_login(task_force)

    with path.open("rb") as handle:
        response = client.post(
            reverse("assistance:import_start"),
            {"programme": "PIP", "period": "2026", "file": handle, "sheet": ""},
        )

    job = Job.objects.get()
    assert response.status_code == 302 and job.status == "done"
    assert "Belum ada yang disimpan" in job.result["summary"]
    tried = BeneficiaryList.objects.get()
    assert tried.dry_run and not Membership.objects.exists()
    report = client.get(reverse("assistance:list_detail", args=[tried.pk]))
    assert "Impor sekarang" in report.content.decode()

    client.post(reverse("assistance:list_commit", args=[tried.pk]))

    assert Membership.objects.get().resident == person
    assert Job.objects.latest("pk").status == "done"


def test_real_import_that_writes_nothing_is_not_called_a_success(
    client, task_force, programmes, list_file, village
):
    path = list_file([["", "", "ORANG TIDAK ADA", "01-01-1950", "", village.digits]])
    client.force_login(task_force)
    with path.open("rb") as handle:
        client.post(
            reverse("assistance:import_start"),
            {"programme": "PIP", "period": "2026", "file": handle},
        )
    tried = BeneficiaryList.objects.get()

    client.post(reverse("assistance:list_commit", args=[tried.pk]))

    job = Job.objects.latest("pk")
    assert job.status == "failed"
    assert "Tidak ada penerima yang ditambahkan" in job.error


def test_wrong_sheet_fails_the_job_with_the_named_error(
    client, task_force, programmes, list_file, village
):
    path = list_file([["", "", "SUKARDI", "", "", village.digits]], name="d.xlsx", sheet="Lain")
    client.force_login(task_force)
    with path.open("rb") as handle:
        client.post(
            reverse("assistance:import_start"),
            {"programme": "PIP", "period": "2026", "file": handle, "sheet": "Penerima"},
        )

    job = Job.objects.get()
    assert job.status == "failed" and "Penerima" in job.error and "Lain" in job.error


def test_adding_the_same_nik_again_through_the_web_is_a_conflict(
    client, task_force, programmes, resident_in_village
):
    client.force_login(task_force)
    url = reverse("assistance:add_member", args=["PIP"])
    data = {"nik": resident_in_village.nik, "period": "2026"}

    assert client.post(url, data).status_code == 302
    again = client.post(url, data)

    assert again.status_code == 409
    assert "sudah terdaftar" in again.content.decode()
    assert Membership.objects.count() == 1


def test_final_list_exports_escape_formulas(
    client, task_force, programmes, make_resident, village, regent
):
    person = make_resident(village, full_name="=HYPERLINK(1)")
    add_member(programme=programmes["PIP"], period="2026", resident=person, actor=regent)
    client.force_login(task_force)

    csv_body = b"".join(
        client.get(
            reverse("assistance:final_list", args=["PIP", "2026", "csv"]), PURPOSE
        ).streaming_content
    ).decode("utf-8-sig")
    xlsx = client.get(reverse("assistance:final_list", args=["PIP", "2026", "xlsx"]), PURPOSE)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active

    assert "'=HYPERLINK(1)" in csv_body
    assert person.nik in csv_body
    assert sheet.cell(row=2, column=4).value == "'=HYPERLINK(1)"


def test_final_list_holds_only_the_officers_village(
    client, village_officer, programmes, make_resident, village, other_village, regent
):
    here = make_resident(village, full_name="SINI")
    there = make_resident(other_village, full_name="SANA")
    for person in (here, there):
        add_member(programme=programmes["PIP"], period="2026", resident=person, actor=regent)
    client.force_login(village_officer)

    body = b"".join(
        client.get(
            reverse("assistance:final_list", args=["PIP", "2026", "csv"]), PURPOSE
        ).streaming_content
    ).decode("utf-8-sig")

    assert "SINI" in body and "SANA" not in body


def test_list_pages_use_a_constant_number_of_queries(
    client, task_force, programmes, list_file, make_resident, village, django_assert_num_queries
):
    client.force_login(task_force)
    url = reverse("assistance:flag_list")
    people = [
        make_resident(village, full_name=f"ORANG {i}", status=ResidentStatus.DECEASED)
        for i in range(3)
    ]
    path = list_file([[p.nik, "", p.full_name, "", "", village.digits] for p in people[:1]])
    import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)
    client.get(url)  # warm the session and translations
    with django_assert_num_queries(3) as small:
        client.get(url)
    path = list_file([[p.nik, "", p.full_name, "", "", village.digits] for p in people])
    import_list(path, programme=programmes["PIP"], period="2027", dry_run=False)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)

    for person in people:
        WelfareStatus.objects.create(resident=person, village=village, category="poor")
    missed = reverse("assistance:missed")
    client.get(missed)
    with django_assert_num_queries(4):
        client.get(missed)


def test_receipts_query_by_nik_and_family_card_stays_in_scope(
    client, village_officer, programmes, resident_in_village, resident_elsewhere, regent
):
    add_member(programme=programmes["PKH"], period="2020", resident=resident_in_village,
               actor=regent)  # fmt: skip
    add_member(programme=programmes["PKH"], period="2021", resident=resident_elsewhere,
               actor=regent)  # fmt: skip
    client.force_login(village_officer)
    url = reverse("assistance:receipts")

    own = client.get(url, {"q": resident_in_village.nik}).content.decode()
    by_card = client.get(url, {"q": resident_in_village.family.no_kk}).content.decode()
    other = client.get(url, {"q": resident_elsewhere.nik}).content.decode()

    assert "PKH" in own and "2020" in own and "PKH" in by_card
    assert "PKH" not in other and "tidak ada di data penduduk wilayah Anda" in other


def test_resident_sees_own_family_receipts(client, resident_user, programmes, regent):
    add_member(programme=programmes["PKH"], period="2020", resident=resident_user.resident,
               actor=regent)  # fmt: skip
    client.force_login(resident_user)

    page = client.get(reverse("assistance:my_receipts"))

    assert page.status_code == 200 and "PKH" in page.content.decode()


def test_navigation_offers_pages_the_role_may_open(
    client, request, task_force, village_officer, resident_user, agency_officer
):
    for user in (task_force, village_officer, resident_user, agency_officer):
        client.force_login(user)
        for url, _label in links(user):
            assert client.get(url).status_code == 200, (user.role, url)
    assert links(agency_officer) == []


def test_unmatched_flag_is_reviewed_by_the_task_force(
    client, task_force, programmes, list_file, village
):
    path = list_file([["", "", "TIDAK ADA", "01-01-1950", "", village.digits]])
    import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)
    flag = Flag.objects.get(kind=FlagKind.NOT_IN_REGISTER)
    client.force_login(task_force)

    page = client.get(reverse("assistance:flag_detail", args=[flag.pk]))

    assert page.status_code == 200 and "TIDAK ADA" in page.content.decode()


def test_village_officer_marks_a_family_poor_in_scope_only(
    client, village_officer, resident_in_village, resident_elsewhere
):
    client.force_login(village_officer)
    url = reverse("assistance:welfare")

    response = client.post(
        url, {"no_kk": resident_in_village.family.no_kk, "category": "dtks", "source": "DTKS"}
    )
    elsewhere = client.post(
        url, {"no_kk": resident_elsewhere.family.no_kk, "category": "dtks", "source": "DTKS"}
    )

    assert response.status_code == 302
    assert WelfareStatus.objects.get().family == resident_in_village.family
    assert "tidak ada di data penduduk wilayah Anda" in elsewhere.content.decode()
    assert (
        resident_in_village.full_name in client.get(reverse("assistance:missed")).content.decode()
    )
    assert AuditEntry.objects.filter(action="assistance.welfare_status.set").count() == 1


def test_demo_data_is_idempotent(db, make_family, make_resident, village):
    from io import StringIO

    from assistance.demo_data import seed
    from assistance.models import CombinationRule

    for index in range(6):
        family = make_family(village)
        make_resident(village, family=family, relationship="kepala_keluarga",
                      full_name=f"KEPALA {index}")  # fmt: skip
    seed(seed=7, stdout=StringIO())
    counts = (Membership.objects.count(), WelfareStatus.objects.count())
    seed(seed=7, stdout=StringIO())

    assert counts[0] > 0 and counts[1] == 6
    assert (Membership.objects.count(), WelfareStatus.objects.count()) == counts
    assert CombinationRule.objects.count() == 2


def test_the_report_pages_by_line_and_filters_by_outcome(
    client, task_force, programmes, list_file, make_resident, village, settings
):
    """A report is read a page at a time from its own rows, with outcomes in words."""
    import re

    from assistance import views

    settings.LANGUAGE_CODE = "id"
    people = [make_resident(village, full_name=f"WARGA {n}") for n in range(5)]
    rows = [[person.nik, "", person.full_name, "", "", village.digits] for person in people]
    rows.insert(2, list(rows[0]))  # line 4: the person of line 2 again
    rows.append(["", "", "ORANG TIDAK ADA", "", "", village.digits])  # line 8: nobody
    tried = import_list(list_file(rows), programme=programmes["PIP"], period="2026", dry_run=True)
    assert tried.report_lines.count() == 7
    client.force_login(task_force)
    url = reverse("assistance:list_detail", args=[tried.pk])

    def lines(page):
        return [int(n) for n in re.findall(r'<th scope="row">(\d+)</th>', page)]

    views.REPORT_PAGE_SIZE, saved = 2, views.REPORT_PAGE_SIZE
    try:
        first = client.get(url).content.decode()
        second = client.get(url, {"dari": 4}).content.decode()
        rejected = client.get(url, {"hasil": "rejected"}).content.decode()
        to_check = client.get(url, {"hasil": "review"}).content.decode()
    finally:
        views.REPORT_PAGE_SIZE = saved

    assert lines(first) == [2, 3] and "dari=4" in first and 'rel="prev"' not in first
    assert lines(second) == [4, 5] and "dari=2" in second and "dari=6" in second
    assert lines(rejected) == [4]
    assert "Ditolak" in rejected and ">rejected<" not in rejected
    # "To check" holds what the list's count of it holds: the row that matched nobody too.
    assert lines(to_check) == [8] and tried.review == 1
    assert "Tidak cocok dengan register" in to_check
    assert "NIK kosong" in to_check and "nik_missing" not in to_check
    assert "no_candidate" not in to_check


def test_a_finding_shows_its_evidence_in_words(
    client, task_force, programmes, list_file, make_resident, village
):
    from assistance.models import Flag

    person = make_resident(village, full_name="SARMIDI")
    # The NIK of SARMIDI with another name: held for review, never linked on the NIK alone.
    path = list_file([[person.nik, "", "JOKO SUSILO", "", "", village.digits]])
    import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)
    flag = Flag.objects.get()
    client.force_login(task_force)

    page = client.get(reverse("assistance:flag_detail", args=[flag.pk])).content.decode()

    assert "Alasan pencocokan" in page and "match_reasons" not in page
    assert "NIK milik penduduk lain yang namanya berbeda" in page
    assert "nik_other_person" not in page


def test_a_failed_dry_run_offers_no_import(client, task_force, programmes):
    from assistance.models import ListStatus

    failed = BeneficiaryList.objects.create(
        programme=programmes["PKH"],
        period="2026",
        file_name="salah.csv",
        dry_run=True,
        status=ListStatus.FAILED,
        stored_file="salah.csv",
        error="Baris judul kolom tidak ditemukan.",
    )
    client.force_login(task_force)

    page = client.get(reverse("assistance:list_detail", args=[failed.pk])).content.decode()
    refused = client.post(reverse("assistance:list_commit", args=[failed.pk]), follow=True)

    assert "Impor sekarang" not in page and "belum ada yang disimpan" not in page
    assert "Uji coba ini gagal" in refused.content.decode()
    assert not Job.objects.filter(kind="assistance.import_list").exists()


def test_the_import_form_names_each_programme(client, task_force, programmes):
    client.force_login(task_force)

    page = client.get(reverse("assistance:import_start")).content.decode()

    assert f"PKH — {programmes['PKH'].name}" in page


def test_a_dry_run_says_what_would_be_added_and_offers_no_empty_import(
    client, task_force, programmes, list_file, make_resident, village
):
    person = make_resident(village, full_name="WAGIMAN")
    good = import_list(
        list_file([[person.nik, "", "WAGIMAN", "", "", village.digits]]),
        programme=programmes["PIP"],
        period="2026",
        dry_run=True,
        stored_file="ada.csv",
    )
    empty = import_list(
        list_file([["", "", "ORANG TIDAK ADA", "", "", village.digits]]),
        programme=programmes["PIP"],
        period="2026",
        dry_run=True,
        stored_file="kosong.csv",
    )
    client.force_login(task_force)

    page = client.get(reverse("assistance:list_detail", args=[good.pk])).content.decode()
    nothing = client.get(reverse("assistance:list_detail", args=[empty.pk])).content.decode()

    assert "<td>Akan ditambahkan</td>" in page and "<td>Ditambahkan</td>" not in page
    assert "Impor sekarang" not in nothing
    assert "tidak ada yang perlu diimpor" in nothing
