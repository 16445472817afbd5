"""Every text the model embeds is cut to the tokens it reads in one pass, so that no input costs more than one."""

import numpy as np
import pytest

from claims.analysis import embeddings

START = "Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen, sagte der Senator. " * 40


@pytest.mark.parametrize("embed", [embeddings.embed_queries, embeddings.embed_passages])
def test_a_text_past_the_models_limit_is_embedded_as_its_start(embed):
    """What follows the first 512 tokens changes nothing: the model does not read it."""
    one, other = embed([START + "Ganz andere Dinge folgen. " * 300, START + "Unrelated words in English. " * 300])
    assert np.allclose(one, other)


@pytest.mark.parametrize("is_query", [True, False])
def test_the_cut_text_fits_the_model_and_is_the_start_of_the_text(is_query):
    text = START * 3
    cut = embeddings.truncate(text, is_query=is_query)
    tokens = embeddings._get_model().token_count(cut, is_query)
    assert text.startswith(cut)
    assert embeddings.MAX_TOKENS - 32 < tokens <= embeddings.MAX_TOKENS


def test_a_text_within_the_limit_is_embedded_whole():
    assert embeddings.truncate(START[:500], is_query=True) == START[:500]


def test_a_nul_or_a_lone_surrogate_is_embedded_without_failing():
    vectors = embeddings.embed_queries(["Vor\x00nach", "Zeichen \ud800 allein"])
    assert vectors.shape == (2, embeddings.DIMENSION) and np.isfinite(vectors).all()
