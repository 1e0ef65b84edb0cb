"""Population import benchmark: the importer against a plain bulk insert of the same rows.

    .venv/bin/python bench/population_import.py [--quick] [--residents N] [--db sqlite|postgres]

Generates a synthetic regency (people.demo, default 1,750,000 residents; --quick: 20,000) as the
civil registry's CSV, then for each database imports it twice into fresh, migrated databases:
once with ``people.importing.import_population`` and once with a baseline that reads the same
CSV with csv.DictReader and calls ``bulk_create`` for families and residents, with no
validation. Every measurement runs in its own interpreter (``--worker``). The last line is:

    RESULT sqlite_import_rows_per_s=... sqlite_baseline_rows_per_s=... sqlite_ratio=...
           postgres_import_rows_per_s=... postgres_baseline_rows_per_s=... postgres_ratio=...
           sqlite_import_s=... postgres_import_s=... csv_s=... residents=N

(one line; a database that was not measured is left out). See bench/README.md.
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

# Run as a script, Python puts bench/ first on sys.path, where a benchmark module named like
# an app (bench/documents.py) would shadow that app: the repository comes first instead.
sys.path[:] = [str(REPO)] + [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]

SCRIPT = Path(__file__).resolve()
FULL_RESIDENTS = 1_750_000
QUICK_RESIDENTS = 20_000
CHUNK_SIZE = 5000
# The targets: at least 0.3 of a plain bulk insert, a whole regency within 3 minutes.
TARGET_RATIO = 0.3
TARGET_SECONDS = 180


# --------------------------------------------------------------------------- workers


def _setup_django() -> None:
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def worker_generate(csv_path: Path, residents: int, seed: int) -> dict:
    _setup_django()
    from people.demo import write_population_csv

    started = time.perf_counter()
    rows = write_population_csv(csv_path, residents=residents, seed=seed)
    return {"rows": rows, "seconds": time.perf_counter() - started}


def worker_import(csv_path: Path, profile: Path | None) -> dict:
    _setup_django()
    _migrate()
    from people.importing import import_population

    started = time.perf_counter()
    if profile is None:
        result = import_population(csv_path, chunk_size=CHUNK_SIZE)
    else:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(import_population, csv_path, chunk_size=CHUNK_SIZE)
        profiler.dump_stats(profile)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    seconds = time.perf_counter() - started
    return {
        "rows": result.rows_read,
        "seconds": seconds,
        "created": result.created,
        "rejected": result.rejected,
        "families": result.families_created,
    }


def worker_baseline(csv_path: Path) -> dict:
    """Insert the CSV's rows with bulk_create and nothing else: the floor an import can reach.

    Coded words are mapped with plain dictionaries and dates sliced apart, because the
    database needs stored values; nothing is checked. Families are created for each new
    No. KK of a chunk, then the chunk's residents; the whole file is one transaction, as in
    the importer.
    """
    import csv
    import itertools
    from datetime import date

    _setup_django()
    _migrate()
    from django.db import transaction

    from people import demo
    from people.models import Family, Resident
    from regions.models import Region

    def reverse(words: dict) -> dict:
        return {word: str(stored) for stored, word in words.items()}

    sex = reverse(demo.SEX_WORDS)
    religion = reverse(demo.RELIGION_WORDS)
    marital = reverse(demo.MARITAL_WORDS)
    education = reverse(demo.EDUCATION_WORDS)
    relationship = reverse(demo.RELATIONSHIP_WORDS)
    status = reverse(demo.STATUS_WORDS)
    villages = dict(Region.objects.villages().values_list("digits", "pk"))

    started = time.perf_counter()
    family_ids: dict[str, int] = {}
    rows_read = 0
    with transaction.atomic(), csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        while chunk := list(itertools.islice(reader, CHUNK_SIZE)):
            new_families: dict[str, Family] = {}
            for row in chunk:
                no_kk = row["NO_KK"]
                if no_kk not in family_ids and no_kk not in new_families:
                    new_families[no_kk] = Family(
                        no_kk=no_kk,
                        village_id=villages[row["KODE_DESA"]],
                        address=row["ALAMAT"],
                        rt=row["RT"],
                        rw=row["RW"],
                        hamlet=row["DUSUN"],
                    )
            Family.objects.bulk_create(new_families.values(), batch_size=1000)
            family_ids.update((no_kk, family.pk) for no_kk, family in new_families.items())

            residents = []
            for row in chunk:
                born = row["TANGGAL_LAHIR"]
                residents.append(
                    Resident(
                        nik=row["NIK"],
                        full_name=row["NAMA_LENGKAP"],
                        sex=sex[row["JENIS_KELAMIN"]],
                        birth_place=row["TEMPAT_LAHIR"],
                        birth_date=date(int(born[6:10]), int(born[3:5]), int(born[0:2])),
                        religion=religion[row["AGAMA"]],
                        marital_status=marital[row["STATUS_PERKAWINAN"]],
                        education=education[row["PENDIDIKAN"]],
                        occupation=row["PEKERJAAN"],
                        family_id=family_ids[row["NO_KK"]],
                        relationship=relationship[row["STATUS_HUBUNGAN"]],
                        address=row["ALAMAT"],
                        rt=row["RT"],
                        rw=row["RW"],
                        hamlet=row["DUSUN"],
                        village_id=villages[row["KODE_DESA"]],
                        phone=row["NO_HP"],
                        status=status[row["STATUS"]],
                    )
                )
            Resident.objects.bulk_create(residents, batch_size=1000)
            rows_read += len(chunk)
    seconds = time.perf_counter() - started
    return {"rows": rows_read, "seconds": seconds, "families": len(family_ids)}


def run_as_worker(args: argparse.Namespace) -> None:
    csv_path = Path(args.csv)
    if args.worker == "generate":
        emit(worker_generate(csv_path, args.residents, args.seed))
    elif args.worker == "import":
        emit(worker_import(csv_path, Path(args.profile) if args.profile else None))
    else:
        emit(worker_baseline(csv_path))


# --------------------------------------------------------------------------- orchestration


def _measure(kind: str, csv_path: Path, env: dict[str, str], profile: str | None) -> dict:
    arguments = [kind, "--csv", str(csv_path)]
    if kind == "import" and profile:
        arguments += ["--profile", profile]
    return run_worker(SCRIPT, arguments, env)


def _profile(args: argparse.Namespace, label: str) -> str | None:
    return f"{args.profile}.{label}" if args.profile else None


def _database_figures(
    label: str, residents: int, baseline: dict, imported: dict
) -> dict[str, float | int]:
    import_rate = imported["rows"] / imported["seconds"]
    baseline_rate = baseline["rows"] / baseline["seconds"]
    ratio = import_rate / baseline_rate
    print(
        f"{label}: import {imported['seconds']:.1f} s = {import_rate:,.0f} rows/s "
        f"({imported['created']:,} created, {imported['rejected']:,} rejected, "
        f"{imported['families']:,} families); baseline bulk_create {baseline['seconds']:.1f} s = "
        f"{baseline_rate:,.0f} rows/s; ratio {ratio:.2f}"
    )
    checks = [
        (f"ratio >= {TARGET_RATIO}", ratio >= TARGET_RATIO),
        (f"whole import < {TARGET_SECONDS} s", imported["seconds"] < TARGET_SECONDS),
    ]
    if residents < FULL_RESIDENTS:
        scaled = imported["seconds"] * FULL_RESIDENTS / residents
        checks[1] = (f"whole regency, scaled linearly: {scaled:.0f} s < {TARGET_SECONDS} s",
                     scaled < TARGET_SECONDS)  # fmt: skip
    for text, met in checks:
        print(f"  target {text}: {'met' if met else 'NOT met'}")
    if imported["rejected"] or imported["created"] != residents:
        print(f"  WARNING: expected {residents:,} created and none rejected")
    return {
        f"{label}_import_rows_per_s": import_rate,
        f"{label}_baseline_rows_per_s": baseline_rate,
        f"{label}_ratio": ratio,
        f"{label}_import_s": imported["seconds"],
    }


def run_benchmark(args: argparse.Namespace) -> None:
    # A plain `kill` must still stop the PostgreSQL cluster and remove the temporary folder.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    residents = QUICK_RESIDENTS if args.quick else args.residents
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    work = Path(tempfile.mkdtemp(prefix="smartkampung-bench."))
    os.chmod(work, 0o755)  # the postgres user reads nothing here, but keep it traversable
    figures: dict[str, object] = {}
    try:
        csv_path = work / "population.csv"
        common_env = {"SMARTKAMPUNG_VAR_DIR": str(work / "var")}
        generated = run_worker(
            SCRIPT,
            ["generate", "--csv", str(csv_path), "--residents", str(residents),
             "--seed", str(args.seed)],
            {**common_env, "DATABASE_URL": f"sqlite:///{work / 'unused.sqlite3'}"},
        )  # fmt: skip
        size = csv_path.stat().st_size / 2**20
        print(
            f"CSV: {generated['rows']:,} residents (seed {args.seed}) written in "
            f"{generated['seconds']:.1f} s, {size:,.0f} MiB"
        )

        results: dict[str, dict[str, dict]] = {}
        if "sqlite" in databases:
            results["sqlite"] = {}
            for kind in ("baseline", "import"):
                folder = work / f"sqlite-{kind}"
                folder.mkdir()
                env = {
                    "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
                    "SMARTKAMPUNG_VAR_DIR": str(folder),
                }
                results["sqlite"][kind] = _measure(kind, csv_path, env, _profile(args, "sqlite"))
        if "postgres" in databases:
            results["postgres"] = {}
            with postgres_cluster() as cluster:
                print(f"PostgreSQL {cluster.version()} on 127.0.0.1:{cluster.port} (fsync on)")
                for kind in ("baseline", "import"):
                    folder = work / f"postgres-{kind}"
                    folder.mkdir()
                    env = {
                        "DATABASE_URL": cluster.create_database(f"bench_{kind}"),
                        "SMARTKAMPUNG_VAR_DIR": str(folder),
                    }
                    results["postgres"][kind] = _measure(
                        kind, csv_path, env, _profile(args, "postgres")
                    )

        for label, measured in results.items():
            figures.update(
                _database_figures(label, residents, measured["baseline"], measured["import"])
            )
        figures["csv_s"] = generated["seconds"]
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
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--profile", help="write the import's cProfile stats to PROFILE.sqlite / PROFILE.postgres"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--worker", choices=("generate", "import", "baseline"), help=argparse.SUPPRESS
    )
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_as_worker(args)
    else:
        run_benchmark(args)


if __name__ == "__main__":
    main()
