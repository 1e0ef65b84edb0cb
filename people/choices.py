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


# Stored codes -> the words the civil registry's exports use; the importer reads them back,
# the exporter and the demo generator write them.
REGISTRY_WORDS = {
    "sex": {Sex.MALE: "LAKI-LAKI", Sex.FEMALE: "PEREMPUAN"},
    "religion": {
        Religion.ISLAM: "ISLAM",
        Religion.PROTESTANT: "KRISTEN",
        Religion.CATHOLIC: "KATHOLIK",
        Religion.HINDU: "HINDU",
        Religion.BUDDHIST: "BUDHA",
        Religion.CONFUCIAN: "KHONGHUCU",
        Religion.BELIEF: "KEPERCAYAAN TERHADAP TUHAN YME",
    },
    "marital_status": {
        MaritalStatus.SINGLE: "BELUM KAWIN",
        MaritalStatus.MARRIED: "KAWIN",
        MaritalStatus.DIVORCED: "CERAI HIDUP",
        MaritalStatus.WIDOWED: "CERAI MATI",
    },
    "relationship": {
        Relationship.HEAD: "KEPALA KELUARGA",
        Relationship.HUSBAND: "SUAMI",
        Relationship.WIFE: "ISTRI",
        Relationship.CHILD: "ANAK",
        Relationship.CHILD_IN_LAW: "MENANTU",
        Relationship.GRANDCHILD: "CUCU",
        Relationship.PARENT: "ORANG TUA",
        Relationship.PARENT_IN_LAW: "MERTUA",
        Relationship.OTHER_RELATIVE: "FAMILI LAIN",
        Relationship.HOUSEHOLD_HELP: "PEMBANTU",
        Relationship.OTHER: "LAINNYA",
    },
    "education": {
        Education.NONE: "TIDAK/BELUM SEKOLAH",
        Education.PRIMARY_UNFINISHED: "BELUM TAMAT SD/SEDERAJAT",
        Education.PRIMARY: "TAMAT SD/SEDERAJAT",
        Education.JUNIOR: "SLTP/SEDERAJAT",
        Education.SENIOR: "SLTA/SEDERAJAT",
        Education.DIPLOMA_1_2: "DIPLOMA I/II",
        Education.DIPLOMA_3: "AKADEMI/DIPLOMA III/S. MUDA",
        Education.BACHELOR: "DIPLOMA IV/STRATA I",
        Education.MASTER: "STRATA II",
        Education.DOCTORATE: "STRATA III",
    },
    "status": {
        ResidentStatus.LIVING: "HIDUP",
        ResidentStatus.DECEASED: "MENINGGAL",
        ResidentStatus.MOVED_OUT: "PINDAH",
    },
}
