"""Background jobs of the services app (see core.jobs): the .xlsx export of an officer's list.

The CSV of the same list streams straight from the list page; an .xlsx is built whole before
it is sent, so for thousands of rows it is built here, outside any web request, into
``VAR_DIR/exports/`` and handed out by ``services:application_export_file`` to its creator.
"""

from pathlib import Path

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exports import write_xlsx
from core.jobs import JobError, register

EXPORT_KIND = "services.export_xlsx"
EXPORT_FOLDER = "exports"


def export_path(job_pk: int) -> Path:
    """Where the job's workbook is written: derived from the job, never from user input."""
    return Path(settings.VAR_DIR) / EXPORT_FOLDER / f"permohonan-{int(job_pk)}.xlsx"


@register(EXPORT_KIND)
def export_xlsx_job(job, progress):
    """params: query (the list page's queue and filters as a query string)."""
    from services.views import EXPORT_HEADER, export_rows, filtered_applications

    user = job.created_by
    if user is None or not user.is_active:
        raise JobError(_("Akun yang meminta ekspor ini tidak aktif lagi."))
    applications, _queue, ordering, _form = filtered_applications(
        user, QueryDict(job.params.get("query", ""))
    )
    total = applications.count()
    progress(0, total, _("Menyusun berkas .xlsx"))
    path = export_path(job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_xlsx(
            handle,
            EXPORT_HEADER,
            export_rows(applications.order_by(*ordering)),
            title="Permohonan",
        )
    progress(total, total)
    return {
        "summary": _("%(count)s permohonan diekspor ke .xlsx.") % {"count": total},
        "url": reverse("services:application_export_file", args=[job.pk]),
    }
