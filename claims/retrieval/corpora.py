"""What can be searched: registry documents and earlier reviewed claims, and how to tell that either has changed.

A corpus names its rows (a queryset), the text the lexical side reads, the embedding the semantic side reads, and
its *version*: a few aggregates that change whenever a row is added, edited, embedded or deleted. The in-process
indexes compare versions before each search and bring themselves up to date from the rows changed since.

Every write that changes what a corpus holds must move one of these aggregates: a document's `updated_at` (its
`save()` does that), its `embedded_at` (set with its embedding), or a claim's `updated_at`. A bulk `.update()` of a
claim's state or verdict must set `updated_at` too.
"""

import datetime
import time
from dataclasses import dataclass, field

from django.db.models import Max, Q, QuerySet

from claims.models import Claim, Document
from claims.retrieval import fusion

# Rows committed a little after a later row was read would be missed by "changed since the newest change I saw";
# looking back this far as well catches transactions that were open that long.
LOOKBACK = datetime.timedelta(seconds=120)
COUNT_MAX_AGE_SECONDS = 30


@dataclass(frozen=True)
class Version:
    count: int
    max_id: int | None
    changed_at: tuple
    # When the count was taken (time.monotonic()); not part of what makes two versions equal.
    counted_at: float = field(default=0.0, compare=False)


@dataclass(frozen=True)
class Corpus:
    name: str
    # The model's table and its columns, for the PostgreSQL full-text search written in SQL.
    table: str
    text_fields: tuple[str, ...]
    changed_fields: tuple[str, ...]
    # What a search can leave out in one go: a document's source (inactive sources), a claim's article (a claim is
    # never its own evidence, nor are its neighbours in the same article).
    group_field: str
    # How its lexical and semantic evidence are fused (fitted per kind of embedding pair).
    mix: fusion.Mix

    def rows(self) -> QuerySet:
        raise NotImplementedError

    def all_rows(self) -> QuerySet:
        """Every row, in the corpus or not: what the changed rows are looked for in."""
        raise NotImplementedError

    def version(self, *, previous: Version | None = None) -> Version:
        """The corpus's version. The latest id and change times come from indexes and are read every time; the
        row count costs a scan of an index, so it is taken again only when those changed or `previous` is older than
        COUNT_MAX_AGE: a deletion alone shows up within that time (searches check that their rows still exist)."""
        rows = self.rows()
        # PostgreSQL answers MAX from an index only when a query has nothing but MIN and MAX aggregates.
        latest = rows.aggregate(max_id=Max("pk"), **{name: Max(name) for name in self.changed_fields})
        max_id, changed_at = latest["max_id"], tuple(latest[name] for name in self.changed_fields)
        now = time.monotonic()
        if (
            previous is not None
            and (previous.max_id, previous.changed_at) == (max_id, changed_at)
            and now - previous.counted_at < COUNT_MAX_AGE_SECONDS
        ):
            return previous
        return Version(count=rows.count(), max_id=max_id, changed_at=changed_at, counted_at=now)

    def changed_since(self, version: Version) -> QuerySet:
        """Rows added, edited or embedded since `version` (and a little before), in the corpus or not any more."""
        changed = Q(pk__gt=version.max_id or 0)
        for name, moment in zip(self.changed_fields, version.changed_at, strict=True):
            if moment is not None:
                changed |= Q(**{f"{name}__gte": moment - LOOKBACK})
        return self.all_rows().filter(changed)

    def text(self, row: dict) -> str:
        return " ".join(str(row[field] or "") for field in self.text_fields)


class DocumentCorpus(Corpus):
    def rows(self) -> QuerySet:
        # Every document, also those of inactive sources: a source switched off or on must not cost a rebuild, so
        # searches filter by the source's flag instead.
        return Document.objects.all()

    def all_rows(self) -> QuerySet:
        return Document.objects.all()


class ReviewedClaimCorpus(Corpus):
    def rows(self) -> QuerySet:
        return Claim.objects.reviewed()

    def all_rows(self) -> QuerySet:
        return Claim.objects.all()


DOCUMENTS = DocumentCorpus(
    name="documents",
    table="claims_document",
    text_fields=("title", "text"),
    changed_fields=("updated_at", "embedded_at"),
    group_field="source_id",
    mix=fusion.DOCUMENTS,
)
REVIEWED_CLAIMS = ReviewedClaimCorpus(
    name="reviewed claims",
    table="claims_claim",
    text_fields=("text",),
    changed_fields=("updated_at",),
    group_field="article_id",
    mix=fusion.REVIEWED_CLAIMS,
)
