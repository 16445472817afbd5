"""The public fact-checks' settings: where readers reach them (PUBLIC_BASE_URL, which in production defaults to
the site's own https address, never localhost) and the language they are published in (FACTCHECK_LANGUAGE, one of
the desk's languages). Each case runs in a fresh interpreter with only the variables it names."""

import json
import sys

from tests.hardening.test_deploy_settings import PRODUCTION_ENV, run

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in
                  ["PUBLIC_BASE_URL", "FACTCHECK_LANGUAGE", "FACTCHECK_ORGANISATION_URL", "CLAIMREVIEW_URL"]}))
"""


def probe(**env) -> dict:
    result = run([sys.executable, "-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_publishes_under_its_own_https_address_by_default():
    found = probe(**PRODUCTION_ENV)
    assert found["PUBLIC_BASE_URL"] == "https://factcheck.example.org"
    assert found["FACTCHECK_ORGANISATION_URL"] == "https://factcheck.example.org"
    assert found["CLAIMREVIEW_URL"] == ""


def test_a_laptop_publishes_under_localhost_and_a_named_address_wins_everywhere():
    assert probe()["PUBLIC_BASE_URL"] == "http://localhost:8000"
    assert probe(API_PUBLIC_URL="https://api.example.org")["PUBLIC_BASE_URL"] == "https://api.example.org"
    named = probe(**PRODUCTION_ENV, PUBLIC_BASE_URL="https://faktencheck.example.org")
    assert named["PUBLIC_BASE_URL"] == "https://faktencheck.example.org"


def test_the_desk_language_defaults_to_the_site_language_and_must_be_one_of_its_languages():
    assert probe()["FACTCHECK_LANGUAGE"] == "en"
    assert probe(FACTCHECK_LANGUAGE="de")["FACTCHECK_LANGUAGE"] == "de"
    result = run([sys.executable, "-c", PROBE], FACTCHECK_LANGUAGE="fr")
    assert result.returncode != 0 and "FACTCHECK_LANGUAGE is 'fr'" in result.stderr


def test_check_deploy_stays_clean_with_the_public_pages_configured():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION_ENV,
        PUBLIC_BASE_URL="https://faktencheck.example.org",
        FACTCHECK_LANGUAGE="de",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout
