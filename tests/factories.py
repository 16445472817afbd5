"""Rows for tests, with defaults that satisfy every constraint; pass what the test is about."""

import itertools

from claims.analysis.documents import content_hash
from claims.models import Article, Claim, Document, Source

_sequence = itertools.count(1)


def make_article(**fields) -> Article:
    number = next(_sequence)
    text = fields.pop("text", f"Headline {number}\n\nThe council said on Monday that {number} schools will open.")
    return Article.objects.create(text=text, content_hash=content_hash(text), title=f"Headline {number}", **fields)


def make_claim(article: Article | None = None, **fields) -> Claim:
    article = article or make_article()
    start = fields.pop("start", 0)
    end = fields.pop("end", start + 8)
    return Claim.objects.create(article=article, start=start, end=end, text=article.text[start:end], **fields)


def make_source(**fields) -> Source:
    number = next(_sequence)
    fields.setdefault("key", f"source-{number}")
    fields.setdefault("name", f"Source {number}")
    return Source.objects.create(**fields)


def make_document(source: Source | None = None, **fields) -> Document:
    number = next(_sequence)
    fields.setdefault("title", f"Document {number}")
    fields.setdefault("text", f"Reference text number {number}.")
    return Document.objects.create(source=source or make_source(), **fields)
