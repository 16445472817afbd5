"""Users and roles in the admin: only a superuser gives powers (superuser and staff flags, roles, permissions) or
edits a superuser. adam, an admin who is no superuser, posts the change forms as a browser would, with the fields
the page does not offer added: the values posted are ignored, and what would let him sign in as someone who can do
more than read (their password, name or address) is refused."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def root(db):
    return make_user("root", is_staff=True, is_superuser=True)


@pytest.fixture
def adam_client(client, adam):
    client.force_login(adam)
    return client


def change_url(user) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def user_form(user, **changes) -> dict:
    """The user's change form as posted, every field of Django's user admin given, the powers among them."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "_save": "Save",
    }
    return {**data, **changes}


def escalation() -> dict:
    """Everything that would make an account more than it is."""
    return {
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [group.pk for group in Group.objects.all()],
        "user_permissions": [Permission.objects.get(codename="delete_user").pk],
    }


def powers(user) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (
        user.is_superuser,
        user.is_staff,
        sorted(user.groups.values_list("name", flat=True)),
        list(user.user_permissions.all()),
    )


def test_an_admin_cannot_make_themselves_superuser_or_give_themselves_roles(adam_client, adam):
    before = powers(adam)
    response = adam_client.post(change_url(adam), user_form(adam, first_name="Adam", **escalation()))
    assert response.status_code == 302
    assert powers(adam) == before == (False, True, ["admin"], [])
    assert User.objects.get(pk=adam.pk).first_name == "Adam"
    page = adam_client.get(change_url(adam)).content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page


def test_an_admin_cannot_give_another_user_a_role_or_the_staff_flag(adam_client, alice, oscar):
    for user in (alice, oscar):
        before = powers(user)
        response = adam_client.post(change_url(user), user_form(user, last_name="Neu", **escalation()))
        assert response.status_code == 302
        assert powers(user) == before
        assert User.objects.get(pk=user.pk).last_name == "Neu"
    assert not User.objects.get(pk=alice.pk).has_perm("reviews.approve_verdict")


def test_an_admin_cannot_edit_a_superuser_at_all(adam_client, root):
    response = adam_client.post(change_url(root), user_form(root, email="adam@example.org", is_active=""))
    assert response.status_code == 403
    stored = User.objects.get(pk=root.pk)
    assert (stored.email, stored.is_active, stored.is_superuser) == ("", True, True)
    page = adam_client.get(change_url(root))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    form = {"password1": "taken-over-1234", "password2": "taken-over-1234"}
    assert adam_client.post(password_url(root), form).status_code == 403
    assert User.objects.get(pk=root.pk).check_password("root-password")


def test_an_admin_cannot_take_over_an_editors_account(adam_client, erin):
    form = {"password1": "taken-over-1234", "password2": "taken-over-1234"}
    assert adam_client.post(password_url(erin), form).status_code == 403
    assert adam_client.get(password_url(erin)).status_code == 403
    response = adam_client.post(change_url(erin), user_form(erin, username="erin2", email="adam@example.org"))
    assert response.status_code == 302
    stored = User.objects.get(pk=erin.pk)
    assert (stored.username, stored.email) == ("erin", "")
    assert stored.check_password("erin-password")


def test_an_admin_manages_accounts_that_only_read(adam_client, cms, oscar):
    for user in (cms, oscar):
        form = {"password1": "a-new-secret-987", "password2": "a-new-secret-987"}
        assert adam_client.post(password_url(user), form).status_code == 302
        assert User.objects.get(pk=user.pk).check_password("a-new-secret-987")
        response = adam_client.post(change_url(user), user_form(user, email=f"{user.username}@example.org"))
        assert response.status_code == 302
        assert User.objects.get(pk=user.pk).email == f"{user.username}@example.org"


def test_an_admin_deactivates_a_reviewer(adam_client, alice):
    response = adam_client.post(change_url(alice), user_form(alice, is_active=""))
    assert response.status_code == 302 and not User.objects.get(pk=alice.pk).is_active


def test_a_user_an_admin_adds_has_no_powers(adam_client):
    data = {"username": "newbie", "usable_password": "true", "password1": "x-secret-5678", "password2": "x-secret-5678"}
    response = adam_client.post(reverse("admin:auth_user_add"), {**data, **escalation()})
    assert response.status_code == 302
    assert powers(User.objects.get(username="newbie")) == (False, False, [], [])


def test_an_admin_cannot_change_what_a_role_may_do(adam_client):
    editor = Group.objects.get(name="editor")
    before = set(editor.permissions.all())
    url = reverse("admin:auth_group_change", args=[editor.pk])
    everything = [permission.pk for permission in Permission.objects.all()]
    assert adam_client.post(url, {"name": "editor", "permissions": everything}).status_code == 403
    assert set(Group.objects.get(pk=editor.pk).permissions.all()) == before
    assert adam_client.post(reverse("admin:auth_group_add"), {"name": "x"}).status_code == 403


def test_a_superuser_gives_roles_and_flags(client, root, alice):
    client.force_login(root)
    editor = Group.objects.get(name="editor")
    response = client.post(change_url(alice), user_form(alice, is_staff="on", groups=[editor.pk], email="a@x.org"))
    assert response.status_code == 302
    assert powers(alice) == (False, True, ["editor"], [])
    assert User.objects.get(pk=alice.pk).email == "a@x.org"
