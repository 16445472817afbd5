"""The environment drives the settings; each case runs in a fresh interpreter with only the variables it names."""

import json
import os
import subprocess
import sys

from tests.conftest import PROJECT

PROBE = """
import json, django
from django.conf import settings
django.setup()
from factcheck.celery import app
out = {"eager": app.conf.task_always_eager, "engine": settings.DATABASES["default"]["ENGINE"],
       "options": settings.DATABASES["default"].get("OPTIONS", {}), "debug": settings.DEBUG}
try:
    out["secret_key_set"] = bool(settings.SECRET_KEY)
except Exception as exc:
    out["secret_key_error"] = str(exc)
print(json.dumps(out))
"""


def settings_under(**env) -> dict:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "CELERY_BROKER_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "factcheck.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_laptop_default_is_sqlite_in_wal_mode_with_tasks_in_process():
    probe = settings_under(SECRET_KEY="k")
    assert probe["engine"] == "django.db.backends.sqlite3" and probe["eager"] is True and probe["debug"] is False
    assert "journal_mode=WAL" in probe["options"]["init_command"] and probe["options"]["timeout"] > 0


def test_a_broker_url_sends_tasks_to_workers_and_a_database_url_picks_the_database():
    probe = settings_under(
        SECRET_KEY="k", CELERY_BROKER_URL="redis://127.0.0.1:6379/9", DATABASE_URL="postgres://u:p@127.0.0.1/db"
    )
    assert probe["eager"] is False and probe["engine"] == "django.db.backends.postgresql"


def test_without_debug_a_secret_key_is_required():
    assert "must not be empty" in settings_under()["secret_key_error"]
    assert settings_under(DEBUG="true")["secret_key_set"] is True


def manage_check(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "factcheck.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key_and_says_why():
    result = manage_check(ALLOWED_HOSTS="factcheck.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_production_with_a_key_and_a_laptop_with_debug_start():
    assert manage_check(ALLOWED_HOSTS="factcheck.example.org", SECRET_KEY="k" * 50).returncode == 0
    assert manage_check(ALLOWED_HOSTS="localhost", DEBUG="true").returncode == 0


def test_a_yes_or_no_variable_accepts_the_usual_words_and_refuses_a_typo_by_name():
    assert settings_under(SECRET_KEY="k", DEBUG="Yes")["debug"] is True
    assert settings_under(SECRET_KEY="k", DEBUG="off")["debug"] is False
    assert settings_under(SECRET_KEY="k", DEBUG="")["debug"] is False
    result = manage_check(SECRET_KEY="k", DEBUG="ture")
    assert result.returncode != 0 and "DEBUG='ture' is not a yes or no" in result.stderr


def test_a_number_variable_that_is_not_a_number_is_refused_by_name():
    result = manage_check(SECRET_KEY="k", WEBHOOK_TIMEOUT="ten")
    assert result.returncode != 0 and "WEBHOOK_TIMEOUT='ten' is not a number" in result.stderr


def test_postgresql_connections_give_up_after_a_short_connect_timeout():
    probe = settings_under(SECRET_KEY="k", DATABASE_URL="postgres://u:p@127.0.0.1/db")
    assert probe["options"]["connect_timeout"] == 5
    named = settings_under(SECRET_KEY="k", DATABASE_URL="postgres://u:p@127.0.0.1/db", DB_CONNECT_TIMEOUT="2")
    assert named["options"]["connect_timeout"] == 2
