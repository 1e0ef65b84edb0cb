import io

from health import demo_data
from health.models import AffectedResident, IsolationHouse, IsolationStay, Vaccination
from people.demo import seed_population


def test_demo_data_is_deterministic_and_idempotent(db):
    seed_population(residents=600, seed=3)
    out = io.StringIO()
    demo_data.seed(seed=3, stdout=out)
    counts = (
        Vaccination.objects.count(),
        IsolationHouse.objects.count(),
        IsolationStay.objects.count(),
        AffectedResident.objects.count(),
    )
    assert counts[0] > 300 and counts[1] == 12 and counts[2] > 0 and counts[3] > 0
    # Every stay respects its house's capacity; every dose passed the import's checks.
    for house in IsolationHouse.objects.all():
        assert house.stays.count() <= house.capacity
    demo_data.seed(seed=3, stdout=out)
    assert (
        Vaccination.objects.count(),
        IsolationHouse.objects.count(),
        IsolationStay.objects.count(),
        AffectedResident.objects.count(),
    ) == counts
    assert "skipped" in out.getvalue()
