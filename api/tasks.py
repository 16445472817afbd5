"""Background work of the API: webhook deliveries. Tasks take ids and leave the work to api.services."""

from celery import shared_task
from django.conf import settings


@shared_task(
    name="api.deliver_webhook",
    bind=True,
    # Idempotent enough to run again: a delivery that succeeded is not sent twice by us, and receivers are told to
    # de-duplicate on the delivery id header, since a worker may die after the receiver answered.
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    soft_time_limit=60,
    time_limit=90,
)
def deliver_webhook(self, delivery_id: int) -> str | None:
    from api import services

    final = self.request.retries >= settings.WEBHOOK_MAX_RETRIES
    try:
        delivery = services.deliver(delivery_id=delivery_id, final_attempt=final)
    except services.DeliveryFailed as exc:
        # Backoff: 10 s, 20 s, 40 s, ... at most an hour; in process (eager) the retry runs at once.
        countdown = min(3600, settings.WEBHOOK_RETRY_BACKOFF * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from None
    return delivery.status if delivery else None
