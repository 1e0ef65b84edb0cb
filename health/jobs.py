"""Background job: a vaccination file import, queued by the import page."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core.jobs import JobError, register
from health.vaccination import ImportFileError, import_file

UPLOAD_FOLDER = "health-uploads"


def upload_dir() -> Path:
    """Where uploaded dose files wait for their job (under IMPORT_REPORT_DIR, never absolute)."""
    return Path(settings.IMPORT_REPORT_DIR) / UPLOAD_FOLDER


@register("health.import_vaccinations")
def import_vaccinations(job, progress):
    name = Path(job.params["upload"]).name  # a bare file name: nothing outside the folder
    path = upload_dir() / name
    user = User.objects.filter(pk=job.created_by_id).first()
    try:
        run = import_file(
            path, user=user, file_name=job.params.get("file_name", name), progress=progress
        )
    except ImportFileError as error:
        raise JobError(str(error)) from None
    finally:
        path.unlink(missing_ok=True)
    return {
        "summary": _(
            "%(rows)d baris: %(created)d dosis disimpan, %(unchanged)d sudah ada, "
            "%(rejected)d ditolak, %(conflicts)d konflik."
        )
        % {
            "rows": run.rows_read,
            "created": run.created,
            "unchanged": run.unchanged,
            "rejected": run.rejected,
            "conflicts": run.conflicts,
        },
        "url": reverse("health:import_detail", args=[run.pk]),
    }
