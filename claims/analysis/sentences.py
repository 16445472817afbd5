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
class Sentence:
    start: int
    end: int
    text: str
    # A line that holds one sentence without a sentence end reads as a headline.
    is_headline: bool


@lru_cache(maxsize=len(SOMAJO_MODELS))
def _tokenizer(language: str) -> SoMaJo:
    return SoMaJo(SOMAJO_MODELS.get(language, "en_PTB"), split_camel_case=False, character_offsets=True)


def split_sentences(text: str, language: str = "de") -> list[Sentence]:
    """The sentences of `text` in order; `text[s.start:s.end] == s.text` for each."""
    tokenizer = _tokenizer(language if language in SOMAJO_MODELS else "en")
    sentences = []
    for line in LINE.finditer(text):
        if not line.group().strip():
            continue
        # SoMaJo's offsets are relative to the paragraph it was given.
        spans = [
            (line.start() + tokens[0].character_offset[0], line.start() + tokens[-1].character_offset[1])
            for tokens in tokenizer.tokenize_text([line.group()])
        ]
        headline = len(spans) == 1 and text[spans[0][1] - 1] not in SENTENCE_END
        sentences.extend(Sentence(start, end, text[start:end], is_headline=headline) for start, end in spans)
    return sentences
