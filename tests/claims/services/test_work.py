"""The periodic work: the sweeper sends what the queue lost or never got."""

import datetime

import pytest
from django.utils import timezone

from claims.models import Article, Claim, Document, WorkStatus
from claims.services.work import sweep_stranded_work, sweep_unembedded_documents
from tests.factories import make_article, make_claim, make_document
from tests.test_queueing import broker_down  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_sweeper_sends_articles_never_queued_or_queued_long_ago_and_stamps_them():
    never = make_article()
    long_ago = make_article(queued_at=timezone.now() - datetime.timedelta(hours=1))
    recent = make_article(queued_at=timezone.now())
    make_article(extraction_status=WorkStatus.DONE)
    assert sweep_stranded_work()["articles"] == 2
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
    assert sweep_stranded_work() == {"articles": 0, "claims": 1}
    claim.refresh_from_db()
    assert claim.proposals_status == WorkStatus.DONE and claim.proposals_queued_at is not None
    assert Claim.objects.get(pk=recent.pk).proposals_status == WorkStatus.PENDING
    assert Claim.objects.get(pk=other_language.pk).proposals_status == WorkStatus.PENDING
    assert sweep_stranded_work() == {"articles": 0, "claims": 0}


def test_the_sweeper_stops_quietly_while_the_broker_is_still_down(broker_down):  # noqa: F811
    article = make_article()
    assert sweep_stranded_work() == {"articles": 0, "claims": 0}
    assert Article.objects.get(pk=article.pk).processing_delayed


def test_documents_left_without_an_embedding_are_embedded_by_the_sweep():

    stale = make_document(title="Windpark", text="Der Windpark liefert Strom.")
    fresh = make_document(title="Solar", text="Die Anlage liefert Strom.")
    Document.objects.filter(pk__in=[stale.pk, fresh.pk]).update(embedding=None, embedded_at=None)
    Document.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    # Tasks run in process here: the one task embeds every document still without one.
    assert sweep_unembedded_documents() is True
    assert not Document.objects.filter(embedding__isnull=True).exists()
    assert sweep_unembedded_documents() is False


def test_recently_saved_documents_are_left_to_the_task_already_sent():

    Document.objects.filter(pk=make_document().pk).update(embedding=None, embedded_at=None, updated_at=timezone.now())
    assert sweep_unembedded_documents() is False
