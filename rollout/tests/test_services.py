import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from rollout import services
from rollout.models import Answer, Response, Stage, Standard
from services.models import Service

ALL = dict.fromkeys(Standard.values, True)


@pytest.fixture
def service(db):
    return Service.objects.get(code="keterangan-usaha")


# --------------------------------------------------------------------------- readiness


def test_checklist_scores_by_weight(village, village_officer):
    readiness = services.update_checklist(
        village,
        village_officer,
        {
            Standard.SERVICE_ROOM: True,
            Standard.TRAINED_OPERATORS: True,
            Standard.READING_CORNER: False,
        },
    )
    assert readiness.score == 40
    readiness = services.update_checklist(village, village_officer, ALL)
    assert readiness.score == 100


def test_checklist_outside_scope_is_refused(
    village, other_village_officer, district_head, other_village
):
    with pytest.raises(PermissionDenied):
        services.update_checklist(village, other_village_officer, ALL)
    with pytest.raises(PermissionDenied):
        services.update_checklist(other_village, district_head, ALL)


def test_unknown_standard_is_named(village, village_officer):
    with pytest.raises(ValidationError, match="swimming_pool"):
        services.update_checklist(village, village_officer, {"swimming_pool": True})


def test_stage_needs_its_standards(village, village_officer, regent):
    services.update_checklist(village, village_officer, {Standard.SERVICE_ROOM: True})
    with pytest.raises(ValidationError, match="Operator terlatih"):
        services.set_stage(village, Stage.PILOT, regent)
    services.update_checklist(village, village_officer, {Standard.TRAINED_OPERATORS: True})
    assert services.set_stage(village, Stage.PILOT, regent).stage == Stage.PILOT


def test_only_the_regent_sets_stages(village, village_officer, district_head):
    for user in (village_officer, district_head):
        with pytest.raises(PermissionDenied):
            services.set_stage(village, Stage.PREPARATION, user)


def test_service_enabled_by_stage(village, other_village, village_officer, regent, service):
    # Not governed by the rollout: on everywhere.
    assert services.service_enabled(service, village) is True
    services.set_service_stage(service, Stage.RUNNING, regent)
    assert services.service_enabled(service, village) is False
    assert services.service_enabled(service, other_village) is False
    services.update_checklist(village, village_officer, ALL)
    services.set_stage(village, Stage.RUNNING, regent)
    assert services.service_enabled(service, village) is True
    assert services.service_enabled(service, village.pk) is True
    assert services.service_enabled(service, other_village) is False
    services.set_service_stage(service, None, regent)
    assert services.service_enabled(service, other_village) is True


def test_overview_counts_each_village_in_scope(village, village_officer, regent, district_head):
    services.update_checklist(village, village_officer, ALL)
    services.set_stage(village, Stage.FULL, regent)
    groups, totals = services.rollout_overview(regent)
    assert sum(totals.values()) == 217 and totals[Stage.FULL] == 1
    groups, totals = services.rollout_overview(district_head)
    assert len(groups) == 1 and groups[0].district.pk == village.parent_id
    groups, totals = services.rollout_overview(village_officer)
    assert [v.pk for g in groups for v in g.villages] == [village.pk]
    assert groups[0].villages[0].score == 100


def test_overview_is_empty_without_scope(agency_officer, call_centre_operator):
    for user in (agency_officer, call_centre_operator):
        assert services.rollout_overview(user) == ([], {})


# --------------------------------------------------------------------------- questionnaires

QUESTIONS = [
    {
        "key": "internet",
        "text": "Apakah internet lancar?",
        "kind": "single",
        "choices": ["Ya", "Tidak"],
    },
    {
        "key": "layanan",
        "text": "Layanan yang tersedia",
        "kind": "multiple",
        "choices": ["KTP", "KK", "Akta"],
    },
    {"key": "puas", "text": "Kepuasan warga", "kind": "scale", "scale_max": 5},
    {"key": "saran", "text": "Saran", "kind": "text", "required": False},
]
ANSWERS = {"internet": ["Ya"], "layanan": ["KTP", "Akta"], "puas": ["4"], "saran": ["Tambah"]}


@pytest.fixture
def questionnaire(regent):
    return services.create_questionnaire(regent, title="Evaluasi layanan", questions=QUESTIONS)


def test_only_staff_of_the_regency_build_questionnaires(village_officer, district_head):
    for user in (village_officer, district_head):
        with pytest.raises(PermissionDenied):
            services.create_questionnaire(user, title="X", questions=QUESTIONS)


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"text": "", "kind": "text"}, "Pertanyaan 1: teks kosong"),
        ({"text": "A?", "kind": "essay"}, "Pertanyaan 1: jenis tidak dikenal"),
        ({"text": "A?", "kind": "single", "choices": ["Ya"]}, "minimal dua"),
        ({"text": "A?", "kind": "scale", "scale_max": 40}, "skala 2 sampai 10"),
    ],
)
def test_bad_questions_are_named(regent, bad, message):
    with pytest.raises(ValidationError, match=message):
        services.create_questionnaire(regent, title="X", questions=[bad])


def test_send_to_selection_and_answer(
    questionnaire,
    regent,
    village,
    other_village,
    village_officer,
    other_village_officer,
    neighbour_village,
    make_user,
):
    round_ = services.send_round(questionnaire, regent, name="Triwulan I", villages=[village])
    response = services.submit_answers(round_, village_officer, ANSWERS)
    assert response.answers.count() == 4
    # A village the round was not sent to cannot answer.
    with pytest.raises(PermissionDenied):
        services.submit_answers(round_, other_village_officer, ANSWERS)
    # A district head does not answer for a village.
    head = make_user(Role.DISTRICT_HEAD, region=village.parent)
    with pytest.raises(PermissionDenied):
        services.submit_answers(round_, head, ANSWERS)


def test_send_to_all_villages(questionnaire, regent):
    round_ = services.send_round(questionnaire, regent, name="Semua")
    assert round_.villages.count() == 217


@pytest.mark.parametrize(
    "answers, message",
    [
        ({**ANSWERS, "internet": []}, "wajib dijawab"),
        ({**ANSWERS, "internet": ["Ya", "Tidak"]}, "pilih satu saja"),
        ({**ANSWERS, "layanan": ["SIM"]}, "pilihan tidak dikenal"),
        ({**ANSWERS, "puas": ["9"]}, "pilih 1 sampai 5"),
    ],
)
def test_bad_answers_are_refused_with_the_question(
    questionnaire, regent, village, village_officer, answers, message
):
    round_ = services.send_round(questionnaire, regent, name="R", villages=[village])
    with pytest.raises(ValidationError, match=message):
        services.submit_answers(round_, village_officer, answers)
    assert not Response.objects.exists()


def test_change_after_answers_makes_a_new_version(
    questionnaire, regent, village, neighbour_village, village_officer, make_user
):
    round_ = services.send_round(
        questionnaire, regent, name="R", villages=[village, neighbour_village]
    )
    first = services.submit_answers(round_, village_officer, ANSWERS)
    changed = [dict(q) for q in QUESTIONS]
    changed[0] = {**changed[0], "choices": ["Lancar", "Kadang putus", "Tidak ada"]}
    version = services.change_questions(questionnaire, regent, changed)
    assert version.number == 2
    first.refresh_from_db()
    assert first.version.number == 1
    assert first.version.questions.get(key="internet").choices == ["Ya", "Tidak"]
    assert Answer.objects.filter(response=first).count() == 4
    # The village that already answered keeps its version when it corrects its answers.
    services.submit_answers(round_, village_officer, {**ANSWERS, "internet": ["Tidak"]})
    first.refresh_from_db()
    assert first.version.number == 1
    # A village that starts now answers the new version.
    neighbour = make_user(Role.VILLAGE_OFFICER, region=neighbour_village)
    second = services.submit_answers(round_, neighbour, {**ANSWERS, "internet": ["Lancar"]})
    assert second.version.number == 2
    results = services.round_results(round_, regent)
    assert results["version"].number == 2 and results["other_versions"] == 1


def test_change_before_answers_edits_in_place(questionnaire, regent):
    version = services.change_questions(questionnaire, regent, QUESTIONS[:2])
    assert version.number == 1 and version.questions.count() == 2


def test_results_per_district_and_scope(
    questionnaire,
    regent,
    village,
    neighbour_village,
    other_village,
    village_officer,
    other_village_officer,
    district_head,
    make_user,
):
    round_ = services.send_round(
        questionnaire, regent, name="R", villages=[village, neighbour_village, other_village]
    )
    services.submit_answers(round_, village_officer, ANSWERS)
    services.submit_answers(
        round_,
        make_user(Role.VILLAGE_OFFICER, region=neighbour_village),
        {**ANSWERS, "internet": ["Tidak"], "puas": ["2"]},
    )
    services.submit_answers(round_, other_village_officer, ANSWERS)

    whole = services.round_results(round_, regent)
    internet = next(r for r in whole["results"] if r.question.key == "internet")
    assert {b["label"]: b["count"] for b in internet.bars()} == {"Ya": 2, "Tidak": 1}
    district = village.parent.name
    assert {b["label"]: b["count"] for b in internet.bars(district)} == {"Ya": 1, "Tidak": 1}
    scale = next(r for r in whole["results"] if r.question.key == "puas")
    assert scale.mean() == pytest.approx(10 / 3, abs=0.01)
    assert whole["responded"] == 3 and whole["expected"] == 3

    mine = services.round_results(round_, district_head)
    assert mine["responded"] == 2 and mine["districts"] == [district]
    texts = next(r for r in mine["results"] if r.question.key == "saran").texts
    assert len(texts) == 2
    assert services.round_results(round_, other_village_officer)["responded"] == 1
    rows = list(services.export_rows(round_, district_head))
    assert len(rows) == 8 and {row[1] for row in rows} == {village.code, neighbour_village.code}


def test_past_rounds_stay_comparable(questionnaire, regent, village, village_officer):
    first = services.send_round(questionnaire, regent, name="2025", villages=[village])
    services.submit_answers(first, village_officer, {**ANSWERS, "puas": ["2"]})
    changed = [dict(q) for q in QUESTIONS] + [
        {"key": "baru", "text": "Pertanyaan baru", "kind": "text", "required": False}
    ]
    services.change_questions(questionnaire, regent, changed)
    second = services.send_round(questionnaire, regent, name="2026", villages=[village])
    services.submit_answers(second, village_officer, {**ANSWERS, "puas": ["5"]})
    rows = services.compare_rounds(questionnaire, regent, "puas")
    assert [(r["round"].name, r["mean"]) for r in rows] == [("2025", 2.0), ("2026", 5.0)]


def test_rounds_visible_by_scope(
    questionnaire,
    regent,
    village,
    other_village_officer,
    village_officer,
    agency_officer,
    resident_user,
):
    round_ = services.send_round(questionnaire, regent, name="R", villages=[village])
    assert list(services.rounds_for(village_officer)) == [round_]
    for user in (other_village_officer, agency_officer, resident_user):
        assert not services.rounds_for(user).exists()
