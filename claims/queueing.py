"""Handing work to the task queue without ever failing the request that stored it.

When the broker (Redis) is down, the row is already committed: the request goes on, the row keeps its "pending"
status with no `queued_at`, and the client is told processing is delayed. `sweep_stranded_work` (Celery beat,
every `SWEEP_EVERY_SECONDS`) sends such rows again once the broker is back, and also rows whose task was sent long
ago but never started or whose worker died: every task is idempotent, so sending one twice costs a no-op.
"""

import logging

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def send(task, *args, mark=None) -> bool:
    """Send `task(*args)` now; on success stamp the time on `mark`, a (queryset, field name) pair, e.g. the
    article's `queued_at`. False when the broker could not be reached: the work waits for the sweeper."""
    try:
        task.apply_async(args=args)
    except Exception:
        # Any failure to publish (connection refused, timeout, DNS) leaves the stored row for the sweeper.
        logger.warning("could not queue %s%r; the sweeper will send it again", task.name, args, exc_info=True)
        return False
    if mark is not None:
        queryset, field = mark
        queryset.update(**{field: timezone.now()})
    return True


def send_on_commit(task, *args, mark=None) -> None:
    """`send` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send(task, *args, mark=mark))
