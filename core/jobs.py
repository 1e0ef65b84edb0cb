"""Background jobs: long work that must not hold a web request open.

An app registers a handler in its ``<app>/jobs.py``::

    @register("assistance.import_list")
    def import_list(job, progress):
        ...
        progress(done, total, "baris 1.000 dari 50.000")
        return {"summary": "...", "url": "/..."}

and a view queues it with ``enqueue("assistance.import_list", params={...}, user=request.user)``.
The ``core.Job`` row carries status, progress, result and error, so any web worker can show
it (``core:job_detail``). How jobs run is ``settings.JOBS_MODE``:

- ``"thread"`` (default, one machine): a daemon thread of the process that queued the job starts
  it once the queuing transaction commits;
- ``"worker"``: nothing starts it here; ``manage.py run_jobs`` (one or more processes, on any
  machine sharing the database) claims queued jobs oldest first;
- ``"celery"``: once the queuing transaction commits, the job's id is sent to Celery
  (``core.tasks.run_job``); a ``celery -A smartkampung worker`` runs it, and ``celery beat``
  queues the periodic jobs (``core.tasks.schedule_periodic``). Celery is imported only then;
- ``"inline"`` (tests): the job runs before ``enqueue`` returns.

A handler raises ``JobError`` with a message for the user when the input is wrong; any other
exception fails the job with a generic message and a logged traceback.
"""

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from core.models import Job, JobStatus

logger = logging.getLogger(__name__)

Handler = Callable[[Job, Callable[..., None]], dict[str, Any] | None]

_handlers: dict[str, Handler] = {}
_discovered = False
# Progress is written at most this often (seconds), besides the first and the last call.
PROGRESS_INTERVAL = 0.5


class JobError(Exception):
    """A failure the user can act on; its message is shown on the job page."""


def register(kind: str) -> Callable[[Handler], Handler]:
    def decorator(handler: Handler) -> Handler:
        if kind in _handlers and _handlers[kind] is not handler:
            raise ValueError(f"Job kind {kind!r} is registered twice.")
        _handlers[kind] = handler
        return handler

    return decorator


def handler_for(kind: str) -> Handler:
    global _discovered
    if kind not in _handlers and not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"No job handler registered for {kind!r}.") from None


def mode() -> str:
    return getattr(settings, "JOBS_MODE", "thread")


def enqueue(kind: str, *, params: dict | None = None, user=None, label: str = "") -> Job:
    """Queue a job of ``kind`` and, depending on ``JOBS_MODE``, start it."""
    handler_for(kind)  # fail now, in the request, if nothing can run it
    job = Job.objects.create(
        kind=kind,
        label=str(label)[:200],
        params=params or {},
        created_by=user if user is not None and user.is_authenticated else None,
    )
    logger.info("Job %s queued (%s)", job.pk, kind)
    current = mode()
    if current == "inline":
        run_job(job.pk)
        job.refresh_from_db()
    elif current == "thread":
        transaction.on_commit(lambda: _start_thread(job.pk))
    elif current == "celery":
        send_to_celery(job.pk)
    return job


def send_to_celery(job_id: int) -> None:
    """Send a queued job to the Celery workers once the current transaction commits.

    The message carries the id only, and never leaves before the row is visible to a worker.
    """
    transaction.on_commit(lambda: _send_to_celery(job_id))


def _send_to_celery(job_id: int) -> None:
    from core.tasks import run_job as run_job_task  # imports Celery: only in this mode

    try:
        run_job_task.delay(job_id)
    except Exception:
        # The row is committed and stays queued: `manage.py run_jobs --once` runs it later.
        # Failing the request that queued it would not undo the commit.
        logger.exception("Job %s is queued but could not be sent to the Celery broker", job_id)


def _start_thread(job_id: int) -> None:
    thread = threading.Thread(
        target=_run_in_thread, args=(job_id,), name=f"job-{job_id}", daemon=True
    )
    thread.start()


def _run_in_thread(job_id: int) -> None:
    try:
        run_job(job_id)
    finally:
        connection.close()


def _claim(job_id: int) -> bool:
    """Move a queued job to running; False when another runner took it first."""
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        )
    )


def run_job(job_id: int) -> Job | None:
    """Run one queued job to the end; returns it, or None when it was not queued."""
    if not _claim(job_id):
        return None
    job = Job.objects.get(pk=job_id)
    last_write = 0.0

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        nonlocal last_write
        now = time.monotonic()
        finished = total is not None and done >= total
        if last_write and not finished and now - last_write < PROGRESS_INTERVAL:
            return
        last_write = now
        job.progress_done, job.progress_total, job.message = done, total, str(message)[:255]
        Job.objects.filter(pk=job.pk).update(
            progress_done=done, progress_total=total, message=job.message
        )

    try:
        result = handler_for(job.kind)(job, progress) or {}
    except JobError as error:
        _finish(job, JobStatus.FAILED, error=str(error))
        logger.info("Job %s (%s) refused its input: %s", job.pk, job.kind, error)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(
            job,
            JobStatus.FAILED,
            error=_("Terjadi kesalahan di sistem. Coba lagi, atau hubungi admin kabupaten."),
        )
    else:
        _finish(job, JobStatus.DONE, result=result)
        logger.info("Job %s (%s) done", job.pk, job.kind)
    return job


def _finish(job: Job, status: str, *, result: dict | None = None, error: str = "") -> None:
    job.status, job.finished_at, job.error = status, timezone.now(), error
    fields = ["status", "finished_at", "error"]
    if result is not None:
        job.result = result
        fields.append("result")
    if status == JobStatus.DONE and job.progress_total is not None:
        job.progress_done = job.progress_total
        fields.append("progress_done")
    job.save(update_fields=fields)


def run_pending(limit: int | None = None) -> int:
    """Run queued jobs oldest first (what ``manage.py run_jobs`` loops over); returns how many."""
    ran = 0
    while limit is None or ran < limit:
        if not connection.in_atomic_block:  # a long-lived worker drops stale connections
            close_old_connections()
        job_id = (
            Job.objects.filter(status=JobStatus.QUEUED)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
            .first()
        )
        if job_id is None:
            break
        if run_job(job_id) is not None:
            ran += 1
    return ran


def schedule_periodic(now=None) -> list[Job]:
    """Queue each job of ``settings.PERIODIC_JOBS`` ({kind: seconds}) that is due.

    A kind is due when no job of it is queued or running and the last one was queued at least
    its interval ago. ``manage.py run_jobs`` calls this on every round.
    """
    now = now or timezone.now()
    queued = []
    for kind, seconds in getattr(settings, "PERIODIC_JOBS", {}).items():
        handler_for(kind)
        recent = Job.objects.filter(kind=kind).filter(
            models.Q(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
            | models.Q(created_at__gt=now - timedelta(seconds=seconds))
        )
        if not recent.exists():
            queued.append(Job.objects.create(kind=kind, label=kind))
            logger.info("Periodic job %s queued", kind)
    return queued
