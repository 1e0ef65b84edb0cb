"""Case-insensitive name indexes for the register search (``full_name__istartswith``).

Expression indexes, written per database because the two spell them differently; Django's
model state is not changed (``state_operations`` is empty), so ``makemigrations`` stays clean:

- PostgreSQL compares ``UPPER(full_name::text) LIKE UPPER('ab%')``: an index on that
  expression with ``text_pattern_ops`` serves the prefix whatever the database collation;
- SQLite's ``LIKE`` is case-insensitive and uses an index declared ``COLLATE NOCASE``.

Each has a village-first twin, for officers whose scope is one village.
"""

from django.db import migrations

INDEXES = {
    "postgresql": [
        "CREATE INDEX IF NOT EXISTS resident_name_prefix "
        "ON people_resident (UPPER(full_name::text) text_pattern_ops)",
        "CREATE INDEX IF NOT EXISTS resident_village_name_prefix "
        "ON people_resident (village_id, UPPER(full_name::text) text_pattern_ops)",
    ],
    "sqlite": [
        "CREATE INDEX IF NOT EXISTS resident_name_prefix "
        "ON people_resident (full_name COLLATE NOCASE)",
        "CREATE INDEX IF NOT EXISTS resident_village_name_prefix "
        "ON people_resident (village_id, full_name COLLATE NOCASE)",
    ],
}
NAMES = ["resident_name_prefix", "resident_village_name_prefix"]


def create(apps, schema_editor):
    for statement in INDEXES.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in INDEXES:
        for name in NAMES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
