"""Beneficiary-list matching benchmark: the assistance matcher against an exact NIK join.

    .venv/bin/python bench/assistance_matching.py [--quick] [--residents N] [--rows N] [--splink]

Generates a synthetic regency with ``people.demo`` (default 1,750,000 residents; --quick:
40,000) in memory, then a beneficiary list (default 500,000 rows; --quick: 10,000) drawn from
it with known truth: NIKs as spreadsheets damage them, missing, invalid, temporary and wrong
NIKs, honorifics (H., Hj., Bapak, Ibu), swapped name order, spelling variants and typos,
day/month swaps and shifted years, wrong villages, and people who are not in the register at
all. The list's families also hold other programmes so that forbidden combinations occur.

It times, in the same run and on the same rows:

* ``assistance.matching.match_rows`` with the whole register as the candidate source (NIK step
  plus probabilistic step, everything included);
* the baseline, an exact join of the raw NIK cell against the register's NIKs (a dict lookup);
* ``assistance.rules.check_rules`` over the matched list plus the families' other programmes;
* with ``--splink``: splink 5 on DuckDB linking the same rows without a usable NIK to the
  register, with the same blocking rules, for comparison.

Precision and recall are counted on the rows without a usable NIK (missing, invalid,
temporary, not in the register, or belonging to someone else): a row counts as found when the
matcher links it to its true person; review-band rows count as not linked. The last line is::

    RESULT rows=... residents=... match_s=... rows_per_s=... nik_join_s=... ratio=...
           precision=... recall=... review_share=... combos_found=... combos_true=...
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _common import REPO, result_line  # noqa: E402

sys.path[:] = [str(REPO)] + [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]

FULL_RESIDENTS = 1_750_000
FULL_ROWS = 500_000
QUICK_RESIDENTS = 40_000
QUICK_ROWS = 10_000
TARGET_PRECISION = 0.99
TARGET_RECALL = 0.95
TARGET_SECONDS = 120

HONORIFICS_MEN = ("H.", "BAPAK", "BPK.", "H")
HONORIFICS_WOMEN = ("HJ.", "IBU", "HJ", "NY.")


def _setup_django(work: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'unused.sqlite3'}")
    os.environ.setdefault("SMARTKAMPUNG_VAR_DIR", str(work / "var"))
    import django

    django.setup()


# --------------------------------------------------------------------------- data


def generate_register(residents: int, seed: int):
    """(people, by_nik, families) of a synthetic regency; people are matching.Person."""
    from assistance.matching import Person
    from people.demo import generate_population

    people, by_nik, families = [], {}, []
    households = generate_population(residents=residents, seed=seed)
    for family_index, (family, members) in enumerate(households, start=1):
        ids = []
        for member in members:
            person = Person(
                id=len(people) + 1,
                nik=member.nik,
                name=member.full_name,
                birth_date=member.birth_date,
                village=family.village.digits,
                family_id=family_index,
                status=member.status,
                district=family.village.district_digits,
            )
            people.append(person)
            by_nik[member.nik] = person
            ids.append(person.id)
        families.append(ids)
    return people, by_nik, families


def _typo(rng: random.Random, name: str) -> str:
    letters = [i for i, char in enumerate(name) if char.isalpha()]
    if len(letters) < 5:
        return name
    i = rng.choice(letters[1:-1])
    kind = rng.random()
    if kind < 0.4:  # substitute a vowel or a similar letter
        return name[:i] + rng.choice("AIUEO") + name[i + 1 :]
    if kind < 0.7:  # drop a letter
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]  # double a letter


_VARIANT_SWAPS = (("MUHAMMAD", "MOCH."), ("MOCH.", "MUHAMMAD"), ("AHMAD", "ACHMAD"),
                  ("ABDUL", "ABD."), ("U", "OE"), ("SITI", "SITTI"))  # fmt: skip


def _vary_name(rng: random.Random, person, truth_kind: list[str]) -> str:
    name = person.name
    draw = rng.random()
    if draw < 0.12:
        tokens = name.split()
        if len(tokens) > 1:
            tokens = tokens[1:] + tokens[:1]
            name = " ".join(tokens)
            truth_kind.append("swapped_order")
    elif draw < 0.24:
        name = _typo(rng, name)
        truth_kind.append("typo")
    elif draw < 0.32:
        for old, new in _VARIANT_SWAPS:
            if old in name:
                name = name.replace(old, new, 1)
                truth_kind.append("variant")
                break
    if rng.random() < 0.18:
        is_woman = person.nik and int(person.nik[6:8]) > 40
        title = rng.choice(HONORIFICS_WOMEN if is_woman else HONORIFICS_MEN)
        name = f"{title} {name}".title() if rng.random() < 0.5 else f"{title} {name}"
        truth_kind.append("honorific")
    return name


def _vary_date(rng: random.Random, born: date, truth_kind: list[str]) -> date | None:
    draw = rng.random()
    if draw < 0.04 and born.day <= 12 and born.day != born.month:
        truth_kind.append("day_month_swapped")
        return date(born.year, born.day, born.month)
    if draw < 0.08:
        truth_kind.append("year_shifted")
        try:
            return born.replace(year=born.year + rng.choice((-1, 1)))
        except ValueError:
            return born + timedelta(days=1)
    if draw < 0.10:
        truth_kind.append("date_missing")
        return None
    return born


def _damage_nik(rng: random.Random, nik: str) -> str:
    draw = rng.random()
    if draw < 0.3:
        return f"{nik[:6]} {nik[6:12]} {nik[12:]}"
    if draw < 0.6:
        return f"'{nik}"
    if draw < 0.8:
        return f"{nik}.0"
    return f"{nik[:4]}.{nik[4:6]}.{nik[6:]}"


def build_list(rng: random.Random, people, by_nik, rows: int, families):
    """(matching.Row list, truth ids or None, usable-NIK flags)."""
    from assistance.matching import Row

    listed, truth, usable = [], [], []
    chosen = rng.sample(range(len(people)), min(rows, len(people)))
    outsiders = int(rows * 0.03)
    villages = sorted({person.village for person in people})
    for line, index in enumerate(chosen[: rows - outsiders], start=2):
        person = people[index]
        kinds: list[str] = []
        name = _vary_name(rng, person, kinds)
        born = _vary_date(rng, person.birth_date, kinds)
        village = person.village
        if rng.random() < 0.03:
            village = rng.choice(villages)
        draw = rng.random()
        nik_ok = False
        if draw < 0.70:
            nik, nik_ok = person.nik, True
        elif draw < 0.76:
            nik, nik_ok = _damage_nik(rng, person.nik), True
        elif draw < 0.84:
            nik = rng.choice(("", "-", "0", None))
        elif draw < 0.89:
            nik = rng.choice((f"{float(person.nik):.5E}", person.nik[:15], person.nik + "1"))
        elif draw < 0.91:
            nik = f"TMP-{rng.randrange(10**8):08d}"
        elif draw < 0.97:  # one digit wrong: valid shape, not this person
            position = rng.randrange(12, 16)
            digit = str((int(person.nik[position]) + rng.randrange(1, 9)) % 10)
            nik = person.nik[:position] + digit + person.nik[position + 1 :]
            if nik[12:] == "0000":
                nik = nik[:12] + "0001"
        else:  # someone else's NIK in the same village
            other = people[max(0, index - rng.randrange(1, 20))]
            nik = other.nik if other.id != person.id else ""
        listed.append(Row(line, nik, name, born, village, village[:6]))
        truth.append(person.id)
        usable.append(nik_ok)
    # People who are not in the register: names drawn from it, dates and NIKs of elsewhere.
    start = len(listed) + 2
    for offset in range(outsiders):
        donor = people[rng.randrange(len(people))]
        other = people[rng.randrange(len(people))]
        name = f"{donor.name.split()[0]} {other.name.split()[-1]}"
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(25000))
        nik = rng.choice(("", f"3509{rng.randrange(10**11, 10**12)}"))
        village = rng.choice(villages)
        listed.append(Row(start + offset, nik, name, born, village, village[:6]))
        truth.append(None)
        usable.append(False)
    return listed, truth, usable


# --------------------------------------------------------------------------- measurements


def nik_join(rows, by_nik) -> tuple[float, int]:
    """The baseline: each row's raw NIK cell looked up as it is, nothing normalised."""
    started = time.perf_counter()
    found = 0
    get = by_nik.get
    for row in rows:
        if get(row.nik) is not None:
            found += 1
    return time.perf_counter() - started, found


def score(results, truth, usable) -> dict:
    tp = fp = fn = review = total = 0
    usable_right = usable_total = 0
    for result, true_id, ok in zip(results, truth, usable, strict=True):
        linked = result.person.id if result.decision == "link" and result.person else None
        if ok:
            usable_total += 1
            usable_right += linked == true_id
            continue
        total += 1
        review += result.decision == "review"
        if linked is not None:
            if linked == true_id:
                tp += 1
            else:
                fp += 1
        if true_id is not None and linked != true_id:
            fn += 1
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "review_share": review / total if total else 0.0,
        "without_usable_nik": total,
        "usable_accuracy": usable_right / usable_total if usable_total else 1.0,
    }


def combinations(rng: random.Random, results, families, people) -> tuple[float, int, int]:
    """Give some listed families PKH, some both-members pandemic transfers; count the flags."""
    from assistance.rules import Enrolment, RuleSpec, check_rules

    rules = [
        RuleSpec(1, "exclusive", "BLT-DD", frozenset({"PKH", "BPNT", "BST"}), "family"),
        RuleSpec(2, "family_limit", "BST", frozenset(), "family", 1),
    ]
    enrolments, true_pairs = [], set()
    for result in results:
        if result.decision != "link":
            continue
        person = result.person
        enrolments.append(Enrolment(person.id, person.family_id, "BLT-DD", "2026"))
        if rng.random() < 0.05:
            enrolments.append(Enrolment(person.id, person.family_id, "PKH", "2026"))
            true_pairs.add((1, person.family_id))
    for members in rng.sample(families, min(2000, len(families))):
        if len(members) >= 2:
            for member in members[:2]:
                enrolments.append(Enrolment(member, people[member - 1].family_id, "BST", "2026"))
            true_pairs.add((2, people[members[0] - 1].family_id))
    started = time.perf_counter()
    violations = check_rules(enrolments, rules)
    seconds = time.perf_counter() - started
    found = {(violation.rule.id, violation.family_id) for violation in violations}
    return seconds, len(found & true_pairs), len(true_pairs)


def _write_frame(path: Path, records) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("unique_id", "name", "birth_date", "village"))
        writer.writerows(records)


def run_splink(rows, truth, usable, people, work: Path) -> dict:
    """splink 5 on DuckDB on the rows without a usable NIK, same blocks, for comparison.

    Neither pandas nor pyarrow is installed, so both sides go to DuckDB through CSV files;
    writing them is timed separately (``splink_prepare_s``).
    """
    import logging

    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from people.duplicates import name_key

    logging.getLogger("splink").setLevel(logging.ERROR)
    fuzzy = [(row, true_id) for row, true_id, ok in zip(rows, truth, usable, strict=True) if not ok]
    started = time.perf_counter()
    _write_frame(
        work / "list.csv",
        ((row.line, name_key(row.name), row.birth_date or "", row.village) for row, _ in fuzzy),
    )
    _write_frame(
        work / "register.csv",
        ((10_000_000 + p.id, name_key(p.name), p.birth_date, p.village) for p in people),
    )
    connection = duckdb.connect()
    for table in ("list", "register"):
        connection.execute(
            f"CREATE TABLE {table}_t AS SELECT unique_id, name, "
            "TRY_CAST(NULLIF(birth_date, '') AS DATE) AS birth_date, village, "
            "strftime(TRY_CAST(NULLIF(birth_date, '') AS DATE), '%m-%d') AS dob_md, "
            "strftime(TRY_CAST(NULLIF(birth_date, '') AS DATE), '%Y-%m') AS dob_ym, "
            "strftime(TRY_CAST(NULLIF(birth_date, '') AS DATE), '%Y-%d') AS dob_yd "
            f"FROM read_csv('{work / (table + '.csv')}', all_varchar=true)"
        )
    prepared = time.perf_counter() - started
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.97, 0.92, 0.85]),
            cl.DateOfBirthComparison(
                "birth_date",
                input_is_string=False,
                datetime_metrics=["year"],
                datetime_thresholds=[1],
            ),  # fmt: skip
            cl.ExactMatch("village"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("village", "dob_md"),
            block_on("village", "dob_ym"),
            block_on("village", "dob_yd"),
            block_on("village", "name"),
            block_on("birth_date", "name"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    db_api = DuckDBAPI(connection=connection)
    linker = Linker(
        [db_api.register("list_t", dataset_display_name="list"),
         db_api.register("register_t", dataset_display_name="register")],
        settings,
        log_level=None,
    )  # fmt: skip
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("village", "dob_md"), fix_u_probabilities=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("birth_date", "name"), fix_u_probabilities=True
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    found = (
        predictions.as_duckdbpyrelation()
        .select("unique_id_l, unique_id_r, match_probability")
        .fetchall()
    )
    seconds = time.perf_counter() - started
    best: dict[int, tuple[float, int]] = {}
    for left_id, right_id, chance in found:
        left_id, right_id = int(left_id), int(right_id)
        line, person = (left_id, right_id) if left_id < 10_000_000 else (right_id, left_id)
        if line not in best or chance > best[line][0]:
            best[line] = (chance, person - 10_000_000)
    tp = fp = 0
    for row, true_id in fuzzy:
        chance, person = best.get(row.line, (0.0, None))
        if chance >= 0.95:
            tp += person == true_id
            fp += person != true_id
    positives = sum(1 for _row, true_id in fuzzy if true_id is not None)
    return {
        "splink_s": seconds,
        "splink_prepare_s": prepared,
        "splink_precision": tp / (tp + fp) if tp + fp else 1.0,
        "splink_recall": tp / positives if positives else 1.0,
        "splink_rows": len(fuzzy),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="40,000 residents, 10,000 rows")
    parser.add_argument("--residents", type=int, default=FULL_RESIDENTS)
    parser.add_argument("--rows", type=int, default=FULL_ROWS)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--splink", action="store_true", help="also measure splink 5 (DuckDB)")
    args = parser.parse_args()
    residents = QUICK_RESIDENTS if args.quick else args.residents
    rows_wanted = QUICK_ROWS if args.quick else args.rows

    with tempfile.TemporaryDirectory(prefix="smartkampung-bench.") as folder:
        _setup_django(Path(folder))
        from assistance.matching import match_rows

        started = time.perf_counter()
        people, by_nik, families = generate_register(residents, args.seed)
        generated = time.perf_counter() - started
        rng = random.Random(args.seed)
        rows, truth, usable = build_list(rng, people, by_nik, rows_wanted, families)
        print(
            f"register: {len(people):,} residents, {len(families):,} families generated in "
            f"{generated:.1f} s; list: {len(rows):,} rows, "
            f"{sum(1 for ok in usable if not ok):,} without a usable NIK"
        )

        join_s, joined = nik_join(rows, by_nik)

        def lookup(niks):
            return {nik: by_nik[nik] for nik in niks if nik in by_nik}

        started, cpu_started = time.perf_counter(), time.process_time()
        results = match_rows(rows, lookup_niks=lookup, scan_register=lambda needs: people)
        match_s = time.perf_counter() - started
        match_cpu_s = time.process_time() - cpu_started
        quality = score(results, truth, usable)
        combo_s, combos_found, combos_true = combinations(rng, results, families, people)

        rate = len(rows) / match_s
        ratio = match_s / join_s if join_s else float("inf")
        decisions = {kind: sum(1 for r in results if r.decision == kind)
                     for kind in ("link", "review", "unmatched")}  # fmt: skip
        print(
            f"matcher: {match_s:.1f} s = {rate:,.0f} rows/s (CPU time {match_cpu_s:.1f} s; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); exact NIK join "
            f"{join_s:.3f} s ({joined:,} rows found); matcher / join time = {ratio:,.0f}x"
        )
        print(f"decisions: {decisions}")
        print(
            f"rows without a usable NIK ({quality['without_usable_nik']:,}): precision "
            f"{quality['precision']:.4f}, recall {quality['recall']:.4f}, in review "
            f"{quality['review_share']:.3f}; rows with a usable NIK linked right: "
            f"{quality['usable_accuracy']:.4f}"
        )
        print(
            f"combination rules: {combos_found:,} of {combos_true:,} planted conflicts found "
            f"in {combo_s:.2f} s"
        )
        scaled = match_s
        if len(rows) < FULL_ROWS:
            scaled = match_s * FULL_ROWS / len(rows)
        checks = [
            (f"precision >= {TARGET_PRECISION}", quality["precision"] >= TARGET_PRECISION),
            (f"recall >= {TARGET_RECALL}", quality["recall"] >= TARGET_RECALL),
            (f"whole list < {TARGET_SECONDS} s (scaled to {FULL_ROWS:,} rows: {scaled:.0f} s)",
             scaled < TARGET_SECONDS),
        ]  # fmt: skip
        for text, met in checks:
            print(f"  target {text}: {'met' if met else 'NOT met'}")
        figures = {
            "rows": len(rows),
            "residents": len(people),
            "match_s": match_s,
            "match_cpu_s": match_cpu_s,
            "rows_per_s": rate,
            "nik_join_s": join_s,
            "ratio": ratio,
            "precision": quality["precision"],
            "recall": quality["recall"],
            "review_share": quality["review_share"],
            "combos_found": combos_found,
            "combos_true": combos_true,
        }
        if args.splink:
            splink = run_splink(rows, truth, usable, people, Path(folder))
            print(
                f"splink 5 / DuckDB on the {splink['splink_rows']:,} rows without a usable NIK: "
                f"{splink['splink_s']:.1f} s (frames {splink['splink_prepare_s']:.1f} s), "
                f"precision {splink['splink_precision']:.4f}, recall {splink['splink_recall']:.4f}"
            )
            figures.update({key: value for key, value in splink.items() if key != "splink_rows"})
    print(result_line(figures))


if __name__ == "__main__":
    main()
