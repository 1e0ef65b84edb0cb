"""Uploaded lists kept for a dry run are deleted after ASSISTANCE_UPLOAD_KEEP_DAYS."""

import os
import time

from core import jobs
from core.models import Job, JobStatus

DAY = 24 * 60 * 60


def _upload(folder, name: str, age_days: float):
    path = folder / name
    path.write_text("NIK;Nama\n")
    then = time.time() - age_days * DAY
    os.utime(path, (then, then))
    return path


def test_the_daily_job_deletes_old_uploads_but_not_recent_or_still_needed_ones(db, settings):
    settings.ASSISTANCE_UPLOAD_KEEP_DAYS = 14
    folder = settings.VAR_DIR / "assistance-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    forgotten = _upload(folder, "forgotten.csv", 20)
    recent = _upload(folder, "recent.csv", 3)
    waiting = _upload(folder, "waiting.csv", 30)
    Job.objects.create(
        kind="assistance.import_list",
        status=JobStatus.QUEUED,
        params={"file": "waiting.csv", "programme": "PKH", "period": "2026", "dry_run": False},
    )

    job = jobs.enqueue("assistance.prune_uploads")

    assert job.status == JobStatus.DONE and job.result["summary"].startswith("1 ")
    assert not forgotten.exists()
    assert recent.exists() and waiting.exists()


def test_nothing_to_prune_without_an_upload_folder(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "empty"

    job = jobs.enqueue("assistance.prune_uploads")

    assert job.status == JobStatus.DONE and job.result["summary"].startswith("0 ")


def test_a_dry_run_whose_file_was_pruned_asks_for_a_new_upload(client, db, programmes, regent):
    from django.urls import reverse

    from assistance.jobs import upload_path
    from assistance.models import BeneficiaryList, ListStatus

    client.force_login(regent)
    tried = BeneficiaryList.objects.create(
        programme=programmes["PKH"],
        period="2026",
        file_name="pkh.csv",
        dry_run=True,
        status=ListStatus.DRY_RUN,
        stored_file="gone.csv",
    )
    assert not upload_path("gone.csv").exists()

    response = client.post(reverse("assistance:list_commit", args=[tried.pk]), follow=True)

    assert "Berkas uji coba sudah tidak ada; unggah lagi." in response.content.decode()
    assert not Job.objects.filter(kind="assistance.import_list").exists()


def test_old_dry_runs_lose_their_row_lines_but_keep_counts(client, db, programmes, regent):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from assistance.jobs import prune_uploads
    from assistance.models import BeneficiaryList, ListStatus, ReportLine

    def tried(days_ago: int, *, dry_run: bool = True):
        made = BeneficiaryList.objects.create(
            programme=programmes["PKH"],
            period="2026",
            file_name="pkh.csv",
            dry_run=dry_run,
            status=ListStatus.DRY_RUN if dry_run else ListStatus.DONE,
            rows_read=1,
        )
        BeneficiaryList.objects.filter(pk=made.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
        ReportLine.objects.create(beneficiary_list=made, line=2, outcome="added")
        return made

    old, recent, imported = tried(20), tried(3), tried(60, dry_run=False)

    prune_uploads()

    assert not old.report_lines.exists()
    assert recent.report_lines.exists() and imported.report_lines.exists()
    client.force_login(regent)
    page = client.get(reverse("assistance:list_detail", args=[old.pk])).content.decode()
    assert "Rincian per baris uji coba dihapus setelah 14 hari" in page
