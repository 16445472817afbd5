"""What the two search-based proposers share: a claim's query vector."""

import numpy as np

from claims.analysis.embeddings import embed_queries, vector_from_bytes


def claim_vector(claim) -> np.ndarray:
    """The claim's stored query embedding; computed here (and not stored: proposers only read) when extraction
    left none."""
    if claim.embedding is not None:
        return vector_from_bytes(claim.embedding)
    return embed_queries([claim.text])[0]
