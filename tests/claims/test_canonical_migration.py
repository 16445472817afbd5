"""Migration 0013 fills in the canonical URL of the articles stored before it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("claims", "0012_claim_claim_reviewed")]
AFTER = [("claims", "0013_article_canonical_url_feed")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_gives_stored_articles_their_canonical_url():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("claims", "Article")
    with_url = old.objects.create(
        text="Ein Satz.", content_hash="a" * 64, url="http://www.example.org/politik/radweg/?utm_source=x"
    )
    without_url = old.objects.create(text="Noch ein Satz.", content_hash="b" * 64)

    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("claims", "Article")
        assert new.objects.get(pk=with_url.pk).canonical_url == "https://example.org/politik/radweg"
        assert new.objects.get(pk=without_url.pk).canonical_url == ""
    finally:
        # Back to the latest migrations of every app, for the tests that follow.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
