"""Signing in (resident, kiosk device, resident on a kiosk), signing out, and the caller's
tokens."""

from ninja import Router, Status
from ninja.pagination import paginate

from api import services
from api.auth import any_token_auth, kiosk_auth, resident_auth
from api.errors import ApiError, errors, get_visible_or_404
from api.models import ApiToken
from api.pagination import LimitOffset
from api.schemas import (
    KioskResidentSignIn,
    KioskSignIn,
    ResidentSignIn,
    TokenInfoOut,
    TokenOut,
)

router = Router(tags=["auth"])


def _token_out(issued: services.IssuedToken) -> dict:
    token = issued.token
    return {
        "token": issued.secret,
        "id": token.pk,
        "kind": token.kind,
        "expires_at": token.expires_at,
    }


def _refused(request, refused: services.SignInRefused) -> ApiError:
    if refused.locked_out:
        # Answer the lockout here, in the API's format: axes' middleware would otherwise swap
        # this response for its HTML lockout page.
        request.axes_locked_out = False
        return ApiError(429, "locked_out", refused.message)
    return ApiError(401, "invalid_credentials", refused.message)


@router.post("/token", auth=None, response={201: TokenOut, **errors(401, 422, 429)})
def sign_in(request, payload: ResidentSignIn):
    """A resident signs in on the app with NIK and PIN; the token is shown only here."""
    try:
        issued = services.sign_in_resident(
            request, nik=payload.nik, pin=payload.pin, device_name=payload.device_name
        )
    except services.SignInRefused as refused:
        raise _refused(request, refused) from None
    return Status(201, _token_out(issued))


@router.post("/kiosk/token", auth=None, response={201: TokenOut, **errors(401, 422, 429)})
def kiosk_sign_in(request, payload: KioskSignIn):
    """A kiosk device signs in with its device account; the token is bound to its village."""
    try:
        issued = services.sign_in_kiosk(
            request,
            username=payload.username,
            password=payload.password,
            device_name=payload.device_name,
        )
    except services.SignInRefused as refused:
        raise _refused(request, refused) from None
    return Status(201, _token_out(issued))


@router.post(
    "/kiosk/resident-token", auth=kiosk_auth, response={201: TokenOut, **errors(401, 422, 429)}
)
def kiosk_resident_sign_in(request, payload: KioskResidentSignIn):
    """A resident signs in on a kiosk: a token of a few minutes, ended with the kiosk session."""
    try:
        issued = services.sign_in_resident_at_kiosk(
            request, request.api_token, nik=payload.nik, pin=payload.pin
        )
    except services.SignInRefused as refused:
        raise _refused(request, refused) from None
    return Status(201, _token_out(issued))


@router.post("/sign-out", auth=any_token_auth, response={204: None, **errors(401)})
def sign_out(request):
    """End the session of the token used for this request (and, for a kiosk, its residents)."""
    services.revoke_token(request.api_token, by=request.auth, request=request)
    return Status(204, None)


tokens = Router(tags=["tokens"])


@tokens.get("", auth=resident_auth, response={200: list[TokenInfoOut], **errors(401, 422)})
@paginate(LimitOffset)
def token_list(request):
    """The caller's own tokens, newest first, including revoked and expired ones."""
    return ApiToken.objects.owned_by(request.auth).order_by("-created_at", "-id")


@tokens.delete("/{int:token_id}", auth=resident_auth, response={204: None, **errors(401, 404)})
def token_revoke(request, token_id: int):
    """Revoke one of the caller's tokens, e.g. of a lost phone. Someone else's is a 404."""
    token = get_visible_or_404(ApiToken.objects.owned_by(request.auth), pk=token_id)
    services.revoke_token(token, by=request.auth, request=request)
    return Status(204, None)
