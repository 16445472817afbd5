"""What the two search-based proposers share: a claim's query vector, and the reason a reviewer reads."""

import numpy as np

from claims.analysis.embeddings import embed_queries, vector_from_bytes
from claims.retrieval.search import Hit


def claim_vector(claim) -> np.ndarray:
    """The claim's stored query embedding; computed here (and not stored: proposers only read) when extraction
    left none."""
    if claim.embedding is not None:
        return vector_from_bytes(claim.embedding)
    return embed_queries([claim.text])[0]


def describe(hit: Hit, shared: list[str]) -> str:
    """ "shares 'Sicherheitsgarantien', 'Nato'; semantic similarity 0.86"."""
    parts = []
    if shared:
        parts.append("shares " + ", ".join(f"'{word}'" for word in shared))
    if hit.similarity is not None:
        parts.append(f"semantic similarity {hit.similarity:.2f}")
    return "; ".join(parts) or "found by search"
