import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError

from people.demo import DEFAULT_SEED, PopulationNotEmpty, clear_population, seed_population
from people.models import Resident


class Command(BaseCommand):
    help = (
        "Fill the register with a synthetic, deterministic population over Banyuwangi's 217 "
        "villages: the same --residents and --seed always give the same people. "
        "On a register that already holds residents it does nothing, unless --append (add "
        "more people, with NIK and No. KK numbers not yet taken) or --force (delete every "
        "family and resident first; for demo databases only, asks for confirmation unless "
        "--no-input). Regions must be loaded (migrate does it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=20_000, help="people to create")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--append", action="store_true", help="add to a register that already has residents"
        )
        mode.add_argument(
            "--force",
            action="store_true",
            help="delete every family and resident, then seed (demo databases only)",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="do not ask before --force deletes the register",
        )

    def handle(self, *args, residents, seed, append, force, interactive=True, **options):
        if residents < 1:
            raise CommandError("--residents must be at least 1.")
        existing = Resident.objects.count()
        if existing and not (append or force):
            self.stdout.write(
                f"The register already holds {existing:,} residents; nothing seeded. "
                "Use --append to add more or --force to replace them."
            )
            return
        if existing and force:
            self._clear(existing, interactive)

        started = last_report = time.perf_counter()

        def progress(done: int, total: int) -> None:
            nonlocal last_report
            now = time.perf_counter()
            if now - last_report >= 2 or done == total:
                last_report = now
                rate = done / (now - started) if now > started else 0
                self.stdout.write(f"  {done:>10,} / {total:,} residents  ({rate:,.0f}/s)")

        try:
            counts = seed_population(
                residents=residents, seed=seed, progress=progress, append=append
            )
        except (PopulationNotEmpty, ValueError) as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {counts['residents']:,} synthetic residents in "
                f"{counts['families']:,} families (seed {seed}) in {seconds:,.1f} s."
            )
        )

    def _clear(self, existing: int, interactive: bool) -> None:
        if interactive:
            answer = input(
                f"--force deletes all {existing:,} residents and their families. "
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing deleted, nothing seeded.")
        try:
            clear_population()
        except ProtectedError as error:
            raise CommandError(
                f"Cannot delete the register: {len(error.protected_objects)} records (for "
                "example user accounts linked to residents) still point at residents. "
                "Remove them first, or use --append."
            ) from error
        self.stdout.write(f"Deleted {existing:,} residents and their families.")
