"""The production profile: Django's deployment check is clean with it, it refuses to start
without the variables a deployment must set, and its switches turn replicas on."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PROFILE = "smartkampung.settings_production"


def run(args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_REPLICA", "JOBS_MODE", "REDIS_URL"))
    }
    environment.update({"DJANGO_SETTINGS_MODULE": PROFILE, **env})
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra):
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "smartkampung.banyuwangikab.example",
        **extra,
    }


def test_the_deployment_check_is_clean_under_the_production_profile():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_profile_refuses_to_start_without_a_shared_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]

    result = run(["manage.py", "check"], **env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_profile_refuses_to_start_without_host_names():
    env = production_env()
    del env["DJANGO_ALLOWED_HOSTS"]

    result = run(["manage.py", "check"], **env)

    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_replicas_take_reads_and_the_primary_keeps_writes_and_transactions(tmp_path):
    script = """
import django
django.setup()
from django.conf import settings
from django.db import router, transaction
from queues.models import Ticket
print(sorted(settings.DATABASES))
print(router.db_for_read(Ticket), router.db_for_write(Ticket))
with transaction.atomic():
    print(router.db_for_read(Ticket))
print(settings.JOBS_MODE, settings.SESSION_ENGINE)
"""
    replica = f"sqlite:///{tmp_path / 'replica.sqlite3'}"

    result = run(["-c", script], **production_env(DATABASE_REPLICA_URLS=replica))

    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert lines == [
        "['default', 'replica1']",
        "replica1 default",
        "default",
        "worker core.sessions",
    ]


def test_celery_needs_its_broker():
    result = run(["manage.py", "check"], **production_env(JOBS_MODE="celery"))

    assert "CELERY_BROKER_URL must be set" in result.stderr


def test_postgresql_statements_are_prepared_unless_switched_off():
    """Server-side binding with prepared statements on PostgreSQL; off for old poolers."""
    script = """
import django
django.setup()
from django.conf import settings
print(settings.DATABASES["default"].get("OPTIONS", {}))
"""
    url = "postgres://smartkampung@127.0.0.1:5/smartkampung"  # never connected to

    on = run(["-c", script], **production_env(DATABASE_URL=url))
    off = run(["-c", script], **production_env(DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="0"))

    assert on.returncode == 0 and off.returncode == 0, on.stderr + off.stderr
    assert on.stdout.strip() == "{'server_side_binding': True, 'prepare_threshold': 5}"
    assert off.stdout.strip() == "{}"
