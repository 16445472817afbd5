"""Fact-checks published elsewhere, from a search service that speaks the Google Fact Check Tools `claims:search`
format (https://developers.google.com/fact-check/tools/api/reference/rest/v1alpha1/claims/search): enabled when
FACTCHECK_TOOLS_API_KEY is set. Each ClaimReview found (publisher, URL, textual rating) becomes a candidate."""

import json

import urllib3
from django.conf import settings

from claims.analysis.documents import unstorable
from claims.models import Claim, ProposalMethod
from claims.proposing.base import Candidate, ProposerUnavailable
from claims.proposing.reasons import english, reason

# The service ranks its results; the first is the best match, and later ones count for less.
FIRST_SCORE = 0.85
STEP = 0.05
LOWEST = 0.3


class FactCheckSearchProposer:
    name = "external fact-check search"

    def __init__(self, *, api_key: str | None = None, url: str | None = None):
        self.api_key = api_key if api_key is not None else settings.FACTCHECK_TOOLS_API_KEY
        self.url = url or settings.FACTCHECK_TOOLS_URL
        # Timeouts and 5xx answers are retried with exponential backoff; after that the service counts as down.
        self.http = urllib3.PoolManager(
            timeout=urllib3.Timeout(
                connect=settings.FACTCHECK_TOOLS_CONNECT_TIMEOUT, read=settings.FACTCHECK_TOOLS_TIMEOUT
            ),
            retries=urllib3.Retry(
                total=settings.FACTCHECK_TOOLS_RETRIES,
                backoff_factor=settings.FACTCHECK_TOOLS_BACKOFF,
                status_forcelist=(500, 502, 503, 504),
                allowed_methods=("GET",),
                raise_on_status=False,
            ),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.api_key)

    def propose(self, claim: Claim) -> list[Candidate]:
        fields = {"query": claim.text[:500], "key": self.api_key, "pageSize": str(settings.FACTCHECK_TOOLS_PAGE_SIZE)}
        if claim.language:
            fields["languageCode"] = claim.language
        try:
            response = self.http.request("GET", self.url, fields=fields)
        except urllib3.exceptions.HTTPError as exc:
            raise ProposerUnavailable(f"{self.name}: {type(exc).__name__}") from None
        if response.status != 200:
            raise ProposerUnavailable(f"{self.name}: HTTP {response.status}")
        try:
            claims = json.loads(response.data).get("claims", [])
        except (ValueError, AttributeError):
            raise ProposerUnavailable(f"{self.name}: the answer is not the expected JSON") from None
        candidates = self._candidates(claims)
        # A NUL or a lone surrogate (JSON escapes can hold both) would fail the whole run's write, not this proposer.
        if any(unstorable(text) for candidate in candidates for text in _texts(candidate)):
            raise ProposerUnavailable(f"{self.name}: the answer holds text that cannot be stored")
        return candidates

    def _candidates(self, found: list) -> list[Candidate]:
        candidates, seen = [], set()
        for item in found if isinstance(found, list) else []:
            if not isinstance(item, dict):
                continue
            for review in item.get("claimReview") or []:
                url = str(review.get("url") or "")
                if not url.startswith(("http://", "https://")) or url in seen or len(url) > 2000:
                    continue
                seen.add(url)
                publisher = review.get("publisher") or {}
                publisher_name = str(publisher.get("name") or publisher.get("site") or "")[:300]
                rating = str(review.get("textualRating") or "")[:200]
                title = str(review.get("title") or item.get("text") or "")[:500]
                rank = len(candidates)
                claimant = str(item.get("claimant") or "")[:300]
                rated = reason(
                    "rated_claimant" if claimant else "rated",
                    publisher=publisher_name,
                    claim=str(item.get("text") or "")[:200],
                    rating=rating,
                    **({"claimant": claimant} if claimant else {}),
                )
                candidates.append(
                    Candidate(
                        ProposalMethod.EXTERNAL,
                        max(LOWEST, FIRST_SCORE - STEP * rank),
                        english([rated]),
                        external_url=url,
                        external_title=title,
                        external_publisher=publisher_name,
                        external_rating=rating,
                        reasons=(rated,),
                    )
                )
        return candidates


def _texts(candidate: Candidate) -> list[str]:
    return [
        candidate.reason,
        candidate.external_url,
        candidate.external_title,
        candidate.external_publisher,
        candidate.external_rating,
    ]
