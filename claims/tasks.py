"""Background work of the claims app. Tasks take ids, re-fetch, and leave the work itself to services."""

from celery import shared_task
from django.db import OperationalError

from claims.services import extraction, feeds, proposals, registry, work

# Every task here is idempotent, so one whose worker died is handed out again (acks late) and may safely run twice;
# the database going away is worth retrying with backoff, while a bug is recorded on the row the task works on.
IDEMPOTENT = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
}


def redelivered(task) -> bool:
    """Whether the broker handed this task out again (its previous worker died): the run may be taken over."""
    return bool((task.request.delivery_info or {}).get("redelivered"))


@shared_task(
    name="claims.extract_article",
    bind=True,
    # One claim per sentence span.
    **IDEMPOTENT,
    retry_backoff_max=300,
    max_retries=6,
    # The longest article accepted (ARTICLE_MAX_CHARACTERS) takes about 90 s on one core.
    soft_time_limit=300,
    time_limit=360,
)
def extract_article(self, article_id: int) -> int | None:
    return extraction.extract_claims(article_id=article_id, takeover=redelivered(self))


@shared_task(
    name="claims.embed_documents",
    # Only documents without an embedding are written.
    **IDEMPOTENT,
    retry_backoff_max=300,
    max_retries=6,
    soft_time_limit=600,
    time_limit=660,
)
def embed_documents(document_ids: list[int] | None = None) -> int:
    return registry.embed_documents(document_ids=document_ids)


@shared_task(
    name="claims.propose_sources",
    bind=True,
    # One proposal per claim and target.
    **IDEMPOTENT,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def propose_sources(self, claim_id: int) -> int | None:
    run = proposals.propose_sources(claim_id=claim_id, takeover=redelivered(self))
    if run is None:
        return None
    if run.unavailable and self.request.retries < self.max_retries and not self.request.is_eager:
        # An outside service was down: the run is marked failed (its error visible), the other proposers' results
        # are stored, and the whole run is tried again later. Running again duplicates nothing. Tasks run in
        # process (no broker) are not retried: the web request that ran them must not wait; "propose again" does.
        raise self.retry(countdown=min(600, 30 * 2**self.request.retries))
    return run.created


@shared_task(name="claims.repropose_for_new_documents")
def repropose_for_new_documents() -> int:
    return work.repropose_for_new_documents()


@shared_task(name="claims.sweep_stranded_work")
def sweep_stranded_work() -> dict:
    sent = work.sweep_stranded_work()
    return {**sent, "documents": work.sweep_unembedded_documents()}


@shared_task(name="claims.poll_due_feeds")
def poll_due_feeds() -> int:
    return feeds.poll_due_feeds()


@shared_task(
    name="claims.poll_feed",
    # An item stored once is not stored again (its canonical URL, its content hash).
    **IDEMPOTENT,
    retry_backoff_max=300,
    max_retries=3,
    # A feed and FEED_MAX_ITEMS_PER_POLL pages, each within FETCH_TIMEOUT_SECONDS; inside the feed's claim
    # (claims.services.feeds.POLL_LEASE_SECONDS).
    soft_time_limit=600,
    time_limit=660,
)
def poll_feed(feed_id: int) -> int | None:
    result = feeds.poll_feed(feed_id=feed_id)
    return None if result is None else result.created
