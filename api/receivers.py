"""What the API does when a claim changes: queue the webhook deliveries (connected in ApiConfig.ready)."""

import logging

from api import services

logger = logging.getLogger(__name__)


def queue_webhooks(sender, event, **kwargs) -> None:
    # The signal is sent after the change committed: queue_deliveries writes in transactions of its own. Failing to
    # queue must not turn the reviewer's finished action into an error page; it is logged for the admins.
    try:
        services.queue_deliveries(event_id=event.pk)
    except Exception:
        logger.exception("queueing webhooks for claim event %s failed", event.pk)
