"""LOG_FORMAT=json writes one JSON object a line; each line of a request carries the request's id."""

import json
import logging
import os
import subprocess
import sys

from factcheck.logging import JsonFormatter, RequestIdFilter, request_id
from tests.conftest import PROJECT


def record(message="stored article=%s", args=(7,), **extra) -> logging.LogRecord:
    entry = logging.LogRecord("claims.services", logging.INFO, __file__, 1, message, args, None)
    entry.__dict__.update(extra)
    return entry


def test_a_record_becomes_one_line_of_json_with_its_fields():
    token = request_id.set("abc123")
    try:
        entry = record(article_id=7)
        RequestIdFilter().filter(entry)
        line = JsonFormatter().format(entry)
    finally:
        request_id.reset(token)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "INFO" and data["logger"] == "claims.services"
    assert data["message"] == "stored article=7" and data["request_id"] == "abc123" and data["article_id"] == 7
    assert data["time"].endswith("+00:00")


def test_an_exception_is_kept_in_the_line():
    try:
        raise ValueError("broken «Ümlaut»")
    except ValueError:
        entry = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    data = json.loads(JsonFormatter().format(entry))
    assert "ValueError: broken «Ümlaut»" in data["exception"]


def test_every_response_names_its_request_id_and_a_sane_incoming_one_is_kept(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-42.a").headers["X-Request-ID"] == "lb-42.a"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" "level": "CRITICAL').headers["X-Request-ID"]
    assert forged != 'x" "level": "CRITICAL' and len(forged) == 32


def test_log_format_json_switches_the_console_to_json_and_django_request_lines_carry_the_id():
    code = (
        "import django, logging; django.setup(); logging.getLogger('probe').warning('hello %s', 'world', "
        "extra={'claim_id': 3}); from django.test import Client; "
        "Client().get('/api/v1/no-such-page/', HTTP_HOST='localhost', HTTP_X_REQUEST_ID='req-42')"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"LOG_FORMAT", "DEBUG", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "factcheck.settings", "SECRET_KEY": "x", "LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [json.loads(line) for line in result.stderr.strip().splitlines()]
    probe = next(line for line in lines if line["logger"] == "probe")
    assert probe["message"] == "hello world" and probe["claim_id"] == 3 and probe["level"] == "WARNING"
    not_found = next(line for line in lines if line["logger"] == "django.request")
    # An API address: the web app's 404 page needs collectstatic's manifest, which this bare process lacks.
    assert not_found["message"] == "Not Found: /api/v1/no-such-page/" and not_found["request_id"] == "req-42"
