"""A health check for load balancers and the load benchmark's trivial baseline."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def alive(request):
    """The process answers: no database, no template, no session."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def ready(request):
    """The process can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"database": "unreachable"}, status=503)
    return JsonResponse({"database": "ok"})
