"""Locust users for bench/load.py: residents, kiosks and officers opening their pages.

Started by bench/load.py (``python -m locust -f bench/load_locust.py ...``), never by hand. The
environment says what to run:

- ``LOAD_SESSIONS``: the JSON file of signed-in users and their pages (bench/load_data.py);
- ``LOAD_MODE``: ``trivial`` (everyone asks ``/healthz``), ``signed_in`` (the same with a
  signed-in session cookie) or ``mix`` (every role its pages);
- ``LOAD_THINK``: seconds each user waits, on average, between two pages (0 for throughput).
  The wait is drawn between half and one and a half times that: with one fixed wait, users
  that started together keep asking together, in waves of all of them at once each second,
  which no crowd of residents and officers does.

Each simulated user takes one session of its role and opens that session's pages at random;
the statistics are grouped by page label, not by URL.
"""

import json
import os
import random

from locust import FastHttpUser, between, constant, task

MODE = os.environ.get("LOAD_MODE", "mix")
THINK = float(os.environ.get("LOAD_THINK", "1"))
WAIT = between(THINK / 2, THINK * 3 / 2) if THINK > 0 else constant(0)
with open(os.environ["LOAD_SESSIONS"], encoding="utf-8") as handle:
    SESSIONS = json.load(handle)
# How the crowd divides: mostly residents on phones and kiosks, then village officers.
WEIGHTS = {
    "resident": 50,
    "anonymous": 10,
    "village_officer": 30,
    "district_head": 8,
    "regent": 2,
}


class _RoleUser(FastHttpUser):
    abstract = True
    role = ""
    wait_time = WAIT

    def on_start(self):
        entry = random.choice(SESSIONS[self.role])
        self.pages = entry["pages"]
        self.headers = {"Cookie": f"sessionid={entry['cookie']}"} if entry["cookie"] else {}

    @task
    def open_a_page(self):
        label, path = random.choice(self.pages)
        with self.client.get(
            path, name=f"{self.role}: {label}", headers=self.headers, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/masuk/" in (response.url or "") and self.headers:
                response.failure("sent to the sign-in page")


if MODE == "signed_in":

    class SignedInTrivialUser(FastHttpUser):
        """``/healthz`` with a signed-in session: what reading the session and the user from
        the database costs every signed-in page before it does anything."""

        wait_time = WAIT

        def on_start(self):
            role = random.choice([role for role in WEIGHTS if role != "anonymous"])
            entry = random.choice(SESSIONS[role])
            self.headers = {"Cookie": f"sessionid={entry['cookie']}"}

        @task
        def alive(self):
            self.client.get("/healthz", name="signed in: /healthz", headers=self.headers)

elif MODE == "trivial":

    class TrivialUser(FastHttpUser):
        wait_time = WAIT

        @task
        def alive(self):
            self.client.get("/healthz", name="trivial: /healthz")

else:

    def _user_class(role: str, weight: int):
        return type(
            f"{role.title().replace('_', '')}User", (_RoleUser,), {"role": role, "weight": weight}
        )

    for _role, _weight in WEIGHTS.items():
        if SESSIONS.get(_role):
            globals()[f"{_role}_user"] = _user_class(_role, _weight)
