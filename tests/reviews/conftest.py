"""Helpers of the review's tests."""

import datetime

from claims.models import Claim, ClaimState, Verdict
from tests.factories import make_article, make_claim


def approved_after(hours: float, proposer) -> Claim:
    """An approved claim whose verdict came `hours` after its article was ingested."""
    article = make_article()
    claim = make_claim(
        article, state=ClaimState.APPROVED, verdict=Verdict.FALSE, verdict_proposed_by=proposer, verdict_rationale="r"
    )
    Claim.objects.filter(pk=claim.pk).update(approved_at=article.ingested_at + datetime.timedelta(hours=hours))
    return claim
