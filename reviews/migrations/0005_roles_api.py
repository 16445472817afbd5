from django.db import migrations

from reviews.roles import sync_roles


class Migration(migrations.Migration):
    """The admin role manages API keys and webhooks too."""

    dependencies = [
        ("reviews", "0004_more_event_kinds"),
        ("api", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
