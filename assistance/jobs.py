"""Background jobs of the assistance app (see core.jobs)."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from assistance.models import Programme
from assistance.services import import_list
from core.jobs import JobError, register
from people.importing.errors import ImportFileError

UPLOAD_FOLDER = "assistance-uploads"
# TODO: files of dry runs that are never imported stay in the upload folder; a periodic
# clean-up (e.g. older than 30 days) needs the scheduled-jobs hook core.jobs does not have yet.


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
