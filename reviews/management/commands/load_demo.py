import json
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

import claims
from claims.services.ingest import ingest
from claims.services.registry import import_registry

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


class Command(BaseCommand):
    help = "Load the demo registry and articles and (re)create the demo users (every role), printing their passwords."

    def handle(self, *args, **options):
        registry = import_registry(data=json.loads((DEMO_DIR / "registry.json").read_text("utf-8")))
        self.stdout.write(f"Registry: {registry.sources} sources, {registry.documents} documents")
        for path in sorted(DEMO_DIR.glob("*.txt")):
            result = ingest(content=path.read_bytes())
            self.stdout.write(f"Article {result.article.pk}: {result.article} ({'new' if result.created else 'kept'})")
        self.stdout.write("\nDemo users (passwords are new on every run):")
        for username, role in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            self._ensure_user(username, role, password)
            self.stdout.write(f"  {role:<11} {username:<6} {password}")

    @transaction.atomic
    def _ensure_user(self, username: str, role: str, password: str) -> None:
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = role == "admin"
        user.save()
        user.groups.set([Group.objects.get(name=role)])
