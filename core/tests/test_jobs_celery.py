"""``JOBS_MODE = "celery"``: jobs sent on commit to a real Celery worker (a thread of this
process, ``celery.contrib.testing.worker``), through kombu's in-memory broker and, when the
``redis-server`` binary is installed, through a Redis server started here on loopback.

The worker has its own database connection, so these tests commit (``transaction=True``); the
SQLite test database is a shared in-memory one, which every thread of the process opens.
"""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery.contrib.testing.tasks import ping  # noqa: F401 - start_worker's readiness check
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection, transaction

from core import jobs
from core import tasks as core_tasks
from core.models import Job, JobStatus
from smartkampung.celery import app

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Kinds run by the handlers below: job id -> times the handler ran.
calls: dict[int, int] = {}


@jobs.register("tests_celery.count_to")
def _count_to(job, progress):
    calls[job.pk] = calls.get(job.pk, 0) + 1
    total = job.params.get("n", 1)
    for done in range(1, total + 1):
        progress(done, total, f"{done} of {total}")
    return {"summary": f"counted to {total}"}


@jobs.register("tests_celery.refuses")
def _refuses(job, progress):
    calls[job.pk] = calls.get(job.pk, 0) + 1
    raise jobs.JobError("Kolom NIK kosong di baris 3.")


@jobs.register("tests_celery.crashes")
def _crashes(job, progress):
    raise RuntimeError("secret internals")


class Deliveries:
    """Tasks the worker finished, in order, as (task name, argument, return value)."""

    def __init__(self):
        self.done: list[tuple[str, tuple, object]] = []
        self._changed = threading.Condition()

    def record(self, sender=None, args=(), retval=None, **kwargs):
        if sender.name == "celery.ping":  # start_worker's readiness check
            return
        # Runs in the worker thread: give its database connection back before the test reads.
        connection.close()
        with self._changed:
            self.done.append((sender.name, tuple(args), retval))
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[tuple[str, tuple, object]]:
        with self._changed:
            reached = self._changed.wait_for(lambda: len(self.done) >= count, timeout)
        assert reached, f"the worker finished {len(self.done)} task(s), not {count}"
        return list(self.done)


_TEST_CONF = {
    "broker_url": None,
    "result_backend": "cache+memory://",  # start_worker's ping needs one; jobs do not
    "task_acks_late": True,
    "worker_prefetch_multiplier": 1,
    "broker_transport_options": {"polling_interval": 0.05},
    "worker_hijack_root_logger": False,
    "broker_connection_retry_on_startup": False,
    "broker_connection_timeout": 2,
}


def _drop_broker_pools():
    # The app keeps its producer connections per broker; a new broker URL needs new ones.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def _app_on(broker_url: str):
    """Point the project's Celery app at ``broker_url``; its configuration is restored after."""
    previous = {key: app.conf.get(key) for key in _TEST_CONF}
    app.conf.update(_TEST_CONF, broker_url=broker_url)
    _drop_broker_pools()
    try:
        yield app
    finally:
        app.conf.update(previous)
        _drop_broker_pools()


@contextmanager
def _worker(broker_url: str):
    """A worker thread of this process on ``broker_url``."""
    # Django's system checks, which a worker runs at start, are `manage.py check`'s business.
    with _app_on(broker_url), pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELERY_SKIP_CHECKS", "1")
        with start_worker(app, pool="solo", shutdown_timeout=20) as worker:
            yield worker


@pytest.fixture
def deliveries(settings):
    """What the worker finishes during the test. JOBS_MODE is "celery"."""
    settings.JOBS_MODE = "celery"
    finished = Deliveries()
    task_postrun.connect(finished.record, weak=False)
    yield finished
    task_postrun.disconnect(finished.record)
    calls.clear()


@pytest.fixture(scope="class")
def memory_worker():
    # One worker for the class: stopping one takes a few seconds of polling.
    with _worker("memory://") as worker:
        yield worker


@pytest.mark.usefixtures("memory_worker")
class TestInMemoryBroker:
    def test_a_job_is_sent_on_commit_and_the_worker_takes_it_from_queued_to_done(self, deliveries):
        with transaction.atomic():
            job = jobs.enqueue("tests_celery.count_to", params={"n": 3}, label="Hitung")
            # Nothing leaves before the row is committed: a worker could not read it yet.
            assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
        assert job.status == JobStatus.QUEUED

        assert deliveries.wait_for(1) == [("core.run_job", (job.pk,), JobStatus.DONE)]
        job.refresh_from_db()
        assert job.status == JobStatus.DONE
        assert job.result == {"summary": "counted to 3"}
        assert (job.progress_done, job.progress_total) == (3, 3)
        assert job.started_at is not None and job.finished_at is not None

    def test_a_failing_handler_leaves_the_job_failed_with_its_message(self, deliveries):
        refused = jobs.enqueue("tests_celery.refuses")
        crashed = jobs.enqueue("tests_celery.crashes")

        finished = deliveries.wait_for(2)
        assert [entry[2] for entry in finished] == [JobStatus.FAILED, JobStatus.FAILED]
        refused.refresh_from_db()
        crashed.refresh_from_db()
        assert refused.status == JobStatus.FAILED
        assert refused.error == "Kolom NIK kosong di baris 3."
        assert crashed.status == JobStatus.FAILED
        assert crashed.error and "secret internals" not in crashed.error

    def test_a_task_delivered_twice_runs_the_handler_once(self, deliveries):
        job = jobs.enqueue("tests_celery.count_to", params={"n": 2})
        core_tasks.run_job.delay(job.pk)  # the same message again, as a redelivery brings it

        assert deliveries.wait_for(2) == [
            ("core.run_job", (job.pk,), JobStatus.DONE),
            ("core.run_job", (job.pk,), None),
        ]
        assert calls == {job.pk: 1}
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and job.result == {"summary": "counted to 2"}

    def test_the_beat_tick_queues_a_due_periodic_job_once_and_the_worker_runs_it(
        self, deliveries, settings
    ):
        settings.PERIODIC_JOBS = {"tests_celery.count_to": 300}

        core_tasks.schedule_periodic.delay()
        finished = deliveries.wait_for(2)
        job = Job.objects.get(kind="tests_celery.count_to")
        assert finished == [
            ("core.schedule_periodic", (), [job.pk]),
            ("core.run_job", (job.pk,), JobStatus.DONE),
        ]
        # The next tick within the interval queues nothing: the job is not run twice.
        core_tasks.schedule_periodic.delay()
        assert deliveries.wait_for(3)[-1] == ("core.schedule_periodic", (), [])
        assert Job.objects.filter(kind="tests_celery.count_to").count() == 1
        assert calls == {job.pk: 1}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_broker(tmp_path):
    """A throwaway redis-server on loopback, in memory only; stopped after the test."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(
            "redis-server not found on PATH: the real Redis broker test needs it "
            "(apt-get install redis-server)"
        )
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_job_runs_through_a_real_redis_broker(redis_broker, deliveries):
    with _worker(redis_broker):
        job = jobs.enqueue("tests_celery.count_to", params={"n": 4})

        assert deliveries.wait_for(1) == [("core.run_job", (job.pk,), JobStatus.DONE)]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result == {"summary": "counted to 4"}


def test_a_job_queued_while_the_broker_is_down_stays_queued_and_the_error_is_logged(
    settings, caplog
):
    settings.JOBS_MODE = "celery"
    with _app_on(f"redis://127.0.0.1:{_free_port()}/0"):  # nothing listens there
        job = jobs.enqueue("tests_celery.count_to", params={"n": 1})

    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert f"Job {job.pk} is queued but could not be sent to the Celery broker" in caplog.text
    # Any process can still run it from the database, as `manage.py run_jobs --once` does.
    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def _python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "JOBS_MODE", "CELERY_"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_other_modes_start_without_importing_celery():
    result = _python(
        "import sys, django; django.setup(); import smartkampung.urls, core.jobs\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in {'celery', 'kombu'}"
        " or name in {'smartkampung.celery', 'core.tasks'}))",
        DJANGO_SETTINGS_MODULE="smartkampung.settings",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_production_profile_configures_the_worker_and_the_beat_entry():
    result = _python(
        "import django; django.setup()\n"
        "from smartkampung.celery import app\n"
        "app.loader.import_default_modules()\n"
        "conf = app.conf\n"
        "entry = conf.beat_schedule['core.schedule_periodic']\n"
        "print(conf.broker_url, conf.task_acks_late, conf.worker_prefetch_multiplier)\n"
        "print(entry['task'] in app.tasks, 'core.run_job' in app.tasks, entry['schedule'])\n",
        DJANGO_SETTINGS_MODULE="smartkampung.settings_production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="smartkampung.banyuwangikab.example",
        JOBS_MODE="celery",
        CELERY_BROKER_URL="redis://127.0.0.1:6390/0",
        CELERY_SKIP_CHECKS="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "redis://127.0.0.1:6390/0 True 1",
        "True True 30.0",
    ]
