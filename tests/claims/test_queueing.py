"""Work handed to the queue never costs the request that stored it, and the sweeper sends what the queue lost."""

import datetime

import pytest
from django.utils import timezone

from claims import services
from claims.models import Article, Claim, WorkStatus
from tests.factories import make_article, make_claim
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
    result = services.ingest_article(content="Meldung\n\nDer Rat sagte am Montag, 40 Schulen öffnen.")
    article = Article.objects.get(pk=result.article.pk)
    assert article.processing_delayed
    assert article.extraction_status == WorkStatus.PENDING


@committed
def test_an_article_stored_while_the_queue_works_is_not_delayed():
    result = services.ingest_article(content="Meldung\n\nDer Rat sagte am Montag, 41 Schulen öffnen.")
    article = Article.objects.get(pk=result.article.pk)
    assert not article.processing_delayed
    assert article.queued_at is not None


def test_the_sweeper_sends_articles_never_queued_or_queued_long_ago_and_stamps_them():
    never = make_article()
    long_ago = make_article(queued_at=timezone.now() - datetime.timedelta(hours=1))
    recent = make_article(queued_at=timezone.now())
    make_article(extraction_status=WorkStatus.DONE)
    assert services.sweep_stranded_work()["articles"] == 2
    # Tasks run in process here: the two articles were extracted.
    for article in (never, long_ago):
        article.refresh_from_db()
        assert article.extraction_status == WorkStatus.DONE and article.queued_at is not None
    assert Article.objects.get(pk=recent.pk).extraction_status == WorkStatus.PENDING


def test_the_sweeper_sends_claims_waiting_for_proposals_in_the_analysed_languages():
    done = make_article(extraction_status=WorkStatus.DONE)
    claim = make_claim(done, language="de")
    recent = make_claim(done, start=30, end=40, language="de", proposals_queued_at=timezone.now())
    other_language = make_claim(done, start=10, end=20, language="fr")
    assert services.sweep_stranded_work() == {"articles": 0, "claims": 1}
    claim.refresh_from_db()
    assert claim.proposals_status == WorkStatus.DONE and claim.proposals_queued_at is not None
    assert Claim.objects.get(pk=recent.pk).proposals_status == WorkStatus.PENDING
    assert Claim.objects.get(pk=other_language.pk).proposals_status == WorkStatus.PENDING
    assert services.sweep_stranded_work() == {"articles": 0, "claims": 0}


def test_the_sweeper_stops_quietly_while_the_broker_is_still_down(broker_down):
    article = make_article()
    assert services.sweep_stranded_work() == {"articles": 0, "claims": 0}
    assert Article.objects.get(pk=article.pk).processing_delayed


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
