from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import now as timezone_now

from accounts.roles import Role
from core.workdays import regency_today
from dashboards import presentation, services
from dashboards.models import Aggregate
from services import services as application_services
from services.models import Application, Service, State

pytestmark = pytest.mark.django_db

VILLAGE_LETTER = "keterangan-domisili"


@pytest.fixture
def add_applications(make_user, make_resident, make_family):
    """``n`` applications for residents of ``village``, in ``state``, some past due."""

    def add(village, n, *, state=State.SUBMITTED, overdue=0):
        service = Service.objects.get(code=VILLAGE_LETTER)
        created = []
        for index in range(n):
            family = make_family(village)
            resident = make_resident(village, family=family)
            user = make_user(Role.RESIDENT, resident=resident)
            application = application_services.start_application(
                service=service,
                user=user,
                subject=resident,
                form_data={"keperluan": "Melamar pekerjaan"},
            )
            due = regency_today() - timedelta(days=3 if index < overdue else -5)
            Application.objects.filter(pk=application.pk).update(state=state, due_date=due)
            created.append(application)
        return created

    return add


def _value(metric, village=None, dimension=""):
    rows = Aggregate.objects.filter(metric=metric, dimension=dimension)
    if village is not None:
        rows = rows.filter(village=village)
    return sum(rows.values_list("value", flat=True))


class TestRefresh:
    def test_figures_match_the_source_tables(self, add_applications, village, other_village):
        add_applications(village, 3, overdue=1)
        add_applications(other_village, 2, state=State.ISSUED)
        services.refresh()
        assert _value("population.living", village) == 3
        assert _value("applications.pending", village) == 3
        assert _value("applications.overdue", village) == 1
        assert _value("applications.pending", other_village) == 0
        assert _value("applications.state", other_village, State.ISSUED) == 2
        assert _value("applications.service", None, VILLAGE_LETTER) == 5

    def test_a_second_refresh_replaces_instead_of_adding(self, add_applications, village):
        add_applications(village, 2)
        services.refresh()
        first = set(Aggregate.objects.values_list("metric", "village", "dimension", "value"))
        services.refresh()
        assert set(Aggregate.objects.values_list("metric", "village", "dimension", "value")) == (
            first
        )

    def test_the_refresh_job_runs_for_the_regent_only(self, client, regent, district_head):
        client.force_login(district_head)
        assert client.post("/dasbor/perbarui/").status_code == 403
        client.force_login(regent)
        response = client.post("/dasbor/perbarui/")
        assert response.status_code == 302 and response["Location"].startswith("/tugas/")
        assert services.last_refresh() is not None


class TestScope:
    def test_each_role_sees_its_own_area(
        self, client, regent, district_head, village_officer, village, other_village
    ):
        services.refresh()
        client.force_login(regent)
        assert "Kabupaten Banyuwangi" in client.get("/dasbor/").content.decode()
        assert client.get(f"/dasbor/wilayah/{other_village.code}/").status_code == 200
        client.force_login(district_head)
        page = client.get("/dasbor/")
        assert village.parent.name in page.content.decode()
        assert client.get(f"/dasbor/wilayah/{village.code}/").status_code == 200
        client.force_login(village_officer)
        assert village.name in client.get("/dasbor/").content.decode()

    def test_areas_outside_the_scope_are_404(
        self, client, district_head, village_officer, village, neighbour_village, other_village
    ):
        client.force_login(district_head)
        assert client.get(f"/dasbor/wilayah/{other_village.parent.code}/").status_code == 404
        assert client.get(f"/dasbor/wilayah/{other_village.code}/").status_code == 404
        client.force_login(village_officer)
        assert client.get(f"/dasbor/wilayah/{neighbour_village.code}/").status_code == 404
        assert client.get(f"/dasbor/wilayah/{village.parent.code}/").status_code == 404
        assert client.get("/dasbor/wilayah/35.10/").status_code == 404

    def test_residents_kiosks_and_agencies_have_no_dashboard(
        self, client, resident_user, kiosk, agency_officer, call_centre_operator
    ):
        for user in (resident_user, kiosk, agency_officer, call_centre_operator):
            client.force_login(user)
            assert client.get("/dasbor/").status_code == 403
            assert client.get("/dasbor/ekspor.csv").status_code == 403

    def test_the_export_holds_only_the_scope(
        self, client, add_applications, district_head, village, other_village
    ):
        add_applications(village, 1)
        add_applications(other_village, 1)
        services.refresh()
        client.force_login(district_head)
        body = b"".join(client.get("/dasbor/ekspor.csv").streaming_content).decode()
        assert village.code in body and other_village.code not in body
        response = client.get("/dasbor/ekspor.xlsx")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_page_runs_the_same_queries_whatever_the_data(
    client, regent, add_applications, village, other_village
):
    def count_queries():
        services.refresh()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/dasbor/").status_code == 200
        return len(queries)

    client.force_login(regent)
    client.get("/dasbor/")  # warm the session and the caches
    add_applications(village, 2)
    small = count_queries()
    add_applications(other_village, 12, overdue=4)
    assert count_queries() == small


class TestPresentation:
    def test_heat_classes_split_the_range_in_fifths(self):
        values = [0, 25, 50, 75, 100]
        assert [presentation.heat_class(v, values) for v in values] == [
            "heat-0",
            "heat-1",
            "heat-2",
            "heat-3",
            "heat-4",
        ]
        assert presentation.heat_class(None, values) == "heat-none"

    def test_a_chart_shows_the_largest_first_scaled_to_the_top(self):
        chart = presentation.chart("t", [("a", 5), ("b", 10), ("c", 0)], labels={"b": "Bee"})
        assert [(bar.label, bar.width) for bar in chart.bars] == [("Bee", 100.0), ("a", 50.0)]

    def test_the_tile_map_places_every_village_once(self, village, other_village):
        groups = [("A", [(village, {"applications.overdue": 2})]), ("B", [(other_village, {})])]
        tile_map = presentation.tile_map(groups, lambda f: f.get("applications.overdue"), str)
        tiles = [tile for block in tile_map["blocks"] for tile in block.tiles]
        assert [tile.label for tile in tiles] == [village.name, other_village.name]
        assert tiles[1].css == "heat-none" and tiles[1].shown == "—"


class TestOtherSources:
    def test_readiness_is_averaged_over_the_villages_of_an_area(self, village, neighbour_village):
        from rollout.models import VillageReadiness

        VillageReadiness.objects.create(village=village, stage=2, score=80)
        VillageReadiness.objects.create(village=neighbour_village, stage=1, score=40)
        services.refresh()
        scope = services.Scope("district", village.parent)
        figures = services.by_child(services.Scope("regency"), presentation.AREA_METRICS)
        assert presentation.readiness(figures[village.parent_id]) == 60
        totals = services.totals(scope)
        assert totals[("rollout.stage", "2")] == 1 and totals[("rollout.stage", "1")] == 1

    def test_a_mall_queue_counts_for_the_regency_but_no_district(self, village):
        from queues.models import LineDay, PointKind, ServiceLine, ServicePoint
        from regions.models import Region

        regency = Region.objects.get(code="35.10")
        mall = ServicePoint.objects.create(
            code="mpp", name="Mal Pelayanan Publik", kind=PointKind.MALL, region=regency
        )
        desk = ServicePoint.objects.create(
            code="desa", name="Kantor desa", kind=PointKind.VILLAGE_OFFICE, region=village
        )
        for point, served in ((mall, 30), (desk, 10)):
            line = ServiceLine.objects.create(point=point, name="KTP", prefix="A")
            LineDay.objects.create(
                line=line, day=regency_today(), served=served, wait_seconds_total=served * 600
            )
        services.refresh()
        regency_totals = services.totals(services.Scope("regency"))
        assert regency_totals[("queues.served", "")] == 40
        district_totals = services.totals(services.Scope("district", village.parent))
        assert district_totals[("queues.served", "")] == 10
        assert Aggregate.objects.filter(metric="queues.served", district__isnull=True).count() == 1

    def test_assistance_recipients_and_flags_per_village(self, resident_in_village, village):
        from assistance.models import Flag, Membership, Programme

        programme = Programme.objects.get(code="PKH")
        Membership.objects.create(
            programme=programme,
            period="2026",
            resident=resident_in_village,
            family=resident_in_village.family,
            village=village,
            match_method="nik",
        )
        for number, status in enumerate(["open", "confirmed", "rejected"]):
            Flag.objects.create(
                key=f"test-{number}",
                kind="combination",
                programme=programme,
                period="2026",
                village=village,
                reason="PKH dengan BLT Dana Desa",
                status=status,
            )
        services.refresh()
        totals = services.totals(services.Scope("village", village))
        assert totals[("assistance.recipients", "PKH")] == 1
        assert totals[("assistance.flags", "combination")] == 2  # a rejected flag is no catch

    def test_complaints_by_category_open_and_overdue(self, village):
        from datetime import timedelta

        from django.utils import timezone

        from complaints import services as complaint_services
        from complaints.models import Category, Channel, Complaint

        for category in (Category.INFRASTRUCTURE, Category.INFRASTRUCTURE, Category.HEALTH):
            complaint_services.submit_complaint(
                complaint_services.Intake(
                    category=category,
                    description="Lampu jalan di dusun mati sejak seminggu.",
                    village=village,
                    reporter_name="Warga Pelapor",
                    reporter_phone="081200000001",
                ),
                channel=Channel.WEB,
                user=None,
            )
        Complaint.objects.filter(category=Category.HEALTH).update(
            due_at=timezone.now() - timedelta(days=1)
        )
        services.refresh()
        totals = services.totals(services.Scope("village", village))
        assert totals[("complaints.category", Category.INFRASTRUCTURE)] == 2
        assert totals[("complaints.open", "")] == 3
        assert totals[("complaints.overdue", "")] == 1

    def test_vaccination_coverage_and_free_isolation_places(self, make_resident, village):
        from datetime import date

        from health.models import IsolationHouse, IsolationStay, Vaccination

        adults = [make_resident(village, birth_date=date(1980, 1, 1)) for _ in range(4)]
        make_resident(village, birth_date=regency_today())  # a newborn is not eligible
        Vaccination.objects.create(resident=adults[0], dose=1, given_on=date(2021, 8, 1))
        Vaccination.objects.create(resident=adults[0], dose=2, given_on=date(2021, 9, 1))
        Vaccination.objects.create(resident=adults[1], dose=1, given_on=date(2021, 8, 2))
        house = IsolationHouse.objects.create(
            village=village, name="Rumah isolasi", address="Dusun Krajan", capacity=5
        )
        IsolationStay.objects.create(house=house, resident=adults[2])
        IsolationStay.objects.create(house=house, resident=adults[3], discharged_at=timezone_now())
        services.refresh()
        totals = services.totals(services.Scope("village", village))
        assert totals[("vaccination.eligible", "")] == 4
        assert totals[("vaccination.dose1", "")] == 2 and totals[("vaccination.dose2", "")] == 1
        assert totals[("isolation.capacity", "")] == 5
        assert totals[("isolation.occupied", "")] == 1


def test_in_english_the_dashboard_names_services_and_counts_in_english(
    client, regent, add_applications, village
):
    add_applications(village, 2)
    service = Service.objects.get(code=VILLAGE_LETTER)
    assert service.name_en and service.name_en != service.name
    services.refresh()
    client.force_login(regent)
    client.post("/i18n/setlang/", {"language": "en", "next": "/dasbor/"})

    page = client.get("/dasbor/").content.decode()

    assert service.name_en in page and service.name not in page
    assert ">Residents<" in page
