"""Backups of the whole database and their restore, with a fingerprint to prove them.

SQLite uses its online backup API (a consistent copy while the platform keeps running);
PostgreSQL uses ``pg_dump --format=custom`` and ``pg_restore --clean --single-transaction``, so
a failed restore leaves the database as it was. ``fingerprint`` counts and hashes every
table's rows in primary-key order; equal fingerprints before the backup and after the restore
mean nothing was lost or changed.
"""

import hashlib
import logging
import os
import shutil
import sqlite3
import subprocess
from glob import glob
from pathlib import Path

from django.db import connection

logger = logging.getLogger(__name__)


class BackupError(Exception):
    pass


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise BackupError(f"{name} not found; install PostgreSQL's client programs.")
    return candidates[-1]


def _pg_env() -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    args = ["--dbname", settings["NAME"]]
    if settings.get("HOST"):
        args += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def backup(path: Path) -> Path:
    """Write a backup of the current database to ``path``; returns it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _is_sqlite():
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        args, env = _pg_env()
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args], env
        )
    logger.info("Backup written to %s (%d bytes)", path, path.stat().st_size)
    return path


def restore(path: Path) -> None:
    """Replace the current database's contents with the backup at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file.")
    if _is_sqlite():
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path}: the backup file is damaged.")
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path}: not a SQLite backup ({error}).") from error
        finally:
            source.close()
    else:
        args, env = _pg_env()
        connection.close()  # pg_restore drops tables this connection may hold locks on
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(path),
            ],
            env,
        )
    logger.info("Database restored from %s", path)


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")


def fingerprint() -> dict[str, tuple[int, str]]:
    """Each table's row count and a SHA-256 of its rows in primary-key order."""
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith("sqlite_"):
                continue
            quoted = connection.ops.quote_name(table)
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            ]
            order = ", ".join(connection.ops.quote_name(name) for name in columns)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
                count += 1
            result[table] = (count, digest.hexdigest())
    return result
