"""Production settings are secure by default: each case runs in a fresh interpreter with only the variables it names."""

import json
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import PROJECT

# What a production host sets: no DEBUG, a real key, its host name.
PRODUCTION_ENV = {
    "SECRET_KEY": "k7#pR2-vQ9x!Lm4zT8wB1nY6cF3hJ0sD5gA-eU7iO2kW9qZ4rX6tV8bN1mC3",
    "ALLOWED_HOSTS": "factcheck.example.org",
}
# Variables that change the settings under test; the probes start without them.
SETTINGS_VARIABLES = {
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "PROXY_SSL_HEADER", "CSP_REPORT_ONLY", "LOGIN_FAILURE_LIMIT", "LOGIN_LOCKOUT_MINUTES", "LOG_FORMAT",
    "PUBLIC_BASE_URL", "API_PUBLIC_URL", "FACTCHECK_LANGUAGE", "FACTCHECK_ORGANISATION_URL", "CLAIMREVIEW_URL",
    # Set for the whole process by the browser tests; production never sets it (check --deploy says so).
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}  # fmt: skip

PROBE = """
import json, django
from django.conf import settings
django.setup()
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER",
         "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS", "CONTENT_SECURITY_POLICY",
         "CONTENT_SECURITY_POLICY_REPORT_ONLY", "AXES_FAILURE_LIMIT", "SILENCED_SYSTEM_CHECKS"]
print(json.dumps({name: getattr(settings, name, None) for name in names}, default=str))
"""


def run(args: list[str], **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(
        args,
        cwd=PROJECT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "factcheck.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_under(**env) -> dict:
    result = run([sys.executable, "-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_under_the_production_environment():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_check_deploy_still_warns_when_production_turns_the_protections_off():
    """The clean check above is the settings' doing, not a silenced check."""
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION_ENV,
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
    )
    assert result.returncode != 0
    assert all(check in result.stderr for check in ("security.W008", "security.W012", "security.W016"))


def test_production_defaults_to_tls_only_cookies_hsts_and_strict_headers():
    probe = settings_under(**PRODUCTION_ENV)
    assert probe["DEBUG"] is False
    assert probe["SESSION_COOKIE_SECURE"] is True and probe["CSRF_COOKIE_SECURE"] is True
    assert probe["SECURE_SSL_REDIRECT"] is True
    assert probe["SECURE_HSTS_SECONDS"] == 31_536_000 and probe["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert probe["SECURE_HSTS_PRELOAD"] is False and probe["SILENCED_SYSTEM_CHECKS"] == ["security.W021"]
    assert probe["SECURE_PROXY_SSL_HEADER"] is None
    assert probe["SECURE_CONTENT_TYPE_NOSNIFF"] is True and probe["SECURE_REFERRER_POLICY"] == "same-origin"
    assert probe["X_FRAME_OPTIONS"] == "DENY"
    assert probe["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["default-src"] == ["'self'"]
    assert probe["AXES_FAILURE_LIMIT"] == 5


def test_each_protection_has_a_variable():
    probe = settings_under(
        **PRODUCTION_ENV,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_PRELOAD="true",
        PROXY_SSL_HEADER="X-Forwarded-Proto",
        CSP_REPORT_ONLY="true",
        LOGIN_FAILURE_LIMIT="3",
    )
    assert probe["SECURE_SSL_REDIRECT"] is False and probe["SECURE_HSTS_SECONDS"] == 3600
    assert probe["SECURE_HSTS_PRELOAD"] is True and probe["SILENCED_SYSTEM_CHECKS"] == []
    assert probe["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert probe["CONTENT_SECURITY_POLICY"] is None
    assert probe["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]["script-src"] == ["'self'"]
    assert probe["AXES_FAILURE_LIMIT"] == 3


def test_a_laptop_with_debug_keeps_plain_http():
    probe = settings_under(DEBUG="true", ALLOWED_HOSTS="localhost")
    assert probe["SECURE_SSL_REDIRECT"] is False and probe["SESSION_COOKIE_SECURE"] is False
    assert probe["SECURE_HSTS_SECONDS"] == 0


def csp_of(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


INLINE_SCRIPT = "<script>"
INLINE_STYLE_MARKERS = ("<style", 'style="')


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy_and_the_security_headers(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    policy = csp_of(response)
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_admin_login_and_index_have_no_inline_scripts_or_styles(client, admin_user):
    """What a strict policy would block: the admin must still render and work under it."""
    pages = [client.get(reverse("admin:login")).content.decode()]
    client.force_login(admin_user)
    pages += [client.get(path).content.decode() for path in ("/admin/", "/admin/auth/user/", "/admin/auth/user/add/")]
    for page in pages:
        assert INLINE_SCRIPT not in page
        assert not any(marker in page for marker in INLINE_STYLE_MARKERS)


@pytest.mark.django_db
def test_the_app_login_page_has_no_inline_scripts_or_styles(client):
    page = client.get(reverse("login")).content.decode()
    assert INLINE_SCRIPT not in page
    assert not any(marker in page for marker in INLINE_STYLE_MARKERS)


def test_the_app_pages_a_reviewer_sees_have_no_inline_scripts_or_styles(client, alice):
    client.force_login(alice)
    response = client.get(reverse("reviews:article-list"))
    assert response.status_code == 200 and "Content-Security-Policy" in response.headers
    page = response.content.decode()
    assert INLINE_SCRIPT not in page
    assert not any(marker in page for marker in INLINE_STYLE_MARKERS)


@pytest.mark.parametrize("path", ["deploy/systemd/factcheck-web.service", "Dockerfile", "docker-compose.yml"])
def test_gunicorn_reads_a_request_line_as_long_as_the_longest_address_the_app_answers(path, settings):
    """A request line is `GET ` + address + ` HTTP/1.1`; gunicorn refuses a longer one with its own bare 400."""
    import re

    text = (PROJECT / path).read_text()
    limit = re.search(r"""--limit-request-line["', ]+(\d+)""", text)
    assert limit, f"{path} keeps gunicorn's default request line of 4094 bytes"
    assert int(limit.group(1)) >= len("GET  HTTP/1.1") + settings.MAX_URL_LENGTH
