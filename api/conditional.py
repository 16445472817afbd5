"""Conditional reads: an ETag and Last-Modified on every answer, and 304 Not Modified when the client's
If-None-Match or If-Modified-Since says it has the answer already (clients that poll the claims save the body)."""

import hashlib
from collections.abc import Callable

from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag


def make_etag(*parts) -> str:
    return quote_etag(hashlib.sha1("|".join(str(part) for part in parts).encode()).hexdigest())


def not_modified(request, *, etag: str, last_modified: float | None) -> HttpResponse | None:
    """A 304 when the client's If-None-Match or If-Modified-Since says it has this already, else None."""
    response = get_conditional_response(
        request._request, etag=etag, last_modified=int(last_modified) if last_modified else None
    )
    if response is not None:
        # A failed If-Match / If-Unmodified-Since (412) is not ours to answer on a read: serve normally.
        return response if response.status_code == 304 else None
    return None


def set_validators(response, *, etag: str, last_modified: float | None):
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    return response


def conditional_read(request, *, etag: str, last_modified: float | None, respond: Callable[[], HttpResponse]):
    """`respond()`, or a 304 without calling it when the client has this already; either with the validators."""
    response = not_modified(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = respond()
    return set_validators(response, etag=etag, last_modified=last_modified)
