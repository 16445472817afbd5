"""A published fact-check as schema.org ClaimReview (JSON-LD), the markup fact-check search engines read: embedded in
its public page and served by the API (`api/claimreview.py`).

Our verdicts on ClaimReview's numeric scale, worst 1 to best 5 (docs/API.md):

    false 1, misleading 2, disputed 3, confirmed 5

`unverifiable` says nothing about truth, so it has no place on the scale: its reviewRating carries only the
`alternateName` (the textual rating, which is what Google requires) and no numbers.

The rating's words are the desk's, in the language it publishes in (FACTCHECK_LANGUAGE), whoever asks: a page and
its markup say the same thing to every reader and every crawler.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext_lazy

from claims.models import SpeakerKind, Verdict
from reviews.published import FactCheck

BEST_RATING, WORST_RATING = 5, 1
RATING_VALUES = {
    Verdict.FALSE: 1,
    Verdict.MISLEADING: 2,
    Verdict.DISPUTED: 3,
    Verdict.CONFIRMED: 5,
}
# The textual rating shown next to the claim: the verdict's name, but "True" for a confirmed claim.
ALTERNATE_NAMES = {
    Verdict.FALSE: Verdict.FALSE.label,
    Verdict.MISLEADING: Verdict.MISLEADING.label,
    Verdict.DISPUTED: Verdict.DISPUTED.label,
    Verdict.CONFIRMED: pgettext_lazy("ClaimReview rating of a confirmed claim", "True"),
    Verdict.UNVERIFIABLE: Verdict.UNVERIFIABLE.label,
}


def page_path(factcheck: FactCheck) -> str:
    return reverse("public:factcheck", kwargs={"pk": factcheck.claim.pk, "slug": factcheck.slug})


def page_url(factcheck: FactCheck) -> str:
    """The public page's absolute address (PUBLIC_BASE_URL), or CLAIMREVIEW_URL's where a desk publishes elsewhere."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    if settings.CLAIMREVIEW_URL:
        return settings.CLAIMREVIEW_URL.format(base=base, id=factcheck.claim.pk, slug=factcheck.slug)
    return base + page_path(factcheck)


def rating_names(verdict: str) -> tuple[str, str]:
    """The verdict's name and its textual rating, in the desk's language."""
    with translation.override(settings.FACTCHECK_LANGUAGE):
        return str(Verdict(verdict).label), str(ALTERNATE_NAMES[verdict])


def claimreview(factcheck: FactCheck) -> dict:
    claim = factcheck.claim
    article = claim.article
    name, alternate_name = rating_names(factcheck.verdict)
    rating = {"@type": "Rating", "alternateName": alternate_name, "name": name}
    if factcheck.verdict in RATING_VALUES:
        rating.update(ratingValue=RATING_VALUES[factcheck.verdict], bestRating=BEST_RATING, worstRating=WORST_RATING)
    item = {"@type": "Claim"}
    author = _claimant(claim)
    if author:
        item["author"] = author
    if article.url:
        appearance = {"@type": "CreativeWork", "url": article.url}
        if article.title:
            appearance["headline"] = article.title
        item["appearance"] = [appearance]
    first_seen = article.published_on or article.ingested_at.date()
    item["datePublished"] = first_seen.isoformat()
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": page_url(factcheck),
        "claimReviewed": factcheck.claim_reviewed,
        "itemReviewed": item,
        "reviewRating": rating,
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_ORGANISATION_NAME,
            "url": settings.FACTCHECK_ORGANISATION_URL,
        },
        "datePublished": factcheck.first_published_at.date().isoformat(),
        "reviewBody": factcheck.rationale,
    }
    if factcheck.approved_at.date() != factcheck.first_published_at.date():
        review["dateModified"] = factcheck.approved_at.date().isoformat()
    language = claim.language or article.language
    if language:
        review["inLanguage"] = language
    return review


def _claimant(claim) -> dict | None:
    if claim.speaker is not None:
        kind = "Organization" if claim.speaker.kind == SpeakerKind.ORGANISATION else "Person"
        return {"@type": kind, "name": claim.speaker.name}
    if claim.cited_outlet:
        return {"@type": "Organization", "name": claim.cited_outlet}
    return None
