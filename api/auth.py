"""Bearer-token authentication for API endpoints.

``request.auth`` is the signed-in ``User``; ``request.api_token`` the :class:`ApiToken` used.
"""

from __future__ import annotations

from ninja.security import HttpBearer

from api import services
from api.models import TokenKind
from services.models import Channel


class _TokenBearer(HttpBearer):
    kinds: tuple[str, ...] = ()

    def authenticate(self, request, token: str):
        found = services.check_token(token, kinds=self.kinds)
        if found is None:
            return None
        request.api_token = found
        # Django's own views and helpers read request.user; keep the two the same.
        request.user = found.user
        return found.user


class ResidentBearer(_TokenBearer):
    """A resident signed in on the app, or for a few minutes on a village kiosk."""

    kinds = (TokenKind.RESIDENT, TokenKind.KIOSK_RESIDENT)


class KioskBearer(_TokenBearer):
    """A kiosk device account, bound to its village."""

    kinds = (TokenKind.KIOSK,)


class AnyTokenBearer(_TokenBearer):
    """Any valid token: for signing out."""

    kinds = tuple(TokenKind.values)


resident_auth = ResidentBearer()
kiosk_auth = KioskBearer()
any_token_auth = AnyTokenBearer()


def channel_of(request) -> str:
    """The channel a resident's request comes through: the app, or a village kiosk."""
    token = getattr(request, "api_token", None)
    if token is not None and token.kind == TokenKind.KIOSK_RESIDENT:
        return Channel.KIOSK
    return Channel.APP
