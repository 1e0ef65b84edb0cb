from django.utils.translation import gettext as _

from core.jobs import register
from dashboards.services import refresh


@register("dashboards.refresh")
def refresh_figures(job, progress):
    run = refresh(progress=progress)
    return {
        "summary": _("%(rows)s angka dasbor diperbarui dalam %(seconds)s detik.")
        % {"rows": run.rows, "seconds": run.seconds},
        "url": "/dasbor/",
    }
