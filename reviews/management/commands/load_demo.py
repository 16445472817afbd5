import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import claims
from claims.services.ingest import ingest
from claims.services.registry import import_registry
from reviews import demo

DEMO_DIR = Path(claims.__file__).resolve().parent / "demo"
# A demo user for every role (two reviewers, so that a claim can be handed on); a new password is set on every run
# and printed.
DEMO_USERS = [
    ("alice", "reviewer"),
    ("bob", "reviewer"),
    ("erin", "editor"),
    ("adam", "admin"),
    ("cms", "api-client"),
]
# What marks a user as the demo's own: the demo resets only these, never an account of the same name it did not make.
DEMO_EMAIL_DOMAIN = "demo.invalid"


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def users_box(passwords: dict[str, str]) -> str:
    """The demo users and their passwords, framed so they stand out among a server's start-up lines."""
    rows = ["Demo users (new passwords on every start):", ""]
    rows += [f"{role:<11} {username:<6} {passwords[username]}" for username, role in DEMO_USERS]
    width = max(len(row) for row in rows)
    top = "+" + "-" * (width + 2) + "+"
    return "\n".join([top, *(f"| {row:<{width}} |" for row in rows), top])


class Command(BaseCommand):
    help = (
        "Load the demo registry and articles, (re)create the demo users (every role), walk a few claims through "
        "the review (in review, awaiting approval, approved, under correction) and print the users' passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="load the demo although DEBUG is off (a staging server, say)"
        )

    def handle(self, *args, **options):
        self.stdout.write(self.load(force=options["force"]))

    def load(self, force: bool = False) -> str:
        """Load everything; returns the box of demo users (the caller decides when to print it). Refuses, before
        anything is stored, where DEBUG is off (unless forced) and where a demo user's name is already taken by an
        account the demo did not make."""
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a production database: the demo would add invented articles and "
                "publish an invented fact-check. Run it with DEBUG=true (as `make run` does), or pass --force."
            )
        taken = (
            get_user_model()
            .objects.filter(username__in=[username for username, _role in DEMO_USERS])
            .exclude(email__in=[demo_email(username) for username, _role in DEMO_USERS])
            .values_list("username", flat=True)
        )
        if taken:
            raise CommandError(
                f"Users named {', '.join(sorted(taken))} exist and were not made by the demo (their e-mail address "
                f"is not <name>@{DEMO_EMAIL_DOMAIN}); the demo leaves them alone. Use another database."
            )
        registry = import_registry(data=json.loads((DEMO_DIR / "registry.json").read_text("utf-8")))
        self.stdout.write(f"Registry: {registry.sources} sources, {registry.documents} documents")
        for path in sorted(DEMO_DIR.glob("*.txt")):
            result = ingest(content=path.read_bytes())
            self.stdout.write(f"Article {result.article.pk}: {result.article} ({'new' if result.created else 'kept'})")
        passwords = {username: secrets.token_urlsafe(9) for username, _role in DEMO_USERS}
        for username, role in DEMO_USERS:
            self._ensure_user(username, role, passwords[username])
        self.stdout.write("Review story:")
        for line in demo.play():
            self.stdout.write(f"  {line}")
        return users_box(passwords)

    @transaction.atomic
    def _ensure_user(self, username: str, role: str, password: str) -> None:
        user, _created = get_user_model().objects.get_or_create(username=username, email=demo_email(username))
        user.set_password(password)
        user.is_staff = role == "admin"
        user.save()
        user.groups.set([Group.objects.get(name=role)])
