"""Snapshots of evidence pages: when evidence with a web address is recorded, its page is fetched in the background
(`reviews.snapshot_evidence`) through the article fetcher's address checks and limits (claims/fetching.py), and
its text is kept with a SHA-256 hash, the time, the address it was found at in the end and the HTTP status. A page
that cannot or must not be fetched leaves a failed snapshot with the reason; the evidence stays as it is.

The fetch runs outside any transaction: a slow server must not hold database locks. Snapshots the queue lost are
sent again by `reviews.sweep_stranded_snapshots` (Celery beat, beside the claims' sweep).
"""

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.analysis.documents import InputError, decode
from claims.analysis.html import decode_charset, decode_html, parse_html
from claims.fetching import FetchError, fetch
from claims.models import FetchAllowedHost, WorkStatus
from factcheck import queueing
from reviews.models import Evidence, EvidenceSnapshot

TASK = "reviews.snapshot_evidence"


def request_snapshot(*, evidence: Evidence) -> EvidenceSnapshot | None:
    """A pending snapshot of the evidence's page, sent to the queue when the transaction commits (None: the evidence
    has no web address, or has its snapshot already)."""
    if not evidence.url:
        return None
    snapshot, created = EvidenceSnapshot.objects.get_or_create(evidence=evidence, defaults={"url": evidence.url})
    if created:
        _queue(snapshot.pk)
    return snapshot


def _queue(snapshot_id: int, *, now: bool = False) -> bool:
    return queueing.queue(
        TASK, snapshot_id, mark=(EvidenceSnapshot.objects.filter(pk=snapshot_id), "queued_at"), now=now
    )


def _stale_before() -> datetime.datetime:
    # A fetch takes FETCH_TIMEOUT_SECONDS at most; a run this much older lost its worker.
    return timezone.now() - datetime.timedelta(seconds=settings.FETCH_TIMEOUT_SECONDS * 4)


def sweep_stranded_snapshots(*, limit: int = 500) -> int:
    """Send again the snapshots the queue lost or never got: pending ones whose task could not be sent (the broker
    was down: no `queued_at`) or was sent longer than `STRANDED_AFTER_SECONDS` ago, and runs whose worker died.
    Periodic (Celery beat); the number sent, stopping at the first that cannot be sent."""
    before = timezone.now() - datetime.timedelta(seconds=settings.STRANDED_AFTER_SECONDS)
    stranded = EvidenceSnapshot.objects.filter(
        Q(status=WorkStatus.PENDING, queued_at__isnull=True)
        | Q(status=WorkStatus.PENDING, queued_at__lt=before)
        | Q(status=WorkStatus.RUNNING, started_at__lt=_stale_before())
    ).order_by("pk")
    sent = 0
    for snapshot_id in stranded.values_list("pk", flat=True)[:limit]:
        if not _queue(snapshot_id, now=True):
            break
        sent += 1
    return sent


def _start(snapshot_id: int) -> EvidenceSnapshot | None:
    """Claim the work by a conditional UPDATE: a pending snapshot, or one whose run went stale (its worker died).
    None when it is done, failed, gone or being fetched by another worker right now."""
    claimed = (
        EvidenceSnapshot.objects.filter(pk=snapshot_id)
        .filter(Q(status=WorkStatus.PENDING) | Q(status=WorkStatus.RUNNING, started_at__lt=_stale_before()))
        .update(status=WorkStatus.RUNNING, started_at=timezone.now())
    )
    return EvidenceSnapshot.objects.filter(pk=snapshot_id).first() if claimed else None


def page_text(content: bytes, *, html: bool, charset: str) -> str:
    """What a reader sees of the page: an HTML page's main text (as articles are read), a text page as it is. NUL
    characters, which no database column holds, are dropped."""
    if html:
        try:
            text = parse_html(content, encoding=charset or None).text
        except InputError:
            # No article text to be found (a page of links, a form): keep the page's markup decoded, which still
            # records what it said.
            text = decode_html(content, charset or None)
    else:
        text = decode_charset(content, charset) if charset else decode(content)
    return text.replace("\x00", "")


def take_snapshot(*, snapshot_id: int) -> EvidenceSnapshot | None:
    """Fetch the snapshot's page and store what it shows, or why it could not be fetched. Idempotent: a snapshot
    already taken (or failed) is left alone."""
    snapshot = _start(snapshot_id)
    if snapshot is None:
        return None
    fields: dict = {"fetched_at": timezone.now()}
    try:
        page = fetch(snapshot.url, allowed_hosts=FetchAllowedHost.objects.hosts())
        text = page_text(page.content, html=page.is_html, charset=page.charset)
    except (FetchError, InputError) as exc:
        fields.update(status=WorkStatus.FAILED, error=str(exc), http_status=getattr(exc, "status", None))
    else:
        fields.update(
            status=WorkStatus.DONE,
            error="",
            final_url=page.url[:2000],
            http_status=page.status,
            text=text,
            sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        )
    with transaction.atomic():
        EvidenceSnapshot.objects.filter(pk=snapshot.pk, status=WorkStatus.RUNNING).update(**fields)
    return EvidenceSnapshot.objects.filter(pk=snapshot.pk).first()
