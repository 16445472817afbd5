"""Background work of the claims app. Tasks take ids, re-fetch, and leave the work itself to services."""

from celery import shared_task
from django.db import OperationalError

from claims import services


@shared_task(
    name="claims.extract_article",
    bind=True,
    # Idempotent (one claim per sentence span), so a task whose worker died may safely run again.
    acks_late=True,
    reject_on_worker_lost=True,
    # The database going away is worth retrying; a bug in the analysis is recorded on the article instead.
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=6,
    soft_time_limit=120,
    time_limit=180,
)
def extract_article(self, article_id: int) -> int | None:
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return services.extract_claims(article_id=article_id, takeover=redelivered)


@shared_task(
    name="claims.embed_documents",
    # Idempotent: only documents without an embedding are written.
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=6,
    soft_time_limit=600,
    time_limit=660,
)
def embed_documents(document_ids: list[int] | None = None) -> int:
    return services.embed_documents(document_ids=document_ids)
