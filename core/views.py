"""Views of the shared pieces: the audit trail, and the keyset paging long lists use.

Long lists (a regency register, the audit trail) are paged by keyset, not by page number:
each page is "the next N rows after this row" in a fixed order, so no page ever counts the
whole table and deep pages cost as little as the first one.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.models import AuditEntry

AUDIT_PAGE_SIZE = 50


# --------------------------------------------------------------------------- keyset paging


@dataclass
class KeysetPage:
    """One page of a keyset-paged list, with links to its neighbours (query strings)."""

    items: list[Any]
    has_next: bool = False
    has_previous: bool = False
    next_url: str = ""
    previous_url: str = ""
    first_url: str = ""

    @property
    def is_paged(self) -> bool:
        return self.has_next or self.has_previous


def _after_condition(ordering: tuple[str, ...], values: dict[str, Any], forward: bool) -> Q:
    """Rows strictly after (or, backwards, before) the row holding ``values`` in ``ordering``.

    For ordering (a, b) that is ``a > va OR (a = va AND b > vb)``, with ``>`` turned into
    ``<`` for descending fields and again for backward paging.
    """
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for term in ordering:
        name = term.lstrip("-")
        ascending = not term.startswith("-")
        lookup = "gt" if ascending == forward else "lt"
        condition |= equal_so_far & Q(**{f"{name}__{lookup}": values[name]})
        equal_so_far &= Q(**{name: values[name]})
    return condition


def _reverse(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(term[1:] if term.startswith("-") else f"-{term}" for term in ordering)


def _cursor(params, name: str) -> int | None:
    raw = params.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) <= 18 else None


def _link(params, **cursor: int) -> str:
    query = params.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    for name, value in cursor.items():
        query[name] = str(value)
    return f"?{query.urlencode()}" if query else "?"


def keyset_page(request, queryset: QuerySet, *, ordering: tuple[str, ...], size: int) -> KeysetPage:
    """The page of ``queryset`` that ``?after=<pk>`` or ``?before=<pk>`` asks for.

    ``ordering`` must end in ``"id"`` (or ``"-id"``) so that it is total. The cursor row is
    looked up in ``queryset`` itself, so a cursor naming a row outside the caller's scope or
    filter is ignored and the first page is shown. Costs at most two queries, whatever the
    size of the table.
    """
    params = request.GET
    names = [term.lstrip("-") for term in ordering]
    after, before = _cursor(params, "after"), _cursor(params, "before")
    boundary = None
    if after is not None or before is not None:
        boundary = queryset.filter(pk=after if after is not None else before).values(*names)
        boundary = boundary.first()

    if boundary is None:
        rows = list(queryset.order_by(*ordering)[: size + 1])
        has_next, has_previous = len(rows) > size, False
        rows = rows[:size]
    elif after is not None:
        forward = queryset.filter(_after_condition(ordering, boundary, forward=True))
        rows = list(forward.order_by(*ordering)[: size + 1])
        has_next, has_previous = len(rows) > size, True
        rows = rows[:size]
    else:
        backward = queryset.filter(_after_condition(ordering, boundary, forward=False))
        rows = list(backward.order_by(*_reverse(ordering))[: size + 1])
        has_next, has_previous = True, len(rows) > size
        rows = rows[:size]
        rows.reverse()

    page = KeysetPage(items=rows, has_next=has_next, has_previous=has_previous)
    page.first_url = _link(params)
    if rows and has_next:
        page.next_url = _link(params, after=rows[-1].pk)
    if rows and has_previous:
        page.previous_url = _link(params, before=rows[0].pk)
    return page


# --------------------------------------------------------------------------- audit trail


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Tindakan"),
        required=False,
        max_length=100,
        help_text=_(
            "Kode tindakan atau awalnya, misalnya people.resident.viewed atau people.resident."
        ),
    )
    actor = forms.CharField(
        label=_("Pelaku"),
        required=False,
        max_length=150,
        help_text=_("Nama pengguna (akun) yang melakukan tindakan."),
    )
    date_from = forms.DateField(
        label=_("Dari tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Sampai tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    target_type = forms.CharField(
        label=_("Jenis objek"),
        required=False,
        max_length=50,
        help_text=_("Misalnya people.resident."),
    )
    target_id = forms.CharField(label=_("ID objek"), required=False, max_length=40)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("“Sampai tanggal” tidak boleh sebelum “Dari tanggal”."))
        return data

    def filter(self, queryset: QuerySet) -> QuerySet:
        data = self.cleaned_data
        if data.get("action"):
            queryset = queryset.filter(action__startswith=data["action"].strip())
        if data.get("actor"):
            queryset = queryset.filter(actor_label=data["actor"].strip())
        if data.get("date_from"):
            queryset = queryset.filter(at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            queryset = queryset.filter(at__lt=_start_of(data["date_to"] + timedelta(days=1)))
        if data.get("target_type"):
            queryset = queryset.filter(target_type=data["target_type"].strip().lower())
        if data.get("target_id"):
            queryset = queryset.filter(target_id=data["target_id"].strip())
        return queryset


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the regency's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def may_browse_audit(user) -> bool:
    return user.is_authenticated and user.is_active and getattr(user, "role", None) == Role.REGENT


@login_required
def audit_list(request):
    """The audit trail, newest first; for the regency administrator only."""
    if not may_browse_audit(request.user):
        raise PermissionDenied

    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.visible_to(request.user)
    if form.is_bound:
        entries = form.filter(entries) if form.is_valid() else entries.none()

    page = keyset_page(request, entries, ordering=("-at", "-id"), size=AUDIT_PAGE_SIZE)
    return render(request, "core/audit_list.html", {"form": form, "page": page})


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the static icon
    (its hashed name is known only once static files are collected, so not at import)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
