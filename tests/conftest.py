"""Named users, one per role, and the settings every test runs under.

Tests that commit (`transaction=True`) also pass `serialized_rollback=True`: the roles are rows written by a data
migration, and without it the flush after such a test would leave the tests after it without roles.

alice is a reviewer, erin an editor, adam an admin, cms an API client and oscar an outsider with no role.
"""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import translation

from factcheck.celery import app as celery_app

PROJECT = Path(__file__).resolve().parents[1]


def find_shared() -> Path:
    """The desk's shared test inputs: `SHARED_DIR`, else `shared/` beside the project, else beside the repository
    this one was cloned from (a fresh clone in /tmp still finds them)."""
    candidates = [Path(os.environ["SHARED_DIR"])] if os.environ.get("SHARED_DIR") else []
    candidates.append(PROJECT.parent / "shared")
    origin = subprocess.run(
        ["git", "-C", str(PROJECT), "remote", "get-url", "origin"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if origin and Path(origin).is_dir():
        candidates.append(Path(origin).resolve().parent / "shared")
    for candidate in candidates:
        if (candidate / "samples").is_dir():
            return candidate
    raise pytest.UsageError(f"The shared samples were not found; set SHARED_DIR. Looked in: {candidates}")


SHARED = find_shared()
SAMPLES = SHARED / "samples"
SAMPLE_ARTICLE = SAMPLES / "de_sicherheitsgarantien_2025-08-15.txt"
SAMPLE_GOLD = SAMPLES / "de_sicherheitsgarantien_2025-08-15.gold.jsonl"
SAMPLE_REGISTRY = SAMPLES / "registry.json"


@pytest.fixture(autouse=True)
def static_files_without_manifest(settings):
    """Production serves hashed static files from `collectstatic`'s manifest; tests render pages without
    running it first. tests/test_static_files.py checks the manifest storage itself."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The named users below are made with passwords in most tests, and Django's default hasher spends about half
    a second on each on purpose. Tests check that passwords are set and checked, not how slowly they are hashed;
    production keeps Django's default (factcheck/settings.py does not set PASSWORD_HASHERS)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_in_process():
    """Tasks run in the test's own process unless a test starts a real worker (see test_celery_worker.py)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def site_language_after_each_test():
    """A request in German leaves German active in the thread (the locale middleware activates the request's
    language and nothing resets it): every test starts in the site's default language."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def make_user(username: str, role: str | None = None, **fields):
    user = get_user_model().objects.create_user(username=username, password=f"{username}-password", **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def alice(db):
    return make_user("alice", "reviewer")


@pytest.fixture
def erin(db):
    return make_user("erin", "editor")


@pytest.fixture
def adam(db):
    return make_user("adam", "admin", is_staff=True)


@pytest.fixture
def cms(db):
    return make_user("cms", "api-client")


@pytest.fixture
def oscar(db):
    return make_user("oscar")


def pytest_collection_modifyitems(items):
    """Hold every test that commits to the rule above: without `serialized_rollback` its flush leaves the tests
    after it without roles, and the content types it recreates collide with those the next one reloads."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(f"{item.nodeid}: transaction=True needs serialized_rollback=True")
