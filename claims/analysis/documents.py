"""Turning what arrives (bytes or a string) into the text we store, with its title and date.

The text stored is what claim offsets point into, so every rule that changes it lives here, runs once at
ingestion, and never again afterwards.
"""

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass


class InputError(ValueError):
    """The input cannot become an article; the message says why, in words a user can act on."""


@dataclass(frozen=True)
class ParsedText:
    text: str
    title: str
    published_on: datetime.date | None
    # Only HTML carries a byline we can read; plain text has none.
    author: str = ""


# The desk's own format: a first line `date YYYY-MM-DD Headline`.
DATELINE = re.compile(r"\Adate[ \t]+(?P<date>\d{4}-\d{2}-\d{2})[ \t]+(?P<headline>[^\n]+)")
# Control characters other than tab and newline carry no text; a lot of them means the input is not text at all.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Half of a UTF-16 pair on its own is no character: it cannot be stored (UTF-8, PostgreSQL) or hashed. JSON's
# "\ud800" escapes and codecs such as raw_unicode_escape produce them.
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Above this share of control characters, input is treated as binary rather than cleaned.
MAX_CONTROL_SHARE = 0.01
# A first line this short without a sentence end reads as a headline.
MAX_HEADLINE_CHARS = 200


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) is what we accept; anything else gets a clear refusal."""
    if b"\x00" in data:
        raise InputError("The input looks like a binary file, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"The input is not UTF-8 text (invalid byte at position {exc.start}).") from None


def check_text(text: str) -> None:
    """InputError for a string that is not text at all: NUL characters, or lone surrogates."""
    if "\x00" in text:
        raise InputError("The input looks like a binary file, not text.")
    if surrogate := LONE_SURROGATE.search(text):
        raise InputError(
            f"The input is not valid Unicode text: it holds half of a UTF-16 pair (U+{ord(surrogate[0]):04X}) at "
            f"character {surrogate.start()}."
        )


def unstorable(text: str) -> str:
    """Why no database stores `text` as it is, or "": a NUL (PostgreSQL refuses it in text), or half of a UTF-16
    pair on its own (no character at all: UTF-8 cannot encode it, so SQLite cannot store it either)."""
    if "\x00" in text:
        return f"holds a NUL character (at character {text.index(chr(0))})"
    if surrogate := LONE_SURROGATE.search(text):
        return f"holds half of a UTF-16 pair (U+{ord(surrogate[0]):04X}) at character {surrogate.start()}"
    return ""


def normalise(text: str) -> str:
    """Unicode NFC, Unix line ends, no control characters, no surrounding white space."""
    check_text(text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    controls = len(CONTROL_CHARACTERS.findall(text))
    if controls and controls > MAX_CONTROL_SHARE * len(text):
        raise InputError("The input looks like a binary file, not text.")
    return CONTROL_CHARACTERS.sub("", text).strip()


def clean_line(text: str) -> str:
    """A one-line field (a title, an author) from outside: NFC like the text (a title becomes the text's first line),
    no control characters, lone surrogates or runs of space."""
    text = CONTROL_CHARACTERS.sub("", LONE_SURROGATE.sub("", text.replace("\x00", "")))
    return " ".join(unicodedata.normalize("NFC", text).split())


def has_visible_text(text: str) -> bool:
    """Whether anything in `text` is more than white space and invisible format characters (zero-width space,
    direction marks, a byte-order mark): such input holds no sentence to check."""
    return any(not unicodedata.category(character).startswith(("Z", "C")) for character in text)


def visible_or_empty(text: str) -> str:
    """`text` without the white space around it, or "" when nothing in it is visible: a reason, a rationale or a
    name of zero-width spaces is none."""
    return text.strip() if has_visible_text(text) else ""


def parse_plain_text(raw: str) -> ParsedText:
    """Normalise the text and read its headline and date from the first line.

    `date 2025-08-15 Headline` gives the date and the headline; the `date ...` prefix is dropped so the stored text
    starts with the headline. Otherwise a short first line without a sentence end is taken as the headline.
    """
    text = normalise(raw)
    if not text or not has_visible_text(text):
        raise InputError("The article is empty.")
    match = DATELINE.match(text)
    if match:
        try:
            published_on = datetime.date.fromisoformat(match["date"])
        except ValueError:
            raise InputError(f"The first line's date {match['date']} is not a valid date.") from None
        text = text[match.start("headline") :]
        return ParsedText(text=text, title=match["headline"].strip(), published_on=published_on)
    first_line = text.split("\n", 1)[0].strip()
    looks_like_headline = len(first_line) <= MAX_HEADLINE_CHARS and first_line[-1] not in ".!?:;\"'“”»«"
    return ParsedText(text=text, title=first_line if looks_like_headline else "", published_on=None)


def content_hash(text: str) -> str:
    """The identity of an article's content: the same text sent twice is the same article."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
