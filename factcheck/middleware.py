"""Answers for requests the application cannot serve right now."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

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
