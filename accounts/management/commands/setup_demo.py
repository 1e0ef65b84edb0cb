import importlib

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import ensure_demo_accounts
from people.models import Resident
from regions.loading import load_regions


def seed_app_demos(*, seed: int, stdout) -> None:
    """Run ``seed(seed=..., stdout=...)`` of each installed app's ``demo_data`` module.

    Each app fills its own synthetic demo records there (idempotently: a second run adds
    nothing), after the register and the demo accounts exist.
    """
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo_data")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo_data":
                raise
            continue
        module.seed(seed=seed, stdout=stdout)


class Command(BaseCommand):
    help = (
        "Prepare a demo: Banyuwangi's regions, a synthetic population (only when the register "
        "is empty) and one account per role. Prints the sign-ins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--address", default="http://127.0.0.1:8000/")

    def handle(self, *args, residents, seed, address, **options):
        load_regions()
        if not Resident.objects.exists():
            call_command("seed_demo", residents=residents, seed=seed, stdout=self.stdout)
        else:
            self.stdout.write(
                f"Register already holds {Resident.objects.count():,} residents; not seeding."
            )
        sign_ins = ensure_demo_accounts()
        seed_app_demos(seed=seed, stdout=self.stdout)

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Smart Kampung is at {address}"))
        self.stdout.write(f"Sign in at {address}masuk/ as any of these demo accounts:")
        width = max(len(item.login) for item in sign_ins)
        for item in sign_ins:
            self.stdout.write(
                f"  {item.login:<{width}}  {item.secret:<20}  {item.label} — {item.scope}"
            )
        self.stdout.write(
            "Residents sign in with their NIK and 6-digit PIN; staff with user name and "
            "password. The secrets are kept in var/demo-credentials.json (not in git)."
        )
