import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.audit import record
from security.backup import BackupError, fingerprint, restore


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup made by `manage.py backup`, then compare "
        "every table with the backup's manifest when there is one."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: the current data is replaced."
        )

    def handle(self, *args, path, yes, **options):
        if not yes:
            raise CommandError("Restoring replaces every table. Add --yes to confirm.")
        try:
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest_path = path.with_name(path.name + ".json")
        if manifest_path.exists():
            expected = {t: tuple(v) for t, v in json.loads(manifest_path.read_text()).items()}
            actual = fingerprint()
            differing = sorted(t for t in expected if expected[t] != actual.get(t))
            if differing:
                raise CommandError(
                    "Restored, but these tables differ from the backup: " + ", ".join(differing)
                )
            self.stdout.write(f"All {len(expected)} tables match the backup's manifest.")
        record("security.backup.restored", summary=path.name, path=str(path))
        self.stdout.write(f"Restored from {path}.")
