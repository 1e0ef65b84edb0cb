"""Create the regency CA and a signing certificate for every issuing office.

Offices are the villages and districts of the region table and the active agencies. Existing
keys are kept; run it again after adding an agency. Issuing creates a missing office key on
the fly too, so this command only moves that work ahead of time.
"""

from django.core.management.base import BaseCommand

from agencies.models import Agency
from documents import signing
from regions.models import Level, Region


class Command(BaseCommand):
    help = "Create the demo signing CA and one signing certificate per issuing office."

    def add_arguments(self, parser):
        parser.add_argument(
            "--office",
            action="append",
            default=[],
            help="Only this office code (repeatable), e.g. 35.10.01.2001 or dispendukcapil.",
        )

    def handle(self, *args, **options):
        offices = self._offices(options["office"])
        directory = signing.key_dir()
        signing.ca_certificate()
        for code, name in offices:
            signing.ensure_office_keys(code, name)
        self.stdout.write(
            f"Signing keys ready in {directory}: CA and {len(offices)} office certificates."
        )

    def _offices(self, only: list[str]) -> list[tuple[str, str]]:
        regions = Region.objects.filter(
            level__in=[Level.DISTRICT, Level.VILLAGE, Level.URBAN_VILLAGE]
        )
        offices = [(region.code, self._region_office(region)) for region in regions]
        offices += [(agency.code, agency.name) for agency in Agency.objects.filter(is_active=True)]
        if only:
            wanted = set(only)
            offices = [office for office in offices if office[0] in wanted]
            missing = wanted - {code for code, _name in offices}
            offices += [(code, code) for code in sorted(missing)]
        return offices

    @staticmethod
    def _region_office(region: Region) -> str:
        word = {
            Level.DISTRICT: "Kecamatan",
            Level.VILLAGE: "Desa",
            Level.URBAN_VILLAGE: "Kelurahan",
        }[region.level]
        return f"{word} {region.name}"
