"""A resident's access history: who opened their record, and which exported lists may hold it.

UU 27/2022 gives a person the right to know who processed their data. Opening a record is
written to the audit trail about that resident (``about_resident``); an export of a list is
written once, with the region it covered (``covers_region``), since one entry per listed
resident would be millions of rows for a regency-wide export. A resident therefore sees each
export of their village, their district or the whole regency, with who took it and the
purpose they gave, as a list that *may* include them (a search or a programme narrows it).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.audit import WHOLE_REGENCY
from core.models import AuditEntry
from regions.models import Region

HISTORY_LIMIT = 100

# What each export was, in the resident's words; other exports are "a list with personal data".
EXPORT_KINDS = {
    "people.resident.exported": _("Daftar penduduk"),
    "services.application.exported": _("Daftar permohonan layanan"),
    "assistance.final_list.exported": _("Daftar penerima bantuan"),
    "health.vaccination.exported": _("Data vaksinasi"),
    "health.outreach.exported": _("Daftar sasaran vaksinasi"),
    "health.priority.exported": _("Daftar prioritas pemulihan ekonomi"),
}
# Lists exported through economy.exports.personal_export_response, by their file name.
EXPORT_LISTS = {
    "umkm": _("Daftar UMKM"),
    "sembako-per-kk": _("Penerimaan bantuan sembako per keluarga"),
    "sembako-per-warung": _("Belanja bantuan sembako per warung"),
    "musrenbang": _("Usulan musrenbang"),
}


def export_kind(entry: AuditEntry) -> str:
    """What the export was, in the resident's words."""
    kind = EXPORT_KINDS.get(entry.action) or EXPORT_LISTS.get((entry.detail or {}).get("list"))
    return str(kind or _("Daftar berisi data pribadi"))


def _staff_entries(queryset, user):
    return (
        queryset.exclude(actor=user)
        .select_related("actor", "actor__region", "actor__agency")
        .order_by("-at", "-id")[:HISTORY_LIMIT]
    )


def records_opened(user) -> list[AuditEntry]:
    """Staff views and downloads of the resident's own record, newest first."""
    if not user.resident_id:
        return []
    opened = AuditEntry.objects.filter(about_resident=user.resident_id).filter(
        Q(action__endswith=".viewed") | Q(action__endswith=".downloaded")
    )
    return list(_staff_entries(opened, user))


def exports_covering(user) -> list[AuditEntry]:
    """Exports of lists of the resident's village, district or whole regency, newest first."""
    resident = getattr(user, "resident", None)
    if resident is None or not resident.village_id:
        return []
    district_id = (
        Region.objects.filter(pk=resident.village_id).values_list("parent_id", flat=True).first()
    )
    regions = [resident.village_id, WHOLE_REGENCY] + ([district_id] if district_id else [])
    entries = list(_staff_entries(AuditEntry.objects.filter(covers_region__in=regions), user))
    for entry in entries:
        entry.kind = export_kind(entry)
        entry.purpose = (entry.detail or {}).get("purpose", "")
    return entries
