"""The roles the data migration creates, and what each may do."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_reviewer_may_ingest_and_review_but_not_approve(alice):
    assert alice.has_perms(["claims.add_article", "reviews.review_claim", "reviews.add_comment"])
    assert not alice.has_perm("reviews.approve_verdict")
    assert not alice.has_perm("claims.change_source")


def test_an_editor_may_approve_reopen_and_assign(erin):
    assert erin.has_perms(["reviews.review_claim", "reviews.approve_verdict", "reviews.reopen_verdict"])
    assert erin.has_perm("reviews.assign_claim")
    assert not erin.has_perm("claims.change_source")


def test_an_admin_manages_the_source_registry_and_users(adam):
    assert adam.has_perms(["claims.add_source", "claims.change_document", "auth.add_user"])


def test_an_api_client_may_only_read(cms):
    assert cms.has_perm("claims.view_claim")
    assert not cms.has_perm("claims.add_article") and not cms.has_perm("reviews.review_claim")


def test_nobody_may_change_or_delete_the_audit_trail(adam):
    assert adam.has_perm("reviews.view_claimevent")
    assert not adam.has_perm("reviews.change_claimevent") and not adam.has_perm("reviews.delete_claimevent")


def test_a_user_without_a_role_may_do_nothing(oscar):
    assert not oscar.get_all_permissions()


def test_an_admin_manages_api_keys_and_webhooks_and_an_editor_does_not(adam, erin):
    for permission in ("api.add_apikey", "api.change_webhook", "api.view_webhookdelivery"):
        assert adam.has_perm(permission)
        assert not erin.has_perm(permission)
