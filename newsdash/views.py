"""Project-level endpoints."""

import uuid

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request):
    """200 when every database and the cache answer, else 503 naming what failed."""
    checks = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            checks[f"database:{alias}"] = "ok"
        except Exception as error:  # any failure is the answer, not a crash
            checks[f"database:{alias}"] = f"unavailable: {type(error).__name__}"
    probe = uuid.uuid4().hex
    try:
        cache.set("newsdash:healthz", probe, 10)
        checks["cache"] = "ok" if cache.get("newsdash:healthz") == probe else "unavailable: wrote but could not read"
    except Exception as error:
        checks["cache"] = f"unavailable: {type(error).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
