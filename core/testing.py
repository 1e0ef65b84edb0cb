"""Helpers for tests that race two database connections (imported by tests only).

``shared_database`` (a fixture in the root conftest) puts the test database where threads
meet it as deployed; ``run_together`` starts calls in threads at the same moment.
"""

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, connections


@contextmanager
def database_for_threads(folder: Path):
    """Make threads meet in a database as deployed.

    The SQLite test database lives in memory with a shared cache, where a second writer fails
    at once ("table is locked") instead of waiting. A deployment uses a file (WAL, busy
    timeout, transactions that take the write lock when they start): copy the test database to
    such a file for the race, and switch back afterwards. PostgreSQL is used as it is.
    """
    name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = str(folder / "race.sqlite3")
    connection.ensure_connection()
    memory = connection.connection
    target = sqlite3.connect(path)
    memory.backup(target)
    target.close()
    # Django never closes an in-memory database's connection (that would drop it): keep it
    # aside, and let this thread and the others open the file.
    connection.connection = None
    connection.settings_dict["NAME"] = path
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory


def run_together(*calls):
    """Run each call in its own thread, released at the same moment; their results in order
    (an exception a call raised is its result)."""
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # reported by the caller's assertion, with its type
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
