"""``/api/``: version 1 of the REST API, its docs' assets, and JSON 404s for unknown paths."""

from django.urls import path, re_path

from api import docs
from api.errors import json_error_view, jsonify_plain_errors
from api.main import api

app_name = "api"

_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    _pattern.callback = jsonify_plain_errors(_pattern.callback)

urlpatterns = [
    path("v1/docs/assets/<str:name>", docs.asset, name="docs_asset"),
    path("v1/", (_patterns, _app, _namespace)),
    re_path(r"^.*$", json_error_view(404, "not_found")),
]
