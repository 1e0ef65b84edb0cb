"""Merging two register records of one person, by an officer's decision (never automatically).

Every row of every app that points at the duplicate (applications, aid memberships,
vaccinations, user accounts, family heads, ...) is moved to the surviving record, found
generically through the model's reverse relations, so an app added later is covered without a
change here. It all happens in one transaction, and the audit trail records what moved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import record
from people.models import Resident
from people.nik import mask_nik

logger = logging.getLogger(__name__)

# Fields the survivor takes from the duplicate when its own are empty.
FILLABLE_FIELDS = (
    "nik", "birth_place", "birth_date", "religion", "marital_status", "education",
    "occupation", "family", "relationship", "address", "rt", "rw", "hamlet", "phone",
)  # fmt: skip


class MergeError(ValueError):
    """The two records cannot be merged; the message says why."""


@dataclass
class MergeResult:
    survivor_id: int
    duplicate_id: int
    moved: dict[str, int] = field(default_factory=dict)
    # Rows that could not move because the survivor already has the same one (e.g. both were
    # in one programme): removed as duplicates, listed here and in the audit entry.
    dropped: dict[str, list[int]] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)


def _reverse_relations():
    """Every relation pointing at Resident, including hidden ones (related_name "+").

    ``Resident._meta.related_objects`` leaves out hidden relations (``Family.head``,
    many-to-many through tables), so the fields are listed with ``include_hidden``; the
    many-to-many relations themselves are moved through their through-tables' foreign keys.
    """
    for relation in Resident._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        if relation.one_to_many or relation.one_to_one:
            yield relation


def merge_residents(
    survivor: Resident, duplicate: Resident, *, actor, reason: str, request=None
) -> MergeResult:
    """Move everything of ``duplicate`` to ``survivor`` and delete ``duplicate``; audited."""
    reason = reason.strip()
    if not reason:
        raise MergeError(_("Alasan penggabungan wajib diisi."))
    if survivor.pk == duplicate.pk:
        raise MergeError(_("Data yang digabung harus dua orang yang berbeda."))
    result = MergeResult(survivor.pk, duplicate.pk)
    with transaction.atomic():
        locked = {
            resident.pk: resident
            for resident in Resident.objects.select_for_update().filter(
                pk__in=[survivor.pk, duplicate.pk]
            )
        }
        if len(locked) != 2:
            raise MergeError(_("Salah satu data penduduk sudah tidak ada."))
        survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
        snapshot = {
            "nik": mask_nik(duplicate.nik) if duplicate.nik else "",
            "temp_id": duplicate.temp_id or "",
            "full_name": duplicate.full_name,
            "birth_date": duplicate.birth_date.isoformat() if duplicate.birth_date else "",
            "village": duplicate.village_id,
            "family": duplicate.family_id,
        }
        for relation in _reverse_relations():
            _move(relation, survivor, duplicate, result)
        _fill_blanks(survivor, duplicate, result)
        duplicate.delete()
        if "nik" in result.filled:
            survivor.temp_id = None
        survivor.save()
        record(
            "people.resident.merged",
            actor=actor,
            target=survivor,
            request=request,
            summary=f"Merged resident {result.duplicate_id} into {survivor.pk}: {reason}"[:255],
            reason=reason,
            duplicate_id=result.duplicate_id,
            duplicate=snapshot,
            moved=result.moved,
            dropped=result.dropped,
            filled=result.filled,
        )
    logger.info(
        "Resident %s merged into %s: moved %s", result.duplicate_id, survivor.pk, result.moved
    )
    return result


def _move(relation, survivor: Resident, duplicate: Resident, result: MergeResult) -> None:
    model = relation.related_model
    name = relation.field.name
    label = f"{model._meta.label_lower}.{name}"
    rows = model._base_manager.filter(**{name: duplicate.pk})
    taken = relation.one_to_one and model._base_manager.filter(**{name: survivor.pk}).exists()
    if taken and rows.exists():
        raise MergeError(
            _("Kedua data terhubung ke %(model)s; selesaikan salah satunya dulu.")
            % {"model": model._meta.verbose_name}
        )
    try:
        with transaction.atomic():
            moved = rows.update(**{name: survivor.pk})
    except IntegrityError:
        # A unique constraint: move row by row, dropping the rows the survivor already has.
        moved = 0
        for pk in list(rows.values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=pk).update(**{name: survivor.pk})
                moved += 1
            except IntegrityError:
                model._base_manager.filter(pk=pk).delete()
                result.dropped.setdefault(label, []).append(pk)
    if moved:
        result.moved[label] = moved


def _fill_blanks(survivor: Resident, duplicate: Resident, result: MergeResult) -> None:
    for name in FILLABLE_FIELDS:
        attribute = Resident._meta.get_field(name).attname
        mine, theirs = getattr(survivor, attribute), getattr(duplicate, attribute)
        if mine in (None, "") and theirs not in (None, ""):
            if name == "nik":
                # The NIK is unique: free it on the duplicate before the survivor takes it.
                Resident.objects.filter(pk=duplicate.pk).update(
                    nik=None, temp_id=f"merged-{duplicate.pk}"
                )
                duplicate.nik = None
            setattr(survivor, attribute, theirs)
            result.filled.append(name)
