"""Writing the audit trail. Every mutating service and every staff read of a personal
record calls ``record``; nothing else writes AuditEntry rows."""

from core.models import AuditEntry

# ``AuditEntry.covers_region`` of an export taken regency-wide (the regent, agencies).
WHOLE_REGENCY = 0


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    actor=None,
    target=None,
    summary: str = "",
    request=None,
    about=None,
    covers=None,
    **detail,
) -> AuditEntry:
    """Write one audit entry. ``detail`` must never hold a full NIK, PIN or token.

    ``about`` is the resident whose personal data the action showed or changed (a Resident or
    its id; the target itself when it is a resident): the entry then appears in that resident's
    access history. When the request carries the stated purpose of an export
    (``core.exports.purpose_required``), the entry keeps it too, and the region the export may
    list: ``covers`` (a region or its id) when the view knows it, else the actor's own region,
    or the whole regency (0) for roles without one. Residents of that region see the export.
    """
    if about is None and target is not None and target._meta.label_lower == "people.resident":
        about = target
    purpose = getattr(request, "export_purpose", None)
    if purpose:
        detail.setdefault("purpose", purpose)
        if covers is None:
            covers = getattr(actor, "region_id", None) or WHOLE_REGENCY
    actor_label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = actor.get_username()
    else:
        actor = None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=actor_label,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:255],
        detail=detail,
        ip_address=_client_ip(request),
        about_resident=getattr(about, "pk", about),
        covers_region=getattr(covers, "pk", covers),
    )
