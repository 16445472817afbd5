"""API keys: hashed at rest, shown once, limited in time, revocable, their last use noted."""

import datetime
import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.utils import timezone

from api import services
from api.models import ApiKey
from tests.api.conftest import KeyClient
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_the_secret_is_stored(cms):
    issued = services.issue_api_key(name="cms", scope="read", user=cms)
    secret = issued.key.split("_", 2)[2]
    row = ApiKey.objects.filter(pk=issued.api_key.pk).values().get()
    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) for value in row.values())
    assert len(secret) >= 43  # 32 random bytes


def test_a_key_authenticates_as_its_user_and_its_use_is_noted(read_key):
    assert ApiKey.objects.get().last_used_at is None
    assert read_key.get("/api/v1/claims/").status_code == 200
    assert ApiKey.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer fc_nope_nope", "Bearer garbage", "Bearer", "Bearer a b", "Bearer fc_ünï_x"],
)
def test_a_wrong_key_is_a_401(cms, header):
    services.issue_api_key(name="cms", scope="read", user=cms)
    client = KeyClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_right_prefix_with_a_wrong_secret_is_a_401(read_key):
    prefix = read_key.issued.api_key.prefix
    client = KeyClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer fc_{prefix}_{'x' * 43}")
    assert client.get("/api/v1/claims/").status_code == 401


def test_an_expired_key_is_a_401(cms):
    issued = services.issue_api_key(
        name="old", scope="read", user=cms, expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = KeyClient(issued).get("/api/v1/claims/")
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]


def test_a_revoked_key_is_a_401(read_key):
    services.revoke_api_keys(key_ids=[read_key.issued.api_key.pk])
    response = read_key.get("/api/v1/claims/")
    assert response.status_code == 401 and "revoked" in response.json()["error"]["message"]


def test_the_command_prints_the_key_alone_on_its_last_line(cms):
    out = io.StringIO()
    call_command("create_api_key", "--name", "Partner", "--scope", "read", "--user", "cms", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    row = ApiKey.objects.get()
    assert key.startswith(f"fc_{row.prefix}_") and (row.name, row.scope, row.user) == ("Partner", "read", cms)
    client = KeyClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/claims/").status_code == 200


def test_the_command_without_a_user_makes_an_api_client_user(db):
    out = io.StringIO()
    call_command("create_api_key", "--name", "Browser Plugin", "--scope", "read", stdout=out)
    user = ApiKey.objects.get().user
    assert user.username == "api-browser-plugin" and not user.has_usable_password()
    assert user.groups.filter(name="api-client").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--name", ""], "--name must be 1 to 100 characters, not 0"),
        (["--name", "   "], "--name must be 1 to 100 characters, not 0"),
        (["--name", "K" * 101], "--name must be 1 to 100 characters, not 101"),
        (["--name", "!!!"], "has no letter or digit to name the key's own user; pass --user"),
        (["--name", "CMS", "--expires-days", "0"], "--expires-days must be 1 to 3650 days, not 0"),
        (["--name", "CMS", "--expires-days", "3651"], "--expires-days must be 1 to 3650 days, not 3651"),
        (["--name", "CMS", "--expires-days", "99999999999"], "--expires-days must be 1 to 3650 days"),
    ],
)
def test_the_command_refuses_a_name_or_a_validity_it_cannot_store(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_key", "--scope", "read", *arguments, stdout=io.StringIO())
    assert not ApiKey.objects.exists()
    assert not get_user_model().objects.filter(username__startswith="api-").exists()


def test_a_name_without_letters_is_fine_for_a_key_acting_as_a_user(cms):
    call_command("create_api_key", "--name", "!!!", "--scope", "read", "--user", "cms", stdout=io.StringIO())
    assert ApiKey.objects.get().name == "!!!"


def test_the_admin_shows_a_new_key_once_and_stores_its_hash(client, cms):
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.post(
        "/admin/api/apikey/add/",
        {"name": "CMS", "scope": "read", "user": cms.pk, "expires_at_0": "", "expires_at_1": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    shown = [str(m) for m in get_messages(response.wsgi_request) if "fc_" in str(m)]
    assert len(shown) == 1
    key = shown[0].rsplit(" ", 1)[-1]
    row = ApiKey.objects.get()
    assert row.secret_hash == hashlib.sha256(key.split("_", 2)[2].encode()).hexdigest()
    # The page after saving shows it; no page after that does.
    assert key in client.get(f"/admin/api/apikey/{row.pk}/change/").content.decode()
    page = client.get(f"/admin/api/apikey/{row.pk}/change/").content.decode()
    assert key not in page and row.prefix in page


def test_a_key_of_a_deactivated_user_is_a_401(read_key, cms):
    cms.is_active = False
    cms.save()
    response = read_key.get("/api/v1/claims/")
    assert response.status_code == 401 and "inactive" in response.json()["error"]["message"]


def test_a_read_key_of_an_editor_only_reads(erin, claim):
    from reviews.models import ClaimEvent
    from tests.api.conftest import key_client

    client = key_client(erin, "read")
    assert client.get(f"/api/v1/claims/{claim.pk}/").json()["proposals"] is None
    response = client.post(f"/api/v1/claims/{claim.pk}/transitions/", {"action": "take"}, format="json")
    assert response.status_code == 403 and not ClaimEvent.objects.exists()


def issue_in_the_admin(client, user):
    return client.post(
        "/admin/api/apikey/add/",
        {"name": "K", "scope": "review", "user": user.pk, "expires_at_0": "", "expires_at_1": ""},
    )


def test_an_admin_who_is_no_superuser_cannot_issue_a_key_acting_as_an_editor(client, adam, erin, cms):
    client.force_login(adam)
    response = issue_in_the_admin(client, erin)
    assert response.status_code == 200 and not ApiKey.objects.filter(user=erin).exists()
    assert "Only a superuser issues a key that acts as another user" in response.content.decode()
    # A key for an API client account, or for themselves, is theirs to issue.
    assert issue_in_the_admin(client, cms).status_code == 302 and issue_in_the_admin(client, adam).status_code == 302
    assert set(ApiKey.objects.values_list("user__username", flat=True)) == {"cms", "adam"}


def test_an_admin_who_is_no_superuser_cannot_issue_a_key_for_an_inactive_editor(client, adam, erin):
    """The key would act as the editor once the account is active again."""
    erin.is_active = False
    erin.save()
    client.force_login(adam)
    response = issue_in_the_admin(client, erin)
    assert response.status_code == 200 and not ApiKey.objects.filter(user=erin).exists()


def test_a_superuser_issues_a_key_for_anyone(client, erin):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    assert issue_in_the_admin(client, erin).status_code == 302 and ApiKey.objects.filter(user=erin).exists()
