"""Fixtures for the API tests: signed-in tokens for each kind of caller, and a JSON client."""

from __future__ import annotations

import json

import pytest

from accounts.roles import Role
from api import services as api_services
from api.models import TokenKind

PIN = "284751"
KIOSK_PASSWORD = "kios-Sarongan-2026!"


class ApiClient:
    """Django's test client speaking JSON, with an optional bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def _headers(self, token):
        token = token if token is not None else self.token
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, data=None, *, token=None):
        return self.client.get(f"/api/v1{path}", data, **self._headers(token))

    def delete(self, path, *, token=None):
        return self.client.delete(f"/api/v1{path}", **self._headers(token))

    def post(self, path, payload=None, *, token=None):
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(payload if payload is not None else {}),
            content_type="application/json",
            **self._headers(token),
        )

    def put(self, path, payload, *, token=None):
        return self.client.put(
            f"/api/v1{path}",
            json.dumps(payload),
            content_type="application/json",
            **self._headers(token),
        )

    def upload(self, path, files, data=None, *, token=None):
        return self.client.post(f"/api/v1{path}", {**(data or {}), **files}, **self._headers(token))


@pytest.fixture
def api(client, db):
    return ApiClient(client)


@pytest.fixture
def resident_account(make_user, resident_in_village):
    return make_user(Role.RESIDENT, resident=resident_in_village, password=PIN)


@pytest.fixture
def issue(db):
    """A token of ``kind`` for ``user``, issued the way sign-in issues it."""

    def make(user, kind=TokenKind.RESIDENT, **kwargs):
        kwargs.setdefault("lifetime", api_services.resident_token_lifetime())
        return api_services.issue_token(user, kind=kind, **kwargs)

    return make


@pytest.fixture
def resident_api(client, resident_account, issue):
    return ApiClient(client, issue(resident_account).secret)


@pytest.fixture
def kiosk_account(make_user, village):
    return make_user(Role.KIOSK, region=village, password=KIOSK_PASSWORD)
