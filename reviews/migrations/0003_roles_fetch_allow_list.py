from django.db import migrations

from reviews.roles import sync_roles


class Migration(migrations.Migration):
    """The admin role manages the URL fetch allow-list too."""

    dependencies = [
        ("reviews", "0002_roles"),
        ("claims", "0002_fetch_allowed_host"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
