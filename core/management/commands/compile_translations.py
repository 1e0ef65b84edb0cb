"""Compile the project's .po catalogues into .mo files with polib.

Django's own ``compilemessages`` needs GNU gettext's ``msgfmt``, which a fresh machine may
lack; polib is pure Python and installs with pip. Like ``msgfmt``, fuzzy and untranslated
entries are left out of the .mo file, so Django falls back to the (Indonesian) msgid for them.
"""

import re
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Named (%(name)s) and positional (%s, %d) placeholders of python-format strings.
_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifreEgGxXoc%])")


def placeholders(text: str) -> list[str]:
    """The placeholders of a python-format string, sorted, ignoring ``%%``."""
    found = []
    for name, conversion in _PLACEHOLDER.findall(text):
        if conversion != "%":
            found.append(f"%({name}){conversion}" if name else f"%{conversion}")
    return sorted(found)


def placeholder_errors(catalogue: polib.POFile) -> list[str]:
    """Translations whose placeholders differ from their msgid's (they would fail at run time).

    A plural translation may leave out the count in one form ("one year" for 1), so plural
    forms only have to use placeholders that the msgid or msgid_plural has.
    """
    errors = []
    for entry in catalogue.translated_entries():
        if "python-format" not in entry.flags:
            continue
        if entry.msgid_plural:
            allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
            for form in entry.msgstr_plural.values():
                extra = set(placeholders(form)) - allowed
                if extra:
                    errors.append(f"{entry.msgid!r}: unknown {sorted(extra)} in {form!r}")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            errors.append(
                f"{entry.msgid!r}: placeholders {placeholders(entry.msgstr)} in the "
                f"translation, {placeholders(entry.msgid)} in the msgid"
            )
    return errors


def locale_dirs() -> list[Path]:
    """LOCALE_PATHS, then the ``locale`` folder of each of the project's own apps."""
    base_dir = Path(settings.BASE_DIR).resolve()
    found = [Path(base) for base in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        app_path = Path(config.path).resolve()
        if app_path.parent == base_dir and (app_path / "locale").is_dir():
            found.append(app_path / "locale")
    return found


class Command(BaseCommand):
    help = (
        "Compile the .po files under LOCALE_PATHS and the apps' locale folders into .mo files "
        "(pure Python, via polib)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-l",
            "--locale",
            action="append",
            default=[],
            help="Compile only this locale (repeatable). Default: every locale found.",
        )

    def handle(self, *args, **options):
        wanted = set(options["locale"])
        po_paths = [
            path
            for base in locale_dirs()
            for path in sorted(Path(base).glob("*/LC_MESSAGES/*.po"))
            if not wanted or path.parent.parent.name in wanted
        ]
        if not po_paths:
            raise CommandError(
                "No .po files found under LOCALE_PATHS "
                f"({', '.join(str(base) for base in settings.LOCALE_PATHS)})."
            )

        for po_path in po_paths:
            try:
                catalogue = polib.pofile(str(po_path), check_for_duplicates=True)
            except (OSError, ValueError) as error:
                raise CommandError(f"{po_path}: cannot be read: {error}") from error
            errors = placeholder_errors(catalogue)
            if errors:
                raise CommandError(
                    f"{po_path}: fix these translations first:\n  " + "\n  ".join(errors)
                )
            mo_path = po_path.with_suffix(".mo")
            catalogue.save_as_mofile(str(mo_path))
            self.stdout.write(
                f"{po_path}: {len(catalogue.translated_entries())} translated, "
                f"{len(catalogue.untranslated_entries())} untranslated, "
                f"{len(catalogue.fuzzy_entries())} fuzzy (left out)"
            )
