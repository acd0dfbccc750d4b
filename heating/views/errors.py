"""Error pages in the portal's layout and language: 400/403/404/500 are Django's handlers with our
templates (templates/400.html …); these add the CSRF failure, the 405, the 400 of a NUL in a query
and the 403 log line."""
import logging

from django.core.exceptions import BadRequest
from django.http import HttpResponseNotAllowed
from django.shortcuts import render


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a 403 page that says to reload the form, not Django's English debug page."""
    return render(request, "403_csrf.html", status=403)


class MethodNotAllowedPageMiddleware:
    """Gives the empty HttpResponseNotAllowed of `require_http_methods` a page, keeping its Allow."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or response.content:
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response["Allow"]
        return page


class NulInQueryRefusedMiddleware:
    """A page's query string holding a NUL is a 400 (the portal's 400 page): PostgreSQL stores and
    compares no NUL, so a list filtered by one (an admin filter, say) would fail in the database.
    The API validates its own few parameters and answers in its JSON contract instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            return self.get_response(request)
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            raise BadRequest("a NUL character in the query string")
        return self.get_response(request)


class NoTracebackFor403(logging.Filter):
    """django.request logs a PermissionDenied with its traceback; the line alone says enough."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
