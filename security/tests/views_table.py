"""Every page, list, export and API endpoint that shows an object of the matrix.

A view serves some personas (``roles``): for them the object is on it exactly when
``matrix.may_see`` says so. Every other persona must never get the object from it.

``mode``:
  * ``detail``: the page of one object. Forbidden means 403, 404 or a redirect to sign-in
    (401 for the API), and never the marker.
  * ``list``: a list or export that may be open to the persona but must not hold the object.
  * ``file``: a PDF download; allowed means a PDF body, forbidden a refusal and no PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from security.tests.matrix import (
    REGISTER_PERSONAS,
    RESIDENT_PERSONAS,
    ROLES,
    STAFF_PERSONAS,
    Obj,
    World,
)

ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}


@dataclass(frozen=True)
class View:
    name: str
    kind: str
    url: Callable[[Obj, World], str]
    marker: str  # key of Obj.markers; for ``file`` views, the magic bytes the file starts with
    roles: frozenset
    mode: str = "detail"
    api: bool = False
    # Lists and exports that must show NIKs and phone numbers masked (issue 10, item 5).
    masked: bool = False
    # An API endpoint authenticated by the browser session (``django_auth``), not a token.
    session: bool = False
    # An export of personal data: it runs only with a stated purpose (core.exports).
    export: bool = False

    @property
    def channel(self) -> str:
        return "api" if self.api else "web"


def _static(path: str) -> Callable[[Obj, World], str]:
    return lambda obj, world: path


WEB_VIEWS: list[View] = [
    # ---- resident
    View(
        "people:resident_detail",
        "resident",
        lambda o, w: f"/penduduk/{o.ids['pk']}/",
        "nik",
        REGISTER_PERSONAS,
    ),
    View(
        "people:resident_list",
        "resident",
        _static("/penduduk/"),
        "name",
        REGISTER_PERSONAS,
        mode="list",
        masked=True,
    ),
    View(
        "people:resident_export",
        "resident",
        _static("/penduduk/ekspor.csv"),
        "nik",
        REGISTER_PERSONAS,
        mode="list",
        export=True,
    ),
    View("people:my_data", "resident", _static("/data-saya/"), "nik", RESIDENT_PERSONAS, "list"),
    View(
        "health:outreach",
        "resident",
        lambda o, w: f"/kesehatan/vaksinasi/desa/{o.ids['village']}/sasaran/",
        "name",
        REGISTER_PERSONAS,
    ),
    # ---- family
    View(
        "people:resident_detail(head)",
        "family",
        lambda o, w: f"/penduduk/{o.ids['head_pk']}/",
        "no_kk",
        REGISTER_PERSONAS,
    ),
    View(
        "people:resident_export",
        "family",
        _static("/penduduk/ekspor.csv"),
        "no_kk",
        REGISTER_PERSONAS,
        mode="list",
        export=True,
    ),
    View("people:my_data", "family", _static("/data-saya/"), "no_kk", RESIDENT_PERSONAS, "list"),
    # ---- application
    View(
        "services:application_detail",
        "application",
        lambda o, w: f"/permohonan/{o.ids['code']}/",
        "code",
        SIGNED_IN,
    ),
    View(
        "services:application_list",
        "application",
        _static("/permohonan/"),
        "code",
        SIGNED_IN,
        mode="list",
        masked=True,
    ),
    View(
        "services:application_export",
        "application",
        _static("/permohonan/ekspor.csv"),
        "code",
        STAFF_PERSONAS,
        mode="list",
        masked=True,
        export=True,
    ),
    View(
        "portal:dashboard",
        "application",
        _static("/warga/"),
        "code",
        RESIDENT_PERSONAS,
        mode="list",
        masked=True,
    ),
    View(
        "services:attachment_download",
        "application",
        lambda o, w: f"/permohonan/{o.ids['code']}/lampiran/{o.ids['attachment']}/",
        "%PDF",
        SIGNED_IN,
        mode="file",
    ),
    # ---- document
    View(
        "documents:download",
        "document",
        lambda o, w: f"/dokumen/{o.ids['pk']}/unduh/",
        "%PDF",
        SIGNED_IN,
        mode="file",
    ),
    # ---- audit entry
    View(
        "core:audit_list",
        "audit_entry",
        lambda o, w: f"/audit/?actor={o.ids['actor']}",
        "summary",
        frozenset({"regent"}),
        mode="list",
    ),
    View(
        "security:access_history",
        "audit_entry",
        _static("/data-saya/riwayat-akses/"),
        "office",
        RESIDENT_PERSONAS,
        mode="list",
    ),
]

# complaints.services.is_staff: the regent, district, village and agency staff.
COMPLAINT_STAFF = frozenset(
    {
        "regent",
        "district_head",
        "district_officer",
        "village_head",
        "village_officer",
        "agency_head",
        "agency_officer",
    }
)
# assistance.services.REVIEW_ROLES: the regent, the task force and village staff.
ASSISTANCE_REVIEW = frozenset({"regent", "task_force", "village_head", "village_officer"})
# health.views.staff_required: roles with a region scope.
HEALTH_STAFF = REGISTER_PERSONAS

for _kind in ("complaint", "complaint_levy"):
    WEB_VIEWS += [
        View(
            "complaints:staff_list",
            _kind,
            _static("/pengaduan/kelola/"),
            "code",
            COMPLAINT_STAFF,
            mode="list",
            masked=True,
        ),
        View(
            "complaints:staff_detail",
            _kind,
            lambda o, w: f"/pengaduan/kelola/{o.ids['code']}/",
            "code",
            COMPLAINT_STAFF,
        ),
        View(
            "complaints:call_centre",
            _kind,
            _static("/pengaduan/call-center/"),
            "code",
            frozenset({"call_centre"}),
            mode="list",
            masked=True,
        ),
    ]

WEB_VIEWS.append(
    View(
        "complaints:photo",
        "complaint",
        lambda o, w: f"/pengaduan/foto/{o.ids['photo']}/",
        "\x89PNG|\xff\xd8\xff",
        SIGNED_IN,
        mode="file",
    )
)

WEB_VIEWS += [
    # ---- assistance membership
    View(
        "assistance:receipts",
        "assistance",
        lambda o, w: f"/bantuan/penerimaan/?q={o.ids['nik']}",
        "period",
        REGISTER_PERSONAS,
        mode="list",
        masked=True,
    ),
    View(
        "assistance:final_list",
        "assistance",
        lambda o, w: f"/bantuan/program/{o.ids['programme']}/{o.ids['period']}/penerima.csv",
        "name",
        ASSISTANCE_REVIEW,
        mode="list",
        export=True,
    ),
    View(
        "assistance:my_receipts",
        "assistance",
        _static("/bantuan/saya/"),
        "period",
        RESIDENT_PERSONAS,
        mode="list",
    ),
    # ---- assistance flag
    View(
        "assistance:flag_list",
        "assistance_flag",
        _static("/bantuan/temuan/"),
        "reason",
        ASSISTANCE_REVIEW,
        mode="list",
        masked=True,
    ),
    View(
        "assistance:flag_detail",
        "assistance_flag",
        lambda o, w: f"/bantuan/temuan/{o.ids['pk']}/",
        "reason",
        ASSISTANCE_REVIEW,
    ),
    # ---- vaccination
    View(
        "health:export_csv",
        "vaccination",
        _static("/kesehatan/vaksinasi/ekspor/csv/"),
        "batch",
        HEALTH_STAFF,
        mode="list",
        export=True,
    ),
    View(
        "health:export_fhir",
        "vaccination",
        _static("/kesehatan/vaksinasi/ekspor/fhir/"),
        "batch",
        HEALTH_STAFF,
        mode="list",
        export=True,
    ),
    # ---- isolation
    View(
        "health:places",
        "isolation",
        _static("/kesehatan/isolasi/"),
        "house",
        HEALTH_STAFF,
        mode="list",
        masked=True,
    ),
    View(
        "health:house_detail",
        "isolation",
        lambda o, w: f"/kesehatan/isolasi/{o.ids['pk']}/",
        "name",
        HEALTH_STAFF,
    ),
    # ---- affected residents
    View(
        "health:affected_list",
        "affected",
        _static("/kesehatan/terdampak/"),
        "name",
        HEALTH_STAFF,
        mode="list",
        masked=True,
    ),
    View(
        "health:affected_detail",
        "affected",
        lambda o, w: f"/kesehatan/terdampak/{o.ids['pk']}/",
        "name",
        HEALTH_STAFF,
    ),
]

WEB_VIEWS += [
    View(
        "people:resident_export_file",
        "export_file",
        lambda o, w: f"/penduduk/ekspor-xlsx/{o.ids['people_job']}/",
        "PK\x03\x04",
        SIGNED_IN,
        mode="file",
    ),
    View(
        "services:application_export_file",
        "export_file",
        lambda o, w: f"/permohonan/ekspor-xlsx/{o.ids['services_job']}/",
        "PK\x03\x04",
        SIGNED_IN,
        mode="file",
    ),
]

API_VIEWS: list[View] = [
    View("api:me", "resident", _static("/api/v1/me"), "nik", RESIDENT_PERSONAS, "list", True),
    View(
        "api:me_family",
        "family",
        _static("/api/v1/me/family"),
        "no_kk",
        RESIDENT_PERSONAS,
        "list",
        True,
    ),
    View(
        "api:application_list",
        "application",
        _static("/api/v1/applications?limit=100"),
        "code",
        RESIDENT_PERSONAS,
        "list",
        True,
        masked=True,
    ),
    View(
        "api:application_detail",
        "application",
        lambda o, w: f"/api/v1/applications/{o.ids['pk']}",
        "code",
        RESIDENT_PERSONAS,
        "detail",
        True,
    ),
    View(
        "api:application_document",
        "document",
        lambda o, w: f"/api/v1/applications/{o.ids['application_pk']}/document",
        "%PDF",
        RESIDENT_PERSONAS,
        "file",
        True,
    ),
]

for _kind in ("complaint", "complaint_levy"):
    API_VIEWS += [
        View(
            "api:complaint_list",
            _kind,
            _static("/api/v1/complaints?limit=100"),
            "code",
            RESIDENT_PERSONAS,
            "list",
            True,
            masked=True,
        ),
        View(
            "api:complaint_detail",
            _kind,
            lambda o, w: f"/api/v1/complaints/{o.ids['code']}",
            "code",
            RESIDENT_PERSONAS,
            "detail",
            True,
        ),
    ]

API_VIEWS.append(
    View(
        "api:assistance_receipts",
        "assistance",
        lambda o, w: f"/api/v1/assistance/receipts/{o.ids['nik']}",
        "period",
        SIGNED_IN,
        "detail",
        True,
        session=True,
    )
)
