"""Ordered, case-insensitive name indexes: a name search's first page straight from an index.

A search by the start of a name lists its matches by ``UPPER(full_name), id`` (see
``people.forms.ResidentSearchForm``). The prefix indexes of ``people.0002`` find the matches
but cannot give them in that order, so a common start ("SITI") meant sorting every match. These
indexes hold the name in capitals in byte order (``COLLATE "C"`` on PostgreSQL, whatever the
database collation; SQLite's default), with the id, so that a range on the name gives the first
page in order; the village-first twin serves village officers.
Written per database like ``people.0002``; the model state is unchanged.
"""

from django.db import migrations

INDEXES = {
    "postgresql": [
        "CREATE INDEX IF NOT EXISTS resident_name_order "
        'ON people_resident ((UPPER(full_name) COLLATE "C"), id)',
        "CREATE INDEX IF NOT EXISTS resident_village_name_order "
        'ON people_resident (village_id, (UPPER(full_name) COLLATE "C"), id)',
    ],
    "sqlite": [
        "CREATE INDEX IF NOT EXISTS resident_name_order ON people_resident (UPPER(full_name), id)",
        "CREATE INDEX IF NOT EXISTS resident_village_name_order "
        "ON people_resident (village_id, UPPER(full_name), id)",
    ],
}
NAMES = ["resident_name_order", "resident_village_name_order"]


def create(apps, schema_editor):
    for statement in INDEXES.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in INDEXES:
        for name in NAMES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_resident_name_prefix_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
