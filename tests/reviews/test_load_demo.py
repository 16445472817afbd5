"""`manage.py load_demo` and `manage.py demo`: the demo registry, articles, users and review story, idempotent."""

import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from claims.models import Article, Claim, ClaimState, Source
from reviews.management.commands.demo import Command as DemoCommand
from reviews.management.commands.load_demo import users_box
from reviews.models import ClaimEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def debug_on(settings):
    """`make run` loads the demo with DEBUG=true."""
    settings.DEBUG = True


def box_users(output: str) -> list[list[str]]:
    """The rows of the users' box: `| role username password |`."""
    rows = re.findall(r"^\| (\S+) +(\S+) +(\S+) +\|$", output, flags=re.MULTILINE)
    return [list(row) for row in rows if row[0] != "Demo"]


def test_demo_data_loads_twice_without_duplicates_and_prints_working_passwords():
    call_command("load_demo", stdout=io.StringIO())
    counts = (Article.objects.count(), Claim.objects.count(), Source.objects.count(), ClaimEvent.objects.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert (Article.objects.count(), Claim.objects.count(), Source.objects.count(), ClaimEvent.objects.count()) == (
        counts
    )
    assert counts[0] >= 4 and counts[1] > counts[0]
    assert set(Article.objects.values_list("language", flat=True)) == {"de", "en"}
    users = box_users(out.getvalue())
    assert {role for role, _, _ in users} == {"reviewer", "editor", "admin", "api-client"}
    for role, username, password in users:
        user = authenticate(username=username, password=password)
        assert user is not None and user.groups.filter(name=role).exists()
    assert get_user_model().objects.get(username="adam").is_staff
    # The box comes last.
    assert out.getvalue().rstrip().endswith("+")


def test_the_demo_shows_every_state_of_the_review():
    call_command("load_demo", stdout=io.StringIO())
    claims = Claim.objects.all()
    assert claims.filter(state=ClaimState.UNVERIFIED).exists()
    assert claims.filter(state=ClaimState.IN_REVIEW, verdict_under_correction="").exclude(assignee=None).exists()
    assert claims.filter(state=ClaimState.VERDICT_PROPOSED).exists()
    assert claims.filter(state=ClaimState.APPROVED).exclude(verdict="").exists()
    under_correction = claims.get(state=ClaimState.IN_REVIEW, verdict_under_correction="confirmed")
    assert under_correction.events.filter(kind="transition", to_state=ClaimState.APPROVED).exists()
    # Every step was a real review step by a demo user, with evidence a reader can follow.
    for claim in claims.exclude(state=ClaimState.UNVERIFIED):
        assert claim.events.exclude(actor=None).exists()
        assert claim.evidence.exclude(url="").exists()


def test_the_demo_registry_matches_its_articles():
    """Every demo article has a registry document from the same desk's sources: the proposals are not empty."""
    call_command("load_demo", stdout=io.StringIO())
    for article in Article.objects.all():
        proposed = {p.document_id for claim in article.claims.all() for p in claim.proposals.all() if p.document_id}
        assert proposed, f"no document proposed for {article.title}"


def test_the_users_box_frames_every_user():
    box = users_box({"alice": "a1", "bob": "b2", "erin": "e3", "adam": "d4", "cms": "c5"})
    lines = box.splitlines()
    assert lines[0] == lines[-1] and set(lines[0]) == {"+", "-"}
    assert len({len(line) for line in lines}) == 1
    assert ["editor", "erin", "e3"] in box_users(box)


def test_the_demo_server_prints_the_box_after_its_start_up_lines(monkeypatch):
    out = io.StringIO()
    command = DemoCommand(stdout=out)
    command.addr, command.port, command._raw_ipv6, command.protocol = "127.0.0.1", "8000", False, "http"
    box = users_box(dict.fromkeys(["alice", "bob", "erin", "adam", "cms"], "x"))
    monkeypatch.setenv("FACTCHECK_DEMO_USERS_BOX", box)
    command.on_bind("8000")
    text = out.getvalue()
    assert text.index("Starting development server at http://127.0.0.1:8000/") < text.index("Demo users")
    assert text.rstrip().endswith("+")


def test_with_debug_off_the_demo_is_refused_and_nothing_is_stored(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=io.StringIO())
    assert (Article.objects.count(), Source.objects.count(), get_user_model().objects.count()) == (0, 0, 0)


def test_with_debug_off_force_loads_the_demo(settings):
    settings.DEBUG = False
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert Article.objects.exists() and get_user_model().objects.filter(username="erin").exists()


def test_an_account_the_demo_did_not_make_keeps_its_password_and_roles():
    erin = get_user_model().objects.create_user("erin", email="erin@newsroom.example", password="real-secret")
    erin.is_staff = True
    erin.save()
    erin.groups.add(Group.objects.get(name="admin"))

    with pytest.raises(CommandError, match="named erin exist and were not made by the demo"):
        call_command("load_demo", stdout=io.StringIO())

    erin = get_user_model().objects.get(username="erin")
    assert erin.check_password("real-secret") and erin.is_staff
    assert list(erin.groups.values_list("name", flat=True)) == ["admin"]
    assert not Article.objects.exists()
    assert get_user_model().objects.count() == 1
