import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from economy import services
from economy.models import Attendance, Business, GroceryDistribution
from people.choices import ResidentStatus
from services import services as service_flow
from services.models import Application, Service


def test_register_business(warung, resident_in_village, village):
    assert warung.owner == resident_in_village and warung.village == village
    assert warung.is_warung and warung.nib == ""


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"owner_nik": "12"}, "owner_nik"),
        ({"owner_nik": "3510019999999999"}, "owner_nik"),
        ({"nib": "12AB"}, "nib"),
        ({"sector": "mining"}, "sector"),
        ({"size": "huge"}, "size"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_business_input_names_the_field(village_officer, resident_in_village, changes, field):
    data = {
        "owner_nik": resident_in_village.nik,
        "name": "Toko",
        "sector": "retail",
        "size": "micro",
        **changes,
    }
    with pytest.raises(ValidationError) as error:
        services.register_business(village_officer, **data)
    assert field in error.value.message_dict


def test_nib_is_unique(village_officer, resident_in_village):
    data = {
        "owner_nik": resident_in_village.nik,
        "name": "Toko",
        "sector": "retail",
        "size": "small",
        "nib": "1234567890123",
    }
    services.register_business(village_officer, **data)
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        services.register_business(village_officer, **data)


def test_owner_outside_village_is_not_found(village_officer, resident_elsewhere):
    with pytest.raises(ValidationError, match="tidak terdaftar"):
        services.register_business(
            village_officer,
            owner_nik=resident_elsewhere.nik,
            name="Toko",
            sector="retail",
            size="micro",
        )


def test_only_village_staff_register(district_head, regent, agency_officer, resident_in_village):
    for user in (district_head, regent, agency_officer):
        with pytest.raises(PermissionDenied):
            services.register_business(
                user, owner_nik=resident_in_village.nik, name="Toko", sector="retail", size="micro"
            )


def test_business_scope(
    warung,
    village_officer,
    other_village_officer,
    district_head,
    regent,
    agency_officer,
    call_centre_operator,
    kiosk,
    resident_user,
):
    for user in (village_officer, district_head, regent):
        assert services.scoped(Business.objects, user, "village").filter(pk=warung.pk).exists()
    for user in (other_village_officer, agency_officer, call_centre_operator, kiosk, resident_user):
        assert not services.scoped(Business.objects, user, "village").exists()


def test_permit_goes_through_public_services(warung, village_officer, resident_user):
    service = Service.objects.get(code="keterangan-usaha")
    application = service_flow.start_application(
        service=service,
        user=resident_user,
        subject=resident_user.resident,
        form_data={"nama_usaha": "Warung Bu Sri", "keperluan": "Izin usaha mikro"},
    )
    assert [a.pk for a in services.permit_candidates(warung, village_officer)] == [application.pk]
    services.link_permit(warung, village_officer, application.tracking_code.lower())
    assert list(warung.permit_applications.all()) == [application]
    assert not services.permit_candidates(warung, village_officer).exists()


def test_non_permit_application_is_not_linked(warung, village_officer, resident_user):
    service = Service.objects.get(code="keterangan-domisili")
    application = service_flow.start_application(
        service=service,
        user=resident_user,
        subject=resident_user.resident,
        form_data={"keperluan": "Melamar pekerjaan"},
    )
    with pytest.raises(ValidationError, match="bukan permohonan izin"):
        services.link_permit(warung, village_officer, application.tracking_code)
    with pytest.raises(ValidationError, match="tidak ditemukan"):
        services.link_permit(warung, village_officer, "SK-XXXX-XXXX")
    assert not Application.objects.filter(businesses=warung).exists()


def test_warung_naik_kelas(warung, village_officer, other_village_officer):
    assessment = services.assess_warung(
        warung, village_officer, assessed_on="2026-03-01", score=55, needs="Rak dan papan nama"
    )
    assert assessment.score == 55
    with pytest.raises(ValidationError):
        services.assess_warung(warung, village_officer, assessed_on="2026-03-01", score=101)
    item = services.add_assistance(warung, village_officer, kind="refrigerator", value="3.500.000")
    assert item.value == 3500000 and item.delivered_on is None
    services.deliver_assistance(item, village_officer, delivered_on="2026-04-02")
    with pytest.raises(ValidationError, match="sudah tercatat"):
        services.deliver_assistance(item, village_officer, delivered_on="2026-04-03")
    with pytest.raises(PermissionDenied):
        services.add_assistance(warung, other_village_officer, kind="signage")


def test_non_warung_is_not_in_the_kiosk_programme(village_officer, resident_in_village):
    craft = services.register_business(
        village_officer,
        owner_nik=resident_in_village.nik,
        name="Batik Gajah Oling",
        sector="fashion",
        size="small",
    )
    with pytest.raises(ValidationError, match="warung"):
        services.assess_warung(craft, village_officer, assessed_on="2026-03-01", score=50)


def test_training_enrolment_and_attendance(warung, village_officer):
    training = services.create_training(
        village_officer, title="Jualan lewat WhatsApp", programme="digital_marketing", capacity=1
    )
    session = services.add_session(training, village_officer, held_on="2026-06-01", topic="Katalog")
    enrolment = services.enrol(training, warung, village_officer)
    with pytest.raises(ValidationError):
        services.enrol(training, warung, village_officer)
    assert services.record_attendance(session, village_officer, [enrolment.pk, 999999]) == 1
    assert services.record_attendance(session, village_officer, [enrolment.pk]) == 1
    assert Attendance.objects.filter(session=session).count() == 1


def test_grocery_distribution_to_unregistered_resident_is_refused(grocery_round, village_officer):
    with pytest.raises(ValidationError) as error:
        services.record_distribution(grocery_round, village_officer, nik="3510019999990001")
    message = error.value.message_dict["nik"][0]
    assert "tidak terdaftar dalam data penduduk" in message
    assert "3510019999990001" not in message  # the NIK is masked in the message
    assert not GroceryDistribution.objects.exists()


def test_grocery_distribution_to_deceased_is_refused(
    grocery_round, village_officer, resident_in_village
):
    resident_in_village.status = ResidentStatus.DECEASED
    resident_in_village.save()
    with pytest.raises(ValidationError, match="tidak terdaftar"):
        services.record_distribution(grocery_round, village_officer, nik=resident_in_village.nik)


def test_grocery_figures(
    grocery_round,
    warung,
    village_officer,
    resident_in_village,
    regent,
    district_head,
    other_village_officer,
    make_resident,
):
    services.record_purchase(
        grocery_round,
        village_officer,
        shop=warung,
        buyer="Dinas Koperasi",
        packages=10,
        amount="1500000",
    )
    services.record_purchase(
        grocery_round, village_officer, shop=warung, buyer="Bappeda", packages=5, amount="750000"
    )
    services.record_distribution(
        grocery_round,
        village_officer,
        nik=resident_in_village.nik,
        packages=2,
        goods="Beras 5 kg, minyak 1 l",
    )
    spouse = make_resident(
        resident_in_village.village, family=resident_in_village.family, full_name="SRI"
    )
    services.record_distribution(grocery_round, village_officer, nik=spouse.nik)
    with pytest.raises(ValidationError, match="sudah menerima"):
        services.record_distribution(grocery_round, village_officer, nik=spouse.nik)
    for user in (regent, district_head, village_officer):
        shops = list(services.spend_per_shop(user))
        assert shops[0]["total"] == 2250000 and shops[0]["packages"] == 15
        households = list(services.goods_per_household(user))
        assert len(households) == 1 and households[0]["packages"] == 3
    assert not services.spend_per_shop(other_village_officer).exists()
    assert not services.goods_per_household(other_village_officer).exists()


def test_purchase_needs_a_warung_of_the_village(
    grocery_round, village_officer, resident_in_village
):
    craft = services.register_business(
        village_officer,
        owner_nik=resident_in_village.nik,
        name="Batik",
        sector="fashion",
        size="small",
    )
    with pytest.raises(ValidationError, match="warung"):
        services.record_purchase(
            grocery_round, village_officer, shop=craft, buyer="X", packages=1, amount="1"
        )


def test_export_rows_mask_nik(warung):
    rows = list(services.business_rows(Business.objects.all()))
    assert rows[0][3].count("*") >= 6


def test_amounts_as_numbers_or_typed_text(warung, village_officer):
    from decimal import Decimal

    item = services.add_assistance(
        warung, village_officer, kind="signage", value=Decimal("1500000.00")
    )
    assert item.value == 1500000
    item = services.add_assistance(warung, village_officer, kind="signage", value="1.500.000")
    assert item.value == 1500000
    with pytest.raises(ValidationError):
        services.add_assistance(warung, village_officer, kind="signage", value="banyak")
