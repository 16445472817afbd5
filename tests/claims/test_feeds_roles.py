"""A database whose roles were set before feeds existed gives the admin role the feed permissions on upgrade."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_FEEDS = [("claims", "0012_claim_claim_reviewed"), ("reviews", "0008_evidence_document_source_snapshot")]
FEED_PERMISSIONS = {"add_feed", "change_feed", "delete_feed", "view_feed"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upgrading_gives_the_admin_role_the_feed_permissions():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_FEEDS)
    try:
        # As on a database whose roles were synced before the feed table existed.
        admin = Group.objects.get(name="admin")
        admin.permissions.remove(*Permission.objects.filter(codename__in=FEED_PERMISSIONS))
        assert not admin.permissions.filter(codename__in=FEED_PERMISSIONS).exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    codenames = set(Group.objects.get(name="admin").permissions.values_list("codename", flat=True))
    assert codenames >= FEED_PERMISSIONS
    assert "add_feed" not in set(Group.objects.get(name="editor").permissions.values_list("codename", flat=True))
