"""The write rule's refusals through the web app: a 403 page for another reviewer's claim, back with the message
(409 for htmx) for an approved verdict's evidence and proposals; never a server error, and nothing written."""

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimState, Proposal, ProposalMethod, ProposalStatus, Verdict
from reviews.models import ClaimEvent, Evidence
from tests.conftest import make_user
from tests.factories import make_claim, make_document
from tests.reviews.views.conftest import HTMX, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(db):
    return make_user("bob", "reviewer")


def approved_claim(proposer) -> Claim:
    return make_claim(
        state=ClaimState.APPROVED,
        verdict=Verdict.FALSE,
        verdict_rationale="because",
        verdict_proposed_by=proposer,
        approved_at=timezone.now(),
    )


def proposal_on(claim: Claim) -> Proposal:
    return Proposal.objects.create(
        claim=claim, document=make_document(), method=ProposalMethod.HYBRID, score=0.8, reason="shares words"
    )


def test_evidence_on_an_approved_claim_is_refused_until_it_is_reopened(client, erin, bob):
    claim = approved_claim(bob)
    client.force_login(erin)
    url = reverse("reviews:add-evidence", args=[claim.pk])
    response = client.post(url, {"url": "https://example.org/new"})
    assert response.status_code == 302 and "reopen" in messages_of(response)[0]
    assert client.post(url, {"url": "https://example.org/new"}, **HTMX).status_code == 409
    assert not Evidence.objects.exists() and not ClaimEvent.objects.exists()


def test_a_proposal_on_an_approved_claim_is_not_decided_until_it_is_reopened(client, erin, bob):
    proposal = proposal_on(approved_claim(bob))
    client.force_login(erin)
    url = reverse("reviews:decide-proposal", args=[proposal.pk])
    assert client.post(url, {"decision": "accept"}, **HTMX).status_code == 409
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 302 and "reopen" in messages_of(response)[0]
    assert Proposal.objects.get().status == ProposalStatus.PROPOSED
    assert not Evidence.objects.exists() and not ClaimEvent.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("reviews:add-evidence", {"url": "https://example.org/new"}),
        ("reviews:dismiss", {"reason": "A headline."}),
        ("reviews:restore", {}),
    ],
)
def test_another_reviewers_claim_is_a_403_page(client, alice, bob, name, data):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=bob)
    if name == "reviews:restore":
        Claim.objects.filter(pk=claim.pk).update(dismissed_at=timezone.now(), dismissal_reason="not a claim")
    before = Claim.objects.values_list("version", "dismissed_at").get(pk=claim.pk)
    client.force_login(alice)
    response = client.post(reverse(name, args=[claim.pk]), data)
    assert response.status_code == 403 and "assigned to someone else" in response.content.decode()
    assert Claim.objects.values_list("version", "dismissed_at").get(pk=claim.pk) == before
    assert not Evidence.objects.exists() and not ClaimEvent.objects.exists()


def test_another_reviewers_proposal_is_a_403(client, alice, bob):
    proposal = proposal_on(make_claim(state=ClaimState.IN_REVIEW, assignee=bob))
    client.force_login(alice)
    response = client.post(reverse("reviews:decide-proposal", args=[proposal.pk]), {"decision": "reject"}, **HTMX)
    assert response.status_code == 403 and "assigned to someone else" in response.content.decode()
    assert Proposal.objects.get().status == ProposalStatus.PROPOSED and not ClaimEvent.objects.exists()


def test_another_reviewers_claim_is_not_merged_away(client, alice, bob):
    theirs = make_claim(state=ClaimState.IN_REVIEW, assignee=bob, start=0, end=8)
    free = make_claim(theirs.article, start=10, end=18)
    client.force_login(alice)
    response = client.post(
        reverse("reviews:merge", args=[theirs.article_id]), {"claims": [theirs.pk, free.pk], "reason": "one"}
    )
    assert response.status_code == 403
    assert not Claim.objects.filter(dismissed_at__isnull=False).exists() and not ClaimEvent.objects.exists()
    assert Claim.objects.get(pk=theirs.pk).end == 8


def test_the_assignee_and_an_editor_still_make_these_writes(client, erin, bob):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=bob)
    client.force_login(bob)
    client.post(reverse("reviews:add-evidence", args=[claim.pk]), {"url": "https://example.org/new"})
    client.force_login(erin)
    client.post(reverse("reviews:dismiss", args=[claim.pk]), {"reason": "A headline."})
    history = [(event.kind, event.actor) for event in ClaimEvent.objects.order_by("pk")]
    assert history == [("evidence_added", bob), ("dismissed", erin)]


def test_proposing_again_follows_the_rule_too(client, alice, erin, bob):
    from claims.models import WorkStatus

    approved = approved_claim(bob)
    theirs = make_claim(state=ClaimState.IN_REVIEW, assignee=bob)
    Claim.objects.update(proposals_status=WorkStatus.DONE)
    client.force_login(erin)
    assert client.post(reverse("reviews:propose-again", args=[approved.pk]), **HTMX).status_code == 409
    client.force_login(alice)
    assert client.post(reverse("reviews:propose-again", args=[theirs.pk])).status_code == 403
    assert set(Claim.objects.values_list("proposals_status", flat=True)) == {WorkStatus.DONE}
