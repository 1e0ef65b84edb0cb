"""Celery tasks that run ``core.jobs`` jobs when ``JOBS_MODE = "celery"``.

A task carries only the job's id: the ``core.Job`` row holds the parameters, the progress and
the result. ``core.jobs.run_job`` claims the row before running it, so a message delivered twice
(late acknowledgement after a lost connection, a visibility timeout) runs the handler once.
"""

import logging

from core import jobs
from smartkampung.celery import app

logger = logging.getLogger(__name__)


@app.task(name="core.run_job", ignore_result=True)
def run_job(job_id: int) -> str | None:
    """Run one queued job; returns its final status, or None when it was not queued any more."""
    job = jobs.run_job(job_id)
    if job is None:
        logger.info("Job %s was not queued any more: delivery ignored", job_id)
        return None
    return job.status


@app.task(name="core.schedule_periodic", ignore_result=True)
def schedule_periodic() -> list[int]:
    """The beat entry: queue the due jobs of ``settings.PERIODIC_JOBS`` and send each one."""
    queued = jobs.schedule_periodic()
    for job in queued:
        jobs.send_to_celery(job.pk)
    return [job.pk for job in queued]
