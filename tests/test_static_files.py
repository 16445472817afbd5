"""Static files as production serves them: collected, hashed and listed in whitenoise's manifest."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse


@pytest.mark.django_db
def test_collected_static_files_are_served_under_their_hashed_names(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", stdout=io.StringIO())
    page = client.get(reverse("login")).content.decode()
    hashed = [path.name for path in (tmp_path / "css").glob("app.*.css") if not path.name.endswith(".gz")]
    assert len(hashed) == 1 and f"/static/css/{hashed[0]}" in page
