from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from core.workdays import regency_today
from queues import services


class Command(BaseCommand):
    help = (
        "Mark queue tickets that were never called as skipped once their day is over "
        "(yesterday's stay valid by default). Run it daily, e.g. at 03:00 WIB."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-days",
            type=int,
            default=1,
            help="Days before today whose waiting tickets stay valid (default 1: yesterday).",
        )

    def handle(self, *args, keep_days, **options):
        if keep_days < 0:
            raise CommandError("--keep-days must be 0 or more.")
        before = regency_today() - timedelta(days=keep_days)
        expired = services.expire_waiting(before=before)
        self.stdout.write(f"{expired} waiting tickets from before {before} marked as skipped.")
