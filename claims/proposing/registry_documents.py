"""Registry documents that may confirm or refute a claim, found by hybrid search (claims/retrieval/).

Only documents of active sources are proposed. A German claim finds English documents through the embeddings,
which are multilingual, and through the names and numbers both share.
"""

from django.conf import settings

from claims.models import Document, Source
from claims.proposing.base import Candidate
from claims.retrieval.corpora import DOCUMENTS
from claims.retrieval.proposals import claim_vector, describe
from claims.retrieval.search import searcher


class RegistryDocumentsProposer:
    name = "registry documents"

    def __init__(self, *, limit: int | None = None, min_score: float | None = None):
        self.limit = settings.PROPOSAL_DOCUMENTS_LIMIT if limit is None else limit
        self.min_score = settings.PROPOSAL_DOCUMENTS_MIN_SCORE if min_score is None else min_score

    def propose(self, claim) -> list[Candidate]:
        search = searcher(DOCUMENTS)
        inactive_sources = Source.objects.filter(active=False).values_list("pk", flat=True)
        hits = [
            hit
            for hit in search.search(
                text=claim.text, embedding=claim_vector(claim), limit=self.limit, exclude_groups=inactive_sources
            )
            if hit.score >= self.min_score
        ]
        # The texts, for the reasons; a source switched off since the search began is left out as well.
        documents = Document.objects.filter(pk__in=[hit.id for hit in hits], source__active=True).only(
            "title", "text", "language"
        )
        by_id = {document.pk: document for document in documents}
        return [
            Candidate(
                method=hit.method,
                score=round(hit.score, 4),
                reason=describe(hit, search.shared_words(claim.text, f"{doc.title} {doc.text}", doc.language)),
                document_id=hit.id,
            )
            for hit in hits
            if (doc := by_id.get(hit.id)) is not None
        ]
