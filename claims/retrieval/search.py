"""Hybrid search in one corpus: the lexical and the semantic rankings fused into one score in [0, 1].

Each side proposes its best rows; every row either side found is then scored with both signals (its exact cosine
from the in-process matrix, its BM25 score where the lexical side found it) and the two are fused by the corpus's
`fusion.Mix`. The indexes live in this process, one pair per corpus and database, and are brought up to
date before each search from the rows that changed (see `corpora.Version`).
"""

import threading
from dataclasses import dataclass

import numpy as np
from django.db import connection

from claims.models import ProposalMethod
from claims.retrieval import text as words
from claims.retrieval.bridge import bridged_terms
from claims.retrieval.corpora import Corpus
from claims.retrieval.lexical import BRIDGE_WEIGHT, LexicalIndex, lexical_index
from claims.retrieval.semantic import VectorIndex

# How many rows each side proposes before fusion. More finds a little more and costs a little more time.
POOL = 50


@dataclass(frozen=True)
class Hit:
    id: int
    # The fused score in [0, 1] (fusion.Mix): for earlier claims the chance that it is the same claim, for documents
    # a rescaled mix that orders them and is no probability.
    score: float
    # Cosine similarity of the embeddings; None when the row (or the claim) has no embedding yet.
    similarity: float | None
    # BM25 score and rank (1-based) when the lexical side found the row, else None.
    lexical_score: float | None
    lexical_rank: int | None
    semantic_rank: int | None
    # The best BM25 score of the same search, which the lexical score is fused relative to.
    best_lexical_score: float = 0.0

    @property
    def method(self) -> ProposalMethod:
        """Which side found the row: both, or only one of them."""
        if self.lexical_rank is not None and self.semantic_rank is not None:
            return ProposalMethod.HYBRID
        return ProposalMethod.LEXICAL if self.lexical_rank is not None else ProposalMethod.SEMANTIC


class Searcher:
    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.vectors = VectorIndex(corpus)
        self.lexical: LexicalIndex = lexical_index(corpus)
        self._version = None

    def refresh(self) -> None:
        version = self.corpus.version(previous=self._version)
        self.vectors.refresh(version)
        self.lexical.refresh(version)
        self._version = version

    def search(
        self,
        *,
        text: str,
        embedding: np.ndarray | None,
        limit: int,
        exclude_ids=(),
        exclude_groups=(),
        language: str = "",
    ) -> list[Hit]:
        """The best `limit` rows for a claim's text and query embedding, best first. With the claim's `language`, its
        words are also searched for translated (`bridge`): a German claim's in English rows, and the reverse."""
        self.refresh()
        exclude_ids, exclude_groups = list(exclude_ids), list(exclude_groups)
        bridged = {config: list(found) for config, found in bridged_terms(text, language).items()}
        lexical = self.lexical.search(
            text, limit=POOL, exclude_ids=exclude_ids, exclude_groups=exclude_groups, bridged=bridged
        )
        semantic = []
        if embedding is not None:
            semantic = self.vectors.search(
                embedding, limit=POOL, exclude_ids=exclude_ids, exclude_groups=exclude_groups
            )
        lexical_rank = {pk: rank for rank, (pk, _score) in enumerate(lexical, 1)}
        lexical_score = dict(lexical)
        semantic_rank = {pk: rank for rank, (pk, _similarity) in enumerate(semantic, 1)}
        similarity = dict(semantic)
        candidates = list(dict.fromkeys([*lexical_rank, *semantic_rank]))
        if embedding is not None:
            similarity.update(self.vectors.similarities(embedding, [pk for pk in candidates if pk not in similarity]))
        best_lexical = lexical[0][1] if lexical else 0.0
        hits = [
            Hit(
                id=pk,
                score=self.corpus.mix.score(
                    similarity=similarity.get(pk),
                    lexical_score=lexical_score.get(pk),
                    best_lexical_score=best_lexical,
                ),
                similarity=similarity.get(pk),
                lexical_score=lexical_score.get(pk),
                lexical_rank=lexical_rank.get(pk),
                semantic_rank=semantic_rank.get(pk),
                best_lexical_score=best_lexical,
            )
            for pk in candidates
        ]
        hits.sort(key=lambda hit: (-hit.score, hit.id))
        # The indexes may still hold a row deleted (or gone out of the corpus) in the last few seconds.
        shortlist = hits[: 2 * limit]
        present = set(self.corpus.rows().filter(pk__in=[hit.id for hit in shortlist]).values_list("pk", flat=True))
        return [hit for hit in shortlist if hit.id in present][:limit]

    def shared_words(
        self, claim_text: str, row_text: str, row_language: str, *, limit: int = 4, claim_language: str = ""
    ) -> list[tuple[str, str]]:
        """The claim's words (as the claim writes them) that the row also has, rarest first: what a reason quotes,
        each with "" or, for a word the row has only in translation, the row's word for it. Matched as the lexical
        search matches them: stemmed in the row's language, or unstemmed, or through the bridge."""
        config = words.config_for(row_language)
        row_terms = words.term_set(row_text, config) | words.term_set(row_text, words.SIMPLE)
        shared: dict[str, tuple[str, str, float]] = {}
        for candidate_config in dict.fromkeys([config, words.SIMPLE]):
            for term, word in words.term_words(claim_text, candidate_config).items():
                if term in row_terms and word.lower() not in shared and not words.is_stop_word(word):
                    shared[word.lower()] = (word, "", self.lexical.statistics.rarity(term))
        if claim_language:
            row_words = words.term_words(row_text, config)
            for term, word in bridged_terms(claim_text, claim_language).get(config, {}).items():
                if term in row_terms and word.lower() not in shared:
                    # Bridged words count for less in the score, and so in the order of the reason.
                    rarity = BRIDGE_WEIGHT * self.lexical.statistics.rarity(term)
                    shared[word.lower()] = (word, row_words.get(term, term), rarity)
        ranked = sorted(shared.values(), key=lambda entry: (-entry[2], entry[0].lower()))
        return [(word, translation) for word, translation, _rarity in ranked[:limit]]


_searchers: dict[tuple, Searcher] = {}
_searchers_lock = threading.Lock()


def searcher(corpus: Corpus) -> Searcher:
    """This process's searcher for `corpus` in the current database."""
    key = (corpus.name, connection.vendor, connection.settings_dict["NAME"])
    with _searchers_lock:
        if key not in _searchers:
            _searchers[key] = Searcher(corpus)
        return _searchers[key]


def forget_searchers() -> None:
    """Drop every in-process index; the next search loads them again. For a process that switched databases."""
    with _searchers_lock:
        _searchers.clear()
