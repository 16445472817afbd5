"""What the pages show of a fact-check's publishing."""

from django import template

from reviews.published import default_claim_reviewed

register = template.Library()


@register.filter
def claim_reviewed_or_default(claim) -> str:
    """The wording the propose form offers: the one set before, else the sentence without its attribution."""
    return claim.claim_reviewed or default_claim_reviewed(claim)
