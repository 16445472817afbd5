"""Earlier reviewed claims that say the same as a new claim, with their verdict: the desk may have checked it
already.

Reviewed means approved, or given a verdict. Two thresholds, settings by default: at
`EARLIER_CLAIMS_SUGGEST_THRESHOLD` a match is proposed for a reviewer to look at; at `EARLIER_CLAIMS_LINK_THRESHOLD`
it is a near-duplicate that may be linked without asking (`EarlierClaimsProposer.is_auto_link`), except that a claim
of fewer than five words is never linked automatically: "Das ist falsch." matches too much to be trusted. The claim
itself and the other claims of its article are never proposed.
"""

from django.conf import settings

from claims.models import Claim, ProposalMethod
from claims.proposing.base import Candidate
from claims.proposing.reasons import english, reason, search_reasons
from claims.retrieval.corpora import REVIEWED_CLAIMS
from claims.retrieval.proposals import claim_vector
from claims.retrieval.search import searcher
from claims.retrieval.text import words

# Fewer words than this and a claim is never linked automatically, however similar.
AUTO_LINK_MIN_WORDS = 5


class EarlierClaimsProposer:
    name = "earlier claims"

    def __init__(
        self,
        *,
        limit: int | None = None,
        suggest_threshold: float | None = None,
        link_threshold: float | None = None,
    ):
        self.limit = settings.EARLIER_CLAIMS_LIMIT if limit is None else limit
        self.suggest_threshold = (
            settings.EARLIER_CLAIMS_SUGGEST_THRESHOLD if suggest_threshold is None else suggest_threshold
        )
        self.link_threshold = settings.EARLIER_CLAIMS_LINK_THRESHOLD if link_threshold is None else link_threshold

    def propose(self, claim) -> list[Candidate]:
        search = searcher(REVIEWED_CLAIMS)
        hits = [
            hit
            for hit in search.search(
                text=claim.text,
                embedding=claim_vector(claim),
                limit=self.limit,
                exclude_ids=[claim.pk],
                exclude_groups=[claim.article_id],
                language=claim.language,
            )
            if hit.score >= self.suggest_threshold
        ]
        earlier = {
            row.pk: row
            for row in Claim.objects.reviewed()
            .filter(pk__in=[hit.id for hit in hits])
            .exclude(article_id=claim.article_id)
            .only("text", "language", "state", "verdict")
        }
        candidates = []
        for hit in hits:
            row = earlier.get(hit.id)
            if row is None:
                continue
            shared = search.shared_words(claim.text, row.text, row.language, claim_language=claim.language)
            reasons = [reason("checked_before", verdict=row.verdict, state=row.state), *search_reasons(hit, shared)]
            candidates.append(
                Candidate(
                    method=ProposalMethod.EARLIER_CLAIM,
                    score=round(hit.score, 4),
                    reason=english(reasons),
                    earlier_claim_id=hit.id,
                    reasons=tuple(reasons),
                )
            )
        return candidates

    def is_auto_link(self, candidate: Candidate, claim) -> bool:
        """Whether a candidate of this proposer is a near-duplicate to link without a reviewer: its score reaches
        the link threshold and neither claim is shorter than five words. The proposal run asks the proposer that
        found the candidate."""
        if candidate.earlier_claim_id is None or candidate.score < self.link_threshold:
            return False
        if len(words(claim.text)) < AUTO_LINK_MIN_WORDS:
            return False
        earlier_text = Claim.objects.filter(pk=candidate.earlier_claim_id).values_list("text", flat=True).first()
        return earlier_text is not None and len(words(earlier_text)) >= AUTO_LINK_MIN_WORDS
