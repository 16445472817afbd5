"""Probes for a load balancer or an orchestrator.

`/healthz` answers while the process can serve a request at all (liveness: restart it when this fails); it touches
nothing outside the process. `/readyz` answers 200 only when the database and, when one is configured, the Celery
broker can be reached (readiness: send no traffic while it fails), and names what failed. The broker is given
BROKER_TIMEOUT_SECONDS; PostgreSQL its connect timeout (DB_CONNECT_TIMEOUT, settings.py); SQLite is a local file.
"""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)
# Seconds a probe waits for the broker; probes run every few seconds and must not pile up.
BROKER_TIMEOUT_SECONDS = 2
# Without CELERY_BROKER_URL, tasks run in the web process and the settings name an in-memory transport.
IN_PROCESS_TRANSPORTS = {"memory"}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    checks = {"database": _database(), "broker": _broker()}
    ready = all(result in {"ok", "not configured"} for result in checks.values())
    return JsonResponse(checks, status=200 if ready else 503)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ready"; the probe itself must never be a 500
        logger.warning("readiness: database unavailable: %s", exc)
        return f"unavailable ({type(exc).__name__})"
    return "ok"


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url or url.split("://", 1)[0] in IN_PROCESS_TRANSPORTS:
        return "not configured"
    broker = Connection(
        url,
        connect_timeout=BROKER_TIMEOUT_SECONDS,
        transport_options={"socket_connect_timeout": BROKER_TIMEOUT_SECONDS, "socket_timeout": BROKER_TIMEOUT_SECONDS},
    )
    try:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
        # Redis connects lazily: ask it something, so that "ok" means it answered.
        if broker.transport.driver_type == "redis":
            broker.default_channel.client.ping()
    except Exception as exc:  # any failure means "not ready"
        logger.warning("readiness: broker unavailable: %s", exc)
        return f"unavailable ({type(exc).__name__})"
    finally:
        broker.release()
    return "ok"


# Included by factcheck/urls.py at the root: the probes' paths are what load balancers are configured with.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
