"""Coded values of the population register, with the words the civil registry uses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Religion(models.TextChoices):
    ISLAM = "islam", _("Islam")
    PROTESTANT = "kristen", _("Kristen")
    CATHOLIC = "katholik", _("Katholik")
    HINDU = "hindu", _("Hindu")
    BUDDHIST = "budha", _("Budha")
    CONFUCIAN = "konghucu", _("Khonghucu")
    BELIEF = "kepercayaan", _("Kepercayaan terhadap Tuhan YME")


class MaritalStatus(models.TextChoices):
    SINGLE = "belum_kawin", _("Belum kawin")
    MARRIED = "kawin", _("Kawin")
    DIVORCED = "cerai_hidup", _("Cerai hidup")
    WIDOWED = "cerai_mati", _("Cerai mati")


class Relationship(models.TextChoices):
    """Relationship to the family head (STATUS_HUBUNGAN / SHDK on the family card)."""

    HEAD = "kepala_keluarga", _("Kepala keluarga")
    HUSBAND = "suami", _("Suami")
    WIFE = "istri", _("Istri")
    CHILD = "anak", _("Anak")
    CHILD_IN_LAW = "menantu", _("Menantu")
    GRANDCHILD = "cucu", _("Cucu")
    PARENT = "orang_tua", _("Orang tua")
    PARENT_IN_LAW = "mertua", _("Mertua")
    OTHER_RELATIVE = "famili_lain", _("Famili lain")
    HOUSEHOLD_HELP = "pembantu", _("Pembantu")
    OTHER = "lainnya", _("Lainnya")


class Education(models.TextChoices):
    NONE = "tidak_sekolah", _("Tidak/belum sekolah")
    PRIMARY_UNFINISHED = "belum_tamat_sd", _("Belum tamat SD/sederajat")
    PRIMARY = "sd", _("Tamat SD/sederajat")
    JUNIOR = "sltp", _("SLTP/sederajat")
    SENIOR = "slta", _("SLTA/sederajat")
    DIPLOMA_1_2 = "d1_d2", _("Diploma I/II")
    DIPLOMA_3 = "d3", _("Akademi/Diploma III/Sarjana muda")
    BACHELOR = "s1", _("Diploma IV/Strata I")
    MASTER = "s2", _("Strata II")
    DOCTORATE = "s3", _("Strata III")


class ResidentStatus(models.TextChoices):
    LIVING = "living", _("Hidup")
    DECEASED = "deceased", _("Meninggal")
    MOVED_OUT = "moved_out", _("Pindah")
