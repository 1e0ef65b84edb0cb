"""The Celery application, used only when ``JOBS_MODE = "celery"`` (see docs/deployment.md).

Start the processes with the same settings module as the web workers::

    celery -A smartkampung worker --loglevel=INFO
    celery -A smartkampung beat --loglevel=INFO

Its configuration is Django's settings whose names start with ``CELERY_`` (the production
profile sets them). Tasks are in ``<app>/tasks.py``; the only ones are in ``core/tasks.py``:
they run ``core.jobs`` jobs, whose database row stays the record of progress and result.

Nothing imports this module unless jobs go through Celery, so the other modes run without it.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")

app = Celery("smartkampung")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
