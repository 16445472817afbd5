"""The reads of claims: which claims are reviewed, which verdict is public, an article's claims, and the lookup of
reviewed claims that the API and the benchmark share."""

import pytest
from django.utils import timezone

from claims import selectors
from claims.analysis.embeddings import embed_queries, vector_bytes
from claims.models import Claim, ClaimState, Verdict
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db

WIND = "Der Windpark im Hafen liefert Strom für 40.000 Haushalte in der Stadt."
WIND_AGAIN = "Der Windpark im Hafen liefert Strom für 40.000 Haushalte der Stadt."
SCHOOLS = "Die Schulspeisung wird ab Januar in allen Grundschulen kostenlos."


def claim_of(text: str, headline: str = "Bilanz", **fields) -> Claim:
    """A claim as extraction leaves it, with its query embedding, alone in an article of its own."""
    article = make_article(text=f"{headline}\n\n{text}")
    start = article.text.index(text)
    embedding = vector_bytes(embed_queries([text])[0])
    return make_claim(article, start=start, end=start + len(text), language="de", embedding=embedding, **fields)


def by_state() -> dict[str, Claim]:
    """One claim at each point of the review, a reopened one (under correction) among them."""
    return {
        "unverified": make_claim(),
        "in_review": make_claim(state=ClaimState.IN_REVIEW),
        "proposed": make_claim(state=ClaimState.VERDICT_PROPOSED, verdict=Verdict.MISLEADING),
        "approved": make_claim(state=ClaimState.APPROVED, verdict=Verdict.FALSE),
        "reopened": make_claim(state=ClaimState.IN_REVIEW, verdict_under_correction=Verdict.FALSE),
    }


def test_reviewed_claims_are_the_approved_ones_and_those_given_a_verdict():
    claims = by_state()
    reviewed = set(Claim.objects.reviewed().values_list("pk", flat=True))
    assert reviewed == {claims["proposed"].pk, claims["approved"].pk}


def test_only_an_approved_verdict_is_public():
    claims = by_state()
    public = {name: claim.public_verdict for name, claim in claims.items()}
    assert public == {"unverified": None, "in_review": None, "proposed": None, "approved": "false", "reopened": None}


def test_an_article_shows_its_claims_in_the_order_of_the_text_without_the_dismissed():
    article = make_article(text="Headline\n\nOne sentence here. Two sentences here. Three sentences here.")
    spans = [article.text.index(s) for s in ("Three", "One", "Two")]
    third, first, second = (make_claim(article, start=start, end=start + 3) for start in spans)
    second.dismissed_at = timezone.now()
    second.save()
    shown = selectors.article_with_claims().get(pk=article.pk)
    assert [claim.pk for claim in shown.claims.all()] == [first.pk, third.pk]


def test_the_lookup_finds_reviewed_claims_saying_the_same_with_rounded_scores():
    earlier = claim_of(WIND, state=ClaimState.APPROVED, verdict=Verdict.FALSE)
    claim_of(SCHOOLS, state=ClaimState.APPROVED, verdict=Verdict.CONFIRMED)
    claim_of(WIND, headline="Noch einmal", state=ClaimState.IN_REVIEW)  # the same words, not reviewed: no answer
    results = selectors.lookup_reviewed_claims(text=WIND_AGAIN)
    assert [result.claim.pk for result in results] == [earlier.pk]
    result = results[0]
    assert result.near_duplicate is True and result.claim.public_verdict == Verdict.FALSE
    assert result.score == round(result.score, 4) and 0 < result.score <= 1
    assert result.similarity == round(result.similarity, 4)


def test_the_lookup_leaves_out_a_claim_no_longer_reviewed():
    earlier = claim_of(WIND, state=ClaimState.APPROVED, verdict=Verdict.FALSE)
    assert [result.claim.pk for result in selectors.lookup_reviewed_claims(text=WIND)] == [earlier.pk]
    Claim.objects.filter(pk=earlier.pk).update(state=ClaimState.IN_REVIEW, verdict="", verdict_under_correction="false")
    assert selectors.lookup_reviewed_claims(text=WIND) == []


def test_the_lookup_gives_at_most_API_LOOKUP_LIMIT_results(settings):
    settings.API_LOOKUP_LIMIT = 1
    claim_of(WIND, state=ClaimState.APPROVED, verdict=Verdict.FALSE)
    claim_of(WIND_AGAIN, state=ClaimState.APPROVED, verdict=Verdict.FALSE)
    assert len(selectors.lookup_reviewed_claims(text=WIND, limit=5)) == 1
