"""An article's text in, every sentence's analysis out: the one place the analysis steps are put together.

Segmentation -> language per sentence -> part-of-speech tags -> attribution (in article order, so context carries)
-> numbers, dates, names -> one embedding per sentence -> check-worthiness and subjectivity -> reasons.
German and English are analysed fully; sentences in other languages are kept with a "not analysed" reason and no
score, never with a guess.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from claims.analysis import scoring
from claims.analysis.attribution import Attribution, attribute_sentences
from claims.analysis.embeddings import embed_queries
from claims.analysis.entities import Entities, find_entities
from claims.analysis.language import ANALYSED_LANGUAGES, detect_language, detect_language_with_confidence
from claims.analysis.sentences import split_sentences, starts_paragraph
from claims.analysis.tagging import tag_sentence

# Shorter sentences carry too little text to tell their language; they take the article's.
MIN_CHARS_FOR_OWN_LANGUAGE = 60
MIN_CONFIDENCE_FOR_OWN_LANGUAGE = 0.99


@dataclass(frozen=True)
class Reason:
    """Why a sentence scored as it did: a code the UI translates, and the words it is about."""

    code: str
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "detail": self.detail} if self.detail else {"code": self.code}


@dataclass(frozen=True)
class SentenceAnalysis:
    start: int
    end: int
    text: str
    is_headline: bool
    language: str
    analysed: bool
    checkworthiness: float | None = None
    is_checkworthy: bool | None = None
    subjectivity: float | None = None
    attribution: Attribution = field(default_factory=Attribution)
    entities: Entities = field(default_factory=Entities)
    reasons: tuple[Reason, ...] = ()
    # The sentence's E5 query embedding, kept for retrieval (sources, earlier claims).
    embedding: np.ndarray | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class ArticleAnalysis:
    language: str
    sentences: list[SentenceAnalysis]


def analyse_article(
    text: str,
    *,
    language: str = "",
    known_outlets: Iterable[str] = (),
    known_speakers: Mapping[str, str] | None = None,
    score: bool = True,
) -> ArticleAnalysis:
    """Analyse a stored article's text; offsets in the result index into `text`.

    `score=False` leaves out the embeddings and the check-worthiness and subjectivity scores: what measuring the
    attribution alone needs, thirty times faster.
    """
    language = language or detect_language(text)
    sentences = split_sentences(text, language)
    languages = [_sentence_language(sentence.text, language) for sentence in sentences]
    analysed = [i for i, lang in enumerate(languages) if lang in ANALYSED_LANGUAGES]
    results = [
        SentenceAnalysis(
            s.start, s.end, s.text, s.is_headline, lang, analysed=False, reasons=(Reason("not_analysed", lang),)
        )
        for s, lang in zip(sentences, languages, strict=True)
    ]
    if not analysed:
        return ArticleAnalysis(language=language, sentences=results)

    tagged = {i: tag_sentence(sentences[i], languages[i]) for i in analysed}
    attributions = attribute_sentences(
        [tagged[i] for i in analysed],
        headlines=[sentences[i].is_headline for i in analysed],
        paragraph_starts=[starts_paragraph(text, sentences[i].start) for i in analysed],
        language=language if language in ANALYSED_LANGUAGES else languages[analysed[0]],
        known_outlets=known_outlets,
        known_speakers=known_speakers,
    )
    texts = [sentences[i].text for i in analysed]
    sentence_languages = [languages[i] for i in analysed]
    if score:
        vectors = embed_queries(texts)
        worthiness = scoring.score_checkworthiness(texts, vectors, sentence_languages)
        opinion = scoring.score_subjectivity(texts, vectors, sentence_languages)
    else:
        vectors, worthiness, opinion = [None] * len(texts), None, None
    for position, index in enumerate(analysed):
        sentence, lang = sentences[index], languages[index]
        entities = find_entities(sentence.text, tagged[index], lang)
        subjectivity = None if opinion is None else float(opinion[position])
        is_opinion = subjectivity is not None and subjectivity >= scoring.subjectivity_threshold(lang)
        checkworthiness = None if worthiness is None else float(worthiness[position])
        results[index] = SentenceAnalysis(
            start=sentence.start,
            end=sentence.end,
            text=sentence.text,
            is_headline=sentence.is_headline,
            language=lang,
            analysed=True,
            checkworthiness=checkworthiness,
            is_checkworthy=None
            if checkworthiness is None
            else checkworthiness >= scoring.checkworthiness_threshold(lang),
            subjectivity=subjectivity,
            attribution=attributions[position],
            entities=entities,
            reasons=_reasons(sentence.text, lang, attributions[position], entities, is_opinion),
            embedding=vectors[position],
        )
    return ArticleAnalysis(language=language, sentences=results)


def _sentence_language(text: str, article_language: str) -> str:
    if len(text) < MIN_CHARS_FOR_OWN_LANGUAGE:
        return article_language
    language, confidence = detect_language_with_confidence(text)
    return language if confidence >= MIN_CONFIDENCE_FOR_OWN_LANGUAGE else article_language


def _reasons(
    text: str, language: str, attribution: Attribution, entities: Entities, is_opinion: bool
) -> tuple[Reason, ...]:
    reasons = [Reason("number", value) for value in entities.numbers[:3]]
    if attribution.failed:
        # The sentence is kept with everything else the analysis found; a reviewer sees that its speaker and
        # quote flag are missing for a reason, not because there are none.
        reasons.append(Reason("attribution_failed"))
    reasons += [Reason("date", value) for value in entities.dates[:2]]
    if attribution.speaker:
        reasons.append(Reason("named_speaker", attribution.speaker))
    if attribution.cited_outlet:
        reasons.append(Reason("cited_outlet", attribution.cited_outlet))
    if attribution.is_direct_quote:
        reasons.append(Reason("direct_quote"))
    elif attribution.is_reported_speech:
        reasons.append(Reason("reported_speech"))
    if hedge := scoring.matched_word("hedge", text, language):
        reasons.append(Reason("hedged", hedge))
    if is_opinion:
        reasons.append(Reason("opinion_wording"))
    return tuple(reasons)
