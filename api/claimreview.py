"""A claim's approved verdict as schema.org ClaimReview (JSON-LD), the markup fact-check search engines read.

Our verdicts on ClaimReview's numeric scale, worst 1 to best 5 (docs/API.md):

    false 1, misleading 2, disputed 3, confirmed 5

`unverifiable` says nothing about truth, so it has no place on the scale: its reviewRating carries only the
`alternateName` (the textual rating, which is what Google requires) and no numbers.
"""

from django.conf import settings

from claims.models import Claim, SpeakerKind, Verdict

BEST_RATING, WORST_RATING = 5, 1
RATING_VALUES = {
    Verdict.FALSE: 1,
    Verdict.MISLEADING: 2,
    Verdict.DISPUTED: 3,
    Verdict.CONFIRMED: 5,
}
# The textual rating shown next to the claim (English labels: the rating's name is not translated per reader).
ALTERNATE_NAMES = {
    Verdict.FALSE: "False",
    Verdict.MISLEADING: "Misleading",
    Verdict.DISPUTED: "Disputed",
    Verdict.CONFIRMED: "True",
    Verdict.UNVERIFIABLE: "Unverifiable",
}


def has_claimreview(claim: Claim) -> bool:
    return bool(claim.public_verdict)


def claimreview(claim: Claim) -> dict:
    """The ClaimReview of an approved claim (check `has_claimreview` first)."""
    article = claim.article
    rating = {"@type": "Rating", "alternateName": ALTERNATE_NAMES[claim.verdict], "name": claim.get_verdict_display()}
    if claim.verdict in RATING_VALUES:
        rating.update(ratingValue=RATING_VALUES[claim.verdict], bestRating=BEST_RATING, worstRating=WORST_RATING)
    item = {"@type": "Claim"}
    author = _claimant(claim)
    if author:
        item["author"] = author
    if article.url:
        item["appearance"] = [{"@type": "CreativeWork", "url": article.url, "headline": article.title or None}]
        item["appearance"] = [{k: v for k, v in item["appearance"][0].items() if v}]
    first_seen = article.published_on or article.ingested_at.date()
    item["datePublished"] = first_seen.isoformat()
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": settings.CLAIMREVIEW_URL.format(base=settings.API_PUBLIC_URL.rstrip("/"), id=claim.pk),
        "claimReviewed": claim.text,
        "itemReviewed": item,
        "reviewRating": rating,
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_ORGANISATION_NAME,
            "url": settings.FACTCHECK_ORGANISATION_URL,
        },
        "datePublished": claim.approved_at.date().isoformat(),
        "reviewBody": claim.verdict_rationale,
    }
    language = claim.language or article.language
    if language:
        review["inLanguage"] = language
    return review


def _claimant(claim: Claim) -> dict | None:
    if claim.speaker is not None:
        kind = "Organization" if claim.speaker.kind == SpeakerKind.ORGANISATION else "Person"
        return {"@type": kind, "name": claim.speaker.name}
    if claim.cited_outlet:
        return {"@type": "Organization", "name": claim.cited_outlet}
    return None
