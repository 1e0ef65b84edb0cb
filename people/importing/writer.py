"""Write one chunk of cleaned rows to the register with a fixed, small number of queries.

Per chunk: one query for the families first seen in it (and one for the ids of those created),
one for residents by NIK, one for registered residents that rows without a NIK may be (only when
there are such rows in known families or without a family), one for the ids of new family heads,
then one batched INSERT or UPDATE per kind of change. No query is made per row.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections import defaultdict
from datetime import date

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEntry
from people.choices import Relationship
from people.importing.rows import CleanRow
from people.importing.sql import Inserter, update_rows
from people.importing.values import cell_text, name_key
from people.models import Family, PopulationImport, PossibleDuplicate, Resident

# Longest list given to one ``__in`` lookup, whatever chunk size the caller picks: PostgreSQL
# takes at most 65,535 parameters per query, SQLite 32,766 (999 before SQLite 3.32).
IN_BATCH = 5000

_TEMP_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U

# Positions in a family entry of the import's no_kk -> entry dict.
FAMILY_ID, FAMILY_VILLAGE, FAMILY_LINE, FAMILY_HEAD_LINE, FAMILY_HEAD_ID = range(5)


def new_temp_id() -> str:
    """A temporary identifier for a person without a NIK: ``TMP-`` and 12 random characters."""
    return "TMP-" + "".join(secrets.choice(_TEMP_ID_ALPHABET) for _ in range(12))


def in_batch_size() -> int:
    """How many values one ``__in`` lookup may hold on this database."""
    if connection.vendor != "sqlite":
        return IN_BATCH
    connection.ensure_connection()
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(IN_BATCH, limit - 100))  # room for the query's other parameters


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _field_name(attname: str) -> str:
    return attname[:-3] if attname.endswith("_id") else attname


class ChunkWriter:
    """Holds what one import knows across chunks, and writes each chunk."""

    def __init__(
        self,
        population_import: PopulationImport,
        *,
        actor,
        resident_fields: tuple[str, ...],
        family_fields: tuple[str, ...],
        families: dict[str, list],
        match_birth_date: bool,
        headers: tuple[str, ...],
    ):
        self.population_import = population_import
        self.import_id = population_import.pk
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.actor_label = self.actor.get_username() if self.actor is not None else ""
        self.fields = resident_fields
        self.family_fields = family_fields
        self.families = families
        self.match_birth_date = match_birth_date
        self.headers = headers
        self.batch = in_batch_size()
        # What residents are read as: identifiers, what no-NIK matching needs, and the fields
        # this file sets (compared to decide whether a resident changed).
        self.columns = list(
            dict.fromkeys(
                ("id", "nik", "temp_id", "full_name", "family_id", "village_id", "birth_date")
                + resident_fields
            )
        )
        position = {name: index for index, name in enumerate(self.columns)}
        self.compare = [(name, position[name]) for name in resident_fields]
        self.p_id = position["id"]
        self.p_nik = position["nik"]
        self.p_family = position["family_id"]
        self.p_village = position["village_id"]
        self.p_name = position["full_name"]
        self.p_birth = position["birth_date"]
        self.created = self.updated = self.unchanged = 0
        self.possible_duplicates = self.families_created = 0

    # ------------------------------------------------------------------ chunk

    def write(self, rows: list[CleanRow], first_rows: dict[str, CleanRow]) -> None:
        """Write the accepted rows of one chunk; ``first_rows`` are families first seen in it."""
        now = timezone.now()
        created_families = self._write_families(first_rows, now)
        families = self.families
        for row in rows:
            row.fields["family_id"] = families[row.no_kk][FAMILY_ID] if row.no_kk else None

        existing = self._residents_by_nik([row.nik for row in rows if row.nik])
        new: list[tuple[CleanRow, str | None]] = []  # (row, temporary id when no NIK)
        updates: list[tuple[CleanRow, int, list[str]]] = []  # (row, resident id, changed)
        resident_ids: dict[int, int] = {}  # id(row) -> resident id, for family heads
        unmatched: list[CleanRow] = []
        for row in rows:
            record = existing.get(row.nik) if row.nik is not None else None
            if record is None:
                unmatched.append(row)
                continue
            changed = self._changes(record, row)
            if changed:
                updates.append((row, record[self.p_id], changed))
            else:
                self.unchanged += 1
            resident_ids[id(row)] = record[self.p_id]
        duplicates = self._match_unmatched(unmatched, created_families, new, updates, resident_ids)

        self._insert_residents(new, now)
        self._update_residents(updates, now)
        if duplicates:
            PossibleDuplicate.objects.bulk_create(duplicates)
            self.possible_duplicates += len(duplicates)
        self._write_heads(rows, new, resident_ids, now)

    # ------------------------------------------------------------------ families

    def _write_families(self, first_rows: dict[str, CleanRow], now) -> set[int]:
        """Find or create the families first seen in this chunk; return the created ids."""
        if not first_rows:
            return set()
        select = ("id", "no_kk", "village_id", *self.family_fields, "head_id")
        found = {}
        for batch in _batches(list(first_rows), self.batch):
            for record in Family.objects.filter(no_kk__in=batch).values_list(*select):
                found[record[1]] = record
        new: list[tuple] = []
        changed: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
        for no_kk, row in first_rows.items():
            wanted = (row.village_id, *(row.fields[name] for name in self.family_fields))
            record = found.get(no_kk)
            if record is None:
                new.append((no_kk, *wanted))
                continue
            entry = self.families[no_kk]
            entry[FAMILY_ID] = record[0]
            entry[FAMILY_HEAD_ID] = record[-1]
            if record[2:-1] != wanted:
                names = ("village_id", *self.family_fields)
                differs = tuple(
                    name
                    for name, old, value in zip(names, record[2:-1], wanted, strict=True)
                    if old != value
                )
                values = [
                    value for name, value in zip(names, wanted, strict=True) if name in differs
                ]
                changed[differs].append((*values, now, record[0]))

        if new:
            Inserter(
                Family,
                ("no_kk", "village_id", *self.family_fields),
                {"created_at": now, "updated_at": now},
            ).insert(new)
            created = set()
            for batch in _batches([family[0] for family in new], self.batch):
                for no_kk, pk in Family.objects.filter(no_kk__in=batch).values_list("no_kk", "id"):
                    self.families[no_kk][FAMILY_ID] = pk
                    created.add(pk)
            self.families_created += len(new)
        else:
            created = set()
        for names, params in changed.items():
            update_rows(Family, [*names, "updated_at"], params)
        return created

    def _write_heads(self, rows, new, resident_ids: dict[int, int], now) -> None:
        """Make each family's Kepala Keluarga row its head (the file names at most one)."""
        heads = [
            row
            for row in rows
            if row.no_kk is not None and row.fields.get("relationship") == Relationship.HEAD
        ]
        if not heads:
            return
        temp_ids = {id(row): temp_id for row, temp_id in new}
        missing = [row for row in heads if id(row) not in resident_ids and id(row) in temp_ids]
        if missing:
            # New residents' ids: the INSERT does not return them, so look up the heads only.
            found: dict[str, int] = {}
            niks = [row.nik for row in missing if row.nik]
            temps = [temp_ids[id(row)] for row in missing if not row.nik]
            for lookup, values in (("nik__in", niks), ("temp_id__in", temps)):
                for batch in _batches(values, self.batch):
                    records = Resident.objects.filter(**{lookup: batch})
                    for nik, temp_id, pk in records.values_list("nik", "temp_id", "id"):
                        found[nik if lookup == "nik__in" else temp_id] = pk
            for row in missing:
                resident_ids[id(row)] = found[row.nik or temp_ids[id(row)]]
        params = []
        for row in heads:
            resident_id = resident_ids.get(id(row))
            entry = self.families[row.no_kk]
            if resident_id is None or entry[FAMILY_HEAD_ID] == resident_id:
                continue
            entry[FAMILY_HEAD_ID] = resident_id
            params.append((resident_id, now, entry[FAMILY_ID]))
        update_rows(Family, ["head_id", "updated_at"], params)

    # ------------------------------------------------------------------ residents

    def _residents_by_nik(self, niks: list[str]) -> dict[str, tuple]:
        existing = {}
        for batch in _batches(niks, self.batch):
            for record in Resident.objects.filter(nik__in=batch).values_list(*self.columns):
                existing[record[self.p_nik]] = record
        return existing

    def _changes(self, record: tuple, row: CleanRow) -> list[str]:
        fields = row.fields
        return [name for name, index in self.compare if fields[name] != record[index]]

    def _insert_residents(self, new: list[tuple[CleanRow, str | None]], now) -> None:
        if not new:
            return
        fields = self.fields
        inserter = Inserter(
            Resident,
            ("nik", "temp_id", *fields),
            {"source_import_id": self.import_id, "created_at": now, "updated_at": now},
        )
        self.created += inserter.insert(
            [(row.nik, temp_id, *[row.fields[name] for name in fields]) for row, temp_id in new]
        )

    def _update_residents(self, updates: list[tuple[CleanRow, int, list[str]]], now) -> None:
        """Set only the changed fields, one batched UPDATE per set of changed fields."""
        if not updates:
            return
        groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
        for row, pk, changed in updates:
            values = [row.nik if name == "nik" else row.fields[name] for name in changed]
            groups[tuple(changed)].append((*values, now, self.import_id, pk))
        for changed, params in groups.items():
            update_rows(Resident, [*changed, "updated_at", "source_import_id"], params)
        self.updated += len(updates)
        AuditEntry.objects.bulk_create(
            AuditEntry(
                action="people.resident.updated",
                actor=self.actor,
                actor_label=self.actor_label,
                target_type="people.resident",
                target_id=str(pk),
                summary=f"population import {self.import_id}, line {row.line}",
                detail={
                    "fields": [_field_name(name) for name in changed],
                    "import_id": self.import_id,
                    "line": row.line,
                },
            )
            for row, pk, changed in updates
        )

    # ------------------------------------------------------------------ rows not found by NIK

    def _key(self, family_id, village_id, name: str, birth_date: date | None) -> tuple:
        born = birth_date if self.match_birth_date else None
        if family_id is not None:
            return (family_id, None, name_key(name), born)
        return (None, village_id, name_key(name), born)

    def _row_key(self, row: CleanRow) -> tuple:
        fields = row.fields
        return self._key(
            fields["family_id"], row.village_id, fields["full_name"], fields.get("birth_date")
        )

    def _match_unmatched(self, rows, created_families, new, updates, resident_ids):
        """Rows not found by NIK: match them to registered residents, or create them.

        A row without a NIK that looks like a registered resident (same family, or same
        village when there is no family; same name and birth date) is not added again: it is
        unchanged when it is that resident without a NIK and nothing differs, and otherwise a
        possible duplicate for an officer to decide; it never merges silently into a resident
        with a NIK. A row with a NIK that is exactly one registered resident without a NIK (a
        child who has since been given a NIK) gives that resident the NIK.
        """
        candidates = self._candidates(rows, created_families)
        if not candidates:
            new.extend((row, None if row.nik else new_temp_id()) for row in rows)
            return []
        duplicates = []
        taken: set[int] = set()
        for row in rows:
            matches = [
                record
                for record in candidates.get(self._row_key(row), ())
                if record[self.p_id] not in taken
            ]
            if row.nik is not None:
                without_nik = [record for record in matches if record[self.p_nik] is None]
                if len(without_nik) == 1:
                    record = without_nik[0]
                    taken.add(record[self.p_id])
                    updates.append((row, record[self.p_id], ["nik", *self._changes(record, row)]))
                    resident_ids[id(row)] = record[self.p_id]
                else:
                    new.append((row, None))
                continue
            if not matches:
                new.append((row, new_temp_id()))
                continue
            record = matches[0]
            taken.add(record[self.p_id])
            if len(matches) == 1 and record[self.p_nik] is None and not self._changes(record, row):
                self.unchanged += 1
                resident_ids[id(row)] = record[self.p_id]
                continue
            duplicates.append(self._possible_duplicate(row, record))
        return duplicates

    def _candidates(self, rows: list[CleanRow], created_families: set[int]) -> dict:
        """Registered residents the unmatched rows might be, by matching key.

        One query; more only when a chunk holds more values than one query may take.
        """
        family_ids: set[int] = set()
        villages: set[int] = set()
        births: set[date | None] = set()
        for row in rows:
            family_id = row.fields["family_id"]
            if family_id is not None:
                if family_id not in created_families:
                    family_ids.add(family_id)
            elif row.nik is None:
                villages.add(row.village_id)
                births.add(row.fields.get("birth_date"))
        if not family_ids and not villages:
            return {}
        conditions = [Q(family_id__in=batch) for batch in _batches(sorted(family_ids), self.batch)]
        values = len(family_ids)
        if villages:
            loose = Q(family__isnull=True, village_id__in=villages)
            values += len(villages)
            if not self.match_birth_date:
                conditions.append(loose)
            else:
                dated = sorted(born for born in births if born is not None)
                values += len(dated)
                size = max(1, self.batch - len(villages))
                conditions += [loose & Q(birth_date__in=batch) for batch in _batches(dated, size)]
                if None in births:
                    conditions.append(loose & Q(birth_date__isnull=True))
        if values <= self.batch:  # the usual case: one query
            combined = conditions[0]
            for condition in conditions[1:]:
                combined |= condition
            conditions = [combined]

        found = defaultdict(list)
        for condition in conditions:
            for record in Resident.objects.filter(condition).values_list(*self.columns):
                key = self._key(
                    record[self.p_family],
                    record[self.p_village],
                    record[self.p_name],
                    record[self.p_birth],
                )
                found[key].append(record)
        return found

    def _possible_duplicate(self, row: CleanRow, record: tuple) -> PossibleDuplicate:
        if record[self.p_nik] is not None:
            reason = _(
                "Tanpa NIK; nama dan tanggal lahir sama dengan penduduk ber-NIK yang sudah "
                "terdaftar di keluarga atau desa yang sama. Tidak digabung otomatis."
            )
        else:
            reason = _(
                "Tanpa NIK; nama dan tanggal lahir sama dengan penduduk tanpa NIK yang sudah "
                "terdaftar, tetapi data lainnya berbeda. Periksa apakah orang yang sama."
            )
        return PossibleDuplicate(
            population_import=self.population_import,
            line_number=row.line,
            existing_id=record[self.p_id],
            row_data=row_data(self.headers, row.cells),
            reason=reason[:255],
        )


def row_data(headers: tuple[str, ...], cells: list[object]) -> dict[str, str]:
    """A row as {header: text}, for a possible duplicate's review page."""
    return {
        header or f"#{position + 1}": cell_text(cells[position]) if position < len(cells) else ""
        for position, header in enumerate(headers)
    }
