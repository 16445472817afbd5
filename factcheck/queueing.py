"""Handing work to the task queue without ever failing the request that stored it: the only code that sends tasks
(the readiness probe, factcheck/health.py, only connects). Tasks are named by their registered names
(`"claims.extract_article"`), so that services never import the task modules that call them.

When the broker (Redis) is down, the row is already committed: the request goes on, the row keeps its "pending"
status with no queued time, and the client is told processing is delayed. The periodic sweeps (Celery beat, every
`SWEEP_EVERY_SECONDS`: `claims.sweep_stranded_work` for articles, claims and documents without an embedding,
`reviews.sweep_stranded_snapshots` for evidence pages not yet kept, `api.sweep_stuck_deliveries` for webhook
deliveries) send such work again once the broker is back, and also work whose task was sent long ago but never
ran or whose worker died. The claims tasks are idempotent, so one sent twice costs a no-op; a webhook delivery
sent twice may be POSTed twice, so receivers de-duplicate by its id.

Tasks run in process when `CELERY_TASK_ALWAYS_EAGER` is set (no broker configured, and the tests): sending goes
through the registered task's `apply_async`, which honours that setting, where `app.send_task` would not. With
`TASKS_IN_THREAD` as well (the demo server), they run on one background thread of the process, in the order sent,
so that the request that stored the work returns before the work is done.
"""

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from factcheck.celery import app

logger = logging.getLogger(__name__)


def task(name: str):
    """The task registered as `name`. The task modules are imported on first use (a worker imports them when it
    starts; a web process when it first sends), since nothing else imports them; an unknown name is a KeyError."""
    if name not in app.tasks:
        app.autodiscover_tasks(force=True)
    return app.tasks[name]


_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tasks")
_last_sent: Future | None = None


def _run_in_thread(registered, args) -> None:
    close_old_connections()
    try:
        registered.apply(args=args)
    finally:
        # The thread's own connection: closed after each task, as a worker's would be.
        connections.close_all()


def wait_for_background_tasks(timeout: float | None = None) -> None:
    """Return once every task sent to the background thread so far, and every task those sent, has run."""
    while _last_sent is not None and not _last_sent.done():
        _last_sent.result(timeout=timeout)


def send(name: str, *args, mark=None) -> bool:
    """Send the task `name` with `args` now; on success stamp the time on `mark`, a (queryset, field name) pair,
    e.g. the article's `queued_at`. False when the broker could not be reached: the work waits for a sweep."""
    global _last_sent
    registered = task(name)
    try:
        if settings.TASKS_IN_THREAD and app.conf.task_always_eager:
            _last_sent = _background.submit(_run_in_thread, registered, args)
        else:
            registered.apply_async(args=args)
    except Exception as exc:
        # Any failure to publish (connection refused, timeout, DNS) leaves the stored row for the sweeper. One line
        # with the reason: a command's reader and the log need no traceback for a broker that is down.
        logger.warning("could not queue %s%r (%s); the sweeper will send it again", name, args, exc)
        return False
    if mark is not None:
        queryset, field = mark
        queryset.update(**{field: timezone.now()})
    return True


def send_on_commit(name: str, *args, mark=None) -> None:
    """`send` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send(name, *args, mark=mark))


def queue(name: str, *args, mark=None, now: bool = False) -> bool:
    """`send_on_commit`, or with `now` `send` at once (a sweeper, which stops when the broker is down: False)."""
    if now:
        return send(name, *args, mark=mark)
    send_on_commit(name, *args, mark=mark)
    return True
