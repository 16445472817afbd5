"""Words as the lexical search compares them: lower-cased, split at anything that is not a letter or a digit,
stop words dropped and stemmed with the Snowball stemmer of the text's language. Plain Python.

These are the stemmers and stop word lists PostgreSQL's `german` and `english` text search configurations use, so
the in-process index (SQLite) and PostgreSQL's full-text search agree closely on what matches; links and e-mail
addresses are taken apart as PostgreSQL's parser takes them. Where the two still differ: a host alone, without
"www." or a path ("tagesschau.de"), is two words here and one term there, and a hyphenated word is its parts here
and its parts and the whole there. A text in another language, or in none we know, gets the `simple` treatment:
lower-cased words, nothing stemmed or dropped.
"""

import re
import threading
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_GERMAN

GERMAN, ENGLISH, SIMPLE = "german", "english", "simple"
# Every configuration a claim's words are looked up under: a German claim must also find English documents, where
# only its names and numbers (stemmed the English way, or not at all) can match.
CONFIGS = (GERMAN, ENGLISH, SIMPLE)
_LANGUAGE_CONFIGS = {"de": GERMAN, "en": ENGLISH}
_STOPWORDS = {GERMAN: frozenset(STOPWORDS_GERMAN), ENGLISH: frozenset(STOPWORDS_EN_PLUS), SIMPLE: frozenset()}
# A number with its separators ("40.000", "1,2") or a run of letters and digits; hyphens and apostrophes split, as
# PostgreSQL splits "Nato-Artikel" into its parts.
_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")
# The same, with an e-mail address or a link (a host after "http(s)://" or "www.", or a host with a path:
# "pic.twitter.com/x") tried first, for a text that may hold one.
# Every repeat that could run on is bounded by what an address allows (64 characters before the "@", 63 to a label,
# 253 to a host), so that the pattern, tried at each position of a long run of "a.a.a..." or "a-a-a...", costs a
# bounded amount there and a text of any length is read in linear time.
_WORD_OR_LINK = re.compile(
    r"(?P<email>[\w.+-]{1,64}@[^\W_](?:[\w-]{0,62}\.){1,126}[^\W\d_]{2,63})"
    r"|(?:https?://)?(?P<host>(?:(?<=://)|www\.|(?=[\w.-]{1,253}/))"
    r"(?:[^\W_][\w-]{0,62}\.){1,126}[^\W\d_]{2,63}(?::\d{1,5})?)"
    r"(?P<path>/[^\s<>\"']*)?"
    r"|\d+(?:[.,]\d+)+|[^\W_]+"
)
# What ends a sentence or a bracket, not a link.
_LINK_END = ".,;:!?)]}»\"'"


def config_for(language: str) -> str:
    """The text search configuration for a row's language code ("de", "de-AT", "en", "", ...)."""
    return _LANGUAGE_CONFIGS.get((language or "").split("-")[0].lower(), SIMPLE)


def words(text: str) -> list[str]:
    """The words of a text as written, in order; one letter alone is not a word, a digit is.

    A link is not split into words, as PostgreSQL's parser does not split it: a link to pic.twitter.com does not
    make a text about Twitter. Like PostgreSQL's, it gives the link without its protocol, its host and its path
    ("t.co/x1", "t.co", "/x1"), and an e-mail address is one word."""
    if "/" not in text and "@" not in text and "www." not in text and "WWW." not in text:
        # No link or address can be in it: the plain pattern, about twice as fast.
        return [word for word in _WORD.findall(text) if len(word) > 1 or word.isdigit()]
    found = []
    for match in _WORD_OR_LINK.finditer(text):
        host, path = match["host"], match["path"]
        if host is None:
            word = match[0]
            if len(word) > 1 or word.isdigit():
                found.append(word)
            continue
        path = (path or "").rstrip(_LINK_END)
        if len(path) > 1:
            found += [host + path, host, path]
        else:
            found.append(host)
    return found


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
    if not word.isalnum() and not word[0].isdigit():
        # A link or an address: kept as written, as PostgreSQL keeps it.
        return lowered
    if lowered in _STOPWORDS[config]:
        return None
    stemmer = _stemmer(config)
    if stemmer is None:
        return lowered
    term = stemmer.stemWord(lowered)
    return None if term in _extra_stop_terms(config) else term


# What news sentences are full of and a reference document says nothing with, missing from the lists PostgreSQL
# uses: the forms of the auxiliaries and modal verbs, and reported speech ("sagte", "sei", "hätten", "könnten").
# They are matched by their stems, which PostgreSQL's rows still hold: left out of a query's terms on both sides.
_EXTRA_STOPWORDS = {
    GERMAN: frozenset(
        """konnte konnten könnten müsse müsste müssten musste mussten solle sollen sollten wolle wollten dürfe
        dürfen dürfte dürften durfte durften darf möchte möchten mochte wurde wurden worden geworden würde sei seien
        seid wäre wären hätte hätten gehabt sagte sagten sagt sagen gesagt laut demnach zudem sowie sodass
        dabei daher etwa""".split()
    ),
    ENGLISH: frozenset(),
    SIMPLE: frozenset(),
}


def _extra_stop_terms(config: str) -> frozenset[str]:
    cached = _local.__dict__.setdefault("extra_stop_terms", {})
    if config not in cached:
        stemmer = _stemmer(config)
        extra = _EXTRA_STOPWORDS[config]
        cached[config] = frozenset(stemmer.stemWord(word) for word in extra) if stemmer else frozenset(extra)
    return cached[config]


def is_stop_term(term: str, config: str) -> bool:
    """Whether a search term (as stemmed under `config`, here or by PostgreSQL) is one of the extra stop words':
    left out of the scoring."""
    return term in _extra_stop_terms(config)


def is_stop_word(word: str) -> bool:
    """A stop word in German or English, or a form of one: never worth quoting as a word two texts share."""
    return stem(word, GERMAN) is None or stem(word, ENGLISH) is None


def terms(text: str, config: str) -> list[str]:
    """The search terms of a text, in order, repeats kept (term frequency counts)."""
    return [term for term in (stem(word, config) for word in words(text)) if term]


def term_words(text: str, config: str) -> dict[str, str]:
    """Each search term of a text under `config`, with the first word that produced it: what a reason quotes."""
    return dict(_term_words(text, config))


@lru_cache(maxsize=4096)
def _term_words(text: str, config: str) -> tuple[tuple[str, str], ...]:
    # A proposal's reasons compare one claim with several documents, and one document with many claims.
    found: dict[str, str] = {}
    for word in words(text):
        term = stem(word, config)
        if term and term not in found:
            found[term] = word
    return tuple(found.items())


def term_set(text: str, config: str) -> frozenset[str]:
    """The distinct search terms of a text under `config` (remembered for the texts asked for most recently)."""
    return frozenset(term for term, _word in _term_words(text, config))
