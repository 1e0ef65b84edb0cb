"""Background jobs of the register (see core.jobs): the .xlsx export of a search.

A CSV of the same search streams straight from the list page; an .xlsx has to be built whole
before it is sent, so for thousands of rows it is built here, outside any web request, into
``VAR_DIR/exports/`` and handed out by ``people:resident_export_file`` to its creator only.
"""

from pathlib import Path

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from core.jobs import JobError, register
from people.exporting import export_population_xlsx
from people.forms import ResidentSearchForm
from people.models import Resident

EXPORT_KIND = "people.export_xlsx"
EXPORT_FOLDER = "exports"


def export_path(job_pk: int) -> Path:
    """Where the job's workbook is written: derived from the job, never from user input."""
    return Path(settings.VAR_DIR) / EXPORT_FOLDER / f"penduduk-{int(job_pk)}.xlsx"


def searched_residents(user, query: str):
    """The residents a saved search string selects, within ``user``'s scope (fails closed)."""
    form = ResidentSearchForm(QueryDict(query) or None, user=user)
    residents = Resident.objects.visible_to(user)
    if form.is_bound:
        residents = form.filter(residents) if form.is_valid() else residents.none()
    return residents


@register(EXPORT_KIND)
def export_xlsx_job(job, progress):
    """params: query (the list page's search as a query string)."""
    user = job.created_by
    if user is None or not user.is_active:
        raise JobError(_("Akun yang meminta ekspor ini tidak aktif lagi."))
    residents = searched_residents(user, job.params.get("query", ""))
    total = residents.count()
    progress(0, total, _("Menyusun berkas .xlsx"))
    path = export_path(job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = export_population_xlsx(residents, path)
    progress(written, written)
    return {
        "summary": _("%(count)s penduduk diekspor ke .xlsx.") % {"count": written},
        "url": reverse("people:resident_export_file", args=[job.pk]),
    }
