"""The extraction service: one claim per sentence, with speakers, outlets and scores; run again safely, keeping
what reviewers touched; failures visible and retried."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Article, Claim, ClaimRole, Speaker, WorkStatus
from claims.services import extraction
from claims.services.ingest import ingest
from reviews.services import add_comment
from tests.claims.services.conftest import ingest_sample
from tests.conftest import SAMPLE_GOLD
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_extraction_run_twice_stores_each_sentence_once(django_capture_on_commit_callbacks):
    article = ingest_sample(django_capture_on_commit_callbacks).article
    # A redelivered task after a worker died takes the article over and must not duplicate anything.
    assert extraction.extract_claims(article_id=article.pk, takeover=True) is None  # already done
    Article.objects.filter(pk=article.pk).update(extraction_status=WorkStatus.RUNNING)
    assert extraction.extract_claims(article_id=article.pk, takeover=True) == 14
    assert Claim.objects.filter(article=article).count() == 14


def test_an_article_another_worker_is_extracting_is_left_alone():
    article = make_article()
    assert Article.objects.start_extraction(article.pk, stale_before=article.ingested_at)
    assert extraction.extract_claims(article_id=article.pk) is None
    article.refresh_from_db()
    assert article.extraction_status == WorkStatus.RUNNING and article.extraction_attempts == 1
    assert not article.claims.exists()


def test_extraction_of_a_deleted_article_returns_quietly():
    assert extraction.extract_claims(article_id=987654) is None


def test_a_failed_extraction_is_visible_and_can_be_retried(django_capture_on_commit_callbacks):
    article = make_article()
    extraction.record_extraction_failure(article_id=article.pk, error=RuntimeError("tokenizer crashed"))
    article.refresh_from_db()
    assert article.extraction_status == WorkStatus.FAILED
    assert article.extraction_error == "RuntimeError: tokenizer crashed"
    with django_capture_on_commit_callbacks(execute=True):
        assert extraction.retry_extraction(article_id=article.pk)
    article.refresh_from_db()
    assert article.extraction_status == WorkStatus.DONE and article.extraction_error == ""
    assert [c.role for c in article.claims.order_by("start")] == [ClaimRole.HEADLINE, ClaimRole.BODY]
    assert not extraction.retry_extraction(article_id=article.pk)


def test_extraction_stores_speakers_outlets_quotes_scores_and_reasons(django_capture_on_commit_callbacks):
    article = ingest_sample(django_capture_on_commit_callbacks).article
    claims = list(article.claims.order_by("start").select_related("speaker"))
    gold = [json.loads(line) for line in SAMPLE_GOLD.read_text("utf-8").splitlines()]
    assert [c.speaker.name if c.speaker else None for c in claims] == [g["speaker"] for g in gold]
    assert [c.cited_outlet or None for c in claims] == [g["cited_source"] for g in gold]
    assert [c.is_direct_quote for c in claims] == [g["direct_quote"] for g in gold]
    assert all(0 <= c.checkworthiness <= 1 and c.is_checkworthy is not None for c in claims)
    assert {"code": "cited_outlet", "detail": "Bloomberg"} in claims[2].checkworthiness_reasons
    assert claims[3].entities["numbers"] == ["5"] and "CNN" in claims[3].entities["names"]
    selenskyj = Speaker.objects.get(name="Wolodymyr Selenskyj")
    assert "Selenskyj" in selenskyj.aliases
    assert Speaker.objects.filter(name="Selenskyj").count() == 0


def test_a_speaker_the_desk_knows_is_recognised_by_alias_in_a_new_article(django_capture_on_commit_callbacks):
    Speaker.objects.create(name="Wolodymyr Selenskyj", aliases=["Selenskyj"])
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest(content="Die Lage sei ernst, sagte Selenskyj am Abend.")
    claim = result.article.claims.get()
    assert claim.speaker.name == "Wolodymyr Selenskyj" and Speaker.objects.count() == 1


def test_re_extraction_updates_untouched_claims_and_keeps_those_a_reviewer_touched(
    django_capture_on_commit_callbacks, alice
):
    article = ingest_sample(django_capture_on_commit_callbacks).article
    touched, untouched = article.claims.order_by("start")[1], article.claims.order_by("start")[2]
    add_comment(claim_id=touched.pk, actor=alice, text="A reviewer was here.")
    Claim.objects.filter(pk__in=[touched.pk, untouched.pk]).update(cited_outlet="edited", is_direct_quote=True)
    gone_untouched = Claim.objects.create(article=article, text="x", start=0, end=1)
    gone_touched = Claim.objects.create(article=article, text="xy", start=0, end=2, state="in_review", version=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert not extraction.retry_extraction(article_id=article.pk)  # done: a plain retry does nothing
        assert extraction.retry_extraction(article_id=article.pk, again=True)

    touched.refresh_from_db()
    untouched.refresh_from_db()
    assert (touched.cited_outlet, touched.is_direct_quote) == ("edited", True)
    assert (untouched.cited_outlet, untouched.is_direct_quote) == ("Bloomberg", False)
    assert not Claim.objects.filter(pk=gone_untouched.pk).exists()
    assert Claim.objects.filter(pk=gone_touched.pk).exists()
    assert article.claims.count() == 15


def test_re_extraction_keeps_what_a_reviewer_corrected(django_capture_on_commit_callbacks, alice):
    from reviews.services import correct_attribution

    article = ingest_sample(django_capture_on_commit_callbacks).article
    claim = article.claims.order_by("start")[2]
    assert (claim.cited_outlet, claim.is_direct_quote) == ("Bloomberg", False)
    correct_attribution(claim_id=claim.pk, actor=alice, speaker="Anna Beispiel", cited_outlet="", is_direct_quote=True)

    with django_capture_on_commit_callbacks(execute=True):
        assert extraction.retry_extraction(article_id=article.pk, again=True)

    claim.refresh_from_db()
    assert (claim.speaker.name, claim.cited_outlet, claim.is_direct_quote) == ("Anna Beispiel", "", True)
    assert claim.corrected_fields == ["speaker", "cited_outlet", "is_direct_quote"]
    assert article.claims.count() == 14


def test_re_extraction_brings_an_untouched_claim_up_to_date_except_its_corrected_fields(
    django_capture_on_commit_callbacks,
):
    article = ingest_sample(django_capture_on_commit_callbacks).article
    claim = article.claims.order_by("start")[2]
    # A claim with corrections but no history (set by hand in the database): otherwise free to be re-written.
    Claim.objects.filter(pk=claim.pk).update(
        cited_outlet="Reuters", is_direct_quote=True, checkworthiness=0.0, corrected_fields=["cited_outlet"]
    )
    kept = Claim.objects.create(article=article, text="x", start=0, end=1, corrected_fields=["speaker"])
    assert claim.pk in set(article.claims.untouched().values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        assert extraction.retry_extraction(article_id=article.pk, again=True)

    claim.refresh_from_db()
    assert claim.cited_outlet == "Reuters" and claim.corrected_fields == ["cited_outlet"]
    assert claim.is_direct_quote is False and claim.checkworthiness > 0
    assert Claim.objects.filter(pk=kept.pk).exists()


def test_sentences_in_other_languages_are_kept_but_not_analysed(django_capture_on_commit_callbacks):
    text = (
        "Le gouvernement a annoncé lundi une hausse de 3 % du budget de la défense pour l'année prochaine. "
        "Le ministre a déclaré que cette décision était nécessaire."
    )
    with django_capture_on_commit_callbacks(execute=True):
        article = ingest(content=text).article
    article.refresh_from_db()
    assert article.language == "fr"
    claims = list(article.claims.all())
    assert len(claims) == 2
    for claim in claims:
        assert claim.checkworthiness is None and claim.is_checkworthy is None and claim.speaker is None
        assert claim.checkworthiness_reasons == [{"code": "not_analysed", "detail": "fr"}]


def test_a_running_extraction_is_not_queued_a_second_time_unless_its_worker_died(django_capture_on_commit_callbacks):
    article = make_article(extraction_status=WorkStatus.RUNNING, extraction_started_at=timezone.now())
    assert not extraction.retry_extraction(article_id=article.pk, again=True)
    article.refresh_from_db()
    assert article.extraction_status == WorkStatus.RUNNING
    Article.objects.filter(pk=article.pk).update(extraction_started_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert extraction.retry_extraction(article_id=article.pk)
    article.refresh_from_db()
    assert article.extraction_status == WorkStatus.DONE and article.claims.count() == 2
