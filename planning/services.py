"""Business rules of Musrenbang: proposals, support, meetings and decisions, merge and split,
carry-over to the next year and progress of funded proposals."""

from __future__ import annotations

import logging
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from accounts.roles import DISTRICT_ROLES, VILLAGE_ROLES, Role
from core import audit
from core.workdays import regency_today
from people.models import region_filter
from planning.models import (
    CLOSED_STATUSES,
    Decision,
    Meeting,
    MeetingLevel,
    Outcome,
    ProgressReport,
    Proposal,
    ProposalEvent,
    ProposalPhoto,
    Sector,
    Status,
    Support,
)
from regions.models import Level

logger = logging.getLogger(__name__)

SIMILARITY_CUTOFF = 70
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_LIMIT = 5
PHOTO_KINDS = ((b"\xff\xd8\xff", "jpg", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "png", "image/png"))
EDITABLE_FIELDS = ("title", "sector", "description", "hamlet", "location", "estimated_cost")


class ProposalClosed(ValidationError):
    """The proposal lives on elsewhere (merged, split, carried over) and cannot change."""


def visible_proposals(user):
    """Residents see their own village's proposals; staff their region; others nothing."""
    if getattr(user, "role", None) == Role.RESIDENT and user.resident_id:
        return Proposal.objects.filter(village_id=user.resident.village_id)
    condition = region_filter(user, "village")
    return Proposal.objects.none() if condition is None else Proposal.objects.filter(condition)


def _event(proposal, kind: str, user, **detail) -> None:
    ProposalEvent.objects.create(proposal=proposal, kind=kind, actor=user, detail=detail)


def _is_village_staff_of(user, proposal) -> bool:
    return getattr(user, "role", None) in VILLAGE_ROLES and user.region_id == proposal.village_id


def _parse_cost(value) -> Decimal:
    try:
        if isinstance(value, int | Decimal):
            cost = Decimal(value)
        else:  # text as officers type it: "150.000.000" or "150000000"
            cost = Decimal(str(value).replace(".", "").replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {"estimated_cost": _("Perkiraan biaya harus angka rupiah.")}
        ) from None
    if cost < 0 or cost > Decimal("99999999999999"):
        raise ValidationError({"estimated_cost": _("Perkiraan biaya di luar batas.")})
    return cost


def _clean_fields(data: dict) -> dict:
    cleaned = {}
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        value = _parse_cost(value) if name == "estimated_cost" else (value or "").strip()
        if name in ("title", "location") and not value:
            raise ValidationError({name: _("Wajib diisi.")})
        if name == "sector" and value not in Sector.values:
            raise ValidationError({"sector": _("Bidang tidak dikenal.")})
        cleaned[name] = value
    return cleaned


def may_propose(user) -> bool:
    role = getattr(user, "role", None)
    return (role == Role.RESIDENT and bool(user.resident_id)) or (
        role in VILLAGE_ROLES and bool(user.region_id)
    )


def create_proposal(user, *, year: int, request=None, **data) -> Proposal:
    """A resident (for their own village) or a village officer submits a proposal."""
    if not may_propose(user):
        raise PermissionDenied
    fields = _clean_fields(data)
    for name in ("title", "sector", "location", "estimated_cost"):
        if name not in fields:
            raise ValidationError({name: _("Wajib diisi.")})
    if getattr(user, "role", None) == Role.RESIDENT:
        village_id, resident = user.resident.village_id, user.resident
    else:
        village_id, resident = user.region_id, None
    with transaction.atomic():
        proposal = Proposal.objects.create(
            year=year,
            village_id=village_id,
            proposed_by_resident=resident,
            created_by=user,
            **fields,
        )
        _event(proposal, "created", user)
        audit.record(
            "planning.proposal.created",
            actor=user,
            target=proposal,
            summary=proposal.title,
            request=request,
        )
    return proposal


def similar_proposals(user, title: str, *, year: int, village_id: int, exclude=None, limit=5):
    """Open proposals of the same year in the same district whose titles look alike, best first.

    Suggested while a proposal is entered, so that residents support an existing one instead of
    filing it twice.
    """
    if not title.strip():
        return []
    candidates = visible_proposals(user).filter(year=year).exclude(status__in=CLOSED_STATUSES)
    candidates = candidates.filter(village__parent__children=village_id).distinct()
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    titles = dict(candidates.values_list("pk", "title")[:2000])
    matches = process.extract(
        title, titles, scorer=fuzz.token_set_ratio, score_cutoff=SIMILARITY_CUTOFF, limit=limit
    )
    order = {pk: score for _title, score, pk in matches}
    found = list(Proposal.objects.filter(pk__in=order).select_related("village"))
    for proposal in found:
        proposal.similarity = round(order[proposal.pk])
    return sorted(found, key=lambda p: -p.similarity)


def may_edit(user, proposal: Proposal) -> bool:
    if _is_village_staff_of(user, proposal):
        return True
    return (
        getattr(user, "role", None) == Role.RESIDENT
        and proposal.proposed_by_resident_id == user.resident_id
        and proposal.level == MeetingLevel.HAMLET
    )


def _refuse_if_closed(proposal: Proposal) -> None:
    if proposal.status == Status.MERGED:
        raise ProposalClosed(
            _(
                "Usulan ini sudah digabung ke usulan #%(target)s dan tidak dapat diubah; "
                "ubahlah usulan #%(target)s."
            )
            % {"target": proposal.merged_into_id}
        )
    if proposal.status == Status.SPLIT:
        raise ProposalClosed(
            _("Usulan ini sudah dipecah dan tidak dapat diubah; ubahlah pecahannya.")
        )
    if proposal.status in CLOSED_STATUSES:
        raise ProposalClosed(
            _("Usulan berstatus “%(status)s” tidak dapat diubah.")
            % {"status": proposal.get_status_display()}
        )


def edit_proposal(proposal: Proposal, user, *, request=None, **data) -> Proposal:
    """Change a proposal's fields; refused once it is merged, split or closed. Every change is
    kept with its old and new values."""
    if not may_edit(user, proposal):
        raise PermissionDenied
    fields = _clean_fields(data)
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _refuse_if_closed(proposal)
        changes = {}
        for name, value in fields.items():
            old = getattr(proposal, name)
            if old != value:
                changes[name] = [str(old), str(value)]
                setattr(proposal, name, value)
        if changes:
            proposal.save()
            _event(proposal, "edited", user, changes=changes)
            audit.record(
                "planning.proposal.edited",
                actor=user,
                target=proposal,
                summary=proposal.title,
                request=request,
                fields=sorted(changes),
            )
    return proposal


def add_photo(proposal: Proposal, user, upload, *, request=None) -> ProposalPhoto:
    if not may_edit(user, proposal):
        raise PermissionDenied
    _refuse_if_closed(proposal)
    if proposal.photos.count() >= PHOTO_LIMIT:
        raise ValidationError({"photo": _("Paling banyak %(n)s foto.") % {"n": PHOTO_LIMIT}})
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("Foto lebih dari 5 MB.")})
    head = upload.read(8)
    upload.seek(0)
    kind = next((k for k in PHOTO_KINDS if head.startswith(k[0])), None)
    if kind is None:
        raise ValidationError({"photo": _("Foto harus berkas JPEG atau PNG.")})
    relative = Path("planning") / str(proposal.year) / f"{secrets.token_hex(16)}.{kind[1]}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    photo = ProposalPhoto.objects.create(
        proposal=proposal, path=relative.as_posix(), content_type=kind[2]
    )
    _event(proposal, "photo_added", user, photo=photo.pk)
    return photo


def support(proposal: Proposal, user, *, request=None) -> Support:
    """A resident supports a proposal of their village, once."""
    if getattr(user, "role", None) != Role.RESIDENT or not user.resident_id:
        raise PermissionDenied
    if not visible_proposals(user).filter(pk=proposal.pk).exists():
        raise PermissionDenied
    proposal.refresh_from_db(fields=["status", "merged_into"])
    if proposal.status != Status.OPEN:
        _refuse_if_closed(proposal)
        raise ValidationError(_("Usulan ini tidak lagi menerima dukungan."))
    try:
        with transaction.atomic():
            row = Support.objects.create(proposal=proposal, resident_id=user.resident_id)
    except IntegrityError:
        raise ValidationError(_("Anda sudah mendukung usulan ini.")) from None
    return row


# --------------------------------------------------------------------------- meetings


def may_hold(user, level: int, region) -> bool:
    """Village staff hold hamlet and village meetings of their village, district staff their
    district's, the regent the regency's."""
    role = getattr(user, "role", None)
    if level in (MeetingLevel.HAMLET, MeetingLevel.VILLAGE):
        return role in VILLAGE_ROLES and user.region_id == region.pk
    if level == MeetingLevel.DISTRICT:
        return role in DISTRICT_ROLES and user.region_id == region.pk
    return role == Role.REGENT and region.level == Level.REGENCY


def meeting_region_for(user, level: int):
    from regions.models import Region

    if level == MeetingLevel.REGENCY:
        return Region.objects.filter(level=Level.REGENCY).first()
    return user.region


def visible_meetings(user):
    if getattr(user, "role", None) == Role.REGENT:
        return Meeting.objects.all()
    condition = region_filter(user, "")
    if condition is None:
        return Meeting.objects.none()
    from regions.models import Region

    regions = Region.objects.filter(condition).values("pk")
    if getattr(user, "role", None) in DISTRICT_ROLES:
        return Meeting.objects.filter(region_id=user.region_id) | Meeting.objects.filter(
            region__in=regions
        )
    return Meeting.objects.filter(region__in=regions)


def create_meeting(user, *, year, level, held_on, minutes, hamlet="", request=None) -> Meeting:
    level = int(level)
    if level not in MeetingLevel.values:
        raise ValidationError({"level": _("Tingkat rapat tidak dikenal.")})
    region = meeting_region_for(user, level)
    if region is None or not may_hold(user, level, region):
        raise PermissionDenied
    if not (minutes or "").strip():
        raise ValidationError({"minutes": _("Notulen rapat wajib diisi.")})
    meeting = Meeting.objects.create(
        year=year,
        level=level,
        region=region,
        held_on=held_on,
        minutes=minutes.strip(),
        hamlet=hamlet,
        created_by=user,
    )
    audit.record(
        "planning.meeting.created",
        actor=user,
        target=meeting,
        summary=str(meeting),
        request=request,
    )
    return meeting


def _in_meeting_region(proposal: Proposal, meeting: Meeting) -> bool:
    if meeting.level in (MeetingLevel.HAMLET, MeetingLevel.VILLAGE):
        return proposal.village_id == meeting.region_id
    if meeting.level == MeetingLevel.DISTRICT:
        return proposal.village.parent_id == meeting.region_id
    return True


def _same_hamlet(proposal: Proposal, meeting: Meeting) -> bool:
    """A hamlet meeting decides its own hamlet's proposals (either hamlet left blank: any)."""
    if not proposal.hamlet.strip() or not meeting.hamlet.strip():
        return True
    return proposal.hamlet.strip().casefold() == meeting.hamlet.strip().casefold()


def decide(
    proposal: Proposal,
    meeting: Meeting,
    outcome: str,
    user,
    *,
    note="",
    funded_amount=None,
    request=None,
) -> Decision:
    """Record a meeting's decision on a proposal at the proposal's current stage."""
    if not may_hold(user, meeting.level, meeting.region):
        raise PermissionDenied
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update().select_related("village").get(pk=proposal.pk)
        )
        if not _in_meeting_region(proposal, meeting):
            raise PermissionDenied
        if proposal.status != Status.OPEN:
            _refuse_if_closed(proposal)
            raise ValidationError(_("Usulan ini sudah diputuskan."))
        if meeting.level == MeetingLevel.HAMLET and not _same_hamlet(proposal, meeting):
            raise ValidationError(
                {
                    "meeting": _(
                        "Usulan ini dari dusun %(proposal)s; putuskan di musyawarah dusun itu, "
                        "bukan dusun %(meeting)s."
                    )
                    % {"proposal": proposal.hamlet, "meeting": meeting.hamlet}
                }
            )
        if meeting.level != proposal.level or meeting.year != proposal.year:
            raise ValidationError(
                _("Usulan ini ada di tahap “%(stage)s” tahun %(year)s; rapat ini tidak sesuai.")
                % {"stage": proposal.get_level_display(), "year": proposal.year}
            )
        final = meeting.level == MeetingLevel.REGENCY
        allowed = {Outcome.REJECTED} | (
            {Outcome.FUNDED, Outcome.UNFUNDED} if final else {Outcome.FORWARDED}
        )
        if outcome not in allowed:
            raise ValidationError({"outcome": _("Keputusan ini tidak berlaku pada tahap ini.")})
        decision = Decision.objects.create(
            proposal=proposal,
            meeting=meeting,
            level=meeting.level,
            outcome=outcome,
            note=note,
            decided_by=user,
        )
        if outcome == Outcome.FORWARDED:
            proposal.level = meeting.level + 1
        elif outcome == Outcome.REJECTED:
            proposal.status = Status.REJECTED
        elif outcome == Outcome.FUNDED:
            proposal.status = Status.FUNDED
            proposal.funded_amount = (
                _parse_cost(funded_amount)
                if funded_amount not in (None, "")
                else proposal.estimated_cost
            )
        else:
            proposal.status = Status.UNFUNDED
        proposal.save()
        _event(proposal, "decided", user, meeting=meeting.pk, level=meeting.level, outcome=outcome)
        audit.record(
            "planning.proposal.decided",
            actor=user,
            target=proposal,
            summary=f"{meeting.get_level_display()}: {outcome}",
            request=request,
        )
    return decision


def _may_restructure(user, proposals) -> bool:
    """Merge and split happen in the meeting of the proposals' current stage."""
    levels = {p.level for p in proposals}
    if len(levels) != 1:
        return False
    level = levels.pop()
    for proposal in proposals:
        region = proposal.village
        if level == MeetingLevel.DISTRICT:
            region = proposal.village.parent
        elif level == MeetingLevel.REGENCY:
            region = meeting_region_for(user, level)
        if region is None or not may_hold(user, level, region):
            return False
    return True


def merge(sources: list[Proposal], target: Proposal, user, *, note="", request=None) -> Proposal:
    """Merge proposals into ``target``. The sources are closed (not deleted), point at the
    target, and their supporters are counted for the target too."""
    ids = [p.pk for p in sources]
    if not ids or target.pk in ids:
        raise ValidationError(_("Pilih usulan lain untuk digabung ke usulan ini."))
    with transaction.atomic():
        locked = list(
            Proposal.objects.select_for_update()
            .select_related("village")
            .filter(pk__in=[*ids, target.pk])
            .order_by("pk")
        )
        by_pk = {p.pk: p for p in locked}
        target = by_pk[target.pk]
        sources = [by_pk[pk] for pk in ids]
        if not _may_restructure(user, locked):
            raise PermissionDenied
        for proposal in locked:
            _refuse_if_closed(proposal)
            if proposal.status != Status.OPEN or proposal.year != target.year:
                raise ValidationError(
                    _("Usulan #%(pk)s tidak dapat digabung: sudah diputuskan atau lain tahun.")
                    % {"pk": proposal.pk}
                )
        for source in sources:
            source.status = Status.MERGED
            source.merged_into = target
            source.save(update_fields=["status", "merged_into", "updated_at"])
            _event(source, "merged_into", user, target=target.pk, note=note)
        residents = Support.objects.filter(proposal__in=sources).values_list(
            "resident_id", flat=True
        )
        Support.objects.bulk_create(
            [Support(proposal=target, resident_id=r) for r in set(residents)],
            ignore_conflicts=True,
        )
        _event(target, "merged_from", user, sources=ids, note=note)
        audit.record(
            "planning.proposal.merged",
            actor=user,
            target=target,
            summary=f"{ids} -> {target.pk}",
            request=request,
        )
    return target


def split(proposal: Proposal, parts: list[dict], user, *, request=None) -> list[Proposal]:
    """Split a proposal into parts; the original is closed and each part points back at it."""
    if len(parts) < 2:
        raise ValidationError(_("Pecah menjadi paling sedikit dua usulan."))
    cleaned = []
    for number, part in enumerate(parts, start=1):
        try:
            fields = _clean_fields({"sector": proposal.sector, **part})
        except ValidationError as error:
            raise ValidationError(
                _("Bagian %(n)s: %(error)s") % {"n": number, "error": "; ".join(error.messages)}
            ) from None
        if "title" not in fields or "estimated_cost" not in fields:
            raise ValidationError(_("Bagian %(n)s: judul dan biaya wajib diisi.") % {"n": number})
        cleaned.append(fields)
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update().select_related("village").get(pk=proposal.pk)
        )
        if not _may_restructure(user, [proposal]):
            raise PermissionDenied
        _refuse_if_closed(proposal)
        if proposal.status != Status.OPEN:
            raise ValidationError(_("Usulan yang sudah diputuskan tidak dapat dipecah."))
        created = []
        residents = list(proposal.supports.values_list("resident_id", flat=True))
        for fields in cleaned:
            part = Proposal.objects.create(
                year=proposal.year,
                village_id=proposal.village_id,
                hamlet=fields.pop("hamlet", proposal.hamlet),
                location=fields.pop("location", proposal.location),
                description=fields.pop("description", proposal.description),
                proposed_by_resident_id=proposal.proposed_by_resident_id,
                created_by=user,
                level=proposal.level,
                split_from=proposal,
                **fields,
            )
            Support.objects.bulk_create([Support(proposal=part, resident_id=r) for r in residents])
            _event(part, "split_from", user, source=proposal.pk)
            created.append(part)
        proposal.status = Status.SPLIT
        proposal.save(update_fields=["status", "updated_at"])
        _event(proposal, "split_into", user, parts=[p.pk for p in created])
        audit.record(
            "planning.proposal.split",
            actor=user,
            target=proposal,
            summary=f"{proposal.pk} -> {[p.pk for p in created]}",
            request=request,
        )
    return created


def carry_over(year: int, user, *, request=None) -> list[Proposal]:
    """Copy every unfunded proposal of ``year`` into ``year + 1`` (village stage), linked to the
    original. Running it twice copies nothing more."""
    if getattr(user, "role", None) != Role.REGENT:
        raise PermissionDenied
    created = []
    with transaction.atomic():
        unfunded = Proposal.objects.select_for_update().filter(year=year, status=Status.UNFUNDED)
        for old in unfunded:
            new = Proposal.objects.create(
                year=year + 1,
                title=old.title,
                sector=old.sector,
                description=old.description,
                village_id=old.village_id,
                hamlet=old.hamlet,
                location=old.location,
                estimated_cost=old.estimated_cost,
                proposed_by_resident_id=old.proposed_by_resident_id,
                created_by=user,
                level=MeetingLevel.VILLAGE,
                carried_from=old,
            )
            Support.objects.bulk_create(
                [
                    Support(proposal=new, resident_id=r)
                    for r in old.supports.values_list("resident_id", flat=True)
                ]
            )
            old.status = Status.CARRIED_OVER
            old.save(update_fields=["status", "updated_at"])
            _event(old, "carried_to", user, to=new.pk)
            _event(new, "carried_from", user, source=old.pk)
            created.append(new)
        logger.info("carried %s unfunded proposals of %s over", len(created), year)
        audit.record(
            "planning.carry_over", actor=user, summary=f"{year}: {len(created)}", request=request
        )
    return created


def report_progress(
    proposal: Proposal, user, *, percent, note="", reported_on=None, request=None
) -> ProgressReport:
    if not (_is_village_staff_of(user, proposal) or getattr(user, "role", None) == Role.REGENT):
        raise PermissionDenied
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Kemajuan harus 0 sampai 100.")})
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Status.FUNDED:
            raise ValidationError(_("Kemajuan hanya dicatat untuk usulan yang didanai."))
        report = ProgressReport.objects.create(
            proposal=proposal,
            percent=percent,
            note=note,
            reported_on=reported_on or timezone.localdate(),
            reported_by=user,
        )
        proposal.progress = percent
        proposal.save(update_fields=["progress", "updated_at"])
        _event(proposal, "progress", user, percent=percent)
    return report


def lineage(proposal: Proposal) -> dict:
    """Where a proposal came from and where it went: merges, splits and carry-overs."""
    final = proposal
    seen = {final.pk}
    while final.merged_into_id and final.merged_into_id not in seen:
        final = final.merged_into
        seen.add(final.pk)
    return {
        "merged_into": proposal.merged_into,
        "final": final if final.pk != proposal.pk else None,
        "merged_sources": list(proposal.merged_sources.all()),
        "split_from": proposal.split_from,
        "split_parts": list(proposal.split_parts.all()),
        "carried_from": proposal.carried_from,
        "carried_to": list(proposal.carried_to.all()),
    }


EXPORT_HEADERS = (
    "id",
    "tahun",
    "judul",
    "bidang",
    "kecamatan",
    "desa",
    "dusun",
    "lokasi",
    "perkiraan_biaya",
    "tahap",
    "status",
    "dukungan",
    "dana",
    "kemajuan",
    "digabung_ke",
    "pecahan_dari",
    "lanjutan_dari",
)


def export_rows(queryset):
    from django.db.models import Count

    rows = (
        queryset.select_related("village__parent")
        .annotate(n_support=Count("supports"))
        .order_by("-year", "-id")
    )
    for p in rows.iterator(chunk_size=2000):
        yield (
            p.pk,
            p.year,
            p.title,
            p.get_sector_display(),
            p.village.parent.name,
            p.village.name,
            p.hamlet,
            p.location,
            p.estimated_cost,
            p.get_level_display(),
            p.get_status_display(),
            p.n_support,
            p.funded_amount,
            p.progress,
            p.merged_into_id,
            p.split_from_id,
            p.carried_from_id,
        )


def current_year() -> int:
    """The year in the regency's time zone."""
    return regency_today().year
