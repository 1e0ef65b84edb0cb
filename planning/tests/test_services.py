from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from planning import services
from planning.models import MeetingLevel, Proposal, ProposalEvent, Status, Support
from planning.tests.conftest import YEAR

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_resident_and_officer_propose(resident_user, village_officer, village, propose):
    mine = propose(resident_user)
    assert mine.village == village and mine.proposed_by_resident == resident_user.resident
    theirs = propose(village_officer, title="Posyandu baru")
    assert theirs.village == village and theirs.proposed_by_resident is None
    assert mine.level == MeetingLevel.HAMLET and mine.status == Status.OPEN
    assert ProposalEvent.objects.filter(proposal=mine, kind="created").exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": " "}, "title"),
        ({"estimated_cost": "banyak"}, "estimated_cost"),
        ({"estimated_cost": "-5"}, "estimated_cost"),
        ({"sector": "space"}, "sector"),
    ],
)
def test_bad_proposal_fields_are_named(resident_user, propose, changes, field):
    with pytest.raises(ValidationError) as error:
        propose(resident_user, **changes)
    assert field in error.value.message_dict


def test_roles_without_a_village_cannot_propose(district_head, agency_officer, regent, propose):
    for user in (district_head, agency_officer, regent):
        with pytest.raises(PermissionDenied):
            propose(user)


def test_similar_proposals_are_suggested(
    resident_user, village_officer, village, propose, other_village_officer, other_village
):
    existing = propose(village_officer, title="Perbaikan jalan Dusun Krajan")
    propose(village_officer, title="Pembangunan posyandu")
    propose(other_village_officer, title="Perbaikan jalan dusun Krajan")  # another district
    found = services.similar_proposals(
        resident_user, "perbaikan jalan krajan", year=YEAR, village_id=village.pk
    )
    assert [p.pk for p in found] == [existing.pk]
    assert found[0].similarity >= services.SIMILARITY_CUTOFF
    assert (
        services.similar_proposals(
            resident_user, "perbaikan jalan krajan", year=YEAR + 1, village_id=village.pk
        )
        == []
    )


def test_one_support_per_resident(resident_user, village_officer, propose):
    proposal = propose(village_officer)
    services.support(proposal, resident_user)
    with pytest.raises(ValidationError, match="sudah mendukung"):
        services.support(proposal, resident_user)
    assert Support.objects.filter(proposal=proposal).count() == 1


def test_support_outside_village_is_refused(
    make_user, resident_elsewhere, village_officer, propose
):
    proposal = propose(village_officer)
    outsider = make_user(Role.RESIDENT, resident=resident_elsewhere)
    with pytest.raises(PermissionDenied):
        services.support(proposal, outsider)
    with pytest.raises(PermissionDenied):
        services.support(proposal, village_officer)


def test_stages_record_decision_and_minutes(
    propose, resident_user, walk, meeting, regent, district_head
):
    proposal = walk(propose(resident_user))
    assert proposal.level == MeetingLevel.REGENCY
    levels = list(proposal.decisions.values_list("level", "outcome", "meeting__minutes"))
    assert [row[0] for row in levels] == [1, 2, 3]
    assert all(row[2].startswith("Notulen") for row in levels)
    final = meeting(MeetingLevel.REGENCY, regent)
    services.decide(proposal, final, "funded", regent, funded_amount="120000000")
    proposal.refresh_from_db()
    assert proposal.status == Status.FUNDED and proposal.funded_amount == 120000000


def test_decisions_need_the_right_meeting_and_office(
    propose,
    resident_user,
    meeting,
    district_head,
    other_village_officer,
    village_officer,
    make_user,
    other_village,
):
    proposal = propose(resident_user)
    with pytest.raises(ValidationError, match="tahap"):
        services.decide(proposal, meeting(MeetingLevel.VILLAGE), "forwarded", village_officer)
    other_meeting = services.create_meeting(
        other_village_officer,
        year=YEAR,
        level=MeetingLevel.HAMLET,
        held_on=date(YEAR, 1, 2),
        minutes="Notulen",
    )
    with pytest.raises(PermissionDenied):
        services.decide(proposal, other_meeting, "forwarded", other_village_officer)
    with pytest.raises(PermissionDenied):
        services.create_meeting(
            district_head,
            year=YEAR,
            level=MeetingLevel.HAMLET,
            held_on=date(YEAR, 1, 2),
            minutes="x",
        )
    with pytest.raises(ValidationError, match="Notulen"):
        services.create_meeting(
            village_officer,
            year=YEAR,
            level=MeetingLevel.HAMLET,
            held_on=date(YEAR, 1, 2),
            minutes=" ",
        )
    with pytest.raises(ValidationError):
        services.decide(proposal, meeting(MeetingLevel.HAMLET), "funded", village_officer)


def test_merged_proposal_cannot_be_edited_and_is_never_lost(
    propose, resident_user, village_officer
):
    original = propose(resident_user, title="Jalan Krajan rusak")
    target = propose(village_officer, title="Perbaikan jalan Krajan")
    services.support(original, resident_user)
    services.merge([original], target, village_officer, note="Sama lokasinya")
    with pytest.raises(services.ProposalClosed, match=f"#{target.pk}"):
        services.edit_proposal(original, resident_user, title="Jalan Krajan rusak parah")
    original.refresh_from_db()
    assert original.title == "Jalan Krajan rusak"
    assert original.status == Status.MERGED and original.merged_into == target
    assert Proposal.objects.filter(pk=original.pk).exists()
    # The supporter of the original counts for the target too.
    assert target.supports.filter(resident=resident_user.resident).exists()
    lineage = services.lineage(target)
    assert lineage["merged_sources"] == [original]
    assert services.lineage(original)["final"] == target
    assert ProposalEvent.objects.filter(proposal=original, kind="merged_into").exists()


def test_edit_is_traced(propose, resident_user):
    proposal = propose(resident_user)
    services.edit_proposal(proposal, resident_user, estimated_cost="175000000")
    event = ProposalEvent.objects.get(proposal=proposal, kind="edited")
    assert event.detail["changes"]["estimated_cost"] == ["150000000", "175000000"]


def test_split_keeps_lineage(propose, resident_user, village_officer):
    proposal = propose(resident_user)
    services.support(proposal, resident_user)
    parts = services.split(
        proposal,
        [
            {"title": "Jalan Krajan ruas utara", "estimated_cost": "80000000"},
            {"title": "Jalan Krajan ruas selatan", "estimated_cost": "70000000"},
        ],
        village_officer,
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.SPLIT
    assert {p.split_from_id for p in parts} == {proposal.pk}
    assert all(p.supports.count() == 1 for p in parts)
    with pytest.raises(services.ProposalClosed):
        services.edit_proposal(proposal, village_officer, title="X")
    with pytest.raises(ValidationError, match="Bagian 2"):
        services.split(
            parts[0],
            [{"title": "A", "estimated_cost": "1"}, {"title": "", "estimated_cost": "1"}],
            village_officer,
        )


def test_merge_outside_scope_is_refused(propose, village_officer, other_village_officer):
    a = propose(village_officer)
    b = propose(other_village_officer)
    with pytest.raises(PermissionDenied):
        services.merge([a], b, other_village_officer)


def test_unfunded_carry_over_once(propose, resident_user, walk, meeting, regent):
    proposal = walk(propose(resident_user))
    services.support(proposal, resident_user)
    services.decide(proposal, meeting(MeetingLevel.REGENCY, regent), "unfunded", regent)
    created = services.carry_over(YEAR, regent)
    assert len(created) == 1
    new = created[0]
    assert new.year == YEAR + 1 and new.carried_from_id == proposal.pk
    assert new.level == MeetingLevel.VILLAGE and new.supports.count() == 1
    assert services.carry_over(YEAR, regent) == []
    proposal.refresh_from_db()
    assert proposal.status == Status.CARRIED_OVER


def test_funded_progress(propose, resident_user, walk, meeting, regent, village_officer):
    proposal = walk(propose(resident_user))
    with pytest.raises(ValidationError, match="didanai"):
        services.report_progress(proposal, village_officer, percent=10)
    services.decide(proposal, meeting(MeetingLevel.REGENCY, regent), "funded", regent)
    services.report_progress(proposal, village_officer, percent=40, note="Pengerasan")
    proposal.refresh_from_db()
    assert proposal.progress == 40
    with pytest.raises(ValidationError):
        services.report_progress(proposal, village_officer, percent=140)


def test_photo_must_be_an_image(propose, resident_user):
    proposal = propose(resident_user)
    photo = services.add_photo(proposal, resident_user, SimpleUploadedFile("a.png", PNG))
    assert photo.content_type == "image/png"
    with pytest.raises(ValidationError, match="JPEG atau PNG"):
        services.add_photo(proposal, resident_user, SimpleUploadedFile("a.png", b"MZ\x90\0"))


def test_visibility_by_role(
    propose,
    resident_user,
    village_officer,
    other_village_officer,
    district_head,
    regent,
    agency_officer,
    call_centre_operator,
    kiosk,
):
    proposal = propose(resident_user)
    for user in (resident_user, village_officer, district_head, regent):
        assert services.visible_proposals(user).filter(pk=proposal.pk).exists()
    for user in (other_village_officer, agency_officer, call_centre_operator, kiosk):
        assert not services.visible_proposals(user).exists()


def test_a_hamlet_meeting_decides_only_its_own_hamlets_proposals(
    propose, resident_user, village_officer
):
    from datetime import date

    from planning.models import MeetingLevel

    krajan = propose(resident_user, hamlet="Krajan")
    elsewhere = services.create_meeting(
        village_officer,
        year=krajan.year,
        level=MeetingLevel.HAMLET,
        held_on=date(krajan.year, 1, 15),
        minutes="Notulen musyawarah dusun Sumberjo",
        hamlet="Sumberjo",
    )
    own = services.create_meeting(
        village_officer,
        year=krajan.year,
        level=MeetingLevel.HAMLET,
        held_on=date(krajan.year, 1, 16),
        minutes="Notulen musyawarah dusun Krajan",
        hamlet=" krajan ",
    )

    with pytest.raises(ValidationError, match="dusun Krajan"):
        services.decide(krajan, elsewhere, "forwarded", village_officer)
    services.decide(krajan, own, "forwarded", village_officer)
    krajan.refresh_from_db()
    assert krajan.level == MeetingLevel.VILLAGE
