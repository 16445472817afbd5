"""Issue an API key: `manage.py create_api_key --name CMS --scope read [--user USERNAME] [--expires-days N]`.

The key is printed once, alone on the last line; only its hash is stored. Without --user the key acts as a user of
its own (`api-<name>`) in the api-client group, which can only read whatever the scope says.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from api import services
from api.models import ApiKey, Scope

LONGEST_VALIDITY_DAYS = 3650


class Command(BaseCommand):
    help = "Issue an API key and print it once."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="What the key is for (a client, a partner).")
        parser.add_argument("--scope", required=True, choices=Scope.values)
        parser.add_argument("--user", help="The user the key acts as; default: a new api-client user for the key.")
        parser.add_argument("--expires-days", type=int, help="Days until the key expires; default: never.")

    @transaction.atomic
    def handle(self, *args, name, scope, user=None, expires_days=None, **options):
        name = name.strip()
        longest_name = ApiKey._meta.get_field("name").max_length
        if not name or len(name) > longest_name:
            raise CommandError(f"--name must be 1 to {longest_name} characters, not {len(name)}.")
        if not user and not slugify(name):
            raise CommandError(f"--name {name!r} has no letter or digit to name the key's own user; pass --user.")
        if expires_days is not None and not 0 < expires_days <= LONGEST_VALIDITY_DAYS:
            raise CommandError(f"--expires-days must be 1 to {LONGEST_VALIDITY_DAYS} days, not {expires_days}.")
        users = get_user_model().objects
        if user:
            acting = users.filter(username=user).first()
            if acting is None:
                raise CommandError(f"There is no user {user!r}.")
        else:
            username = f"api-{slugify(name)}"[:150]
            acting, created = users.get_or_create(username=username)
            if created:
                acting.set_unusable_password()
                acting.save()
                acting.groups.add(Group.objects.get(name="api-client"))
        expires_at = timezone.now() + datetime.timedelta(days=expires_days) if expires_days else None
        issued = services.issue_api_key(name=name, scope=scope, user=acting, expires_at=expires_at)
        self.stdout.write(
            f"API key {issued.api_key.prefix} ({scope}) acting as {acting.get_username()}; "
            "store it now, it is not shown again:"
        )
        self.stdout.write(issued.key)
