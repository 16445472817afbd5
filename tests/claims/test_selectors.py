"""Which claims are reviewed and which verdict is public (claims/models/claims.py)."""

import pytest

from claims.models import Claim, ClaimState, Verdict
from tests.factories import make_claim

pytestmark = pytest.mark.django_db


def by_state() -> dict[str, Claim]:
    """One claim at each point of the review, a reopened one (under correction) among them."""
    return {
        "unverified": make_claim(),
        "in_review": make_claim(state=ClaimState.IN_REVIEW),
        "proposed": make_claim(state=ClaimState.VERDICT_PROPOSED, verdict=Verdict.MISLEADING),
        "approved": make_claim(state=ClaimState.APPROVED, verdict=Verdict.FALSE),
        "reopened": make_claim(state=ClaimState.IN_REVIEW, published_verdict=Verdict.FALSE),
    }


def test_reviewed_claims_are_the_approved_ones_and_those_given_a_verdict():
    claims = by_state()
    reviewed = set(Claim.objects.reviewed().values_list("pk", flat=True))
    assert reviewed == {claims["proposed"].pk, claims["approved"].pk}


def test_only_an_approved_verdict_is_public():
    claims = by_state()
    public = {name: claim.public_verdict for name, claim in claims.items()}
    assert public == {"unverified": None, "in_review": None, "proposed": None, "approved": "false", "reopened": None}
