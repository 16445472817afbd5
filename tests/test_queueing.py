"""Work handed to the queue never costs the request that stored it: with the broker down the row is kept and shown
as delayed, with the broker up its queued time is recorded."""

import pytest

from claims.models import Article, WorkStatus
from claims.services.ingest import ingest
from tests.test_celery_worker import using_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """A broker nobody listens on: every send fails at once, as with Redis stopped."""
    with using_broker("redis://127.0.0.1:1/0"):
        yield


# Committed for real: whether the queue took a task is only known after the commit.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@committed
def test_an_article_stored_while_the_broker_is_down_is_kept_and_shown_as_delayed(broker_down):
    result = ingest(content="Meldung\n\nDer Rat sagte am Montag, 40 Schulen öffnen.")
    article = Article.objects.get(pk=result.article.pk)
    assert article.processing_delayed
    assert article.extraction_status == WorkStatus.PENDING


@committed
def test_a_send_that_fails_is_logged_on_one_line_with_its_reason(broker_down, caplog):
    ingest(content="Meldung\n\nDer Rat sagte am Montag, 42 Schulen öffnen.")
    (record,) = [r for r in caplog.records if r.name == "factcheck.queueing"]
    assert record.levelname == "WARNING" and record.exc_info is None
    assert "could not queue claims.extract_article" in record.getMessage()
    assert "the sweeper will send it again" in record.getMessage()


@committed
def test_an_article_stored_while_the_queue_works_is_not_delayed():
    result = ingest(content="Meldung\n\nDer Rat sagte am Montag, 41 Schulen öffnen.")
    article = Article.objects.get(pk=result.article.pk)
    assert not article.processing_delayed
    assert article.queued_at is not None


@committed
def test_the_web_form_and_the_api_say_processing_is_delayed(broker_down, client, alice):
    client.force_login(alice)
    response = client.post(
        "/articles/new/", {"text": "Meldung\n\nDer Rat sagte am Dienstag, 12 Brücken werden saniert."}, follow=True
    )
    assert "Processing is delayed" in response.content.decode()
    response = client.post(
        "/api/v1/articles/",
        {"text": "Meldung\n\nDer Rat sagte am Mittwoch, 7 Bäder werden saniert."},
        content_type="application/json",
    )
    assert response.status_code == 202
    assert response.json()["processing_delayed"] is True
    assert response.json()["extraction_status"] == WorkStatus.PENDING


def test_a_task_name_nothing_registers_is_an_error_not_a_delayed_row():
    from factcheck.queueing import send

    with pytest.raises(KeyError):
        send("claims.no_such_task", 1)
