"""A deterministic, synthetic population over Banyuwangi's real villages, for demos and benchmarks.

One generator (:func:`generate_population`) draws households from ``random.Random(seed)``; two
writers consume it, so both paths share every rule:

* :func:`write_population_csv` writes the civil registry's export format that
  ``people.importing`` reads (the benchmark imports it);
* :func:`seed_population` writes straight into the database (``manage.py seed_demo``), a whole
  regency in about two minutes on SQLite.

The same ``residents`` and ``seed`` give the same people, byte for byte, on any machine: the
villages come from the region file shipped with the project (not from database order), ages are
counted from the fixed date :data:`AS_OF`, and nothing reads the clock.

Everyone here is made up. Names are drawn from name lists (Faker's ``id_ID`` lists, read once,
plus Javanese, Osing, Madurese, Muslim-Arabic, Balinese and Christian lists below), never from
a register. NIK serials start at 9001 and No. KK serials at 8001, blocks that real
registrations practically never reach, so a demo number is recognisable at a glance; phone
numbers start with 08000, which is no mobile prefix (0800 is the toll-free range), so a demo
that sends SMS never reaches a person.
"""

from __future__ import annotations

import bisect
import csv
import logging
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from faker.providers.person.id_ID import Provider as IdPersonProvider

from core.audit import record
from people.choices import (
    REGISTRY_WORDS,
    Education,
    MaritalStatus,
    Relationship,
    Religion,
    ResidentStatus,
    Sex,
)
from people.models import Family, Resident
from regions.loading import read_region_rows
from regions.models import Region

logger = logging.getLogger(__name__)

#: Ages are counted from this date, not from today, so the output never changes with time.
AS_OF = date(2026, 6, 30)
DEFAULT_SEED = 2026

NIK_SERIAL_START = 9001
KK_SERIAL_START = 8001

# fmt: off
CSV_HEADERS = (
    "NIK", "NO_KK", "NAMA_LENGKAP", "JENIS_KELAMIN", "TEMPAT_LAHIR", "TANGGAL_LAHIR", "AGAMA",
    "STATUS_PERKAWINAN", "PENDIDIKAN", "PEKERJAAN", "STATUS_HUBUNGAN", "ALAMAT", "RT", "RW",
    "DUSUN", "KODE_DESA", "NO_HP", "STATUS",
)
# fmt: on

# The words the civil registry's exports use for each coded value.
SEX_WORDS = REGISTRY_WORDS["sex"]
RELIGION_WORDS = REGISTRY_WORDS["religion"]
MARITAL_WORDS = REGISTRY_WORDS["marital_status"]
RELATIONSHIP_WORDS = REGISTRY_WORDS["relationship"]
EDUCATION_WORDS = REGISTRY_WORDS["education"]
STATUS_WORDS = REGISTRY_WORDS["status"]


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Village:
    code: str  # "35.10.01.2001"
    digits: str  # "3510012001"
    name: str
    urban: bool  # a kelurahan
    district_digits: str  # "351001"
    district_name: str


class FamilyRecord(NamedTuple):
    no_kk: str
    village: Village
    address: str
    rt: str
    rw: str
    hamlet: str


class PersonRecord(NamedTuple):
    """One resident; coded fields hold ``people.choices`` values, not registry words."""

    nik: str
    full_name: str
    sex: str
    birth_place: str
    birth_date: date
    religion: str
    marital_status: str
    education: str
    occupation: str
    relationship: str
    phone: str
    status: str


Household = tuple[FamilyRecord, list[PersonRecord]]


def load_villages() -> list[Village]:
    """The 217 desa and kelurahan, in code order, from the region file shipped with the project."""
    rows = read_region_rows()
    districts = {row["code"]: row["name"] for row in rows if row["level"] == "district"}
    return [
        Village(
            code=row["code"],
            digits=row["code"].replace(".", ""),
            name=row["name"],
            urban=row["level"] == "urban_village",
            district_digits=row["parent_code"].replace(".", ""),
            district_name=districts[row["parent_code"]],
        )
        for row in rows
        if row["level"] in ("village", "urban_village")
    ]


# --------------------------------------------------------------------------- weighted choice


class _Pick:
    """A weighted choice that costs one ``random()`` and one bisect."""

    __slots__ = ("_cumulative", "_total", "_values")

    def __init__(self, weighted: Iterable[tuple[object, float]]):
        values, cumulative, total = [], [], 0.0
        for value, weight in weighted:
            if weight > 0:
                total += weight
                values.append(value)
                cumulative.append(total)
        self._values, self._cumulative, self._total = values, cumulative, total

    def __call__(self, rng: random.Random):
        return self._values[bisect.bisect(self._cumulative, rng.random() * self._total)]


# --------------------------------------------------------------------------- names


def _words(text: str) -> tuple[str, ...]:
    """Split a comma-separated list of names (a name may have spaces or an apostrophe)."""
    return tuple(word.strip() for word in text.split(",") if word.strip())


# Older rural Javanese names: one word, as the registry writes them.
_JAVANESE_MEN_OLD = _words(
    "SUPARMAN, SUKIRMAN, SUGENG, SLAMET, PAIMAN, PAIJO, SUWARNO, SUKARDI, SUMARNO, SUDARSONO,"
    "SUYITNO, SUGIONO, SUPRAPTO, SUTRISNO, SUJARWO, SUKIMAN, SAMSURI, TUKIMAN, KASMAN, KATIMAN,"
    "KASIMIN, KARSO, WAGIMAN, WARDI, SUMADI, SUMARJI, SUNARTO, SUPENO, DARMAJI, TRIMO, PARDI,"
    "MARDI, KASNO, PAINO, SUTIKNO, SUYANTO, SUPRIADI, SUHARTO, SUNARDI, MULYADI, SARWONO, JUMADI,"
    "JUMARI, SAMIDI, SOLIKIN, SURAJI, SUPANGAT, TUGIMAN, RUSDI, BEJO, LAMIDI, POERNOMO, KUSNADI,"
    "SUWITO, GIMAN, SAMSUL, SUNARYO, KATENO, SARIJO, WAGINO, SUMANTRI, SUPARNO"
)
_JAVANESE_WOMEN_OLD = _words(
    "SUMINAH, SUPINAH, PAINEM, TUMINAH, SUMIATI, SUPIATI, SUTINAH, SUKINAH, SAMINAH, KATIYEM,"
    "PONIYEM, SARMI, SURATMI, SUWARNI, SUMARNI, SUPARTI, SUTARMI, KASIYAH, WAGINAH, JUMIATI,"
    "MISTINAH, SUKESI, SUMIYATI, SUPINI, RUKIYAH, TUKINEM, LASMI, PARTINAH, KATMI, SRIATUN,"
    "SUYATMI, SUNARSIH, MARSINI, SUWATI, SUMARTI, SUPRIHATIN, SARIYEM, MUJINAH, SITI, SUNARMI,"
    "KASMINAH, SUPARMI, TUMIRAH, PARMI, WARSIH, SUKARTI"
)
# Osing (Using) names of Banyuwangi's own people.
_OSING_MEN = _words(
    "SANUSI, SAHUNI, MISNADI, MISRAWI, MISTAR, MISLAN, SUHAIMI, ASNAWI, BUHARI, SAMAWI, SAHIDIN,"
    "SAHLAN, SANIMAN, SUNARYO, MANSUR, MUKHLIS, SAMSUDIN, SANTUJI, SUHADAK, SUPANDI, HASNAN,"
    "SARNAWI, SUMITRO, SUWITO, SAHRI, ARSIN, SANTOSO, MISNARI, JUNAIDI, SAPI'I, SUTAJI, SATRIS"
)
_OSING_WOMEN = _words(
    "SATUMI, MISTINAH, MISNAH, MISRIYAH, SUNIYAH, SUPINAH, TEMUK, SAYUN, SAUDAH, SAHRIYAH,"
    "SUWATI, SATINI, SUHAIMAH, MUSLIMAH, ASIYAH, MARFU'AH, SUTIAH, MUDAIYAH, SA'DIYAH, JUWARIYAH,"
    "KHOTIJAH, ATIKAH, MISNATUN, SATIAH, SUNARTI, SUTINI"
)
_MADURESE_MEN = _words(
    "MARSUKI, HOSNAN, SAHRAWI, MATTASAN, BUSIRI, HOLIL, SUKRI, SUHRI, MATRAWI, SAMHARI, JUHARI,"
    "RASIDI, SUBAIRI, SUMARTO, SUDARSO, HOLILI, NURHASAN, MATSARI, SAHWI, MUHLIS, SYAMSUL,"
    "ABD. ROHIM, ABD. HAMID, MARZUKI, SAHRI, BADRI, FATHORRAHMAN, MOH. SALEH"
)
_MADURESE_WOMEN = _words(
    "HOSNIYAH, SUMIYATI, MARFU'AH, BU'ATI, ROMLAH, HALIMAH, SUNIYAH, NURHAYATI, FATIMAH,"
    "MAIMUNAH, HOLIFAH, MISRATI, SUHARIYAH, RUKAYAH, SA'ADAH, SUMARNI, HOTIJAH, MUNAWAROH,"
    "SITTI AMINAH, SUHARTINI, JUMAITI"
)
_MUSLIM_MEN = _words(
    "ABDUL ROZAK, ABDUL GHOFUR, ABDUL KHOLIK, ABDUL MANAN, ABDUL WAHID, ABDUL HAMID, ABDUL ROHMAN,"
    "ABDUL MAJID, ABDUL AZIZ, ABDUL KARIM, ABDUL MALIK, ABDUL MUNIB, HASAN, HUSEN, ZAINUDIN,"
    "SYAIFUL, ARIFIN, MA'RUF, SYAFI'I, NURHADI, NURKHOLIS, MUKHLISIN, FATHONI, KHOIRUL ANWAR,"
    "ROFI'I, MAHFUD, MUSTOFA, HAMZAH, ISMAIL, YAHYA, YUSUF, ZAINAL ABIDIN, IMRON ROSYIDI, FAUZI,"
    "KHOLIL, ZUHRI, NASRULLAH, LUTFI, ZAKARIA, SHOLEH, SHOLIHIN, HUSNI, MUJIB, HAMDANI, SAIFUDIN,"
    "NURUL HUDA, SYAMSUL ARIFIN, MISBAHUL MUNIR, KHOIRUL UMAM, BADRUS SHOLEH, AMINUDIN, JA'FAR,"
    "MU'IN, MUNIR, RIDWAN, SALIM, TAUFIK, ZAINURI, ANSORI, SUBHAN"
)
_MUSLIM_WOMEN = _words(
    "NUR'AINI, ROFI'AH, MU'ALIMAH, SA'ADAH, KHOTIJAH, FATIMAH, AISYAH, ZULAIKHA, MAIMUNAH,"
    "MASRUROH, MUNAWAROH, ZAINAB, KHOIRIYAH, UMI KULSUM, ROMLAH, MUSYAROFAH, LAILATUL FITRIYAH,"
    "ULFATUN NI'MAH, NURUL HIDAYAH, SHOLIHAH, MARFU'AH, ISTI'ANAH, NUR HASANAH, ROHMATUL UMMAH,"
    "SITI ROFI'AH, KHUSNUL KHOTIMAH, MUFIDAH, HALIMATUS SA'DIYAH, NUR LAILI, ZAHROTUL MUNAWAROH,"
    "HAMIDAH, SALAMAH, ASMA'UL HUSNA, LATIFAH, MAHMUDAH, ANIS FUADAH"
)
_MUSLIM_MEN_PREFIX = (
    "MUH.",
    "MOCH.",
    "MOH.",
    "MOCHAMAD",
    "MUHAMMAD",
    "MOHAMMAD",
    "AHMAD",
    "ACHMAD",
)
_WOMEN_PREFIX = ("SITI", "SITI", "SRI", "SRI", "NUR", "DWI", "TRI", "EKA")
# First names of the generation born since the 1990s.
_MODERN_MEN = _words(
    "RIZKY, FAJAR, DIMAS, BAGUS, ARDI, ALDI, AFIF, DAFFA, FARHAN, RAFI, NAUFAL, ALIF, AKBAR, RIDHO,"
    "ILHAM, FIRMAN, WAHYU, YOGA, ANDIKA, BAYU, DENI, ADITYA, RENDI, REZA, GILANG, ANGGA, FIKRI,"
    "HABIB, FAREL, ZIDAN, AZKA, ARKAN, RAFFA, DZAKY, ARYA, DANU, SATRIA, NANDA, EKO, HERU, DWI"
)
_MODERN_WOMEN = _words(
    "AULIA, PUTRI, NADIA, SALSABILA, ANISA, DEWI, INDAH, AYU, NABILA, FITRI, NOVITA, DIAN, RIZKA,"
    "ZAHRA, KIRANA, AMELIA, CITRA, DINDA, AZZAHRA, KHOIRUNNISA', NAILA, ALYA, FARAH, INTAN, NAZWA,"
    "ANINDYA, KEYSHA, AISYAH, SILVI, ELOK, RETNO, WINDA, YULIA, DEVI, LAILA, NUR, FIRDA"
)
_MODERN_MEN_LAST = _words("RAMADHAN, MAULANA, ALFARIZI, FIRMANSYAH, ARDIANSYAH, HIDAYATULLAH")
_MODERN_WOMEN_MIDDLE = _words("PUTRI, AYU, NUR, DEWI, SRI, RAHMA, DWI, AULIA")
# Faker's id_ID lists include Batak surnames and Western names, rare in Banyuwangi.
_NOT_LOCAL = frozenset(
    _words(
        "DAMANIK, DONGORAN, DABUKKE, HUTAGALUNG, HUTAPEA, HUTASOIT, LATUPONO, MANGUNSONG,"
        "MANULLANG, MARPAUNG, MARBUN, NAINGGOLAN, NABABAN, NAPITUPULU, SIREGAR, SIHOMBING,"
        "SAMOSIR, SARAGIH, SIHOTANG, SIMANJUNTAK, SINAGA, SIMBOLON, SITOMPUL, SITORUS,"
        "SIRAIT, SITUMORANG, TAMPUBOLON, TAMBA, TARIHORAN, NAMAGA, AGNES, AZALEA, AURORA,"
        "ANASTASIA, BELLA, BETANIA, BELINDA, CHELSEA, CLARA, CORNELIA, CINTHIA, CIAOBELLA,"
        "CARLA, CALISTA, CINDY, ELISA, GABRIELLA, JANET, JANE, JULIA, JESSICA, KAREN,"
        "KEISHA, KEZIA, KIANDRA, KAYLA, MARIA, MICHELLE, NATALIA, OLIVIA, OPHELIA, OLIVA,"
        "PARIS, PATRICIA, PAULIN, QUEEN, RACHEL, SAKURA, SHANIA, SABRINA, SILVIA, TALIA,"
        "VANYA, VANESA, VICKY, VICTORIA, VIOLET, ZELDA, ZELAYA, EDISON, EDWARD, ELVIN, ERIK,"
        "EMIL, SIMON, VIKTOR, VINO, VINSEN, VERO, VEGA, XANANA, YOSEF, OLGA, OSKAR, LUIS,"
        "LEO, KAIRAV, KENZIE, OPUNG, IAN, NYOMAN, PUTU, PUTI, UCHITA, SYAHRINI, JEFRI,"
        "IBRANI"
    )
)
_BALINESE_ORDER = {
    1: ("WAYAN", "PUTU", "GEDE"),
    2: ("MADE", "KADEK", "NENGAH"),
    3: ("NYOMAN", "KOMANG"),
    4: ("KETUT",),
}
# Gede is for first-born sons only; a first-born daughter is Wayan, Putu or Luh.
_BALINESE_ORDER_WOMEN = {**_BALINESE_ORDER, 1: ("WAYAN", "PUTU", "LUH")}
_BALINESE_MEN = _words(
    "SUDARTA, ARTAWAN, SUARDANA, MERTA, SUKADANA, WIRAWAN, ADNYANA, SUPARTA, ARDANA, SUWENDRA,"
    "SUDIARTA, SUMERTA, ASTAWA, DARMAWAN, WIDIANA, SUARNATA, SUARJANA, SANTIKA, KARIASA, SUARSANA,"
    "YASA, SUWITRA, PUTRA WIJAYA, AGUS SUDIRA, EKA PUTRA"
)
_BALINESE_WOMEN = _words(
    "ARTINI, SUARNI, WIDIASIH, SUARTINI, PUSPAWATI, SUKERTI, ARIANI, SRI ASTUTI, SUWARNI, SUDARMI,"
    "SUARTIKA, MURTINI, WIDIANTARI, DARMAYANTI, PURNAMI, SUWITRI, ADNYANI, LASMINI, SUKARMI,"
    "AYU LESTARI, DEWI SUARTINI"
)
_CHRISTIAN_MEN = _words(
    "YOHANES, PETRUS, YOSEPH, STEFANUS, ANTONIUS, PAULUS, MARKUS, YAKOBUS, DANIEL, SAMUEL, ANDREAS,"
    "MATIUS, YONATAN, SIMON, FRANSISKUS, IGNATIUS, TIMOTIUS, YOSUA"
)
_CHRISTIAN_WOMEN = _words(
    "MARIA, MAGDALENA, KRISTINA, ELISABETH, MARTHA, DEBORA, RUTH, YOHANA, AGNES, VERONIKA, LIDIA,"
    "SUSANA, THERESIA, KATARINA, NATALIA, FLORENTINA, CAECILIA"
)
_JAVANESE_LAST_MEN = _words(
    "SANTOSO, WIBOWO, NUGROHO, SETIAWAN, PRASETYO, SUPRIYANTO, KURNIAWAN, HARTONO, WIDODO,"
    "GUNAWAN, SUSANTO, WALUYO, HARYANTO, PRANOWO, SUWARNO, WINARNO, BUDIYANTO, PURNOMO"
)
_CHINESE_MEN = _words("HENDRA, SUSANTO, HARTONO, BUDI, WILLY, HARYANTO, TONNY, FELIX, HENDRIK")
_CHINESE_WOMEN = _words("LINDA, LIANA, YULIANA, MELIANA, LILIS, SHERLY, VIVI, SUSAN, LANNY")
_CHINESE_LAST = _words(
    "WIJAYA, GUNAWAN, SANTOSO, HALIM, TANOTO, KUSUMA, SETIAWAN, HARTANTO, SALIM, TANUWIJAYA,"
    "SUGIARTO, LIMANTO, SETIADI"
)


def _local(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({name.upper() for name in names} - _NOT_LOCAL))


class NameMaker:
    """Draws full names, in capitals as on the family card, by sex, era, faith and culture.

    ``era`` is "old" (born before 1970), "mid" (1970-1992) or "young" (since 1993): older
    Javanese and Osing people often have one name (SUPARMAN, SATUMI), younger ones two or three
    (MUHAMMAD RIZKY PRATAMA).
    """

    def __init__(self, faker_provider=IdPersonProvider):
        # Faker's id_ID lists, read once as plain tuples; sorted so that their order is stable.
        self.first_men = _local(faker_provider.first_names_male)
        self.first_women = _local(faker_provider.first_names_female)
        self.last_men = _local(faker_provider.last_names_male)
        self.last_women = _local(faker_provider.last_names_female)
        self.single_men = {
            "javanese": _JAVANESE_MEN_OLD,
            "osing": _OSING_MEN + _JAVANESE_MEN_OLD[:20],
            "madurese": _MADURESE_MEN,
            "arab": _MUSLIM_MEN,
        }
        self.single_women = {
            "javanese": _JAVANESE_WOMEN_OLD,
            "osing": _OSING_WOMEN + _JAVANESE_WOMEN_OLD[:15],
            "madurese": _MADURESE_WOMEN,
            "arab": _MUSLIM_WOMEN,
        }
        # Pools drawn from on every call, joined once here.
        self.modern_men_last = _MODERN_MEN_LAST + self.last_men
        self.prefixed_men = {
            culture: _MUSLIM_MEN + names for culture, names in self.single_men.items()
        }
        self.prefixed_women = {
            culture: names + self.last_women for culture, names in self.single_women.items()
        }

    def make(
        self, rng: random.Random, sex: str, era: str, religion: str, culture: str, order: int = 1
    ) -> str:
        if culture == "balinese":
            return self._balinese(rng, sex, order)
        if culture == "chinese":
            given = _CHINESE_MEN if sex == Sex.MALE else _CHINESE_WOMEN
            return f"{rng.choice(given)} {rng.choice(_CHINESE_LAST)}"
        if religion in (Religion.PROTESTANT, Religion.CATHOLIC):
            given = _CHRISTIAN_MEN if sex == Sex.MALE else _CHRISTIAN_WOMEN
            last = _JAVANESE_LAST_MEN if sex == Sex.MALE else self.last_women
            return f"{rng.choice(given)} {rng.choice(last)}"
        if sex == Sex.MALE:
            return self._man(rng, era, culture)
        return self._woman(rng, era, culture)

    def _man(self, rng: random.Random, era: str, culture: str) -> str:
        muslim_bias = 0.2 if culture in ("madurese", "arab") else 0.0
        draw = rng.random()
        if era == "young":
            if draw < 0.4 + muslim_bias:
                prefix = rng.choice(("MUHAMMAD", "MUHAMMAD", "MOCH.", "AHMAD", "M."))
                name = f"{prefix} {self._pool(rng, _MODERN_MEN, self.first_men)}"
            else:
                name = self._pool(rng, _MODERN_MEN, self.first_men)
            if rng.random() < 0.75:
                name += " " + rng.choice(self.modern_men_last)
            return name
        single = 0.6 if era == "old" else 0.3
        if draw < single:
            return rng.choice(self.single_men[culture])
        if draw < single + 0.25 + muslim_bias:
            if rng.random() < 0.5:
                prefix = rng.choice(_MUSLIM_MEN_PREFIX)
                return f"{prefix} {rng.choice(self.prefixed_men[culture])}"
            return rng.choice(_MUSLIM_MEN)
        return f"{rng.choice(self.first_men)} {rng.choice(self.last_men)}"

    def _woman(self, rng: random.Random, era: str, culture: str) -> str:
        muslim_bias = 0.2 if culture in ("madurese", "arab") else 0.0
        draw = rng.random()
        if era == "young":
            if draw < 0.25 + muslim_bias:
                name = rng.choice(_MUSLIM_WOMEN)
            else:
                name = self._pool(rng, _MODERN_WOMEN, self.first_women)
            if rng.random() < 0.7:
                if rng.random() < 0.35:
                    name += " " + rng.choice(_MODERN_WOMEN_MIDDLE)
                name += " " + rng.choice(self.last_women)
            return name
        single = 0.55 if era == "old" else 0.25
        if draw < single:
            return rng.choice(self.single_women[culture])
        if draw < single + 0.2 + muslim_bias:
            return rng.choice(_MUSLIM_WOMEN)
        if draw < single + 0.45 + muslim_bias:
            return f"{rng.choice(_WOMEN_PREFIX)} {rng.choice(self.prefixed_women[culture])}"
        return f"{rng.choice(self.first_women)} {rng.choice(self.last_women)}"

    @staticmethod
    def _pool(rng: random.Random, ours: tuple[str, ...], fakers: tuple[str, ...]) -> str:
        """Our list of common names most of the time, Faker's longer list for variety."""
        return rng.choice(ours if rng.random() < 0.6 else fakers)

    @staticmethod
    def _balinese(rng: random.Random, sex: str, order: int) -> str:
        names = _BALINESE_ORDER if sex == Sex.MALE else _BALINESE_ORDER_WOMEN
        order_name = rng.choice(names[(order - 1) % 4 + 1])
        if sex == Sex.MALE:
            if rng.random() < 0.06:
                return (
                    f"I GUSTI {rng.choice(('NGURAH', 'BAGUS', 'MADE'))} {rng.choice(_BALINESE_MEN)}"
                )
            return f"I {order_name} {rng.choice(_BALINESE_MEN)}"
        if rng.random() < 0.06:
            return f"I GUSTI AYU {rng.choice(_BALINESE_WOMEN)}"
        luh = "LUH " if order_name in ("WAYAN", "PUTU") and rng.random() < 0.5 else ""
        return f"NI {luh}{order_name} {rng.choice(_BALINESE_WOMEN)}"


# --------------------------------------------------------------------------- local knowledge

# Which cultures live where, by district code suffix: (javanese, osing, madurese) weights.
# Osing (wong Blambangan) villages lie around the town and the central districts, Madurese
# settlers along the north coast and in Muncar, and Mataraman Javanese in the south and west.
_OSING_DISTRICTS = {"12", "13", "14", "15", "16", "17", "19", "20", "24", "25"}
_MADURESE_DISTRICTS = {"05": 0.45, "18": 0.65, "21": 0.35}
_COASTAL_DISTRICTS = {"01", "03", "04", "05", "14", "16", "18", "21"}
_TOWN_DISTRICTS = {"16", "17"}

# Villages with many Hindu or Christian families (by village code).
_VILLAGE_FAITHS: dict[str, tuple[tuple[tuple[str, str], float], ...]] = {
    # Patoman: a Balinese Hindu kampung; Blimbingsari: a Balinese Christian village.
    "35.10.25.2006": ((("islam", ""), 0.45), (("hindu", "balinese"), 0.55)),
    "35.10.25.2001": (
        (("islam", ""), 0.40),
        (("kristen", "balinese"), 0.50),
        (("hindu", "balinese"), 0.10),
    ),
    # Hindu communities near Alas Purwo (Tegaldlimo) and in Purwoharjo.
    "35.10.04.2007": ((("islam", ""), 0.80), (("hindu", "balinese"), 0.12), (("hindu", ""), 0.08)),
    "35.10.04.2009": ((("islam", ""), 0.82), (("hindu", "balinese"), 0.10), (("hindu", ""), 0.08)),
    "35.10.03.2007": ((("islam", ""), 0.88), (("hindu", ""), 0.12)),
    # Plantation villages of Glenmore with Christian and Catholic congregations.
    "35.10.10.2003": ((("islam", ""), 0.88), (("kristen", ""), 0.07), (("katholik", ""), 0.05)),
    "35.10.10.2001": ((("islam", ""), 0.91), (("kristen", ""), 0.05), (("katholik", ""), 0.04)),
}
# fmt: off
_TOWN_FAITHS = (
    (("islam", ""), 0.915), (("kristen", ""), 0.035), (("katholik", ""), 0.02),
    (("hindu", "balinese"), 0.01), (("budha", "chinese"), 0.015), (("konghucu", "chinese"), 0.005),
)
_RURAL_FAITHS = (
    (("islam", ""), 0.974), (("kristen", ""), 0.012), (("katholik", ""), 0.006),
    (("hindu", "balinese"), 0.003), (("hindu", ""), 0.003), (("budha", "chinese"), 0.002),
)
# fmt: on
# Kampung Melayu and Kampung Mandar: old Malay, Bugis-Mandar and Arab quarters of the town.
_ARAB_QUARTERS = {"35.10.16.1012", "35.10.16.1013", "35.10.16.1014"}

_HAMLETS = _words(
    "KRAJAN, KAMPUNG BARU, SUMBERAGUNG, KEDUNGREJO, SUKOREJO, KARANGASEM, TEGALREJO, SIDOMULYO,"
    "GUMUK, REJOAGUNG, CANGKRING, KOPEN, SIDOREJO, SUMBERSARI, KRAJAN LOR, KRAJAN KIDUL, KAUMAN,"
    "KRAJAN WETAN, KRAJAN KULON, TEMBOKREJO, PANCER, PANDAN, JALEN, PUTUK, TELOGO, WATUGEDE,"
    "SUMBERJO, LERENG, KARANGREJO, SUMBERWARU, TAMANSARI, SIDODADI, CURAHPACUL, KRAJAN TENGAH,"
    "PONDOK SUMUR, GONTORAN, KEBONSARI, PAKEL, KEDUNGSARI, WONOREJO, KALIBENDO, SUMBERWADUNG"
)
_STREETS = _words(
    "JL. AHMAD YANI, JL. BRAWIJAYA, JL. PB. SUDIRMAN, JL. DIPONEGORO, JL. GAJAH MADA, JL. KARTINI,"
    "JL. KH. HASYIM ASY'ARI, JL. SEMERU, JL. MERAPI, JL. MT. HARYONO, JL. WR. SUPRATMAN,"
    "JL. SETIA BUDI, JL. IKAN TONGKOL, JL. IKAN BAWAL, JL. IKAN KAKAP, JL. KOLONEL SUGIONO,"
    "JL. ADI SUCIPTO, JL. BASUKI RAHMAT, JL. SUDARSONO, JL. KYAI SALEH"
)
# fmt: off
_BIRTH_PLACES_OUTSIDE = _Pick([
    ("JEMBER", 5), ("SITUBONDO", 3), ("BONDOWOSO", 2), ("SURABAYA", 2), ("MALANG", 1.5),
    ("LUMAJANG", 1), ("PROBOLINGGO", 1), ("SUMENEP", 1), ("PAMEKASAN", 0.6), ("BANGKALAN", 0.5),
    ("JEMBRANA", 0.8), ("DENPASAR", 0.5), ("KEDIRI", 0.5), ("BLITAR", 0.5), ("JAKARTA", 0.4),
])
# fmt: on

# Occupations as the registry's PEKERJAAN list writes them.
FARMER = "PETANI/PEKEBUN"
FARM_HAND = "BURUH TANI/PERKEBUNAN"
FISHER = "NELAYAN/PERIKANAN"
TRADER = "PEDAGANG"
SELF_EMPLOYED = "WIRASWASTA"
PRIVATE_EMPLOYEE = "KARYAWAN SWASTA"
CASUAL_LABOURER = "BURUH HARIAN LEPAS"
CIVIL_SERVANT = "PEGAWAI NEGERI SIPIL (PNS)"
TEACHER = "GURU"
HOUSEWIFE = "MENGURUS RUMAH TANGGA"
STUDENT = "PELAJAR/MAHASISWA"
NOT_WORKING = "BELUM/TIDAK BEKERJA"
RETIRED = "PENSIUNAN"


def _occupation_pickers(coastal: bool, urban: bool) -> dict[str, _Pick]:
    rural = 0.25 if urban else 1.0
    town = 2.0 if urban else 1.0
    fish = 1.0 if coastal else 0.0
    # fmt: off
    men = [
        (FARMER, 20 * rural), (FARM_HAND, 17 * rural), (FISHER, 9 * fish * (0.5 if urban else 1)),
        (SELF_EMPLOYED, 17 * town), (PRIVATE_EMPLOYEE, 10 * town), (TRADER, 6 * town),
        (CASUAL_LABOURER, 9), ("TUKANG BATU", 3), ("SOPIR", 2), ("TUKANG KAYU", 1.5),
        ("PERANGKAT DESA", 0.4 * rural), ("TRANSPORTASI", 0.6), (NOT_WORKING, 3),
        ("TENTARA NASIONAL INDONESIA (TNI)", 0.3), ("KEPOLISIAN RI (POLRI)", 0.3),
    ]
    women = [
        (HOUSEWIFE, 42), (FARMER, 6 * rural), (FARM_HAND, 10 * rural), (TRADER, 10 * town),
        (SELF_EMPLOYED, 10 * town), (PRIVATE_EMPLOYEE, 8 * town), (CASUAL_LABOURER, 4),
        ("PERDAGANGAN", 1), (NOT_WORKING, 3),
    ]
    # fmt: on
    educated = [(CIVIL_SERVANT, 10), (TEACHER, 8), ("DOSEN", 0.3), ("BIDAN", 1), ("PERAWAT", 1)]
    return {
        "men": _Pick(men),
        "women": _Pick(women),
        "men_educated": _Pick(men + educated),
        "women_educated": _Pick(women + [(job, weight * 1.2) for job, weight in educated]),
    }


_E = Education
# Highest schooling of adults by the era they grew up in: "old" (born before 1970), "mid"
# (1970-1992), "young" (since 1993).
# fmt: off
_EDUCATION_BY_ERA = {
    "old": _Pick([
        (_E.NONE, 12), (_E.PRIMARY_UNFINISHED, 16), (_E.PRIMARY, 40), (_E.JUNIOR, 13),
        (_E.SENIOR, 14), (_E.DIPLOMA_1_2, 1.5), (_E.BACHELOR, 3.2), (_E.MASTER, 0.3),
    ]),
    "mid": _Pick([
        (_E.NONE, 2), (_E.PRIMARY_UNFINISHED, 4), (_E.PRIMARY, 27), (_E.JUNIOR, 22),
        (_E.SENIOR, 32), (_E.DIPLOMA_1_2, 2), (_E.DIPLOMA_3, 3), (_E.BACHELOR, 7.4),
        (_E.MASTER, 0.5), (_E.DOCTORATE, 0.1),
    ]),
    "young": _Pick([
        (_E.NONE, 1), (_E.PRIMARY_UNFINISHED, 1), (_E.PRIMARY, 13), (_E.JUNIOR, 20),
        (_E.SENIOR, 46), (_E.DIPLOMA_1_2, 2), (_E.DIPLOMA_3, 4), (_E.BACHELOR, 12.5),
        (_E.MASTER, 0.5),
    ]),
}
# fmt: on
_EDUCATION_RANK = {value: rank for rank, value in enumerate(Education.values)}
_PRIMARY_RANK = _EDUCATION_RANK[Education.PRIMARY]
_DIPLOMA_RANK = _EDUCATION_RANK[Education.DIPLOMA_1_2]


# --------------------------------------------------------------------------- the generator


@dataclass(slots=True)
class _Member:
    relationship: str
    sex: str
    age: int
    marital: str
    order: int = 1  # birth order among siblings, for Balinese names
    status: str = ResidentStatus.LIVING


class _VillageContext:
    """What a village's households share: faiths, hamlets, streets, jobs."""

    def __init__(self, village: Village, rng: random.Random):
        self.village = village
        suffix = village.district_digits[-2:]
        if village.code in _VILLAGE_FAITHS:
            faiths = _VILLAGE_FAITHS[village.code]
        elif village.urban and suffix in _TOWN_DISTRICTS:
            faiths = _TOWN_FAITHS
        else:
            faiths = _RURAL_FAITHS
        self.faith = _Pick(faiths)
        madurese = _MADURESE_DISTRICTS.get(suffix, 0.06)
        osing = 0.55 if suffix in _OSING_DISTRICTS else 0.05
        if village.code in _ARAB_QUARTERS:
            self.culture = _Pick([("arab", 0.5), ("osing", 0.3), ("javanese", 0.2)])
        else:
            self.culture = _Pick(
                [("osing", osing), ("madurese", madurese), ("javanese", 1 - osing - madurese)]
            )
        self.jobs = _occupation_pickers(suffix in _COASTAL_DISTRICTS, village.urban)

        # Hamlets (lingkungan in a kelurahan), each with one or two RW and several RT.
        count = rng.randint(3, 6)
        names = ["KRAJAN", *rng.sample(_HAMLETS[1:], count - 1)]
        prefix = "LINGKUNGAN " if village.urban else ""
        self.blocks: list[tuple[str, str, str]] = []
        rw = 0
        for name in names:
            for _ in range(rng.randint(1, 2)):
                rw += 1
                for rt in range(1, rng.randint(3, 8) + 1):
                    self.blocks.append((prefix + name, f"{rw:03d}", f"{rt:03d}"))
        village_name = village.name.upper()
        self.streets = (f"JL. RAYA {village_name}", *rng.sample(_STREETS, 5))
        self.birth_places = ("BANYUWANGI", "BANYUWANGI", "BANYUWANGI", village_name)

    def address(self, rng: random.Random) -> tuple[str, str, str, str]:
        hamlet, rw, rt = rng.choice(self.blocks)
        if self.village.urban:
            if rng.random() < 0.12:
                block = f"{rng.choice('ABCDEFGH')}-{rng.randint(1, 40)}"
                address = f"PERUM GRIYA {self.village.name.upper()} ASRI BLOK {block}"
            else:
                address = f"{rng.choice(self.streets)} NO. {rng.randint(1, 150)}"
        elif rng.random() < 0.75:
            address = f"DUSUN {hamlet}"
        else:
            address = f"{rng.choice(self.streets)} NO. {rng.randint(1, 250)}"
        return address, rt, rw, hamlet


_S, _M, _D, _W = (MaritalStatus.SINGLE, MaritalStatus.MARRIED, MaritalStatus.DIVORCED,
                  MaritalStatus.WIDOWED)  # fmt: skip
_R = Relationship
_HOUSEHOLD_KIND = _Pick([("couple_children", 55), ("couple", 13), ("single_parent", 9),
                         ("alone", 13), ("three_generations", 10)])  # fmt: skip
_CHILD_COUNT = _Pick([(1, 24), (2, 38), (3, 23), (4, 10), (5, 4), (6, 1)])


def _triangular_age(rng: random.Random, low: float, high: float, mode: float) -> int:
    return int(rng.triangular(low, high, mode))


def _children(rng: random.Random, mother_age: int, father_age: int, count: int) -> list[int]:
    """Ages of children still at home: born when both parents were adults, none over 30."""
    youngest_parent = min(mother_age, father_age)
    ages = []
    birth_age = rng.randint(19, 27)
    for _ in range(count):
        age = mother_age - birth_age
        if age < 0 or youngest_parent - age < 19:
            break
        if age <= 30 and not (age > 23 and rng.random() < 0.6):  # older children move out
            ages.append(age)
        birth_age += rng.randint(2, 6)
    return ages


def _household(rng: random.Random) -> list[_Member]:
    """The members of one household, head first, without names or numbers yet."""
    kind = _HOUSEHOLD_KIND(rng)
    members: list[_Member] = []
    if kind == "alone":
        if rng.random() < 0.4:
            members.append(_Member(_R.HEAD, _pick_sex(rng, 0.6), rng.randint(19, 38), _S))
        else:
            sex = _pick_sex(rng, 0.3)
            members.append(_Member(_R.HEAD, sex, _triangular_age(rng, 45, 92, 68), _W))
            if rng.random() < 0.15:
                members[0].marital = _D
        return members

    if kind == "single_parent":
        sex = _pick_sex(rng, 0.2)
        age = _triangular_age(rng, 28, 80, 50)
        members.append(_Member(_R.HEAD, sex, age, _W if rng.random() < 0.65 else _D))
        _add_children(rng, members, age, age + 3, _CHILD_COUNT(rng))
        if len(members) == 1:
            members.append(_Member(_R.CHILD, _pick_sex(rng, 0.5), rng.randint(18, 30), _S))
        return members

    if kind == "three_generations":
        head_age = _triangular_age(rng, 48, 82, 60)
        if rng.random() < 0.25:  # a widowed grandmother heads the family
            members.append(_Member(_R.HEAD, Sex.FEMALE, head_age, _W))
            wife_age = head_age
        else:
            wife_age = max(40, head_age - rng.randint(0, 7))
            members.append(_Member(_R.HEAD, Sex.MALE, head_age, _M))
            members.append(_Member(_R.WIFE, Sex.FEMALE, wife_age, _M))
        child_age = min(wife_age - rng.randint(19, 27), 40)
        child_sex = _pick_sex(rng, 0.5)
        members.append(_Member(_R.CHILD, child_sex, child_age, _M))
        in_law_sex = Sex.FEMALE if child_sex == Sex.MALE else Sex.MALE
        in_law_age = max(19, child_age + rng.randint(-4, 4))
        members.append(_Member(_R.CHILD_IN_LAW, in_law_sex, in_law_age, _M))
        mother = child_age if child_sex == Sex.FEMALE else in_law_age
        father = in_law_age if child_sex == Sex.FEMALE else child_age
        for order, age in enumerate(_children(rng, mother, father, _CHILD_COUNT(rng)), 1):
            members.append(_Member(_R.GRANDCHILD, _pick_sex(rng, 0.51), age, _S, order))
        if rng.random() < 0.3 and child_age > 25:  # a younger, unmarried sibling still at home
            members.append(_Member(_R.CHILD, _pick_sex(rng, 0.5), rng.randint(15, 24), _S, 2))
        return members

    # A married couple, with or without children at home.
    if kind == "couple" and rng.random() < 0.45:
        head_age = rng.randint(21, 32)  # newly-weds
    elif kind == "couple":
        head_age = _triangular_age(rng, 50, 88, 62)  # the children have left
    else:
        # Two generations of parents: young children, and teenagers or young adults.
        if rng.random() < 0.5:
            head_age = _triangular_age(rng, 21, 54, 28)
        else:
            head_age = _triangular_age(rng, 33, 74, 46)
    wife_age = head_age - int(rng.triangular(-3, 10, 3))
    wife_age = max(18, min(wife_age, head_age + 3))
    members.append(_Member(_R.HEAD, Sex.MALE, head_age, _M))
    members.append(_Member(_R.WIFE, Sex.FEMALE, wife_age, _M))
    if kind == "couple_children":
        _add_children(rng, members, wife_age, head_age, _CHILD_COUNT(rng))

    # Extra members: a widowed parent, a relative, household help.
    if head_age < 62 and rng.random() < 0.12:
        relation = _R.PARENT if rng.random() < 0.5 else _R.PARENT_IN_LAW
        parent_age = min(head_age + rng.randint(22, 34), 93)
        if rng.random() < 0.2:
            members.append(_Member(relation, Sex.MALE, parent_age, _M))
            members.append(_Member(relation, Sex.FEMALE, parent_age - rng.randint(0, 6), _M))
        else:
            members.append(_Member(relation, _pick_sex(rng, 0.25), parent_age, _W))
    if rng.random() < 0.035:
        members.append(_Member(_R.OTHER_RELATIVE, _pick_sex(rng, 0.5), rng.randint(8, 34), _S))
    return members


def _pick_sex(rng: random.Random, male_share: float) -> str:
    return Sex.MALE if rng.random() < male_share else Sex.FEMALE


def _add_children(
    rng: random.Random, members: list[_Member], mother_age: int, father_age: int, count: int
) -> None:
    for order, age in enumerate(_children(rng, mother_age, father_age, count), 1):
        members.append(_Member(_R.CHILD, _pick_sex(rng, 0.51), age, _S, order))


def _allocate(rng: random.Random, villages: list[Village], residents: int) -> list[int]:
    """Residents per village: proportional to a random weight, kelurahan in town denser."""
    weights = []
    for village in villages:
        weight = rng.lognormvariate(0, 0.35)
        if village.urban:
            weight *= 1.6 if village.district_digits.endswith("16") else 1.3
        weights.append(weight)
    total = sum(weights)
    shares = [residents * weight / total for weight in weights]
    counts = [int(share) for share in shares]
    # Largest remainders get the residents that rounding down left over.
    by_remainder = sorted(range(len(villages)), key=lambda i: (counts[i] - shares[i], i))
    for index in by_remainder[: residents - sum(counts)]:
        counts[index] += 1
    return counts


class _Serials:
    """Four-digit serials per 12-digit prefix, skipping numbers already taken."""

    def __init__(self, start: int, taken: Callable[[str], bool] | None):
        self._next: dict[str, int] = {}
        self._start = start
        self._taken = taken

    def issue(self, prefix: str) -> str:
        serial = self._next.get(prefix, self._start)
        while True:
            if serial > 9999:
                raise ValueError(f"no demo serial left for prefix {prefix[:6]}...")
            number = f"{prefix}{serial:04d}"
            serial += 1
            if self._taken is None or not self._taken(number):
                self._next[prefix] = serial
                return number


def generate_population(
    *,
    residents: int,
    seed: int,
    as_of: date = AS_OF,
    villages: list[Village] | None = None,
    nik_taken: Callable[[str], bool] | None = None,
    kk_taken: Callable[[str], bool] | None = None,
) -> Iterator[Household]:
    """Yield ``(family, members)`` households, village by village, ``residents`` people in all.

    ``nik_taken``/``kk_taken`` let a caller skip numbers that already exist (appending to a
    register); without them the output depends on ``residents``, ``seed`` and ``as_of`` only.
    """
    if residents < 0:
        raise ValueError("residents must not be negative")
    rng = random.Random(seed)
    villages = villages if villages is not None else load_villages()
    quotas = _allocate(rng, villages, residents)
    names = NameMaker(IdPersonProvider)
    niks = _Serials(NIK_SERIAL_START, nik_taken)
    kks = _Serials(KK_SERIAL_START, kk_taken)
    as_of_ordinal = as_of.toordinal()
    kk_start = date(2008, 1, 1).toordinal()

    for village, quota in zip(villages, quotas, strict=True):
        if quota == 0:
            continue
        context = _VillageContext(village, rng)
        district = village.district_digits
        left = quota
        while left > 0:
            members = _household(rng)[:left]
            left -= len(members)
            religion, culture = context.faith(rng)
            if not culture:
                culture = context.culture(rng)

            # The family card: issued on a day since 2008, after the head turned 17.
            head_birth = _birth_ordinal(rng, members[0].age, as_of_ordinal)
            issued = date.fromordinal(
                rng.randint(max(kk_start, head_birth + 17 * 366), as_of_ordinal)
            )
            no_kk = kks.issue(f"{district}{issued:%d%m%y}")
            address, rt, rw, hamlet = context.address(rng)
            family = FamilyRecord(no_kk, village, address, rt, rw, hamlet)

            people = []
            for index, member in enumerate(members):
                birth = date.fromordinal(
                    head_birth if index == 0 else _birth_ordinal(rng, member.age, as_of_ordinal)
                )
                day = birth.day + 40 if member.sex == Sex.FEMALE else birth.day
                nik = niks.issue(f"{district}{day:02d}{birth:%m%y}")
                people.append(_person(rng, context, names, member, nik, birth, religion, culture))
            yield family, people


def _birth_ordinal(rng: random.Random, age: int, as_of_ordinal: int) -> int:
    """A birth date that makes someone ``age`` years old on the reference date."""
    return as_of_ordinal - int(age * 365.2425) - rng.randrange(365)


def _person(
    rng: random.Random,
    context: _VillageContext,
    names: NameMaker,
    member: _Member,
    nik: str,
    birth: date,
    religion: str,
    culture: str,
) -> PersonRecord:
    age = member.age
    era = "old" if birth.year < 1970 else "mid" if birth.year < 1993 else "young"
    full_name = names.make(rng, member.sex, era, religion, culture, member.order)
    birth_place = (
        rng.choice(context.birth_places) if rng.random() < 0.9 else _BIRTH_PLACES_OUTSIDE(rng)
    )

    # Schooling follows age; adults by the era they grew up in.
    if age < 7:
        education = Education.NONE
    elif age < 13:
        education = Education.PRIMARY_UNFINISHED
    elif age < 16:
        education = Education.PRIMARY
    elif age < 19:
        education = Education.JUNIOR
    else:
        education = _EDUCATION_BY_ERA[era](rng)
        if age < 23 and _EDUCATION_RANK[education] > _EDUCATION_RANK[Education.SENIOR]:
            education = Education.SENIOR

    occupation = _occupation(rng, context, member, education)
    phone = ""
    if age >= 17 and rng.random() < (0.55 if age < 60 else 0.2):
        phone = f"08000{rng.randrange(10**6, 10**7)}"

    status = member.status
    if member.relationship in (_R.PARENT, _R.PARENT_IN_LAW) and rng.random() < 0.2:
        status = ResidentStatus.DECEASED
    elif member.relationship == _R.CHILD and 18 <= age <= 35 and rng.random() < 0.08:
        status = ResidentStatus.MOVED_OUT
    return PersonRecord(
        nik=nik,
        full_name=full_name,
        sex=member.sex,
        birth_place=birth_place,
        birth_date=birth,
        religion=religion,
        marital_status=member.marital,
        education=education,
        occupation=occupation,
        relationship=member.relationship,
        phone=phone,
        status=status,
    )


def _occupation(
    rng: random.Random, context: _VillageContext, member: _Member, education: str
) -> str:
    age = member.age
    if age < 5:
        return NOT_WORKING
    if age < 19:
        return STUDENT if age < 16 or rng.random() < 0.8 else NOT_WORKING
    rank = _EDUCATION_RANK[education]
    if age < 24 and rank >= _EDUCATION_RANK[Education.SENIOR] and rng.random() < 0.35:
        return STUDENT
    if age >= 65:
        draw = rng.random()
        if draw < 0.45:
            return NOT_WORKING
        if draw < 0.55 + (0.2 if rank >= _DIPLOMA_RANK else 0):
            return RETIRED
    educated = rank >= _DIPLOMA_RANK
    if member.sex == Sex.MALE:
        picker = context.jobs["men_educated" if educated else "men"]
    else:
        picker = context.jobs["women_educated" if educated else "women"]
    job = picker(rng)
    if job == NOT_WORKING and rank <= _PRIMARY_RANK and rng.random() < 0.5:
        return FARM_HAND
    return job


# --------------------------------------------------------------------------- CSV output


def csv_row(family: FamilyRecord, person: PersonRecord) -> tuple[str, ...]:
    """One line of the registry export, in :data:`CSV_HEADERS` order."""
    return (
        person.nik,
        family.no_kk,
        person.full_name,
        SEX_WORDS[person.sex],
        person.birth_place,
        f"{person.birth_date:%d-%m-%Y}",
        RELIGION_WORDS[person.religion],
        MARITAL_WORDS[person.marital_status],
        EDUCATION_WORDS[person.education],
        person.occupation,
        RELATIONSHIP_WORDS[person.relationship],
        family.address,
        family.rt,
        family.rw,
        family.hamlet,
        family.village.digits,
        person.phone,
        STATUS_WORDS[person.status],
    )


def write_population_csv(
    path: str | Path, *, residents: int, seed: int, as_of: date = AS_OF
) -> int:
    """Write the population as a registry export (UTF-8, comma-separated); return the row count."""
    rows = 0
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_HEADERS)
        for family, people in generate_population(residents=residents, seed=seed, as_of=as_of):
            writer.writerows(csv_row(family, person) for person in people)
            rows += len(people)
    return rows


# --------------------------------------------------------------------------- database output


class PopulationNotEmpty(Exception):
    """The register already holds residents and the caller did not ask to append or replace."""


def seed_population(
    *,
    residents: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    append: bool = False,
    chunk_families: int = 2000,
    as_of: date = AS_OF,
) -> dict[str, int]:
    """Write a synthetic population into the database; return the counts written.

    Refuses (``PopulationNotEmpty``) when residents exist, unless ``append`` is true: then the
    new people get NIK and No. KK serials that are not taken yet. Each chunk of families is
    one transaction: families first (``bulk_create``, which returns their keys), then their
    residents (one ``executemany``), then each family's head (one ``UPDATE``).
    ``progress(done, total)`` is called after each chunk.
    """
    if not append and Resident.objects.exists():
        raise PopulationNotEmpty(f"the register already holds {Resident.objects.count()} residents")

    village_ids = dict(Region.objects.villages().values_list("code", "pk"))
    villages = load_villages()
    missing = [village.code for village in villages if village.code not in village_ids]
    if missing:
        raise ValueError(f"villages missing from the database, run load_regions: {missing[:3]}")

    nik_taken = kk_taken = None
    if append:
        taken_niks = set(Resident.objects.exclude(nik=None).values_list("nik", flat=True))
        taken_kks = set(Family.objects.values_list("no_kk", flat=True))
        nik_taken, kk_taken = taken_niks.__contains__, taken_kks.__contains__

    households = generate_population(
        residents=residents,
        seed=seed,
        as_of=as_of,
        villages=villages,
        nik_taken=nik_taken,
        kk_taken=kk_taken,
    )
    counts = {"residents": 0, "families": 0}
    inserter = _ResidentInserter()
    chunk: list[Household] = []
    for household in households:
        chunk.append(household)
        if len(chunk) >= chunk_families:
            _write_chunk(chunk, village_ids, counts, inserter)
            chunk = []
            if progress:
                progress(counts["residents"], residents)
    if chunk:
        _write_chunk(chunk, village_ids, counts, inserter)
        if progress:
            progress(counts["residents"], residents)

    record(
        "people.demo.seeded",
        summary=f"Synthetic population: {counts['residents']} residents (seed {seed})",
        residents=counts["residents"],
        families=counts["families"],
        seed=seed,
        append=append,
    )
    logger.info(
        "Seeded %s synthetic residents in %s families (seed %s)",
        counts["residents"],
        counts["families"],
        seed,
    )
    return counts


# Resident columns the generator fills, in the order _write_chunk gives them.
# fmt: off
_RESIDENT_FIELDS = (
    "nik", "full_name", "sex", "birth_place", "birth_date", "religion", "marital_status",
    "education", "occupation", "family", "relationship", "address", "rt", "rw", "hamlet",
    "village", "phone", "status",
)
# fmt: on


class _ResidentInserter:
    """Inserts residents with one ``executemany`` per chunk instead of ``bulk_create``.

    ``bulk_create`` prepares every field of every object through the ORM, which took two
    thirds of the seeding time; here only the birth date needs adapting per row. Every other
    concrete field (timestamps, ``data_warnings``, fields added later) gets its default,
    prepared once per chunk, so a new column with a default needs no change here.
    """

    def __init__(self):
        fields = [field for field in Resident._meta.concrete_fields if not field.primary_key]
        by_name = {field.name: field for field in fields}
        self.generated = [by_name[name] for name in _RESIDENT_FIELDS]
        self.defaulted = [field for field in fields if field.name not in _RESIDENT_FIELDS]
        columns = [field.column for field in self.generated + self.defaulted]
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(Resident._meta.db_table),
            ", ".join(quote(column) for column in columns),
            ", ".join(["%s"] * len(columns)),
        )
        self.adapt_date = connection.ops.adapt_datefield_value

    def defaults(self) -> tuple:
        now = timezone.now()
        values = []
        for field in self.defaulted:
            value = (
                now
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
                else field.get_default()
            )
            values.append(field.get_db_prep_save(value, connection))
        return tuple(values)

    def insert(self, rows: list[tuple]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)


def _write_chunk(
    chunk: list[Household],
    village_ids: dict[str, int],
    counts: dict[str, int],
    inserter: _ResidentInserter,
) -> None:
    with transaction.atomic():
        families = [
            Family(
                no_kk=family.no_kk,
                village_id=village_ids[family.village.code],
                address=family.address,
                rt=family.rt,
                rw=family.rw,
                hamlet=family.hamlet,
            )
            for family, _people in chunk
        ]
        Family.objects.bulk_create(families, batch_size=500)

        defaults = inserter.defaults()
        adapt_date = inserter.adapt_date
        rows = []
        for family, (generated, people) in zip(families, chunk, strict=True):
            shared = (generated.address, generated.rt, generated.rw, generated.hamlet)
            for person in people:
                rows.append(
                    (
                        person.nik,
                        person.full_name,
                        person.sex,
                        person.birth_place,
                        adapt_date(person.birth_date),
                        person.religion,
                        person.marital_status,
                        person.education,
                        person.occupation,
                        family.pk,
                        person.relationship,
                        *shared,
                        family.village_id,
                        person.phone,
                        person.status,
                        *defaults,
                    )
                )
        inserter.insert(rows)

        # One UPDATE per chunk; bulk_update's CASE expression per row costs far more.
        heads = Resident.objects.filter(family_id=OuterRef("pk"), relationship=Relationship.HEAD)
        Family.objects.filter(pk__in=[family.pk for family in families]).update(
            head_id=Subquery(heads.values("pk")[:1])
        )
    counts["families"] += len(families)
    counts["residents"] += len(rows)


def clear_population() -> dict[str, int]:
    """Delete every family and resident (``seed_demo --force``); for demo databases only.

    Goes through the ORM so every other app's ``on_delete`` rule applies; a resident that an
    account or another record protects stops the deletion with ``ProtectedError``.
    """
    with transaction.atomic():
        Family.objects.update(head=None)
        residents, _ = Resident.objects.all().delete()
        families, _ = Family.objects.all().delete()
    record(
        "people.demo.cleared",
        summary="Register cleared before seeding a synthetic population",
        deleted_objects=residents + families,
    )
    return {"deleted_objects": residents + families}
