"""Whole-regency load test: the platform on PostgreSQL under residents, kiosks and officers.

    .venv/bin/python bench/load.py [--quick] [--residents N] [--users 50] [--duration 60]

1. Starts a throwaway PostgreSQL cluster on loopback and, in a worker interpreter, loads a
   regency into it: the synthetic register (default 1,750,000 residents, ~560,000 families),
   a year of applications, complaints and assistance lists (when those apps are installed),
   then the dashboard figures. It signs in sample users of each role (sessions in the database)
   and writes, for each, the pages it will open.
2. Starts gunicorn (``--workers`` processes x ``--threads`` threads) on a free loopback port.
3. Runs locust, headless, from a second process, four times for ``--duration`` seconds each:
   a trivial view (``/healthz``), the same with a signed-in session (the floor of every
   signed-in page) and the page mix, with no think time (throughput, and the ratios to the
   first), then the page mix at ``--users`` concurrent users waiting ``--think`` seconds on
   average between pages (median and 95th-percentile latency per page, errors).

The last line is ``RESULT ...``: mix and trivial requests/s and their ratio, the worst page's
95th percentile, the error count, and the seeding figures. Aims (issue 9): no errors, every
page's p95 under 200 ms at 50 users, ratio at least 0.25. See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _common import REPO, emit, free_port, postgres_cluster, result_line, run_worker  # noqa: E402

sys.path[:] = [str(REPO)] + [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]

SCRIPT = Path(__file__).resolve()
LOCUSTFILE = BENCH / "load_locust.py"
FULL_RESIDENTS = 1_750_000
QUICK_RESIDENTS = 20_000
# A year of applications: about one for every six residents.
APPLICATIONS_PER_RESIDENT = 0.17
COMPLAINTS_PER_RESIDENT = 0.012
TARGET_P95_MS = 200
TARGET_RATIO = 0.25
SAMPLE_USERS = {"resident": 400, "village_officer": 60, "district_head": 25, "regent": 3}


# --------------------------------------------------------------------------- seeding worker


def worker_seed(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    sys.path.append(str(BENCH))  # after the repository, so that app names win
    from load_data import seed_regency

    call_command("migrate", verbosity=0, interactive=False)
    return seed_regency(
        residents=args.residents,
        applications=round(args.residents * APPLICATIONS_PER_RESIDENT),
        complaints=round(args.residents * COMPLAINTS_PER_RESIDENT),
        sample_users=SAMPLE_USERS,
        sessions_path=Path(args.sessions),
        seed=args.seed,
    )


# --------------------------------------------------------------------------- orchestration


def _wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server did not answer at {url} within {timeout:.0f} s.")


def _number(text: str) -> float:
    """A figure of locust's CSV: empty or "N/A" (a page nobody opened after the reset) is 0."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return 0.0


def _locust(host: str, env: dict[str, str], *, users: int, seconds: int, prefix: Path) -> dict:
    """Run locust headless and return its per-page figures from the stats CSV."""
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--host", host, "-u", str(users), "-r", str(max(1, users // 2)),
        "-t", f"{seconds}s", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        "--exit-code-on-error", "0", "--skip-log-setup",
        # Steady state only: the first second or two, while users are still being started and
        # all send their first request at once, is not counted.
        "--reset-stats",
    ]  # fmt: skip
    completed = subprocess.run(
        command, env={**os.environ, **env}, cwd=REPO, capture_output=True, text=True, check=False
    )
    stats_path = Path(f"{prefix}_stats.csv")
    if completed.returncode != 0 or not stats_path.exists():
        sys.stderr.write(completed.stdout[-2000:] + completed.stderr[-4000:])
        raise SystemExit(f"locust failed (exit code {completed.returncode})")
    pages = {}
    with stats_path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            pages[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "rps": _number(row["Requests/s"]),
            }
    failures_path = Path(f"{prefix}_failures.csv")
    failures = failures_path.read_text() if failures_path.exists() else ""
    return {"pages": pages, "failures": failures}


def _print_pages(title: str, measured: dict) -> None:
    print(f"\n{title}")
    print(
        f"  {'page':<34} {'requests':>9} {'errors':>7} {'median ms':>10} {'p95 ms':>8} {'req/s':>8}"
    )
    for name, page in sorted(measured["pages"].items(), key=lambda item: item[0] == "Aggregated"):
        print(
            f"  {name:<34} {page['requests']:>9,} {page['failures']:>7,} "
            f"{page['median_ms']:>10.0f} {page['p95_ms']:>8.0f} {page['rps']:>8.1f}"
        )
    if measured["failures"].count("\n") > 1:
        print("  failures:\n    " + "\n    ".join(measured["failures"].splitlines()[:10]))


def run_benchmark(args: argparse.Namespace) -> None:
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    residents = QUICK_RESIDENTS if args.quick else args.residents
    seconds = 10 if args.quick else args.duration
    work = Path(tempfile.mkdtemp(prefix="smartkampung-load."))
    os.chmod(work, 0o755)
    server = None
    figures: dict[str, object] = {}
    try:
        with postgres_cluster(shared_buffers="2GB") as cluster:
            print(f"PostgreSQL {cluster.version()} on 127.0.0.1:{cluster.port}")
            env = {
                "DATABASE_URL": cluster.create_database("load"),
                "SMARTKAMPUNG_VAR_DIR": str(work / "var"),
                "DJANGO_DEBUG": "0",
                "JOBS_MODE": "worker",
            }
            sessions = work / "sessions.json"
            seeded = run_worker(
                SCRIPT,
                ["seed", "--residents", str(residents), "--sessions", str(sessions),
                 "--seed", str(args.seed)],
                env,
            )  # fmt: skip
            print(
                f"Loaded {seeded['residents']:,} residents in {seeded['families']:,} families "
                f"({seeded['register_s']:.0f} s), {seeded['applications']:,} applications "
                f"({seeded['applications_s']:.0f} s), {seeded['complaints']:,} complaints, "
                f"{seeded['assistance']:,} assistance rows, dashboards "
                f"{seeded['dashboards_s']:.1f} s; {seeded['sessions']:,} signed-in users"
            )

            port = free_port()
            host = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "smartkampung.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.workers),
                    "--worker-class",
                    "gthread",
                    "--threads",
                    str(args.threads),
                    "--log-level",
                    "warning",
                    *(["--access-logfile", "-"] if args.access_log else []),
                ],  # fmt: skip
                cwd=REPO,
                env={**os.environ, **env, "PYTHONPATH": str(REPO)},
                stdout=subprocess.DEVNULL,
            )
            _wait_until_up(f"{host}/readyz")
            print(
                f"gunicorn on {host}: {args.workers} workers x {args.threads} threads; "
                f"locust from a second process, {seconds} s per phase"
            )
            base_env = {"LOAD_SESSIONS": str(sessions)}
            trivial = _locust(
                host, {**base_env, "LOAD_MODE": "trivial", "LOAD_THINK": "0"},
                users=args.users, seconds=seconds, prefix=work / "trivial",
            )  # fmt: skip
            signed_in = _locust(
                host, {**base_env, "LOAD_MODE": "signed_in", "LOAD_THINK": "0"},
                users=args.users, seconds=seconds, prefix=work / "signed_in",
            )  # fmt: skip
            saturated = _locust(
                host, {**base_env, "LOAD_MODE": "mix", "LOAD_THINK": "0"},
                users=args.users, seconds=seconds, prefix=work / "saturated",
            )  # fmt: skip
            paced = _locust(
                host, {**base_env, "LOAD_MODE": "mix", "LOAD_THINK": str(args.think)},
                users=args.users, seconds=seconds, prefix=work / "paced",
            )  # fmt: skip

        _print_pages("Trivial view, no think time", trivial)
        _print_pages("Trivial view signed in, no think time", signed_in)
        _print_pages("Page mix, no think time (throughput)", saturated)
        _print_pages(f"Page mix, {args.users} users, {args.think:g} s think time", paced)

        rps_trivial = trivial["pages"]["Aggregated"]["rps"]
        rps_mix = saturated["pages"]["Aggregated"]["rps"]
        ratio = rps_mix / rps_trivial if rps_trivial else 0.0
        rps_signed_in = signed_in["pages"]["Aggregated"]["rps"]
        pages = {k: v for k, v in paced["pages"].items() if k != "Aggregated"}
        worst = max(pages.items(), key=lambda item: item[1]["p95_ms"])
        errors = sum(
            page["failures"]
            for measured in (trivial, signed_in, saturated, paced)
            for name, page in measured["pages"].items()
            if name != "Aggregated"
        )
        print()
        for text, met in [
            ("no errors", errors == 0),
            (f"every page p95 < {TARGET_P95_MS} ms at {args.users} users "
             f"(worst: {worst[0]} {worst[1]['p95_ms']:.0f} ms)",
             worst[1]["p95_ms"] < TARGET_P95_MS),
            (f"ratio to the trivial view >= {TARGET_RATIO} ({ratio:.2f})", ratio >= TARGET_RATIO),
        ]:  # fmt: skip
            print(f"target {text}: {'met' if met else 'NOT met'}")
        figures = {
            "mix_rps": rps_mix,
            "trivial_rps": rps_trivial,
            "ratio": ratio,
            # The floor of every signed-in page: session and user read from the database.
            "signed_in_rps": rps_signed_in,
            "signed_in_ratio": rps_signed_in / rps_trivial if rps_trivial else 0.0,
            "paced_rps": paced["pages"]["Aggregated"]["rps"],
            "worst_p95_ms": worst[1]["p95_ms"],
            "paced_median_ms": paced["pages"]["Aggregated"]["median_ms"],
            "errors": errors,
            "users": args.users,
            "residents": seeded["residents"],
            "applications": seeded["applications"],
            "seed_s": seeded["wall_s"],
        }
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(result_line(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_RESIDENTS:,} residents")
    parser.add_argument("--residents", type=int, default=FULL_RESIDENTS)
    parser.add_argument("--users", type=int, default=50, help="concurrent users")
    parser.add_argument("--duration", type=int, default=60, help="seconds per phase")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between pages")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--access-log", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--worker", choices=("seed",), help=argparse.SUPPRESS)
    parser.add_argument("--sessions", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        emit(worker_seed(args))
    else:
        run_benchmark(args)


if __name__ == "__main__":
    main()
