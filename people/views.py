"""Pages of the population register: the staff list and record, and a resident's own data.

Every query goes through ``Resident.objects.visible_to(user)``: a record outside the user's
scope is answered 404, exactly like a record that does not exist.
"""

import csv
import functools
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.roles import REGISTER_ROLES, Role
from core import jobs
from core.audit import record
from core.exports import finished_xlsx_response, purpose_required
from core.views import keyset_page
from people.choices import Relationship
from people.exporting import HEADERS, TEXT_COLUMNS
from people.exporting import _rows as export_rows
from people.forms import ResidentSearchForm
from people.importing.reports import excel_text
from people.models import Resident
from people.nik import mask_nik

PAGE_SIZE = 50
# The columns a row of the register list shows (not the whole record with its JSON notes).
LIST_FIELDS = (
    "full_name",
    "nik",
    "temp_id",
    "sex",
    "birth_date",
    "rt",
    "rw",
    "status",
    "relationship",
    "village__name",
)


def register_role_required(view):
    """Signed-in users whose role may browse the register; others get 403."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if getattr(request.user, "role", None) not in REGISTER_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def age_on(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    had_birthday = (today.month, today.day) >= (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (0 if had_birthday else 1)


def _shown_identifier(resident: Resident) -> str:
    """The masked NIK, or the temporary number for someone who has no NIK yet."""
    return mask_nik(resident.nik) if resident.nik else (resident.temp_id or "")


def _choice_labels(field_name: str) -> dict:
    """Display labels of a choice field, translated once per page rather than once per row."""
    return {value: str(label) for value, label in Resident._meta.get_field(field_name).flatchoices}


def _with_list_fields(residents, today: date):
    """Everything a row of the register list shows, worked out here rather than in the template.

    A page has 50 rows: template tags per cell (``{% url %}``, ``{% blocktrans count %}``,
    ``get_..._display``) cost more than the query, so each row gets plain ready values.
    """
    sexes, statuses = _choice_labels("sex"), _choice_labels("status")
    relationships = _choice_labels("relationship")
    # One reverse() for the page; each row's link differs only by its primary key.
    detail_url = reverse("people:resident_detail", args=[0]).removesuffix("0/")
    short_date = get_format("SHORT_DATE_FORMAT")
    ages: dict[int, str] = {}
    for resident in residents:
        resident.age = age_on(resident.birth_date, today)
        resident.shown_identifier = _shown_identifier(resident)
        resident.detail_url = f"{detail_url}{resident.pk}/"
        resident.sex_label = sexes.get(resident.sex, resident.sex)
        resident.status_label = statuses.get(resident.status, resident.status)
        resident.relationship_label = relationships.get(
            resident.relationship, resident.relationship
        )
        resident.birth_text = ""
        if resident.birth_date:
            if resident.age not in ages:
                ages[resident.age] = ngettext(
                    "%(years)d tahun", "%(years)d tahun", resident.age
                ) % {"years": resident.age}
            shown = dateformat.format(resident.birth_date, short_date)
            resident.birth_text = f"{shown} ({ages[resident.age]})"
        resident.rt_rw = (
            f"{resident.rt or '–'}/{resident.rw or '–'}" if resident.rt or resident.rw else ""
        )
    return residents


def _warning_texts(resident: Resident) -> list[str]:
    """Data-quality notes as text; the import stores strings or {"message": ...} objects."""
    texts = []
    for warning in resident.data_warnings or []:
        if isinstance(warning, dict):
            texts.append(str(warning.get("message") or warning))
        else:
            texts.append(str(warning))
    return texts


def _register_rows(resident: Resident, today: date) -> list[tuple[str, object]]:
    """(label, value) pairs of the register fields, labelled with the model's own names."""

    def label(name: str) -> str:
        return Resident._meta.get_field(name).verbose_name

    village = resident.village
    village_text = village.name
    if village.parent:
        village_text = _("%(village)s, Kecamatan %(district)s") % {
            "village": village.name,
            "district": village.parent.name,
        }
    rows = [
        (label("nik"), resident.nik or ""),
        (label("full_name"), resident.full_name),
        (label("sex"), resident.get_sex_display()),
        (label("birth_place"), resident.birth_place),
        (label("birth_date"), resident.birth_date),
        (label("religion"), resident.get_religion_display()),
        (label("marital_status"), resident.get_marital_status_display()),
        (label("education"), resident.get_education_display()),
        (label("occupation"), resident.occupation),
        (label("relationship"), resident.get_relationship_display()),
        (label("address"), resident.address),
        (label("rt"), resident.rt),
        (label("rw"), resident.rw),
        (label("hamlet"), resident.hamlet),
        (label("village"), village_text),
        (label("phone"), resident.phone),
        (label("status"), resident.get_status_display()),
    ]
    age = age_on(resident.birth_date, today)
    if age is not None:
        rows.insert(
            5, (_("umur"), ngettext("%(years)d tahun", "%(years)d tahun", age) % {"years": age})
        )
    if resident.temp_id:
        rows.insert(1, (label("temp_id"), resident.temp_id))
    return rows


def _searched_residents(request):
    """The form and the residents it selects, within the user's scope; none when invalid."""
    form = ResidentSearchForm(request.GET or None, user=request.user)
    residents = Resident.objects.visible_to(request.user)
    if form.is_bound:
        residents = form.filter(residents) if form.is_valid() else residents.none()
    return form, residents


@register_role_required
def resident_list(request):
    """Residents in the user's scope, searchable by name, NIK or No. KK, NIKs masked."""
    form, residents = _searched_residents(request)
    page = keyset_page(
        request,
        residents.select_related("village").only(*LIST_FIELDS),
        ordering=form.ordering,
        size=PAGE_SIZE,
    )
    _with_list_fields(page.items, timezone.localdate())
    export_query = request.GET.copy()
    for name in ("after", "before"):
        export_query.pop(name, None)
    return render(
        request,
        "people/resident_list.html",
        {"form": form, "page": page, "export_query": export_query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _population_csv_lines(residents):
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(HEADERS)
    for row in export_rows(residents):
        yield writer.writerow(
            [excel_text(row[column], identifier=column in TEXT_COLUMNS) for column in HEADERS]
        )


@register_role_required
@purpose_required
def resident_export(request):
    """The searched residents as a population file (the importer's format), streamed.

    Thousands of rows leave in constant memory; the export is written to the audit trail.
    """
    form, residents = _searched_residents(request)
    record(
        "people.resident.exported",
        actor=request.user,
        # Which filters, not their values: a search may hold a full NIK.
        summary=",".join(sorted(key for key, value in request.GET.items() if value))[:255],
        request=request,
        covers=form.chosen_village_id,
    )
    response = StreamingHttpResponse(
        _population_csv_lines(residents), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="penduduk.csv"'
    response["Cache-Control"] = "no-store"
    return response


@register_role_required
@require_POST
@purpose_required
def resident_export_xlsx(request):
    """Queue the .xlsx export of the current search; its page shows progress and the link."""
    from people.jobs import EXPORT_KIND

    query = request.POST.get("query", "")[:2000]
    job = jobs.enqueue(
        EXPORT_KIND, params={"query": query}, user=request.user, label=_("Ekspor penduduk (.xlsx)")
    )
    searched = ResidentSearchForm(QueryDict(query), user=request.user)
    record(
        "people.resident.exported",
        actor=request.user,
        target=job,
        summary="xlsx",
        request=request,
        covers=searched.chosen_village_id if searched.is_valid() else None,
    )
    return redirect("jobs:job_detail", job.pk)


@register_role_required
def resident_export_file(request, pk: int):
    """The finished workbook of an .xlsx export, to the account that asked for it."""
    from people.jobs import EXPORT_KIND, export_path

    return finished_xlsx_response(request.user, pk, kind=EXPORT_KIND, path_for=export_path)


@register_role_required
def resident_detail(request, pk: int):
    """One resident's full record; every view is written to the audit trail."""
    scoped = Resident.objects.visible_to(request.user)
    resident = get_object_or_404(scoped.select_related("village__parent", "family"), pk=pk)
    record("people.resident.viewed", actor=request.user, target=resident, request=request)

    today = timezone.localdate()
    members = []
    if resident.family_id:
        members = list(
            scoped.filter(family_id=resident.family_id)
            .exclude(pk=resident.pk)
            .order_by("birth_date", "id")
        )
        _with_list_fields(members, today)
    context = {
        "resident": resident,
        "rows": _register_rows(resident, today),
        "members": members,
        "warnings": _warning_texts(resident),
        "may_see_audit": request.user.role == Role.REGENT,
    }
    return render(request, "people/resident_detail.html", context)


@login_required
def my_data(request):
    """A resident's own record and the members of their family card."""
    user = request.user
    if user.role != Role.RESIDENT or not user.resident_id:
        raise PermissionDenied

    # The family by its id as well as through visible_to (which stays the scope): the database
    # then reads the few rows through the family index instead of testing the whole register
    # against visible_to's subquery.
    family_id = user.resident.family_id
    own = Q(pk=user.resident_id) | Q(family_id=family_id) if family_id else Q(pk=user.resident_id)
    people = list(
        Resident.objects.visible_to(user).filter(own).select_related("village__parent", "family")
    )
    # Family-card order: the head first, then by age.
    people.sort(
        key=lambda person: (
            person.relationship != Relationship.HEAD,
            person.birth_date or date.max,
            person.pk,
        )
    )
    me = next((person for person in people if person.pk == user.resident_id), None)
    if me is None:
        # The linked record is gone or out of reach: show nothing rather than someone else.
        raise PermissionDenied
    today = timezone.localdate()
    _with_list_fields(people, today)
    context = {
        "me": me,
        "members": [person for person in people if person.pk != me.pk],
        "rows": _register_rows(me, today),
    }
    return render(request, "people/my_data.html", context)
