"""Words as the lexical search compares them: lower-cased, split at anything that is not a letter or a digit,
stop words dropped and stemmed with the Snowball stemmer of the text's language. Plain Python.

These are the stemmers and stop word lists PostgreSQL's `german` and `english` text search configurations use, so
the in-process index (SQLite) and PostgreSQL's full-text search agree closely on what matches. A text in another
language, or in none we know, gets the `simple` treatment: lower-cased words, nothing stemmed or dropped.
"""

import re
import threading

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_GERMAN

GERMAN, ENGLISH, SIMPLE = "german", "english", "simple"
# Every configuration a claim's words are looked up under: a German claim must also find English documents, where
# only its names and numbers (stemmed the English way, or not at all) can match.
CONFIGS = (GERMAN, ENGLISH, SIMPLE)
_LANGUAGE_CONFIGS = {"de": GERMAN, "en": ENGLISH}
_STOPWORDS = {GERMAN: frozenset(STOPWORDS_GERMAN), ENGLISH: frozenset(STOPWORDS_EN_PLUS), SIMPLE: frozenset()}
# Numbers with their separators ("40.000", "1,2") and runs of letters and digits; hyphens and apostrophes split, as
# PostgreSQL splits "Nato-Artikel" into its parts.
_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")


def config_for(language: str) -> str:
    """The text search configuration for a row's language code ("de", "de-AT", "en", "", ...)."""
    return _LANGUAGE_CONFIGS.get((language or "").split("-")[0].lower(), SIMPLE)


def words(text: str) -> list[str]:
    """The words of a text as written, in order; one letter alone is not a word, a digit is."""
    return [word for word in _WORD.findall(text) if len(word) > 1 or word.isdigit()]


# A Snowball stemmer object is not safe to share between threads: one per thread and configuration.
_local = threading.local()


def _stemmer(config: str):
    if config == SIMPLE:
        return None
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if config not in stemmers:
        stemmers[config] = Stemmer.Stemmer(config)
    return stemmers[config]


def stem(word: str, config: str) -> str | None:
    """A word's search term under `config`, or None for a stop word."""
    lowered = word.lower()
    if lowered in _STOPWORDS[config]:
        return None
    stemmer = _stemmer(config)
    return stemmer.stemWord(lowered) if stemmer else lowered


def is_stop_word(word: str) -> bool:
    """A stop word in German or English: never worth quoting as a word two texts share."""
    lowered = word.lower()
    return lowered in _STOPWORDS[GERMAN] or lowered in _STOPWORDS[ENGLISH]


def terms(text: str, config: str) -> list[str]:
    """The search terms of a text, in order, repeats kept (term frequency counts)."""
    return [term for term in (stem(word, config) for word in words(text)) if term]


def term_words(text: str, config: str) -> dict[str, str]:
    """Each search term of a text under `config`, with the first word that produced it: what a reason quotes."""
    found: dict[str, str] = {}
    for word in words(text):
        term = stem(word, config)
        if term and term not in found:
            found[term] = word
    return found
