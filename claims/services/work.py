"""Periodic work (Celery beat): proposals again when new documents arrive, and the sweeper that sends again the
work the queue lost or never got."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from claims.analysis.language import ANALYSED_LANGUAGES
from claims.models import Article, Claim, Document, WorkStatus
from claims.services.extraction import queue_extraction
from claims.services.proposals import queue_proposals
from claims.services.registry import queue_embedding

logger = logging.getLogger(__name__)


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
        queue_proposals(claim_id)
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
        if not queue_extraction(article_id, now=True):
            return sent
        sent["articles"] += 1
    for claim_id in claims.values_list("pk", flat=True)[:limit]:
        if not queue_proposals(claim_id, now=True):
            return sent
        sent["claims"] += 1
    if any(sent.values()):
        logger.info("sent stranded work again: %s", sent)
    return sent


def sweep_unembedded_documents() -> bool:
    """Send the embedding again for documents stored or changed longer than `STRANDED_AFTER_SECONDS` ago that still
    have none (the broker was down when they were saved, or the worker died): one task embeds them all. Whether it
    was sent; periodic, with `sweep_stranded_work`."""
    before = timezone.now() - datetime.timedelta(seconds=settings.STRANDED_AFTER_SECONDS)
    if not Document.objects.filter(embedding__isnull=True, updated_at__lt=before).exists():
        return False
    sent = queue_embedding(now=True)
    if sent:
        logger.info("sent the embedding of documents without one again")
    return sent
