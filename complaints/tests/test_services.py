"""Business rules of complaints: intake, routing, states, replies, duplicates, escalation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import Role
from complaints import services
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    EscalationLevel,
    RoutingRule,
    ServiceLevel,
    State,
)
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- intake


def test_resident_without_location_gets_their_own_village(resident_user, village):
    complaint = services.submit_complaint(
        services.Intake(category=Category.HEALTH, description="Puskesmas tutup di jam layanan."),
        channel=Channel.WEB,
        user=resident_user,
    )
    assert complaint.village == village
    assert complaint.reporter_user == resident_user
    assert complaint.reporter_name == "SUPARMAN"
    assert complaint.state == State.ASSIGNED
    assert complaint.due_at > timezone.now()


def test_visitor_without_location_is_asked_for_the_village():
    intake = services.Intake(
        category=Category.HEALTH,
        description="Puskesmas tutup di jam layanan.",
        reporter_name="Budi",
    )
    with pytest.raises(ValidationError) as caught:
        services.submit_complaint(intake, channel=Channel.WEB)
    assert "village" in caught.value.message_dict
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("latitude", "200", "latitude"),
        ("latitude", "abc", "latitude"),
        ("longitude", "-181", "longitude"),
        ("description", "x" * 10_000, "description"),
        ("description", "pendek", "description"),
        ("category", "unknown", "category"),
    ],
)
def test_bad_intake_is_refused_naming_the_field(village, field, value, error_field):
    fields = {
        "category": Category.INFRASTRUCTURE,
        "description": "Jembatan bambu hampir roboh.",
        "village": village,
        "latitude": "-8.5",
        "longitude": "114.2",
        "reporter_name": "Budi",
        field: value,
    }
    with pytest.raises(ValidationError) as caught:
        services.submit_complaint(services.Intake(**fields), channel=Channel.WEB)
    assert error_field in caught.value.message_dict
    assert Complaint.objects.count() == 0


def test_only_an_illegal_levy_report_may_be_anonymous(village):
    intake = services.Intake(
        category=Category.HEALTH, description="Puskesmas tutup.", village=village, anonymous=True
    )
    with pytest.raises(ValidationError) as caught:
        services.submit_complaint(intake, channel=Channel.WEB)
    assert "anonymous" in caught.value.message_dict


def test_anonymous_illegal_levy_keeps_no_identity(resident_user, village):
    complaint = services.submit_complaint(
        services.Intake(
            category=Category.ILLEGAL_LEVY,
            description="Petugas minta uang Rp50.000 untuk surat pengantar.",
            anonymous=True,
            reporter_name="Tidak boleh tersimpan",
        ),
        channel=Channel.WEB,
        user=resident_user,
    )
    assert complaint.is_anonymous
    assert complaint.reporter_user is None and complaint.reporter_resident is None
    assert complaint.reporter_name == "" and complaint.reporter_phone == ""
    assert complaint.created_by is None
    assert complaint.village == village  # still routed to the right place


def test_call_centre_needs_the_operator_role(resident_user, village):
    intake = services.Intake(
        category=Category.HEALTH, description="Ambulans tidak datang.", village=village
    )
    with pytest.raises(services.NotPermitted):
        services.submit_complaint(intake, channel=Channel.CALL_CENTRE, user=resident_user)


def test_call_centre_asks_for_the_caller_or_anonymity(call_centre_operator, village):
    intake = services.Intake(
        category=Category.HEALTH, description="Ambulans tidak datang.", village=village
    )
    with pytest.raises(ValidationError) as caught:
        services.submit_complaint(intake, channel=Channel.CALL_CENTRE, user=call_centre_operator)
    assert "reporter_name" in caught.value.message_dict
    intake.reporter_phone = "081300000002"
    complaint = services.submit_complaint(
        intake, channel=Channel.CALL_CENTRE, user=call_centre_operator
    )
    assert complaint.created_by == call_centre_operator
    assert complaint.channel == Channel.CALL_CENTRE


def test_a_photo_must_be_a_real_image(village, png_upload):
    fake = SimpleUploadedFile("foto.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    intake = services.Intake(
        category=Category.INFRASTRUCTURE,
        description="Lampu jalan mati sepekan.",
        village=village,
        reporter_name="Budi",
    )
    with pytest.raises(ValidationError) as caught:
        services.submit_complaint(intake, channel=Channel.WEB, photo_uploads=[fake])
    assert "photo" in caught.value.message_dict

    # Right magic bytes, broken body: Pillow cannot decode it.
    truncated = SimpleUploadedFile("foto.png", png_upload().read()[:40])
    with pytest.raises(ValidationError):
        services.submit_complaint(intake, channel=Channel.WEB, photo_uploads=[truncated])
    assert Complaint.objects.count() == 0

    complaint = services.submit_complaint(intake, channel=Channel.WEB, photo_uploads=[png_upload()])
    photo = ComplaintPhoto.objects.get(complaint=complaint)
    assert (photo.content_type, photo.width, photo.height) == ("image/png", 4, 3)


# --------------------------------------------------------------------------- routing


def test_the_most_specific_routing_rule_wins(village, neighbour_village, agency, regent):
    from agencies.models import Agency, AgencyKind

    public_works = Agency.objects.create(code="pu", name="Dinas PU", kind=AgencyKind.REGIONAL)
    services.save_routing_rule(
        user=regent, category=Category.INFRASTRUCTURE, district=None, village=None, agency=agency
    )
    services.save_routing_rule(
        user=regent,
        category=Category.INFRASTRUCTURE,
        district=village.parent,
        village=None,
        agency=public_works,
    )
    services.save_routing_rule(
        user=regent, category=Category.INFRASTRUCTURE, district=None, village=village, agency=None
    )
    assert services.find_rule(Category.INFRASTRUCTURE, village).agency is None
    assert services.find_rule(Category.INFRASTRUCTURE, neighbour_village).agency == public_works
    assert services.find_rule(Category.HEALTH, village) is None


@pytest.mark.parametrize("place", ["regency", "district", "village"])
def test_one_routing_rule_per_place_on_every_database(village, agency, place):
    """Empty places count as one value: a second regency-wide rule is refused by the
    database itself, SQLite included (its unique index is on the places' ids or 0)."""
    from django.db import IntegrityError, transaction

    where = {
        "regency": {"district": None, "village": None},
        "district": {"district": village.parent, "village": None},
        "village": {"district": village.parent, "village": village},
    }[place]
    RoutingRule.objects.create(category=Category.HEALTH, agency=agency, **where)
    RoutingRule.objects.create(category=Category.OTHER, agency=agency, **where)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoutingRule.objects.create(category=Category.HEALTH, agency=None, **where)
    assert RoutingRule.objects.filter(category=Category.HEALTH).count() == 1


def test_migrate_checks_give_no_warning():
    """`manage.py migrate` on a new SQLite database printed models.W047 for routing rules."""
    from django.core import checks

    messages = checks.run_checks(databases=["default"], include_deployment_checks=False)
    assert [message.id for message in messages] == []


def test_only_the_regent_edits_routing_and_service_levels(village_officer, regent, agency):
    with pytest.raises(services.NotPermitted):
        services.save_routing_rule(
            user=village_officer,
            category=Category.HEALTH,
            district=None,
            village=None,
            agency=agency,
        )
    with pytest.raises(services.NotPermitted):
        services.save_service_level(user=village_officer, category=Category.HEALTH, working_days=2)
    services.save_service_level(user=regent, category=Category.HEALTH, working_days=2)
    services.save_service_level(user=regent, category=Category.HEALTH, working_days=4)
    assert ServiceLevel.objects.get().working_days == 4
    assert services.service_days(Category.HEALTH) == 4
    assert services.service_days(Category.OTHER) == services.DEFAULT_SERVICE_DAYS[Category.OTHER]
    assert RoutingRule.objects.count() == 0


def test_complaint_goes_to_the_agency_of_its_rule(make_complaint, regent, agency):
    services.save_routing_rule(
        user=regent,
        category=Category.POPULATION_DATA,
        district=None,
        village=None,
        agency=agency,
    )
    complaint = make_complaint(category=Category.POPULATION_DATA)
    assert complaint.agency == agency
    assert complaint.state == State.ASSIGNED


# --------------------------------------------------------------------------- states


def test_resolved_back_to_in_progress_only_by_reopening_with_a_reason(
    make_complaint, village_officer
):
    complaint = make_complaint()
    services.transition(complaint, user=village_officer, to_state=State.IN_PROGRESS)
    services.transition(
        complaint, user=village_officer, to_state=State.RESOLVED, note="Sudah ditambal."
    )
    with pytest.raises(services.TransitionNotAllowed):
        services.transition(complaint, user=village_officer, to_state=State.IN_PROGRESS)
    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED

    with pytest.raises(ValidationError) as caught:
        services.reopen(complaint, user=village_officer, reason="  ")
    assert "reason" in caught.value.message_dict
    services.reopen(complaint, user=village_officer, reason="Tambalan lepas lagi.")
    services.transition(complaint, user=village_officer, to_state=State.IN_PROGRESS)
    complaint.refresh_from_db()
    assert complaint.state == State.IN_PROGRESS
    reopen = complaint.events.get(action="reopen")
    assert reopen.note == "Tambalan lepas lagi."


def test_resolving_needs_a_note_and_asks_the_reporter(make_complaint, village_officer, outbox):
    complaint = make_complaint()
    with pytest.raises(ValidationError):
        services.transition(complaint, user=village_officer, to_state=State.RESOLVED)
    outbox.clear()
    services.transition(
        complaint, user=village_officer, to_state=State.RESOLVED, note="Sudah ditambal."
    )
    assert len(outbox) == 1
    assert "teratasi" in outbox[0].text
    assert outbox[0].phone == "081200000001"


def test_staff_outside_the_complaint_cannot_move_it(
    make_complaint, other_village_officer, agency_officer
):
    complaint = make_complaint()
    for user in (other_village_officer, agency_officer):
        with pytest.raises(services.NotPermitted):
            services.transition(complaint, user=user, to_state=State.IN_PROGRESS)
    complaint.refresh_from_db()
    assert complaint.state == State.ASSIGNED


def test_reporter_reopens_only_within_the_window(make_complaint, village_officer, settings):
    settings.COMPLAINTS_REOPEN_DAYS = 3
    complaint = make_complaint()
    services.transition(complaint, user=village_officer, to_state=State.RESOLVED, note="Beres.")
    Complaint.objects.filter(pk=complaint.pk).update(
        resolved_at=timezone.now() - datetime.timedelta(days=4)
    )
    with pytest.raises(services.TransitionNotAllowed):
        services.reopen(complaint, reason="Belum beres", by_reporter=True)

    Complaint.objects.filter(pk=complaint.pk).update(
        resolved_at=timezone.now() - datetime.timedelta(days=2)
    )
    reopened = services.reopen(complaint, reason="Belum beres", by_reporter=True)
    assert reopened.state == State.REOPENED
    assert reopened.reporter_confirmed is False
    assert reopened.events.get(action="reopen").actor_display == "Pelapor"


def test_reporter_confirms_and_the_complaint_closes(make_complaint, village_officer):
    complaint = make_complaint()
    with pytest.raises(services.TransitionNotAllowed):
        services.confirm_resolved(complaint)
    services.transition(complaint, user=village_officer, to_state=State.RESOLVED, note="Beres.")
    closed = services.confirm_resolved(complaint)
    assert closed.state == State.CLOSED
    assert closed.reporter_confirmed is True


def test_duplicate_closes_with_a_reference_when_the_original_closes(
    make_complaint, village_officer
):
    original = make_complaint()
    copy = make_complaint(description="Jalan berlubang di depan balai desa, bahaya.")
    services.mark_duplicate(copy, user=village_officer, original=original)
    copy.refresh_from_db()
    assert copy.state == State.DUPLICATE and copy.duplicate_of == original
    with pytest.raises(ValidationError):
        services.mark_duplicate(original, user=village_officer, original=original)

    services.transition(original, user=village_officer, to_state=State.RESOLVED, note="Beres.")
    copy.refresh_from_db()
    assert copy.state == State.DUPLICATE  # still waiting for the original to close
    services.transition(original, user=village_officer, to_state=State.CLOSED)
    copy.refresh_from_db()
    assert copy.state == State.CLOSED
    closing = copy.events.get(action="close")
    assert original.tracking_code in closing.note


def test_referring_names_where_to(make_complaint, village_officer):
    complaint = make_complaint()
    with pytest.raises(ValidationError) as caught:
        services.transition(complaint, user=village_officer, to_state=State.REFERRED, note="PLN")
    assert "referred_to" in caught.value.message_dict
    referred = services.transition(
        complaint,
        user=village_officer,
        to_state=State.REFERRED,
        note="Kabel listrik urusan PLN.",
        referred_to="PLN UP3 Banyuwangi",
    )
    assert referred.state == State.REFERRED
    assert referred.referred_to == "PLN UP3 Banyuwangi"


def test_the_same_staff_reply_posted_twice_is_stored_once(make_complaint, village_officer, outbox):
    complaint = make_complaint()
    outbox.clear()
    first, created = services.post_reply(complaint, user=village_officer, body="Kami cek besok.")
    again, created_again = services.post_reply(
        complaint, user=village_officer, body="Kami  cek besok. "
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert ComplaintEvent.objects.filter(complaint=complaint, is_reply=True).count() == 1
    assert len(outbox) == 1


def test_update_routes_again_and_refuses_strangers(
    make_complaint, village_officer, other_village_officer, neighbour_village
):
    complaint = make_complaint()
    with pytest.raises(services.NotPermitted):
        services.update_complaint(
            complaint, user=other_village_officer, category=Category.HEALTH, village=None
        )
    updated = services.update_complaint(
        complaint, user=village_officer, category=Category.HEALTH, village=neighbour_village
    )
    assert updated.category == Category.HEALTH
    assert updated.village == neighbour_village


def test_only_the_regent_deletes(make_complaint, village_officer, regent):
    complaint = make_complaint()
    with pytest.raises(services.NotPermitted):
        services.delete_complaint(complaint, user=village_officer)
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    services.delete_complaint(complaint, user=regent)
    assert not Complaint.objects.filter(pk=complaint.pk).exists()
    assert AuditEntry.objects.filter(action="complaints.complaint.deleted").exists()


# --------------------------------------------------------------------------- identity


def test_illegal_levy_reporter_is_hidden_from_the_office_complained_about(
    resident_user, village_officer, district_head, regent, agency_officer
):
    complaint = services.submit_complaint(
        services.Intake(
            category=Category.ILLEGAL_LEVY,
            description="Petugas desa minta uang untuk tanda tangan.",
        ),
        channel=Channel.WEB,
        user=resident_user,
    )
    assert complaint.reporter_user == resident_user  # kept, for the regent and the reporter
    assert not services.shows_reporter(village_officer, complaint)
    assert not services.shows_reporter(district_head, complaint)
    assert not services.shows_reporter(agency_officer, complaint)
    assert services.shows_reporter(regent, complaint)


def test_ordinary_reporter_is_shown_to_the_handling_office(make_complaint, village_officer):
    assert services.shows_reporter(village_officer, make_complaint())


# --------------------------------------------------------------------------- similar


def test_similar_complaints_same_village_and_category_by_text(
    make_complaint, village_officer, neighbour_village
):
    target = make_complaint(description="Jalan berlubang besar di depan balai desa Sarongan.")
    alike = make_complaint(description="Ada lubang besar di jalan depan balai desa.")
    make_complaint(description="Anjing liar berkeliaran di pasar pagi hari.")
    make_complaint(
        description="Jalan berlubang besar di depan balai desa Sarongan.", village=neighbour_village
    )
    make_complaint(
        category=Category.HEALTH, description="Jalan berlubang besar di depan balai desa Sarongan."
    )
    found = services.similar_complaints(target, user=village_officer)
    assert [other for _score, other in found] == [alike]


# --------------------------------------------------------------------------- escalation


def _overdue(complaint, days=1):
    Complaint.objects.filter(pk=complaint.pk).update(
        due_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_overdue_goes_to_the_district_head_then_the_regent(
    make_complaint, district_head, regent, outbox
):
    district_head.phone = "081100000003"
    district_head.save()
    complaint = make_complaint()
    _overdue(complaint)
    report = services.escalate_overdue()
    assert (report.to_district_head, report.to_regent) == (1, 0)
    complaint.refresh_from_db()
    assert complaint.escalation_level == EscalationLevel.DISTRICT_HEAD
    assert complaint.due_at > timezone.now()
    assert any(message.phone == "081100000003" for message in outbox)

    assert services.escalate_overdue().to_regent == 0  # not overdue again yet
    _overdue(complaint)
    report = services.escalate_overdue()
    assert report.to_regent == 1
    complaint.refresh_from_db()
    assert complaint.escalation_level == EscalationLevel.REGENT
    assert complaint.events.filter(action="escalate").count() == 2


def test_overdue_without_a_district_head_goes_to_the_regent(make_complaint, regent, make_user):
    make_user(Role.DISTRICT_HEAD, region=regent.region or _other_district())  # elsewhere
    complaint = make_complaint()
    _overdue(complaint)
    report = services.escalate_overdue()
    assert (report.to_district_head, report.to_regent) == (0, 1)
    complaint.refresh_from_db()
    assert complaint.escalation_level == EscalationLevel.REGENT
    assert AuditEntry.objects.filter(action="complaints.complaint.escalated").count() == 1


def _other_district():
    from regions.models import Region

    return Region.objects.districts().exclude(code="35.10.01").first()


def test_inactive_district_head_does_not_stop_escalation(make_complaint, district_head, regent):
    district_head.is_active = False
    district_head.save()
    complaint = make_complaint()
    _overdue(complaint)
    assert services.escalate_overdue().to_regent == 1


def test_closed_and_resolved_complaints_do_not_escalate(make_complaint, village_officer, regent):
    complaint = make_complaint()
    services.transition(complaint, user=village_officer, to_state=State.RESOLVED, note="Beres.")
    _overdue(complaint)
    report = services.escalate_overdue()
    assert (report.to_district_head, report.to_regent) == (0, 0)


def test_escalate_command_runs_the_job(make_complaint, regent, settings):
    settings.COMPLAINTS_REOPEN_DAYS = 1
    complaint = make_complaint()
    _overdue(complaint)
    finished = make_complaint()
    Complaint.objects.filter(pk=finished.pk).update(
        state=State.RESOLVED, resolved_at=timezone.now() - datetime.timedelta(days=2)
    )
    from io import StringIO

    out = StringIO()
    call_command("escalate_complaints", stdout=out)
    assert out.getvalue().strip() == "to_district_head=0 to_regent=1 auto_closed=1"
    finished.refresh_from_db()
    assert finished.state == State.CLOSED


def test_escalation_job_is_registered(make_complaint, regent, settings):
    from core import jobs

    settings.JOBS_MODE = "inline"
    complaint = make_complaint()
    _overdue(complaint)
    job = jobs.enqueue("complaints.escalate", params={}, user=regent, label="eskalasi")
    job.refresh_from_db()
    assert job.status == "done"
    assert job.result["to_regent"] == 1


def test_overdue_complaint_without_a_village_goes_to_the_regent(regent, district_head):
    complaint = services.submit_complaint(
        services.Intake(
            category=Category.INFRASTRUCTURE,
            description="Jalan amblas di dekat pantai.",
            latitude="-8.6",
            longitude="114.2",
        ),
        channel=Channel.OPEN311,
    )
    assert complaint.village is None and complaint.state == State.NEW
    _overdue(complaint)
    assert services.escalate_overdue().to_regent == 1
    complaint.refresh_from_db()
    assert complaint.escalation_level == EscalationLevel.REGENT


def test_illegal_levy_without_a_rule_waits_for_district_or_regent(
    make_complaint, village_officer, district_head, regent, agency
):
    complaint = make_complaint(category=Category.ILLEGAL_LEVY, anonymous=True)
    assert complaint.state == State.NEW and complaint.agency is None
    assert not Complaint.objects.visible_to(village_officer).filter(pk=complaint.pk).exists()
    assert services.may_handle(district_head, complaint)
    services.save_routing_rule(
        user=regent, category=Category.ILLEGAL_LEVY, district=None, village=None, agency=agency
    )
    routed = make_complaint(category=Category.ILLEGAL_LEVY, anonymous=True)
    assert routed.agency == agency and routed.state == State.ASSIGNED


def test_demo_data_is_deterministic_and_idempotent(
    resident_in_village, make_resident, village, regent, village_officer
):
    from io import StringIO

    from complaints import demo_data

    for _ in range(5):
        make_resident(village, full_name="WARGA DEMO")
    out = StringIO()
    demo_data.seed(seed=7, stdout=out)
    count = Complaint.objects.count()
    assert count == 36
    assert Complaint.objects.filter(state=State.CLOSED).exists()
    assert RoutingRule.objects.count() == len(demo_data.RULES)
    demo_data.seed(seed=7, stdout=out)
    assert Complaint.objects.count() == count
    assert "already seeded" in out.getvalue()


def test_control_characters_are_refused_in_every_text(make_complaint, village_officer):
    complaint = make_complaint()
    with pytest.raises(ValidationError) as caught:
        services.post_reply(complaint, user=village_officer, body="Halo\x00")
    assert "body" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.transition(
            complaint, user=village_officer, to_state=State.RESOLVED, note="Beres\x00"
        )
    assert "note" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        make_complaint(reporter_name="Bu\x07di")
    assert "reporter_name" in caught.value.message_dict
