"""The service catalogue: public, the same services the web catalogue shows."""

from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from api.errors import errors, get_visible_or_404
from api.pagination import LimitOffset
from api.schemas import ServiceDetailOut, ServiceOut
from services.models import Service

router = Router(tags=["catalogue"])

SLUG = r"^[-a-zA-Z0-9_]+$"


class CatalogueFilter(Schema):
    q: str = Field("", max_length=100, description="Kata pencarian, misalnya 'ktp' atau 'usaha'")


@router.get("", auth=None, response={200: list[ServiceOut], **errors(422)})
@paginate(LimitOffset)
def service_list(request, filters: Query[CatalogueFilter]):
    """Services offered to residents, by name; ``q`` searches names and keywords."""
    found = Service.objects.offered_to_residents().select_related("agency")
    if filters.q.strip():
        found = found.search(filters.q)
    return found.order_by("name", "id")


@router.get("/{code}", auth=None, response={200: ServiceDetailOut, **errors(404, 422)})
def service_detail(request, code: str = Path(..., max_length=80, pattern=SLUG)):
    """One service: official fee and its legal basis, requirements, and the form to fill."""
    return get_visible_or_404(
        Service.objects.offered_to_residents().select_related("agency"), code=code
    )
