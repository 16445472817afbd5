"""What the review's writes leave in the record when the extraction runs again or when people act at once: merged
sentences stay merged, and a passage added twice at the same moment is one claim and one clean refusal."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from claims.models import Claim
from claims.services import extraction
from reviews import services
from reviews.models import ClaimEvent, EventKind
from reviews.refusals import Invalid
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def extracted_article(django_capture_on_commit_callbacks):
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        extraction.retry_extraction(article_id=article.pk)
    return article


def test_merged_sentences_stay_one_claim_when_the_article_is_extracted_again(django_capture_on_commit_callbacks, alice):
    article = extracted_article(django_capture_on_commit_callbacks)
    headline, body = article.claims.order_by("start")
    kept = services.merge(claim_ids=[headline.pk, body.pk], actor=alice, reason="one statement")

    with django_capture_on_commit_callbacks(execute=True):
        assert extraction.retry_extraction(article_id=article.pk, again=True)

    spans = sorted((c.pk, c.start, c.end, c.dismissed_at is None) for c in article.claims.all())
    assert spans == [(kept.pk, kept.start, kept.end, True), (body.pk, body.start, body.end, False)]
    assert not article.claims.filter(start=headline.start, end=headline.end).exists()


def test_a_sentence_of_a_dismissed_merge_is_not_made_a_claim_again(django_capture_on_commit_callbacks, alice):
    article = extracted_article(django_capture_on_commit_callbacks)
    headline, body = article.claims.order_by("start")
    kept = services.merge(claim_ids=[headline.pk, body.pk], actor=alice)
    services.dismiss(claim_id=kept.pk, actor=alice, reason="not a claim after all")

    with django_capture_on_commit_callbacks(execute=True):
        extraction.retry_extraction(article_id=article.pk, again=True)

    assert article.claims.count() == 2 and not article.claims.not_dismissed().exists()


def test_untouched_sentences_are_still_made_claims_again(django_capture_on_commit_callbacks):
    article = extracted_article(django_capture_on_commit_callbacks)
    spans = list(article.claims.order_by("start").values_list("start", "end"))
    article.claims.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        extraction.retry_extraction(article_id=article.pk, again=True)
    assert list(article.claims.order_by("start").values_list("start", "end")) == spans


# The same passage added at once ---------------------------------------------------------------------------------


def test_a_passage_added_by_someone_else_between_the_check_and_the_insert_is_refused_as_already_a_claim(alice):
    """The race on PostgreSQL, played on one connection: the passage's row appears right after the service looked
    for it and right before its own insert, as when another request commits it at that moment."""
    article = make_article()
    end = article.text.index("\n")

    def another_request_inserts_first(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "claims_claim"'):
            execute(sql, params, many, context)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(another_request_inserts_first), pytest.raises(Invalid) as refused:
        services.add_claim(article_id=article.pk, start=0, end=end, actor=alice)
    assert refused.value.messages == {"start": ["This passage is already a claim."]}
    assert not ClaimEvent.objects.exists()


def test_the_refused_race_is_a_message_on_the_article_page_not_a_server_error(client, alice):
    article = make_article()
    end = article.text.index("\n")
    client.force_login(alice)

    def another_request_inserts_first(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "claims_claim"'):
            execute(sql, params, many, context)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(another_request_inserts_first):
        response = client.post(reverse("reviews:add-claim", args=[article.pk]), {"start": 0, "end": end}, follow=True)
    assert response.status_code == 200
    assert "This passage is already a claim." in [str(m) for m in response.context["messages"]]
    assert not Claim.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_people_adding_the_same_passage_at_once_make_one_claim_and_nineteen_refusals(alice):
    article = make_article()
    end = article.text.index("\n")
    start_together = threading.Barrier(20)
    outcomes: list[str] = []

    def add():
        try:
            start_together.wait()
            services.add_claim(article_id=article.pk, start=0, end=end, actor=alice)
            outcomes.append("added")
        except Invalid as refusal:
            outcomes.append(refusal.messages["start"][0])
        except Exception as exc:  # what the test is about: nothing else may come out
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["This passage is already a claim."] * 19 + ["added"]
    assert Claim.objects.filter(article=article).count() == 1
    assert ClaimEvent.objects.filter(kind=EventKind.ADDED).count() == 1
