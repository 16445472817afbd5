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
    actor=None,
) -> IngestResult:
    """Store an article and enqueue its extraction once the article is committed: the `content` given (with `url`
    as its origin), or, without content, the page fetched from `url` (HTML or plain text, with `url` set to where
    the page was found).

    `input_format` html reads the content as a web page (its main text, with title, date and author taken from the
    page); text reads it as the desk's plain text. `title` and `published_on`, when given, win over what the
    content says. The same content sent twice returns the article stored the first time (`created` is False) and
    stores nothing new. Input that cannot become an article raises ValidationError on the `content` field, an
    origin that is not an http(s) URL on the `url` field. Nothing is stored in either case.

    A page is fetched before any transaction starts, so never fetch inside one: a slow server must not hold
    database locks. A page that cannot or must not be fetched raises ValidationError on the `url` field (the
    message says why: a private address, a timeout, a content type, the size).
    """
    if content is None:
        try:
            page = fetching.fetch(url, allowed_hosts=FetchAllowedHost.objects.hosts())
        except FetchError as exc:
            raise ValidationError({"url": str(exc)}) from None
        url, input_format = page.url, InputFormat.URL
        # Parsing is CPU work on what was fetched: also outside the transaction.
        parsed = _parse(page.content, html=page.is_html, encoding=page.charset)
    else:
        parsed = _parse(content, html=input_format == InputFormat.HTML)
    with transaction.atomic():
        return _store(parsed, actor=actor, url=url, title=title, published_on=published_on, input_format=input_format)


def _parse(content: str | bytes, *, html: bool, encoding: str = "") -> ParsedText:
    """The article in `content`, after the checks every way in shares: the size limit first, then the format's."""
    size = len(content) if isinstance(content, bytes) else len(content.encode("utf-8", "surrogatepass"))
    if size > settings.ARTICLE_MAX_BYTES:
        raise ValidationError(
            {"content": f"The article is {size:,} bytes; the limit is {settings.ARTICLE_MAX_BYTES:,} bytes."}
        )
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
    parsed: ParsedText, *, actor, url: str, title: str, published_on: datetime.date | None, input_format: str
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
            "input_format": input_format,
            "ingested_by": actor,
        },
    )
    if created:
        queue_extraction(article.pk)
    return IngestResult(article=article, created=created)
