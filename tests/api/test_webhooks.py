"""Webhooks against a real HTTP server on 127.0.0.1: signed deliveries for the subscribed events, retried with
backoff when the receiver fails, every attempt logged on the delivery row."""

import hashlib
import hmac
import http.server
import json
import threading
import time
from datetime import timedelta

import pytest

from api.models import DeliveryStatus, EventType, Webhook, WebhookDelivery
from reviews import services as review_services

pytestmark = pytest.mark.django_db


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.received: list[tuple[dict, bytes]] = []
        # The status codes to answer, in turn; 200 once they run out.
        self.statuses: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self):  # noqa: N802 (the name http.server calls)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture(autouse=True)
def local_receivers_allowed(settings):
    """The receivers here listen on 127.0.0.1, which deliveries refuse unless the host is allowed by name."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def verify(headers: dict, body: bytes, secret: str) -> bool:
    """What a receiver does: HMAC-SHA256 over `timestamp.body`, compared in constant time, timestamp fresh."""
    timestamp = headers["X-Factcheck-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(timestamp)) < 300
    return fresh and hmac.compare_digest(headers["X-Factcheck-Signature"], f"sha256={expected}")


def test_an_approved_verdict_is_delivered_signed(
    receiver, claim, alice, erin, django_capture_on_commit_callbacks, settings
):
    settings.API_PUBLIC_URL = "https://desk.example.org"
    Webhook.objects.create(name="cms", url=receiver.url, secret="s3cret", event_types=[EventType.VERDICT_APPROVED])
    from tests.api.conftest import approve

    with django_capture_on_commit_callbacks(execute=True):
        approve(claim, reviewer=alice, editor=erin)
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert verify(headers, body, "s3cret") and not verify(headers, body, "wrong")
    assert headers["X-Factcheck-Event"] == "verdict.approved"
    payload = json.loads(body)
    assert payload["type"] == "verdict.approved"
    assert payload["claim"]["id"] == claim.pk and payload["claim"]["status"] == "misleading"
    assert payload["claim"]["url"] == f"https://desk.example.org/api/v1/claims/{claim.pk}/"
    assert payload["change"] == {
        "from_state": "verdict_proposed",
        "to_state": "approved",
        "verdict": "misleading",
        "action": "approve",
    }
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.last_error) == (
        DeliveryStatus.SUCCEEDED,
        1,
        200,
        "",
    )
    assert headers["X-Factcheck-Delivery"] == str(delivery.pk)


def test_each_webhook_hears_only_its_event_types(receiver, claim, alice, erin, django_capture_on_commit_callbacks):
    Webhook.objects.create(name="all", url=receiver.url, secret="a", event_types=[])
    Webhook.objects.create(name="reopen", url=receiver.url, secret="b", event_types=[EventType.VERDICT_REOPENED])
    Webhook.objects.create(name="off", url=receiver.url, secret="c", active=False)
    from tests.api.conftest import approve

    with django_capture_on_commit_callbacks(execute=True):
        approve(claim, reviewer=alice, editor=erin)
        review_services.transition(claim_id=claim.pk, action="reopen", actor=erin, note="new figures")
    received = [(json.loads(body)["type"], headers["X-Factcheck-Event"]) for headers, body in receiver.received]
    # take, propose -> state changed; approve; reopen (to "all"), and reopen again (to "reopen"). No evidence event.
    assert sorted(kind for kind, _header in received) == [
        "claim.state_changed",
        "claim.state_changed",
        "verdict.approved",
        "verdict.reopened",
        "verdict.reopened",
    ]
    assert WebhookDelivery.objects.filter(webhook__name="reopen").get().event_type == EventType.VERDICT_REOPENED
    assert not WebhookDelivery.objects.filter(webhook__name="off").exists()


def test_a_claim_added_by_hand_is_announced_as_created(receiver, article, alice, django_capture_on_commit_callbacks):
    Webhook.objects.create(name="new", url=receiver.url, secret="x", event_types=[EventType.CLAIM_CREATED])
    with django_capture_on_commit_callbacks(execute=True):
        claim = review_services.add_claim(article_id=article.pk, start=0, end=13, actor=alice)
    assert [json.loads(body)["claim"]["id"] for _headers, body in receiver.received] == [claim.pk]


def test_a_failing_receiver_is_tried_again_and_each_attempt_is_logged(
    receiver, claim, alice, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    Webhook.objects.create(name="flaky", url=receiver.url, secret="k")
    with django_capture_on_commit_callbacks(execute=True):
        review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    assert len(receiver.received) == 2
    # The retry sends the same body, signed anew.
    assert receiver.received[0][1] == receiver.received[1][1]
    assert all(verify(headers, body, "k") for headers, body in receiver.received)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.SUCCEEDED, 2, 200)


def test_a_receiver_that_keeps_failing_ends_failed_with_its_error(
    receiver, claim, alice, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_MAX_RETRIES = 2
    receiver.statuses = [500, 502, 503, 200]
    Webhook.objects.create(name="down", url=receiver.url, secret="k")
    with django_capture_on_commit_callbacks(execute=True):
        review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.FAILED, 3, 503)
    assert "503" in delivery.last_error and len(receiver.received) == 3


def test_an_unreachable_receiver_is_logged(claim, alice, django_capture_on_commit_callbacks, settings):
    settings.WEBHOOK_MAX_RETRIES = 0
    Webhook.objects.create(name="gone", url="http://127.0.0.1:9/hook", secret="k")
    with django_capture_on_commit_callbacks(execute=True):
        review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.response_code is None and delivery.last_error


def test_hearing_an_event_twice_queues_one_delivery(receiver, claim, alice, django_capture_on_commit_callbacks):
    from api import services
    from reviews.models import ClaimEvent

    Webhook.objects.create(name="once", url=receiver.url, secret="k")
    with django_capture_on_commit_callbacks(execute=True):
        review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.queue_deliveries(event_id=ClaimEvent.objects.get().pk) == []
    assert WebhookDelivery.objects.count() == 1 and len(receiver.received) == 1


def test_the_admin_lists_deliveries(client, receiver, claim, alice, django_capture_on_commit_callbacks):
    from tests.conftest import make_user

    Webhook.objects.create(name="cms", url=receiver.url, secret="k")
    with django_capture_on_commit_callbacks(execute=True):
        review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    page = client.get("/admin/api/webhookdelivery/").content.decode()
    assert "claim.state_changed" in page or "Claim state changed" in page
    assert client.get(f"/admin/api/webhookdelivery/{WebhookDelivery.objects.get().pk}/change/").status_code == 200
    assert client.get("/admin/api/webhook/add/").status_code == 200


# Deliveries the queue lost or never got are sent again by the sweep (Celery beat).


def stored_delivery(receiver, claim, *, age: int, **fields) -> WebhookDelivery:
    """A delivery of the claim's first event stored and queued `age` seconds ago, as if its task never ran."""
    from django.utils import timezone

    from reviews.models import ClaimEvent

    webhook = Webhook.objects.create(name="cms", url=receiver.url, secret="k")
    event = ClaimEvent.objects.filter(claim=claim).first()
    delivery = WebhookDelivery.objects.create(webhook=webhook, event=event, event_type="claim.state_changed", body="{}")
    created_at = timezone.now() - timedelta(seconds=age)
    stamps = {"created_at": created_at, "queued_at": created_at}
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**{**stamps, **fields})
    return delivery


def test_a_delivery_never_attempted_is_sent_by_the_sweep(receiver, claim, settings):
    from api import services

    settings.STRANDED_AFTER_SECONDS = 600
    lost = stored_delivery(receiver, claim, age=601)
    assert services.sweep_stuck_deliveries() == 1
    lost.refresh_from_db()
    assert (lost.status, lost.attempts, len(receiver.received)) == (DeliveryStatus.SUCCEEDED, 1, 1)
    assert services.sweep_stuck_deliveries() == 0


def test_a_delivery_stored_a_moment_ago_is_left_to_its_task(receiver, claim, settings):
    from api import services

    settings.STRANDED_AFTER_SECONDS = 600
    recent = stored_delivery(receiver, claim, age=10)
    assert services.sweep_stuck_deliveries() == 0
    recent.refresh_from_db()
    assert (recent.status, recent.attempts, receiver.received) == (DeliveryStatus.PENDING, 0, [])


def test_a_delivery_the_queue_never_took_is_sent_at_the_next_sweep(receiver, claim, settings):
    """No `queued_at`: the broker never got its task, so the sweep need not wait for it to look stranded."""
    from api import services

    settings.STRANDED_AFTER_SECONDS = 600
    lost = stored_delivery(receiver, claim, age=5, queued_at=None)
    assert services.sweep_stuck_deliveries() == 1
    lost.refresh_from_db()
    assert (lost.status, lost.attempts, len(receiver.received)) == (DeliveryStatus.SUCCEEDED, 1, 1)
    assert lost.queued_at is not None


def test_a_delivery_the_queue_took_is_stamped_queued(receiver, claim, alice, django_capture_on_commit_callbacks):
    Webhook.objects.create(name="cms", url=receiver.url, secret="k")
    with django_capture_on_commit_callbacks(execute=True):
        review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.queued_at is not None


def test_a_retry_long_overdue_is_sent_again_and_one_not_yet_due_is_not(receiver, claim, settings):
    from django.utils import timezone

    from api import services

    settings.STRANDED_AFTER_SECONDS, settings.WEBHOOK_RETRY_BACKOFF = 600, 10
    # After the third failed attempt the retry is due 40 s later.
    overdue = stored_delivery(receiver, claim, age=3600, status=DeliveryStatus.RETRYING, attempts=3)
    WebhookDelivery.objects.filter(pk=overdue.pk).update(last_attempt_at=timezone.now() - timedelta(seconds=641))
    assert services.sweep_stuck_deliveries() == 1
    overdue.refresh_from_db()
    assert (overdue.status, overdue.attempts) == (DeliveryStatus.SUCCEEDED, 4)

    # With a longer backoff the same retry is not overdue yet.
    settings.WEBHOOK_RETRY_BACKOFF = 3600
    WebhookDelivery.objects.filter(pk=overdue.pk).update(
        status=DeliveryStatus.RETRYING, attempts=3, last_attempt_at=timezone.now() - timedelta(seconds=641)
    )
    assert services.sweep_stuck_deliveries() == 0


def test_a_delivery_sent_by_the_sweep_goes_on_counting_its_attempts(receiver, claim, settings):
    from django.utils import timezone

    from api import services

    settings.WEBHOOK_MAX_RETRIES = 2
    receiver.statuses = [500, 500]
    stuck = stored_delivery(receiver, claim, age=7200, status=DeliveryStatus.RETRYING, attempts=1)
    WebhookDelivery.objects.filter(pk=stuck.pk).update(last_attempt_at=timezone.now() - timedelta(hours=2))
    services.sweep_stuck_deliveries()
    stuck.refresh_from_db()
    # Attempts 2 and 3 (the final one, after two retries) fail: the delivery ends failed, not retried for ever.
    assert (stuck.status, stuck.attempts, len(receiver.received)) == (DeliveryStatus.FAILED, 3, 2)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_delivery_stored_while_the_broker_is_down_waits_for_the_sweep(receiver, alice, settings):
    from api import services
    from tests.factories import make_article, make_claim
    from tests.test_celery_worker import using_broker

    Webhook.objects.create(name="cms", url=receiver.url, secret="k")
    claim = make_claim(make_article())
    with using_broker("redis://127.0.0.1:1/0"):
        review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.queued_at, receiver.received) == (
        DeliveryStatus.PENDING,
        0,
        None,
        [],
    )
    # Sent at the sweep's next run, not only once it has waited STRANDED_AFTER_SECONDS.
    settings.STRANDED_AFTER_SECONDS = 600
    assert services.sweep_stuck_deliveries() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.received) == 1


@pytest.mark.parametrize("visibility_timeout", [900, 300, 120])
def test_every_retry_countdown_ends_inside_the_visibility_timeout(settings, visibility_timeout):
    """A retry's message is reserved during its countdown and acknowledged after its run: both together must end
    before Redis hands the message out again, or the retry runs twice."""
    from api import services

    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": visibility_timeout,
    }
    settings.WEBHOOK_MAX_RETRIES, settings.WEBHOOK_RETRY_BACKOFF = 8, 10
    delays = [services.retry_delay(attempts) for attempts in range(1, settings.WEBHOOK_MAX_RETRIES + 1)]
    assert all(delay + services.DELIVERY_TIME_LIMIT < visibility_timeout for delay in delays)
    assert delays == sorted(delays) and delays[0] == 10


def test_a_late_retry_is_scheduled_inside_the_visibility_timeout(receiver, claim, settings):
    from api import services

    settings.WEBHOOK_MAX_RETRIES, settings.WEBHOOK_RETRY_BACKOFF = 8, 10
    receiver.statuses = [500]
    late = stored_delivery(receiver, claim, age=3600, status=DeliveryStatus.RETRYING, attempts=7)
    with pytest.raises(services.DeliveryFailed) as failed:
        services.deliver(delivery_id=late.pk)
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert failed.value.retry_in + services.DELIVERY_TIME_LIMIT < visibility_timeout
    late.refresh_from_db()
    assert (late.status, late.attempts) == (DeliveryStatus.RETRYING, 8)


def test_the_webhook_sweep_runs_as_often_as_the_claims_sweep():
    from factcheck.celery import app

    schedule = app.conf.beat_schedule
    assert schedule["sweep-stuck-deliveries"]["task"] == "api.sweep_stuck_deliveries"
    assert schedule["sweep-stuck-deliveries"]["schedule"] == schedule["sweep-stranded-work"]["schedule"]
