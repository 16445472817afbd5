"""Answers for requests the application cannot serve right now."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import number_format

logger = logging.getLogger(__name__)

# Seconds a client should wait before trying again while the database is away (a restart takes a few).
RETRY_AFTER = "5"
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable</title></head>
<body><h1>Temporarily unavailable</h1><p>The database cannot be reached right now. Nothing you sent was lost
unless this page says so; please try again in a few seconds.</p>
<p lang="de">Die Datenbank ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Sekunden erneut.</p></body>
</html>"""


class DatabaseUnavailableMiddleware:
    """The database went away (a restart, a failover, a full connection pool): 503 with Retry-After instead of a
    500, in the API's error shape for API requests. The page is static: rendering a template with the request's
    context would ask the database for the user again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {
                    "error": {
                        "code": "database_unavailable",
                        "message": "The database cannot be reached right now; try again in a few seconds.",
                    }
                },
                status=503,
            )
        else:
            response = HttpResponse(UNAVAILABLE_PAGE, status=503)
        response["Retry-After"] = RETRY_AFTER
        return response


class UrlLengthMiddleware:
    """An address longer than MAX_URL_LENGTH (path and query string) is a 414, before any view reads it: a query
    string is parsed, filtered on and logged, and its length would otherwise have no bound below the web server's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = len(request.path_info) + len(request.META.get("QUERY_STRING", ""))
        if length <= settings.MAX_URL_LENGTH:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            from api.exceptions import uri_too_long

            return uri_too_long(request)
        return HttpResponse("The address is too long.", status=414, content_type="text/plain; charset=utf-8")


class RequestTooLargeMiddleware:
    """A form over DATA_UPLOAD_MAX_MEMORY_SIZE is the styled 413 page in the reader's language, saying how large it
    was, also with DEBUG on, where Django would show its traceback page. Placed before the CSRF middleware, which
    would read the form first. Requests to the API answer in its error shape (handler400); a view exempt from the
    CSRF middleware reads its body itself (the ingest form turns an oversized paste into a form error)."""

    FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("POST", "PUT", "PATCH") or request.path.startswith("/api/"):
            return None
        if getattr(view_func, "csrf_exempt", False) or request.content_type not in self.FORM_TYPES:
            return None
        try:
            request.POST  # noqa: B018 (reading the form is the point)
        except RequestDataTooBig:
            # As Django does: the body cannot be read again, so nothing else tries.
            request._mark_post_parse_error()
            return request_too_large(request)
        return None


def request_too_large(request, exception=None):
    """The 413 page: what was sent (the request's Content-Length) and the limit."""
    length = request.META.get("CONTENT_LENGTH", "")
    context = {
        "size": number_format(int(length), force_grouping=True) if length.isascii() and length.isdigit() else "",
        "limit": number_format(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, force_grouping=True),
    }
    return render(request, "413.html", context, status=413)


def bad_request(request, exception=None):
    """handler400: a body over the upload limit outside the API is the 413 page; the rest as the API decides
    (its error shape under /api/, the styled 400 page elsewhere)."""
    from api.exceptions import bad_request as api_bad_request

    if isinstance(exception, RequestDataTooBig) and not request.path.startswith("/api/"):
        return request_too_large(request, exception)
    return api_bad_request(request, exception)
