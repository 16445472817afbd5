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
        headline = len(tokenised) == 1 and text[tokenised[0][-1].end - 1] not in SENTENCE_END
        sentences.extend(
            Sentence(tokens[0].start, tokens[-1].end, text[tokens[0].start : tokens[-1].end], headline, tokens=tokens)
            for tokens in tokenised
        )
    return sentences
