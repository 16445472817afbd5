"""Sentence segmentation: plain Python, no database."""

import json

import pytest

from claims.analysis.documents import parse_plain_text
from claims.analysis.language import detect_language
from claims.analysis.sentences import split_sentences
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_GOLD


def gold_lines():
    return [json.loads(line) for line in SAMPLE_GOLD.read_text("utf-8").splitlines() if line.strip()]


def test_german_sample_splits_into_exactly_the_gold_sentences():
    text = parse_plain_text(SAMPLE_ARTICLE.read_text("utf-8")).text
    sentences = split_sentences(text, "de")
    assert [s.text for s in sentences] == [g["text"] for g in gold_lines()]


def test_every_offset_slices_back_to_its_sentence():
    text = parse_plain_text(SAMPLE_ARTICLE.read_text("utf-8")).text
    for sentence in split_sentences(text, "de"):
        assert text[sentence.start : sentence.end] == sentence.text


def test_headlines_of_the_sample_are_recognised():
    text = parse_plain_text(SAMPLE_ARTICLE.read_text("utf-8")).text
    roles = ["headline" if s.is_headline else "body" for s in split_sentences(text, "de")]
    assert roles == [g["role"] for g in gold_lines()]


def test_ordinal_dates_and_abbreviations_do_not_end_a_sentence():
    text = "Am 15. August traf sich z. B. der Rat. Danach sprach Dr. Meier."
    assert [s.text for s in split_sentences(text, "de")] == [
        "Am 15. August traf sich z. B. der Rat.",
        "Danach sprach Dr. Meier.",
    ]


def test_english_text_with_indented_lines_keeps_offsets():
    text = "Council backs plan\n\n   Mr. Smith said 3.5 million people use it. Others disagree.\n"
    sentences = split_sentences(text, "en")
    assert [s.text for s in sentences] == [
        "Council backs plan",
        "Mr. Smith said 3.5 million people use it.",
        "Others disagree.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_language_of_the_sample_is_german_and_of_an_english_text_english():
    assert detect_language(SAMPLE_ARTICLE.read_text("utf-8")) == "de"
    assert detect_language("The council said on Monday that the new school will open in May.") == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Der Bürgermeister sagte, es gebe 12 neue Wohnungen in Bezirk 4. Die Sprecherin bestätigte das.",
            ["Der Bürgermeister sagte, es gebe 12 neue Wohnungen in Bezirk 4.", "Die Sprecherin bestätigte das."],
        ),
        ("Die Zahl stieg auf 40. Sie lag im Vorjahr bei 30.", ["Die Zahl stieg auf 40.", "Sie lag im Vorjahr bei 30."]),
        (
            "Gewonnen haben die Lose 3250 und 5859. Der Haupttreffer fiel nach Bonn.",
            ["Gewonnen haben die Lose 3250 und 5859.", "Der Haupttreffer fiel nach Bonn."],
        ),
        ("Es geht um Paragraf 5. Er regelt die Frist.", ["Es geht um Paragraf 5.", "Er regelt die Frist."]),
    ],
)
def test_a_german_sentence_that_ends_in_a_number_ends_there_when_an_article_or_pronoun_follows(text, expected):
    assert [sentence.text for sentence in split_sentences(text, "de")] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Am 4. Mai kommt der 1. FC Köln nach Berlin.",
        "Die 3. Liga spielt zum 2. Mal in der Halle.",
        "Der Rat fasste Beschlüsse: 1. Der Haushalt wird gekürzt.",
        "Nach Art. 12. Die Unternehmer haften.",
        "1. Die Regierung handelt.",
        "Sie wurde am 3. Oktober 1990 wieder eins.",
    ],
)
def test_german_ordinals_and_numbered_items_keep_their_sentence(text):
    assert [sentence.text for sentence in split_sentences(text, "de")] == [text]
