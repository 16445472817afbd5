"""Structured logs: one JSON object a line (LOG_FORMAT=json), each with the id of the request it belongs to.

A log collector (journald, Docker, Loki, CloudWatch) can then filter on fields instead of parsing text. The request id
comes from the proxy's `X-Request-ID` header when it sends a sane one, so the proxy's access log and ours share it;
otherwise a new one is made. It is sent back in the response's `X-Request-ID` header.
"""

import contextvars
import datetime
import json
import logging
import re
import uuid

# Set for the duration of a request (threads and asyncio tasks each see their own value); "" outside requests.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# A proxy's id is copied into every log line: only short, plain ones, so a client cannot forge log structure.
SANE_REQUEST_ID = re.compile(r"\A[A-Za-z0-9._:-]{1,128}\Z")
# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged as a field.
RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        value = incoming if SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        # Not reset on the way out: Django logs 4xx and 5xx responses ("django.request") after the middleware has
        # returned, and those lines need the id most. The next request on this thread sets its own.
        request_id.set(value)
        response = self.get_response(request)
        response["X-Request-ID"] = value
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record, for either formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """time (UTC, ISO 8601), level, logger, message, request_id, exception, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", ""):
            entry["request_id"] = record.request_id
        for name, value in vars(record).items():
            if name not in RECORD_ATTRIBUTES and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a field that is not JSON (a model, a date) is logged as its text rather than lost.
        return json.dumps(entry, ensure_ascii=False, default=str)
