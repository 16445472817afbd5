"""The review's reads (`reviews.selectors`): the editors' dashboard figures."""

import datetime

import pytest
from django.utils import timezone

from claims.models import Claim, ClaimState, Verdict
from reviews import selectors
from tests.conftest import make_user
from tests.factories import make_claim
from tests.reviews.conftest import approved_after

pytestmark = pytest.mark.django_db


def test_backlog_counts_every_state_and_leaves_dismissed_claims_out(alice):
    make_claim()
    make_claim()
    make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    make_claim(dismissed_at=timezone.now(), dismissal_reason="headline")
    assert selectors.backlog_per_state() == {"unverified": 2, "in_review": 1, "verdict_proposed": 0, "approved": 0}


def test_time_to_approval_is_the_median_and_p90_from_ingest_to_approval(alice):
    for hours in [1, 2, 3, 4, 5, 6, 7, 8, 9, 100]:
        approved_after(hours, alice)
    durations = selectors.time_to_approval()
    assert durations.count == 10
    assert durations.median == datetime.timedelta(hours=5)
    assert durations.p90 == datetime.timedelta(hours=9)


def test_time_to_approval_without_approved_claims_is_empty():
    assert selectors.time_to_approval() == selectors.Durations(count=0, median=None, p90=None)


def test_percentile_is_nearest_rank():
    assert selectors.percentile([1], 0.9) == 1
    assert selectors.percentile([1, 2], 0.5) == 1
    assert selectors.percentile([1, 2, 3, 4], 0.9) == 4
    assert selectors.percentile([], 0.5) is None


def test_reviewer_load_counts_open_claims_per_assignee_busiest_first(alice):
    bob = make_user("bob", "reviewer")
    for _ in range(2):
        make_claim(state=ClaimState.IN_REVIEW, assignee=bob)
    make_claim(state=ClaimState.VERDICT_PROPOSED, assignee=bob, verdict=Verdict.FALSE, verdict_proposed_by=bob)
    make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    make_claim(state=ClaimState.APPROVED, assignee=alice, verdict=Verdict.FALSE)
    make_claim(state=ClaimState.IN_REVIEW, assignee=alice, dismissed_at=timezone.now())
    assert selectors.reviewer_load() == [
        {"username": "bob", "total": 3, "in_review": 2, "verdict_proposed": 1},
        {"username": "alice", "total": 1, "in_review": 1, "verdict_proposed": 0},
    ]


def test_awaiting_approval_lists_proposed_verdicts_longest_waiting_first(alice):
    first = make_claim(state=ClaimState.VERDICT_PROPOSED, verdict=Verdict.FALSE, verdict_proposed_by=alice)
    second = make_claim(state=ClaimState.VERDICT_PROPOSED, verdict=Verdict.FALSE, verdict_proposed_by=alice)
    Claim.objects.filter(pk=second.pk).update(updated_at=timezone.now() - datetime.timedelta(days=1))
    make_claim()
    assert list(selectors.awaiting_approval()) == [second, first]


def test_linked_claims_are_those_with_an_earlier_verdict(alice):
    earlier = approved_after(2, alice)
    linked = make_claim(duplicate_of=earlier)
    make_claim()
    assert list(selectors.linked_claims()) == [linked]
    assert selectors.linked_count() == 1
