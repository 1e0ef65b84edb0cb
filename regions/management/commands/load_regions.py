from django.core.management.base import BaseCommand

from regions.loading import load_regions


class Command(BaseCommand):
    help = "Load or refresh Banyuwangi's Kemendagri region codes (idempotent)."

    def handle(self, *args, **options):
        counts = load_regions()
        self.stdout.write(
            f"Regions: {counts['total']} in file, {counts['created']} created, "
            f"{counts['updated']} updated."
        )
