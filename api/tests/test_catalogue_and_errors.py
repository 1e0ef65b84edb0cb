"""The public catalogue, the error format for every kind of error, and the docs page."""

import importlib.util
import re

from api.main import OPTIONAL_ROUTERS
from services.models import Service


def test_the_catalogue_is_public_and_paginated(api):
    page = api.get("/services", {"limit": 5}).json()

    offered = Service.objects.offered_to_residents().count()
    assert page["count"] == offered
    assert len(page["items"]) == 5
    assert {"code", "name", "fee", "fee_label", "accepts_app"} <= set(page["items"][0])


def test_the_catalogue_is_searched_in_indonesian(api):
    page = api.get("/services", {"q": "ktp"}).json()

    assert page["count"] >= 1
    assert all("KTP" in item["name"] or "ktp" in item["code"] for item in page["items"])


def test_a_service_shows_its_form_and_fee(api):
    body = api.get("/services/keterangan-domisili").json()

    assert body["fee_label"] == "Gratis (Rp0)"
    assert [field["key"] for field in body["form"]] == ["keperluan"]
    assert body["required_documents"]
    assert [item["key"] for item in body["requirements"]] == body["required_documents"]
    assert [item["label"] for item in body["requirements"]] == body["required_documents"]


def test_requirements_are_named_in_the_language_asked_and_keyed_in_indonesian(client, db):
    body = client.get("/api/v1/services/keterangan-domisili", HTTP_ACCEPT_LANGUAGE="en").json()

    assert "Fotokopi KTP-el" in body["required_documents"]
    assert {"key": "Fotokopi KTP-el", "label": "Copy of the electronic ID card (KTP-el)"} in body[
        "requirements"
    ]


def test_an_internal_letter_is_not_in_the_catalogue(api):
    response = api.get("/services/perintah-perjalanan-dinas")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_catalogue_list_takes_the_same_number_of_queries_for_any_page_size(
    api, django_assert_num_queries
):
    with django_assert_num_queries(2):
        api.get("/services", {"limit": 1})
    with django_assert_num_queries(2):
        api.get("/services", {"limit": 100})


def test_an_unknown_path_is_a_json_404(api):
    response = api.get("/tidak-ada/sama-sekali")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_method_a_path_does_not_take_is_a_json_405(api):
    response = api.delete("/services")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_malformed_json_is_a_json_error(client, db):
    response = client.post("/api/v1/auth/token", "{not json", content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


def test_messages_follow_the_accept_language_header(client, db):
    indonesian = client.get("/api/v1/services/tidak-ada").json()["message"]
    english = client.get("/api/v1/services/tidak-ada", HTTP_ACCEPT_LANGUAGE="en").json()

    assert english["code"] == "not_found"
    assert english["message"] != indonesian


def test_a_server_error_is_json_and_says_nothing_of_the_cause(api, monkeypatch, db):
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(Service.objects, "offered_to_residents", broken)

    response = api.get("/services")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "secret detail" not in response.content.decode()


def test_the_openapi_document_describes_the_api(api):
    schema = api.get("/openapi.json").json()

    assert schema["info"]["title"] == "Smart Kampung API"
    assert "/api/v1/applications/{application_id}" in schema["paths"]
    assert {"ResidentBearer", "KioskBearer"} <= set(schema["components"]["securitySchemes"])


def test_the_docs_page_loads_nothing_from_other_hosts(client, db):
    page = client.get("/api/v1/docs")

    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/api/v1/docs/assets/") for source in sources)
    assert '"validatorUrl": null' in html
    for source in sources:
        assert client.get(source.split("?")[0]).status_code == 200


def test_only_the_listed_docs_assets_are_served(client, db):
    assert client.get("/api/v1/docs/assets/redoc.standalone.js.map").status_code == 404
    assert client.get("/api/v1/docs/assets/..%2F..%2F__init__.py").status_code == 404


def test_every_optional_router_present_is_mounted(api):
    paths = api.get("/openapi.json").json()["paths"]

    for module_name, prefix in OPTIONAL_ROUTERS:
        if importlib.util.find_spec(module_name) is not None:
            assert any(path.startswith(f"/api/v1{prefix}") for path in paths), module_name
