"""``/healthz``: what a load balancer or a container's health check asks of a web node.

200 "ok" when the node answers and its database does (one ``SELECT 1``), 503 otherwise. It reads
nothing of the record and needs no login, so it reveals nothing but that the node is up.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
