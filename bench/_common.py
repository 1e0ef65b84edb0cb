"""Helpers shared by the benchmarks: a throwaway PostgreSQL cluster, workers, the RESULT line.

Nothing here imports Django: the orchestrating process only starts workers (each a fresh
interpreter with its own DATABASE_URL) and reads the JSON they print.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin() -> Path:
    """The newest installed PostgreSQL server binaries (Debian's layout)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if not found:
        raise SystemExit(
            "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin; "
            "install them with: apt-get install postgresql"
        )
    return found[-1].parent


def _as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, **kwargs)


class PostgresCluster:
    """A cluster in a temporary folder, listening on 127.0.0.1 only, with fsync left on."""

    def __init__(self, work: Path, port: int, binaries: Path):
        self.work = work
        self.port = port
        self.bin = binaries

    def create_database(self, name: str) -> str:
        """Create an empty database and return its DATABASE_URL."""
        _as_postgres(
            [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
             "postgres", name],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def version(self) -> str:
        out = subprocess.run(
            [str(self.bin / "postgres"), "--version"], capture_output=True, text=True, check=True
        )
        return out.stdout.split()[2]  # "postgres (PostgreSQL) 15.18 (Debian ...)"


@contextmanager
def postgres_cluster(shared_buffers: str = "1GB", max_wal_size: str = "4GB"):
    """Start a throwaway cluster; stop it and remove its folder on exit, also after an error.

    The settings are those of a modest production server: fsync and full-page writes stay on;
    shared_buffers is a fraction of this machine's memory, and max_wal_size is raised, as any
    server that takes bulk loads has it, so checkpoints do not run every few seconds.
    """
    binaries = postgres_bin()
    work = Path(tempfile.mkdtemp(prefix="smartkampung-bench-pg."))
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
    port = free_port()
    data = work / "data"
    started = False
    try:
        _as_postgres(
            [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {work} "
            f"-c shared_buffers={shared_buffers} -c max_wal_size={max_wal_size} "
            "-c max_connections=20"
        )
        _as_postgres(
            [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(work / "server.log"), "-w",
             "-o", options, "start"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        started = True
        yield PostgresCluster(work, port, binaries)
    finally:
        if started:
            _as_postgres(
                [str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(work, ignore_errors=True)


def run_worker(script: Path, arguments: list[str], env: dict[str, str]) -> dict:
    """Run ``script --worker ...`` in a fresh interpreter and return the JSON it printed last."""
    full_env = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    full_env.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, str(script), "--worker", *arguments],
        cwd=REPO,
        env=full_env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"worker {arguments[:1]} failed with exit code {completed.returncode}")
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"worker {arguments[:1]} printed no JSON result")
    result = json.loads(lines[-1])
    result.setdefault("wall_s", round(time.perf_counter() - started, 2))
    return result


def emit(result: dict) -> None:
    """A worker's last line: its figures as JSON, for run_worker."""
    print(json.dumps(result), flush=True)


def result_line(figures: dict[str, object]) -> str:
    """``RESULT key=value ...`` with floats rounded for reading; the benchmark's last line."""
    parts = []
    for key, value in figures.items():
        if isinstance(value, float):
            value = f"{value:.3f}" if abs(value) < 10 else f"{value:.0f}"
        parts.append(f"{key}={value}")
    return "RESULT " + " ".join(parts)
