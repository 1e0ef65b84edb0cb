"""A resident's access history lists the exports that may hold their data (security.history)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import Role
from core.audit import WHOLE_REGENCY, record
from core.exports import PURPOSE_PARAM
from core.models import AuditEntry

HISTORY_URL = "/data-saya/riwayat-akses/"


def _export(actor, purpose, **kwargs):
    request = RequestFactory().get("/ekspor")
    request.export_purpose = purpose
    return record("people.resident.exported", actor=actor, request=request, **kwargs)


def test_an_export_covers_the_actors_region_or_the_whole_regency(
    village_officer, district_head, regent, other_village
):
    assert _export(village_officer, "rekap desa").covers_region == village_officer.region_id
    assert _export(district_head, "rekap kecamatan").covers_region == district_head.region_id
    assert _export(regent, "rekap kabupaten").covers_region == WHOLE_REGENCY
    assert _export(regent, "satu desa", covers=other_village).covers_region == other_village.pk
    # Not an export: no purpose, no region.
    assert record("people.resident.viewed", actor=regent).covers_region is None


def test_the_resident_sees_exports_of_their_village_district_and_regency_only(
    client, resident_user, village_officer, district_head, regent, other_village_officer,
    other_village, make_user, neighbour_village,
):  # fmt: skip
    _export(village_officer, "pendataan desa ABC")
    _export(district_head, "rekap kecamatan DEF")
    _export(regent, "rekap kabupaten GHI")
    _export(other_village_officer, "desa lain JKL")
    _export(regent, "desa lain saja MNO", covers=other_village)
    _export(make_user(Role.VILLAGE_OFFICER, region=neighbour_village), "desa tetangga PQR")
    client.force_login(resident_user)

    page = client.get(HISTORY_URL).content.decode()

    for shown in ("pendataan desa ABC", "rekap kecamatan DEF", "rekap kabupaten GHI"):
        assert shown in page
    for hidden in ("desa lain JKL", "desa lain saja MNO", "desa tetangga PQR"):
        assert hidden not in page
    assert page.count("Daftar penduduk") == 3


def test_an_economy_list_is_named_by_its_file(client, resident_user, village_officer):
    request = RequestFactory().get("/ekspor")
    request.export_purpose = "pendataan UMKM desa"
    record("economy.list.exported", actor=village_officer, request=request, list="umkm")
    client.force_login(resident_user)

    page = client.get(HISTORY_URL).content.decode()

    assert "Daftar UMKM" in page and "pendataan UMKM desa" in page


def test_a_residents_own_export_is_not_listed_and_staff_get_404(client, resident_user, regent):
    _export(resident_user, "unduhan sendiri")
    client.force_login(resident_user)
    assert "unduhan sendiri" not in client.get(HISTORY_URL).content.decode()

    client.force_login(regent)
    assert client.get(HISTORY_URL).status_code == 404


@pytest.mark.parametrize("narrowed", [True, False])
def test_a_register_export_searched_within_one_village_covers_that_village(
    client, district_head, village, neighbour_village, narrowed
):
    client.force_login(district_head)
    query = {PURPOSE_PARAM: "verifikasi data desa"}
    if narrowed:
        query["village"] = neighbour_village.code
    response = client.get(reverse("people:resident_export"), query)
    b"".join(response.streaming_content)

    entry = AuditEntry.objects.get(action="people.resident.exported")
    assert entry.covers_region == (neighbour_village.pk if narrowed else village.parent_id)
    assert entry.detail["purpose"] == "verifikasi data desa"
