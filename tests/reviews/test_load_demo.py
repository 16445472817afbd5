"""`manage.py load_demo`: the demo registry, articles and users, idempotent."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from claims.models import Article, Claim, Source

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_demo_data_loads_twice_without_duplicates_and_prints_working_passwords():
    call_command("load_demo", stdout=io.StringIO())
    counts = (Article.objects.count(), Claim.objects.count(), Source.objects.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert (Article.objects.count(), Claim.objects.count(), Source.objects.count()) == counts
    assert counts[0] >= 4 and counts[1] > counts[0]
    assert set(Article.objects.values_list("language", flat=True)) == {"de", "en"}
    users = [line.split() for line in out.getvalue().splitlines() if line.startswith("  ")]
    assert {role for role, _, _ in users} == {"reviewer", "editor", "admin", "api-client"}
    for role, username, password in users:
        user = authenticate(username=username, password=password)
        assert user is not None and user.groups.filter(name=role).exists()
    assert get_user_model().objects.get(username="adam").is_staff
