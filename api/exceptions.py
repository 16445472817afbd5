"""Every error of the API in one shape:

    {"error": {"code": "not_found", "message": "No claim 7.", "fields": {"url": ["Enter a web address."]}}}

`fields` is there for input problems (400) and workflow refusals; `code` is stable for programs, `message` is for
people. The services' exceptions are translated here, so views just call them.
"""

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from reviews.refusals import Kind, Refusal

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    429: "throttled",
}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {message}" for key, messages in value.items() for message in _strings(messages)]
    if isinstance(value, list | tuple):
        return [message for item in value for message in _strings(item)]
    return [str(value)]


def _fields(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(key): _strings(value) for key, value in detail.items()}
    return {"non_field_errors": _strings(detail)}


# The review's refusals by kind: status, code, and the message (None: the refusal's own); field messages go with
# all but conflicts, whose message says it all.
REFUSALS = {
    Kind.GUARD_FAILED: (400, "guard_failed", _lazy("The action needs more: see the fields.")),
    Kind.INVALID: (400, "invalid", _lazy("The request is not valid: see the fields.")),
    Kind.NOT_PERMITTED: (403, "permission_denied", None),
    Kind.WRONG_STATE: (409, "conflict", None),
    Kind.CONFLICT: (409, "conflict", None),
}


def handle_exception(exc, context):
    fields = None
    if isinstance(exc, Refusal):
        status_code, code, message = REFUSALS[exc.kind]
        fields = None if status_code == status.HTTP_409_CONFLICT else _fields(exc.messages)
        return _response(status_code, code, str(message or exc), fields)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return _response(400, "invalid", _("The request is not valid: see the fields."), _fields(detail))
    if isinstance(exc, ObjectDoesNotExist | Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = CODES.get(response.status_code, getattr(exc, "default_code", "error"))
    if isinstance(exc, exceptions.ValidationError):
        message, fields = _("The request is not valid: see the fields."), _fields(exc.detail)
    elif isinstance(exc.detail, dict | list):
        message = "; ".join(_strings(exc.detail))
    else:
        message = str(exc.detail)
    response.data = error_body(code, message, fields)
    return response


def _response(status_code: int, code: str, message: str, fields: dict | None = None) -> Response:
    return Response(error_body(code, message, fields), status=status_code)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: the same error shape as the API's own 404s."""
    return JsonResponse(
        error_body("not_found", _("There is nothing at this address.")), status=status.HTTP_404_NOT_FOUND
    )


def bad_request(request, exception=None):
    """Django's answer to a request it refused before or while reading it (handler400): a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE (413), more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS or files than
    DATA_UPLOAD_MAX_NUMBER_FILES (400). Under /api/ in the API's error shape, elsewhere Django's page."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(error_body("too_large", _("The request body is too large.")), status=413)
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return JsonResponse(error_body("invalid", _("The request has too many fields.")), status=400)
    return JsonResponse(error_body("invalid", _("The request cannot be read.")), status=400)


def uri_too_long(request) -> JsonResponse:
    return JsonResponse(error_body("uri_too_long", _("The address is too long.")), status=414)
