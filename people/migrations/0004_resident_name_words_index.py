"""A trigram index for finding a later word of a name (``NI LUH PUTU`` by "putu"), PostgreSQL only.

When no name starts with the text, the register search looks for `` <text>`` anywhere in the
name (``UPPER(full_name::text) LIKE UPPER('% PUTU%')``, see ``people.forms``). Without an index
that reads the whole register of the scope: about half a second for the regent of a regency.
``pg_trgm`` (shipped with PostgreSQL, a trusted extension since version 13, so the database
owner may create it) indexes that expression. Where the extension cannot be created the
migration says so and goes on: the search still works, by scanning. SQLite scans.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEX = (
    "CREATE INDEX IF NOT EXISTS resident_name_words "
    "ON people_resident USING gin (UPPER(full_name::text) gin_trgm_ops)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning(
            "pg_trgm could not be created (%s); searching a later word of a name will scan "
            "the register. A superuser can run CREATE EXTENSION pg_trgm and migrate again.",
            error,
        )
        return
    schema_editor.execute(INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS resident_name_words")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_resident_name_order_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
