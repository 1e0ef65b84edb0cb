"""The catalogue loaded from the data files, its rules, and searching it in Indonesian."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from services.catalogue import CatalogueError, load_catalogue, read_catalogue
from services.models import Level, Service

LETTER_TYPES = Path(__file__).resolve().parents[2] / "services" / "data" / "services.csv"


def letter_type_codes():
    """The 42 codes of letter-types.csv, as the services file records its source."""
    with LETTER_TYPES.open(encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle) if row["source"].startswith("letter")]


def test_all_42_village_letters_are_in_the_catalogue(db):
    codes = letter_type_codes()

    assert len(codes) == 42
    assert Service.objects.filter(code__in=codes).count() == 42


def test_every_mall_service_has_an_agency_and_the_agency_level(db):
    mall = Service.objects.filter(
        code__in=[row["code"] for row in read_catalogue() if row["agency_code"]]
    )

    assert mall.count() == 22
    assert set(mall.values_list("level", flat=True)) == {Level.AGENCY}
    assert not mall.filter(agency__isnull=True).exists()


def test_every_service_of_the_file_passes_the_model_rules(db):
    for service in Service.objects.select_related("document_type", "agency"):
        service.full_clean()


def test_letters_produce_the_document_type_of_the_same_code(db):
    letter = Service.objects.get(code="keterangan-usaha")

    assert letter.document_type.code == "keterangan-usaha"


def test_each_service_issues_its_document_at_its_own_level(db):
    services = Service.objects.filter(document_type__isnull=False).select_related("document_type")

    mismatched = [
        (service.code, service.level, service.document_type.issuer_level)
        for service in services
        if service.level != service.document_type.issuer_level
    ]

    assert services.exists()
    assert mismatched == []


def test_moving_out_and_land_ownership_are_endorsed_by_the_district(db):
    district = set(Service.objects.filter(level=Level.DISTRICT).values_list("code", flat=True))

    assert {"keterangan-pindah-penduduk", "keterangan-kepemilikan-tanah"} <= district
    assert "pengantar-surat-keterangan-catatan-kepolisian" not in district


def test_fees_are_zero_unless_a_regulation_is_named(db):
    for service in Service.objects.all():
        if service.fee is None or service.fee != 0:
            assert service.fee_basis.strip(), service.code


def test_a_free_service_tells_the_resident_it_is_free(village_letter):
    assert village_letter.fee == Decimal(0)
    assert village_letter.fee_label == "Gratis (Rp0)"


def test_a_tariff_service_says_so_and_names_its_regulation(db):
    passport = Service.objects.get(code="imigrasi-paspor")

    assert passport.fee is None
    assert passport.fee_label == "Sesuai tarif resmi"
    assert "PP 28/2019" in passport.fee_basis


def test_a_fixed_fee_is_written_in_rupiah(village_letter):
    village_letter.fee = Decimal("350000")

    assert village_letter.fee_label == "Rp350.000"


def test_a_fee_without_its_regulation_is_refused(village_letter):
    village_letter.fee = Decimal("10000")
    village_letter.fee_basis = ""

    with pytest.raises(ValidationError) as error:
        village_letter.full_clean()

    assert "fee_basis" in error.value.message_dict


def test_an_agency_service_without_an_agency_is_refused(agency_service):
    agency_service.agency = None

    with pytest.raises(ValidationError) as error:
        agency_service.full_clean()

    assert "agency" in error.value.message_dict


def test_a_broken_form_definition_is_refused_on_save(village_letter):
    village_letter.form_definition = [{"key": "Bad Key", "label": "", "type": "colour"}]

    with pytest.raises(ValidationError) as error:
        village_letter.full_clean()

    assert "form_definition" in error.value.message_dict


def test_unknown_channels_are_refused(village_letter):
    village_letter.channels = ["web", "fax"]

    with pytest.raises(ValidationError) as error:
        village_letter.full_clean()

    assert "channels" in error.value.message_dict


def test_loading_again_keeps_staff_edits(village_letter):
    village_letter.sla_days = 2
    village_letter.save()

    counts = load_catalogue()

    assert counts["created"] == 0
    assert Service.objects.get(pk=village_letter.pk).sla_days == 2


def test_overwrite_resets_a_service_to_the_file(village_letter):
    village_letter.sla_days = 9
    village_letter.save()

    load_catalogue(overwrite=True)

    assert Service.objects.get(pk=village_letter.pk).sla_days == 1


def test_a_deleted_service_is_loaded_again(db):
    Service.objects.filter(code="kuasa").delete()

    assert load_catalogue()["created"] == 1
    assert Service.objects.filter(code="kuasa").exists()


def test_a_file_with_a_fee_but_no_regulation_is_refused_with_its_line(tmp_path):
    services_csv = tmp_path / "services.csv"
    fields_csv = tmp_path / "fields.csv"
    services_csv.write_text(
        "code,name,name_en,level,agency,document_type,fee,fee_basis,sla_days,channels,"
        "required_documents,keywords,source\n"
        "x,X,X,village,,,5000,,1,web,,,test\n",
        encoding="utf-8",
    )
    fields_csv.write_text("service,key,label,label_en,type,required,choices\n", encoding="utf-8")

    with pytest.raises(CatalogueError, match=r"services.csv:2 \(x\).*fee_basis"):
        read_catalogue(services_csv, fields_csv)


def test_a_file_naming_an_unknown_agency_is_refused(db, tmp_path):
    services_csv = tmp_path / "services.csv"
    fields_csv = tmp_path / "fields.csv"
    services_csv.write_text(
        "code,name,name_en,level,agency,document_type,fee,fee_basis,sla_days,channels,"
        "required_documents,keywords,source\n"
        "y,Y,Y,agency,nope,,0,,1,counter,,,test\n",
        encoding="utf-8",
    )
    fields_csv.write_text("service,key,label,label_en,type,required,choices\n", encoding="utf-8")

    with pytest.raises(CatalogueError, match="unknown agency 'nope'"):
        load_catalogue(services_path=services_csv, fields_path=fields_csv)


def test_the_internal_travel_order_is_not_offered_to_residents(db):
    offered = Service.objects.offered_to_residents()

    assert not offered.filter(code="perintah-perjalanan-dinas").exists()
    assert offered.filter(code="keterangan-domisili").exists()


# --------------------------------------------------------------------------- search


def found(query):
    return set(Service.objects.offered_to_residents().search(query).values_list("code", flat=True))


def test_ktp_finds_the_electronic_id_card(db):
    assert "dukcapil-ktp-el" in found("ktp")
    assert "dukcapil-ktp-el" in found("e-KTP")
    assert "dukcapil-ktp-el" in found("Kartu Tanda Penduduk")


def test_pindah_finds_the_moving_letter(db):
    assert "keterangan-pindah-penduduk" in found("pindah")
    assert "keterangan-pindah-penduduk" in found("surat pindahan")
    assert "keterangan-pindah-penduduk" in found("mutasi")


def test_usaha_finds_the_business_letter_and_so_do_its_synonyms(db):
    assert "keterangan-usaha" in found("usaha")
    assert "keterangan-usaha" in found("bisnis")
    assert "keterangan-usaha" in found("Surat Keterangan Usaha")


def test_a_root_word_finds_the_affixed_one(db):
    assert "keterangan-kelahiran" in found("lahir")
    assert "keterangan-kematian" in found("meninggal")
    assert "keterangan-kematian" in found("kematian")


def test_misspelt_akte_finds_the_birth_certificate(db):
    assert "dukcapil-akta-kelahiran" in found("akte lahir")


def test_every_word_of_the_query_must_match(db):
    assert found("akta kematian") >= {"dukcapil-akta-kematian"}
    assert "dukcapil-akta-kelahiran" not in found("akta kematian")


def test_case_accents_and_punctuation_do_not_matter(db):
    assert found("SKTM!") == found("sktm") == found("kurang mampu")
    assert "keterangan-kurang-mampu" in found("sktm")


def test_an_empty_query_lists_everything_offered(db):
    assert found("") == found("   ")
    assert len(found("")) == Service.objects.offered_to_residents().count()


def test_search_text_follows_a_staff_edit(village_letter):
    village_letter.keywords = "surat kost"
    village_letter.save()

    assert "keterangan-domisili" in found("kost")


def test_the_load_catalogue_command_reports_what_it_did(db):
    from io import StringIO

    from django.core.management import call_command

    Service.objects.filter(code="kuasa").delete()
    output = StringIO()

    call_command("load_catalogue", stdout=output)

    assert output.getvalue().startswith("1 created, 0 updated, 66 kept (67 in the file)")
