"""Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failures for one user from one address, that pair is
refused, even with the right password, until the cool-off ends or an admin resets it."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import make_user

LIMIT = 3
ALICE_PASSWORD = "alice-password"


@pytest.fixture(autouse=True)
def failure_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


@pytest.fixture
def alice(db):
    return make_user("alice", "reviewer")


def log_in(client, password, *, username="alice", address="203.0.113.7", url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, times, **where):
    """`times` wrong passwords; the one that reaches the limit is answered with the lockout already."""
    for attempt in range(1, times + 1):
        response = log_in(client, "wrong", **where)
        assert response.status_code == (429 if attempt >= LIMIT else 200) and not logged_in(client)


def test_the_attempt_after_the_limit_is_refused_even_with_the_right_password(client, alice):
    fail(client, LIMIT)
    response = log_in(client, ALICE_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins for this user from your address" in response.content.decode()
    assert not logged_in(client)
    attempt = AccessAttempt.objects.get(username="alice", ip_address="203.0.113.7")
    assert attempt.failures_since_start >= LIMIT


def test_failures_below_the_limit_do_not_lock_and_a_success_resets_the_count(client, alice):
    fail(client, LIMIT - 1)
    assert log_in(client, ALICE_PASSWORD).status_code == 302 and logged_in(client)
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_a_reset_by_an_admin_lets_the_user_log_in_again(client, alice):
    fail(client, LIMIT)
    assert log_in(client, ALICE_PASSWORD).status_code == 429
    call_command("axes_reset_username", "alice")
    assert not AccessAttempt.objects.filter(username="alice").exists()
    response = log_in(client, ALICE_PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_the_lockout_is_per_user_and_address(client, alice):
    fail(client, LIMIT)
    make_user("bob", "reviewer")
    assert log_in(client, "bob-password", username="bob").status_code == 302
    client.logout()
    assert log_in(client, ALICE_PASSWORD, address="198.51.100.9").status_code == 302


def test_the_admin_login_is_throttled_too(client, admin_user):
    admin_login = reverse("admin:login")
    fail(client, LIMIT, username="admin", url=admin_login)
    response = log_in(client, "password", username="admin", url=admin_login)
    assert response.status_code == 429 and not logged_in(client)


def test_logins_without_a_request_are_not_throttled_and_still_check_the_password(alice):
    """authenticate() from a shell or a command has no address to count; ModelBackend still decides."""
    from django.contrib.auth import authenticate

    assert authenticate(username="alice", password=ALICE_PASSWORD) == alice
    assert authenticate(username="alice", password="wrong") is None


def test_the_lockout_page_says_how_long_the_lock_lasts_in_the_readers_language(client, alice, settings):
    settings.AXES_COOLOFF_TIME = 0.25
    fail(client, LIMIT)
    page = log_in(client, ALICE_PASSWORD).content.decode()
    assert "refused for 15 minutes after the last failure" in page and "<header" in page
    german = client.post(
        reverse("login"),
        {"username": "alice", "password": ALICE_PASSWORD},
        REMOTE_ADDR="203.0.113.7",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert german.status_code == 429 and "15 Minuten" in german.content.decode()


@pytest.mark.django_db
def test_a_username_the_form_cannot_take_is_told_beside_the_field(client):
    response = client.post(reverse("login"), {"username": "ali\x00ce", "password": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_username_error"' in html and "Null characters are not allowed." in html
