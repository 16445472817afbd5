"""Writes of the claims app. Views, API views, tasks and commands parse their input and call one of these."""

import datetime
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from claims import fetching, tasks
from claims.analysis.attribution import PRONOUNS
from claims.analysis.documents import InputError, ParsedText, content_hash, decode, parse_plain_text, unstorable
from claims.analysis.embeddings import embed_passages, vector_bytes
from claims.analysis.html import decode_charset, parse_html
from claims.analysis.language import ANALYSED_LANGUAGES
from claims.analysis.pipeline import ArticleAnalysis, analyse_article
from claims.fetching import FetchError
from claims.models import (
    Article,
    Claim,
    ClaimRole,
    Document,
    FetchAllowedHost,
    Proposal,
    ProposalStatus,
    Source,
    Speaker,
    WorkStatus,
)
from claims.models.articles import InputFormat
from claims.models.registry import Reliability, SourceKind
from claims.models.speakers import SpeakerKind
from claims.proposing.base import Candidate, Proposer, ProposerUnavailable
from claims.proposing.earlier_claims import EarlierClaimsProposer, is_auto_link
from claims.proposing.factcheck_search import FactCheckSearchProposer
from claims.proposing.named_sources import NamedSourcesProposer
from claims.proposing.registry_documents import RegistryDocumentsProposer
from claims.queueing import send, send_on_commit

logger = logging.getLogger(__name__)
# An article's origin: the same rule as the URL field of the forms, and the column's length.
ARTICLE_URL_VALIDATOR = URLValidator(schemes=["http", "https"])
ARTICLE_URL_MAX_LENGTH = 2000


@dataclass(frozen=True)
class IngestResult:
    article: Article
    created: bool


def ingest(
    *, content: str | bytes | None = None, url: str = "", input_format: str = InputFormat.TEXT, actor=None
) -> IngestResult:
    """Store what a form or an API client sent: the content given (with `url` as its origin), or, without content,
    the page fetched from `url`."""
    if content is None:
        return ingest_url(url=url, actor=actor)
    return ingest_article(content=content, url=url, input_format=input_format, actor=actor)


@transaction.atomic
def ingest_article(
    *,
    content: str | bytes,
    actor=None,
    url: str = "",
    title: str = "",
    published_on: datetime.date | None = None,
    input_format: str = InputFormat.TEXT,
) -> IngestResult:
    """Store an article and enqueue its extraction once the article is committed.

    `input_format` html reads the content as a web page (its main text, with title, date and author taken from the
    page); text reads it as the desk's plain text. `title` and `published_on`, when given, win over what the
    content says. The same content sent twice returns the article stored the first time (`created` is False) and
    stores nothing new. Input that cannot become an article raises ValidationError on the `content` field, an
    origin that is not an http(s) URL on the `url` field.
    """
    parsed = _parse(content, html=input_format == InputFormat.HTML)
    return _store(parsed, actor=actor, url=url, title=title, published_on=published_on, input_format=input_format)


def ingest_url(*, url: str, actor=None, title: str = "", published_on: datetime.date | None = None) -> IngestResult:
    """Fetch a page (HTML or plain text) and store its article, with `url` set to where the page was found.

    The fetch runs before any transaction starts, so never call this inside one: a slow server must not hold
    database locks. A page that cannot or must not be fetched raises ValidationError on the `url` field (the
    message says why: a private address, a timeout, a content type, the size); a page without an article raises
    it on the `content` field. Nothing is stored in either case.
    """
    try:
        page = fetching.fetch(url, allowed_hosts=FetchAllowedHost.objects.hosts())
    except FetchError as exc:
        raise ValidationError({"url": str(exc)}) from None
    # Parsing is CPU work on what was fetched: also outside the transaction.
    parsed = _parse(page.content, html=page.is_html, encoding=page.charset)
    with transaction.atomic():
        return _store(
            parsed,
            actor=actor,
            url=page.url,
            title=title,
            published_on=published_on,
            input_format=InputFormat.URL,
        )


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
            ARTICLE_URL_VALIDATOR(url)
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
        _queue_extraction(article.pk)
    return IngestResult(article=article, created=created)


def _queue_extraction(article_id: int) -> None:
    send_on_commit(tasks.extract_article, article_id, mark=(Article.objects.filter(pk=article_id), "queued_at"))


def _queue_proposals(claim_id: int) -> None:
    send_on_commit(tasks.propose_sources, claim_id, mark=(Claim.objects.filter(pk=claim_id), "proposals_queued_at"))


def extract_claims(*, article_id: int, takeover: bool = False) -> int | None:
    """Analyse an article and store one claim per sentence; the article's number of claims.

    Returns None when there is nothing to do: the article is gone, done, or another worker is on it. Safe to run
    again: a sentence is one claim (unique span); claims nobody has touched yet are brought up to date with the
    new analysis, and claims a reviewer has touched are kept exactly as they are. `takeover` lets a redelivered
    task resume an article whose previous worker died mid-run.
    """
    stale_before = timezone.now() - datetime.timedelta(
        seconds=0 if takeover else settings.EXTRACTION_STALE_AFTER_SECONDS
    )
    if not Article.objects.start_extraction(article_id, stale_before=stale_before):
        return None
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return None
    # The analysis runs outside any transaction: it is CPU work and must not hold database locks.
    try:
        analysis = analyse_article(
            article.text,
            language=article.language,
            known_outlets=Source.objects.outlet_names(),
            known_speakers=Speaker.objects.alias_map(),
        )
    except Exception as exc:
        record_extraction_failure(article_id=article_id, error=exc)
        raise
    with transaction.atomic():
        _store_analysis(article, analysis)
        Article.objects.filter(pk=article_id, extraction_status=WorkStatus.RUNNING).update(
            extraction_status=WorkStatus.DONE, extraction_finished_at=timezone.now(), language=analysis.language
        )
        # Each analysed claim gets its source proposals in its own task, once the claims are committed.
        for claim_id in article.claims.filter(
            proposals_status=WorkStatus.PENDING, checkworthiness__isnull=False
        ).values_list("pk", flat=True):
            _queue_proposals(claim_id)
    logger.info("extracted article=%s sentences=%s", article_id, len(analysis.sentences))
    return Claim.objects.filter(article_id=article_id).count()


ANALYSIS_FIELDS = [
    "text",
    "language",
    "role",
    "checkworthiness",
    "is_checkworthy",
    "checkworthiness_reasons",
    "subjectivity",
    "speaker",
    "cited_outlet",
    "is_direct_quote",
    "entities",
    "embedding",
    "updated_at",
]


def _store_analysis(article: Article, analysis: ArticleAnalysis) -> None:
    speakers = _speakers_for(analysis)
    # Locked, so that a reviewer's correction either committed before (and shows in `corrected_fields` and in the
    # history that makes the claim touched) or waits for this run and comes after it: never lost under it.
    existing = {(claim.start, claim.end): claim for claim in article.claims.select_for_update()}
    untouched = set(article.claims.untouched().values_list("pk", flat=True))
    now = timezone.now()
    new, changed = [], []
    for sentence in analysis.sentences:
        attribution = sentence.attribution
        fields = {
            "text": sentence.text,
            "language": sentence.language,
            "role": ClaimRole.HEADLINE if sentence.is_headline else ClaimRole.BODY,
            "checkworthiness": sentence.checkworthiness,
            "is_checkworthy": sentence.is_checkworthy,
            "checkworthiness_reasons": [reason.as_dict() for reason in sentence.reasons],
            "subjectivity": sentence.subjectivity,
            "speaker": speakers.get(attribution.speaker),
            "cited_outlet": attribution.cited_outlet or "",
            "is_direct_quote": attribution.is_direct_quote,
            "entities": sentence.entities.as_dict(),
            "embedding": None if sentence.embedding is None else vector_bytes(sentence.embedding),
            "updated_at": now,
        }
        claim = existing.pop((sentence.start, sentence.end), None)
        if claim is None:
            new.append(Claim(article=article, start=sentence.start, end=sentence.end, **fields))
        elif claim.pk in untouched:
            # What a reviewer corrected stays theirs, however else the claim is brought up to date.
            for name, value in fields.items():
                if name not in claim.corrected_fields:
                    setattr(claim, name, value)
            changed.append(claim)
    # A sentence the new analysis no longer finds goes, unless a reviewer has already worked on its claim or
    # corrected it.
    Claim.objects.filter(
        pk__in=[claim.pk for claim in existing.values() if claim.pk in untouched and not claim.corrected_fields]
    ).delete()
    Claim.objects.bulk_create(new, ignore_conflicts=True)
    Claim.objects.bulk_update(changed, ANALYSIS_FIELDS)


def _speakers_for(analysis: ArticleAnalysis) -> dict[str, Speaker]:
    """Speaker rows for the article's speakers, each learning the short names this article uses for them."""
    mentions: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    for sentence in analysis.sentences:
        attribution = sentence.attribution
        if attribution.speaker:
            aliases = mentions.setdefault(attribution.speaker, set())
            kinds.setdefault(attribution.speaker, attribution.speaker_kind)
            if attribution.speaker_mention and attribution.speaker_mention.lower() not in PRONOUNS:
                aliases.add(attribution.speaker_mention)
    speakers = {}
    for name, aliases in mentions.items():
        # A new speaker takes the kind the name recogniser saw (an institution is an organisation); a known one
        # keeps the kind the desk gave it.
        kind = SpeakerKind.ORGANISATION if kinds.get(name) == SpeakerKind.ORGANISATION else SpeakerKind.PERSON
        speaker, _created = Speaker.objects.get_or_create(name=name[:300], defaults={"kind": kind})
        learned = sorted(alias for alias in aliases - {name} if alias not in speaker.aliases)
        if learned:
            speaker.aliases = [*speaker.aliases, *learned]
            speaker.save(update_fields=["aliases"])
        speakers[name] = speaker
    return speakers


def record_extraction_failure(*, article_id: int, error: BaseException) -> None:
    """Leave a visible failure on the article so that a person sees it and can retry."""
    Article.objects.filter(pk=article_id).update(
        extraction_status=WorkStatus.FAILED,
        extraction_finished_at=timezone.now(),
        extraction_error=f"{type(error).__name__}: {error}"[:2000],
    )


@transaction.atomic
def retry_extraction(*, article_id: int, again: bool = False) -> bool:
    """Queue a failed or stranded extraction again; False if the article is already done.

    With `again`, a finished article is analysed once more (after the analysis improved, say): claims nobody has
    touched are brought up to date, those a reviewer worked on stay as they are. A running extraction is left to
    finish either way, unless it has run for so long that its worker must have died.
    """
    stale_before = timezone.now() - datetime.timedelta(seconds=settings.EXTRACTION_STALE_AFTER_SECONDS)
    articles = Article.objects.filter(pk=article_id).exclude(
        extraction_status=WorkStatus.RUNNING, extraction_started_at__gte=stale_before
    )
    if not again:
        articles = articles.exclude(extraction_status=WorkStatus.DONE)
    updated = articles.update(extraction_status=WorkStatus.PENDING, extraction_error="", queued_at=None)
    if updated:
        _queue_extraction(article_id)
    return bool(updated)


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


SOURCE_FIELDS = ("name", "kind", "domain", "language", "aliases", "reliability", "reliability_note", "active", "notes")
DOCUMENT_FIELDS = ("url", "title", "text", "language", "published_on")
# Keys, domains and URLs are looked up in chunks: SQLite limits the parameters of one query.
LOOKUP_CHUNK = 2000
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
LANGUAGE_CODE = re.compile(r"[a-z]{2}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Aliases are written `|`-separated in CSV, so that every registry can be exported to every format.
ALIAS_SEPARATOR = "|"


class RowError(Exception):
    """Why one registry row cannot be stored; the import goes on with the other rows."""


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
        key = _row_key(row)
        try:
            key, fields = _clean_source(row)
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
            cleaned.append((number, _row_key(row), *_clean_document(row), None))
        except RowError as exc:
            cleaned.append((number, _row_key(row), None, None, str(exc)))
    source_ids = _ids_by_key(Source, {source_key for _n, _k, source_key, _f, error in cleaned if not error})
    document_counts, rows_rejected = _store_documents(cleaned, source_ids, rejected_sources, tick)
    rejected.extend(rows_rejected)
    send_on_commit(tasks.embed_documents)
    return RegistryImport(**source_counts, **document_counts, rejected=rejected)


def _rows_of(data: dict, name: str) -> list:
    rows = data.get(name) or []
    if not isinstance(rows, list):
        raise ValidationError({name: f"`{name}` must be a list."})
    return rows


def _row_key(row) -> str:
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
    try:
        validate_slug(key)
    except ValidationError:
        raise RowError(f"`key` {key!r} must be a slug: letters, digits, hyphens and underscores.") from None
    return key


def _choice(row: dict, name: str, choices) -> str:
    value = row.get(name)
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise RowError(f"`{name}` {json.dumps(value, ensure_ascii=False)[:100]} is not one of: {allowed}.")
    return value


def _language(row: dict) -> str:
    language = _text(row, "language").lower()
    if language and not LANGUAGE_CODE.fullmatch(language):
        raise RowError(f"`language` {language!r} must be a two-letter code (en, de) or empty.")
    return language


def _domain(row: dict) -> str:
    domain = _text(row, "domain").lower().removesuffix(".")
    if domain and (len(domain) > 253 or not all(HOST_LABEL.fullmatch(label) for label in domain.split("."))):
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


def _clean_source(row) -> tuple[str, dict]:
    if not isinstance(row, dict):
        raise RowError("A source must be an object of fields.")
    key = _key(row, required=True)
    fields = {"name": _text(row, "name", required=True, max_length=300)}
    if "kind" in row:
        fields["kind"] = _choice(row, "kind", SourceKind)
    if "reliability" in row:
        fields["reliability"] = _choice(row, "reliability", Reliability)
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


def _clean_document(row) -> tuple[str | None, dict]:
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
                ARTICLE_URL_VALIDATOR(url)
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
        elif any(getattr(source, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(source, name, value)
            source.updated_at = now
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
        if document is None:
            new.append(Document(**values))
        elif any(getattr(document, name) != value for name, value in values.items()):
            if document.title != fields["title"] or document.text != fields["text"]:
                text_changed.append(document.pk)
            for name, value in values.items():
                setattr(document, name, value)
            document.updated_at = now
            changed.append(document)
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
def reembed_documents(*, document_ids: list[int]) -> int:
    """Clear the embeddings of these documents and queue them to be embedded again once this commits ("embed
    again" in the admin, after a change of model, say); the number of documents cleared."""
    ids = list(Document.objects.filter(pk__in=document_ids).values_list("pk", flat=True))
    # updated_at moves too, so that an embedding computed from before cannot be written over the cleared one.
    Document.objects.filter(pk__in=ids).update(embedding=None, embedded_at=None, updated_at=timezone.now())
    if ids:
        send_on_commit(tasks.embed_documents, ids)
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
        send_on_commit(tasks.embed_documents, [document.pk])
    return queued


EMBEDDING_BATCH = 64


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


@dataclass(frozen=True)
class ProposalRun:
    created: int
    # Proposers whose outside service was down: the run is recorded as failed and retried; the others' proposals
    # are kept.
    unavailable: list[str]
    errors: list[str]


def default_proposers(claim: Claim) -> list[Proposer]:
    """The proposers that run for `claim`. The external search costs quota, so it only runs for check-worthy
    claims, and only when a key is configured."""
    proposers: list[Proposer] = [NamedSourcesProposer(), RegistryDocumentsProposer(), EarlierClaimsProposer()]
    external = FactCheckSearchProposer()
    if external.enabled and claim.is_checkworthy:
        proposers.append(external)
    return proposers


def propose_sources(*, claim_id: int, proposers: list[Proposer] | None = None, takeover: bool = False):
    """Ask every proposer for candidates and store them as proposals; the run's outcome, or None when there is
    nothing to do (the claim is gone, done, or another worker is on it).

    Safe to run again: a claim has one proposal per target, so nothing is duplicated, and a proposal a reviewer
    accepted or rejected keeps its decision (a rejected target never comes back as new). The proposers run
    outside any transaction: one may call an outside service.
    """
    stale_before = timezone.now() - datetime.timedelta(
        seconds=0 if takeover else settings.PROPOSALS_STALE_AFTER_SECONDS
    )
    if not Claim.objects.start_proposals(claim_id, stale_before=stale_before):
        return None
    claim = Claim.objects.select_related("speaker", "article").filter(pk=claim_id).first()
    if claim is None:
        return None
    candidates, unavailable, errors = [], [], []
    for proposer in default_proposers(claim) if proposers is None else proposers:
        try:
            candidates.extend(proposer.propose(claim))
        except ProposerUnavailable as exc:
            unavailable.append(str(exc))
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:
            # One broken proposer must not cost the others' results; its error is shown on the claim.
            logger.exception("proposer %s failed for claim %s", proposer.name, claim_id)
            errors.append(f"{proposer.name}: {type(exc).__name__}: {exc}"[:500])
    candidates.extend(_sources_of_documents(candidates))
    duplicate = _near_duplicate(claim, candidates)
    with transaction.atomic():
        created = _store_proposals(claim, candidates)
        if duplicate is not None:
            # A reviewer's link (or an earlier run's) is never replaced.
            Claim.objects.filter(pk=claim_id, duplicate_of__isnull=True).update(
                duplicate_of_id=duplicate, updated_at=timezone.now()
            )
        Claim.objects.filter(pk=claim_id, proposals_status=WorkStatus.RUNNING).update(
            proposals_status=WorkStatus.FAILED if unavailable or errors else WorkStatus.DONE,
            proposals_finished_at=timezone.now(),
            proposals_error="; ".join(errors + unavailable)[:2000],
        )
    return ProposalRun(created=created, unavailable=unavailable, errors=errors)


def _near_duplicate(claim: Claim, candidates: list[Candidate]) -> int | None:
    """The earlier reviewed claim to link `claim` to without asking, if one is similar enough."""
    earlier = sorted((c for c in candidates if c.earlier_claim_id is not None), key=lambda c: -c.score)
    return next((c.earlier_claim_id for c in earlier if is_auto_link(c, claim)), None)


# A document's source is worth proposing too, but below every source the claim names itself (the lowest named
# score is 0.6, a surname, in claims/proposing/named_sources.py): a source that publishes a similar text says less
# about a claim than the outlet it is attributed to or the person who said it.
SOURCE_OF_DOCUMENT_FACTOR = 0.5


def _sources_of_documents(candidates: list[Candidate]) -> list[Candidate]:
    named = {c.source_id for c in candidates if c.source_id is not None}
    documents = [c for c in candidates if c.document_id is not None]
    sources = dict(Document.objects.filter(pk__in=[c.document_id for c in documents]).values_list("pk", "source_id"))
    titles = dict(Document.objects.filter(pk__in=sources).values_list("pk", "title"))
    best: dict[int, Candidate] = {}
    for candidate in sorted(documents, key=lambda c: -c.score):
        source_id = sources.get(candidate.document_id)
        if source_id is None or source_id in named or source_id in best:
            continue
        best[source_id] = Candidate(
            candidate.method,
            round(candidate.score * SOURCE_OF_DOCUMENT_FACTOR, 4),
            f"publishes “{titles.get(candidate.document_id, '')}”",
            source_id=source_id,
        )
    return list(best.values())


def _store_proposals(claim: Claim, candidates: list[Candidate]) -> int:
    """New targets become proposals; a target still only proposed gets the newest score and reason; a target a
    reviewer decided on is left alone."""
    best: dict[tuple, Candidate] = {}
    for candidate in candidates:
        if candidate.target not in best or candidate.score > best[candidate.target].score:
            best[candidate.target] = candidate
    existing = {_proposal_target(p): p for p in claim.proposals.all()}
    new, refreshed = [], []
    for target, candidate in best.items():
        fields = {
            "method": candidate.method,
            "score": min(1.0, max(0.0, candidate.score)),
            "reason": candidate.reason[:2000],
        }
        proposal = existing.get(target)
        if proposal is None:
            new.append(
                Proposal(
                    claim=claim,
                    document_id=candidate.document_id,
                    source_id=candidate.source_id,
                    earlier_claim_id=candidate.earlier_claim_id,
                    external_url=candidate.external_url,
                    external_title=candidate.external_title,
                    external_publisher=candidate.external_publisher,
                    external_rating=candidate.external_rating,
                    **fields,
                )
            )
        elif proposal.status == ProposalStatus.PROPOSED:
            for name, value in fields.items():
                setattr(proposal, name, value)
            refreshed.append(proposal)
    Proposal.objects.bulk_create(new, ignore_conflicts=True)
    Proposal.objects.bulk_update(refreshed, ["method", "score", "reason"])
    return len(new)


def _proposal_target(proposal: Proposal) -> tuple:
    if proposal.document_id is not None:
        return ("document", proposal.document_id)
    if proposal.source_id is not None:
        return ("source", proposal.source_id)
    if proposal.earlier_claim_id is not None:
        return ("earlier_claim", proposal.earlier_claim_id)
    return ("external_url", proposal.external_url)


@transaction.atomic
def request_proposals(*, claim_id: int) -> bool:
    """ "Propose again": queue a new proposal run for a claim, unless one is running right now."""
    stale_before = timezone.now() - datetime.timedelta(seconds=settings.PROPOSALS_STALE_AFTER_SECONDS)
    updated = (
        Claim.objects.filter(pk=claim_id)
        .exclude(proposals_status=WorkStatus.RUNNING, proposals_started_at__gte=stale_before)
        .update(proposals_status=WorkStatus.PENDING, proposals_error="", proposals_queued_at=None)
    )
    if updated:
        _queue_proposals(claim_id)
    return bool(updated)


@transaction.atomic
def repropose_for_new_documents(*, limit: int = 1000) -> int:
    """Queue proposals again for open claims whose last run finished before the newest document was embedded:
    a new document may be evidence for them. Periodic (Celery beat); the number of claims queued."""
    newest = Document.objects.aggregate(newest=Max("embedded_at"))["newest"]
    if newest is None:
        return 0
    ids = list(
        Claim.objects.awaiting_review()
        .filter(proposals_status=WorkStatus.DONE, proposals_finished_at__lt=newest)
        .order_by("proposals_finished_at")
        .values_list("pk", flat=True)[:limit]
    )
    Claim.objects.filter(pk__in=ids, proposals_status=WorkStatus.DONE).update(
        proposals_status=WorkStatus.PENDING, proposals_queued_at=None
    )
    for claim_id in ids:
        _queue_proposals(claim_id)
    return len(ids)


def sweep_stranded_work(*, limit: int = 500) -> dict[str, int]:
    """Send again the work the queue lost or never got: articles and claims still pending whose task could not be
    sent (the broker was down: no `queued_at`) or was sent longer than `STRANDED_AFTER_SECONDS` ago, and runs
    whose worker died. Periodic (Celery beat); the numbers sent."""
    before = timezone.now() - datetime.timedelta(seconds=settings.STRANDED_AFTER_SECONDS)
    extraction_stale = timezone.now() - datetime.timedelta(seconds=settings.EXTRACTION_STALE_AFTER_SECONDS)
    proposals_stale = timezone.now() - datetime.timedelta(seconds=settings.PROPOSALS_STALE_AFTER_SECONDS)
    articles = Article.objects.filter(
        Q(extraction_status=WorkStatus.PENDING, queued_at__isnull=True)
        | Q(extraction_status=WorkStatus.PENDING, queued_at__lt=before)
        | Q(extraction_status=WorkStatus.RUNNING, extraction_started_at__lt=extraction_stale)
    ).order_by("pk")
    claims = Claim.objects.filter(
        Q(proposals_status=WorkStatus.PENDING, proposals_queued_at__isnull=True)
        | Q(proposals_status=WorkStatus.PENDING, proposals_queued_at__lt=before)
        | Q(proposals_status=WorkStatus.RUNNING, proposals_started_at__lt=proposals_stale),
        # Sentences in other languages are not analysed and get no proposals.
        language__in=ANALYSED_LANGUAGES,
    ).order_by("pk")
    sent = {"articles": 0, "claims": 0}
    for article_id in articles.values_list("pk", flat=True)[:limit]:
        if not send(tasks.extract_article, article_id, mark=(Article.objects.filter(pk=article_id), "queued_at")):
            return sent
        sent["articles"] += 1
    for claim_id in claims.values_list("pk", flat=True)[:limit]:
        mark = (Claim.objects.filter(pk=claim_id), "proposals_queued_at")
        if not send(tasks.propose_sources, claim_id, mark=mark):
            return sent
        sent["claims"] += 1
    if any(sent.values()):
        logger.info("sent stranded work again: %s", sent)
    return sent
