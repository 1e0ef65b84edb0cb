from django.core.management.base import BaseCommand

from documents.loading import load_document_types


class Command(BaseCommand):
    help = "Add the document types (and first templates) of documents/data/document_types.csv."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Also refresh names, classifications and series of existing types.",
        )

    def handle(self, *args, **options):
        counts = load_document_types(update=options["update"])
        self.stdout.write(
            "Document types: {types_created} created, {types_updated} updated; "
            "{templates_created} templates created.".format(**counts)
        )
