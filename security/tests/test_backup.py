import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.audit import record
from people.models import Family, Resident
from security.backup import fingerprint

# Tables emptied to stand for a lost database (children first, for the foreign keys).
DESTROYED = ["core_auditentry", "people_resident", "people_family"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_destroy_restore_gives_back_every_table(tmp_path, make_resident, village, regent):
    for _ in range(3):
        make_resident(village)
    record("tests.marker", actor=regent, summary="before the backup")
    before = fingerprint()
    assert before["people_resident"][0] >= 3

    path = tmp_path / ("db.sqlite3" if connection.vendor == "sqlite" else "db.dump")
    call_command("backup", output=path)
    assert path.stat().st_size > 0
    assert (tmp_path / (path.name + ".json")).exists()

    with connection.cursor() as cursor:
        for table in DESTROYED:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
    assert not Resident.objects.exists() and not Family.objects.exists()

    call_command("restore", str(path), yes=True)
    after = fingerprint()
    assert after == before | {"core_auditentry": after["core_auditentry"]} or after == before
    # Every table but the audit trail (which now also records the backup itself) is equal.
    changed = {table for table in before if before[table] != after.get(table)}
    assert changed <= {"core_auditentry"}
    assert Resident.objects.count() == before["people_resident"][0]


@pytest.mark.django_db
def test_restore_needs_confirmation_and_a_real_file(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="no such backup"):
        call_command("restore", str(tmp_path / "missing.sqlite3"), yes=True)
