"""Demo applications at the demo village, walked through the real workflow.

So that a first look at the platform shows work in every state: new applications for the
village officer to verify, some waiting at the district, some returned to the resident, and
letters already issued with their signed PDF. Every step goes through ``services.services``
as an officer's click would; the attachments are a one-page synthetic PDF.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

from accounts.demo import DEMO_VILLAGE_CODE
from accounts.models import User
from accounts.roles import Role
from core.workdays import regency_today
from people.choices import ResidentStatus
from people.models import Resident
from regions.models import Region
from services import services
from services.models import Application, IssuerLevel, Service
from services.workflow import NotPermitted

logger = logging.getLogger(__name__)

# How many applications end in each state (issued ones get a signed PDF: the slowest step).
PLAN = [
    ("draft", 2),
    ("submitted", 6),
    ("returned", 2),
    ("forwarded", 3),
    ("issued", 8),
]
SAMPLE_TEXT = {
    "text": "Keperluan administrasi",
    "textarea": "Untuk melengkapi persyaratan administrasi.",
    "phone": "080001234567",
    "number": "1",
}


def _attachment_pdf(title: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.multi_cell(0, 10, f"Contoh lampiran (data sintetis): {title}")
    return bytes(pdf.output())


def _answers(service: Service) -> dict[str, str]:
    answers = {}
    for field in service.form_definition:
        kind = field["type"]
        if kind == "choice":
            answers[field["key"]] = field["choices"][0]
        elif kind == "date":
            answers[field["key"]] = (regency_today() - timedelta(days=30)).isoformat()
        else:
            answers[field["key"]] = SAMPLE_TEXT.get(kind, "Contoh isian")
    return answers


def _resident_user(resident: Resident) -> User:
    """The resident's own account (no password: they have not activated it)."""
    user = User.objects.filter(resident=resident, role=Role.RESIDENT).first()
    if user is None:
        user = User(username=f"demo-warga-{resident.pk}", role=Role.RESIDENT, resident=resident)
        user.set_unusable_password()
        user.save()
    return user


def seed(*, seed: int, stdout) -> None:
    village = Region.objects.filter(code=DEMO_VILLAGE_CODE).first()
    if village is None or Application.objects.filter(village=village).exists():
        return
    officers = {
        role: User.objects.filter(role=role, region=region).first()
        for role, region in [
            (Role.VILLAGE_OFFICER, village),
            (Role.VILLAGE_HEAD, village),
            (Role.DISTRICT_OFFICER, village.parent),
        ]
    }
    if not all(officers.values()):
        stdout.write("Demo applications skipped: the demo officers are missing.")
        return
    rng = random.Random(seed)
    letters = list(
        Service.objects.filter(
            is_active=True, level=IssuerLevel.VILLAGE, document_type__isnull=False
        ).order_by("code")
    )
    upper = list(
        Service.objects.filter(is_active=True, level=IssuerLevel.DISTRICT).order_by("code")
    )
    today = regency_today()
    adult_born_before = today - timedelta(days=18 * 366)
    heads = list(
        Resident.objects.filter(
            village=village,
            status=ResidentStatus.LIVING,
            family__isnull=False,
            birth_date__lt=adult_born_before,
        ).order_by("pk")[:40]
    )
    made = 0
    for state, count in PLAN:
        for _ in range(count):
            if not heads:
                break
            resident = heads.pop(0)
            pool = upper if state == "forwarded" and upper else letters
            service = rng.choice(pool)
            try:
                _walk(service, resident, state, officers)
            except NotPermitted as error:
                logger.warning("Demo application %s skipped: %s", service.code, error)
                continue
            made += 1
    stdout.write(f"Demo applications at {village.name}: {made} in five states.")


def _walk(service: Service, resident: Resident, state: str, officers: dict) -> Application:
    user = _resident_user(resident)
    application = services.start_application(
        service=service, user=user, subject=resident, form_data=_answers(service), channel="kiosk"
    )
    if state == "draft":
        return application
    for requirement in service.required_documents:
        upload = SimpleUploadedFile(
            "lampiran.pdf", _attachment_pdf(requirement), content_type="application/pdf"
        )
        services.add_attachment(application, user, upload, requirement=requirement)
    application = services.submit(application, user)
    if state == "submitted":
        return application
    village_officer = officers[Role.VILLAGE_OFFICER]
    if state == "returned":
        return services.return_for_revision(
            application, village_officer, reason="Foto KTP kurang jelas; unggah ulang."
        )
    application = services.verify(application, village_officer)
    if state == "forwarded":
        if application.state == "verified":
            application = services.forward(application, village_officer)
        return application
    return services.approve(application, officers[Role.VILLAGE_HEAD])
