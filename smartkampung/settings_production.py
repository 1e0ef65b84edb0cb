"""Production profile: the base settings, hardened, plus the switches for growing past one
machine (see docs/deployment.md).

Use it with ``DJANGO_SETTINGS_MODULE=smartkampung.settings_production``. It refuses to start
without the variables a deployment must set itself: a secret key shared by every web worker
(a generated one would differ per machine and sign everybody out), and the host names.

Switches, each off unless its variable is set:

- ``DATABASE_REPLICA_URLS``: comma-separated read replicas; reads go to them, writes and
  everything inside a transaction to the primary (``DATABASE_URL``).
- ``REDIS_URL``: Django's cache in Redis, shared by every worker, instead of per process.
- ``JOBS_MODE``: ``worker`` (default here; ``manage.py run_jobs`` processes on any machine claim
  jobs from the database) or ``celery`` with ``CELERY_BROKER_URL`` (Redis).
- ``DJANGO_STORAGE=s3`` with ``AWS_STORAGE_BUCKET_NAME`` (and the usual ``AWS_*`` variables):
  uploaded attachments and issued PDFs in S3-compatible object storage.
"""

from __future__ import annotations

import os
import random

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from smartkampung.env import env_bool, env_int, env_list, env_str
from smartkampung.settings import *  # noqa: F403
from smartkampung.settings import DATABASES, LOGGING, STORAGES


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set for the production profile.")
    return value


# --------------------------------------------------------------------------- identity, hosts

SECRET_KEY = _required("DJANGO_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = [host.strip() for host in _required("DJANGO_ALLOWED_HOSTS").split(",")]
# Origins of HTTPS pages that post forms here, e.g. "https://smartkampung.banyuwangikab.go.id".
CSRF_TRUSTED_ORIGINS = env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", [f"https://{host}" for host in ALLOWED_HOSTS if host]
)

# --------------------------------------------------------------------------- HTTPS

SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
# Behind a load balancer that ends TLS and sets X-Forwarded-Proto (and strips it from clients).
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# "__Host-" cookies are sent only over HTTPS, only to this host, for the whole site.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# Staff sign in with a second factor (TOTP) in production unless explicitly switched off.
STAFF_TOTP_REQUIRED = env_bool("STAFF_TOTP_REQUIRED", True)
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --------------------------------------------------------------------------- database

# Keep connections open between requests; a pooler (PgBouncer) in front is the next step.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REPLICA_ALIASES: list[str] = []
for _index, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    _alias = f"replica{_index}"
    DATABASES[_alias] = dj_database_url.parse(_url)
    DATABASES[_alias]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 60)
    DATABASES[_alias]["CONN_HEALTH_CHECKS"] = True
    # Tests (and `check`) use the primary for it: a replica is a copy, never a second database.
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    REPLICA_ALIASES.append(_alias)


class PrimaryReplicaRouter:
    """Reads from a replica, writes to the primary.

    Reads made inside a transaction on the primary stay on the primary, so a service function
    that locks a row (``select_for_update`` counts as a write) and reads around it sees one
    database. Run the replicas with ``synchronous_commit = remote_apply`` so that a page read
    right after a write (the redirect after a form) already sees it.
    """

    def __init__(self, replicas: list[str]):
        self.replicas = replicas

    def db_for_read(self, model, **hints):
        from django.db import connections

        if not self.replicas or connections["default"].in_atomic_block:
            return "default"
        return random.choice(self.replicas)  # spreads load; not a secret

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


if REPLICA_ALIASES:
    DATABASE_ROUTERS = [PrimaryReplicaRouter(REPLICA_ALIASES)]

# --------------------------------------------------------------------------- shared stores

# Nothing relies on Django's cache for correctness (sessions, sign-in lockouts, jobs and queue
# numbers are in the database); with Redis every worker shares what is cached.
# Sessions in the database, read with one fixed statement per request (core/sessions.py).
SESSION_ENGINE = "core.sessions"
if env_str("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("REDIS_URL"),
        }
    }
    # With a cache every worker shares, sessions are read from it (written through to the
    # database); never with the per-process default, where a sign-out would not reach the
    # other workers.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background jobs: "worker" runs them in `manage.py run_jobs` processes that claim queued jobs
# from the database, so a web worker restart never loses one.
JOBS_MODE = env_str("JOBS_MODE", "worker")
if JOBS_MODE not in {"worker", "thread", "celery"}:
    raise ImproperlyConfigured(f"JOBS_MODE must be worker, thread or celery, not {JOBS_MODE!r}")
if JOBS_MODE == "celery":
    # `celery -A smartkampung worker` runs the jobs and `celery -A smartkampung beat` (exactly
    # one) queues the periodic ones; see smartkampung/celery.py and core/tasks.py.
    CELERY_BROKER_URL = _required("CELERY_BROKER_URL")
    # A message is acknowledged after its job, and a worker holds one at a time, so a worker
    # lost before it claimed the job leaves the message to another. A second delivery is
    # harmless: core.jobs claims the row, and a job no longer queued is not run again.
    CELERY_TASK_ACKS_LATE = True
    CELERY_TASK_REJECT_ON_WORKER_LOST = True
    CELERY_WORKER_PREFETCH_MULTIPLIER = 1
    # The job row holds progress and result: no result backend, nothing for beat to expire.
    CELERY_TASK_IGNORE_RESULT = True
    CELERY_RESULT_EXPIRES = None
    CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
    # Redis hands an unacknowledged message to another worker after this long; longer than
    # any job, although a second delivery would only find the job running and stop.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 6 * 60 * 60)
    }
    # The worker logs through LOGGING, like the web workers.
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False
    CELERY_TIMEZONE = "Asia/Jakarta"
    # Beat sends one tick at a time; each queues the due PERIODIC_JOBS and sends them. A tick
    # not started within its interval is dropped rather than piled up.
    _periodic_tick = env_int("CELERY_PERIODIC_SECONDS", 30)
    CELERY_BEAT_SCHEDULE = {
        "core.schedule_periodic": {
            "task": "core.schedule_periodic",
            "schedule": float(_periodic_tick),
            "options": {"expires": _periodic_tick},
        }
    }

# Files: the local folder under SMARTKAMPUNG_VAR_DIR by default (one machine, or a shared
# mount); S3-compatible object storage when several machines write documents.
if env_str("DJANGO_STORAGE", "local") == "s3":
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _required("AWS_STORAGE_BUCKET_NAME"),
                "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
                "region_name": env_str("AWS_S3_REGION_NAME") or None,
                # Documents hold personal data: private objects, short-lived signed links.
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
            },
        },
    }

# --------------------------------------------------------------------------- logging

LOGGING = {
    **LOGGING,
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(process)d %(name)s %(message)s",
        },
    },
    "loggers": {
        **LOGGING["loggers"],
        # A request the host check refused is an attack or a misconfigured proxy, not a fault.
        "django.security.DisallowedHost": {"level": "ERROR"},
    },
}
