import csv

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from core.models import AuditEntry
from documents import services
from documents.loading import DOCUMENT_TYPES_CSV, load_document_types
from documents.models import DocumentTemplate, DocumentType, IssuerLevel
from documents.placeholders import validate_body


def test_every_village_letter_of_the_catalogue_has_a_document_type(db):
    with DOCUMENT_TYPES_CSV.open(encoding="utf-8") as handle:
        shipped = {row["code"] for row in csv.DictReader(handle)}
    village_codes = set(
        DocumentType.objects.filter(issuer_level=IssuerLevel.VILLAGE).values_list("code", flat=True)
    )

    # The 42 letters of the reference list, less the two a district issues.
    assert len(village_codes & shipped) >= 40


def test_district_and_agency_documents_are_loaded_too(db):
    levels = set(DocumentType.objects.values_list("issuer_level", flat=True))

    assert levels == {IssuerLevel.VILLAGE, IssuerLevel.DISTRICT, IssuerLevel.AGENCY}


def test_every_loaded_type_has_one_valid_active_template(db):
    for document_type in DocumentType.objects.all():
        active = document_type.templates.filter(is_active=True)
        assert active.count() == 1, document_type.code
        validate_body(active.get().body)


def test_loading_again_changes_nothing(db):
    before = DocumentTemplate.objects.count()

    counts = load_document_types()

    assert counts == {"types_created": 0, "types_updated": 0, "templates_created": 0}
    assert DocumentTemplate.objects.count() == before


def test_loaded_types_do_not_clash_in_numbering(db):
    for document_type in DocumentType.objects.all():
        document_type.full_clean()


def test_saving_a_template_makes_the_next_version_the_only_active_one(letter_type, regent):
    first = services.active_template(letter_type)

    saved = services.save_template(
        document_type=letter_type, body="Nama | {nama}\n\n{keperluan}", created_by=regent
    )

    assert saved.version == first.version + 1
    assert services.active_template(letter_type) == saved
    first.refresh_from_db()
    assert first.is_active is False
    assert AuditEntry.objects.filter(action="documents.template.saved").count() == 1


def test_a_template_with_an_unknown_placeholder_is_refused_on_save(letter_type, regent):
    before = letter_type.templates.count()

    with pytest.raises(ValidationError) as caught:
        services.save_template(
            document_type=letter_type,
            body="Nama ibu kandung | {nama_ibu_kandung}",
            created_by=regent,
        )

    assert "{nama_ibu_kandung}" in " ".join(caught.value.messages)
    assert letter_type.templates.count() == before


def test_the_model_refuses_an_unknown_placeholder_too(letter_type):
    template = DocumentTemplate(document_type=letter_type, version=99, body="{nama_ibu_kandung}")

    with pytest.raises(ValidationError) as caught:
        template.full_clean()

    assert "{nama_ibu_kandung}" in str(caught.value)


def test_form_keys_limit_the_form_placeholders(letter_type, regent):
    with pytest.raises(ValidationError) as caught:
        services.save_template(
            document_type=letter_type,
            body="{form.tujuan} {form.nama_usaha}",
            created_by=regent,
            form_keys=["tujuan"],
        )

    assert "{form.nama_usaha}" in " ".join(caught.value.messages)


def test_the_regency_administrator_edits_a_template_on_its_page(client, regent, letter_type):
    client.force_login(regent)
    url = reverse("documents:template_edit", args=[letter_type.code])

    page = client.get(url)
    response = client.post(url, {"body": "Nama | {nama}\n\nUntuk {keperluan}."})

    assert page.status_code == 200
    assert "{nama}" in page.content.decode()
    assert response.status_code == 302
    assert services.active_template(letter_type).body == "Nama | {nama}\n\nUntuk {keperluan}."


def test_the_template_page_names_an_unknown_placeholder(client, regent, letter_type):
    client.force_login(regent)
    before = letter_type.templates.count()

    response = client.post(
        reverse("documents:template_edit", args=[letter_type.code]),
        {"body": "Nama ibu | {nama_ibu_kandung}"},
    )

    assert response.status_code == 200
    assert "{nama_ibu_kandung}" in response.content.decode()
    assert letter_type.templates.count() == before


def test_template_pages_are_closed_to_village_staff(client, make_user, village, letter_type):
    client.force_login(make_user(Role.VILLAGE_HEAD, region=village))

    listing = client.get(reverse("documents:template_list"))
    editing = client.post(
        reverse("documents:template_edit", args=[letter_type.code]), {"body": "{nama}"}
    )

    assert listing.status_code == 403
    assert editing.status_code == 403


def test_the_template_list_shows_every_active_type(client, regent):
    client.force_login(regent)

    response = client.get(reverse("documents:template_list"))

    assert response.status_code == 200
    assert "Surat Keterangan Domisili" in response.content.decode()
