"""The earlier-claims proposer: reviewed claims that say the same, with their verdict; separate thresholds for
suggesting and for linking automatically; never the claim itself or its article's other claims."""

import pytest

from claims.analysis.embeddings import embed_queries, vector_bytes
from claims.models import Claim, ClaimState, ProposalMethod, Verdict
from claims.proposing.base import Candidate
from claims.proposing.earlier_claims import EarlierClaimsProposer
from claims.services.proposals import propose_sources
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db

WIND = "Der Windpark im Hafen liefert Strom für 40.000 Haushalte in der Stadt."
WIND_AGAIN = "Der Windpark im Hafen liefert Strom für 40.000 Haushalte der Stadt."


def claim_of(text: str, article=None, **fields) -> Claim:
    article = article or make_article(text=text)
    start = article.text.index(text)
    return make_claim(
        article,
        start=start,
        end=start + len(text),
        language=fields.pop("language", "de"),
        embedding=vector_bytes(embed_queries([text])[0]),
        **fields,
    )


def reviewed(text: str, verdict=Verdict.FALSE, **fields) -> Claim:
    return claim_of(text, state=ClaimState.APPROVED, verdict=verdict, **fields)


def test_a_reviewed_claim_saying_the_same_is_proposed_with_its_verdict():
    earlier = reviewed(WIND)
    reviewed("Die Schulspeisung wird ab Januar kostenlos.", verdict=Verdict.CONFIRMED)
    candidates = EarlierClaimsProposer().propose(claim_of(WIND_AGAIN))
    assert [c.earlier_claim_id for c in candidates] == [earlier.pk]
    candidate = candidates[0]
    assert candidate.method == ProposalMethod.EARLIER_CLAIM and 0 <= candidate.score <= 1
    assert candidate.reason.startswith("checked before (False, approved); shares ")
    assert "'40.000'" in candidate.reason and "'Hafen'" in candidate.reason
    assert candidate.reason.endswith("semantic similarity 1.00") or "semantic similarity 0.9" in candidate.reason


def test_a_claim_with_a_verdict_not_yet_approved_counts_as_reviewed():
    earlier = claim_of(WIND, state=ClaimState.VERDICT_PROPOSED, verdict=Verdict.MISLEADING)
    candidates = EarlierClaimsProposer().propose(claim_of(WIND_AGAIN))
    assert [c.earlier_claim_id for c in candidates] == [earlier.pk]
    assert "(Misleading, verdict proposed)" in candidates[0].reason


def test_claims_not_reviewed_yet_are_not_proposed():
    claim_of(WIND, state=ClaimState.IN_REVIEW)
    assert EarlierClaimsProposer(suggest_threshold=0).propose(claim_of(WIND_AGAIN)) == []


def test_never_the_claim_itself_nor_claims_of_the_same_article():
    article = make_article(text=f"{WIND} {WIND_AGAIN}")
    first = claim_of(WIND, article=article, state=ClaimState.APPROVED, verdict=Verdict.FALSE)
    second = claim_of(WIND_AGAIN, article=article, state=ClaimState.APPROVED, verdict=Verdict.FALSE)
    proposer = EarlierClaimsProposer(suggest_threshold=0)
    assert proposer.propose(first) == [] and proposer.propose(second) == []


def test_the_suggest_threshold_leaves_out_weaker_matches():
    reviewed("Die Schulspeisung wird ab Januar kostenlos.")
    claim = claim_of(WIND)
    assert EarlierClaimsProposer(suggest_threshold=0).propose(claim)
    assert EarlierClaimsProposer(suggest_threshold=0.99).propose(claim) == []


def test_a_near_duplicate_reaching_the_link_threshold_is_linked_automatically():
    reviewed(WIND)
    claim = claim_of(WIND_AGAIN)
    proposer = EarlierClaimsProposer(link_threshold=0.5)
    candidate = proposer.propose(claim)[0]
    assert proposer.is_auto_link(candidate, claim)
    assert not EarlierClaimsProposer(link_threshold=candidate.score + 0.01).is_auto_link(candidate, claim)


def test_claims_under_five_words_are_never_linked_automatically():
    short_earlier = reviewed("Das ist falsch.")
    claim = claim_of("Das ist falsch, sagte er.")
    candidate = Candidate(method=ProposalMethod.EARLIER_CLAIM, score=1.0, reason="", earlier_claim_id=short_earlier.pk)
    assert not EarlierClaimsProposer(link_threshold=0.5).is_auto_link(candidate, claim)

    long_earlier = reviewed(WIND)
    candidate = Candidate(method=ProposalMethod.EARLIER_CLAIM, score=1.0, reason="", earlier_claim_id=long_earlier.pk)
    assert not EarlierClaimsProposer(link_threshold=0.5).is_auto_link(candidate, claim_of("Windpark liefert Strom."))
    assert EarlierClaimsProposer(link_threshold=0.5).is_auto_link(candidate, claim_of(WIND_AGAIN))


def test_the_thresholds_come_from_the_settings(settings):
    settings.EARLIER_CLAIMS_SUGGEST_THRESHOLD = 0.3
    settings.EARLIER_CLAIMS_LINK_THRESHOLD = 0.8
    settings.EARLIER_CLAIMS_LIMIT = 2
    proposer = EarlierClaimsProposer()
    assert (proposer.suggest_threshold, proposer.link_threshold, proposer.limit) == (0.3, 0.8, 2)


def test_a_near_duplicate_is_linked_by_the_proposal_run_and_a_short_claim_is_not(settings):
    earlier = reviewed(WIND)
    new = claim_of(WIND_AGAIN)
    propose_sources(claim_id=new.pk)
    new.refresh_from_db()
    assert new.duplicate_of_id == earlier.pk
    assert new.proposals.filter(earlier_claim=earlier).exists()

    short_earlier = reviewed("Das stimmt nicht.")
    short = claim_of("Das stimmt nicht!")
    propose_sources(claim_id=short.pk)
    short.refresh_from_db()
    assert short.duplicate_of_id is None
    assert short.proposals.filter(earlier_claim=short_earlier).exists()


def test_a_link_below_the_threshold_is_only_suggested(settings):
    settings.EARLIER_CLAIMS_LINK_THRESHOLD = 1.01
    earlier = reviewed(WIND)
    new = claim_of(WIND_AGAIN)
    propose_sources(claim_id=new.pk)
    new.refresh_from_db()
    assert new.duplicate_of_id is None
    assert new.proposals.filter(earlier_claim=earlier).exists()


def test_a_link_a_reviewer_undid_is_not_made_again(alice):
    from reviews import services
    from reviews.models import ClaimEvent, EventKind

    earlier = reviewed(WIND)
    new = claim_of(WIND_AGAIN)
    propose_sources(claim_id=new.pk)
    new.refresh_from_db()
    assert new.duplicate_of_id == earlier.pk
    services.unlink_duplicate(claim_id=new.pk, actor=alice, reason="Another wind farm.")
    event = ClaimEvent.objects.get(claim=new, kind=EventKind.UNLINKED)
    assert event.actor == alice and event.note == "Another wind farm." and event.data == {"earlier_claim": earlier.pk}
    propose_sources(claim_id=new.pk)
    new.refresh_from_db()
    assert new.duplicate_of_id is None and new.duplicate_unlinked_at is not None
    # The earlier claim is still proposed, for the reviewer to look at.
    assert new.proposals.filter(earlier_claim=earlier).exists()
