"""Named users, one per role, and the settings every test runs under.

Tests that commit (`transaction=True`) also pass `serialized_rollback=True`: the roles are rows written by a data
migration, and without it the flush after such a test would leave the tests after it without roles.

alice is a reviewer, erin an editor, adam an admin, cms an API client and oscar an outsider with no role.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from factcheck.celery import app as celery_app

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
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
def tasks_run_in_process():
    """Tasks run in the test's own process unless a test starts a real worker (see test_celery_worker.py)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


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
