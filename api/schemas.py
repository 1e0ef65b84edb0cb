"""Request and response bodies of the API (pydantic, through ninja's ``Schema``)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from services import formdef, workflow
from services.models import Channel
from services.requirements import requirement_label


class ErrorOut(Schema):
    """Every error: a stable code for programs, a message for people, problems by field."""

    code: str = Field(examples=["not_found"])
    message: str
    fields: dict[str, list[str]] = Field(default_factory=dict)


# --------------------------------------------------------------------------- sign-in


class ResidentSignIn(Schema):
    nik: str = Field(min_length=16, max_length=24, description="NIK, 16 angka (spasi/titik boleh)")
    pin: str = Field(min_length=1, max_length=128, description="PIN 6 angka atau kata sandi")
    device_name: str = Field("", max_length=100)


class KioskSignIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=128)
    device_name: str = Field("", max_length=100)


class KioskResidentSignIn(Schema):
    nik: str = Field(min_length=16, max_length=24)
    pin: str = Field(min_length=1, max_length=128)


class TokenOut(Schema):
    """A new token: shown once, never again."""

    token: str
    token_type: str = "Bearer"
    id: int
    kind: str
    expires_at: datetime


class TokenInfoOut(Schema):
    id: int
    kind: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None
    is_active: bool
    is_current: bool

    @staticmethod
    def resolve_is_active(token) -> bool:
        return token.is_active()

    @staticmethod
    def resolve_is_current(token, context) -> bool:
        current = getattr(context["request"], "api_token", None)
        return current is not None and current.pk == token.pk


# --------------------------------------------------------------------------- catalogue


class FormFieldOut(Schema):
    key: str
    label: str
    type: str
    required: bool
    choices: list[str] = Field(default_factory=list)
    help: str = ""


class ServiceOut(Schema):
    code: str
    name: str
    level: str
    agency: str | None
    fee: Decimal | None = Field(description="Biaya resmi; 0 gratis; null menurut tarif")
    fee_label: str
    sla_days: int
    channels: list[str]
    accepts_app: bool
    produces_document: bool

    @staticmethod
    def resolve_name(service) -> str:
        return service.display_name

    @staticmethod
    def resolve_agency(service) -> str | None:
        agency = service.agency
        return (agency.short_name or agency.name) if agency else None

    @staticmethod
    def resolve_accepts_app(service) -> bool:
        return service.is_active and Channel.APP in (service.channels or [])

    @staticmethod
    def resolve_produces_document(service) -> bool:
        return service.document_type_id is not None


class RequirementOut(Schema):
    key: str = Field(description="Dikirim sebagai `requirement` bersama lampirannya")
    label: str = Field(description="Nama dokumen dalam bahasa permintaan (Accept-Language)")


class ServiceDetailOut(ServiceOut):
    fee_basis: str
    required_documents: list[str]
    requirements: list[RequirementOut]
    form: list[FormFieldOut]

    @staticmethod
    def resolve_requirements(service) -> list[dict]:
        return [
            {"key": item, "label": requirement_label(item)} for item in service.required_documents
        ]

    @staticmethod
    def resolve_form(service) -> list[dict]:
        return [
            {
                "key": field["key"],
                "label": formdef.field_label(field),
                "type": field["type"],
                "required": bool(field.get("required", False)),
                "choices": field.get("choices") or [],
                "help": field.get("help", ""),
            }
            for field in service.form_definition
        ]


# --------------------------------------------------------------------------- applications


class ApplicationCreate(Schema):
    service_code: str = Field(min_length=1, max_length=80)
    subject_id: int | None = Field(
        None, description="Anggota keluarga yang bersangkutan; kosong berarti diri sendiri"
    )
    form_data: dict[str, str] = Field(default_factory=dict)


class AnswersIn(Schema):
    form_data: dict[str, str]


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class RevisionIn(Schema):
    """The answer to a request for revision: corrected answers (optional) and a note."""

    form_data: dict[str, str] | None = None
    note: str = Field("", max_length=2000)


class PersonRefOut(Schema):
    id: int
    full_name: str


class ApplicationEventOut(Schema):
    at: datetime
    action: str
    from_state: str
    to_state: str
    actor: str
    note: str

    @staticmethod
    def resolve_actor(event) -> str:
        return event.actor_display


class ApplicationAttachmentOut(Schema):
    id: int
    requirement: str
    name: str = Field(alias="original_name")
    content_type: str
    size: int
    uploaded_at: datetime


class ApplicationOut(Schema):
    id: int
    tracking_code: str
    service_code: str = Field(alias="service.code")
    service_name: str
    state: str
    state_label: str
    channel: str
    subject: PersonRefOut
    created_at: datetime
    submitted_at: datetime | None
    due_date: date | None
    is_overdue: bool
    has_document: bool

    @staticmethod
    def resolve_service_name(application) -> str:
        return application.service.display_name

    @staticmethod
    def resolve_state_label(application) -> str:
        return str(application.get_state_display())

    @staticmethod
    def resolve_has_document(application) -> bool:
        return application.document_id is not None


class ApplicationDetailOut(ApplicationOut):
    applicant: PersonRefOut
    form_data: dict[str, str]
    fee: Decimal | None
    last_reason: str
    document_number: str | None
    allowed_actions: list[str]
    events: list[ApplicationEventOut]
    attachments: list[ApplicationAttachmentOut]

    @staticmethod
    def resolve_document_number(application) -> str | None:
        document = application.document
        return document.number if document is not None else None

    @staticmethod
    def resolve_allowed_actions(application, context) -> list[str]:
        user = context["request"].auth
        return [action.name for action in workflow.allowed_actions(user, application)]

    @staticmethod
    def resolve_events(application) -> list:
        return list(application.events.all())

    @staticmethod
    def resolve_attachments(application) -> list:
        return list(application.attachments.all())


# --------------------------------------------------------------------------- profile


class ResidentOut(Schema):
    id: int
    nik: str | None
    full_name: str
    sex: str
    birth_place: str
    birth_date: date | None
    religion: str
    marital_status: str
    occupation: str
    relationship: str
    address: str
    rt: str
    rw: str
    hamlet: str
    village_code: str = Field(alias="village.code")
    village_name: str = Field(alias="village.name")
    phone: str


class FamilyMemberOut(Schema):
    id: int
    full_name: str
    sex: str
    birth_date: date | None
    relationship: str
    nik_masked: str


class FamilyOut(Schema):
    no_kk: str | None
    address: str
    rt: str
    rw: str
    village_name: str
    members: list[FamilyMemberOut]
