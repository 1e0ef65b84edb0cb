"""The API's one NinjaAPI instance and the routers mounted on it."""

from __future__ import annotations

import importlib
import logging

from ninja import NinjaAPI

from api import errors
from api.docs import OfflineSwagger
from api.routes import applications, auth, catalogue, profile

logger = logging.getLogger(__name__)

#: Routers of other apps, mounted when the app provides them: (module, prefix).
OPTIONAL_ROUTERS = (
    ("complaints.api", "/complaints"),
    ("queues.api", "/queues"),
    ("assistance.api", "/assistance"),
)

DESCRIPTION = """\
API Smart Kampung untuk aplikasi Android dan anjungan (kios) desa.

Sign in with `POST /auth/token` (NIK + PIN) and send `Authorization: Bearer <token>`.
A kiosk signs in with `POST /auth/kiosk/token`; a resident then signs in on it with
`POST /auth/kiosk/resident-token` and gets a short-lived token.
Every error is `{"code", "message", "fields"}`; every list takes `limit` (max 100) and `offset`.
"""


def optional_routers():
    """(prefix, router) of each optional app router that can be imported."""
    found = []
    for module_name, prefix in OPTIONAL_ROUTERS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            logger.debug("API router %s not present", module_name)
            continue
        found.append((prefix, module.router))
    return found


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="Smart Kampung API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api:v1",
        docs=OfflineSwagger(),
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    errors.install(api)
    api.add_router("/auth", auth.router)
    api.add_router("/tokens", auth.tokens)
    api.add_router("/services", catalogue.router)
    api.add_router("/applications", applications.router)
    api.add_router("/me", profile.router)
    for prefix, router in optional_routers():
        api.add_router(prefix, router)
    return api


api = build_api()
