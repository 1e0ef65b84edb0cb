"""The browsable API docs: ninja's Swagger UI, served by this server.

ninja's default docs page loads Swagger UI from a CDN unless ``ninja`` is an installed app.
This page uses the copy of Swagger UI shipped inside the ninja package, handed out by
:func:`asset` from a fixed list of files, and switches off Swagger UI's online validator, so
the page works offline and contacts no other host.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

import ninja
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja.openapi.docs import Swagger

ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = frozenset(
    {"swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css", "favicon.png", "favicon.svg"}
)
ASSET_MAX_AGE = 60 * 60 * 24


class OfflineSwagger(Swagger):
    template = "api/docs.html"
    default_settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # Swagger UI would otherwise send the schema to validator.swagger.io for a badge.
        "validatorUrl": None,
    }

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        return render(
            request,
            self.template,
            {
                "api": api,
                # Inside a <script> element: no "<" may end it early.
                "swagger_settings": json.dumps(self.settings).replace("<", "\\u003c"),
                "asset_version": ninja.__version__,
            },
        )


@require_GET
def asset(request, name: str):
    """One file of the Swagger UI bundled with ninja; anything else is a 404."""
    if name not in ASSETS:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}"
    return response


def asset_url(name: str) -> str:
    return reverse("api:docs_asset", args=[name])
