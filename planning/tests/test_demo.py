import io

from planning import demo_data


def test_demo_seed_is_idempotent(resident_in_village, make_resident, village):
    for i in range(12):
        make_resident(village, family=resident_in_village.family, full_name=f"DEMO {i}")
    out = io.StringIO()
    demo_data.seed(seed=7, stdout=out)
    counts = _counts()
    assert sum(counts) > 0
    demo_data.seed(seed=7, stdout=out)
    assert _counts() == counts
    assert "already present" in out.getvalue()


def _counts():
    from planning.models import Proposal, Support

    return (Proposal.objects.count(), Support.objects.count())
