"""Extraction: an article's sentences become claims, with speakers, outlets, scores and entities; a failed or
stranded extraction is queued again."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.analysis.attribution import PRONOUNS
from claims.analysis.embeddings import vector_bytes
from claims.analysis.pipeline import ArticleAnalysis, analyse_article
from claims.models import Article, Claim, ClaimRole, Source, Speaker, WorkStatus
from claims.models.speakers import SpeakerKind
from claims.services.proposals import queue_proposals
from factcheck.queueing import queue

logger = logging.getLogger(__name__)

EXTRACT_TASK = "claims.extract_article"


def queue_extraction(article_id: int, *, now: bool = False) -> bool:
    """Send the article's extraction task once the current transaction commits, or with `now` at once (the sweeper:
    False when the broker is down). Its `queued_at` records that the queue took it."""
    return queue(EXTRACT_TASK, article_id, mark=(Article.objects.filter(pk=article_id), "queued_at"), now=now)


def extract_claims(*, article_id: int, takeover: bool = False) -> int | None:
    """Analyse an article and store one claim per sentence; the article's number of claims.

    Returns None when there is nothing to do: the article is gone, done, or another worker is on it. Safe to run
    again: a sentence is one claim (unique span); claims nobody has touched yet are brought up to date with the
    new analysis, and claims a reviewer has touched are kept exactly as they are (a sentence inside one, merged
    into it, is not made a claim again). `takeover` lets a redelivered
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
            queue_proposals(claim_id)
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
    # The passages of claims a person worked on: merging sentences, or adding a passage by hand, made them one claim.
    worked_on = [(claim.start, claim.end) for claim in existing.values() if claim.pk not in untouched]
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
            # A sentence inside such a claim is part of it, not a claim again (a sentence merged into its neighbour).
            if not any(start <= sentence.start and sentence.end <= end for start, end in worked_on):
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
        queue_extraction(article_id)
    return bool(updated)
