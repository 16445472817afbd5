"""A claim's approved verdict as schema.org ClaimReview (JSON-LD), served by the API: the same markup as the public
fact-check page embeds (`reviews/claimreview.py`, with the rating scale), its `url` that page."""

from claims.models import Claim
from reviews import published
from reviews.claimreview import ALTERNATE_NAMES, BEST_RATING, RATING_VALUES, WORST_RATING
from reviews.claimreview import claimreview as factcheck_claimreview

__all__ = ["ALTERNATE_NAMES", "BEST_RATING", "RATING_VALUES", "WORST_RATING", "claimreview", "has_claimreview"]


def has_claimreview(claim: Claim) -> bool:
    """The API serves approved verdicts only: a claim under correction answers 404 until it is approved again."""
    return bool(claim.public_verdict)


def claimreview(claim: Claim) -> dict:
    """The ClaimReview of an approved claim (check `has_claimreview` first)."""
    return factcheck_claimreview(published.claim_factcheck(claim))
