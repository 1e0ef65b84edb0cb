"""Roles and the kind of scope each one needs.

Kept free of models so that every app can ask "what may this role see" without importing
the user model.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGENT = "regent", _("Bupati / admin kabupaten")
    DISTRICT_HEAD = "district_head", _("Camat")
    DISTRICT_OFFICER = "district_officer", _("Petugas kecamatan")
    VILLAGE_HEAD = "village_head", _("Kepala desa / lurah")
    VILLAGE_OFFICER = "village_officer", _("Petugas desa / kelurahan")
    AGENCY_HEAD = "agency_head", _("Kepala instansi")
    AGENCY_OFFICER = "agency_officer", _("Petugas instansi")
    TASK_FORCE = "task_force", _("Tim penanggulangan kemiskinan")
    CALL_CENTRE = "call_centre", _("Operator call center 112")
    RESIDENT = "resident", _("Warga")
    KIOSK = "kiosk", _("Perangkat kios (anjungan)")


def role_label(code: str) -> str:
    """A stored role code in the reader's language; an unknown code as it is, "" for none."""
    try:
        return str(Role(code).label) if code else ""
    except ValueError:
        return code


DISTRICT_ROLES = frozenset({Role.DISTRICT_HEAD, Role.DISTRICT_OFFICER})
VILLAGE_ROLES = frozenset({Role.VILLAGE_HEAD, Role.VILLAGE_OFFICER})
AGENCY_ROLES = frozenset({Role.AGENCY_HEAD, Role.AGENCY_OFFICER})
# Roles that may browse the population register (within their scope).
REGISTER_ROLES = frozenset({Role.REGENT, Role.TASK_FORCE}) | DISTRICT_ROLES | VILLAGE_ROLES
# Roles that see applications (within their scope) in the services work lists.
APPLICATION_ROLES = (
    frozenset({Role.REGENT, Role.RESIDENT}) | DISTRICT_ROLES | VILLAGE_ROLES | AGENCY_ROLES
)
# Roles bound to a region: the region must be a district or a village respectively.
ROLES_NEEDING_DISTRICT = DISTRICT_ROLES
ROLES_NEEDING_VILLAGE = VILLAGE_ROLES | {Role.KIOSK}
STAFF_ROLES = frozenset(Role) - {Role.RESIDENT, Role.KIOSK}
# Roles allowed into the Django admin (as staff users with model permissions).
ADMIN_ROLES = frozenset({Role.REGENT})
