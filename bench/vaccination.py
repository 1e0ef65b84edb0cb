"""Vaccination benchmark: the dose import against a plain bulk insert, and regency coverage.

    .venv/bin/python bench/vaccination.py [--quick] [--residents N] [--doses N]
                                          [--db sqlite|postgres|both]

For each database, one worker (a fresh interpreter on a fresh, migrated database):

1. seeds a synthetic register with ``people.demo.seed_population`` (default 1,750,000
   residents, the whole regency; --quick: 20,000) and writes a dose file of the health
   offices' CSV shape for it (default 2,500,000 doses; --quick: 28,500), deterministic for a
   seed: first, second and booster doses at plausible dates for residents aged 6 and over;
2. **import**: ``health.vaccination.import_file`` on that file, everything included (reading,
   NIK matching, sequence checks, the report, COPY on PostgreSQL / executemany on SQLite);
3. **coverage**: ``health.coverage.coverage_for`` for the regency (all 217 villages, every
   age band and dose) as of the end of the dose period, timed on its own;
4. **baseline**: the doses are deleted, then the same CSV is read with csv.DictReader, each
   NIK looked up in a dict of the register, and the rows inserted with ``bulk_create`` with
   no checks: the floor Django reaches putting the same rows into the same table.

The import runs before the baseline, so any cache warmth favours the baseline. The last line:

    RESULT sqlite_import_rows_per_s=... sqlite_baseline_rows_per_s=... sqlite_ratio=...
           sqlite_coverage_s=... postgres_... doses=N residents=N

See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _common import REPO, emit, postgres_cluster, result_line, run_worker  # noqa: E402

# bench/ first on sys.path would let a module named like an app shadow it: the repository first.
sys.path[:] = [str(REPO)] + [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]

SCRIPT = Path(__file__).resolve()
FULL_RESIDENTS = 1_750_000
FULL_DOSES = 2_500_000
QUICK_RESIDENTS = 20_000
QUICK_DOSES = 28_500
BASELINE_BATCH = 5000


# --------------------------------------------------------------------------- workers


def _setup_django() -> None:
    import django

    django.setup()


def write_dose_file(path: Path, *, doses: int, seed: int) -> int:
    """A dose CSV for the register in the database; returns the number of rows written."""
    import csv
    import random
    from datetime import date, timedelta

    from health.coverage import years_before
    from people.choices import ResidentStatus
    from people.models import Resident

    rng = random.Random(seed)
    products = ("CoronaVac", "AstraZeneca", "Pfizer", "Moderna", "Sinopharm")
    start = date(2021, 3, 1)
    written = 0
    residents = (
        Resident.objects.filter(status=ResidentStatus.LIVING, nik__isnull=False)
        .order_by("pk")
        .values_list("nik", "birth_date")
    )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["NIK", "DOSIS", "TANGGAL_VAKSIN", "JENIS_VAKSIN", "NO_BATCH", "FASKES"])
        for nik, born in residents.iterator(chunk_size=5000):
            if written >= doses:
                break
            first = start + timedelta(days=rng.randrange(300))
            if born is None or born > years_before(first, 6):
                continue
            roll = rng.random()
            # About 1.66 doses per eligible resident: 2.5 million for the regency's register.
            count = 0 if roll < 0.13 else 1 if roll < 0.33 else 2 if roll < 0.83 else 3
            given, product = first, rng.choice(products)
            for dose in range(1, count + 1):
                if written >= doses:
                    break
                if dose == 2:
                    given += timedelta(days=rng.randint(28, 60))
                elif dose == 3:
                    given += timedelta(days=rng.randint(180, 300))
                writer.writerow(
                    [nik, "booster" if dose == 3 else dose, given.strftime("%d-%m-%Y"),
                     product, f"B{rng.randrange(100_000):05d}", "Puskesmas"]
                )  # fmt: skip
                written += 1
    return written


def _delete_doses() -> None:
    from django.db import connection

    from health.models import Vaccination

    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Vaccination._meta.db_table)
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
        else:
            cursor.execute(f"DELETE FROM {table}")


def baseline_insert(csv_path: Path) -> int:
    """Read the CSV and bulk_create the doses with no checks; returns rows inserted."""
    import csv
    import itertools
    from datetime import date

    from django.db import transaction

    from health.models import Vaccination
    from people.models import Resident

    residents = dict(Resident.objects.exclude(nik=None).values_list("nik", "pk").iterator())
    doses = {"1": 1, "2": 2, "booster": 3}
    rows = 0
    with transaction.atomic(), csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        while chunk := list(itertools.islice(reader, BASELINE_BATCH)):
            objects = []
            for row in chunk:
                day = row["TANGGAL_VAKSIN"]
                objects.append(
                    Vaccination(
                        resident_id=residents[row["NIK"]],
                        dose=doses[row["DOSIS"]],
                        given_on=date(int(day[6:10]), int(day[3:5]), int(day[0:2])),
                        product=row["JENIS_VAKSIN"],
                        batch=row["NO_BATCH"],
                        facility=row["FASKES"],
                        source="csv",
                    )
                )
            Vaccination.objects.bulk_create(objects, batch_size=1000)
            rows += len(chunk)
    return rows


def worker(work: Path, residents: int, doses: int, seed: int) -> dict:
    _setup_django()
    from datetime import date

    from django.core.management import call_command

    from accounts.models import User
    from accounts.roles import Role
    from health.coverage import coverage_for
    from health.vaccination import import_file
    from people.demo import seed_population

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    seed_population(residents=residents, seed=seed)
    seed_s = time.perf_counter() - started

    csv_path = work / "doses.csv"
    started = time.perf_counter()
    written = write_dose_file(csv_path, doses=doses, seed=seed)
    csv_s = time.perf_counter() - started

    started = time.perf_counter()
    result = import_file(csv_path, today=date(2023, 12, 31))
    import_s = time.perf_counter() - started

    regent = User(username="bench-regent", role=Role.REGENT)
    started = time.perf_counter()
    figures = coverage_for(regent, date(2022, 12, 31))
    coverage_s = time.perf_counter() - started

    _delete_doses()
    started = time.perf_counter()
    baseline_rows = baseline_insert(csv_path)
    baseline_s = time.perf_counter() - started
    return {
        "seed_s": seed_s,
        "csv_s": csv_s,
        "rows": written,
        "import_s": import_s,
        "created": result.created,
        "rejected": result.rejected,
        "conflicts": result.conflicts,
        "coverage_s": coverage_s,
        "villages": len(figures.villages),
        "eligible": figures.total.eligible,
        "first_pct": figures.total.first,
        "baseline_rows": baseline_rows,
        "baseline_s": baseline_s,
    }


# --------------------------------------------------------------------------- orchestration


def _figures(label: str, measured: dict) -> dict[str, float | int]:
    import_rate = measured["rows"] / measured["import_s"]
    baseline_rate = measured["baseline_rows"] / measured["baseline_s"]
    ratio = import_rate / baseline_rate
    print(
        f"{label}: register seeded in {measured['seed_s']:.1f} s; "
        f"dose CSV of {measured['rows']:,} rows written in {measured['csv_s']:.1f} s"
    )
    print(
        f"  import {measured['import_s']:.1f} s = {import_rate:,.0f} records/s "
        f"({measured['created']:,} stored, {measured['rejected']:,} rejected, "
        f"{measured['conflicts']:,} conflicts); baseline bulk_create {measured['baseline_s']:.1f} s"
        f" = {baseline_rate:,.0f} records/s; ratio {ratio:.2f}"
    )
    print(
        f"  coverage of {measured['villages']} villages: {measured['coverage_s']:.2f} s "
        f"(first dose {measured['first_pct']:.1f}% of {measured['eligible']:,} eligible)"
    )
    if measured["created"] != measured["rows"] or measured["villages"] != 217:
        print("  WARNING: expected every row stored and 217 villages")
    return {
        f"{label}_import_rows_per_s": import_rate,
        f"{label}_baseline_rows_per_s": baseline_rate,
        f"{label}_ratio": ratio,
        f"{label}_import_s": measured["import_s"],
        f"{label}_coverage_s": measured["coverage_s"],
    }


def run_benchmark(args: argparse.Namespace) -> None:
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    residents = QUICK_RESIDENTS if args.quick else args.residents
    doses = QUICK_DOSES if args.quick else args.doses
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    work = Path(tempfile.mkdtemp(prefix="smartkampung-bench-vaccination."))
    os.chmod(work, 0o755)
    figures: dict[str, object] = {}
    arguments = ["--residents", str(residents), "--doses", str(doses), "--seed", str(args.seed)]
    try:
        results = {}
        if "sqlite" in databases:
            folder = work / "sqlite"
            folder.mkdir()
            env = {
                "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
                "SMARTKAMPUNG_VAR_DIR": str(folder),
            }
            results["sqlite"] = run_worker(SCRIPT, ["run", "--work", str(folder), *arguments], env)
        if "postgres" in databases:
            with postgres_cluster() as cluster:
                print(f"PostgreSQL {cluster.version()} on 127.0.0.1:{cluster.port} (fsync on)")
                folder = work / "postgres"
                folder.mkdir()
                env = {
                    "DATABASE_URL": cluster.create_database("bench_vaccination"),
                    "SMARTKAMPUNG_VAR_DIR": str(folder),
                }
                results["postgres"] = run_worker(
                    SCRIPT, ["run", "--work", str(folder), *arguments], env
                )
        for label, measured in results.items():
            figures.update(_figures(label, measured))
        figures["doses"] = doses
        figures["residents"] = residents
    finally:
        if args.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(result_line(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_RESIDENTS:,} residents")
    parser.add_argument("--residents", type=int, default=FULL_RESIDENTS)
    parser.add_argument("--doses", type=int, default=FULL_DOSES)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--worker", choices=("run",), help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        emit(worker(Path(args.work), args.residents, args.doses, args.seed))
    else:
        run_benchmark(args)


if __name__ == "__main__":
    main()
