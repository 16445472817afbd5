"""The claims app's services: ingestion, extraction and the registry import."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import services
from claims.analysis.embeddings import vector_from_bytes
from claims.models import Article, Claim, ClaimRole, Document, Source, Speaker, WorkStatus
from claims.models.articles import InputFormat
from reviews.models import ClaimEvent, EventKind
from tests.claims.conftest import ARTICLE_HTML
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_GOLD, SAMPLE_REGISTRY
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def ingest_sample(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return services.ingest_article(content=SAMPLE_ARTICLE.read_bytes(), **kwargs)


def test_ingest_stores_the_article_and_extraction_fills_in_the_claims(django_capture_on_commit_callbacks, alice):
    result = ingest_sample(django_capture_on_commit_callbacks, actor=alice, url="https://example.org/a")
    article = Article.objects.get()
    assert result.created and result.article == article
    assert article.title == "USA und Russland wohl einig über Sicherheitsgarantien"
    assert str(article.published_on) == "2025-08-15"
    assert article.ingested_by == alice and article.url == "https://example.org/a"
    assert article.extraction_status == WorkStatus.DONE and article.extraction_attempts == 1
    assert article.language == "de"
    assert article.claims.count() == 14


def test_every_claim_of_the_sample_slices_back_to_its_gold_sentence(django_capture_on_commit_callbacks):
    article = ingest_sample(django_capture_on_commit_callbacks).article
    gold = [json.loads(line) for line in SAMPLE_GOLD.read_text("utf-8").splitlines()]
    claims = list(article.claims.order_by("start"))
    assert [article.text[c.start : c.end] for c in claims] == [c.text for c in claims] == [g["text"] for g in gold]
    assert [c.role for c in claims] == [g["role"] for g in gold]


def test_extraction_is_enqueued_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.ingest_article(content=b"Headline\n\nOne sentence here.")
    assert len(callbacks) == 1
    assert Article.objects.get().extraction_status == WorkStatus.PENDING
    assert not Claim.objects.exists()


def test_the_same_article_twice_returns_the_stored_one_and_stores_nothing_new(django_capture_on_commit_callbacks):
    first = ingest_sample(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # The same content with Windows line ends and a byte-order mark is the same article.
        again = services.ingest_article(content=b"\xef\xbb\xbf" + SAMPLE_ARTICLE.read_bytes().replace(b"\n", b"\r\n"))
    assert not again.created and again.article == first.article
    assert callbacks == []
    assert Article.objects.count() == 1 and Claim.objects.count() == 14


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        ("  \n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Gr\xfc\xdfe".encode("latin-1"), "not UTF-8"),
    ],
)
def test_input_that_is_not_an_article_is_refused_and_nothing_is_stored(content, message):
    make_article()
    with pytest.raises(ValidationError) as error:
        services.ingest_article(content=content)
    assert message in error.value.message_dict["content"][0]
    assert Article.objects.count() == 1


def test_an_oversized_article_is_refused_with_the_limit_named(settings):
    settings.ARTICLE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="limit is 1,000 bytes"):
        services.ingest_article(content="Ein Satz. " * 101)
    assert not Article.objects.exists()


def test_extraction_run_twice_stores_each_sentence_once(django_capture_on_commit_callbacks):
    article = ingest_sample(django_capture_on_commit_callbacks).article
    # A redelivered task after a worker died takes the article over and must not duplicate anything.
    assert services.extract_claims(article_id=article.pk, takeover=True) is None  # already done
    Article.objects.filter(pk=article.pk).update(extraction_status=WorkStatus.RUNNING)
    assert services.extract_claims(article_id=article.pk, takeover=True) == 14
    assert Claim.objects.filter(article=article).count() == 14


def test_an_article_another_worker_is_extracting_is_left_alone():
    article = make_article()
    assert Article.objects.start_extraction(article.pk, stale_before=article.ingested_at)
    assert services.extract_claims(article_id=article.pk) is None
    article.refresh_from_db()
    assert article.extraction_status == WorkStatus.RUNNING and article.extraction_attempts == 1
    assert not article.claims.exists()


def test_extraction_of_a_deleted_article_returns_quietly():
    assert services.extract_claims(article_id=987654) is None


def test_a_failed_extraction_is_visible_and_can_be_retried(django_capture_on_commit_callbacks):
    article = make_article()
    services.record_extraction_failure(article_id=article.pk, error=RuntimeError("tokenizer crashed"))
    article.refresh_from_db()
    assert article.extraction_status == WorkStatus.FAILED
    assert article.extraction_error == "RuntimeError: tokenizer crashed"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry_extraction(article_id=article.pk)
    article.refresh_from_db()
    assert article.extraction_status == WorkStatus.DONE and article.extraction_error == ""
    assert [c.role for c in article.claims.order_by("start")] == [ClaimRole.HEADLINE, ClaimRole.BODY]
    assert not services.retry_extraction(article_id=article.pk)


def test_the_sample_registry_imports_as_is_and_again_without_duplicates():
    data = json.loads(SAMPLE_REGISTRY.read_text("utf-8"))
    first = services.import_registry(data=data)
    second = services.import_registry(data=data)
    assert first == second
    assert Source.objects.count() == len(data["sources"]) == first.sources
    assert Document.objects.count() == len(data["documents"]) == first.documents
    bloomberg = Source.objects.get(key="bloomberg")
    assert "Bloomberg" in bloomberg.aliases and bloomberg.reliability


def test_a_registry_with_a_bad_row_stores_nothing():
    data = {"sources": [{"key": "ok", "name": "OK"}], "documents": [{"source": "missing", "title": "T", "text": "x"}]}
    with pytest.raises(ValidationError, match="Document 1"):
        services.import_registry(data=data)
    assert not Source.objects.exists()


# HTML and URLs: the local web server and ARTICLE_HTML come from tests/claims/conftest.py.


def test_html_is_stored_as_its_main_text_with_title_date_and_author(django_capture_on_commit_callbacks, alice):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = services.ingest_article(content=ARTICLE_HTML.encode(), input_format=InputFormat.HTML, actor=alice)
    article = Article.objects.get()
    assert result.created and result.article == article
    assert article.input_format == InputFormat.HTML and article.ingested_by == alice
    assert (article.title, str(article.published_on), article.author) == (
        "Stadtrat beschließt Haushalt",
        "2025-08-14",
        "Anna Schmidt",
    )
    assert article.text.startswith("Stadtrat beschließt Haushalt\n\nDer Stadtrat hat am Donnerstag")
    assert "SCRIPT-IN-BODY" not in article.text and "Impressum" not in article.text
    # Extraction is enqueued as for any article.
    assert len(callbacks) == 1 and article.extraction_status == WorkStatus.PENDING


def test_the_title_and_date_given_win_over_the_pages():
    services.ingest_article(
        content=ARTICLE_HTML, input_format=InputFormat.HTML, title="Eigener Titel", published_on=date(2025, 1, 2)
    )
    article = Article.objects.get()
    assert (article.title, article.published_on) == ("Eigener Titel", date(2025, 1, 2))


def test_html_without_article_text_is_refused_and_nothing_is_stored():
    with pytest.raises(ValidationError) as error:
        services.ingest_article(content="<html><body><nav>Home</nav></body></html>", input_format=InputFormat.HTML)
    assert "No article text" in error.value.message_dict["content"][0]
    assert not Article.objects.exists()


def test_the_size_limit_applies_to_html_too(settings):
    settings.ARTICLE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="limit is 1,000 bytes"):
        services.ingest_article(content=ARTICLE_HTML, input_format=InputFormat.HTML)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/a", "not a url", "https://e.org/" + "a" * 2000]
)
def test_an_origin_that_is_not_an_http_url_is_refused_and_nothing_is_stored(url):
    with pytest.raises(ValidationError) as error:
        services.ingest_article(content="Titel\n\nEin Satz.", url=url)
    assert "url" in error.value.message_dict
    assert not Article.objects.exists()


def test_a_url_is_fetched_and_stored_with_where_the_page_was_found(allowed_web, alice):
    allowed_web.add("/artikel", ARTICLE_HTML)
    allowed_web.redirect("/kurz", "/artikel")
    result = services.ingest_url(url=allowed_web.url("/kurz"), actor=alice)
    article = Article.objects.get()
    assert result.created and result.article == article
    assert article.url == allowed_web.url("/artikel") and article.input_format == InputFormat.URL
    assert article.title == "Stadtrat beschließt Haushalt" and article.author == "Anna Schmidt"
    assert article.ingested_by == alice and article.extraction_status == WorkStatus.PENDING


def test_the_same_page_fetched_twice_is_stored_once(allowed_web):
    url = allowed_web.add("/artikel", ARTICLE_HTML)
    first = services.ingest_url(url=url)
    again = services.ingest_url(url=url + "?utm_source=feed")
    assert first.created and not again.created and again.article == first.article
    assert Article.objects.count() == 1


def test_a_fetched_plain_text_page_is_read_as_the_desks_text_format(allowed_web):
    text = "date 2025-08-15 Radweg wird gebaut\n\nDie Stadt baut einen Radweg. Er kostet 3 Millionen Euro."
    url = allowed_web.add("/text", text.encode("latin-1"), content_type="text/plain; charset=iso-8859-1")
    services.ingest_url(url=url)
    article = Article.objects.get()
    assert article.title == "Radweg wird gebaut" and str(article.published_on) == "2025-08-15"
    assert article.text.startswith("Radweg wird gebaut\n\nDie Stadt") and article.input_format == InputFormat.URL


def test_a_host_that_is_not_allow_listed_is_refused_on_the_url_field(web):
    url = web.add("/artikel", ARTICLE_HTML)
    with pytest.raises(ValidationError) as error:
        services.ingest_url(url=url)
    assert "loopback address" in error.value.message_dict["url"][0]
    assert not Article.objects.exists() and web.requests == []


def test_a_fetched_page_without_an_article_is_refused_on_the_content_field(allowed_web):
    url = allowed_web.add("/leer", "<html><body><nav>Start</nav><footer>Impressum</footer></body></html>")
    with pytest.raises(ValidationError) as error:
        services.ingest_url(url=url)
    assert "No article text" in error.value.message_dict["content"][0]
    assert not Article.objects.exists()


def test_a_page_larger_than_the_fetch_limit_is_refused_on_the_url_field(allowed_web, settings):
    settings.FETCH_MAX_BYTES = 1000
    url = allowed_web.add("/artikel", ARTICLE_HTML)
    with pytest.raises(ValidationError) as error:
        services.ingest_url(url=url)
    assert "larger than the limit of 1,000 bytes" in error.value.message_dict["url"][0]
    assert not Article.objects.exists()


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
        result = services.ingest_article(content="Die Lage sei ernst, sagte Selenskyj am Abend.")
    claim = result.article.claims.get()
    assert claim.speaker.name == "Wolodymyr Selenskyj" and Speaker.objects.count() == 1


def test_re_extraction_updates_untouched_claims_and_keeps_those_a_reviewer_touched(
    django_capture_on_commit_callbacks, alice
):
    article = ingest_sample(django_capture_on_commit_callbacks).article
    touched, untouched = article.claims.order_by("start")[1], article.claims.order_by("start")[2]
    ClaimEvent.objects.create(claim=touched, kind=EventKind.COMMENTED, actor=alice)
    Claim.objects.filter(pk__in=[touched.pk, untouched.pk]).update(cited_outlet="edited", is_direct_quote=True)
    gone_untouched = Claim.objects.create(article=article, text="x", start=0, end=1)
    gone_touched = Claim.objects.create(article=article, text="xy", start=0, end=2, state="in_review", version=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert not services.retry_extraction(article_id=article.pk)  # done: a plain retry does nothing
        assert services.retry_extraction(article_id=article.pk, again=True)

    touched.refresh_from_db()
    untouched.refresh_from_db()
    assert (touched.cited_outlet, touched.is_direct_quote) == ("edited", True)
    assert (untouched.cited_outlet, untouched.is_direct_quote) == ("Bloomberg", False)
    assert not Claim.objects.filter(pk=gone_untouched.pk).exists()
    assert Claim.objects.filter(pk=gone_touched.pk).exists()
    assert article.claims.count() == 15


def test_sentences_in_other_languages_are_kept_but_not_analysed(django_capture_on_commit_callbacks):
    text = (
        "Le gouvernement a annoncé lundi une hausse de 3 % du budget de la défense pour l'année prochaine. "
        "Le ministre a déclaré que cette décision était nécessaire."
    )
    with django_capture_on_commit_callbacks(execute=True):
        article = services.ingest_article(content=text).article
    article.refresh_from_db()
    assert article.language == "fr"
    claims = list(article.claims.all())
    assert len(claims) == 2
    for claim in claims:
        assert claim.checkworthiness is None and claim.is_checkworthy is None and claim.speaker is None
        assert claim.checkworthiness_reasons == [{"code": "not_analysed", "detail": "fr"}]


def test_a_running_extraction_is_not_queued_a_second_time_unless_its_worker_died(django_capture_on_commit_callbacks):
    article = make_article(extraction_status=WorkStatus.RUNNING, extraction_started_at=timezone.now())
    assert not services.retry_extraction(article_id=article.pk, again=True)
    article.refresh_from_db()
    assert article.extraction_status == WorkStatus.RUNNING
    Article.objects.filter(pk=article.pk).update(extraction_started_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry_extraction(article_id=article.pk)
    article.refresh_from_db()
    assert article.extraction_status == WorkStatus.DONE and article.claims.count() == 2


def test_imported_documents_are_embedded_once_in_the_background(django_capture_on_commit_callbacks):
    data = json.loads(SAMPLE_REGISTRY.read_text("utf-8"))
    with django_capture_on_commit_callbacks(execute=True):
        services.import_registry(data=data)
    assert not Document.objects.filter(embedding__isnull=True).exists()
    vector = vector_from_bytes(Document.objects.get(key="nato-art5").embedding)
    assert vector.shape == (384,) and abs(float(vector @ vector) - 1) < 1e-3
    assert services.embed_documents() == 0
