"""The data migrations of the review's record."""

import importlib

import pytest
from django.apps import apps

from claims.models import Claim
from reviews.models import ClaimEvent, Comment, EventKind, Evidence
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("reviews.migrations.0007_backfill_claim_touched_at").backfill


def test_the_backfill_marks_the_claims_with_history_comments_or_evidence_and_untouched_answers_as_before(alice):
    with_event, with_comment, with_evidence, untouched = (make_claim() for _ in range(4))
    event = ClaimEvent.objects.create(claim=with_event, kind=EventKind.COMMENTED, actor=alice)
    Comment.objects.create(claim=with_comment, author=alice, text="x")
    Evidence.objects.create(claim=with_evidence, url="https://example.org/")
    Claim.objects.update(touched_at=None)

    backfill(apps, None)

    touched = dict(Claim.objects.filter(touched_at__isnull=False).values_list("pk", "touched_at"))
    assert set(touched) == {with_event.pk, with_comment.pk, with_evidence.pk}
    assert touched[with_event.pk] == event.created_at
    assert list(Claim.objects.untouched().values_list("pk", flat=True)) == [untouched.pk]
