"""The portal's URLs plus a minimal view behind the same middleware, for bench/pages.py to measure the
bill page against. Only the benchmark's server uses this urlconf; production's has no such view."""

from django.http import HttpResponse
from django.urls import include, path

MINIMAL_PATH = "/bench/minimal/"


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path(MINIMAL_PATH.lstrip("/"), minimal),
    path("", include("config.urls")),
]
