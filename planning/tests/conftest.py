from datetime import date

import pytest

from accounts.roles import Role
from planning import services
from planning.models import MeetingLevel

YEAR = 2026


@pytest.fixture
def proposal_data():
    return {
        "title": "Perbaikan jalan dusun Krajan",
        "sector": "infrastructure",
        "location": "Dusun Krajan RT 01",
        "estimated_cost": "150000000",
        "hamlet": "Krajan",
    }


@pytest.fixture
def propose(proposal_data):
    def make(user, **changes):
        return services.create_proposal(user, year=YEAR, **{**proposal_data, **changes})

    return make


@pytest.fixture
def village_head(make_user, village):
    return make_user(Role.VILLAGE_HEAD, region=village)


@pytest.fixture
def meeting(village_officer):
    def make(level, user=None, year=YEAR):
        return services.create_meeting(
            user or village_officer,
            year=year,
            level=level,
            held_on=date(year, 1, 20),
            minutes=f"Notulen rapat tingkat {int(level)}",
        )

    return make


@pytest.fixture
def walk(meeting, village_officer, district_head, regent):
    """Take a proposal through hamlet, village and district to the regency stage."""

    def run(proposal):
        services.decide(proposal, meeting(MeetingLevel.HAMLET), "forwarded", village_officer)
        services.decide(proposal, meeting(MeetingLevel.VILLAGE), "forwarded", village_officer)
        services.decide(
            proposal, meeting(MeetingLevel.DISTRICT, district_head), "forwarded", district_head
        )
        proposal.refresh_from_db()
        return proposal

    return run
