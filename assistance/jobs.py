"""Background jobs of the assistance app (see core.jobs)."""

import logging
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import Programme, ReportLine
from assistance.services import import_list
from core.jobs import JobError, register
from core.models import Job, JobStatus
from people.importing.errors import ImportFileError

logger = logging.getLogger(__name__)

UPLOAD_FOLDER = "assistance-uploads"


def upload_path(name: str) -> Path:
    """Where an uploaded list waits for its job; ``name`` is relative, never absolute."""
    return Path(settings.VAR_DIR) / UPLOAD_FOLDER / Path(name).name


@register("assistance.import_list")
def import_list_job(job, progress):
    """Import (or try) an uploaded beneficiary list; params: programme, period, file, name,
    sheet, dry_run."""
    params = job.params
    programme = Programme.objects.get(code=params["programme"])
    path = upload_path(params["file"])
    try:
        beneficiary_list = import_list(
            path,
            programme=programme,
            period=params["period"],
            actor=job.created_by,
            dry_run=params.get("dry_run", True),
            sheet=params.get("sheet") or None,
            file_name=params.get("name", ""),
            stored_file=params["file"],
            progress=progress,
        )
    except ImportFileError as error:
        raise JobError(str(error)) from None
    finally:
        if not params.get("dry_run", True):
            path.unlink(missing_ok=True)
    counts = {
        "rows": beneficiary_list.rows_read,
        "added": beneficiary_list.added,
        "rejected": beneficiary_list.rejected,
        "review": beneficiary_list.review,
        "flags": beneficiary_list.flags,
    }
    if beneficiary_list.dry_run:
        summary = (
            _(
                "Uji coba: %(rows)s baris dibaca; %(added)s akan ditambahkan, %(rejected)s "
                "ditolak, %(review)s perlu diperiksa. Belum ada yang disimpan."
            )
            % counts
        )
    elif beneficiary_list.added == 0:
        raise JobError(
            _(
                "Tidak ada penerima yang ditambahkan: %(rows)s baris dibaca, %(rejected)s ditolak, "
                "%(review)s perlu diperiksa. Laporan per baris ada di daftar nomor %(pk)s."
            )
            % {**counts, "pk": beneficiary_list.pk}
        )
    else:
        summary = (
            _(
                "%(added)s penerima ditambahkan dari %(rows)s baris; %(rejected)s ditolak, "
                "%(review)s perlu diperiksa, %(flags)s temuan baru."
            )
            % counts
        )
    return {
        "summary": summary,
        "url": reverse("assistance:list_detail", args=[beneficiary_list.pk]),
        "url_label": _("Laporan per baris"),
        "list": beneficiary_list.pk,
        **counts,
    }


def prune_uploads(*, now: datetime | None = None) -> int:
    """Delete uploaded lists older than ``ASSISTANCE_UPLOAD_KEEP_DAYS`` (14 by default).

    A dry run keeps its file so that the officer can import it for real afterwards; a file
    nobody imported within the limit goes (the commit page then asks for a new upload), and so
    do the per-row lines of dry runs that old (a regency's list has hundreds of thousands; the
    counts stay). A file that a queued or running job still names is kept whatever its age.
    Returns how many files were deleted. The job runner does it daily
    (``assistance.prune_uploads`` in ``PERIODIC_JOBS``).
    """
    days = getattr(settings, "ASSISTANCE_UPLOAD_KEEP_DAYS", 14)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    ReportLine.objects.filter(
        beneficiary_list__dry_run=True, beneficiary_list__created_at__lt=cutoff
    ).delete()
    folder = Path(settings.VAR_DIR) / UPLOAD_FOLDER
    if not folder.is_dir():
        return 0
    older_than = cutoff.timestamp()
    in_use = {
        params.get("file")
        for params in Job.objects.filter(
            kind="assistance.import_list", status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).values_list("params", flat=True)
    }
    deleted = 0
    for path in folder.iterdir():
        if path.is_file() and path.name not in in_use and path.stat().st_mtime < older_than:
            path.unlink(missing_ok=True)
            deleted += 1
    if deleted:
        logger.info("Deleted %s uploaded lists older than %s days", deleted, days)
    return deleted


@register("assistance.prune_uploads")
def prune_uploads_job(job, progress):
    """Delete old uploaded lists (daily, PERIODIC_JOBS)."""
    deleted = prune_uploads()
    progress(1, 1)
    return {"summary": f"{deleted} uploaded lists deleted."}
