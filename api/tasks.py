"""Background work of the API: webhook deliveries. Tasks take ids and leave the work to api.services."""

from celery import shared_task

from api import services


@shared_task(
    name="api.deliver_webhook",
    bind=True,
    # Idempotent enough to run again: a delivery that succeeded is not sent twice by us, and receivers are told to
    # de-duplicate on the delivery id header, since a worker may die after the receiver answered.
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    soft_time_limit=60,
    time_limit=services.DELIVERY_TIME_LIMIT,
)
def deliver_webhook(self, delivery_id: int) -> str | None:
    try:
        delivery = services.deliver(delivery_id=delivery_id)
    except services.DeliveryFailed as exc:
        # In process (eager) the retry runs at once.
        raise self.retry(exc=exc, countdown=exc.retry_in) from None
    return delivery.status if delivery else None


@shared_task(name="api.sweep_stuck_deliveries")
def sweep_stuck_deliveries() -> int:
    return services.sweep_stuck_deliveries()
