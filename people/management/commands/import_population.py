"""python manage.py import_population FILE [--dry-run] [--sheet NAME]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.importing import ImportFileError, import_population, report_path, summary_path


class Command(BaseCommand):
    help = (
        "Import a population file (CSV or .xlsx from the civil registry or a village office) "
        "into the register. Bad rows are listed in a rejects file; good rows are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV or .xlsx file to import")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check and count everything, then roll back: nothing is kept",
        )
        parser.add_argument("--sheet", help="sheet to read from an Excel file (default: first)")
        parser.add_argument(
            "--chunk-size", type=int, default=5000, help="rows written per batch (default 5000)"
        )
        parser.add_argument(
            "--progress-every",
            type=int,
            default=50000,
            help="print progress to stderr after about this many rows (default 50000)",
        )

    def handle(self, *args, **options):
        every = max(1, options["progress_every"])
        next_report = every

        def progress(rows_read: int) -> None:
            nonlocal next_report
            if rows_read >= next_report:
                self.stderr.write(f"{rows_read} rows read")
                self.stderr.flush()
                next_report = (rows_read // every + 1) * every

        try:
            result = import_population(
                options["file"],
                dry_run=options["dry_run"],
                sheet=options["sheet"],
                progress=progress,
                chunk_size=options["chunk_size"],
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from None

        self.stdout.write(
            f"Import {result.pk} {'(dry run, nothing kept) ' if result.dry_run else ''}"
            f"of {result.file_name}: {result.rows_read} rows read, {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged, {result.rejected} "
            f"rejected, {result.possible_duplicates} possible duplicates, "
            f"{result.families_created} families created."
        )
        self.stdout.write(f"Rejects file: {report_path(result)}")
        self.stdout.write(f"Summary: {summary_path(result)}")
