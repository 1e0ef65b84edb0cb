"""Time per service and per village, from the durations kept on applications."""

from datetime import timedelta

from django.utils import timezone

from services import figures, services
from services.models import Application


def age(application, **delta):
    Application.objects.filter(pk=application.pk).update(
        state_changed_at=timezone.now() - timedelta(**delta)
    )


def test_time_is_averaged_per_service_and_per_village(
    submitted, village_officer, village_head, village_letter, village
):
    quick = submitted(village_letter)
    age(quick, hours=1)
    services.verify(quick, village_officer)
    services.approve(quick, village_head)
    slow = submitted(village_letter)
    age(slow, hours=3)
    services.verify(slow, village_officer)
    services.approve(slow, village_head)
    submitted(village_letter)  # still waiting: not counted

    [per_service] = figures.time_per_service()
    [per_village] = figures.time_per_village()

    assert per_service["service__code"] == village_letter.code
    assert per_service["count"] == 2
    assert 2 * 3600 - 10 <= per_service["village_seconds"] <= 2 * 3600 + 60
    assert per_service["upper_seconds"] == 0
    assert per_village["village__code"] == village.code
    assert per_village["count"] == 2


def test_the_upper_level_time_is_kept_apart(forwarded, district_head, district_letter):
    application = forwarded(district_letter)
    age(application, hours=4)
    services.approve(application, district_head)

    [row] = figures.time_per_service()

    assert 4 * 3600 - 10 <= row["upper_seconds"] <= 4 * 3600 + 60
    assert row["total_seconds"] == row["village_seconds"] + row["upper_seconds"]


def test_figures_respect_the_callers_scope(
    submitted, village_officer, village_head, other_village_officer, village_letter
):
    application = submitted(village_letter)
    services.verify(application, village_officer)
    services.approve(application, village_head)

    assert figures.time_per_service(Application.objects.visible_to(other_village_officer)) == []


def test_pending_counts_leave_out_cancelled_and_rejected(
    submitted, applicant_user, village_officer, village_letter, village
):
    submitted(village_letter)
    services.cancel(submitted(village_letter), applicant_user)
    services.reject(submitted(village_letter), village_officer, reason="Tidak lengkap")
    late = submitted(village_letter)
    Application.objects.filter(pk=late.pk).update(due_date=late.due_date - timedelta(days=30))

    assert figures.pending_per_village() == [
        {"village__code": village.code, "village__name": village.name, "pending": 2, "overdue": 1}
    ]
