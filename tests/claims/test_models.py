"""Constraints the database itself enforces, whatever code writes the rows."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from claims.models import Article, ClaimState, Proposal, ProposalMethod, Verdict
from reviews.models import ClaimEvent, EventKind
from tests.factories import make_article, make_claim, make_document, make_source

pytestmark = pytest.mark.django_db


def assert_rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_two_articles_with_the_same_content_hash_cannot_exist():
    article = make_article()
    assert_rejected(lambda: Article.objects.create(text=article.text, content_hash=article.content_hash))


def test_one_sentence_span_is_one_claim():
    claim = make_claim(start=0, end=8)
    assert_rejected(lambda: make_claim(claim.article, start=0, end=8))


def test_a_claim_span_cannot_be_empty():
    assert_rejected(lambda: make_claim(start=5, end=5))


@pytest.mark.parametrize("score", [-0.1, 1.5])
def test_checkworthiness_outside_zero_to_one_is_rejected(score):
    assert_rejected(lambda: make_claim(checkworthiness=score))


def test_an_approved_claim_needs_a_verdict():
    assert_rejected(lambda: make_claim(state=ClaimState.APPROVED))
    assert make_claim(state=ClaimState.APPROVED, verdict=Verdict.FALSE).pk


def test_a_proposal_has_exactly_one_target():
    claim = make_claim()
    document, source = make_document(), make_source()
    assert_rejected(lambda: Proposal.objects.create(claim=claim, method=ProposalMethod.LEXICAL, score=1))
    assert_rejected(
        lambda: Proposal.objects.create(
            claim=claim, document=document, source=source, method=ProposalMethod.LEXICAL, score=1
        )
    )


def test_a_claim_gets_one_proposal_per_target():
    claim, document = make_claim(), make_document()
    Proposal.objects.create(claim=claim, document=document, method=ProposalMethod.LEXICAL, score=0.4)
    assert_rejected(
        lambda: Proposal.objects.create(claim=claim, document=document, method=ProposalMethod.SEMANTIC, score=0.9)
    )
    Proposal.objects.create(claim=claim, external_url="https://example.org/check", method="external", score=0.5)
    assert_rejected(
        lambda: Proposal.objects.create(claim=claim, external_url="https://example.org/check", method="alias", score=1)
    )


def test_claim_events_are_append_only():
    event = ClaimEvent.objects.create(claim=make_claim(), kind=EventKind.COMMENTED, note="first")
    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert ClaimEvent.objects.get(pk=event.pk).note == "first"


def test_a_claim_with_history_cannot_be_deleted():
    claim = make_claim()
    ClaimEvent.objects.create(claim=claim, kind=EventKind.COMMENTED)
    with pytest.raises(ProtectedError):
        claim.delete()
    assert claim.events.count() == 1
