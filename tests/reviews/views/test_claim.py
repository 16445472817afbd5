"""A claim's page (`reviews.views.claim`): the sentence in its context, the actions offered, proposals, links to
related claims, the work status and the number of queries."""

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimState, Proposal, ProposalMethod, ProposalStatus, Speaker, Verdict, WorkStatus
from reviews.models import ClaimEvent, Comment, EventKind, Evidence
from tests.factories import make_article, make_claim, make_document
from tests.reviews.views.conftest import HTMX, claim_in

pytestmark = pytest.mark.django_db


def test_the_claim_page_shows_the_sentence_in_its_context_with_speaker_outlet_and_reasons(client, alice):
    text = (
        "Vorher kommt ein Satz. " * 40 + "Laut Bloomberg sagte Klein, es seien 80 Millionen Euro. " + "Danach. " * 100
    )
    article = make_article(text=text)
    start = text.index("Laut")
    claim = make_claim(
        article,
        start=start,
        end=start + len("Laut Bloomberg sagte Klein, es seien 80 Millionen Euro."),
        speaker=Speaker.objects.create(name="Petra Klein"),
        cited_outlet="Bloomberg",
        checkworthiness=0.87,
        checkworthiness_reasons=[{"code": "number", "detail": "80 Millionen Euro"}],
    )
    client.force_login(alice)
    body = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    assert '<mark id="sentence">Laut Bloomberg sagte Klein, es seien 80 Millionen Euro.</mark>' in body
    assert "Vorher kommt ein Satz." in body and body.count("Danach.") < 100
    assert "Petra Klein" in body and "Bloomberg" in body and "0.87" in body
    assert "number: 80 Millionen Euro" in body


def test_the_claim_page_offers_only_the_actions_this_person_may_take(client, alice, erin):
    claim = claim_in(ClaimState.VERDICT_PROPOSED, assignee=alice, proposer=alice)
    client.force_login(alice)
    assert [
        a["transition"].action for a in client.get(reverse("reviews:claim-detail", args=[claim.pk])).context["actions"]
    ] == []
    client.force_login(erin)
    actions = client.get(reverse("reviews:claim-detail", args=[claim.pk])).context["actions"]
    assert [a["transition"].action for a in actions] == ["send_back", "approve"]


def test_the_claim_page_ranks_proposals_and_shows_method_reason_and_reliability(client, alice):
    claim = make_claim()
    low = make_document(title="Low document")
    high = make_document(title="High document")
    high.source.reliability = "high"
    high.source.save()
    Proposal.objects.create(claim=claim, document=low, method=ProposalMethod.LEXICAL, score=0.2, reason="few words")
    Proposal.objects.create(
        claim=claim, document=high, method=ProposalMethod.SEMANTIC, score=0.9, reason="same meaning"
    )
    client.force_login(alice)
    body = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    assert body.index("High document") < body.index("Low document")
    assert "Semantic search" in body and "same meaning" in body and ">High<" in body


def test_the_claim_page_links_the_near_duplicate_and_earlier_claims_with_their_verdicts(client, alice, erin):
    earlier = claim_in(ClaimState.APPROVED, verdict=Verdict.MISLEADING, proposer=erin)
    claim = make_claim(duplicate_of=earlier)
    Proposal.objects.create(claim=claim, earlier_claim=earlier, method=ProposalMethod.EARLIER_CLAIM, score=0.97)
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-detail", args=[claim.pk]))
    body = response.content.decode()
    assert reverse("reviews:claim-detail", args=[earlier.pk]) in body
    assert body.count("Misleading") >= 2
    assert response.context["earlier"][0].earlier_claim == earlier


def test_the_claim_page_links_to_the_next_and_previous_claim_of_the_list(client, alice):
    first, second, third = (claim_in(ClaimState.UNVERIFIED) for _ in range(3))
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-detail", args=[second.pk]), {"state": "unverified"})
    assert (response.context["previous"], response.context["following"]) == (first.pk, third.pk)
    assert 'rel="next"' in response.content.decode()


def test_an_unknown_claim_is_a_404(client, alice):
    client.force_login(alice)
    assert client.get(reverse("reviews:claim-detail", args=[999999])).status_code == 404


def test_the_work_status_polls_while_proposals_run_and_stops_when_done(client, alice):
    claim = make_claim(proposals_status=WorkStatus.RUNNING)
    claim.article.extraction_status = WorkStatus.DONE
    claim.article.save()
    client.force_login(alice)
    url = reverse("reviews:claim-work", args=[claim.pk])
    assert "hx-trigger" in client.get(url, HTMX).content.decode()
    Claim.objects.filter(pk=claim.pk).update(proposals_status=WorkStatus.DONE)
    body = client.get(url, {"polling": "1"}, **HTMX).content.decode()
    assert "hx-trigger" not in body and "reload the page" in body


@pytest.mark.parametrize("count", [5, 50])
def test_the_claim_page_takes_the_same_number_of_queries_for_5_and_50_proposals(
    client, people, count, django_assert_max_num_queries
):
    claim = claim_in(ClaimState.IN_REVIEW, assignee=people["alice"])
    earlier = claim_in(ClaimState.APPROVED, proposer=people["bob"])
    for number in range(count):
        status = [ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED][number % 2]
        proposal = Proposal.objects.create(
            claim=claim, document=make_document(), method=ProposalMethod.HYBRID, score=number / 100, status=status
        )
        if status == ProposalStatus.ACCEPTED:
            Evidence.objects.create(claim=claim, proposal=proposal, added_by=people["alice"])
        Comment.objects.create(claim=claim, author=people["alice"], text=f"comment {number}")
        ClaimEvent.objects.create(claim=claim, kind=EventKind.COMMENTED, actor=people["alice"])
    Proposal.objects.create(claim=claim, earlier_claim=earlier, method=ProposalMethod.EARLIER_CLAIM, score=0.5)
    client.force_login(people["alice"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reviews:claim-detail", args=[claim.pk]))
    assert len(response.context["proposals"]) == count + 1
