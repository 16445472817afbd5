"""Sentence segmentation with SoMaJo, keeping exact character offsets into the article text.

Every line is its own paragraph: articles from the field put a headline or a paragraph on one line, and SoMaJo
never lets a sentence cross a paragraph. SoMaJo knows German and English; other languages are split with the
English model, which is right for most European texts.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from somajo import SoMaJo

SENTENCE_END = ".!?…:;\"'“”»«)"
LINE = re.compile(r"[^\n]+")
SOMAJO_MODELS = {"de": "de_CMC", "en": "en_PTB"}
# SoMaJo reads "Bezirk 4. Die Sprecherin" as an ordinal ("4.") inside one sentence. An ordinal comes before a noun or
# an adjective ("am 4. Mai", "die 3. Liga"), never before an article or a personal or demonstrative pronoun: there the
# number ended the sentence.
GERMAN_NUMBER_WITH_PERIOD = re.compile(r"\d+\.")
GERMAN_SENTENCE_STARTS = frozenset(
    "Der Die Das Den Dem Des Ein Eine Einen Einem Einer Ich Du Er Sie Es Wir Ihr Man "
    "Dies Diese Dieser Dieses Diesen Diesem Jene Jener Jenes".split()
)


@dataclass(frozen=True)
class Token:
    text: str
    # Offsets into the article text, like the sentence's.
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    # A line that holds one sentence without a sentence end reads as a headline.
    is_headline: bool
    tokens: tuple[Token, ...] = ()


@lru_cache(maxsize=len(SOMAJO_MODELS))
def _tokenizer(language: str) -> SoMaJo:
    return SoMaJo(SOMAJO_MODELS.get(language, "en_PTB"), split_camel_case=False, character_offsets=True)


def starts_paragraph(text: str, start: int) -> bool:
    """Whether the sentence at `start` opens a paragraph (a line of its own), blanks before it aside."""
    index = start - 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    return index < 0 or text[index] == "\n"


def split_sentences(text: str, language: str = "de") -> list[Sentence]:
    """The sentences of `text` in order; `text[s.start:s.end] == s.text` for each."""
    tokenizer = _tokenizer(language if language in SOMAJO_MODELS else "en")
    sentences = []
    for line in LINE.finditer(text):
        if not line.group().strip():
            continue
        # SoMaJo's offsets are relative to the paragraph it was given.
        offset = line.start()
        # A line of nothing but invisible format characters (zero-width space, direction marks, a soft hyphen, a
        # byte-order mark) comes back from SoMaJo as a sentence without tokens: it holds no sentence.
        tokenised = [
            tuple(Token(t.text, offset + t.character_offset[0], offset + t.character_offset[1]) for t in tokens)
            for tokens in tokenizer.tokenize_text([line.group()])
            if tokens
        ]
        if not tokenised:
            continue
        if language == "de":
            tokenised = [part for tokens in tokenised for part in _split_after_numbers(tokens)]
        headline = len(tokenised) == 1 and text[tokenised[0][-1].end - 1] not in SENTENCE_END
        sentences.extend(
            Sentence(tokens[0].start, tokens[-1].end, text[tokens[0].start : tokens[-1].end], headline, tokens=tokens)
            for tokens in tokenised
        )
    return sentences


def _split_after_numbers(tokens: tuple[Token, ...]) -> list[tuple[Token, ...]]:
    """A German sentence cut after each number with a period that follows a word and comes before an article or a
    pronoun (`GERMAN_SENTENCE_STARTS`). A number after punctuation or at the start is a list's or a heading's
    ("Beschlüsse: 1. Der Rat ...", "Art. 12. Die ...") and stays with what follows."""
    parts, start = [], 0
    for index in range(1, len(tokens) - 1):
        number, before, after = tokens[index].text, tokens[index - 1].text, tokens[index + 1].text
        if GERMAN_NUMBER_WITH_PERIOD.fullmatch(number) and before[-1].isalnum() and after in GERMAN_SENTENCE_STARTS:
            parts.append(tokens[start : index + 1])
            start = index + 1
    parts.append(tokens[start:])
    return parts
