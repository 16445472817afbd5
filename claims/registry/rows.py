"""The rules a registry row must meet, one field at a time: plain Python, so that they read (and are tested)
without a database. `clean_source` and `clean_document` turn a row of the registry format (as the file readers in
`claims.registry.files` give it, or an API body) into the fields to store, or raise RowError with the reason;
whether a key or URL is already taken is the import service's to decide (`claims.services.registry`).

The one thing taken from Django is its URL validator, which needs no settings: an http(s) URL is the same rule
here as in the forms and the ingest service.
"""

import datetime
import json
import re
import unicodedata
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from claims.analysis.documents import unstorable
from claims.fetching import is_host_name
from claims.registry.files import ALIAS_SEPARATOR

SOURCE_FIELDS = ("name", "kind", "domain", "language", "aliases", "reliability", "reliability_note", "active", "notes")
DOCUMENT_FIELDS = ("url", "title", "text", "language", "published_on")


class HttpUrlValidator(URLValidator):
    """Django's http(s) URL rule, which lets control characters through in a path ("/\x01a"): here they are
    refused, as no address typed, pasted or exported by a browser holds one."""

    def __call__(self, value):
        if isinstance(value, str) and any(unicodedata.category(character) == "Cc" for character in value):
            raise ValidationError(self.message, code=self.code, params={"value": value})
        super().__call__(value)


HTTP_URL = HttpUrlValidator(schemes=["http", "https"])
# Django's slug: letters, digits, hyphens and underscores.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
LANGUAGE_CODE = re.compile(r"[a-z]{2}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RowError(Exception):
    """Why one registry row cannot be stored; the import goes on with the other rows."""


def row_key(row) -> str:
    """The key a row gives, stripped, for naming it in a report even when the row is rejected; "" for none."""
    key = row.get("key") if isinstance(row, dict) else None
    return key.strip() if isinstance(key, str) else ""


def _text(row: dict, name: str, *, required: bool = False, max_length: int | None = None, strip: bool = True) -> str:
    value = row.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RowError(f"`{name}` must be text, not {json.dumps(value, ensure_ascii=False, default=str)[:100]}.")
    if problem := unstorable(value):
        raise RowError(f"`{name}` {problem}.")
    if strip:
        value = value.strip()
    if required and not value.strip():
        raise RowError(f"`{name}` is missing or empty.")
    if max_length is not None and len(value) > max_length:
        raise RowError(f"`{name}` is longer than {max_length:,} characters.")
    return value


def _key(row: dict, *, required: bool) -> str | None:
    key = _text(row, "key", required=required, max_length=100)
    if not key:
        return None
    if not SLUG.fullmatch(key):
        raise RowError(f"`key` {key!r} must be a slug: letters, digits, hyphens and underscores.")
    return key


def _choice(row: dict, name: str, choices: Collection[str]) -> str:
    value = row.get(name)
    if value not in choices:
        allowed = ", ".join(choices)
        raise RowError(f"`{name}` {json.dumps(value, ensure_ascii=False)[:100]} is not one of: {allowed}.")
    return value


def _language(row: dict) -> str:
    language = _text(row, "language").lower()
    if language and not LANGUAGE_CODE.fullmatch(language):
        raise RowError(f"`language` {language!r} must be a two-letter code (en, de) or empty.")
    return language


def _domain(row: dict) -> str:
    domain = _text(row, "domain").lower().removesuffix(".")
    if domain and not is_host_name(domain):
        raise RowError(f"`domain` {domain[:100]!r} must be a host name such as example.org, without scheme or path.")
    return domain


def _aliases(row: dict) -> list[str]:
    aliases = row.get("aliases")
    if aliases is None:
        return []
    if not isinstance(aliases, list) or not all(isinstance(alias, str) and alias.strip() for alias in aliases):
        raise RowError("`aliases` must be a list of names (non-empty texts).")
    if any(ALIAS_SEPARATOR in alias for alias in aliases):
        raise RowError(f"An alias may not contain {ALIAS_SEPARATOR!r}.")
    for alias in aliases:
        if problem := unstorable(alias):
            raise RowError(f"`aliases`: an alias {problem}.")
    return [alias.strip() for alias in aliases]


def clean_source(row, *, kinds: Collection[str], reliabilities: Collection[str]) -> tuple[str, dict]:
    """The source's key and its fields; `kinds` and `reliabilities` are the values a `kind` and a `reliability`
    may take (the model's choices)."""
    if not isinstance(row, dict):
        raise RowError("A source must be an object of fields.")
    key = _key(row, required=True)
    fields = {"name": _text(row, "name", required=True, max_length=300)}
    if "kind" in row:
        fields["kind"] = _choice(row, "kind", kinds)
    if "reliability" in row:
        fields["reliability"] = _choice(row, "reliability", reliabilities)
    if "domain" in row:
        fields["domain"] = _domain(row)
    if "language" in row:
        fields["language"] = _language(row)
    if "aliases" in row:
        fields["aliases"] = _aliases(row)
    if "active" in row:
        if not isinstance(row["active"], bool):
            raise RowError(f"`active` must be true or false, not {json.dumps(row['active'])[:100]}.")
        fields["active"] = row["active"]
    for name in ("reliability_note", "notes"):
        if name in row:
            fields[name] = _text(row, name, strip=False)
    return key, fields


def clean_document(row) -> tuple[str | None, dict]:
    """The document's source key and its fields."""
    if not isinstance(row, dict):
        raise RowError("A document must be an object of fields.")
    _key(row, required=False)
    source_key = _text(row, "source", required=True)
    fields = {
        "title": _text(row, "title", required=True, max_length=500),
        "text": _text(row, "text", required=True, strip=False),
    }
    if "url" in row:
        url = _text(row, "url", max_length=2000)
        if url:
            try:
                HTTP_URL(url)
            except ValidationError:
                raise RowError(f"`url` {url[:200]!r} is not an http(s) URL.") from None
        fields["url"] = url
    if "language" in row:
        fields["language"] = _language(row)
    if "published_on" in row:
        fields["published_on"] = _date(row["published_on"])
    return source_key, fields


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise RowError(f"`published_on` {json.dumps(value, default=str)[:100]} is not a date (YYYY-MM-DD).")
