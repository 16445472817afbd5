"""The editors' dashboard figures (`reviews.dashboard`) and the page that shows them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from claims.models import Article, Claim, ClaimState, Verdict
from reviews import dashboard
from tests.conftest import make_user
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db


def approved_after(hours: float, proposer) -> Claim:
    """An approved claim whose verdict came `hours` after its article was ingested."""
    article = make_article()
    claim = make_claim(
        article, state=ClaimState.APPROVED, verdict=Verdict.FALSE, verdict_proposed_by=proposer, verdict_rationale="r"
    )
    Claim.objects.filter(pk=claim.pk).update(approved_at=article.ingested_at + datetime.timedelta(hours=hours))
    return claim


def test_backlog_counts_every_state_and_leaves_dismissed_claims_out(alice):
    make_claim()
    make_claim()
    make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    make_claim(dismissed_at=timezone.now(), dismissal_reason="headline")
    assert dashboard.backlog_per_state() == {"unverified": 2, "in_review": 1, "verdict_proposed": 0, "approved": 0}


def test_time_to_approval_is_the_median_and_p90_from_ingest_to_approval(alice):
    for hours in [1, 2, 3, 4, 5, 6, 7, 8, 9, 100]:
        approved_after(hours, alice)
    durations = dashboard.time_to_approval()
    assert durations.count == 10
    assert durations.median == datetime.timedelta(hours=5)
    assert durations.p90 == datetime.timedelta(hours=9)


def test_time_to_approval_without_approved_claims_is_empty():
    assert dashboard.time_to_approval() == dashboard.Durations(count=0, median=None, p90=None)


def test_percentile_is_nearest_rank():
    assert dashboard.percentile([1], 0.9) == 1
    assert dashboard.percentile([1, 2], 0.5) == 1
    assert dashboard.percentile([1, 2, 3, 4], 0.9) == 4
    assert dashboard.percentile([], 0.5) is None


def test_reviewer_load_counts_open_claims_per_assignee_busiest_first(alice):
    bob = make_user("bob", "reviewer")
    for _ in range(2):
        make_claim(state=ClaimState.IN_REVIEW, assignee=bob)
    make_claim(state=ClaimState.VERDICT_PROPOSED, assignee=bob, verdict=Verdict.FALSE, verdict_proposed_by=bob)
    make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    make_claim(state=ClaimState.APPROVED, assignee=alice, verdict=Verdict.FALSE)
    make_claim(state=ClaimState.IN_REVIEW, assignee=alice, dismissed_at=timezone.now())
    assert dashboard.reviewer_load() == [
        {"username": "bob", "total": 3, "in_review": 2, "verdict_proposed": 1},
        {"username": "alice", "total": 1, "in_review": 1, "verdict_proposed": 0},
    ]


def test_awaiting_approval_lists_proposed_verdicts_longest_waiting_first(alice):
    first = make_claim(state=ClaimState.VERDICT_PROPOSED, verdict=Verdict.FALSE, verdict_proposed_by=alice)
    second = make_claim(state=ClaimState.VERDICT_PROPOSED, verdict=Verdict.FALSE, verdict_proposed_by=alice)
    Claim.objects.filter(pk=second.pk).update(updated_at=timezone.now() - datetime.timedelta(days=1))
    make_claim()
    assert list(dashboard.awaiting_approval()) == [second, first]


def test_linked_claims_are_those_with_an_earlier_verdict(alice):
    earlier = approved_after(2, alice)
    linked = make_claim(duplicate_of=earlier)
    make_claim()
    assert list(dashboard.linked_claims()) == [linked]
    assert dashboard.linked_count() == 1


def test_the_dashboard_page_shows_the_figures(client, erin, alice):
    approved_after(26, alice)
    make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    client.force_login(erin)
    response = client.get(reverse("reviews:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<td data-state="in_review">1</td>' in body
    assert '<td data-figure="median">1 d 2 h</td>' in body
    assert ">alice</a>" in body
    assert Article.objects.count() == 2


@pytest.fixture
def english_afterwards():
    """A request in German leaves German active in this thread (LocaleMiddleware activates, nothing deactivates):
    put English back so that the tests after this one read English messages."""
    yield
    translation.activate("en")


def test_the_dashboard_speaks_german(client, erin, english_afterwards):
    client.force_login(erin)
    response = client.get(reverse("reviews:dashboard"), HTTP_ACCEPT_LANGUAGE="de")
    assert "Rückstand je Status" in response.content.decode()
