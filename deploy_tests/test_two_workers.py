"""Two web workers against one PostgreSQL database: what one worker writes, the other sees.

Two real server processes (``manage.py runserver --noreload``) listen on two loopback ports, as
two machines behind a load balancer would. A visitor takes a queue number through one, an
officer signs in through one and calls the number through the other, and the display board and
the visitor's ticket on the first worker show the call. Nothing of it can live in a worker's
memory: sessions, numbering and the counter's current ticket are all database rows.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from accounts.roles import Role
from queues.models import Counter, PointKind, ServiceLine, ServicePoint, Ticket, TicketStatus

BASE_DIR = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 120
PASSWORD = "dua-Pekerja-2026!"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="two workers must share one server database; set DATABASE_URL to PostgreSQL",
    ),
    # Committed for real so that the worker processes see the rows; the reference data loaded
    # by migrations is restored for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _test_database_url() -> str:
    """The URL of the database this test session writes to (the test database, not the real)."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = urllib.parse.quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    return f"postgres://{credentials}{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker at {base} exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/antrean/ambil/", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(f"worker at {base} did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.fixture
def workers(tmp_path):
    """Two server processes on loopback, sharing the test database and one secret key."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartkampung.settings",
        "DATABASE_URL": _test_database_url(),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SMARTKAMPUNG_VAR_DIR": str(tmp_path / "var"),
        "PYTHONUNBUFFERED": "1",
    }
    started = []
    try:
        for index in range(2):
            base = f"http://127.0.0.1:{_free_port()}"
            log = tmp_path / f"worker{index}.log"
            process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "runserver",
                    "--noreload",
                    "--skip-checks",
                    base.removeprefix("http://"),
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            started.append((base, process, log))
        for base, process, log in started:
            _wait_until_up(base, process, log)
        yield [base for base, _process, _log in started]
    finally:
        for _base, process, _log in started:
            process.terminate()
        for _base, process, _log in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def path_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path


class Browser:
    """One person's browser: a cookie jar shared across both workers (same host, two ports)."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def get(self, url: str) -> tuple[str, str]:
        with self.opener.open(url, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, url: str, data: dict) -> tuple[str, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}).encode()
        with self.opener.open(url, data=body, timeout=30) as response:
            return response.geturl(), response.read().decode()


def test_a_session_a_ticket_and_a_call_made_through_one_worker_are_seen_by_the_other(
    workers, village, make_user
):
    point = ServicePoint.objects.create(
        code="kantor-desa-sarongan",
        name="Kantor Desa Sarongan",
        kind=PointKind.VILLAGE_OFFICE,
        region=village,
    )
    line = ServiceLine.objects.create(point=point, prefix="A", name="Surat keterangan")
    counter = Counter.objects.create(point=point, name="Loket 1")
    counter.lines.set([line])
    officer = make_user(Role.VILLAGE_OFFICER, region=village)
    # The worker processes run the production hashers, not the tests' fast one.
    officer.password = PBKDF2PasswordHasher().encode(PASSWORD, secrets.token_hex(8))
    officer.save(update_fields=["password"])
    first, second = workers

    # A visitor takes a number through the first worker ...
    visitor = Browser()
    take = f"/antrean/ambil/?titik={point.code}"
    visitor.get(f"{first}{take}")
    ticket_url, ticket_page = visitor.post(f"{first}{take}", {"line": line.pk})
    ticket = Ticket.objects.get()
    assert ticket.token in ticket_url and "A-001" in ticket_page
    # ... and the second worker knows from the shared session that they already hold it.
    again_url, _page = visitor.post(f"{second}{take}", {"line": line.pk})
    assert again_url.startswith(second)
    assert path_of(again_url) == path_of(ticket_url)
    assert Ticket.objects.count() == 1

    # An officer signs in through the first worker and is signed in on the second.
    officer_browser = Browser()
    officer_browser.get(f"{first}/masuk/")
    officer_browser.post(f"{first}/masuk/", {"username": officer.username, "password": PASSWORD})
    screen_url = f"{second}/antrean/loket/{counter.pk}/"
    landed, screen = officer_browser.get(screen_url)
    assert landed == screen_url, "the second worker did not see the session"
    assert "A-001" in screen

    # The call made through the second worker shows on the first worker's board and ticket.
    officer_browser.post(screen_url, {"action": "call_next"})
    _url, board = visitor.get(f"{first}/antrean/{point.code}/layar/data/")
    _url, ticket_page = visitor.get(f"{first}{path_of(ticket_url)}")

    call = json.loads(board)["calls"][0]
    assert (call["code"], call["counter"]) == ("A-001", "Loket 1")
    assert "Dipanggil ke loket" in ticket_page and "Loket 1" in ticket_page
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED
