"""A claim's sentence without its attribution: the words a fact-check publishes the claim under (ClaimReview's
claimReviewed), before a reviewer edits them. "Die Inflation liege bei zehn Prozent, sagte er in einer Sendung des
US-Senders CNN." is checked as "Die Inflation liege bei zehn Prozent."

The attribution is found where the speaker model looks for it: a clause set off by a comma or a colon that holds a
speech verb ("sagte er", "he said", "teilte ... mit"), "so X" after a quote, "according to X" / "laut X," at the
start. Quote marks around what is left go too. Anything else stays as it is: a reviewer reads it before it goes out.
"""

from collections.abc import Sequence

from claims.analysis.quotes import QUOTE_MARKS
from claims.analysis.sentences import split_sentences
from claims.analysis.speakers import ACCORDING_TO, is_speech_verb
from claims.analysis.tagging import HANTA_MODELS, TaggedToken, WordClass, tag_sentence

SEPARATORS = frozenset({",", ":", "–", "—"})
SENTENCE_END = frozenset({".", "!", "?"})
# "..., so Merz." / "..., so der Minister."
SO = frozenset({"so"})
# An attribution clause is short: "sagte er in einer Sendung des US-Senders CNN" is nine words.
LONGEST_CLAUSE = 14
# How far into a clause its speech verb stands: "sagte er", "he said", "der Minister sagte", "said Smith".
VERB_WITHIN = 4


def without_attribution(text: str, language: str) -> str:
    """`text` with the clause that attributes it and the quote marks around it taken away; `text` itself where no
    attribution is found or the language is not one the tagger reads."""
    if language not in HANTA_MODELS or not text.strip():
        return text
    tokens = [token for sentence in split_sentences(text, language) for token in tag_sentence(sentence, language)]
    if not tokens:
        return text
    start, end = 0, len(text)
    body = _body_end(tokens)
    separators = [i for i in range(body) if tokens[i].text in SEPARATORS]
    if separators:
        last = separators[-1]
        if _attributes(tokens[last + 1 : body], tokens):
            end = tokens[last].start
        first = separators[0]
        leading = tokens[:first]
        if (first < last or end == len(text)) and (_attributes(leading, tokens) or _according_to(leading)):
            start = tokens[first].end
    elif (cut := _leading_that(tokens[:body], tokens)) is not None:
        start = cut
    if (start, end) == (0, len(text)):
        return text
    return _tidy(text[start:end], final=text[tokens[body].start : tokens[body].end] if body < len(tokens) else ".")


def _body_end(tokens: Sequence[TaggedToken]) -> int:
    """The index of the sentence's closing punctuation (the sentence end, or a closing quote before it), else the
    number of tokens."""
    index = len(tokens)
    while index > 0 and (tokens[index - 1].text in SENTENCE_END or tokens[index - 1].text in QUOTE_MARKS):
        index -= 1
        if tokens[index].text in SENTENCE_END:
            return index
    return len(tokens)


def _attributes(clause: Sequence[TaggedToken], sentence: Sequence[TaggedToken]) -> bool:
    """Whether a clause set off from the rest says who asserts it: a short one with a speech verb near its start,
    or "so" followed by a name."""
    words = [token for token in clause if token.word_class is not WordClass.PUNCTUATION]
    if not words or len(words) > LONGEST_CLAUSE:
        return False
    if words[0].lower in SO and len(words) > 1 and words[1].word_class in (WordClass.NAME, WordClass.ARTICLE):
        return True
    if _according_to(words):
        return True
    offset = sentence.index(words[0])
    return any(
        is_speech_verb(sentence, offset + i) or words[i].lower in ("said", "says", "sagte", "sagt")
        for i in range(min(VERB_WITHIN, len(words)))
    )


def _according_to(clause: Sequence[TaggedToken]) -> bool:
    lowered = tuple(token.lower for token in clause if token.word_class is not WordClass.PUNCTUATION)
    return any(lowered[: len(phrase)] == phrase for phrase in ACCORDING_TO if phrase != ("zufolge",)) or (
        bool(lowered) and lowered[-1] == "zufolge"
    )


def _leading_that(tokens: Sequence[TaggedToken], sentence: Sequence[TaggedToken]) -> int | None:
    """Where the claim begins in "X said (that) ...", "Der Minister sagte, dass ...": after the speech verb's
    "that"/"dass", when the words before the verb are only its subject."""
    for index, token in enumerate(tokens[: VERB_WITHIN + 1]):
        if token.lower in ("that", "dass") and index > 0 and is_speech_verb(sentence, index - 1):
            subject = tokens[: index - 1]
            if subject and all(
                t.word_class in (WordClass.NAME, WordClass.PRONOUN, WordClass.ARTICLE, WordClass.NOUN)
                or t.is_capitalised
                for t in subject
            ):
                return token.end
    return None


def _tidy(kept: str, *, final: str) -> str:
    """The words kept, without blanks, separators or quote marks around them, capitalised, with the sentence's end."""
    kept = kept.strip().strip("".join(SEPARATORS)).strip()
    while len(kept) > 1 and kept[0] in QUOTE_MARKS and kept[-1] in QUOTE_MARKS | {",", ".", "!", "?"}:
        closing = kept.rstrip(",.!?")
        if closing and closing[-1] in QUOTE_MARKS and kept[0] in QUOTE_MARKS:
            kept = (closing[1:-1] + kept[len(closing) :]).strip()
        else:
            break
    # '"We will win," he said.': the cut comes before the closing mark.
    if kept[:1] in QUOTE_MARKS and not any(mark in QUOTE_MARKS for mark in kept[1:]):
        kept = kept[1:]
    kept = kept.rstrip(",;:–— ").strip()
    if not kept:
        return kept
    kept = kept[0].upper() + kept[1:]
    if kept[-1] not in SENTENCE_END:
        kept += final if final in SENTENCE_END else "."
    return kept
