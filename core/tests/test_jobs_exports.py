import csv
import io

import pytest
from openpyxl import load_workbook

from core import jobs
from core.exports import csv_response, escape_cell, xlsx_response
from core.models import Job, JobStatus


@jobs.register("tests.count_to")
def _count_to(job, progress):
    total = job.params["n"]
    for done in range(1, total + 1):
        progress(done, total, f"{done} of {total}")
    return {"summary": f"counted to {total}"}


@jobs.register("tests.refuses")
def _refuses(job, progress):
    raise jobs.JobError("Lembar 'Data' tidak ada di berkas.")


@jobs.register("tests.crashes")
def _crashes(job, progress):
    raise RuntimeError("boom")


@pytest.mark.django_db
class TestJobs:
    def test_inline_job_runs_to_done_with_its_result(self, regent):
        job = jobs.enqueue("tests.count_to", params={"n": 3}, user=regent, label="Count")
        assert job.status == JobStatus.DONE
        assert (job.progress_done, job.progress_total) == (3, 3)
        assert job.result == {"summary": "counted to 3"}
        assert job.created_by == regent

    def test_a_refused_input_keeps_its_message(self):
        job = jobs.enqueue("tests.refuses")
        assert job.status == JobStatus.FAILED
        assert "Lembar 'Data'" in job.error

    def test_a_crash_fails_the_job_with_a_generic_message(self):
        job = jobs.enqueue("tests.crashes")
        assert job.status == JobStatus.FAILED
        assert "boom" not in job.error and job.error

    def test_an_unknown_kind_is_refused_before_anything_is_queued(self):
        with pytest.raises(LookupError):
            jobs.enqueue("tests.nothing_here")
        assert not Job.objects.exists()

    def test_worker_mode_queues_and_run_pending_claims_each_job_once(self, settings):
        settings.JOBS_MODE = "worker"
        first = jobs.enqueue("tests.count_to", params={"n": 2})
        second = jobs.enqueue("tests.count_to", params={"n": 1})
        assert Job.objects.get(pk=first.pk).status == JobStatus.QUEUED
        assert jobs.run_pending() == 2
        assert jobs.run_pending() == 0
        assert jobs.run_job(first.pk) is None  # already done: not run again
        assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.DONE}
        assert Job.objects.get(pk=second.pk).result == {"summary": "counted to 1"}

    def test_the_job_page_is_for_its_creator_and_the_regent_only(
        self, client, regent, village_officer, other_village_officer
    ):
        job = jobs.enqueue("tests.count_to", params={"n": 1}, user=village_officer)
        client.force_login(village_officer)
        page = client.get(f"/tugas/{job.pk}/")
        assert page.status_code == 200 and "counted to 1" in page.content.decode()
        client.force_login(other_village_officer)
        assert client.get(f"/tugas/{job.pk}/").status_code == 404
        client.force_login(regent)
        assert client.get(f"/tugas/{job.pk}/").status_code == 200

    def test_a_running_job_page_refreshes_itself(self, client, village_officer, settings):
        settings.JOBS_MODE = "worker"
        job = jobs.enqueue("tests.count_to", params={"n": 1}, user=village_officer)
        client.force_login(village_officer)
        assert 'http-equiv="refresh"' in client.get(f"/tugas/{job.pk}/").content.decode()


class TestExports:
    @pytest.mark.parametrize("text", ["=1+1", "+62812", "-2+3", "@SUM(A1)", "\t=x"])
    def test_formula_text_is_defused(self, text):
        assert escape_cell(text) == "'" + text

    def test_numbers_and_plain_text_are_left_alone(self):
        assert escape_cell(-5) == -5
        assert escape_cell("Siti Aminah") == "Siti Aminah"
        assert escape_cell(None) == ""

    def test_csv_streams_with_a_bom_and_escaped_cells(self):
        response = csv_response("list.csv", ["NAMA", "CATATAN"], [["Ani", "=HYPERLINK()"]])
        body = b"".join(response.streaming_content).decode("utf-8")
        assert body.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
        assert rows == [["NAMA", "CATATAN"], ["Ani", "'=HYPERLINK()"]]
        assert response["Content-Disposition"] == 'attachment; filename="list.csv"'

    def test_xlsx_round_trips_with_escaped_cells(self):
        response = xlsx_response("list.xlsx", ["NAMA", "JUMLAH"], [["@evil", 3]])
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
            ["NAMA", "JUMLAH"],
            ["'@evil", 3],
        ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_thread_mode_starts_the_job_after_commit_and_records_progress(settings):
    import time

    settings.JOBS_MODE = "thread"
    job = jobs.enqueue("tests.count_to", params={"n": 5})
    for _ in range(100):
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.05)
    assert job.status == JobStatus.DONE
    assert job.progress_done == 5 and job.started_at is not None


@pytest.mark.django_db
def test_periodic_jobs_are_queued_once_per_interval(settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.JOBS_MODE = "worker"
    settings.PERIODIC_JOBS = {"tests.count_to": 300}
    now = timezone.now()
    assert len(jobs.schedule_periodic(now)) == 1
    assert jobs.schedule_periodic(now) == []  # one is queued already
    Job.objects.update(status=JobStatus.DONE, created_at=now - timedelta(seconds=100))
    assert jobs.schedule_periodic(now) == []  # ran 100 s ago
    Job.objects.update(created_at=now - timedelta(seconds=301))
    assert len(jobs.schedule_periodic(now)) == 1


@pytest.mark.django_db
def test_health_checks_answer(client):
    assert client.get("/healthz").content == b"ok"
    assert client.get("/readyz").json() == {"database": "ok"}


@pytest.mark.django_db
class TestExportPurpose:
    URL = "/kesehatan/vaksinasi/ekspor/csv/"

    def test_an_export_without_a_purpose_asks_for_one_and_writes_nothing(
        self, client, village_officer
    ):
        from core.models import AuditEntry

        client.force_login(village_officer)
        page = client.get(self.URL, {"wilayah": ""})
        body = page.content.decode()
        assert page.status_code == 200 and 'name="keperluan"' in body
        assert 'type="hidden" name="wilayah"' in body  # the other parameters come along
        assert not AuditEntry.objects.filter(action__endswith=".exported").exists()
        short = client.get(self.URL, {"keperluan": "abc"})
        assert "paling sedikit 5 huruf atau angka" in short.content.decode()
        for says_nothing in (".....", "- - - - - -", "\x00\x00\x00x", "ab\u200bc"):
            assert (
                'name="keperluan"'
                in client.get(self.URL, {"keperluan": says_nothing}).content.decode()
            )
        assert not AuditEntry.objects.filter(action__endswith=".exported").exists()

    def test_control_characters_are_dropped_from_the_purpose(self, client, village_officer):
        """PostgreSQL's JSON refuses NUL: a purpose with one must not break the export."""
        from core.models import AuditEntry

        client.force_login(village_officer)
        response = client.get(self.URL, {"keperluan": "Rekap\x00 dosis\x1b kedua"})
        b"".join(response.streaming_content)
        entry = AuditEntry.objects.get(action="health.vaccination.exported")
        assert entry.detail["purpose"] == "Rekap dosis kedua"

    def test_the_stated_purpose_is_kept_in_the_audit_entry(self, client, village_officer):
        from core.models import AuditEntry

        client.force_login(village_officer)
        response = client.get(self.URL, {"keperluan": "  Rekap   dosis kedua  "})
        b"".join(response.streaming_content)
        entry = AuditEntry.objects.get(action="health.vaccination.exported")
        assert entry.actor == village_officer
        assert entry.detail["purpose"] == "Rekap dosis kedua"


@pytest.mark.django_db
def test_signed_in_pages_are_not_kept_by_caches(client, village_officer):
    assert "no-store" not in client.get("/layanan/").get("Cache-Control", "")
    client.force_login(village_officer)
    assert client.get("/penduduk/")["Cache-Control"] == "no-store, private"
