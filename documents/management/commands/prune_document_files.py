"""Delete stored PDFs that no issued document names.

A PDF is written inside the transaction that issues it; when the caller's transaction rolls
back afterwards (an approval that failed after issuing), the file stays behind. Files newer
than ``--older-than`` minutes are left alone, since their transaction may still be open.
"""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from documents.models import IssuedDocument

DOCUMENTS_FOLDER = "documents"


class Command(BaseCommand):
    help = "Delete PDFs under MEDIA_ROOT/documents that no issued document refers to."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=60, help="minutes (default 60)")
        parser.add_argument("--dry-run", action="store_true", help="only list the files")

    def handle(self, *args, **options):
        root = Path(settings.MEDIA_ROOT)
        folder = root / DOCUMENTS_FOLDER
        if not folder.is_dir():
            self.stdout.write("No stored documents.")
            return
        cutoff = time.time() - options["older_than"] * 60
        known = set(IssuedDocument.objects.exclude(pdf="").values_list("pdf", flat=True))
        orphans = [
            path
            for path in folder.rglob("*.pdf")
            if path.relative_to(root).as_posix() not in known and path.stat().st_mtime < cutoff
        ]
        for path in orphans:
            if not options["dry_run"]:
                path.unlink()
            self.stdout.write(path.relative_to(root).as_posix())
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(f"{verb} {len(orphans)} orphaned PDF(s).")
