"""Webhook deliveries through a real Celery worker on Redis: the on-commit hook queues the task, the worker sends
it, a failing receiver is retried after the backoff and every attempt is on the delivery row."""

import json
import time

import pytest

from api.models import DeliveryStatus, Webhook, WebhookDelivery
from reviews import services as review_services
from tests.api.test_webhooks import local_receivers_allowed, receiver, verify  # noqa: F401 (fixtures)
from tests.factories import make_article, make_claim
from tests.test_celery_worker import worker  # noqa: F401 (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def quick_retries(monkeypatch):
    """The worker reads its settings from the environment: retry after one second, not ten, and deliver to the
    receiver on 127.0.0.1."""
    monkeypatch.setenv("WEBHOOK_RETRY_BACKOFF", "1")
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")


def wait_for(delivery_status: str, timeout: float = 60) -> WebhookDelivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery = WebhookDelivery.objects.first()
        if delivery is not None and delivery.status == delivery_status:
            return delivery
        time.sleep(0.2)
    pytest.fail(f"No delivery became {delivery_status} within {timeout} s: {WebhookDelivery.objects.first()}")


def test_a_worker_delivers_and_retries_a_failed_delivery(quick_retries, receiver, worker, alice):  # noqa: F811
    receiver.statuses = [500]
    Webhook.objects.create(name="cms", url=receiver.url, secret="k")
    claim = make_claim(make_article())
    review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    delivery = wait_for(DeliveryStatus.SUCCEEDED)
    assert (delivery.attempts, delivery.response_code) == (2, 200)
    assert len(receiver.received) == 2 and all(verify(h, b, "k") for h, b in receiver.received)
    assert json.loads(receiver.received[-1][1])["claim"]["state"] == "in_review"
    log = worker.log_path.read_text()
    assert "api.deliver_webhook" in log and "retry" in log.lower()
