"""Village readiness and rollout stages, and the monitoring-and-evaluation questionnaires."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Standard(models.TextChoices):
    """The facility, infrastructure and staffing standards a village must meet."""

    SERVICE_ROOM = "service_room", _("Tata ruang pelayanan")
    READING_CORNER = "reading_corner", _("Pojok baca")
    KIOSK_MACHINE = "kiosk_machine", _("Mesin anjungan mandiri")
    WAITING_ROOM = "waiting_room", _("Ruang tunggu yang nyaman")
    LACTATION_ROOM = "lactation_room", _("Ruang laktasi")
    FIBRE_INTERNET = "fibre_internet", _("Internet serat optik")
    TRAINED_OPERATORS = "trained_operators", _("Operator terlatih")


class Stage(models.IntegerChoices):
    PREPARATION = 0, _("Persiapan")
    PILOT = 1, _("Rintisan")
    RUNNING = 2, _("Berjalan")
    FULL = 3, _("Penuh")


class VillageReadiness(models.Model):
    """One village's rollout stage and cached readiness score (0-100)."""

    village = models.OneToOneField(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="readiness",
        verbose_name=_("desa/kelurahan"),
    )
    stage = models.PositiveSmallIntegerField(
        _("tahap"), choices=Stage.choices, default=Stage.PREPARATION, db_index=True
    )
    score = models.PositiveSmallIntegerField(_("skor"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kesiapan desa")
        verbose_name_plural = _("kesiapan desa")

    def __str__(self) -> str:
        return f"{self.village.name}: {self.get_stage_display()}"


class ChecklistEntry(models.Model):
    readiness = models.ForeignKey(
        VillageReadiness, on_delete=models.CASCADE, related_name="entries"
    )
    standard = models.CharField(_("standar"), max_length=24, choices=Standard.choices)
    met = models.BooleanField(_("terpenuhi"), default=False)
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    checked_at = models.DateTimeField(_("diperiksa"), auto_now=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["readiness", "standard"], name="checklist_once"),
        ]

    def __str__(self) -> str:
        return f"{self.readiness_id}:{self.standard}={self.met}"


class ServiceRollout(models.Model):
    """A service switched on from a rollout stage. Services not listed are on everywhere."""

    service = models.OneToOneField(
        "services.Service",
        on_delete=models.CASCADE,
        related_name="rollout",
        verbose_name=_("layanan"),
    )
    from_stage = models.PositiveSmallIntegerField(_("aktif mulai tahap"), choices=Stage.choices)

    class Meta:
        verbose_name = _("layanan per tahap")
        verbose_name_plural = _("layanan per tahap")

    def __str__(self) -> str:
        return f"{self.service_id}>={self.from_stage}"


# --------------------------------------------------------------------------- questionnaires


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Pilihan tunggal")
    MULTIPLE = "multiple", _("Pilihan ganda")
    SCALE = "scale", _("Skala")
    TEXT = "text", _("Isian bebas")


class Questionnaire(models.Model):
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kuesioner")
        verbose_name_plural = _("kuesioner")

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


class QuestionnaireVersion(models.Model):
    """A frozen set of questions. Answers always point at the version they were given for."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("versi"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "number"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"


class Question(models.Model):
    """One question of a version. ``key`` stays the same across versions and rounds, so that
    answers to "the same question" can be compared over time."""

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(_("kode pertanyaan"), max_length=60)
    text = models.CharField(_("pertanyaan"), max_length=300)
    kind = models.CharField(_("jenis"), max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField(_("pilihan"), default=list, blank=True)
    scale_max = models.PositiveSmallIntegerField(_("skala maksimum"), default=5)
    required = models.BooleanField(_("wajib"), default=True)

    class Meta:
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_once"),
        ]

    def __str__(self) -> str:
        return self.text


class Round(models.Model):
    """The questionnaire sent to villages for one period (e.g. "Triwulan I 2026")."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="rounds"
    )
    name = models.CharField(_("nama putaran"), max_length=100)
    villages = models.ManyToManyField(
        "regions.Region", related_name="questionnaire_rounds", verbose_name=_("desa tujuan")
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed = models.BooleanField(_("ditutup"), default=False)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("putaran kuesioner")
        verbose_name_plural = _("putaran kuesioner")

    def __str__(self) -> str:
        return f"{self.questionnaire} — {self.name}"


class Response(models.Model):
    """One village's answers in one round, for the version it was started with."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa")
    )
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "village"], name="response_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.village_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choices = models.JSONField(default=list, blank=True)
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"
