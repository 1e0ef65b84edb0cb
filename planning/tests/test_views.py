import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from planning import services
from planning.models import MeetingLevel, Proposal, Status
from planning.tests.conftest import YEAR

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def _fixed_year(monkeypatch):
    monkeypatch.setattr(services, "current_year", lambda: YEAR)


def test_resident_sees_similar_before_submitting(client, resident_user, village_officer, propose):
    existing = propose(village_officer, title="Perbaikan jalan dusun Krajan")
    client.force_login(resident_user)
    data = {
        "title": "perbaikan jalan Krajan",
        "sector": "infrastructure",
        "location": "Krajan",
        "estimated_cost": "1000000",
    }
    response = client.post(reverse("planning:proposal_new"), data)
    assert response.status_code == 200
    assert f"#{existing.pk}" in response.content.decode()
    assert Proposal.objects.count() == 1
    response = client.post(
        reverse("planning:proposal_new"),
        {
            **data,
            "confirm": "on",
            "photo": SimpleUploadedFile("a.png", PNG),
        },
    )
    assert response.status_code == 302
    created = Proposal.objects.exclude(pk=existing.pk).get()
    assert created.photos.count() == 1
    photo = created.photos.get()
    assert client.get(reverse("planning:photo", args=[photo.pk])).status_code == 200


def test_outside_scope_is_404(
    client,
    propose,
    resident_user,
    other_village_officer,
    make_user,
    other_village,
    resident_elsewhere,
):
    proposal = propose(resident_user)
    services.add_photo(proposal, resident_user, SimpleUploadedFile("a.png", PNG))
    photo = proposal.photos.get()
    other_head = make_user(Role.DISTRICT_HEAD, region=other_village.parent)
    other_resident = make_user(Role.RESIDENT, resident=resident_elsewhere)
    for user in (other_village_officer, other_head, other_resident):
        client.force_login(user)
        assert (
            client.get(reverse("planning:proposal_detail", args=[proposal.pk])).status_code == 404
        )
        assert client.get(reverse("planning:photo", args=[photo.pk])).status_code == 404
        response = client.post(reverse("planning:proposal_action", args=[proposal.pk, "dukung"]))
        assert response.status_code == 404


def test_roles_without_musrenbang_get_403(client, agency_officer, call_centre_operator, kiosk):
    for user in (agency_officer, call_centre_operator, kiosk):
        client.force_login(user)
        assert client.get(reverse("planning:proposal_list")).status_code == 403
        assert client.get(reverse("planning:meeting_list")).status_code == 403


def test_edit_of_merged_proposal_is_refused_on_the_page(
    client, propose, resident_user, village_officer
):
    original = propose(resident_user, title="Jalan rusak")
    target = propose(village_officer, title="Perbaikan jalan")
    client.force_login(village_officer)
    response = client.post(
        reverse("planning:proposal_action", args=[target.pk, "gabung"]),
        {"sources": [original.pk], "note": "sama"},
    )
    assert response.status_code == 302
    original.refresh_from_db()
    assert original.merged_into == target
    client.force_login(resident_user)
    response = client.post(
        reverse("planning:proposal_edit", args=[original.pk]),
        {"title": "Diubah", "sector": "infrastructure", "location": "X", "estimated_cost": "1"},
        follow=True,
    )
    original.refresh_from_db()
    assert original.title == "Jalan rusak"
    assert "tidak dapat diubah" in response.content.decode()


def test_support_and_decide_through_the_page(
    client, propose, resident_user, village_officer, meeting
):
    proposal = propose(resident_user)
    client.force_login(resident_user)
    client.post(reverse("planning:proposal_action", args=[proposal.pk, "dukung"]))
    response = client.post(
        reverse("planning:proposal_action", args=[proposal.pk, "dukung"]), follow=True
    )
    assert "sudah mendukung" in response.content.decode()
    assert proposal.supports.count() == 1
    hamlet_meeting = meeting(MeetingLevel.HAMLET)
    client.force_login(village_officer)
    page = client.get(reverse("planning:proposal_detail", args=[proposal.pk])).content.decode()
    assert "Catat keputusan rapat" in page
    client.post(
        reverse("planning:proposal_action", args=[proposal.pk, "putuskan"]),
        {"meeting": hamlet_meeting.pk, "outcome": "forwarded"},
    )
    proposal.refresh_from_db()
    assert proposal.level == MeetingLevel.VILLAGE


def test_meeting_pages(client, village_officer, district_head, other_village_officer):
    client.force_login(village_officer)
    response = client.post(
        reverse("planning:meeting_list"),
        {
            "year": YEAR,
            "level": MeetingLevel.VILLAGE,
            "held_on": f"{YEAR}-02-01",
            "minutes": "Disepakati 12 usulan.",
        },
    )
    assert response.status_code == 302
    url = response["Location"]
    assert "Disepakati" in client.get(url).content.decode()
    client.force_login(district_head)
    assert client.get(url).status_code == 200
    client.force_login(other_village_officer)
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("planning:meeting_list"),
        {
            "year": YEAR,
            "level": MeetingLevel.REGENCY,
            "held_on": f"{YEAR}-02-01",
            "minutes": "x",
        },
    )
    assert response.status_code == 403


def test_carry_over_only_by_regent(client, village_officer, regent):
    client.force_login(village_officer)
    assert client.post(reverse("planning:carry_over"), {"year": YEAR}).status_code == 403
    client.force_login(regent)
    assert client.post(reverse("planning:carry_over"), {"year": YEAR}).status_code == 302


def test_list_query_count_and_export(
    client, propose, village_officer, django_assert_max_num_queries
):
    for i in range(3):
        propose(village_officer, title=f"Usulan {i}")
    client.force_login(village_officer)
    url = reverse("planning:proposal_list")
    client.get(url)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for i in range(60):
        propose(village_officer, title=f"=cmd|' /C calc'!A{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["page"].has_next
    response = client.get(url, {"keperluan": "Pendataan program", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 64 and rows[1][2].startswith("'=")
    response = client.get(url, {"keperluan": "Pendataan program", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxml")


def test_funded_progress_page(
    client, propose, resident_user, walk, meeting, regent, village_officer
):
    proposal = walk(propose(resident_user))
    services.decide(proposal, meeting(MeetingLevel.REGENCY, regent), "funded", regent)
    client.force_login(village_officer)
    client.post(
        reverse("planning:proposal_action", args=[proposal.pk, "kemajuan"]),
        {"percent": "60", "note": "Pengaspalan"},
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.FUNDED and proposal.progress == 60
    page = client.get(reverse("planning:proposal_detail", args=[proposal.pk])).content.decode()
    assert "60%" in page


def test_pages_in_english(client, village_officer):
    client.force_login(village_officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("planning:proposal_list")).content.decode()
    assert "Musrenbang proposals" in page


def test_meeting_list_query_count(client, village_officer, meeting, django_assert_max_num_queries):
    client.force_login(village_officer)
    url = reverse("planning:meeting_list")
    meeting(MeetingLevel.HAMLET)
    client.get(url)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for _ in range(60):
        meeting(MeetingLevel.HAMLET)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["page"].has_next
    response = client.get(url, {"keperluan": "Pendataan program", "format": "csv"})
    assert b"Notulen" in b"".join(response.streaming_content)


def test_forms_render(client, propose, resident_user):
    proposal = propose(resident_user)
    client.force_login(resident_user)
    assert client.get(reverse("planning:proposal_new")).status_code == 200
    assert client.get(reverse("planning:proposal_edit", args=[proposal.pk])).status_code == 200
    response = client.post(
        reverse("planning:proposal_edit", args=[proposal.pk]),
        {
            "title": "Jalan baru",
            "sector": "infrastructure",
            "location": "Krajan",
            "estimated_cost": "2000000",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Jalan baru"


def test_the_history_reads_in_words(client, propose, resident_user, village_officer, meeting):
    original = propose(resident_user, title="Jalan Krajan rusak")
    target = propose(village_officer, title="Perbaikan jalan Krajan")
    services.edit_proposal(target, village_officer, estimated_cost="175000000")
    services.merge([original], target, village_officer, note="Sama lokasinya")
    services.decide(target, meeting(MeetingLevel.HAMLET), "forwarded", village_officer)
    client.force_login(village_officer)

    page = client.get(reverse("planning:proposal_detail", args=[target.pk])).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("planning:proposal_detail", args=[target.pk])).content.decode()

    assert "Usulan dibuat" in page and "(150000000 → 175000000)" in page
    assert "<dd>175.000.000</dd>" in page and "<dd>175,000,000</dd>" in english
    assert "Diputuskan di Musyawarah dusun: Diteruskan ke tahap berikutnya" in page
    assert f"Gabungan dari usulan #{original.pk} — Sama lokasinya" in page
    assert "<code>" not in page and "merged_from" not in page and "changes:" not in page
    assert "Proposal created" in english
    history = page.split("<h2>Riwayat</h2>", 1)[1]
    assert "Petugas desa / kelurahan" in history and village_officer.username not in history
