"""The access-control matrix (issue 10, item 2): who may see which object, and the world to try.

Three parts, kept apart on purpose:

* ``World`` / ``build_world``: one synthetic set of objects in three places (the personas'
  village, a neighbouring village of the same district, a village of another district), built
  through the apps' own services, plus one account per role.
* ``may_see``: the EXPECTED answer, written from the issue texts, docs/ARCHITECTURE.md
  ("Roles and scope") and each app's documented scope rules (the docstrings of the
  ``visible_to`` methods). It never calls the code under test.
* ``WEB_VIEWS`` / ``API_VIEWS``: every page, list, export and endpoint that shows an object,
  with the marker that proves the object is on it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.roles import Role

# The conftest villages: Sarongan and its neighbour (district Pesanggaran), Kebalenan (Banyuwangi).
PLACES = {
    "home": "35.10.01.2001",
    "neighbour": "35.10.01.2002",
    "other": "35.10.16.1001",
}
HOME_DISTRICT_PLACES = frozenset({"home", "neighbour"})
ALL_PLACES = frozenset(PLACES)

# Personas, each a key of World.users (anonymous: no account).
ROLES = (
    "regent",
    "district_head",
    "district_officer",
    "village_head",
    "village_officer",
    "agency_head",
    "agency_officer",
    "task_force",
    "call_centre",
    "owner",
    "other_resident",
    "kiosk",
    "anonymous",
)
STAFF_PERSONAS = frozenset(ROLES) - {"owner", "other_resident", "kiosk", "anonymous"}
RESIDENT_PERSONAS = frozenset({"owner", "other_resident"})
# Personas whose role browses the register (accounts.roles.REGISTER_ROLES).
REGISTER_PERSONAS = frozenset(
    {"regent", "task_force", "district_head", "district_officer", "village_head", "village_officer"}
)
AGENCY_PERSONAS = frozenset({"agency_head", "agency_officer"})
# The agency the persona accounts belong to, and the one the catalogue's agency service uses.
AGENCY_CODE = "dukcapil"

KINDS = (
    "resident",
    "family",
    "application",
    "document",
    "audit_entry",
    "complaint",
    "complaint_levy",
    "assistance",
    "assistance_flag",
    "vaccination",
    "affected",
    "isolation",
    "export_file",
)

# --------------------------------------------------------------------------- expected answers


def region_places(persona: str) -> frozenset[str]:
    """The places a staff persona's region covers (docs/ARCHITECTURE.md, Roles and scope)."""
    if persona in ("regent", "task_force"):
        return ALL_PLACES
    if persona in ("district_head", "district_officer"):
        return HOME_DISTRICT_PLACES
    if persona in ("village_head", "village_officer"):
        return frozenset({"home"})
    return frozenset()


@dataclass
class Obj:
    """One object of the world: its kind, place and the facts the scope rules look at."""

    kind: str
    place: str
    markers: dict[str, str] = field(default_factory=dict)
    owned_by_owner: bool = False  # the owner's own record / family / application / complaint
    agency: str = ""  # code of the agency it is routed (forwarded) to
    taken_by_call_centre: bool = False  # a complaint the call-centre persona took down
    protected: bool = False  # an illegal-levy complaint (never shown to village staff)
    creator: str = ""  # the persona who made it (export files)
    ids: dict[str, object] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}@{self.place}"


def may_see(persona: str, obj: Obj) -> bool:
    """Whether ``persona`` may see ``obj`` at all (through a page that serves its role)."""
    kind = obj.kind
    if persona in ("anonymous", "kiosk"):
        # A kiosk device browses nothing; a resident signs in on it (issue 5, portal).
        return False
    if persona == "other_resident":
        # A resident of the same village, another family: none of the owner's data.
        return False
    if persona == "owner":
        return obj.owned_by_owner
    if kind in ("resident", "family"):
        # Register roles within their region; agency, call centre: nobody by browsing.
        return persona in REGISTER_PERSONAS and obj.place in region_places(persona)
    if kind in ("application",):
        if persona in AGENCY_PERSONAS:
            return obj.agency == AGENCY_CODE
        if persona in ("task_force", "call_centre"):
            return False
        return obj.place in region_places(persona)
    if kind == "document":
        # Issued by a village office: its village and district see it; agencies see only their
        # own office's documents.
        if persona in AGENCY_PERSONAS or persona in ("task_force", "call_centre"):
            return False
        return obj.place in region_places(persona)
    if kind == "audit_entry":
        return persona == "regent"
    if kind in ("complaint", "complaint_levy"):
        if persona in AGENCY_PERSONAS:
            return obj.agency == AGENCY_CODE
        if persona == "call_centre":
            return obj.taken_by_call_centre
        if persona == "task_force":
            return False
        if persona in ("village_head", "village_officer") and obj.protected:
            return False
        return obj.place in region_places(persona)
    if kind in ("assistance", "assistance_flag"):
        # Assistance lists and flags: the task force regency-wide (read-mostly), the regent,
        # district and village staff for their region (issue 6; assistance.models).
        if persona in AGENCY_PERSONAS or persona == "call_centre":
            return False
        return obj.place in region_places(persona)
    if kind in ("vaccination", "affected", "isolation"):
        # health.views.staff_required: roles with a region scope, the task force included
        # (regency-wide). Agencies and the call centre: none.
        if persona in AGENCY_PERSONAS or persona == "call_centre":
            return False
        return obj.place in region_places(persona)
    if kind == "export_file":
        # core.jobs: a job's file goes to the account that asked for it, nobody else.
        return persona == obj.creator
    raise AssertionError(f"no rule for {kind}")


# --------------------------------------------------------------------------- world

_serials = itertools.count(9101)


def _nik(region_digits: str, birth: date, female: bool) -> str:
    day = birth.day + (40 if female else 0)
    return f"{region_digits[:6]}{day:02d}{birth:%m%y}{next(_serials):04d}"


def _kk(region_digits: str) -> str:
    return f"{region_digits[:6]}010120{next(_serials):04d}"


PLACE_WORDS = {"home": "SATU", "neighbour": "DUA", "other": "TIGA"}


@dataclass
class World:
    regions: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # persona -> User
    place_users: dict = field(default_factory=dict)  # (place, what) -> User
    objects: list[Obj] = field(default_factory=list)
    residents: dict = field(default_factory=dict)  # place -> Resident
    media_root: str = ""
    tokens: dict = field(default_factory=dict)  # persona -> bearer secret
    notes: list[str] = field(default_factory=list)  # kinds not built, and why

    def find(self, kind: str, place: str) -> Obj | None:
        return next((o for o in self.objects if o.kind == kind and o.place == place), None)


def _user(role, *, region=None, agency=None, resident=None, name=""):
    from accounts.models import User

    user = User(
        username=f"mx-{role}-{next(_serials)}",
        role=role,
        region=region,
        agency=agency,
        resident=resident,
        is_staff=role == Role.REGENT,
        first_name=name,
    )
    user.set_password("uji-Sandi-2026!")
    user.full_clean(exclude=["password"])
    user.save()
    return user


def build_world(world: World) -> World:
    """Build the stable part: personas, residents, families, applications, documents, audit."""
    from agencies.models import Agency
    from people.choices import Relationship, Sex
    from people.models import Family, Resident
    from regions.models import Region

    regions = {place: Region.objects.get(code=code) for place, code in PLACES.items()}
    world.regions = regions
    home = regions["home"]
    dukcapil = Agency.objects.get(code=AGENCY_CODE)

    users = world.users
    users["regent"] = _user(Role.REGENT)
    users["district_head"] = _user(Role.DISTRICT_HEAD, region=home.parent)
    users["district_officer"] = _user(Role.DISTRICT_OFFICER, region=home.parent)
    users["village_head"] = _user(Role.VILLAGE_HEAD, region=home, name="KADES SATU")
    users["village_officer"] = _user(Role.VILLAGE_OFFICER, region=home)
    users["agency_head"] = _user(Role.AGENCY_HEAD, agency=dukcapil)
    users["agency_officer"] = _user(Role.AGENCY_OFFICER, agency=dukcapil)
    users["task_force"] = _user(Role.TASK_FORCE)
    users["call_centre"] = _user(Role.CALL_CENTRE)
    users["kiosk"] = _user(Role.KIOSK, region=home)

    for place, region in regions.items():
        word = PLACE_WORDS[place]
        family = Family.objects.create(
            village=region, no_kk=_kk(region.digits), address=f"JL. MATRIKS {word}"
        )
        birth = date(1980, 3, 9)
        resident = Resident.objects.create(
            village=region,
            family=family,
            nik=_nik(region.digits, birth, female=True),
            full_name=f"WARGA MATRIKS {word}",
            sex=Sex.FEMALE,
            birth_date=birth,
            relationship=Relationship.HEAD,
            phone=f"08129990{next(_serials):04d}",
        )
        family.head = resident
        family.save(update_fields=["head"])
        world.residents[place] = resident
        world.place_users[(place, "resident")] = _user(Role.RESIDENT, resident=resident)
        if place != "home":
            world.place_users[(place, "village_officer")] = _user(
                Role.VILLAGE_OFFICER, region=region
            )
            world.place_users[(place, "village_head")] = _user(
                Role.VILLAGE_HEAD, region=region, name=f"KADES {word}"
            )
        owned = place == "home"
        world.objects.append(
            Obj(
                "resident",
                place,
                markers={
                    "name": resident.full_name,
                    "nik": resident.nik,
                    "phone": resident.phone,
                },
                owned_by_owner=owned,
                ids={"pk": resident.pk, "village": region.pk},
            )
        )
        world.objects.append(
            Obj(
                "family",
                place,
                markers={"no_kk": family.no_kk},
                owned_by_owner=owned,
                ids={"pk": family.pk, "head_pk": resident.pk},
            )
        )
    world.place_users[("home", "village_officer")] = users["village_officer"]
    world.place_users[("home", "village_head")] = users["village_head"]
    users["owner"] = world.place_users[("home", "resident")]

    # Another resident of the home village, in a family of their own.
    other_family = Family.objects.create(village=home, no_kk=_kk(home.digits))
    other = Resident.objects.create(
        village=home,
        family=other_family,
        nik=_nik(home.digits, date(1990, 7, 1), female=False),
        full_name="TETANGGA MATRIKS",
        sex=Sex.MALE,
        birth_date=date(1990, 7, 1),
        relationship=Relationship.HEAD,
    )
    users["other_resident"] = _user(Role.RESIDENT, resident=other)

    _build_applications(world, dukcapil)
    _build_audit_entries(world)
    _issue_tokens(world)
    # The programme apps may still change: a part that no longer builds is named in
    # ``world.notes`` and its cases fail with that note, the others still run.
    for part in (_build_complaints, _build_assistance, _build_health, _build_export_files):
        try:
            with transaction.atomic():
                part(world, dukcapil)
        except Exception as error:  # noqa: BLE001 - reported through the failing cases
            world.notes.append(f"{part.__name__}: {type(error).__name__}: {error}")
    return world


# The smallest file the attachment check accepts as a PDF (it reads the magic bytes).
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A 4x3 PNG for complaint photos, made with Pillow at build time.
VILLAGE_LETTER = "keterangan-domisili"
AGENCY_SERVICE = "dukcapil-akta-kelahiran"
ANSWERS = {
    VILLAGE_LETTER: {"keperluan": "Melamar pekerjaan"},
    AGENCY_SERVICE: {
        "nama_anak": "AHMAD FAUZI",
        "tempat_lahir_anak": "Banyuwangi",
        "tanggal_lahir_anak": "2026-01-20",
        "nama_ayah": "SUPARMAN",
        "nama_ibu": "SITI MARYAM",
    },
}


def _subject_markers(resident) -> dict[str, str]:
    """Personal data of an object's subject: what a public page must never show."""
    return {
        "subject_name": resident.full_name,
        "subject_nik": resident.nik,
        "subject_phone": resident.phone,
    }


def _build_applications(world: World, dukcapil) -> None:
    """Per place: an application (forwarded to dukcapil, except the neighbour's, which stays
    at its village) and a village letter approved and signed, whose PDF is the document."""
    from services import services
    from services.models import Service

    village_letter = Service.objects.get(code=VILLAGE_LETTER)
    agency_service = Service.objects.get(code=AGENCY_SERVICE)
    for place in PLACES:
        applicant_user = world.place_users[(place, "resident")]
        resident = world.residents[place]
        officer = world.place_users[(place, "village_officer")]
        head = world.place_users[(place, "village_head")]

        def start(service, attachment=None, user=applicant_user, subject=resident):
            draft = services.start_application(
                service=service,
                user=user,
                subject=subject,
                form_data=dict(ANSWERS[service.code]),
            )
            if attachment is not None:
                attachment.append(
                    services.add_attachment(
                        draft,
                        user,
                        SimpleUploadedFile("ktp.pdf", MINIMAL_PDF, "application/pdf"),
                    )
                )
            return services.submit(draft, user)

        attached = []
        if place == "neighbour":
            application = start(village_letter, attached)
            agency = ""
        else:
            application = start(agency_service, attached)
            application = services.verify(application, officer)
            application = services.forward(application, officer)
            agency = application.agency.code if application.agency_id else ""
        world.objects.append(
            Obj(
                "application",
                place,
                markers={"code": application.tracking_code, **_subject_markers(resident)},
                owned_by_owner=place == "home",
                agency=agency,
                ids={
                    "pk": application.pk,
                    "code": application.tracking_code,
                    "attachment": attached[0].pk,
                },
            )
        )

        letter = start(village_letter)
        letter = services.verify(letter, officer)
        letter = services.approve(letter, head)
        document = letter.document
        world.objects.append(
            Obj(
                "document",
                place,
                markers={"number": document.number, **_subject_markers(resident)},
                owned_by_owner=place == "home",
                ids={
                    "pk": document.pk,
                    "application_pk": letter.pk,
                    "token": document.verification_token,
                },
            )
        )


def _build_audit_entries(world: World) -> None:
    """Per place: a record view by an officer of an agency named for the place."""
    from agencies.models import Agency, AgencyKind
    from core.audit import record

    for place, resident in world.residents.items():
        word = PLACE_WORDS[place]
        agency = Agency.objects.create(
            code=f"mx-audit-{place}",
            name=f"Instansi Pemeriksa Matriks {word}",
            short_name=f"Pemeriksa {word}",
            kind=AgencyKind.REGIONAL,
        )
        auditor = _user(Role.AGENCY_OFFICER, agency=agency)
        summary = f"JEJAK-MATRIKS-{word}"
        record("people.resident.viewed", actor=auditor, target=resident, summary=summary)
        world.objects.append(
            Obj(
                "audit_entry",
                place,
                markers={"summary": summary, "office": str(agency)},
                # The owner may see who opened their own record (issue 10, item 5).
                owned_by_owner=place == "home",
                ids={"actor": auditor.get_username()},
            )
        )


def _issue_tokens(world: World) -> None:
    """A bearer token per persona, issued the way sign-in issues them; staff accounts get a
    resident-kind token too (as if one leaked): the API must refuse it."""
    from api import services as api_services
    from api.models import TokenKind

    lifetime = api_services.resident_token_lifetime()
    for persona, user in world.users.items():
        if persona == "kiosk":
            issued = api_services.issue_token(
                user,
                kind=TokenKind.KIOSK,
                lifetime=api_services.kiosk_token_lifetime(),
                village=user.region,
            )
        else:
            issued = api_services.issue_token(user, kind=TokenKind.RESIDENT, lifetime=lifetime)
        world.tokens[persona] = issued.secret


def _build_complaints(world: World, dukcapil) -> None:
    """Per place: an ordinary complaint and an illegal-levy report (protected category).

    Home: the owner's, routed to dukcapil by a village rule. Neighbour: taken down by the
    call-centre persona. Other: a resident of that village's. Illegal-levy reports: each
    place's resident.
    """
    from complaints import services as complaints
    from complaints.models import Category, Channel, RoutingRule

    RoutingRule.objects.create(
        category=Category.POPULATION_DATA, village=world.regions["home"], agency=dukcapil
    )
    for place, region in world.regions.items():
        word = PLACE_WORDS[place]
        resident_user = world.place_users[(place, "resident")]
        if place == "neighbour":
            reporter = {
                "reporter_name": f"PENELEPON MATRIKS {word}",
                "reporter_phone": f"08139990{next(_serials):04d}",
            }
            complaint = complaints.submit_complaint(
                complaints.Intake(
                    category=Category.INFRASTRUCTURE,
                    description=f"Jembatan rusak di dusun matriks {word}.",
                    village=region,
                    **reporter,
                ),
                channel=Channel.CALL_CENTRE,
                user=world.users["call_centre"],
                photo_uploads=[_png_upload()],
            )
            reporter_marker = reporter["reporter_name"]
        else:
            complaint = complaints.submit_complaint(
                complaints.Intake(
                    category=Category.POPULATION_DATA
                    if place == "home"
                    else Category.INFRASTRUCTURE,
                    description=f"Data KK belum diperbarui, matriks {word}.",
                    village=region,
                ),
                channel=Channel.WEB,
                user=resident_user,
                photo_uploads=[_png_upload()],
            )
            reporter_marker = world.residents[place].phone
        world.objects.append(
            Obj(
                "complaint",
                place,
                markers={"code": complaint.tracking_code, "reporter": reporter_marker},
                owned_by_owner=place == "home",
                agency=complaint.agency.code if complaint.agency_id else "",
                taken_by_call_centre=place == "neighbour",
                ids={
                    "code": complaint.tracking_code,
                    "photo": complaint.photos.values_list("pk", flat=True).first(),
                },
            )
        )
        levy = complaints.submit_complaint(
            complaints.Intake(
                category=Category.ILLEGAL_LEVY,
                description=f"Diminta uang untuk surat pengantar, matriks {word}.",
                village=region,
            ),
            channel=Channel.WEB,
            user=resident_user,
        )
        world.objects.append(
            Obj(
                "complaint_levy",
                place,
                markers={"code": levy.tracking_code, "reporter": world.residents[place].phone},
                owned_by_owner=place == "home",
                agency=levy.agency.code if levy.agency_id else "",
                protected=True,
                ids={"code": levy.tracking_code},
            )
        )


def _png_upload():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")


ASSISTANCE_PERIOD = "2026-T9"


def _build_assistance(world: World, dukcapil) -> None:
    """Per place: the resident enrolled in an individual programme, and an open flag."""
    from assistance import services as assistance
    from assistance.models import Flag, FlagKind, Programme, Unit

    programme = Programme.objects.filter(active=True).exclude(unit=Unit.HOUSEHOLD).first()
    if programme is None:
        raise LookupError("no individual assistance programme loaded")
    for place, resident in world.residents.items():
        word = PLACE_WORDS[place]
        period = f"{ASSISTANCE_PERIOD}{word[0]}"
        membership = assistance.add_member(
            programme=programme, period=period, resident=resident, actor=world.users["regent"]
        )
        world.objects.append(
            Obj(
                "assistance",
                place,
                markers={"period": period, "name": resident.full_name, "nik": resident.nik},
                owned_by_owner=place == "home",
                ids={"programme": programme.code, "period": period, "nik": resident.nik},
            )
        )
        reason = f"TEMUAN MATRIKS {word}"
        flag = Flag.objects.create(
            key=f"matrix:{place}:{membership.pk}",
            kind=FlagKind.MATCH_REVIEW,
            programme=programme,
            period=period,
            membership=membership,
            resident=resident,
            family=resident.family,
            village=resident.village,
            reason=reason,
        )
        world.objects.append(
            Obj(
                "assistance_flag",
                place,
                markers={"reason": reason},
                ids={"pk": flag.pk},
            )
        )


def _build_health(world: World, dukcapil) -> None:
    """Per place: a vaccination, an isolation stay in the village's house, an affected report."""
    from health import services as health
    from health.models import AffectedCategory, IsolationHouse, Vaccination

    for place, resident in world.residents.items():
        word = PLACE_WORDS[place]
        officer = world.place_users[(place, "village_officer")]
        batch = f"MXVAK{word}{next(_serials)}"
        Vaccination.objects.create(
            resident=resident, dose=1, given_on=date(2026, 2, 3), product="Sinovac", batch=batch
        )
        world.objects.append(
            Obj("vaccination", place, markers={"batch": batch, "nik": resident.nik})
        )
        house = IsolationHouse.objects.create(
            village=world.regions[place],
            name=f"RUMAH ISOLASI MATRIKS {word}",
            address=f"JL. ISOLASI {word}",
            capacity=4,
        )
        health.admit(house, resident, user=officer)
        world.objects.append(
            Obj(
                "isolation",
                place,
                markers={"house": house.name, "name": resident.full_name},
                ids={"pk": house.pk},
            )
        )
        entry, _created = health.report_affected(
            resident,
            AffectedCategory.LAID_OFF,
            user=officer,
            description=f"Terkena PHK pabrik matriks {word}.",
        )
        world.objects.append(
            Obj(
                "affected",
                place,
                markers={"name": resident.full_name},
                owned_by_owner=place == "home",
                ids={"pk": entry.pk},
            )
        )


# Who asks for the .xlsx exports of each place (the file is theirs alone).
EXPORT_CREATORS = {"home": "village_officer", "neighbour": "district_head", "other": "regent"}


def _build_export_files(world: World, dukcapil) -> None:
    """Per place: a register export and an application export, run as background jobs."""
    from core import jobs
    from people.jobs import EXPORT_KIND as PEOPLE_EXPORT
    from services.jobs import EXPORT_KIND as SERVICES_EXPORT

    for place, persona in EXPORT_CREATORS.items():
        user = world.users[persona]
        people_job = jobs.enqueue(PEOPLE_EXPORT, params={"query": ""}, user=user)
        services_job = jobs.enqueue(SERVICES_EXPORT, params={"query": ""}, user=user)
        world.objects.append(
            Obj(
                "export_file",
                place,
                creator=persona,
                ids={"people_job": people_job.pk, "services_job": services_job.pk},
            )
        )
