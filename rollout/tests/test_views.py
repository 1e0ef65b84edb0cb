import csv
import io

import pytest
from django.urls import reverse

from rollout import services
from rollout.models import Questionnaire, Stage, Standard
from rollout.tests.test_services import ANSWERS, QUESTIONS


@pytest.fixture
def questionnaire(regent):
    return services.create_questionnaire(regent, title="Evaluasi", questions=QUESTIONS)


def test_overview_for_regent_and_scope(
    client, regent, district_head, village_officer, village, other_village
):
    client.force_login(regent)
    page = client.get(reverse("rollout:overview")).content.decode()
    assert village.name in page and other_village.name in page
    client.force_login(district_head)
    page = client.get(reverse("rollout:overview")).content.decode()
    assert village.name in page and other_village.name not in page


def test_overview_export(client, regent):
    client.force_login(regent)
    response = client.get(reverse("rollout:overview"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 218
    response = client.get(reverse("rollout:overview"), {"format": "xlsx"})
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["overview", "questionnaire_list"])
def test_roles_outside_get_403(
    client, name, agency_officer, call_centre_operator, kiosk, resident_user
):
    for user in (agency_officer, call_centre_operator, kiosk, resident_user):
        client.force_login(user)
        assert client.get(reverse(f"rollout:{name}")).status_code == 403


def test_checklist_page(client, village_officer, village, other_village_officer, regent):
    url = reverse("rollout:village_checklist", args=[village.code])
    client.force_login(village_officer)
    assert client.get(url).status_code == 200
    response = client.post(url, {Standard.SERVICE_ROOM: "on", Standard.TRAINED_OPERATORS: "on"})
    assert response.status_code == 302
    assert services.readiness_of(village).score == 40
    assert client.post(url, {"action": "tahap", "stage": Stage.PILOT}).status_code == 403
    client.force_login(regent)
    response = client.post(url, {"action": "tahap", "stage": Stage.FULL})
    assert response.status_code == 200 and "belum memenuhi" in response.content.decode()
    client.post(url, {"action": "tahap", "stage": Stage.PILOT})
    assert services.readiness_of(village).stage == Stage.PILOT
    client.force_login(other_village_officer)
    assert client.get(url).status_code == 404
    assert client.post(url, {Standard.SERVICE_ROOM: "on"}).status_code == 404


def test_service_stage_page(client, regent, village_officer):
    from services.models import Service

    client.force_login(village_officer)
    assert client.get(reverse("rollout:service_stages")).status_code == 403
    client.force_login(regent)
    assert client.get(reverse("rollout:service_stages")).status_code == 200
    client.post(
        reverse("rollout:service_stages"), {"service": "keterangan-usaha", "from_stage": "2"}
    )
    assert Service.objects.get(code="keterangan-usaha").rollout.from_stage == 2


def test_build_send_answer_and_see_results(
    client, regent, village, village_officer, other_village_officer, district_head
):
    client.force_login(regent)
    response = client.post(
        reverse("rollout:questionnaire_new"),
        {
            "title": "Monev Triwulan",
            "q-TOTAL_FORMS": "3",
            "q-INITIAL_FORMS": "0",
            "q-0-text": "Internet lancar?",
            "q-0-kind": "single",
            "q-0-choices": "Ya\nTidak",
            "q-0-required": "on",
            "q-1-text": "Kepuasan",
            "q-1-kind": "scale",
            "q-1-scale_max": "5",
            "q-1-required": "on",
            "q-2-text": "",
        },
    )
    assert response.status_code == 302
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.current_version.questions.count() == 2
    response = client.post(
        reverse("rollout:questionnaire_detail", args=[questionnaire.pk]),
        {"action": "kirim", "name": "TW I", "villages": [village.pk]},
    )
    assert response.status_code == 302
    round_ = questionnaire.rounds.get()

    client.force_login(village_officer)
    assert "TW I" in client.get(reverse("rollout:questionnaire_list")).content.decode()
    url = reverse("rollout:round_answer", args=[round_.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"internet-lancar": "Ya", "kepuasan": "9"})
    assert response.status_code == 200 and "pilih 1 sampai 5" in response.content.decode()
    response = client.post(url, {"internet-lancar": "Ya", "kepuasan": "4"})
    assert response.status_code == 302

    client.force_login(district_head)
    page = client.get(reverse("rollout:round_results", args=[round_.pk])).content.decode()
    assert "<svg" in page and "1 dari 1 desa" in page
    client.force_login(other_village_officer)
    assert client.get(reverse("rollout:round_results", args=[round_.pk])).status_code == 404
    assert client.get(url).status_code == 404


def test_results_export_escapes(client, questionnaire, regent, village, village_officer):
    round_ = services.send_round(questionnaire, regent, name="R", villages=[village])
    services.submit_answers(round_, village_officer, {**ANSWERS, "saran": ["=1+2"]})
    client.force_login(regent)
    response = client.get(reverse("rollout:round_results", args=[round_.pk]), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=1+2" in text
    response = client.get(reverse("rollout:round_results", args=[round_.pk]), {"format": "xlsx"})
    assert response.status_code == 200


def test_questionnaire_building_is_regent_only(
    client, questionnaire, district_head, village_officer
):
    for user in (district_head, village_officer):
        client.force_login(user)
        assert client.get(reverse("rollout:questionnaire_new")).status_code == 403
        assert (
            client.get(reverse("rollout:questionnaire_detail", args=[questionnaire.pk])).status_code
            == 403
        )


def test_edit_after_answers_through_page(client, questionnaire, regent, village, village_officer):
    round_ = services.send_round(questionnaire, regent, name="R", villages=[village])
    services.submit_answers(round_, village_officer, ANSWERS)
    client.force_login(regent)
    url = reverse("rollout:questionnaire_detail", args=[questionnaire.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "action": "ubah",
            "q-TOTAL_FORMS": "1",
            "q-INITIAL_FORMS": "0",
            "q-0-key": "internet",
            "q-0-text": "Internet?",
            "q-0-kind": "single",
            "q-0-choices": "Lancar\nPutus",
            "q-0-required": "on",
        },
    )
    assert response.status_code == 302
    assert questionnaire.versions.count() == 2
    assert round_.responses.get().version.number == 1


def test_round_list_query_count(
    client, questionnaire, regent, village, village_officer, django_assert_max_num_queries
):
    for i in range(3):
        services.send_round(questionnaire, regent, name=f"R{i}", villages=[village])
    client.force_login(village_officer)
    url = reverse("rollout:questionnaire_list")
    client.get(url)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for i in range(60):
        services.send_round(questionnaire, regent, name=f"S{i}", villages=[village])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["page"].has_next


def test_navigation(village_officer, resident_user, call_centre_operator):
    from rollout.navigation import links

    assert len(links(village_officer)) == 2
    assert links(resident_user) == [] and links(call_centre_operator) == []


def test_pages_in_english(client, regent):
    client.force_login(regent)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("rollout:overview")).content.decode()
    assert "Smart Kampung rollout per village" in page and "Preparation" in page


def test_overview_query_count_does_not_grow_with_readiness(
    client, regent, village_officer, village, django_assert_max_num_queries
):
    client.force_login(regent)
    url = reverse("rollout:overview")
    client.get(url)
    with django_assert_max_num_queries(8) as before:
        client.get(url)
    services.update_checklist(village, village_officer, {Standard.SERVICE_ROOM: True})
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


def test_service_stage_list_is_paged(client, regent, django_assert_max_num_queries):
    client.force_login(regent)
    url = reverse("rollout:service_stages")
    client.get(url)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.context["page"].has_next


def test_regent_question_list(client, questionnaire, regent):
    client.force_login(regent)
    page = client.get(reverse("rollout:questionnaire_list")).content.decode()
    assert questionnaire.title in page
    assert client.get(reverse("rollout:questionnaire_new")).status_code == 200


def test_round_and_service_lists_export(client, questionnaire, regent, village):
    services.send_round(questionnaire, regent, name="R", villages=[village])
    client.force_login(regent)
    for name in ("questionnaire_list", "service_stages"):
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse(f"rollout:{name}"), {"format": fmt})
            assert response.status_code == 200
            assert len(b"".join(response.streaming_content)) > 20
