"""One error format for the whole API: ``{"code", "message", "fields"}``.

Endpoints raise; the handlers registered by :func:`install` turn every exception into that
body with a stable ``code``. :func:`json_error_view` does the same for answers Django or ninja
give before an endpoint runs (an unknown path, a method the path does not take).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestValidationError

from api.schemas import ErrorOut
from services.workflow import IncompleteStep, NotPermitted, TransitionNotAllowed, WorkflowError

logger = logging.getLogger(__name__)

# The code of an HttpError raised by ninja itself or by an endpoint, by status.
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
}


class ApiError(Exception):
    """An answer other than success, with a stable machine-readable code."""

    def __init__(self, status: int, code: str, message: str, fields: Mapping | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = str(message)
        self.fields = dict(fields or {})


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``response=`` entries declaring which error statuses an endpoint answers."""
    return dict.fromkeys(statuses, ErrorOut)


def get_visible_or_404(queryset, **lookup):
    """The one object of a scoped queryset, or 404 whether it is missing or out of scope."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def body(code: str, message: str, fields: Mapping | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": dict(fields or {})}


def _answer(api: NinjaAPI, request, status: int, code: str, message, fields=None):
    return api.create_response(request, body(code, message, fields), status=status)


def _not_found_message() -> str:
    return _("Data tidak ditemukan, atau Anda tidak berhak melihatnya.")


def _request_fields(errors_list: list[dict]) -> dict[str, list[str]]:
    """ninja's pydantic errors by dotted location, without the body parameter's own name."""
    fields: dict[str, list[str]] = {}
    for error in errors_list:
        location = [str(part) for part in error.get("loc", ())]
        if len(location) > 2 and location[0] == "body" and location[1] == "payload":
            location = location[2:]
        elif len(location) > 1:
            location = location[1:]
        key = ".".join(location) or "__all__"
        fields.setdefault(key, []).append(str(error.get("msg", "")))
    return fields


def _validation_fields(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            key: [str(message) for message in messages]
            for key, messages in error.message_dict.items()
        }
    return {"__all__": [str(message) for message in error.messages]}


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every error the same body."""

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return _answer(api, request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(RequestValidationError)
    def request_invalid(request, exc: RequestValidationError):
        return _answer(
            api,
            request,
            422,
            "invalid_request",
            _("Permintaan tidak sesuai: periksa isian yang disebut."),
            _request_fields(exc.errors),
        )

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc):
        return _answer(
            api,
            request,
            401,
            "not_authenticated",
            _("Token tidak ada, salah, kedaluwarsa atau sudah dicabut. Masuk lagi."),
        )

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        return _answer(api, request, 429, "throttled", _("Terlalu banyak permintaan. Coba lagi."))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400:
            # ninja's "Cannot parse request body": answered like any other invalid request
            # (422, as FastAPI does), so every endpoint with a body documents one status for it.
            return _answer(
                api,
                request,
                422,
                "invalid_request",
                _("Isi permintaan tidak dapat dibaca: kirim JSON atau formulir yang valid."),
            )
        code = STATUS_CODES.get(exc.status_code, "error")
        return _answer(api, request, exc.status_code, code, exc.message)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return _answer(api, request, 404, "not_found", _not_found_message())

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        message = str(exc) or _("Anda tidak berwenang melakukan ini.")
        return _answer(api, request, 403, "forbidden", message)

    @api.exception_handler(NotPermitted)
    def not_permitted(request, exc: NotPermitted):
        return _answer(api, request, 403, "forbidden", exc.message)

    @api.exception_handler(TransitionNotAllowed)
    def wrong_state(request, exc: TransitionNotAllowed):
        return _answer(api, request, 409, "transition_not_allowed", exc.message)

    @api.exception_handler(IncompleteStep)
    def incomplete(request, exc: IncompleteStep):
        return _answer(api, request, 422, "incomplete", exc.message)

    @api.exception_handler(WorkflowError)
    def workflow_error(request, exc: WorkflowError):
        return _answer(api, request, 409, "workflow_error", exc.message)

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        code = getattr(exc, "code", None) or "invalid"
        fields = _validation_fields(exc)
        message = fields.get("__all__", [None])[0] or _(
            "Isian tidak valid: periksa isian yang disebut."
        )
        return _answer(api, request, 422, code, message, fields)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
        return _answer(
            api, request, 500, "server_error", _("Terjadi kesalahan di server. Coba lagi nanti.")
        )


def json_error_view(status: int, code: str):
    """A plain Django view answering the API's error body (for paths no endpoint matched)."""

    @csrf_exempt
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        message = _not_found_message() if status == 404 else _("Permintaan tidak dapat diproses.")
        return JsonResponse(body(code, message), status=status)

    return view


def jsonify_plain_errors(view):
    """Wrap a ninja path view: give ninja's own plain-text answers (405) the error body."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        content_type = response.get("Content-Type", "")
        if response.status_code == 405 and not content_type.startswith("application/json"):
            allowed = response.get("Allow")
            message = _("Metode %(method)s tidak dapat dipakai di alamat ini.") % {
                "method": request.method
            }
            replaced = HttpResponse(
                json.dumps(body("method_not_allowed", message)),
                status=response.status_code,
                content_type="application/json; charset=utf-8",
            )
            if allowed:
                replaced["Allow"] = allowed
            return replaced
        return response

    for attribute in ("csrf_exempt",):
        if hasattr(view, attribute):
            setattr(wrapped, attribute, getattr(view, attribute))
    return wrapped
