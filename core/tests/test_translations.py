"""Translations: Indonesian by default, a complete English catalogue, and the polib compiler."""

import contextlib
import gettext
import html
import os
import shutil
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test.utils import override_settings
from django.urls import reverse

EN_PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
ID_PO = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po"


def switch_language(client, code: str, next_url: str = "/"):
    return client.post(reverse("set_language"), {"language": code, "next": next_url})


# --------------------------------------------------------------------------- catalogues


def test_every_english_msgid_has_a_translation_and_none_is_fuzzy():
    catalogue = polib.pofile(str(EN_PO))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    empty_plurals = [
        entry.msgid
        for entry in catalogue
        if entry.msgid_plural and not all(entry.msgstr_plural.values())
    ]

    assert len(catalogue) > 0
    assert untranslated == []
    assert fuzzy == []
    assert empty_plurals == []
    assert catalogue.percent_translated() == 100


def test_english_and_indonesian_catalogues_hold_the_same_msgids():
    english = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(EN_PO))}
    indonesian = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(ID_PO))}

    assert english == indonesian


def test_compiled_english_catalogue_matches_its_po_file():
    catalogue = polib.pofile(str(EN_PO))
    with EN_PO.with_suffix(".mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)

    stale = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if not (entry.msgid_plural or entry.msgctxt)
        and translations.gettext(entry.msgid) != entry.msgstr
    ]

    assert stale == [], "run: python manage.py compile_translations"


# --------------------------------------------------------------------------- pages


def test_pages_are_in_indonesian_by_default(client):
    body = client.get(reverse("accounts:login")).content.decode()

    assert '<html lang="id">' in body
    assert "PIN atau kata sandi" in body
    assert 'value="en" lang="en" class="link-button">English</button>' in body


def test_switching_to_english_translates_the_sign_in_page(client):
    response = switch_language(client, "en", reverse("accounts:login"))
    body = html.unescape(client.get(reverse("accounts:login")).content.decode())

    assert response.status_code == 302
    assert '<html lang="en">' in body
    assert '<label for="id_username">NIK or username</label>' in body
    assert '<label for="id_password">PIN or password</label>' in body
    assert "Skip to main content" in body
    assert "after 10 failed attempts in a row" in body
    assert "PIN atau kata sandi" not in body
    assert 'value="id" lang="id" class="link-button">Bahasa Indonesia</button>' in body


def test_switching_to_english_translates_errors_on_the_sign_in_page(client):
    switch_language(client, "en")

    body = html.unescape(
        client.post(reverse("accounts:login"), {"username": "3510011506850001"}).content.decode()
    )

    assert "Something needs correcting" in body
    assert "Enter your PIN or password." in body


def test_switching_to_english_translates_the_resident_list(
    client, village_officer, resident_in_village
):
    client.force_login(village_officer)
    switch_language(client, "en")

    body = html.unescape(client.get(reverse("people:resident_list")).content.decode())

    assert '<html lang="en">' in body
    assert "Population register" in body
    assert "Search by name or NIK" in body
    assert '<th scope="col">Name</th>' in body
    assert '<th scope="col">Date of birth (age)</th>' in body
    assert "Male" in body
    assert "Living" in body
    assert "Village officer" in body
    assert "SUPARMAN" in body  # data is never translated
    assert "Data penduduk" not in body


def test_english_record_page_labels_fields_from_the_model(
    client, village_officer, resident_in_village
):
    client.force_login(village_officer)
    switch_language(client, "en")

    body = html.unescape(
        client.get(
            reverse("people:resident_detail", args=[resident_in_village.pk])
        ).content.decode()
    )

    assert "<dt>Full name</dt>" in body
    assert "<dt>Place of birth</dt>" in body
    assert "Head of family" in body


# --------------------------------------------------------------------------- compiler


def _write_po(directory: Path, entries: list[polib.POEntry], language: str = "en") -> Path:
    folder = directory / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": language,
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for entry in entries:
        catalogue.append(entry)
    path = folder / "django.po"
    catalogue.save(str(path))
    return path


def test_compile_translations_writes_a_mo_that_gettext_reads(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    po_path = _write_po(
        tmp_path,
        [
            polib.POEntry(msgid="Keluar", msgstr="Sign out"),
            polib.POEntry(
                msgid="%(n)s orang",
                msgid_plural="%(n)s orang",
                msgstr_plural={0: "%(n)s person", 1: "%(n)s people"},
                flags=["python-format"],
            ),
            polib.POEntry(msgid="Masuk", msgstr="Sign in", msgctxt="tombol"),
            polib.POEntry(msgid="Belum pasti", msgstr="Not sure", flags=["fuzzy"]),
            polib.POEntry(msgid="Belum diterjemahkan", msgstr=""),
        ],
    )
    out = StringIO()

    call_command("compile_translations", stdout=out)

    with po_path.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    # Looked up through variables, so that makemessages does not collect these test msgids.
    lookup, plural, in_context = catalogue.gettext, catalogue.ngettext, catalogue.pgettext
    people = "%(n)s orang"
    assert lookup("Keluar") == "Sign out"
    assert plural(people, people, 1) == "%(n)s person"
    assert plural(people, people, 3) == "%(n)s people"
    assert in_context("tombol", "Masuk") == "Sign in"
    assert lookup("Belum pasti") == "Belum pasti"  # fuzzy entries are left out
    assert lookup("Belum diterjemahkan") == "Belum diterjemahkan"
    assert "3 translated, 1 untranslated, 1 fuzzy" in out.getvalue()


def test_compile_translations_compiles_only_the_locales_asked_for(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    english = _write_po(tmp_path, [polib.POEntry(msgid="Ya", msgstr="Yes")], "en")
    indonesian = _write_po(tmp_path, [polib.POEntry(msgid="Ya", msgstr="")], "id")

    call_command("compile_translations", "--locale", "en", stdout=StringIO())

    assert english.with_suffix(".mo").exists()
    assert not indonesian.with_suffix(".mo").exists()


def test_compile_translations_refuses_a_translation_that_drops_a_placeholder(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    po_path = _write_po(
        tmp_path,
        [
            polib.POEntry(
                msgid="Berkas %(name)s tidak ditemukan.",
                msgstr="File %(nama)s was not found.",
                flags=["python-format"],
            )
        ],
    )

    with pytest.raises(CommandError, match=r"%\(name\)s"):
        call_command("compile_translations", stdout=StringIO())

    assert not po_path.with_suffix(".mo").exists()


def test_compile_translations_says_when_there_is_nothing_to_compile(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    settings.BASE_DIR = tmp_path  # no app of the project lies here, so no app catalogue either

    with pytest.raises(CommandError, match="No .po files"):
        call_command("compile_translations", stdout=StringIO())


# --------------------------------------------------------------------------- completeness
#
# The catalogues are checked against the source as it is now, not against themselves: the
# msgids are extracted afresh (Django's makemessages, in a temporary copy of the source, so no
# tracked file changes) and every one must have an English translation and be in the
# Indonesian catalogue. A string added to a template or a view without `make messages` and an
# English translation fails here.

BASE = Path(settings.BASE_DIR)
# Never part of a catalogue: the virtualenv, benchmarks, run-time files, browser test drivers.
SKIPPED_DIRS = {
    ".venv",
    ".git",
    "var",
    "bench",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "browser_tests",
    "media",
    "staticfiles",
}
SOURCE_SUFFIXES = {".py", ".html", ".txt"}


def _app_catalogues() -> list[str]:
    """Apps that keep their own catalogue (``<app>/locale/``); the rest share ``locale/``."""
    return sorted(
        path.parent.name
        for path in BASE.glob("*/locale")
        if path.is_dir() and path.parent.name not in SKIPPED_DIRS
    )


CATALOGUES = ["locale", *_app_catalogues()]


def _copy_sources(target: Path) -> None:
    """The translatable files of the project, and its locale folders, left empty."""
    for directory, subdirs, files in os.walk(BASE):
        subdirs[:] = sorted(name for name in subdirs if name not in SKIPPED_DIRS)
        relative = Path(directory).relative_to(BASE)
        if relative.name == "locale":
            (target / relative).mkdir(parents=True, exist_ok=True)
            subdirs[:] = []
            continue
        for name in files:
            if Path(name).suffix in SOURCE_SUFFIXES:
                destination = target / relative / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(directory) / name, destination)


@contextlib.contextmanager
def _working_directory(path: Path):
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def _extract(copy: Path, catalogue: str) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every string the source of ``catalogue`` marks for translation, as
    ``make messages`` finds them (same folders, same ignores)."""
    if catalogue == "locale":
        folder, locale_paths = copy, [str(copy / "locale")]
        ignore = [".venv/*", "bench/*", *(f"{app}/*" for app in _app_catalogues())]
    else:
        folder, locale_paths = copy / catalogue, []
        ignore = ["tests/*"]
    with override_settings(LOCALE_PATHS=locale_paths), _working_directory(folder):
        call_command(
            "makemessages",
            locale=["en"],
            ignore_patterns=ignore,
            keep_pot=True,
            verbosity=0,
            stdout=StringIO(),
        )
    pot = folder / "locale" / "django.pot"
    if not pot.exists():
        return set()
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(pot)) if entry.msgid}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    copy = tmp_path_factory.mktemp("source")
    _copy_sources(copy)
    return {catalogue: _extract(copy, catalogue) for catalogue in CATALOGUES}


def _po(catalogue: str, language: str) -> polib.POFile | None:
    folder = BASE / "locale" if catalogue == "locale" else BASE / catalogue / "locale"
    path = folder / language / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path)) if path.exists() else None


def _is_translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_every_msgid_in_the_source_has_an_english_translation(extracted, catalogue):
    english = _po(catalogue, "en")
    assert english is not None or not extracted[catalogue], f"{catalogue}/en is missing"

    translated = {(e.msgctxt, e.msgid) for e in english or [] if _is_translated(e)}
    missing = sorted(msgid for _context, msgid in extracted[catalogue] - translated)

    assert missing == [], (
        f"{len(missing)} msgid(s) of {catalogue}/ have no English translation: run "
        "makemessages for it and fill the English msgstr"
    )


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_no_catalogue_entry_is_fuzzy(catalogue):
    fuzzy = [
        (language, entry.msgid)
        for language in ("en", "id")
        for entry in (_po(catalogue, language) or [])
        if "fuzzy" in entry.flags and not entry.obsolete
    ]

    assert fuzzy == []


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_the_indonesian_catalogue_holds_every_msgid_of_the_source(extracted, catalogue):
    indonesian = _po(catalogue, "id")
    assert indonesian is not None or not extracted[catalogue], f"{catalogue}/id is missing"

    present = {(e.msgctxt, e.msgid) for e in indonesian or [] if not e.obsolete}
    missing = sorted(msgid for _context, msgid in extracted[catalogue] - present)

    assert missing == [], f"{len(missing)} msgid(s) of {catalogue}/ are not in its id catalogue"


def test_extraction_finds_strings_marked_in_templates_and_code(extracted):
    root = {msgid for _context, msgid in extracted["locale"]}

    assert "Data penduduk" in root  # a template's {% trans %}
    assert "Cari nama atau NIK" in root  # a form label in Python
