"""Tags and lemmas of tokens of every length."""

import pytest

from claims.analysis.sentences import split_sentences
from claims.analysis.tagging import TAGGED_LENGTH, WordClass, tag_sentence

COMPOUND = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"
LONG_TOKENS = {
    "a link": "https://example.org/" + "abcdefghij" * 30,
    "a run of one letter": "X" * 300,
    "compounds run together": COMPOUND * 4,
}


def _only_sentence(text: str, language: str):
    (sentence,) = split_sentences(text, language)
    return sentence


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("kind", LONG_TOKENS)
def test_a_token_past_the_limit_is_tagged_by_its_start_and_keeps_its_text(kind, language):
    token = LONG_TOKENS[kind]
    tagged = tag_sentence(_only_sentence(f"Der Minister nannte {token} gestern.", language), language)
    cut = tag_sentence(_only_sentence(f"Der Minister nannte {token[:TAGGED_LENGTH]} gestern.", language), language)

    (long,) = [t for t in tagged if len(t.text) > TAGGED_LENGTH]
    assert (long.text, long.lemma) == (token, token)
    assert long.end - long.start == len(token)
    assert [t.tag for t in tagged] == [t.tag for t in cut]


def test_words_up_to_the_limit_get_their_lemma():
    assert len(COMPOUND) <= TAGGED_LENGTH
    tagged = tag_sentence(_only_sentence(f"Die Minister sagten, das {COMPOUND} gelte.", "de"), "de")
    by_text = {t.text: t for t in tagged}
    assert by_text["sagten"].lemma == "sagen"
    assert by_text["sagten"].word_class is WordClass.FINITE_VERB
    assert by_text[COMPOUND].word_class in {WordClass.NOUN, WordClass.NAME}
