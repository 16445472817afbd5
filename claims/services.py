"""Writes of the claims app. Views, API views, tasks and commands parse their input and call one of these."""

import datetime
import logging
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from claims import fetching, tasks
from claims.analysis.attribution import PRONOUNS
from claims.analysis.documents import InputError, ParsedText, content_hash, decode, parse_plain_text
from claims.analysis.embeddings import embed_passages, vector_bytes
from claims.analysis.html import decode_charset, parse_html
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
from claims.proposing.base import Candidate, Proposer, ProposerUnavailable
from claims.proposing.factcheck_search import FactCheckSearchProposer
from claims.proposing.named_sources import NamedSourcesProposer

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
            return parse_html(content, encoding=encoding or None)
        if isinstance(content, bytes):
            content = decode_charset(content, encoding) if encoding else decode(content)
        return parse_plain_text(content)
    except InputError as exc:
        raise ValidationError({"content": str(exc)}) from None


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
        tasks.extract_article.delay_on_commit(article.pk)
    return IngestResult(article=article, created=created)


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
            tasks.propose_sources.delay_on_commit(claim_id)
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
    existing = {(claim.start, claim.end): claim for claim in article.claims.all()}
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
            for name, value in fields.items():
                setattr(claim, name, value)
            changed.append(claim)
    # A sentence the new analysis no longer finds goes, unless a reviewer has already worked on its claim.
    Claim.objects.filter(pk__in=[claim.pk for claim in existing.values() if claim.pk in untouched]).delete()
    Claim.objects.bulk_create(new, ignore_conflicts=True)
    Claim.objects.bulk_update(changed, ANALYSIS_FIELDS)


def _speakers_for(analysis: ArticleAnalysis) -> dict[str, Speaker]:
    """Speaker rows for the article's speakers, each learning the short names this article uses for them."""
    mentions: dict[str, set[str]] = {}
    for sentence in analysis.sentences:
        attribution = sentence.attribution
        if attribution.speaker:
            aliases = mentions.setdefault(attribution.speaker, set())
            if attribution.speaker_mention and attribution.speaker_mention.lower() not in PRONOUNS:
                aliases.add(attribution.speaker_mention)
    speakers = {}
    for name, aliases in mentions.items():
        speaker, _created = Speaker.objects.get_or_create(name=name[:300])
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
    updated = articles.update(extraction_status=WorkStatus.PENDING, extraction_error="")
    if updated:
        tasks.extract_article.delay_on_commit(article_id)
    return bool(updated)


@dataclass(frozen=True)
class RegistryImport:
    sources: int
    documents: int


SOURCE_FIELDS = ("name", "kind", "domain", "language", "aliases", "reliability", "reliability_note", "active", "notes")
DOCUMENT_FIELDS = ("url", "title", "text", "language", "published_on")


@transaction.atomic
def import_registry(*, data: dict) -> RegistryImport:
    """Create or update sources and documents by key, from the registry format (`sources`, `documents`).

    All or nothing: a row that does not fit raises ValidationError naming it, and nothing is stored.
    """
    sources = {}
    for index, row in enumerate(data.get("sources", [])):
        key = row.get("key")
        if not key or not row.get("name"):
            raise ValidationError({"sources": f"Source {index + 1} needs a key and a name."})
        defaults = {field: row[field] for field in SOURCE_FIELDS if field in row}
        sources[key], _created = Source.objects.update_or_create(key=key, defaults=defaults)
    documents = 0
    for index, row in enumerate(data.get("documents", [])):
        source = sources.get(row.get("source")) or Source.objects.filter(key=row.get("source")).first()
        if source is None or not row.get("title") or not row.get("text"):
            raise ValidationError({"documents": f"Document {index + 1} needs a known source key, a title and a text."})
        defaults = {"source": source, **{field: row[field] for field in DOCUMENT_FIELDS if field in row}}
        if row.get("key"):
            Document.objects.update_or_create(key=row["key"], defaults=defaults)
        else:
            Document.objects.update_or_create(source=source, url=row.get("url", ""), defaults=defaults)
        documents += 1
    tasks.embed_documents.delay_on_commit()
    return RegistryImport(sources=len(sources), documents=documents)


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
    proposers: list[Proposer] = [NamedSourcesProposer()]
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
    with transaction.atomic():
        created = _store_proposals(claim, candidates)
        Claim.objects.filter(pk=claim_id, proposals_status=WorkStatus.RUNNING).update(
            proposals_status=WorkStatus.FAILED if unavailable or errors else WorkStatus.DONE,
            proposals_finished_at=timezone.now(),
            proposals_error="; ".join(errors + unavailable)[:2000],
        )
    return ProposalRun(created=created, unavailable=unavailable, errors=errors)


# A document's source is worth proposing too, a little below the document that brought it up.
SOURCE_OF_DOCUMENT_FACTOR = 0.9


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
        .update(proposals_status=WorkStatus.PENDING, proposals_error="")
    )
    if updated:
        tasks.propose_sources.delay_on_commit(claim_id)
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
    Claim.objects.filter(pk__in=ids, proposals_status=WorkStatus.DONE).update(proposals_status=WorkStatus.PENDING)
    for claim_id in ids:
        tasks.propose_sources.delay_on_commit(claim_id)
    return len(ids)
