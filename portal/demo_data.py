"""Demo data of the resident portal: ratings of a few finished demo applications.

The kiosk device account (``kios.sarongan``) comes from ``accounts.demo``; sign it in at
/anjungan/perangkat/ to turn a browser into the Sarongan kiosk.
"""

import random

from portal.models import ServiceRating
from services.models import Application, State

COMMENTS = [
    "Cepat dan petugasnya ramah.",
    "Surat jadi sesuai janji.",
    "Perlu menunggu agak lama di kecamatan.",
    "",
]


def seed(*, seed: int, stdout) -> None:
    """Rate up to five issued applications, once (a second run adds nothing)."""
    if ServiceRating.objects.exists():
        stdout.write("Portal: service ratings already present, skipped.\n")
        return
    rng = random.Random(seed)
    finished = (
        Application.objects.filter(state=State.ISSUED, rating__isnull=True)
        .select_related("created_by")
        .order_by("id")[:5]
    )
    created = 0
    for application in finished:
        ServiceRating.objects.create(
            application=application,
            rated_by=application.created_by,
            score=rng.choice([3, 4, 4, 5, 5]),
            comment=rng.choice(COMMENTS),
        )
        created += 1
    stdout.write(
        f"Portal: {created} service ratings added; kiosk set-up at /anjungan/perangkat/ "
        "(account kios.sarongan).\n"
    )
