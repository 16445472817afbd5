"""The source registry's writes: the import (create or update sources and documents by key, row by row), the
export, and the documents' embeddings. What a row may hold is `claims.registry.rows`; the files rows come in are
`claims.registry.files`."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims.analysis.embeddings import embed_passages, vector_bytes
from claims.models import Document, Source
from claims.models.registry import Reliability, SourceKind
from claims.registry.rows import DOCUMENT_FIELDS, SOURCE_FIELDS, RowError, clean_document, clean_source, row_key
from factcheck.queueing import queue, send_on_commit

EMBED_TASK = "claims.embed_documents"
# Keys, domains and URLs are looked up in chunks: SQLite limits the parameters of one query.
LOOKUP_CHUNK = 2000


@dataclass(frozen=True)
class RejectedRow:
    """A registry row that was not stored, and why."""

    kind: str  # "source" or "document"
    # The row's position among the import's rows of its kind, from 1: the file readers turn it into a line.
    row: int
    key: str
    reason: str


@dataclass(frozen=True)
class RegistryImport:
    sources_created: int = 0
    sources_updated: int = 0
    sources_unchanged: int = 0
    documents_created: int = 0
    documents_updated: int = 0
    documents_unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def sources(self) -> int:
        """Sources the import stored or found as they were."""
        return self.sources_created + self.sources_updated + self.sources_unchanged

    @property
    def documents(self) -> int:
        return self.documents_created + self.documents_updated + self.documents_unchanged


@transaction.atomic
def import_registry(*, data: dict, on_row: Callable[[], None] | None = None) -> RegistryImport:
    """Create or update sources and documents by key, from the registry format (`sources`, `documents`).

    Each row is checked on its own: valid rows are stored, the others are returned as rejected with the reason,
    and a document whose source was rejected is rejected with it. A field a row leaves out keeps its stored value
    (or the default, for a new row). A source is found by its key; a document by its key, else by its source and
    URL (a document needs one or the other, so that importing it again updates it rather than adding a copy). A
    document whose title or text changes loses its embedding, which is computed again in the background after
    the import commits; the same file imported twice changes nothing the second time. `on_row` is called once per
    row, for a progress bar.
    """
    tick = on_row or (lambda: None)
    rejected: list[RejectedRow] = []
    source_rows, document_rows = _rows_of(data, "sources"), _rows_of(data, "documents")

    # Sources first: documents may name a source from the same import.
    sources: dict[str, tuple[int, dict]] = {}
    rejected_sources: dict[str, str] = {}
    for number, row in enumerate(source_rows, start=1):
        key = row_key(row)
        try:
            key, fields = clean_source(row, kinds=SourceKind.values, reliabilities=Reliability.values)
            if key in sources:
                raise RowError(f"The key appears again; source {sources[key][0]} has it.")
        except RowError as exc:
            rejected.append(RejectedRow("source", number, key, str(exc)))
            if key and key not in sources:
                rejected_sources.setdefault(key, str(exc))
        else:
            sources[key] = (number, fields)
        tick()
    source_counts = _store_sources(sources)

    cleaned = []
    for number, row in enumerate(document_rows, start=1):
        try:
            cleaned.append((number, row_key(row), *clean_document(row), None))
        except RowError as exc:
            cleaned.append((number, row_key(row), None, None, str(exc)))
    source_ids = _ids_by_key(Source, {source_key for _n, _k, source_key, _f, error in cleaned if not error})
    document_counts, rows_rejected = _store_documents(cleaned, source_ids, rejected_sources, tick)
    rejected.extend(rows_rejected)
    send_on_commit(EMBED_TASK)
    return RegistryImport(**source_counts, **document_counts, rejected=rejected)


def _rows_of(data: dict, name: str) -> list:
    rows = data.get(name) or []
    if not isinstance(rows, list):
        raise ValidationError({name: f"`{name}` must be a list."})
    return rows


def _ids_by_key(model, keys) -> dict[str, int]:
    found = {}
    for chunk in _batches(sorted(keys), LOOKUP_CHUNK):
        found.update(model.objects.filter(key__in=chunk).values_list("key", "pk"))
    return found


def _store_sources(sources: dict[str, tuple[int, dict]]) -> dict[str, int]:
    existing = {}
    for chunk in _batches(sorted(sources), LOOKUP_CHUNK):
        existing.update((source.key, source) for source in Source.objects.filter(key__in=chunk))
    now = timezone.now()
    new, changed, unchanged = [], [], 0
    for key, (_number, fields) in sources.items():
        source = existing.get(key)
        if source is None:
            new.append(Source(key=key, **fields))
        elif _update(source, fields, now):
            changed.append(source)
        else:
            unchanged += 1
    Source.objects.bulk_create(new, batch_size=500)
    Source.objects.bulk_update(changed, [*SOURCE_FIELDS, "updated_at"], batch_size=500)
    return {"sources_created": len(new), "sources_updated": len(changed), "sources_unchanged": unchanged}


def _store_documents(cleaned, source_ids, rejected_sources, tick) -> tuple[dict[str, int], list[RejectedRow]]:
    keys = {key for _n, key, _s, _f, error in cleaned if key and not error}
    urls = {fields["url"] for _n, _k, _s, fields, error in cleaned if not error and fields.get("url")}
    # Embeddings are not read: a document that keeps its text keeps its embedding untouched.
    documents = Document.objects.defer("embedding")
    # One instance per stored document, whether it was found by its key or by its URL.
    loaded: dict[int, Document] = {}
    for chunk in _batches(sorted(keys), LOOKUP_CHUNK):
        loaded.update((document.pk, document) for document in documents.filter(key__in=chunk))
    for chunk in _batches(sorted(urls), LOOKUP_CHUNK):
        for document in documents.filter(url__in=chunk):
            loaded.setdefault(document.pk, document)
    by_key = {document.key: document for document in loaded.values() if document.key}
    by_place = {(document.source_id, document.url): document for document in loaded.values() if document.url}

    now = timezone.now()
    rejected, new, changed, text_changed, unchanged = [], [], [], [], 0
    # What the rows before have claimed: a key, a source and URL, a stored document.
    claimed: dict[tuple, int] = {}
    for number, key, source_key, fields, error in cleaned:
        try:
            if error:
                raise RowError(error)
            if source_key in rejected_sources:
                raise RowError(f"Its source {source_key!r} was rejected: {rejected_sources[source_key]}")
            if source_key not in source_ids:
                raise RowError(f"The source {source_key!r} is not in the registry or in this import.")
            source_id = source_ids[source_key]
            document = by_key.get(key) if key else None
            url = fields.get("url", document.url if document else "")
            owner = by_place.get((source_id, url)) if url else None
            if not key and not url:
                raise RowError("A document needs a key or a URL, so that importing it again updates it.")
            if not key or document is None and owner is not None and owner.key is None:
                document = owner
            if owner is not None and (document is None or owner.pk != document.pk):
                raise RowError(f"Source {source_key!r} already has a document at this URL (key {owner.key!r}).")
            markers = [("key", key), ("place", source_id, url), ("pk", document.pk if document else None)]
            markers = [marker for marker in markers if marker[-1]]
            earlier = next((claimed[marker] for marker in markers if marker in claimed), None)
            if earlier is not None:
                raise RowError(f"Document {earlier} of this import is the same document (same key, or source and URL).")
        except RowError as exc:
            rejected.append(RejectedRow("document", number, key, str(exc)))
            tick()
            continue
        claimed.update(dict.fromkeys(markers, number))
        values = {"source_id": source_id, "key": key or (document.key if document else None), **fields}
        # Read before the update: a new title or text makes the embedding stale.
        new_text = document is not None and (document.title != fields["title"] or document.text != fields["text"])
        if document is None:
            new.append(Document(**values))
        elif _update(document, values, now):
            changed.append(document)
            if new_text:
                text_changed.append(document.pk)
        else:
            unchanged += 1
        tick()
    Document.objects.bulk_create(new, batch_size=500)
    Document.objects.bulk_update(changed, ["source", "key", *DOCUMENT_FIELDS, "updated_at"], batch_size=500)
    for chunk in _batches(text_changed, LOOKUP_CHUNK):
        # A new title or text makes the embedding stale; the embedding task computes it again after the commit.
        Document.objects.filter(pk__in=chunk).update(embedding=None, embedded_at=None)
    counts = {"documents_created": len(new), "documents_updated": len(changed), "documents_unchanged": unchanged}
    return counts, rejected


def _update(row, fields: dict, now) -> bool:
    """Set `fields` on a stored source or document; whether any of them changed (its `updated_at` moves then)."""
    if all(getattr(row, name) == value for name, value in fields.items()):
        return False
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_at = now
    return True


def export_registry() -> dict:
    """The whole registry in `import_registry`'s shape, every field given: importing it back changes nothing."""
    sources = list(Source.objects.order_by("key").values("key", *SOURCE_FIELDS))
    documents = [
        {
            "key": row["key"],
            "source": row.pop("source__key"),
            **{name: row[name] for name in DOCUMENT_FIELDS},
            "published_on": row["published_on"].isoformat() if row["published_on"] else None,
        }
        for row in Document.objects.order_by("source__key", "key", "url", "pk")
        .values("key", "source__key", *DOCUMENT_FIELDS)
        .iterator(chunk_size=2000)
    ]
    return {"sources": sources, "documents": documents}


@transaction.atomic
def update_sources(*, source_ids: list[int], active: bool | None = None, reliability: str | None = None) -> int:
    """Mark these sources active or inactive, or set their reliability (the admin's bulk actions); the number of
    sources changed."""
    fields = {name: value for name, value in (("active", active), ("reliability", reliability)) if value is not None}
    return Source.objects.filter(pk__in=source_ids).update(**fields, updated_at=timezone.now())


@transaction.atomic
def reembed_documents(*, document_ids: list[int]) -> int:
    """Clear the embeddings of these documents and queue them to be embedded again once this commits ("embed
    again" in the admin, after a change of model, say); the number of documents cleared."""
    ids = list(Document.objects.filter(pk__in=document_ids).values_list("pk", flat=True))
    # updated_at moves too, so that an embedding computed from before cannot be written over the cleared one.
    Document.objects.filter(pk__in=ids).update(embedding=None, embedded_at=None, updated_at=timezone.now())
    if ids:
        send_on_commit(EMBED_TASK, ids)
    return len(ids)


@transaction.atomic
def save_document(*, document: Document) -> bool:
    """Store a document edited by hand (the admin). A new document, or one whose title or text changed, loses its
    embedding and is queued to be embedded once this commits; so is one not embedded yet. True when queued."""
    stored = Document.objects.filter(pk=document.pk).values("title", "text", "embedded_at").first()
    stale = stored is None or (stored["title"], stored["text"]) != (document.title, document.text)
    if stale:
        document.embedding = None
        document.embedded_at = None
    document.save()
    queued = stale or stored["embedded_at"] is None
    if queued:
        send_on_commit(EMBED_TASK, [document.pk])
    return queued


EMBEDDING_BATCH = 64


def queue_embedding(*, now: bool = False) -> bool:
    """Have every document without an embedding embedded (the sweeper's call; `now` as in factcheck.queueing)."""
    return queue(EMBED_TASK, now=now)


def embed_documents(*, document_ids: list[int] | None = None) -> int:
    """Compute the passage embeddings of documents that have none (all of them, or those in `document_ids`);
    the number embedded. Safe to run twice or side by side: a document is only written while it still has no
    embedding and its text is the text that was embedded."""
    pending = Document.objects.filter(embedding__isnull=True)
    if document_ids is not None:
        pending = pending.filter(pk__in=document_ids)
    done = 0
    for batch_ids in _batches(list(pending.order_by("pk").values_list("pk", flat=True)), EMBEDDING_BATCH):
        rows = list(Document.objects.filter(pk__in=batch_ids).values_list("pk", "title", "text", "updated_at"))
        # Embedding is CPU work: outside any transaction.
        vectors = embed_passages([f"{title}. {text}" for _, title, text, _ in rows])
        now = timezone.now()
        for (pk, _title, _text, updated_at), vector in zip(rows, vectors, strict=True):
            # Conditional on the row being unchanged since it was read: an edit in between clears it again.
            done += Document.objects.filter(pk=pk, embedding__isnull=True, updated_at=updated_at).update(
                embedding=vector_bytes(vector), embedded_at=now
            )
    return done


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
