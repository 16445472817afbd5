"""Lexical search: BM25 over stemmed words, each row stemmed with its own language's configuration.

On PostgreSQL the rows' words are the stored `search_vector` columns (see migration 0005: `to_tsvector` in the
row's configuration, a GIN index). A search asks PostgreSQL for the claim's words under every configuration, finds
the rows that contain one of the rarer ones through the index, and scores those rows with BM25 in SQL, a term
counting only under the configuration of the row it occurs in. The document frequencies BM25 needs are read from
the database now and then and kept in this process.

Elsewhere (SQLite) the same scoring runs on an in-process bm25s index of the same stemmed words, rebuilt when the
corpus changes; fine for a laptop's registry, while PostgreSQL is the database for a large one.
"""

import math
import threading
import time
from dataclasses import dataclass, field

import bm25s
import numpy as np
from django.db import connection

from claims.retrieval import text as words
from claims.retrieval.corpora import Corpus, Version

K1 = 1.2
B = 0.75
# On PostgreSQL, candidates are the rows that contain one of the claim's rarest terms, taken rarest first while the
# rows they occur in add up to at most this many (the rarest one always). Commoner terms still count in the score
# of the rows found; a row that shares only common words with a claim would rarely make the top anyway. This bounds
# the rows scored, and so the time, whatever the size of the table.
CANDIDATE_POSTINGS = 1000
# Document frequencies drift slowly; on a large corpus they are read again at most this often, or sooner when the
# number of rows changed by more than STATISTICS_MAX_GROWTH since they were read.
STATISTICS_MAX_AGE_SECONDS = 300
STATISTICS_MAX_GROWTH = 0.05
STATISTICS_ALWAYS_FRESH_BELOW = 20_000
# What a term brought in by the German-English bridge counts, against the same term in the claim's own words: a
# dictionary's translation is a guess among senses.
BRIDGE_WEIGHT = 0.5


@dataclass
class Statistics:
    """Per configuration: how many rows, and in how many rows each term occurs; the mean row length in terms."""

    rows: dict[str, int] = field(default_factory=dict)
    frequencies: dict[tuple[str, str], int] = field(default_factory=dict)
    mean_length: float = 1.0
    read_at: float = 0.0

    def idf(self, config: str, term: str) -> float:
        """BM25's inverse document frequency (never negative), 0 for a term no row of `config` has. Over all rows,
        as bm25s counts it: a term of the one German document among English ones is rare in the corpus, not
        common among German rows."""
        frequency = self.frequencies.get((config, term), 0)
        return self._inverse_frequency(frequency) if frequency else 0.0

    def rarity(self, term: str) -> float:
        """How rare a term is over all configurations, for ordering the words a reason quotes."""
        return self._inverse_frequency(sum(self.frequencies.get((config, term), 0) for config in words.CONFIGS))

    def _inverse_frequency(self, frequency: int) -> float:
        rows = sum(self.rows.values())
        return math.log(1 + (rows - frequency + 0.5) / (frequency + 0.5))


class LexicalIndex:
    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.statistics = Statistics()
        self._lock = threading.Lock()

    def refresh(self, version: Version) -> None:
        raise NotImplementedError

    def search(
        self, text: str, *, limit: int, exclude_ids=(), exclude_groups=(), bridged: dict | None = None
    ) -> list[tuple[int, float]]:
        """The `limit` best rows for `text` as (id, BM25 score), best first; rows sharing no term are left out.
        `bridged` adds terms in another language's configuration ({"english": [terms]}, see `bridge`), each counting
        BRIDGE_WEIGHT of what the same term would count in the text itself."""
        raise NotImplementedError


def _lexical_key(version: Version) -> tuple:
    # Embedding a document does not change its words.
    return (version.count, version.max_id, version.changed_at[0])


class PostgresLexicalIndex(LexicalIndex):
    def __init__(self, corpus: Corpus):
        super().__init__(corpus)
        self._key = None

    def refresh(self, version: Version) -> None:
        key = _lexical_key(version)
        with self._lock:
            if key == self._key:
                return
            age = time.monotonic() - self.statistics.read_at
            counted = sum(self.statistics.rows.values())
            if (
                self._key is None
                or version.count < STATISTICS_ALWAYS_FRESH_BELOW
                or age > STATISTICS_MAX_AGE_SECONDS
                or abs(version.count - counted) > STATISTICS_MAX_GROWTH * counted
            ):
                self.statistics = self._read_statistics()
            self._key = key

    def _read_statistics(self) -> Statistics:
        table = self.corpus.table
        statistics = Statistics(read_at=time.monotonic())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT claims_search_config(language)::text, count(*), avg(length(search_vector))"
                f" FROM {table} WHERE search_vector IS NOT NULL GROUP BY 1"
            )
            lengths = 0.0
            for config, rows, mean_length in cursor.fetchall():
                statistics.rows[config] = rows
                lengths += float(mean_length or 0) * rows
            statistics.mean_length = max(lengths / (sum(statistics.rows.values()) or 1), 1.0)
            cursor.execute(
                f"SELECT claims_search_config(language)::text, term.lexeme, count(*)"
                f" FROM {table}, unnest(search_vector) AS term WHERE search_vector IS NOT NULL GROUP BY 1, 2"
            )
            statistics.frequencies = {(config, term): count for config, term, count in cursor.fetchall()}
        return statistics

    def query_terms(self, text: str) -> dict[str, list[str]]:
        """The claim's search terms under each configuration, as PostgreSQL stems them."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(f"tsvector_to_array(to_tsvector('{config}', %s))" for config in words.CONFIGS),
                [text] * len(words.CONFIGS),
            )
            row = cursor.fetchone()
        return dict(zip(words.CONFIGS, row, strict=True))

    def search(
        self, text: str, *, limit: int, exclude_ids=(), exclude_groups=(), bridged: dict | None = None
    ) -> list[tuple[int, float]]:
        statistics = self.statistics
        direct = {(config, term) for config, terms in self.query_terms(text).items() for term in terms}
        weighted = [
            (config, term, statistics.idf(config, term))
            for config, term in sorted(direct)
            if not words.is_stop_term(term, config)
        ]
        weighted += [
            (config, term, BRIDGE_WEIGHT * statistics.idf(config, term))
            for config, terms in (bridged or {}).items()
            for term in sorted(set(terms))
            if (config, term) not in direct
        ]
        weighted = [entry for entry in weighted if entry[2] > 0]
        if not weighted:
            return []
        # Candidates come through the rarest terms; each term once, whatever its configurations. The claim's own
        # terms first, then the translated ones with what is left of the budget: a translation is a guess, and a
        # rare one (a word of the few rows in the other language) would otherwise take the budget first.
        frequency: dict[str, int] = {}
        for config, term, _idf in weighted:
            frequency[term] = frequency.get(term, 0) + statistics.frequencies.get((config, term), 0)
        own = {term for _config, term in direct}
        finding, postings = [], 0
        for term in sorted(frequency, key=lambda term: (term not in own, frequency[term], term)):
            if finding and postings + frequency[term] > CANDIDATE_POSTINGS:
                break
            finding.append(term)
            postings += frequency[term]
        tsquery = " | ".join("'" + term.replace("\\", "\\\\").replace("'", "''") + "'" for term in finding)
        group_column = self.corpus.group_field
        # BM25 as bm25s computes it in process (its "lucene" form, without the constant factor k1 + 1), so that both
        # databases give the same scores. Of each candidate's terms, only the claim's are unnested (marked with
        # weight A, then filtered: both in C), and joined to the claim's terms by hash; MATERIALIZED keeps the
        # planner from unnesting a row once per claim term instead.
        sql = f"""
            WITH query AS (
                SELECT * FROM unnest(%s::text[], %s::text[], %s::float8[]) AS query(config, lexeme, idf)
            ),
            candidate AS MATERIALIZED (
                SELECT item.id, item.search_vector AS vector,
                       claims_search_config(item.language)::text AS config,
                       length(item.search_vector) AS length
                FROM {self.corpus.table} AS item
                WHERE item.search_vector @@ %s::tsquery
                  AND NOT (item.id = ANY(%s)) AND NOT (item.{group_column} = ANY(%s))
            ),
            term AS MATERIALIZED (
                SELECT candidate.id, candidate.config, candidate.length, unnested.lexeme,
                       coalesce(array_length(unnested.positions, 1), 1) AS frequency
                FROM candidate,
                     unnest(ts_filter(setweight(candidate.vector, 'A', %s::text[]), '{{a}}')) AS unnested
            )
            SELECT term.id,
                   sum(query.idf * term.frequency
                       / (term.frequency + {K1} * (1 - {B} + {B} * term.length / %s))) AS score
            FROM term
            JOIN query ON query.lexeme = term.lexeme AND query.config = term.config
            GROUP BY term.id
            ORDER BY score DESC, term.id
            LIMIT %s
        """
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    [config for config, _term, _idf in weighted],
                    [term for _config, term, _idf in weighted],
                    [idf for _config, _term, idf in weighted],
                    tsquery,
                    list(exclude_ids),
                    list(exclude_groups),
                    sorted({term for _config, term, _idf in weighted}),
                    statistics.mean_length,
                    limit,
                ],
            )
            return [(pk, float(score)) for pk, score in cursor.fetchall()]


class MemoryLexicalIndex(LexicalIndex):
    """bm25s over terms written `config:term`, so a term matches only rows stemmed the same way."""

    def __init__(self, corpus: Corpus):
        super().__init__(corpus)
        self._key = None
        self._retriever: bm25s.BM25 | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._groups = np.zeros(0, dtype=np.int64)
        self._row_of: dict[int, int] = {}

    def refresh(self, version: Version) -> None:
        key = _lexical_key(version)
        with self._lock:
            if key == self._key:
                return
            self._build()
            self._key = key

    def _build(self) -> None:
        fields = ("pk", self.corpus.group_field, "language", *self.corpus.text_fields)
        ids, groups, corpus = [], [], []
        statistics = Statistics(read_at=time.monotonic())
        lengths = 0
        for row in self.corpus.rows().order_by("pk").values(*fields).iterator(chunk_size=2000):
            config = words.config_for(row["language"])
            terms = words.terms(self.corpus.text(row), config)
            ids.append(row["pk"])
            groups.append(row[self.corpus.group_field] or 0)
            corpus.append([f"{config}:{term}" for term in terms])
            statistics.rows[config] = statistics.rows.get(config, 0) + 1
            for term in set(terms):
                statistics.frequencies[(config, term)] = statistics.frequencies.get((config, term), 0) + 1
            lengths += len(terms)
        statistics.mean_length = max(lengths / (len(ids) or 1), 1.0)
        retriever = None
        if ids:
            retriever = bm25s.BM25(k1=K1, b=B)
            retriever.index(corpus, show_progress=False)
        self._retriever, self.statistics = retriever, statistics
        self._ids = np.array(ids, dtype=np.int64)
        self._groups = np.array(groups, dtype=np.int64)
        self._row_of = {pk: row for row, pk in enumerate(ids)}

    def search(
        self, text: str, *, limit: int, exclude_ids=(), exclude_groups=(), bridged: dict | None = None
    ) -> list[tuple[int, float]]:
        retriever, ids = self._retriever, self._ids
        if retriever is None:
            return []
        vocabulary = retriever.vocab_dict
        query = sorted(
            {f"{config}:{term}" for config in words.CONFIGS for term in words.terms(text, config)} & vocabulary.keys()
        )
        extra = sorted(
            {f"{config}:{term}" for config, terms in (bridged or {}).items() for term in terms}
            & vocabulary.keys() - set(query)
        )
        if not query and not extra:
            return []
        mask = None
        if len(exclude_groups) or len(exclude_ids):
            mask = np.ones(len(ids), dtype=np.float32)
            if len(exclude_groups):
                mask[np.isin(self._groups, np.fromiter(exclude_groups, dtype=np.int64))] = 0
            for excluded in exclude_ids:
                if excluded in self._row_of:
                    mask[self._row_of[excluded]] = 0
        scores = np.zeros(len(ids), dtype=np.float32)
        if query:
            scores += retriever.get_scores(query, weight_mask=mask)
        if extra:
            scores += BRIDGE_WEIGHT * retriever.get_scores(extra, weight_mask=mask)
        count = min(limit, len(ids))
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.lexsort((ids[top], -scores[top]))]
        return [(int(ids[row]), float(scores[row])) for row in top if scores[row] > 0]


def lexical_index(corpus: Corpus) -> LexicalIndex:
    if connection.vendor == "postgresql":
        return PostgresLexicalIndex(corpus)
    return MemoryLexicalIndex(corpus)
