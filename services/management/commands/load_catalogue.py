from django.core.management.base import BaseCommand, CommandError

from services.catalogue import CatalogueError, load_catalogue


class Command(BaseCommand):
    help = (
        "Add the services of services/data/services.csv that are missing from the catalogue. "
        "Services staff have edited are kept unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Reset every service in the file to the file's values (staff edits are lost).",
        )

    def handle(self, *args, overwrite=False, **options):
        try:
            counts = load_catalogue(overwrite=overwrite)
        except CatalogueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} kept ({counts['total']} in the file)"
        )
