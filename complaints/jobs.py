"""Background jobs of the complaints app."""

from complaints.services import escalate_overdue
from core.jobs import register


@register("complaints.escalate")
def escalate(job, progress):
    """The same escalation ``manage.py escalate_complaints`` runs, as a queued job."""
    return escalate_overdue(progress=progress).as_dict()
