"""Business rules of village readiness, rollout stages and questionnaires."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.roles import DISTRICT_ROLES, VILLAGE_ROLES, Role
from core import audit
from people.models import region_filter
from regions.models import Region
from rollout.models import (
    Answer,
    ChecklistEntry,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Round,
    ServiceRollout,
    Stage,
    Standard,
    VillageReadiness,
)

logger = logging.getLogger(__name__)

# Weight of each standard in the readiness score (they add up to 100).
WEIGHTS = {
    Standard.SERVICE_ROOM: 20,
    Standard.READING_CORNER: 10,
    Standard.KIOSK_MACHINE: 15,
    Standard.WAITING_ROOM: 10,
    Standard.LACTATION_ROOM: 10,
    Standard.FIBRE_INTERNET: 15,
    Standard.TRAINED_OPERATORS: 20,
}
# The standards a village must meet before it may be put at each stage.
STAGE_REQUIREMENTS = {
    Stage.PREPARATION: frozenset(),
    Stage.PILOT: frozenset({Standard.SERVICE_ROOM, Standard.TRAINED_OPERATORS}),
    Stage.RUNNING: frozenset(
        {
            Standard.SERVICE_ROOM,
            Standard.TRAINED_OPERATORS,
            Standard.KIOSK_MACHINE,
            Standard.FIBRE_INTERNET,
        }
    ),
    Stage.FULL: frozenset(Standard.values),
}


def scoped(queryset, user, village_path: str):
    """``queryset`` limited to the user's region; nothing for a role without one."""
    condition = region_filter(user, village_path)
    return queryset.none() if condition is None else queryset.filter(condition)


def visible_villages(user):
    return scoped(Region.objects.villages(), user, "")


# --------------------------------------------------------------------------- readiness


def readiness_of(village: Region) -> VillageReadiness:
    readiness, _created = VillageReadiness.objects.get_or_create(village=village)
    return readiness


def score_of(met: set[str]) -> int:
    return sum(weight for standard, weight in WEIGHTS.items() if standard in met)


def met_standards(readiness: VillageReadiness) -> set[str]:
    return set(readiness.entries.filter(met=True).values_list("standard", flat=True))


def may_edit_checklist(user, village: Region) -> bool:
    role = getattr(user, "role", None)
    if role not in VILLAGE_ROLES | DISTRICT_ROLES | {Role.REGENT}:
        return False
    return visible_villages(user).filter(pk=village.pk).exists()


def may_set_stage(user) -> bool:
    return getattr(user, "role", None) == Role.REGENT


def update_checklist(village: Region, user, values: dict[str, bool], notes=None, *, request=None):
    """Record which standards the village meets; recompute its score."""
    if not may_edit_checklist(user, village):
        raise PermissionDenied
    unknown = set(values) - set(Standard.values)
    if unknown:
        raise ValidationError(_("Standar tidak dikenal: %(names)s") % {"names": ", ".join(unknown)})
    notes = notes or {}
    with transaction.atomic():
        readiness = readiness_of(village)
        for standard, met in values.items():
            ChecklistEntry.objects.update_or_create(
                readiness=readiness,
                standard=standard,
                defaults={"met": bool(met), "note": notes.get(standard, ""), "checked_by": user},
            )
        readiness.score = score_of(met_standards(readiness))
        readiness.save(update_fields=["score", "updated_at"])
        audit.record(
            "rollout.checklist.updated",
            actor=user,
            target=readiness,
            summary=f"{village.code} skor {readiness.score}",
            request=request,
        )
    return readiness


def missing_for_stage(readiness: VillageReadiness, stage: int) -> list[str]:
    required = STAGE_REQUIREMENTS[Stage(stage)]
    return sorted(required - met_standards(readiness))


def set_stage(village: Region, stage: int, user, *, request=None) -> VillageReadiness:
    """Move a village to a rollout stage; refused while it misses a standard that stage needs."""
    if not may_set_stage(user):
        raise PermissionDenied
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Tahap tidak dikenal.")})
    readiness = readiness_of(village)
    missing = missing_for_stage(readiness, stage)
    if missing:
        labels = ", ".join(str(Standard(name).label) for name in missing)
        raise ValidationError(
            {
                "stage": _("Desa belum memenuhi standar untuk tahap ini: %(labels)s.")
                % {"labels": labels}
            }
        )
    previous = readiness.stage
    readiness.stage = stage
    readiness.save(update_fields=["stage", "updated_at"])
    audit.record(
        "rollout.stage.set",
        actor=user,
        target=readiness,
        summary=f"{village.code} {previous}->{stage}",
        request=request,
    )
    return readiness


def service_enabled(service, village) -> bool:
    """Whether ``service`` may be applied for in ``village`` at the village's rollout stage.

    A service with no :class:`ServiceRollout` row is not governed by the rollout: it is on
    everywhere. One with a row is on in villages at or past its ``from_stage``; a village
    without a readiness record is at the preparation stage.
    """
    rule = ServiceRollout.objects.filter(service=service).values_list("from_stage", flat=True)
    from_stage = rule.first()
    if from_stage is None:
        return True
    village_id = getattr(village, "pk", village)
    stage = (
        VillageReadiness.objects.filter(village_id=village_id)
        .values_list("stage", flat=True)
        .first()
    )
    return (stage or Stage.PREPARATION) >= from_stage


def set_service_stage(service, from_stage: int | None, user, *, request=None) -> None:
    """Switch a service on from a stage (``None``: on everywhere)."""
    if not may_set_stage(user):
        raise PermissionDenied
    if from_stage is None:
        ServiceRollout.objects.filter(service=service).delete()
    else:
        if from_stage not in Stage.values:
            raise ValidationError({"from_stage": _("Tahap tidak dikenal.")})
        ServiceRollout.objects.update_or_create(
            service=service, defaults={"from_stage": from_stage}
        )
    audit.record(
        "rollout.service_stage.set",
        actor=user,
        target=service,
        summary=f"{service.code} from {from_stage}",
        request=request,
    )


@dataclass
class DistrictRollout:
    district: Region
    villages: list = field(default_factory=list)
    per_stage: Counter = field(default_factory=Counter)

    @property
    def mean_score(self) -> int:
        if not self.villages:
            return 0
        return round(sum(v.score for v in self.villages) / len(self.villages))


def rollout_overview(user) -> tuple[list[DistrictRollout], Counter]:
    """Every village in the user's scope with its stage and score, grouped by district.

    Three queries whatever the number of villages.
    """
    villages = list(visible_villages(user).select_related("parent").order_by("code"))
    readiness = {
        r.village_id: r
        for r in VillageReadiness.objects.filter(village__in=[v.pk for v in villages])
    }
    districts: dict[int, DistrictRollout] = {}
    totals: Counter = Counter()
    for village in villages:
        record = readiness.get(village.pk)
        village.stage = record.stage if record else Stage.PREPARATION
        village.stage_label = Stage(village.stage).label
        village.score = record.score if record else 0
        group = districts.setdefault(village.parent_id, DistrictRollout(district=village.parent))
        group.villages.append(village)
        group.per_stage[village.stage] += 1
        totals[village.stage] += 1
    return list(districts.values()), totals


# --------------------------------------------------------------------------- questionnaires


def may_build_questionnaires(user) -> bool:
    return getattr(user, "role", None) == Role.REGENT


def may_answer(user) -> bool:
    return getattr(user, "role", None) in VILLAGE_ROLES and bool(user.region_id)


def may_see_results(user) -> bool:
    role = getattr(user, "role", None)
    return role in DISTRICT_ROLES | VILLAGE_ROLES | {Role.REGENT}


def _clean_questions(questions: list[dict]) -> list[dict]:
    """Check question definitions; the message names the question by its number."""
    if not questions:
        raise ValidationError(_("Kuesioner harus berisi paling sedikit satu pertanyaan."))
    cleaned, keys = [], set()
    for number, raw in enumerate(questions, start=1):
        text = (raw.get("text") or "").strip()
        kind = raw.get("kind")
        if not text:
            raise ValidationError(_("Pertanyaan %(n)s: teks kosong.") % {"n": number})
        if kind not in QuestionKind.values:
            raise ValidationError(_("Pertanyaan %(n)s: jenis tidak dikenal.") % {"n": number})
        choices = [c.strip() for c in raw.get("choices") or [] if c and c.strip()]
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(choices) < 2:
            raise ValidationError(
                _("Pertanyaan %(n)s: pilihan jawaban minimal dua.") % {"n": number}
            )
        scale_max = int(raw.get("scale_max") or 5)
        if kind == QuestionKind.SCALE and not 2 <= scale_max <= 10:
            raise ValidationError(_("Pertanyaan %(n)s: skala 2 sampai 10.") % {"n": number})
        key = slugify(raw.get("key") or text)[:60] or f"q{number}"
        if key in keys:
            raise ValidationError(_("Pertanyaan %(n)s: kode ganda.") % {"n": number})
        keys.add(key)
        cleaned.append(
            {
                "order": number,
                "key": key,
                "text": text,
                "kind": kind,
                "choices": choices if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else [],
                "scale_max": scale_max,
                "required": bool(raw.get("required", True)),
            }
        )
    return cleaned


def _write_questions(version: QuestionnaireVersion, questions: list[dict]) -> None:
    Question.objects.bulk_create([Question(version=version, **q) for q in questions])


def create_questionnaire(user, *, title: str, description: str = "", questions, request=None):
    if not may_build_questionnaires(user):
        raise PermissionDenied
    cleaned = _clean_questions(questions)
    if not title.strip():
        raise ValidationError({"title": _("Judul wajib diisi.")})
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            title=title.strip(), description=description, created_by=user
        )
        version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
        _write_questions(version, cleaned)
        audit.record(
            "rollout.questionnaire.created",
            actor=user,
            target=questionnaire,
            summary=questionnaire.title,
            request=request,
        )
    return questionnaire


def change_questions(questionnaire: Questionnaire, user, questions, *, request=None):
    """Replace the questions. Once any village answered the current version, the change makes
    a new version instead, so that earlier answers keep the questions they answered."""
    if not may_build_questionnaires(user):
        raise PermissionDenied
    cleaned = _clean_questions(questions)
    with transaction.atomic():
        current = (
            QuestionnaireVersion.objects.select_for_update()
            .filter(questionnaire=questionnaire)
            .order_by("-number")
            .first()
        )
        if current.responses.exists():
            version = QuestionnaireVersion.objects.create(
                questionnaire=questionnaire, number=current.number + 1
            )
        else:
            version = current
            version.questions.all().delete()
        _write_questions(version, cleaned)
        audit.record(
            "rollout.questionnaire.changed",
            actor=user,
            target=questionnaire,
            summary=f"v{version.number}",
            request=request,
        )
    return version


def send_round(questionnaire, user, *, name: str, villages=None, request=None) -> Round:
    """Send to the given villages, or to every village when ``villages`` is None."""
    if not may_build_questionnaires(user):
        raise PermissionDenied
    if not name.strip():
        raise ValidationError({"name": _("Nama putaran wajib diisi.")})
    targets = Region.objects.villages()
    if villages is not None:
        targets = targets.filter(pk__in=[getattr(v, "pk", v) for v in villages])
        if not targets.exists():
            raise ValidationError({"villages": _("Pilih paling sedikit satu desa.")})
    with transaction.atomic():
        round_ = Round.objects.create(questionnaire=questionnaire, name=name.strip(), sent_by=user)
        round_.villages.set(targets)
        audit.record(
            "rollout.round.sent",
            actor=user,
            target=round_,
            summary=f"{questionnaire.title} {name}",
            request=request,
            villages=targets.count(),
        )
    return round_


def rounds_for(user):
    """Rounds the user may open: regent all; others those sent to a village in their scope."""
    if getattr(user, "role", None) == Role.REGENT:
        return Round.objects.all()
    condition = region_filter(user, "villages")
    if condition is None or not may_see_results(user):
        return Round.objects.none()
    return Round.objects.filter(condition).distinct()


def version_for(round_: Round, village: Region) -> QuestionnaireVersion:
    """The version a village answers: the one it started with, else the newest."""
    existing = Response.objects.filter(round=round_, village=village).select_related("version")
    response = existing.first()
    if response is not None:
        return response.version
    return round_.questionnaire.current_version


def _clean_answer(question: Question, raw) -> dict:
    """``raw`` is a list of strings from the form. Returns Answer fields or raises."""
    values = [v.strip() for v in raw if v is not None and str(v).strip()]
    label = question.text
    if not values:
        if question.required:
            raise ValidationError(_("“%(q)s” wajib dijawab.") % {"q": label})
        return {}
    if question.kind == QuestionKind.TEXT:
        return {"text": values[0][:4000]}
    if question.kind == QuestionKind.SCALE:
        try:
            number = int(values[0])
        except ValueError:
            number = -1
        if not 1 <= number <= question.scale_max:
            raise ValidationError(
                _("“%(q)s”: pilih 1 sampai %(max)s.") % {"q": label, "max": question.scale_max}
            )
        return {"number": number}
    if any(v not in question.choices for v in values):
        raise ValidationError(_("“%(q)s”: pilihan tidak dikenal.") % {"q": label})
    if question.kind == QuestionKind.SINGLE and len(values) > 1:
        raise ValidationError(_("“%(q)s”: pilih satu saja.") % {"q": label})
    return {"choices": sorted(set(values), key=question.choices.index)}


def submit_answers(round_: Round, user, answers: dict[str, list[str]], *, request=None):
    """A village officer answers (or corrects) their village's response in a round."""
    if not may_answer(user):
        raise PermissionDenied
    village = user.region
    if round_.closed or not round_.villages.filter(pk=village.pk).exists():
        raise PermissionDenied
    version = version_for(round_, village)
    questions = list(version.questions.all())
    cleaned, errors = {}, []
    for question in questions:
        try:
            cleaned[question.pk] = _clean_answer(question, answers.get(question.key, []))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        response, _created = Response.objects.update_or_create(
            round=round_, village=village, defaults={"version": version, "submitted_by": user}
        )
        response.answers.all().delete()
        Answer.objects.bulk_create(
            [
                Answer(response=response, question_id=pk, **fields)
                for pk, fields in cleaned.items()
                if fields
            ]
        )
        audit.record(
            "rollout.response.submitted",
            actor=user,
            target=response,
            summary=f"{round_} {village.code}",
            request=request,
        )
    return response


@dataclass
class QuestionResult:
    question: Question
    # district name -> Counter of option/number -> count ; "" is the whole scope
    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    texts: list = field(default_factory=list)
    total: int = 0

    def bars(self, group: str = "") -> list[dict]:
        """Rows for a bar chart: label, count, percent of answering villages."""
        counter = self.counts.get(group, Counter())
        answered = counter.get("__n__", 0)
        if self.question.kind == QuestionKind.SCALE:
            labels = [str(n) for n in range(1, self.question.scale_max + 1)]
        else:
            labels = list(self.question.choices)
        return [
            {
                "label": label,
                "count": counter.get(label, 0),
                "percent": round(100 * counter.get(label, 0) / answered) if answered else 0,
            }
            for label in labels
        ]

    @property
    def district_bars(self) -> list[tuple[str, list[dict]]]:
        return [(name, self.bars(name)) for name in sorted(self.counts) if name]

    def mean(self, group: str = "") -> float | None:
        counter = self.counts.get(group, Counter())
        answered = counter.get("__n__", 0)
        if self.question.kind != QuestionKind.SCALE or not answered:
            return None
        total = sum(int(k) * v for k, v in counter.items() if k != "__n__")
        return round(total / answered, 2)


def scoped_responses(round_: Round, user):
    return scoped(Response.objects.filter(round=round_), user, "village")


def round_results(round_: Round, user, version: QuestionnaireVersion | None = None):
    """Answers of the villages in the user's scope, counted per district and in total.

    Only answers given for ``version`` (default: the newest version answered) are counted
    together; other versions are reported separately by the caller.
    """
    responses = scoped_responses(round_, user)
    if version is None:
        newest = responses.order_by("-version__number").values_list("version_id", flat=True)
        version_id = newest.first() or round_.questionnaire.current_version.pk
        version = QuestionnaireVersion.objects.get(pk=version_id)
    questions = list(version.questions.all())
    results = {q.pk: QuestionResult(question=q) for q in questions}
    answers = (
        Answer.objects.filter(response__in=responses.filter(version=version))
        .select_related("response__village__parent")
        .order_by("response__village__code")
    )
    districts = set()
    for answer in answers:
        result = results.get(answer.question_id)
        if result is None:
            continue
        district = answer.response.village.parent.name
        districts.add(district)
        result.total += 1
        for group in ("", district):
            counter = result.counts[group]
            counter["__n__"] += 1
            if result.question.kind == QuestionKind.SCALE:
                counter[str(answer.number)] += 1
            else:
                for choice in answer.choices:
                    counter[choice] += 1
        if result.question.kind == QuestionKind.TEXT:
            result.texts.append((answer.response.village.name, answer.text))
    expected = scoped(round_.villages.all(), user, "").count()
    return {
        "version": version,
        "results": [results[q.pk] for q in questions],
        "districts": sorted(districts),
        "responded": responses.filter(version=version).count(),
        "other_versions": responses.exclude(version=version).count(),
        "expected": expected,
    }


def compare_rounds(questionnaire: Questionnaire, user, key: str) -> list[dict]:
    """One question (by its stable key) across every round: answers and scale mean per round."""
    rows = []
    for round_ in rounds_for(user).filter(questionnaire=questionnaire).order_by("sent_at", "id"):
        answers = Answer.objects.filter(
            response__in=scoped_responses(round_, user), question__key=key
        ).select_related("question")
        counts: Counter = Counter()
        numbers = []
        for answer in answers:
            if answer.number is not None:
                numbers.append(answer.number)
                counts[str(answer.number)] += 1
            for choice in answer.choices:
                counts[choice] += 1
        rows.append(
            {
                "round": round_,
                "answered": len(answers),
                "counts": dict(counts),
                "mean": round(sum(numbers) / len(numbers), 2) if numbers else None,
            }
        )
    return rows


def export_rows(round_: Round, user):
    """Every answer in the user's scope, one row each (for CSV/.xlsx)."""
    answers = (
        Answer.objects.filter(response__in=scoped_responses(round_, user))
        .select_related("response__village__parent", "response__version", "question")
        .order_by("response__village__code", "question__order")
    )
    for answer in answers.iterator(chunk_size=2000):
        village = answer.response.village
        value = answer.text or (
            str(answer.number) if answer.number is not None else "; ".join(answer.choices)
        )
        yield (
            village.parent.name,
            village.code,
            village.name,
            answer.response.version.number,
            answer.question.key,
            answer.question.text,
            value,
        )


EXPORT_HEADERS = (
    "kecamatan",
    "kode_desa",
    "desa",
    "versi",
    "kode_pertanyaan",
    "pertanyaan",
    "jawaban",
)
