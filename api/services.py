"""Writes of the API app: issuing keys, noting their use, and queueing, sending and sweeping webhook deliveries."""

import datetime
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass

import urllib3
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from api.models import ApiKey, DeliveryStatus, EventType, Webhook, WebhookDelivery, hash_secret
from claims import fetching
from factcheck.queueing import send, send_on_commit
from reviews.models import ClaimEvent, EventKind
from reviews.workflow import TRANSITIONS

logger = logging.getLogger(__name__)

KEY_PREFIX = "fc"


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    # The whole key, to show once: only its hash is stored.
    key: str


@transaction.atomic
def issue_api_key(
    *, name: str, scope: str, user, expires_at: datetime.datetime | None = None, api_key: ApiKey | None = None
) -> IssuedKey:
    """Make a key acting as `user` with `scope`. `api_key` is an unsaved row to fill (the admin's form)."""
    api_key = api_key or ApiKey()
    api_key.name, api_key.scope, api_key.user, api_key.expires_at = name, scope, user, expires_at
    secret = secrets.token_urlsafe(32)
    for _attempt in range(5):
        api_key.prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=api_key.prefix).exists():
            break
    api_key.secret_hash = hash_secret(secret)
    api_key.save()
    return IssuedKey(api_key=api_key, key=f"{KEY_PREFIX}_{api_key.prefix}_{secret}")


def find_api_key(key: str) -> ApiKey | None:
    """The row a presented key belongs to, revoked and expired ones included (the caller says why it refuses);
    None when the key is malformed or its secret is wrong."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    api_key = ApiKey.objects.select_related("user").filter(prefix=parts[1]).first()
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, hash_secret(parts[2])):
        return None
    return api_key


# last_used_at is a hint for admins, not an audit: written at most once a minute per key, so that polling clients
# do not turn every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def note_key_use(*, api_key: ApiKey) -> None:
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


@transaction.atomic
def revoke_api_keys(*, key_ids: list[int]) -> int:
    return ApiKey.objects.filter(pk__in=key_ids, revoked_at__isnull=True).update(revoked_at=timezone.now())


# The webhook event type of the history rows webhooks announce; a transition's is in its row of the workflow's table.
ANNOUNCED_KINDS = {EventKind.ADDED: EventType.CLAIM_CREATED}


def event_type_of(event: ClaimEvent) -> str | None:
    """The webhook event type of a claim's history row, or None for changes webhooks do not announce."""
    if event.kind == EventKind.TRANSITION:
        transition = TRANSITIONS.get((event.data or {}).get("action"))
        return EventType(transition.announced_as) if transition else EventType.STATE_CHANGED
    return ANNOUNCED_KINDS.get(event.kind)


def event_body(event: ClaimEvent, event_type: str) -> str:
    claim = event.claim
    payload = {
        "id": f"event-{event.pk}",
        "type": event_type,
        "created_at": event.created_at,
        "claim": {
            "id": claim.pk,
            "status": claim.status.value,
            "state": claim.state,
            "verdict": claim.verdict if claim.state == "approved" else None,
            "version": claim.version,
            "article": claim.article_id,
            "url": f"{settings.API_PUBLIC_URL.rstrip('/')}/api/v1/claims/{claim.pk}/",
        },
        "change": {
            "from_state": event.from_state or None,
            "to_state": event.to_state or None,
            "verdict": event.verdict or None,
            "action": (event.data or {}).get("action"),
        },
    }
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


DELIVER_TASK = "api.deliver_webhook"


def queue_deliveries(*, event_id: int) -> list[int]:
    """One delivery per active webhook that wants this event, sent by a task once stored; the ids queued.

    Hearing the same event twice queues nothing new (one delivery per webhook and event). A delivery the queue
    did not take (the broker was down) stays pending for `sweep_stuck_deliveries`."""
    event = ClaimEvent.objects.select_related("claim").filter(pk=event_id).first()
    event_type = event and event_type_of(event)
    if not event_type:
        return []
    webhooks = [webhook for webhook in Webhook.objects.filter(active=True) if webhook.wants(event_type)]
    if not webhooks:
        return []
    body = event_body(event, event_type)
    queued = []
    for webhook in webhooks:
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    webhook=webhook, event=event, event_type=event_type, body=body
                )
                send_on_commit(DELIVER_TASK, delivery.pk, mark=_queued(delivery.pk))
        except IntegrityError:
            continue
        queued.append(delivery.pk)
    return queued


def _queued(delivery_id: int):
    """The mark `factcheck.queueing.send` stamps once the queue took a delivery's task."""
    return WebhookDelivery.objects.filter(pk=delivery_id), "queued_at"


SIGNATURE_HEADER = "X-Factcheck-Signature"
TIMESTAMP_HEADER = "X-Factcheck-Timestamp"
EVENT_HEADER = "X-Factcheck-Event"
DELIVERY_HEADER = "X-Factcheck-Delivery"


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of `timestamp.body` under the webhook's secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class DeliveryFailed(Exception):
    """The receiver could not be reached or did not answer 2xx; the task tries again in `retry_in` seconds."""

    def __init__(self, error: str, *, retry_in: int):
        super().__init__(error)
        self.retry_in = retry_in


# The delivery task's hard time limit (api/tasks.py), in seconds.
DELIVERY_TIME_LIMIT = 90


def longest_retry_delay() -> int:
    """The longest a retry may wait in the queue. Redis hands a message out again when the worker that reserved it
    has not acknowledged it within the visibility timeout; a retry's message is reserved while it waits for its
    countdown and, the task being acks_late, acknowledged only after it ran. So the countdown and the run together
    stay well inside the timeout (half of what the run leaves), or the retry would run twice."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return max(1, (visibility - DELIVERY_TIME_LIMIT) // 2)


def retry_delay(attempts: int) -> int:
    """Seconds to wait after a delivery's `attempts`th failed attempt: 10 s, 20 s, 40 s, ..., doubling up to
    `longest_retry_delay()` (405 s with the default visibility timeout of 900 s)."""
    return min(longest_retry_delay(), settings.WEBHOOK_RETRY_BACKOFF * 2 ** max(0, attempts - 1))


class ReceiverRefused(Exception):
    """A webhook's URL that deliveries never go to: not http(s), or a host with a private, loopback, link-local or
    otherwise non-public address (the article fetcher's rules, claims/fetching.py)."""


def receiver_addresses(url: str) -> tuple[fetching.Target, list[str]]:
    """Where a webhook's URL leads and the addresses its host resolves to, looked up once: a delivery connects to
    one of these, so that a DNS answer changed after the check (rebinding) cannot send it elsewhere. Every address
    must be public unless the host is named in WEBHOOK_ALLOWED_HOSTS (a receiver on the private network, or the
    tests' local one). ReceiverRefused says why not; a FetchError that the name did not resolve (it may later)."""
    try:
        target = fetching.parse_target(url)
    except fetching.FetchError as exc:
        raise ReceiverRefused(str(exc)) from None
    addresses = fetching.resolve(target)
    allowed = {fetching.normalise_host(host) for host in settings.WEBHOOK_ALLOWED_HOSTS}
    reason = None if target.host in allowed else fetching.refused(target, addresses)
    if reason:
        raise ReceiverRefused(f"{reason}; webhooks are not delivered there (WEBHOOK_ALLOWED_HOSTS names exceptions).")
    return target, addresses


def _post(target: fetching.Target, addresses: list[str], *, body: bytes, headers: dict) -> int:
    """POST to the first of the checked addresses that takes the connection; the status code it answered."""
    failure: Exception = fetching.FetchError(f"{target.host} has no address to connect to.")
    for address in addresses:
        pool = fetching.connection_pool(
            target,
            address,
            timeout=urllib3.Timeout(connect=settings.WEBHOOK_CONNECT_TIMEOUT, read=settings.WEBHOOK_TIMEOUT),
            retries=False,
            maxsize=1,
        )
        try:
            response = pool.urlopen(
                "POST",
                target.request_uri,
                body=body,
                headers={**headers, "Host": target.host_header},
                redirect=False,
                assert_same_host=False,
                preload_content=False,
            )
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError) as exc:
            pool.close()
            failure = exc
            continue
        except BaseException:
            pool.close()
            raise
        try:
            response.drain_conn()
            return response.status
        finally:
            response.release_conn()
            pool.close()
    raise failure


def deliver(*, delivery_id: int) -> WebhookDelivery | None:
    """Send one delivery and record the attempt. Raises DeliveryFailed when it should be tried again; the attempt
    after `WEBHOOK_MAX_RETRIES` retries is the final one, and marks the delivery failed instead. The count is the
    delivery's own (`attempts`), so a delivery sent again by the sweep goes on counting. A delivery that already
    succeeded is not sent again."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED):
        return delivery
    final_attempt = delivery.attempts >= settings.WEBHOOK_MAX_RETRIES
    body = delivery.body.encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "factcheck-webhooks/1",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret=delivery.webhook.secret, timestamp=timestamp, body=body),
        EVENT_HEADER: delivery.event_type,
        DELIVERY_HEADER: str(delivery.pk),
    }
    # Outside any transaction: a slow receiver must not hold database locks.
    code, error = None, ""
    try:
        target, addresses = receiver_addresses(delivery.webhook.url)
        code = _post(target, addresses, body=body, headers=headers)
        if not 200 <= code < 300:
            error = f"The receiver answered HTTP {code}."
    except ReceiverRefused as exc:
        # It will not get better by waiting: recorded as failed with the reason, never tried again.
        error, final_attempt = str(exc), True
    except (fetching.FetchError, urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
    now = timezone.now()
    if not error:
        status = DeliveryStatus.SUCCEEDED
    else:
        status = DeliveryStatus.FAILED if final_attempt else DeliveryStatus.RETRYING
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=F("attempts") + 1,
        response_code=code,
        last_error=error,
        last_attempt_at=now,
        delivered_at=now if not error else None,
    )
    logger.info("webhook delivery=%s status=%s code=%s", delivery.pk, status, code)
    if error and not final_attempt:
        raise DeliveryFailed(error, retry_in=retry_delay(delivery.attempts + 1))
    delivery.refresh_from_db()
    return delivery


def sweep_stuck_deliveries(*, limit: int = 500) -> int:
    """Send again the deliveries the queue lost or never got: pending ones the queue never took (the broker was
    down: no `queued_at`) at once, pending ones queued `STRANDED_AFTER_SECONDS` ago and never attempted (the
    message was lost), and retrying ones whose next attempt is that long overdue (the retry was lost with its
    worker). Periodic (Celery beat, next to the claims app's sweep); the number sent. Sending one that is merely
    slow costs nothing: a succeeded delivery is not sent again, and receivers de-duplicate on the delivery id."""
    now = timezone.now()
    stranded = datetime.timedelta(seconds=settings.STRANDED_AFTER_SECONDS)
    never_attempted = WebhookDelivery.objects.filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - stranded), status=DeliveryStatus.PENDING
    )
    due = list(never_attempted.order_by("pk").values_list("pk", flat=True)[:limit])
    retrying = WebhookDelivery.objects.filter(status=DeliveryStatus.RETRYING, last_attempt_at__lt=now - stranded)
    for delivery_id, attempts, last_attempt_at in retrying.order_by("last_attempt_at").values_list(
        "pk", "attempts", "last_attempt_at"
    )[:limit]:
        if last_attempt_at + datetime.timedelta(seconds=retry_delay(attempts)) + stranded < now:
            due.append(delivery_id)
    sent = 0
    for delivery_id in due:
        if not send(DELIVER_TASK, delivery_id, mark=_queued(delivery_id)):
            break
        sent += 1
    if sent:
        logger.info("sent stuck webhook deliveries again: %s", sent)
    return sent
