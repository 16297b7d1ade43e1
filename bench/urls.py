"""The product's URLs and two bare endpoints: the floor a page is measured against (the cost of
Django, gunicorn and the loopback alone; and with one `SELECT 1` on the database connection)."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def bare_select(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/select/", bare_select),
    path("", include("config.urls")),
]
