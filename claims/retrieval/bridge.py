"""A German-English word bridge for the lexical search: the words of a German claim also searched for in English, and
the reverse, so that "Beistandsklausel" finds a document about a "mutual assistance clause". Plain Python.

The words come from the FreeDict dictionaries Debian packages as `dict-freedict-deu-eng` and `dict-freedict-eng-deu`
(dictd format: a `.index` of headwords with offsets and a dictzip-compressed `.dict`), which `make install` and CI
install. Reading a dictionary takes seconds, so its one-word headwords and their first translations are written once
to a small SQLite table beside the other caches (FREEDICT_CACHE, default: the system's temporary folder), keyed by the
dictionary file's size and time; every process after that only looks words up. Without the dictionaries the bridge
is empty and the search works as before, on the words both languages share (names, numbers) and the embeddings.
"""

import gzip
import logging
import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from claims.retrieval import text as words
from claims.retrieval.text import config_for as text_config

logger = logging.getLogger(__name__)

DIRECTORY_ENV = "FREEDICT_DIR"
CACHE_ENV = "FREEDICT_CACHE"
DEFAULT_DIRECTORY = Path("/usr/share/dictd")
# (from, to) -> the dictionary's file name without its extension.
DICTIONARIES = {("de", "en"): "freedict-deu-eng", ("en", "de"): "freedict-eng-deu"}
# Translations kept per headword (the dictionary lists common senses first), and words per translation: "mutual
# assistance clause" is one, "take the definite article with sth." is an example, not a translation.
TRANSLATIONS_KEPT = 6
WORDS_PER_TRANSLATION = 3
# A German compound is split into a known head and a known tail of at least this many letters ("Sicherheits|garantien").
COMPOUND_PART = 4
# Search terms one word brings in at most: its commonest senses, not every one the dictionary knows.
TERMS_PER_WORD = 4
# Changes whenever what the cache holds changes, so that an older cache is not read.
FORMAT = 2

_B64 = {char: value for value, char in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_BRACKETS = re.compile(r"\[[^\]]*\]|<[^>]*>|\{[^}]*\}|\([^)]*\)")
# Words in Latin letters only: the entries' phonetic transcriptions ("/ɡˈɪpfəl/") are not translations.
_LETTERS = re.compile(r"^[a-zà-öø-ÿ]+(?:-[a-zà-öø-ÿ]+)*$", re.IGNORECASE)
# German inflections the headwords lack ("militärische" -> "militärisch", "Vereinigten" -> "Vereinigte").
_ENDINGS = ("en", "em", "er", "es", "e", "n", "s")


def _number(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + _B64[char]
    return value


def _translations(entry: str) -> list[str]:
    """The translations on an entry's second line ("[mil.] armistice <n>, truce <n>" -> armistice, truce)."""
    lines = entry.split("\n")
    if len(lines) < 2:
        return []
    found = []
    for phrase in re.split(r"[,;/]", _BRACKETS.sub(" ", lines[1])):
        words = phrase.split()
        if 0 < len(words) <= WORDS_PER_TRANSLATION and all(_LETTERS.match(word) for word in words):
            found.append(" ".join(words).lower())
    return found


def read_dictionary(index: Path, data: Path) -> dict[str, list[str]]:
    """Each one-word headword (lower-cased) of a dictd dictionary with its first translations, in the file's order."""
    # A dictzip file is a gzip file whose chunks can also be read one by one; read whole, it is plain gzip.
    text = gzip.decompress(data.read_bytes()) if data.suffix == ".dz" else data.read_bytes()
    table: dict[str, list[str]] = {}
    with open(index, encoding="utf-8") as lines:
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or not _LETTERS.match(fields[0]) or "-" in fields[0]:
                continue
            offset, length = _number(fields[1]), _number(fields[2])
            known = table.setdefault(fields[0].lower(), [])
            if len(known) >= TRANSLATIONS_KEPT:
                continue
            entry = text[offset : offset + length].decode("utf-8", "replace")
            for translation in _translations(entry):
                if translation not in known and len(known) < TRANSLATIONS_KEPT:
                    known.append(translation)
    return {word: translations for word, translations in table.items() if translations}


class Dictionary:
    """One direction's words, looked up in the SQLite table built from the dictionary files (built when missing)."""

    def __init__(self, index: Path, data: Path, cache: Path):
        self.index, self.data, self.cache = index, data, cache
        self._local = threading.local()
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            with self._lock:
                if not self.cache.exists():
                    self._build()
            connection = sqlite3.connect(f"file:{self.cache}?mode=ro", uri=True, check_same_thread=False)
            self._local.connection = connection
        return connection

    def _build(self) -> None:
        logger.info("building the word bridge from %s", self.data)
        table = read_dictionary(self.index, self.data)
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cache.with_name(f"{self.cache.name}.{os.getpid()}.partial")
        partial.unlink(missing_ok=True)
        with sqlite3.connect(partial) as connection:
            connection.execute("CREATE TABLE words (word TEXT PRIMARY KEY, translations TEXT NOT NULL)")
            connection.executemany(
                "INSERT INTO words VALUES (?, ?)", ((word, "\t".join(found)) for word, found in table.items())
            )
        connection.close()
        # Another process may have built it meanwhile: either copy is the same.
        partial.replace(self.cache)

    def lookup(self, word: str) -> list[str]:
        row = self._connection().execute("SELECT translations FROM words WHERE word = ?", [word.lower()]).fetchone()
        return row[0].split("\t") if row else []


class Bridge:
    def __init__(self, directory: Path | None = None, cache: Path | None = None):
        directory = directory or Path(os.environ.get(DIRECTORY_ENV) or DEFAULT_DIRECTORY)
        cache = cache or Path(os.environ.get(CACHE_ENV) or Path(tempfile.gettempdir()) / "factcheck-freedict")
        self.dictionaries: dict[tuple[str, str], Dictionary] = {}
        for direction, name in DICTIONARIES.items():
            index, data = directory / f"{name}.index", directory / f"{name}.dict.dz"
            if not data.exists():
                data = directory / f"{name}.dict"
            if index.exists() and data.exists():
                stat = data.stat()
                key = f"{name}-{stat.st_size}-{int(stat.st_mtime)}-{FORMAT}.sqlite3"
                self.dictionaries[direction] = Dictionary(index, data, cache / key)

    def __bool__(self) -> bool:
        return bool(self.dictionaries)

    def target(self, language: str) -> str | None:
        """The language a text in `language` is bridged to, or None when there is no dictionary for it."""
        return next((to for (source, to) in self.dictionaries if source == language), None)

    def translate(self, word: str, language: str) -> list[str]:
        """The translations of a word of `language` ("de" or "en"), most common first; a German compound the
        dictionary lacks is translated by its parts ("Sicherheitsgarantien" -> security ... guarantees)."""
        target = self.target(language)
        if target is None:
            return []
        return list(_translate(self.dictionaries[(language, target)], word.lower(), language == "de"))


@lru_cache(maxsize=50_000)
def _translate(dictionary: Dictionary, word: str, compounds: bool) -> tuple[str, ...]:
    found = dictionary.lookup(word)
    if not found and compounds:
        found = next(
            (hit for ending in _ENDINGS if word.endswith(ending) and (hit := dictionary.lookup(word[: -len(ending)]))),
            [],
        )
    if found or not compounds or len(word) < 2 * COMPOUND_PART:
        return tuple(found)
    # The longest known tail, then its head, with or without a linking "s" ("Sicherheit-s-garantien").
    for split in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1):
        tail = dictionary.lookup(word[split:])
        if not tail:
            continue
        head_word = word[:split]
        head = dictionary.lookup(head_word) or (head_word.endswith("s") and dictionary.lookup(head_word[:-1])) or []
        return tuple(dict.fromkeys([*head[:2], *tail[:3]]))
    return ()


_bridge: Bridge | None = None
_bridge_lock = threading.Lock()


def bridge() -> Bridge:
    """This process's bridge, from the dictionaries installed on this machine (possibly none)."""
    global _bridge
    with _bridge_lock:
        if _bridge is None:
            _bridge = Bridge()
        return _bridge


def bridged_terms(text: str, language: str, *, dictionary: Bridge | None = None) -> Mapping[str, Mapping[str, str]]:
    """The search terms a text's words translate to, under the other language's configuration, each with the word
    it came from: {"english": {"clause": "Beistandsklausel", ...}}. Stop words are neither translated nor kept; a
    word gives at most TERMS_PER_WORD terms, its commonest senses. Read-only: a proposal asks for the same claim's
    terms once for the search and once for each document's reason, and gets the answer computed the first time."""
    return _bridged_terms(text, language, bridge() if dictionary is None else dictionary)


@lru_cache(maxsize=1024)
def _bridged_terms(text: str, language: str, dictionary: Bridge) -> Mapping[str, Mapping[str, str]]:
    source = (language or "").split("-")[0].lower()
    target = dictionary.target(source)
    if target is None:
        return {}
    source_config, target_config = text_config(source), text_config(target)
    found: dict[str, str] = {}
    for word in dict.fromkeys(words.words(text)):
        if word.isdigit() or words.stem(word, source_config) is None:
            continue
        own = words.stem(word, target_config)
        terms = []
        for translation in dictionary.translate(word, source):
            for translated in words.words(translation):
                term = words.stem(translated, target_config)
                if term and term != own and term not in terms:
                    terms.append(term)
        for term in terms[:TERMS_PER_WORD]:
            found.setdefault(term, word)
    return MappingProxyType({target_config: MappingProxyType(found)} if found else {})
