"""Pages of the economy, planning and rollout apps in Chromium at 360 px: axe-core finds no
serious or critical problem and nothing scrolls sideways."""

from __future__ import annotations

import pytest

from browser_tests.conftest import STAFF_PASSWORD, sign_in
from browser_tests.support import CHROMIUM, no_sideways_scroll, serious_violations
from economy import services as economy
from planning import services as planning
from rollout import services as rollout
from rollout.tests.test_services import ANSWERS, QUESTIONS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def problems_on(page, url: str) -> list[str]:
    page.goto(url)
    found = serious_violations(page)
    if not no_sideways_scroll(page):
        found.append(f"{url}: scrolls sideways")
    return found


def test_pages_pass_axe_at_360px(page, village_officer, regent, resident_in_village):
    business = economy.register_business(
        village_officer,
        owner_nik=resident_in_village.nik,
        name="Warung Bu Sri",
        sector="retail",
        size="micro",
        is_warung=True,
    )
    round_ = economy.create_grocery_round(village_officer, name="Belanja", held_on="2026-05-10")
    training = economy.create_training(village_officer, title="T", programme="digital_marketing")
    proposal = planning.create_proposal(
        village_officer,
        year=planning.current_year(),
        title="Jalan",
        sector="infrastructure",
        location="Krajan",
        estimated_cost="1000",
    )
    questionnaire = rollout.create_questionnaire(regent, title="Monev", questions=QUESTIONS)
    sent = rollout.send_round(questionnaire, regent, name="R", villages=[village_officer.region])
    rollout.submit_answers(sent, village_officer, ANSWERS)

    problems: list[str] = []
    sign_in(page, village_officer.username, STAFF_PASSWORD)
    for url in (
        "/umkm/",
        f"/umkm/{business.pk}/",
        "/umkm/pelatihan/",
        f"/umkm/pelatihan/{training.pk}/",
        "/umkm/sembako/",
        f"/umkm/sembako/{round_.pk}/",
        "/umkm/sembako/laporan/",
        "/musrenbang/",
        "/musrenbang/baru/",
        f"/musrenbang/{proposal.pk}/",
        "/musrenbang/rapat/",
        f"/penerapan/desa/{village_officer.region.code}/",
        f"/kuesioner/putaran/{sent.pk}/",
        f"/kuesioner/putaran/{sent.pk}/jawab/",
    ):
        problems += problems_on(page, url)
    page.context.clear_cookies()
    sign_in(page, regent.username, STAFF_PASSWORD)
    for url in (
        "/penerapan/",
        "/kuesioner/",
        f"/kuesioner/{questionnaire.pk}/",
        "/kuesioner/baru/",
    ):
        problems += problems_on(page, url)
    assert problems == []
