"""The catalogue and application pages, driven through the test client."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from documents.models import IssuedDocument
from services import services
from services.models import Application, Service, State
from services.tests.conftest import ANSWERS


def test_the_catalogue_is_public_and_searchable(client, db):
    response = client.get(reverse("services:catalogue"), {"q": "ktp"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "KTP elektronik" in page
    assert "Surat Keterangan Usaha" not in page


def test_the_cached_catalogue_shows_an_edit_at_once(client, village_letter):
    """The catalogue table is cached per catalogue version: saving a service changes it."""
    first = client.get(reverse("services:catalogue")).content.decode()
    assert village_letter.name in first

    village_letter.name = "Surat Keterangan Uji Cache"
    village_letter.save()
    second = client.get(reverse("services:catalogue")).content.decode()

    assert "Surat Keterangan Uji Cache" in second
    village_letter.delete()
    third = client.get(reverse("services:catalogue")).content.decode()
    assert "Surat Keterangan Uji Cache" not in third


def test_requirements_and_missing_attachments_are_named_in_english(
    client, draft, applicant_user, village_letter
):
    client.cookies["django_language"] = "en"
    client.force_login(applicant_user)
    application = draft(village_letter)
    assert "Fotokopi KTP-el" in village_letter.required_documents

    service_page = client.get(
        reverse("services:service_detail", args=[village_letter.code])
    ).content.decode()
    after = act(client, application, "submit").content.decode()

    for page in (service_page, after):
        assert "Copy of the electronic ID card (KTP-el)" in page
        assert "Fotokopi KTP-el" not in page


def test_the_cached_catalogue_is_kept_per_language(client, db):
    indonesian = client.get(reverse("services:catalogue")).content.decode()
    client.cookies["django_language"] = "en"

    english = client.get(reverse("services:catalogue")).content.decode()

    assert "hari kerja" in indonesian
    assert "working days" in english
    assert "hari kerja" not in english


def test_a_catalogue_search_is_not_served_from_the_cached_full_list(client, db):
    client.get(reverse("services:catalogue"))  # fills the cache of the full list

    page = client.get(reverse("services:catalogue"), {"q": "ktp"}).content.decode()

    assert "KTP elektronik" in page
    assert "Surat Keterangan Usaha" not in page


def test_a_service_page_shows_the_official_fee_and_requirements(client, village_letter):
    response = client.get(reverse("services:service_detail", args=[village_letter.code]))

    page = response.content.decode()
    assert "Gratis (Rp0)" in page
    assert "Surat pengantar RT/RW" in page
    assert "Masuk dengan NIK" in page


def test_the_internal_travel_order_has_no_public_page(client, db):
    url = reverse("services:service_detail", args=["perintah-perjalanan-dinas"])

    assert client.get(url).status_code == 404


def test_a_resident_applies_through_the_generated_form(client, applicant_user, applicant, child):
    service = Service.objects.get(code="keterangan-usaha")
    client.force_login(applicant_user)
    url = reverse("services:apply", args=[service.code])

    form_page = client.get(url).content.decode()
    assert 'name="nama_usaha"' in form_page
    assert "AHMAD FAUZI" in form_page

    response = client.post(
        url, {"subject": child.pk, "nama_usaha": "Warung Kopi Osing", "keperluan": "Kredit usaha"}
    )

    application = Application.objects.get(applicant=applicant)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "services:application_detail", args=[application.tracking_code]
    )
    assert application.subject == child
    assert application.state == State.DRAFT
    assert application.form_data == {"nama_usaha": "Warung Kopi Osing", "keperluan": "Kredit usaha"}


def test_a_form_with_a_missing_answer_is_shown_again_with_the_error(
    client, applicant_user, applicant
):
    client.force_login(applicant_user)
    url = reverse("services:apply", args=["keterangan-usaha"])

    response = client.post(url, {"subject": applicant.pk, "keperluan": "Kredit"})

    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Application.objects.exists()


def test_staff_cannot_open_the_apply_form(client, village_officer, village_letter):
    client.force_login(village_officer)

    assert client.get(reverse("services:apply", args=[village_letter.code])).status_code == 403


def detail(application):
    return reverse("services:application_detail", args=[application.tracking_code])


def act(client, application, action, note=""):
    url = reverse("services:application_action", args=[application.tracking_code])
    return client.post(url, {"action": action, "note": note}, follow=True)


def test_the_applicant_submits_and_the_officer_verifies_on_the_page(
    client, draft, applicant_user, village_officer, village_letter
):
    application = draft(village_letter)
    client.force_login(applicant_user)
    assert 'value="submit"' in client.get(detail(application)).content.decode()

    act(client, application, "submit")
    client.force_login(village_officer)
    page = client.get(detail(application)).content.decode()
    assert 'value="verify"' in page
    assert 'value="approve"' not in page
    act(client, application, "verify")

    application.refresh_from_db()
    assert application.state == State.VERIFIED


def test_the_applicant_is_told_which_requirements_have_no_attachment(
    client, draft, applicant_user, village_letter
):
    application = draft(village_letter)
    required = village_letter.required_documents
    assert required, "the test needs a service with required documents"
    client.force_login(applicant_user)

    before = client.get(detail(application)).content.decode()
    after = act(client, application, "submit").content.decode()

    assert "Belum dilampirkan:" in before and required[0] in before
    assert "Siapkan dokumen aslinya" in after and required[0] in after
    application.refresh_from_db()
    assert application.state == State.SUBMITTED  # a warning, not a refusal


def test_an_officer_of_another_village_gets_a_404_for_our_application(
    client, submitted, other_village_officer, village_letter
):
    application = submitted(village_letter)
    client.force_login(other_village_officer)

    assert client.get(detail(application)).status_code == 404
    assert act(client, application, "verify").status_code == 404
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_a_refused_step_is_explained_on_the_page(client, verified, village_officer, village_letter):
    application = verified(village_letter)
    client.force_login(village_officer)

    page = act(client, application, "approve").content.decode()

    assert "Hanya kepala desa/lurah Sarongan" in page
    application.refresh_from_db()
    assert application.state == State.VERIFIED


def test_returning_without_a_reason_is_explained(
    client, submitted, village_officer, village_letter
):
    application = submitted(village_letter)
    client.force_login(village_officer)

    page = act(client, application, "return", note="").content.decode()

    assert "Tuliskan alasannya" in page


def test_the_head_previews_a_draft_without_number_before_approving(
    client, verified, village_head, village_letter
):
    application = verified(village_letter)
    client.force_login(village_head)
    assert "pratinjau" in client.get(detail(application)).content.decode()

    response = client.get(reverse("services:preview", args=[application.tracking_code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert IssuedDocument.objects.count() == 0


def test_the_approved_page_links_the_document(
    client, verified, village_head, applicant_user, village_letter
):
    application = services.approve(verified(village_letter), village_head)
    client.force_login(applicant_user)

    page = client.get(detail(application)).content.decode()

    assert application.document.number in page
    assert reverse("documents:download", args=[application.document.pk]) in page


def test_the_residents_list_shows_the_familys_applications(
    client, draft, applicant_user, child, village_letter, django_assert_max_num_queries
):
    own = draft(village_letter)
    for_child = draft(village_letter, subject=child)
    client.force_login(applicant_user)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("services:application_list")).content.decode()

    assert own.tracking_code in page
    assert for_child.tracking_code in page


def test_the_residents_list_leaves_out_other_families(
    client, draft, applicant_user, village_letter, make_family, make_resident, make_user, village
):
    ours = draft(village_letter)
    neighbour = make_resident(village, family=make_family(village), full_name="TETANGGA")
    theirs = services.start_application(
        service=village_letter,
        user=make_user(Role.RESIDENT, resident=neighbour),
        subject=neighbour,
        form_data=ANSWERS[village_letter.code],
    )
    client.force_login(applicant_user)

    page = client.get(reverse("services:application_list")).content.decode()

    assert ours.tracking_code in page
    assert theirs.tracking_code not in page


def test_the_list_query_count_does_not_grow_with_the_rows(
    client, submitted, village_officer, village_letter, django_assert_max_num_queries
):
    for _ in range(15):
        submitted(village_letter)
    client.force_login(village_officer)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("services:application_list"), {"status": "submitted"})

    assert response.content.decode().count("SK-") >= 15


# --------------------------------------------------------------------------- catalogue editing


def test_an_agency_head_edits_their_agencys_service(client, dukcapil_head):
    service = Service.objects.get(code="dukcapil-kia")
    client.force_login(dukcapil_head)
    url = reverse("services:manage_edit", args=[service.code])
    data = {
        "name": service.name,
        "name_en": service.name_en,
        "required_documents": "Kartu Keluarga\nAkta kelahiran anak",
        "form_definition": '[{"key": "catatan", "label": "Catatan", "type": "text"}]',
        "fee": "0",
        "fee_basis": "",
        "sla_days": "2",
        "channels": ["web", "counter"],
        "keywords": "kia",
        "is_active": "on",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.sla_days == 2
    assert service.required_documents == ["Kartu Keluarga", "Akta kelahiran anak"]
    assert service.form_definition == [{"key": "catatan", "label": "Catatan", "type": "text"}]


def test_a_fee_without_a_regulation_is_refused_in_the_editor(client, dukcapil_head):
    service = Service.objects.get(code="dukcapil-kia")
    client.force_login(dukcapil_head)

    response = client.post(
        reverse("services:manage_edit", args=[service.code]),
        {
            "name": service.name,
            "fee": "25000",
            "fee_basis": "",
            "sla_days": "1",
            "channels": ["web"],
        },
    )

    assert response.status_code == 200
    assert "dasar hukum" in response.content.decode()
    service.refresh_from_db()
    assert service.fee == 0


def test_an_agency_head_cannot_edit_another_agencys_or_a_village_service(client, dukcapil_head):
    client.force_login(dukcapil_head)

    for code in ("dpmptsp-izin-usaha", "keterangan-domisili"):
        assert client.get(reverse("services:manage_edit", args=[code])).status_code == 404


@pytest.mark.parametrize("persona", ["village_officer", "resident_user", "agency_officer"])
def test_other_roles_cannot_open_the_catalogue_editor(request, db, client, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("services:manage_list")).status_code == 403


def test_the_regent_edits_any_service_in_the_admin(client, regent, village_letter):
    client.force_login(regent)

    response = client.get(reverse("admin:services_service_change", args=[village_letter.pk]))

    assert response.status_code == 200
    assert "Surat Keterangan Domisili" in response.content.decode()


def test_the_catalogue_speaks_english_when_asked(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(reverse("services:catalogue")).content.decode()

    assert "Service catalogue" in page
    assert "Free (Rp0)" in page
    assert "Certificate of low income / poverty (SKTM)" in page
    assert "Katalog layanan" not in page


def test_the_catalogue_is_in_name_order_of_the_language_read(client, db):
    import re

    client.cookies["django_language"] = "en"
    page = client.get(reverse("services:catalogue")).content.decode()

    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)
    assert len(names) > 20 and names == sorted(names)


def test_the_history_names_roles_in_the_readers_language(
    client, submitted, village_officer, applicant_user, village_letter
):
    """A step's role is kept as a code: an officer's step reads "(Village officer)" in
    English and "(Petugas desa / kelurahan)" in Indonesian, whoever's language wrote it."""
    from services.models import ApplicationEvent

    application = submitted(village_letter)
    client.force_login(village_officer)
    client.cookies["django_language"] = "en"
    act(client, application, "verify")
    # An entry written before roles had their own field still reads as it was written.
    ApplicationEvent.objects.create(
        application=application, actor_label="SUTRISNO (Petugas)", action="note", to_state="x"
    )
    client.force_login(applicant_user)

    client.cookies["django_language"] = "id"
    indonesian = client.get(detail(application)).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(detail(application)).content.decode()

    assert "(Petugas desa / kelurahan)" in indonesian and "(Village officer)" not in indonesian
    assert "(Village officer)" in english and "(Petugas desa / kelurahan)" not in english
    assert "(Resident)" in english and "(Warga)" in indonesian
    assert "SUTRISNO (Petugas)" in english
