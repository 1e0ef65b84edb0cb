"""The page that follows a background job: progress while it runs, the result when done."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from core.models import Job

# Seconds between reloads of a running job's page (a meta refresh: no script needed).
REFRESH_SECONDS = 3


@login_required
def job_detail(request, pk: int):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    return render(
        request,
        "core/job_detail.html",
        {"job": job, "refresh_seconds": None if job.is_finished else REFRESH_SECONDS},
    )
