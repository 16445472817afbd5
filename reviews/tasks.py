"""Background work of the review. Tasks take ids, re-fetch, and leave the work itself to services."""

from celery import shared_task
from django.db import OperationalError

from reviews import snapshots


@shared_task(
    name="reviews.snapshot_evidence",
    # Taking a snapshot claims it by a conditional UPDATE, and a taken one is left alone: safe to run twice.
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    # One fetch within the FETCH_* limits (30 s by default), and reading the page's text.
    soft_time_limit=120,
    time_limit=150,
)
def snapshot_evidence(snapshot_id: int) -> None:
    snapshots.take_snapshot(snapshot_id=snapshot_id)


@shared_task(name="reviews.sweep_stranded_snapshots", soft_time_limit=60, time_limit=90)
def sweep_stranded_snapshots() -> int:
    return snapshots.sweep_stranded_snapshots()
