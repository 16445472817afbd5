"""Semantic search: cosine similarity between a claim's stored query embedding and a corpus's stored embeddings.

The vectors of a corpus live in this process as one float32 matrix, loaded once and then kept up to date from the
rows changed since (see `corpora.Version`), so a search costs one matrix-vector product, not a read of every
embedding from the database. The embeddings are L2-normalised (E5), so the dot product is the cosine.

A large corpus is searched in two steps, because one product with 100,000 x 384 floats reads 150 MB and costs about
8 ms on one core: the rows are also kept projected onto the matrix's leading singular directions (REDUCED of them,
computed at each full load), the claim is compared with those first, and only the SHORTLIST closest rows get the
exact cosine. On the CheckThat! sets this changed no ranking in the top 5 (docs/EVALUATION.md).
"""

import threading

import numpy as np

from claims.analysis.embeddings import DIMENSION, vector_from_bytes
from claims.retrieval.corpora import Corpus, Version

# Rows are read from the database in chunks this size, so a first load of 100,000 vectors stays flat in memory.
CHUNK = 5000
# Below this many rows one exact product is fast enough (under 2 ms).
EXACT_BELOW = 20_000
REDUCED = 96
SHORTLIST = 1000
# The singular directions are computed from at most this many rows.
BASIS_SAMPLE = 20_000


class VectorIndex:
    """The embeddings of one corpus, with the source of each row (documents) for filtering at search time."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.version: Version | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._groups = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, DIMENSION), dtype=np.float32)
        # The projection for the first step on a large corpus (None on a small one), and the rows projected.
        self._basis: np.ndarray | None = None
        self._reduced: np.ndarray | None = None
        self._projected_rows = 0
        self._row_of: dict[int, int] = {}
        # Every row of the corpus, embedded or not: how deletions are noticed (the count no longer matches).
        self._known: set[int] = set()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._row_of)

    def refresh(self, version: Version) -> None:
        with self._lock:
            if version == self.version:
                return
            if self.version is None:
                self._load(self.corpus.rows())
            else:
                self._update(self.corpus.changed_since(self.version))
                if len(self._known) != version.count:
                    # Rows were deleted (or left the corpus unseen): start again from what is there.
                    self._reset()
                    self._load(self.corpus.rows())
            self.version = version

    def search(self, vector: np.ndarray, *, limit: int, exclude_ids=(), exclude_groups=()) -> list[tuple[int, float]]:
        """The `limit` most similar rows as (id, cosine), best first."""
        ids, groups, matrix, basis, reduced = self._ids, self._groups, self._matrix, self._basis, self._reduced
        if not len(ids):
            return []
        vector = np.asarray(vector, dtype=np.float32)
        if basis is None or reduced is None or len(reduced) != len(ids):
            similarities = matrix @ vector
        else:
            similarities = reduced @ (vector @ basis)
        # Empty slots (rows removed since the last load) and excluded rows never win.
        similarities[ids == 0] = -np.inf
        if len(exclude_groups):
            similarities[np.isin(groups, np.fromiter(exclude_groups, dtype=np.int64))] = -np.inf
        for excluded in exclude_ids:
            row = self._row_of.get(excluded)
            if row is not None:
                similarities[row] = -np.inf
        if basis is not None and len(similarities) > SHORTLIST:
            shortlist = np.argpartition(-similarities, SHORTLIST - 1)[:SHORTLIST]
            shortlist = shortlist[np.isfinite(similarities[shortlist])]
            exact = matrix[shortlist] @ vector
            order = np.argsort(-exact, kind="stable")[:limit]
            return [(int(ids[shortlist[row]]), float(exact[row])) for row in order]
        count = min(limit, len(similarities))
        top = np.argpartition(-similarities, count - 1)[:count]
        top = top[np.argsort(-similarities[top], kind="stable")]
        return [(int(ids[row]), float(similarities[row])) for row in top if np.isfinite(similarities[row])]

    def similarities(self, vector: np.ndarray, ids) -> dict[int, float]:
        """The cosine of `vector` with each of `ids` that has an embedding here."""
        rows = {pk: self._row_of[pk] for pk in ids if pk in self._row_of}
        if not rows:
            return {}
        values = self._matrix[list(rows.values())] @ np.asarray(vector, dtype=np.float32)
        return {pk: float(value) for pk, value in zip(rows, values, strict=True)}

    def vectors(self, ids) -> dict[int, np.ndarray]:
        """The embedding of each of `ids` that has one here."""
        matrix = self._matrix
        return {pk: matrix[self._row_of[pk]] for pk in ids if pk in self._row_of}

    def _reset(self) -> None:
        self._ids = np.zeros(0, dtype=np.int64)
        self._groups = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, DIMENSION), dtype=np.float32)
        self._basis = self._reduced = None
        self._row_of = {}
        self._known = set()

    def _load(self, rows) -> None:
        """Everything in `rows` that has an embedding, appended to an empty index."""
        self._known = set(rows.values_list("pk", flat=True).iterator(chunk_size=CHUNK))
        ids, groups, vectors = [], [], []
        last = 0
        while True:
            chunk = list(
                rows.filter(pk__gt=last, embedding__isnull=False)
                .order_by("pk")
                .values_list("pk", self.corpus.group_field, "embedding")[:CHUNK]
            )
            if not chunk:
                break
            for pk, group, embedding in chunk:
                ids.append(pk)
                groups.append(group or 0)
                vectors.append(vector_from_bytes(embedding))
            last = chunk[-1][0]
        self._ids = np.array(ids, dtype=np.int64)
        self._groups = np.array(groups, dtype=np.int64)
        self._matrix = np.vstack(vectors) if vectors else np.zeros((0, DIMENSION), dtype=np.float32)
        self._row_of = {pk: row for row, pk in enumerate(ids)}
        self._basis = self._reduced = None
        self._project()

    def _project(self) -> None:
        """Compute the projection for the two-step search once the corpus is large enough, and again when it has
        doubled since: the directions then still describe the rows."""
        rows = len(self._ids)
        if rows < EXACT_BELOW or (self._basis is not None and rows < 2 * self._projected_rows):
            return
        sample = self._matrix[np.random.default_rng(0).permutation(rows)[:BASIS_SAMPLE]]
        # The leading right singular vectors: the directions that carry most of the rows' dot products.
        self._basis = np.ascontiguousarray(np.linalg.svd(sample, full_matrices=False)[2][:REDUCED].T)
        self._reduced = self._matrix @ self._basis
        self._projected_rows = rows

    def _update(self, changed) -> None:
        """Bring the rows in `changed` up to date: replaced, added, or removed when they left the corpus or lost
        their embedding (a document whose text was edited is embedded again later)."""
        in_corpus = set(changed.filter(pk__in=self.corpus.rows().values("pk")).values_list("pk", flat=True))
        new_ids, new_groups, new_vectors = [], [], []
        for pk, group, embedding in changed.values_list("pk", self.corpus.group_field, "embedding").iterator():
            if pk in in_corpus:
                self._known.add(pk)
            else:
                self._known.discard(pk)
            row = self._row_of.get(pk)
            if pk in in_corpus and embedding is not None:
                vector = vector_from_bytes(embedding)
                if row is None:
                    new_ids.append(pk)
                    new_groups.append(group or 0)
                    new_vectors.append(vector)
                else:
                    self._matrix[row] = vector
                    self._groups[row] = group or 0
                    if self._reduced is not None:
                        self._reduced[row] = vector @ self._basis
            elif row is not None:
                # The slot stays until the next full load; id 0 marks it empty.
                self._ids[row] = 0
                self._matrix[row] = 0
                if self._reduced is not None:
                    self._reduced[row] = 0
                del self._row_of[pk]
        if new_ids:
            start = len(self._ids)
            self._ids = np.concatenate([self._ids, np.array(new_ids, dtype=np.int64)])
            self._groups = np.concatenate([self._groups, np.array(new_groups, dtype=np.int64)])
            self._matrix = np.vstack([self._matrix, np.vstack(new_vectors)])
            if self._reduced is not None:
                self._reduced = np.vstack([self._reduced, np.vstack(new_vectors) @ self._basis])
            for offset, pk in enumerate(new_ids):
                self._row_of[pk] = start + offset
        self._project()
