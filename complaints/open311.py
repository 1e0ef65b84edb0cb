"""Open311 GeoReport v2 at ``/open311/v2/``, with the mySociety service-request-updates extension.

Every resource answers in XML (the spec's mandatory format) or JSON, chosen by the extension
(``services.xml``, ``requests.json``). Times are ISO 8601 in WIB (``+07:00``). Errors use the
spec's format: ``<errors><error><code>400</code><description>…</description></error></errors>``
or ``[{"code": 400, "description": "…"}]``, never a 5xx for bad input.

Service codes are the complaint categories. A request's ``status`` is ``open`` or ``closed``
(see :func:`complaints.publishing.open311_status`); ``status_notes`` tells the richer state.
Nothing personal is published: see :mod:`complaints.publishing`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from complaints import publishing, services
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    Open311Key,
    State,
    looks_like_region_code,
    looks_like_tracking_code,
)
from complaints.services import PROTECTED_CATEGORIES
from regions.models import Region

logger = logging.getLogger(__name__)

WIB = datetime.timezone(datetime.timedelta(hours=7), "WIB")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_RANGE_DAYS = 90
MAX_RESULTS = 1000
FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json"}

#: Internal states as the mySociety extension names them.
UPDATE_STATUS = {
    State.NEW: "OPEN",
    State.ASSIGNED: "INVESTIGATING",
    State.IN_PROGRESS: "IN_PROGRESS",
    State.RESOLVED: "FIXED",
    State.CLOSED: "CLOSED",
    State.REOPENED: "OPEN",
    State.DUPLICATE: "DUPLICATE",
    State.REFERRED: "NOT_COUNCILS_RESPONSIBILITY",
}


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


def jurisdiction() -> str:
    return getattr(settings, "COMPLAINTS_OPEN311_JURISDICTION", "banyuwangikab.go.id")


def wib(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(WIB).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- rendering


def _xml_value(parent, name: str, value) -> None:
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, list):
        item_name = {"formats": "format", "endpoints": "endpoint", "attributes": "attribute"}
        item_name |= {"values": "value"}
        for item in value:
            if isinstance(item, dict):
                child = ElementTree.SubElement(element, item_name.get(name, "item"))
                for key, sub in item.items():
                    _xml_value(child, key, sub)
            else:
                ElementTree.SubElement(element, item_name.get(name, "item")).text = str(item)
    elif isinstance(value, dict):
        for key, sub in value.items():
            _xml_value(element, key, sub)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def render(fmt: str, root: str, item: str | None, data, status: int = 200) -> HttpResponse:
    """``data`` as JSON, or as XML under ``<root>`` (one ``<item>`` per list entry)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
        return HttpResponse(body, content_type=FORMATS["json"], status=status)
    element = ElementTree.Element(root)
    entries = data if isinstance(data, list) else [data]
    for entry in entries:
        parent = ElementTree.SubElement(element, item) if item else element
        for key, value in entry.items():
            _xml_value(parent, key, value)
    body = ElementTree.tostring(element, encoding="unicode", xml_declaration=False)
    return HttpResponse(
        '<?xml version="1.0" encoding="utf-8"?>\n' + body,
        content_type=FORMATS["xml"],
        status=status,
    )


def error_response(fmt: str, code: int, *descriptions: str) -> HttpResponse:
    fmt = fmt if fmt in FORMATS else "xml"
    errors = [{"code": code, "description": text} for text in descriptions]
    return render(fmt, "errors", "error", errors, status=code)


def endpoint(view):
    """Check the format and jurisdiction, and turn :class:`Open311Error` into the spec's error."""

    def wrapped(request, *args, fmt: str, **kwargs):
        if fmt not in FORMATS:
            return error_response("xml", 404, _("Format %(fmt)s tidak didukung.") % {"fmt": fmt})
        given = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
        if given and given != jurisdiction():
            return error_response(
                fmt, 404, _("jurisdiction_id %(id)s tidak dikenal.") % {"id": given[:100]}
            )
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return error_response(fmt, error.code, error.description)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --------------------------------------------------------------------------- discovery, services


@require_GET
@endpoint
def discovery(request, *, fmt: str):
    url = request.build_absolute_uri(reverse("complaints:open311_discovery", args=["xml"]))
    base = url.rsplit("/", 1)[0]
    changeset = wib(datetime.datetime(2026, 12, 1, tzinfo=WIB))
    data = {
        "changeset": changeset,
        "contact": getattr(
            settings, "COMPLAINTS_OPEN311_CONTACT", "Call center 112 Kabupaten Banyuwangi"
        ),
        "key_service": _("Kunci API diberikan oleh Pemerintah Kabupaten Banyuwangi."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", None, data)


def _service(category: str) -> dict:
    return {
        "service_code": category,
        "service_name": str(Category(category).label),
        "description": str(_SERVICE_DESCRIPTIONS.get(category, "")),
        "metadata": True,
        "type": "realtime",
        "keywords": category.replace("_", ","),
        "group": _("Pengaduan"),
    }


_SERVICE_DESCRIPTIONS = {
    Category.SERVICE_DELAY: gettext_lazy("Layanan publik yang melewati batas waktunya."),
    Category.ILLEGAL_LEVY: gettext_lazy(
        "Petugas meminta biaya tidak resmi. Boleh tanpa identitas."
    ),
    Category.INFRASTRUCTURE: gettext_lazy(
        "Jalan, jembatan, saluran air, lampu jalan, bangunan umum."
    ),
    Category.SOCIAL_ASSISTANCE: gettext_lazy(
        "Bantuan sosial yang tidak tepat sasaran atau tidak diterima."
    ),
    Category.HEALTH: gettext_lazy("Layanan kesehatan, puskesmas, sanitasi."),
    Category.POPULATION_DATA: gettext_lazy(
        "Kesalahan data KTP, KK atau data kependudukan lainnya."
    ),
    Category.OTHER: gettext_lazy("Pengaduan lain tentang layanan pemerintah."),
}


@require_GET
@endpoint
def service_list(request, *, fmt: str):
    return render(fmt, "services", "service", [_service(code) for code in Category.values])


def _attributes(category: str) -> list[dict]:
    villages = Region.objects.villages().select_related("parent").order_by("code")
    attributes = [
        {
            "variable": True,
            "code": "village_code",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _(
                "Kode Kemendagri desa/kelurahan kejadian. Tanpa kode ini pengaduan dipilah "
                "oleh kabupaten."
            ),
            "order": 1,
            "description": _("Desa/kelurahan"),
            "values": [
                {"key": village.code, "name": f"{village.name} ({village.parent.name})"}
                for village in villages
            ],
        }
    ]
    if category in PROTECTED_CATEGORIES:
        attributes.append(
            {
                "variable": True,
                "code": "anonymous",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("true: identitas pelapor tidak disimpan."),
                "order": 2,
                "description": _("Laporkan tanpa identitas"),
                "values": [
                    {"key": "true", "name": _("Ya")},
                    {"key": "false", "name": _("Tidak")},
                ],
            }
        )
    if category == Category.SERVICE_DELAY:
        attributes.append(
            {
                "variable": True,
                "code": "application_code",
                "datatype": "string",
                "required": False,
                "datatype_description": _("Kode permohonan layanan yang terlambat, SK-XXXX-XXXX."),
                "order": 2,
                "description": _("Kode permohonan"),
            }
        )
    return attributes


@require_GET
@endpoint
def service_definition(request, code: str, *, fmt: str):
    if code not in Category.values:
        raise Open311Error(404, _("service_code %(code)s tidak dikenal.") % {"code": code[:50]})
    data = {"service_code": code, "attributes": _attributes(code)}
    return render(fmt, "service_definition", None, data)


# --------------------------------------------------------------------------- requests


def _request_data(complaint: Complaint) -> dict:
    view = publishing.public_view(complaint)
    village = complaint.village
    return {
        "service_request_id": complaint.tracking_code,
        "status": view.open311_status,
        "status_notes": view.status_notes,
        "service_name": view.category_label,
        "service_code": complaint.category,
        "description": view.text,
        "agency_responsible": view.office,
        "service_notice": "",
        "requested_datetime": wib(complaint.created_at),
        "updated_datetime": wib(complaint.updated_at),
        "expected_datetime": wib(complaint.due_at),
        "address": view.address or (f"{village.name}, {village.parent.name}" if village else ""),
        "address_id": village.code if village else "",
        "zipcode": village.postal_code if village else "",
        "lat": view.latitude,
        "long": view.longitude,
        "media_url": "",
    }


def _moment(value: str, name: str) -> datetime.datetime:
    value = value.strip()
    parsed = None
    try:
        parsed = parse_datetime(value.replace(" ", "+"))
        if parsed is None and parse_date(value) is not None:
            parsed = datetime.datetime.combine(parse_date(value), datetime.time())
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(
            400,
            _("%(name)s harus berupa waktu W3C, misalnya 2026-01-01T00:00:00+07:00.")
            % {"name": name},
        )
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=WIB)
    return parsed


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _queryset():
    return Complaint.objects.select_related("village__parent", "agency", "duplicate_of")


def _filtered(params) -> list[Complaint]:
    """The request list with the spec's filters; ``service_request_id`` overrides the rest."""
    ids = _split(params.get("service_request_id", ""))
    if ids:
        codes = [i.upper() for i in ids[:MAX_RESULTS] if looks_like_tracking_code(i.upper())]
        return list(_queryset().filter(tracking_code__in=codes))

    codes = _split(params.get("service_code", ""))
    unknown = [code for code in codes if code not in Category.values]
    if unknown:
        raise Open311Error(
            400, _("service_code %(code)s tidak dikenal.") % {"code": unknown[0][:50]}
        )
    statuses = _split(params.get("status", "").lower())
    if any(status not in ("open", "closed") for status in statuses):
        raise Open311Error(400, _("status harus open atau closed."))

    end = _moment(params["end_date"], "end_date") if params.get("end_date") else None
    start = _moment(params["start_date"], "start_date") if params.get("start_date") else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - datetime.timedelta(days=MAX_RANGE_DAYS)
    if end is None:
        end = start + datetime.timedelta(days=MAX_RANGE_DAYS)
    if end < start:
        raise Open311Error(400, _("end_date harus setelah start_date."))
    if end - start > datetime.timedelta(days=MAX_RANGE_DAYS):
        raise Open311Error(
            400, _("Rentang tanggal paling lama %(days)d hari.") % {"days": MAX_RANGE_DAYS}
        )

    found = _queryset().filter(created_at__gte=start, created_at__lte=end)
    if codes:
        found = found.filter(category__in=codes)
    found = found.order_by("-created_at", "-id")
    if statuses and set(statuses) != {"open", "closed"}:
        # The mapping depends on a duplicate's original, so it is applied in Python.
        rows = [c for c in found[: MAX_RESULTS * 2] if publishing.open311_status(c) in statuses]
        return rows[:MAX_RESULTS]
    return list(found[:MAX_RESULTS])


def _api_key(raw: str) -> Open311Key | None:
    if not raw or len(raw) > 200:
        return None
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return Open311Key.objects.filter(key_hash=digest, is_active=True).first()


_FIELD_PARAMS = {
    "latitude": "lat",
    "longitude": "long",
    "village": "attribute[village_code]",
    "category": "service_code",
    "anonymous": "attribute[anonymous]",
    "reporter_name": "first_name",
    "reporter_phone": "phone",
    "address": "address_string",
    "reporter_email": "email",
}


# TODO: media_url and mySociety's POST servicerequestupdates are not accepted: fetching a
# client's media URL would reach outside hosts, and citizen updates need a reporter check.
def _create(request, fmt: str) -> HttpResponse:
    """POST requests: form-encoded, with an API key, as the spec describes."""
    data = request.POST
    key = _api_key(data.get("api_key", ""))
    if key is None:
        raise Open311Error(403, _("api_key tidak ada atau tidak berlaku."))
    code = data.get("service_code", "")
    if not code:
        raise Open311Error(400, _("service_code wajib diisi."))
    if code not in Category.values:
        raise Open311Error(400, _("service_code %(code)s tidak dikenal.") % {"code": code[:50]})
    village = None
    village_code = data.get("attribute[village_code]", "").strip()
    if village_code:
        if looks_like_region_code(village_code):
            village = Region.objects.villages().filter(code=village_code).first()
        if village is None:
            raise Open311Error(400, _("attribute[village_code] tidak dikenal."))
    has_point = data.get("lat") not in (None, "") or data.get("long") not in (None, "")
    if not (has_point or data.get("address_string") or data.get("address_id") or village):
        raise Open311Error(400, _("Lokasi wajib: lat dan long, address_string, atau address_id."))
    address_id = data.get("address_id", "").strip()
    if village is None and looks_like_region_code(address_id):
        village = Region.objects.villages().filter(code=address_id).first()

    description = data.get("description", "")
    application_code = data.get("attribute[application_code]", "").strip()[:20]
    if application_code and len(description) <= services.DESCRIPTION_MAX - 40:
        description = f"{description}\n[{_('Kode permohonan')}: {application_code}]"
    name = " ".join(
        part for part in (data.get("first_name", ""), data.get("last_name", "")) if part
    )
    email = data.get("email", "").strip()
    if email and len(email) > 254:
        raise Open311Error(400, _("email terlalu panjang."))
    intake = services.Intake(
        category=code,
        description=description,
        village=village,
        latitude=data.get("lat"),
        longitude=data.get("long"),
        address=data.get("address_string", "")[:255],
        anonymous=data.get("attribute[anonymous]", "").lower() == "true",
        reporter_name=name[:150],
        reporter_phone=data.get("phone", "")[:20],
        reporter_email=email,
    )
    try:
        complaint = services.submit_complaint(intake, channel=Channel.OPEN311, request=request)
    except ValidationError as error:
        descriptions = []
        by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        for field, errors in by_field.items():
            for message in errors:
                name = _FIELD_PARAMS.get(field, field)
                descriptions.append(f"{name}: {message}" if name else message)
        return error_response(fmt, 400, *descriptions)
    Open311Key.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    logger.info("Open311 request %s created by client %s", complaint.tracking_code, key.name)
    answer = {
        "service_request_id": complaint.tracking_code,
        "service_notice": _("Simpan kode ini untuk melacak pengaduan."),
        "account_id": "",
    }
    return render(fmt, "service_requests", "request", [answer])


@csrf_exempt
@require_http_methods(["GET", "POST"])
@endpoint
def requests_view(request, *, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    rows = [_request_data(complaint) for complaint in _filtered(request.GET)]
    return render(fmt, "service_requests", "request", rows)


@require_GET
@endpoint
def request_detail(request, request_id: str, *, fmt: str):
    complaint = None
    if looks_like_tracking_code(request_id.upper()):
        complaint = _queryset().filter(tracking_code=request_id.upper()).first()
    if complaint is None:
        raise Open311Error(
            404, _("service_request_id %(id)s tidak ditemukan.") % {"id": request_id[:20]}
        )
    return render(fmt, "service_requests", "request", [_request_data(complaint)])


@require_GET
@endpoint
def request_updates(request, *, fmt: str):
    """mySociety extension: every public change of status or reply in a time range."""
    params = request.GET
    end = _moment(params["end_date"], "end_date") if params.get("end_date") else timezone.now()
    if params.get("start_date"):
        start = _moment(params["start_date"], "start_date")
    else:
        start = end - datetime.timedelta(days=1)
    if end < start or end - start > datetime.timedelta(days=MAX_RANGE_DAYS):
        raise Open311Error(
            400, _("Rentang tanggal paling lama %(days)d hari.") % {"days": MAX_RANGE_DAYS}
        )
    events = (
        ComplaintEvent.objects.filter(at__gte=start, at__lte=end)
        .filter(Q(is_reply=True) | ~Q(to_state=""))
        .exclude(action="create")
        .select_related("complaint")
        .order_by("at", "id")[:MAX_RESULTS]
    )
    rows = []
    for event in events:
        complaint = event.complaint
        state = event.to_state or complaint.state
        description = event.note
        if complaint.category in PROTECTED_CATEGORIES and event.action == "reopen":
            description = ""  # the reporter's own words may identify them
        rows.append(
            {
                "update_id": str(event.pk),
                "service_request_id": complaint.tracking_code,
                "status": UPDATE_STATUS.get(state, "OPEN"),
                "updated_datetime": wib(event.at),
                "description": description,
                "media_url": "",
            }
        )
    return render(fmt, "service_requests_updates", "request_update", rows)
