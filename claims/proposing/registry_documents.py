"""Registry documents that may confirm or refute a claim, found by hybrid search (claims/retrieval/).

Only documents of active sources are proposed. A German claim finds English documents through the embeddings,
which are multilingual, through the names and numbers both share, and through the German-English word bridge
(`claims.retrieval.bridge`).

A document that is as close to every claim of the article as to this one (an explainer of the article's whole
topic, or the one document in the claim's language) says little about this claim: its similarity is taken down by
how close it is to the article's other claims on average (SPECIFICITY), so that the documents specific to the claim
(the interview a quote comes from, the treaty article it cites) come first.
"""

import dataclasses

import numpy as np
from django.conf import settings

from claims.analysis.embeddings import vector_from_bytes
from claims.models import Claim, Document, Source
from claims.proposing.base import Candidate
from claims.proposing.reasons import english, search_reasons
from claims.retrieval.corpora import DOCUMENTS
from claims.retrieval.proposals import claim_vector
from claims.retrieval.search import Hit, Searcher, searcher

# How much a document's mean cosine with the article's other claims is taken off its cosine with this claim, above
# TYPICAL_SIMILARITY (where the penalty is 0). Chosen on the CheckThat! 2022 2B train and dev queries (a debate's
# sentences as one article's claims) together with the sample registry: 3.0 above 0.80 is as good as no penalty on
# 2B train and dev (MAP@5 0.541 and 0.436) and keeps all 12 gold documents of the sample in the top 3, where 1.5
# above 0.78 cost 2B a little; see docs/EVALUATION.md.
SPECIFICITY = 3.0
TYPICAL_SIMILARITY = 0.80
# Rows the search is asked for before they are reordered: a specific document may start a few places down.
RERANKED = 20
# Other claims an article needs before the mean says anything.
MIN_OTHER_CLAIMS = 2


class RegistryDocumentsProposer:
    name = "registry documents"

    def __init__(
        self,
        *,
        limit: int | None = None,
        min_score: float | None = None,
        specificity: float | None = None,
        typical_similarity: float | None = None,
    ):
        self.limit = settings.PROPOSAL_DOCUMENTS_LIMIT if limit is None else limit
        self.min_score = settings.PROPOSAL_DOCUMENTS_MIN_SCORE if min_score is None else min_score
        self.specificity = SPECIFICITY if specificity is None else specificity
        self.typical_similarity = TYPICAL_SIMILARITY if typical_similarity is None else typical_similarity

    def propose(self, claim) -> list[Candidate]:
        search = searcher(DOCUMENTS)
        inactive_sources = Source.objects.filter(active=False).values_list("pk", flat=True)
        found = search.search(
            text=claim.text,
            embedding=claim_vector(claim),
            limit=max(self.limit, RERANKED),
            exclude_groups=inactive_sources,
            language=claim.language,
        )
        hits = [hit for hit in self._specific(claim, found, search) if hit.score >= self.min_score][: self.limit]
        # The texts, for the reasons; a source switched off since the search began is left out as well.
        documents = Document.objects.filter(pk__in=[hit.id for hit in hits], source__active=True).only(
            "title", "text", "language"
        )
        by_id = {document.pk: document for document in documents}
        candidates = []
        for hit in hits:
            document = by_id.get(hit.id)
            if document is None:
                continue
            shared = search.shared_words(
                claim.text, f"{document.title} {document.text}", document.language, claim_language=claim.language
            )
            reasons = search_reasons(hit, shared)
            candidates.append(
                Candidate(
                    method=hit.method,
                    score=round(hit.score, 4),
                    reason=english(reasons),
                    document_id=hit.id,
                    reasons=tuple(reasons),
                )
            )
        return candidates

    def _specific(self, claim, hits: list[Hit], search: Searcher) -> list[Hit]:
        """The hits rescored by their specificity to this claim among the article's claims, best first."""
        if not self.specificity or not hits or claim.article_id is None or claim.pk is None:
            return hits
        others = [
            vector_from_bytes(embedding)
            for embedding in Claim.objects.filter(article_id=claim.article_id, embedding__isnull=False)
            .exclude(pk=claim.pk)
            .values_list("embedding", flat=True)
        ]
        if len(others) < MIN_OTHER_CLAIMS:
            return hits
        vectors = search.vectors.vectors([hit.id for hit in hits if hit.similarity is not None])
        if not vectors:
            return hits
        ids = list(vectors)
        means = (np.vstack(others) @ np.vstack([vectors[pk] for pk in ids]).T).mean(axis=0)
        mean_similarity = dict(zip(ids, means.tolist(), strict=True))
        rescored = []
        for hit in hits:
            if hit.id not in mean_similarity:
                rescored.append(hit)
                continue
            penalty = self.specificity * max(0.0, mean_similarity[hit.id] - self.typical_similarity)
            score = DOCUMENTS.mix.score(
                similarity=hit.similarity - penalty,
                lexical_score=hit.lexical_score,
                best_lexical_score=hit.best_lexical_score,
            )
            rescored.append(dataclasses.replace(hit, score=score))
        return sorted(rescored, key=lambda hit: (-hit.score, hit.id))
