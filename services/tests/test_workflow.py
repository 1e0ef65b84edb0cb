"""The application state machine: each level's path, who may take each step, and the record
each step leaves (history, timestamps, durations, notifications)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from core.workdays import add_working_days, regency_date, regency_today
from documents.models import DocumentTemplate, IssuedDocument, NumberingSeries
from people.choices import Relationship
from services import services
from services.models import Application, Service, State
from services.workflow import (
    IncompleteStep,
    NotPermitted,
    TransitionNotAllowed,
    WorkflowError,
    allowed_actions,
)

# --------------------------------------------------------------------------- the three paths


def test_a_village_letter_goes_from_draft_to_issued_with_the_village_head(
    draft, applicant_user, village_officer, village_head, village_letter, village
):
    application = draft(village_letter)
    assert application.state == State.DRAFT

    services.submit(application, applicant_user)
    services.verify(application, village_officer)
    application = services.approve(application, village_head)

    assert application.state == State.ISSUED
    document = application.document
    assert document.office_code == village.code
    assert document.signer_position == "Kepala Desa Sarongan"
    assert document.signer_name == "H. SLAMET RIYADI"
    assert document.number.endswith(
        f"/{village.code}/{document.number.split('/')[-2]}/{document.year}"
    )
    assert [event.action for event in application.events.all()] == [
        "create",
        "submit",
        "verify",
        "approve",
        "issue",
    ]


def test_a_district_letter_is_verified_by_the_village_and_approved_by_the_camat(
    verified, village_officer, district_head, district_letter, village
):
    application = verified(district_letter)
    assert application.district == village.parent

    services.forward(application, village_officer)
    application = services.approve(application, district_head)

    assert application.state == State.ISSUED
    assert application.document.office_code == village.parent.code
    assert application.document.signer_position == "Camat Pesanggaran"


def test_an_agency_service_is_forwarded_to_the_agency_and_approved_by_its_head(
    verified, village_officer, dukcapil_head, agency_service, dukcapil
):
    application = verified(agency_service)
    assert application.agency == dukcapil

    services.forward(application, village_officer)
    application = services.approve(application, dukcapil_head)

    assert application.state == State.ISSUED
    assert application.document.office_code == "dukcapil"
    assert application.document.signer_position == (
        "Kepala Dinas Kependudukan dan Pencatatan Sipil"
    )


def test_a_service_without_a_document_ends_issued_with_no_pdf(
    draft, applicant_user, village_officer, dukcapil_head, applicant
):
    ktp = Service.objects.get(code="dukcapil-ktp-el")
    application = draft(ktp, answers={"jenis_permohonan": "Cetak karena rusak"})
    services.submit(application, applicant_user)
    services.verify(application, village_officer)
    services.forward(application, village_officer)

    application = services.approve(application, dukcapil_head)

    assert application.state == State.ISSUED
    assert application.document is None
    assert "tidak menghasilkan dokumen" in application.events.last().note


def test_every_step_is_timestamped_and_written_to_the_history(
    forwarded, district_head, district_letter, village_officer
):
    application = services.approve(forwarded(district_letter), district_head)

    for field in ("submitted_at", "verified_at", "forwarded_at", "approved_at", "issued_at"):
        assert getattr(application, field) is not None, field
    events = list(application.events.all())
    assert [(e.from_state, e.to_state) for e in events] == [
        ("", State.DRAFT),
        (State.DRAFT, State.SUBMITTED),
        (State.SUBMITTED, State.VERIFIED),
        (State.VERIFIED, State.FORWARDED),
        (State.FORWARDED, State.APPROVED),
        (State.APPROVED, State.ISSUED),
    ]
    assert events[2].actor == village_officer
    assert events[4].actor == district_head
    assert all(event.actor_label for event in events)


def test_each_state_change_notifies_the_applicant(
    outbox,
    draft,
    applicant_user,
    village_officer,
    village_head,
    village_letter,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        application = draft(village_letter)
        services.submit(application, applicant_user)
        services.verify(application, village_officer)
        services.approve(application, village_head)

    assert [message.phone for message in outbox] == ["081234567890"] * 4
    assert "Diajukan" in outbox[0].text
    assert "Diverifikasi desa" in outbox[1].text
    assert "Selesai" in outbox[3].text
    assert application.tracking_code in outbox[3].text


def test_a_step_rolled_back_sends_no_notification(
    outbox, submitted, village_head, village_letter, django_capture_on_commit_callbacks
):
    application = submitted(village_letter)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(IncompleteStep):
        services.reject(application, village_head, reason="")

    assert outbox == []


# --------------------------------------------------------------------------- who may act


def test_a_village_officer_cannot_approve_a_village_letter(
    verified, village_officer, village_letter
):
    application = verified(village_letter)

    with pytest.raises(NotPermitted, match="kepala desa"):
        services.approve(application, village_officer)


def test_a_village_officer_of_another_village_cannot_verify_forward_or_approve(
    submitted, verified, other_village_officer, other_village_head, district_letter, village_letter
):
    waiting = submitted(district_letter)
    with pytest.raises(NotPermitted, match="di luar wilayah"):
        services.verify(waiting, other_village_officer)

    to_forward = verified(district_letter)
    with pytest.raises(NotPermitted):
        services.forward(to_forward, other_village_officer)

    to_approve = verified(village_letter)
    with pytest.raises(NotPermitted):
        services.approve(to_approve, other_village_head)
    with pytest.raises(NotPermitted):
        services.reject(to_approve, other_village_officer, reason="bukan warga kami")

    for application in (waiting, to_forward, to_approve):
        application.refresh_from_db()
        assert application.state in (State.SUBMITTED, State.VERIFIED)
        assert application.document is None


def test_not_permitted_is_a_permission_denied_and_a_workflow_error(
    submitted, other_village_officer, village_letter
):
    with pytest.raises(PermissionDenied) as error:
        services.verify(submitted(village_letter), other_village_officer)

    assert isinstance(error.value, WorkflowError)


def test_the_village_head_cannot_approve_a_district_letter(
    forwarded, village_head, district_letter
):
    with pytest.raises(NotPermitted, match="camat Pesanggaran"):
        services.approve(forwarded(district_letter), village_head)


def test_a_camat_of_another_district_cannot_approve(
    forwarded, other_district_head, district_letter
):
    with pytest.raises(NotPermitted):
        services.approve(forwarded(district_letter), other_district_head)


def test_a_district_officer_returns_but_only_the_camat_approves(
    forwarded, district_officer, district_letter
):
    application = forwarded(district_letter)

    with pytest.raises(NotPermitted):
        services.approve(application, district_officer)
    services.return_for_revision(application, district_officer, reason="Alamat tujuan kurang")

    application.refresh_from_db()
    assert application.state == State.RETURNED


def test_the_head_of_another_agency_cannot_approve(
    forwarded, other_agency_head, dukcapil_officer, agency_service
):
    application = forwarded(agency_service)

    with pytest.raises(NotPermitted):
        services.approve(application, other_agency_head)
    with pytest.raises(NotPermitted, match="kepala Dinas Kependudukan"):
        services.approve(application, dukcapil_officer)


def test_the_agency_cannot_act_before_the_village_forwards(verified, dukcapil_head, agency_service):
    with pytest.raises(NotPermitted, match="di luar wilayah"):
        services.approve(verified(agency_service), dukcapil_head)


def test_the_village_cannot_act_once_it_has_forwarded(forwarded, village_officer, district_letter):
    with pytest.raises(NotPermitted, match="kecamatan Pesanggaran"):
        services.reject(forwarded(district_letter), village_officer, reason="salah")


@pytest.mark.parametrize("persona", ["regent", "call_centre_operator", "kiosk"])
def test_roles_without_a_step_are_refused_every_step(request, persona, submitted, village_letter):
    user = request.getfixturevalue(persona)
    application = submitted(village_letter)

    for action in ("verify", "forward", "approve", "cancel"):
        with pytest.raises(NotPermitted):
            services.perform(action, application, user)
    assert allowed_actions(user, application) == []


def test_a_family_member_sees_the_application_but_cannot_cancel_it(
    make_user, draft, applicant, village_letter
):
    spouse = applicant.family.members.create(
        full_name="SITI MARYAM",
        sex="P",
        village=applicant.village,
        nik="3510015506880777",
        relationship=Relationship.WIFE,
    )
    spouse_user = make_user(Role.RESIDENT, resident=spouse)
    application = draft(village_letter)

    assert Application.objects.visible_to(spouse_user).filter(pk=application.pk).exists()
    with pytest.raises(NotPermitted, match="pemohon"):
        services.cancel(application, spouse_user)


def test_allowed_actions_lists_only_the_buttons_that_will_work(
    submitted, village_officer, village_head, applicant_user, village_letter
):
    application = submitted(village_letter)

    assert [a.name for a in allowed_actions(village_officer, application)] == [
        "verify",
        "return",
        "reject",
    ]
    assert [a.name for a in allowed_actions(applicant_user, application)] == ["cancel"]
    application = services.verify(application, village_officer)
    assert [a.name for a in allowed_actions(village_head, application)] == [
        "approve",
        "return",
        "reject",
    ]
    assert "approve" not in [a.name for a in allowed_actions(village_officer, application)]


# ---------------------------------------------------------------------- returning and rejecting


def test_a_returned_application_is_edited_and_submitted_again(
    submitted, village_officer, applicant_user, village_letter
):
    application = submitted(village_letter)
    services.return_for_revision(application, village_officer, reason="Lampirkan KTP")
    application.refresh_from_db()
    assert application.state == State.RETURNED
    assert application.last_reason == "Lampirkan KTP"

    services.update_answers(application, applicant_user, {"keperluan": "Mendaftar kuliah"})
    services.submit(application, applicant_user)

    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.form_data == {"keperluan": "Mendaftar kuliah"}
    assert application.last_reason == ""
    assert [e.note for e in application.events.filter(action="return")] == ["Lampirkan KTP"]


def test_returning_or_rejecting_without_a_reason_is_refused(
    submitted, village_officer, village_letter
):
    application = submitted(village_letter)

    with pytest.raises(IncompleteStep):
        services.return_for_revision(application, village_officer, reason="  ")
    with pytest.raises(IncompleteStep):
        services.reject(application, village_officer, reason="")

    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_a_rejected_application_uses_no_number(verified, village_head, village_letter):
    series_before = list(NumberingSeries.objects.values_list("pk", "last_number"))

    application = services.reject(verified(village_letter), village_head, reason="Bukan warga")

    assert application.state == State.REJECTED
    assert application.document is None
    assert IssuedDocument.objects.count() == 0
    assert list(NumberingSeries.objects.values_list("pk", "last_number")) == series_before


def test_a_rejected_application_cannot_be_approved_afterwards(
    verified, village_head, village_letter
):
    application = services.reject(verified(village_letter), village_head, reason="Data palsu")

    with pytest.raises(TransitionNotAllowed, match="Ditolak"):
        services.approve(application, village_head)


def test_answers_cannot_be_changed_once_submitted(submitted, applicant_user, village_letter):
    application = submitted(village_letter)

    with pytest.raises(TransitionNotAllowed):
        services.update_answers(application, applicant_user, {"keperluan": "Lain"})


# --------------------------------------------------------------------------- cancelling


def test_the_applicant_cancels_before_approval(verified, applicant_user, village_letter):
    application = services.cancel(verified(village_letter), applicant_user)

    assert application.state == State.CANCELLED
    assert application.cancelled_at is not None


def test_an_issued_application_cannot_be_cancelled(
    verified, applicant_user, village_head, village_letter
):
    application = services.approve(verified(village_letter), village_head)

    with pytest.raises(TransitionNotAllowed):
        services.cancel(application, applicant_user)


def test_cancelled_rejected_and_returned_applications_are_not_pending(
    submitted, applicant_user, village_officer, village_letter
):
    waiting = submitted(village_letter)
    cancelled = services.cancel(submitted(village_letter), applicant_user)
    rejected = services.reject(submitted(village_letter), village_officer, reason="Tidak lengkap")
    returned = services.return_for_revision(
        submitted(village_letter), village_officer, reason="Foto buram"
    )

    pending = set(Application.objects.pending())

    assert waiting in pending
    assert not {cancelled, rejected, returned} & pending
    past = regency_today() + timedelta(days=30)
    assert set(Application.objects.overdue(today=past)) == {waiting}


# --------------------------------------------------------------------------- applying


def test_a_resident_applies_for_a_member_of_their_family(draft, child, village_letter, applicant):
    application = draft(village_letter, subject=child)

    assert application.applicant == applicant
    assert application.subject == child
    assert application.village == child.village


def test_applying_for_someone_outside_the_family_is_refused(
    draft, resident_elsewhere, village_letter
):
    with pytest.raises(NotPermitted, match="keluarga"):
        draft(village_letter, subject=resident_elsewhere)


def test_staff_cannot_start_an_application(village_officer, village_letter, applicant):
    with pytest.raises(NotPermitted):
        services.start_application(
            service=village_letter, user=village_officer, subject=applicant, form_data={}
        )


def test_a_counter_only_service_cannot_be_applied_for_online(draft):
    with pytest.raises(NotPermitted, match="saluran"):
        draft(Service.objects.get(code="imigrasi-paspor"), answers={})


def test_missing_required_answers_are_refused_by_field(draft, district_letter):
    with pytest.raises(ValidationError) as error:
        draft(district_letter, answers={"telepon": "12"})

    assert {"telepon", "alamat_tujuan", "tanggal_pindah"} <= set(error.value.error_dict)


def test_answers_are_stored_typed_and_normalised(draft, district_letter):
    application = draft(district_letter)

    assert application.form_data["telepon"] == "081234567890"
    assert application.form_data["tanggal_pindah"] == "2026-05-04"
    assert application.form_data["jumlah_pengikut"] == "0"
    assert "negara_tujuan" not in application.form_data


# --------------------------------------------------------------------- concurrency and failures


def test_a_second_approval_is_told_the_application_is_already_done(
    verified, village_head, village_letter
):
    application = verified(village_letter)
    stale_copy = Application.objects.get(pk=application.pk)

    services.approve(application, village_head)
    with pytest.raises(TransitionNotAllowed, match="Selesai"):
        services.approve(stale_copy, village_head)

    assert IssuedDocument.objects.count() == 1


def test_an_approval_whose_document_cannot_be_issued_changes_nothing(
    verified, village_head, village_letter
):
    application = verified(village_letter)
    DocumentTemplate.objects.filter(document_type=village_letter.document_type).update(
        is_active=False
    )

    with pytest.raises(services.IssueFailed):
        services.approve(application, village_head)

    application.refresh_from_db()
    assert application.state == State.VERIFIED
    assert application.approved_at is None
    assert IssuedDocument.objects.count() == 0


# --------------------------------------------------------------------------- time


def test_the_due_date_counts_working_days_from_submission(submitted, district_letter):
    application = submitted(district_letter)

    assert application.due_date == add_working_days(regency_date(application.submitted_at), 3)
    assert application.fee == 0


def test_an_application_past_its_due_date_is_flagged_overdue(submitted, village_letter):
    application = submitted(village_letter)
    Application.objects.filter(pk=application.pk).update(
        due_date=regency_today() - timedelta(days=1)
    )
    application.refresh_from_db()

    assert application.is_overdue
    assert application in Application.objects.overdue()


def test_time_at_each_level_is_added_up_as_steps_happen(
    submitted, village_officer, district_head, district_letter
):
    application = submitted(district_letter)
    two_days_ago = timezone.now() - timedelta(days=2)
    Application.objects.filter(pk=application.pk).update(state_changed_at=two_days_ago)
    services.verify(application, village_officer)
    services.forward(application, village_officer)
    Application.objects.filter(pk=application.pk).update(
        state_changed_at=timezone.now() - timedelta(hours=5)
    )

    application = services.approve(application, district_head)

    assert 2 * 86400 - 5 <= application.village_seconds <= 2 * 86400 + 60
    assert 5 * 3600 - 5 <= application.upper_seconds <= 5 * 3600 + 60
    assert application.village_working_days <= 2
