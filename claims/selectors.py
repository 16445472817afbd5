"""Reads of claims that more than one way in makes: the rows a claim list or detail renders, an article with its
claims, and the lookup of reviewed claims ("has this been checked?") that the API answers and bench/bench_api.py
measures. Reads of one kind of row that repeat within one place are QuerySet methods (`Claim.objects.reviewed()`)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from claims.analysis.embeddings import embed_queries
from claims.models import Article, Claim
from claims.proposing.earlier_claims import EarlierClaimsProposer
from claims.retrieval.corpora import REVIEWED_CLAIMS
from claims.retrieval.search import searcher


def claim_rows() -> QuerySet:
    """Claims with their article and speaker, without what no list or detail shows (the embedding, the article's
    text)."""
    return Claim.objects.select_related("article", "speaker").defer(
        "embedding", "article__text", "article__content_hash"
    )


def article_with_claims() -> QuerySet:
    """Articles with their claims (not the dismissed ones) in the order of the text, read in one more query."""
    claims = (
        Claim.objects.not_dismissed()
        .order_by("start")
        .only(
            "pk",
            "article_id",
            "text",
            "start",
            "end",
            "state",
            "verdict",
            "verdict_under_correction",
            "checkworthiness",
            "is_checkworthy",
        )
    )
    return Article.objects.defer("content_hash").prefetch_related(Prefetch("claims", queryset=claims))


@dataclass(frozen=True)
class LookupResult:
    claim: Claim
    score: float
    similarity: float | None
    near_duplicate: bool


def lookup_reviewed_claims(*, text: str, limit: int = 5) -> list[LookupResult]:
    """The reviewed claims closest to `text`, best first, by the earlier-claims proposer's search and thresholds:
    below its suggest threshold left out, `near_duplicate` from its link threshold; at most API_LOOKUP_LIMIT.
    Scores are rounded to four places, as clients see them."""
    proposer = EarlierClaimsProposer(limit=min(limit, settings.API_LOOKUP_LIMIT))
    hits = [
        hit
        for hit in searcher(REVIEWED_CLAIMS).search(text=text, embedding=embed_queries([text])[0], limit=proposer.limit)
        if hit.score >= proposer.suggest_threshold
    ]
    # The index may be older than the rows (a claim reopened since): only what is reviewed now is an answer.
    rows = claim_rows().reviewed().in_bulk([hit.id for hit in hits])
    return [
        LookupResult(
            claim=rows[hit.id],
            score=round(hit.score, 4),
            similarity=None if hit.similarity is None else round(hit.similarity, 4),
            near_duplicate=hit.score >= proposer.link_threshold,
        )
        for hit in hits
        if hit.id in rows
    ]
