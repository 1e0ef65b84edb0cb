import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from core.audit import record
from security.backup import BackupError, backup, fingerprint


class Command(BaseCommand):
    help = (
        "Back up the whole database (SQLite online backup or pg_dump) into var/backups/, with a "
        "manifest of every table's row count and checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Backup file (default: var/backups/...).")
        parser.add_argument(
            "--no-manifest", action="store_true", help="Skip the per-table checksums (faster)."
        )

    def handle(self, *args, output, no_manifest, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
        path = output or Path(settings.VAR_DIR) / "backups" / f"smartkampung-{stamp}.{suffix}"
        try:
            backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not no_manifest:
            manifest = {table: list(value) for table, value in fingerprint().items()}
            path.with_name(path.name + ".json").write_text(json.dumps(manifest, indent=1))
        record("security.backup.created", summary=path.name, path=str(path))
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size:,} bytes).")
