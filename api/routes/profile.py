"""The signed-in resident's own register data and their family card."""

from ninja import Router

from api.auth import resident_auth
from api.errors import errors, get_visible_or_404
from api.schemas import FamilyOut, ResidentOut
from people.models import Family, Resident
from people.nik import mask_nik

router = Router(tags=["profile"], auth=resident_auth)


@router.get("", response={200: ResidentOut, **errors(401, 404)})
def me(request):
    """The caller's own record in the population register."""
    return get_visible_or_404(
        Resident.objects.visible_to(request.auth).select_related("village"),
        pk=request.auth.resident_id,
    )


@router.get("/family", response={200: FamilyOut, **errors(401, 404)})
def my_family(request):
    """The caller's family card and its members (NIKs masked), for choosing whom to apply for."""
    resident = get_visible_or_404(
        Resident.objects.visible_to(request.auth), pk=request.auth.resident_id
    )
    family = get_visible_or_404(
        Family.objects.visible_to(request.auth).select_related("village"), pk=resident.family_id
    )
    members = Resident.objects.visible_to(request.auth).filter(family=family)
    return {
        "no_kk": family.no_kk,
        "address": family.address,
        "rt": family.rt,
        "rw": family.rw,
        "village_name": family.village.name,
        "members": [
            {
                "id": member.pk,
                "full_name": member.full_name,
                "sex": member.sex,
                "birth_date": member.birth_date,
                "relationship": member.relationship,
                "nik_masked": mask_nik(member.nik or member.temp_id),
            }
            for member in members.order_by("full_name", "id")
        ],
    }
