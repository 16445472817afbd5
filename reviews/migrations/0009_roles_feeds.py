from django.db import migrations

from reviews.roles import sync_roles


class Migration(migrations.Migration):
    """The admin role manages the sources' feeds too (claims.Feed, migration claims 0013)."""

    dependencies = [
        ("reviews", "0008_evidence_document_source_snapshot"),
        ("claims", "0013_article_canonical_url_feed"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
