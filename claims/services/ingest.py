"""Storing an article: what a form, the API, a command or the demo sent, or the page fetched from a URL. One entry
point, `ingest`; extraction is queued once the article is committed."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from claims import fetching
from claims.analysis.documents import InputError, ParsedText, content_hash, decode, parse_plain_text
from claims.analysis.html import decode_charset, parse_html
from claims.canonical import canonical_url
from claims.fetching import FetchError
from claims.models import Article, FetchAllowedHost
from claims.models.articles import InputFormat
from claims.registry.rows import HTTP_URL
from claims.services.extraction import queue_extraction

# An article's origin: the column's length (the rule for the URL itself is `HTTP_URL`, the ingest form's too).
ARTICLE_URL_MAX_LENGTH = 2000


@dataclass(frozen=True)
class IngestResult:
    article: Article
    created: bool


def ingest(
    *,
    content: str | bytes | None = None,
    url: str = "",
    input_format: str = InputFormat.TEXT,
    title: str = "",
    published_on: datetime.date | None = None,
    outlet=None,
    actor=None,
) -> IngestResult:
    """Store an article and enqueue its extraction once the article is committed: the `content` given (with `url`
    as its origin), or, without content, the page fetched from `url` (HTML or plain text, with `url` set to where
    the page was found).

    `input_format` html reads the content as a web page (its main text, with title, date and author taken from the
    page); text reads it as the desk's plain text. `title` and `published_on`, when given, win over what the
    content says. `outlet`, a registry Source, is the outlet that published it (a feed's source).

    The same content sent twice returns the article stored the first time (`created` is False) and stores nothing
    new; sent again with a URL, the article stored without one gets it. A URL given alone whose canonical form
    (claims/canonical.py) is an article's already stored returns that article without fetching the page again, and
    so does a page that redirects to such an address.

    Input that cannot become an article raises ValidationError on the `content` field, an origin that is not an
    http(s) URL on the `url` field. Nothing is stored in either case.

    A page is fetched before any transaction starts, so never fetch inside one: a slow server must not hold
    database locks. A page that cannot or must not be fetched raises ValidationError on the `url` field (the
    message says why: a private address, a timeout, a content type, the size).
    """
    if content is None:
        if stored := stored_at(url):
            return IngestResult(article=stored, created=False)
        try:
            page = fetching.fetch(url, allowed_hosts=FetchAllowedHost.objects.hosts())
        except FetchError as exc:
            raise ValidationError({"url": str(exc)}) from None
        url, input_format = page.url, InputFormat.URL
        if stored := stored_at(url):
            return IngestResult(article=stored, created=False)
        # Parsing is CPU work on what was fetched: also outside the transaction.
        parsed = _parse(page.content, html=page.is_html, encoding=page.charset)
    else:
        parsed = _parse(content, html=input_format == InputFormat.HTML)
    with transaction.atomic():
        return _store(
            parsed,
            actor=actor,
            url=url,
            title=title,
            published_on=published_on,
            input_format=input_format,
            outlet=outlet,
        )


def stored_at(url: str) -> Article | None:
    """The article stored first whose URL has the canonical form of `url`, or None (also for a URL that has none)."""
    key = canonical_key(url)
    return Article.objects.filter(canonical_url=key).order_by("pk").first() if key else None


def canonical_key(url: str) -> str:
    """What Article.canonical_url stores for `url`: its canonical form, within the column."""
    return canonical_url(url)[:ARTICLE_URL_MAX_LENGTH]


def size_refusal(size: int) -> str:
    """The refusal of an article of `size` bytes, over ARTICLE_MAX_BYTES: the same words wherever it is refused."""
    return f"The article is {size:,} bytes; the limit is {settings.ARTICLE_MAX_BYTES:,} bytes."


def _parse(content: str | bytes, *, html: bool, encoding: str = "") -> ParsedText:
    """The article in `content`, after the checks every way in shares: the size limit first, then the format's."""
    size = len(content) if isinstance(content, bytes) else len(content.encode("utf-8", "surrogatepass"))
    if size > settings.ARTICLE_MAX_BYTES:
        raise ValidationError({"content": size_refusal(size)})
    try:
        if html:
            parsed = parse_html(content, encoding=encoding or None)
        else:
            if isinstance(content, bytes):
                content = decode_charset(content, encoding) if encoding else decode(content)
            parsed = parse_plain_text(content)
    except InputError as exc:
        raise ValidationError({"content": str(exc)}) from None
    # The analysis costs about 0.4 s per 1,000 characters on one core: past this, extraction would outrun its time
    # limit. A page may be far larger than its text, so this is checked on the text.
    if len(parsed.text) > settings.ARTICLE_MAX_CHARACTERS:
        raise ValidationError(
            {
                "content": f"The article's text is {len(parsed.text):,} characters; the limit is "
                f"{settings.ARTICLE_MAX_CHARACTERS:,}. Split it into parts."
            }
        )
    return parsed


def _store(
    parsed: ParsedText,
    *,
    actor,
    url: str,
    title: str,
    published_on: datetime.date | None,
    input_format: str,
    outlet,
) -> IngestResult:
    if len(url) > ARTICLE_URL_MAX_LENGTH:
        raise ValidationError({"url": f"The article's URL is longer than {ARTICLE_URL_MAX_LENGTH:,} characters."})
    if url:
        try:
            HTTP_URL(url)
        except ValidationError:
            raise ValidationError({"url": f"The article's URL is not an http(s) URL: {url[:200]}"}) from None
    article, created = Article.objects.get_or_create(
        content_hash=content_hash(parsed.text),
        defaults={
            "text": parsed.text,
            "title": (title or parsed.title)[:500],
            "published_on": published_on or parsed.published_on,
            "author": parsed.author[:300],
            "url": url,
            "outlet": outlet,
            "input_format": input_format,
            "ingested_by": actor,
        },
    )
    if created:
        queue_extraction(article.pk)
    elif url and not article.url:
        # The text came first without its origin; now that it is known, it is kept (a URL already there stays).
        Article.objects.filter(pk=article.pk, url="").update(url=url, canonical_url=canonical_key(url))
        article.refresh_from_db(fields=["url", "canonical_url"])
    return IngestResult(article=article, created=created)
