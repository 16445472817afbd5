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
from tests.factories import make_article, make_document, make_source

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
    assert (first.sources_created, first.documents_created, first.rejected) == (13, 12, [])
    assert (second.sources_unchanged, second.documents_unchanged) == (13, 12)
    assert second.sources_created == second.sources_updated == second.documents_created == 0
    assert second.documents_updated == 0 and second.rejected == []
    assert Source.objects.count() == len(data["sources"]) == first.sources == second.sources
    assert Document.objects.count() == len(data["documents"]) == first.documents == second.documents
    bloomberg = Source.objects.get(key="bloomberg")
    assert "Bloomberg" in bloomberg.aliases and bloomberg.reliability


def test_a_bad_row_is_rejected_with_its_reason_and_the_valid_rows_are_stored():
    data = {
        "sources": [{"key": "ok", "name": "OK"}, {"key": "no-name", "name": ""}],
        "documents": [
            {"source": "missing", "key": "lost", "title": "T", "text": "x"},
            {"source": "ok", "key": "kept", "title": "T", "text": "x"},
        ],
    }
    result = services.import_registry(data=data)
    assert result.rejected == [
        services.RejectedRow("source", 2, "no-name", "`name` is missing or empty."),
        services.RejectedRow("document", 1, "lost", "The source 'missing' is not in the registry or in this import."),
    ]
    assert (result.sources_created, result.documents_created) == (1, 1)
    assert list(Source.objects.values_list("key", flat=True)) == ["ok"]
    assert list(Document.objects.values_list("key", "source__key")) == [("kept", "ok")]


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


def test_re_extraction_keeps_what_a_reviewer_corrected(django_capture_on_commit_callbacks, alice):
    from reviews.services import correct_attribution

    article = ingest_sample(django_capture_on_commit_callbacks).article
    claim = article.claims.order_by("start")[2]
    assert (claim.cited_outlet, claim.is_direct_quote) == ("Bloomberg", False)
    correct_attribution(claim_id=claim.pk, actor=alice, speaker="Anna Beispiel", cited_outlet="", is_direct_quote=True)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry_extraction(article_id=article.pk, again=True)

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
        assert services.retry_extraction(article_id=article.pk, again=True)

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


# The registry import: one rule per field, each row on its own.

GOOD_SOURCE = {"key": "bundestag", "name": "Deutscher Bundestag", "kind": "institution", "domain": "bundestag.de"}
GOOD_DOCUMENT = {
    "key": "gg-115a",
    "source": "bundestag",
    "url": "https://www.bundestag.de/gg",
    "title": "Artikel 115a",
    "text": "Die Feststellung des Verteidigungsfalles trifft der Bundestag.",
    "language": "de",
    "published_on": "1968-06-24",
}
FAKE_VECTOR = b"\x00" * 1536


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"key": None}, "`key` is missing or empty."),
        ({"key": "Bundes Tag"}, "`key` 'Bundes Tag' must be a slug"),
        ({"key": "x" * 101}, "`key` is longer than 100 characters."),
        ({"name": "  "}, "`name` is missing or empty."),
        ({"name": 42}, "`name` must be text, not 42."),
        ({"kind": "newspaper"}, '`kind` "newspaper" is not one of: outlet, news-agency, broadcaster,'),
        ({"reliability": "very high"}, '`reliability` "very high" is not one of: high, medium, low, unknown.'),
        ({"domain": "https://bundestag.de"}, "`domain` 'https://bundestag.de' must be a host name"),
        ({"domain": "bundestag.de/presse"}, "must be a host name such as example.org, without scheme or path."),
        ({"domain": "-bad-.de"}, "`domain` '-bad-.de' must be a host name"),
        ({"language": "deu"}, "`language` 'deu' must be a two-letter code (en, de) or empty."),
        ({"aliases": "Bundestag"}, "`aliases` must be a list of names (non-empty texts)."),
        ({"aliases": ["Bundestag", 7]}, "`aliases` must be a list of names (non-empty texts)."),
        ({"aliases": ["Bundestag|BT"]}, "An alias may not contain '|'."),
        ({"active": "yes"}, '`active` must be true or false, not "yes".'),
    ],
)
def test_a_source_row_breaking_a_rule_is_rejected_with_the_rule(fields, reason):
    row = {**GOOD_SOURCE, **fields}
    result = services.import_registry(data={"sources": [row]})
    [rejected] = result.rejected
    assert (rejected.kind, rejected.row) == ("source", 1)
    assert reason in rejected.reason
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"source": ""}, "`source` is missing or empty."),
        ({"source": "bundesrat"}, "The source 'bundesrat' is not in the registry or in this import."),
        ({"url": "ftp://bundestag.de/gg"}, "`url` 'ftp://bundestag.de/gg' is not an http(s) URL."),
        ({"url": "www.bundestag.de/gg"}, "is not an http(s) URL."),
        ({"title": ""}, "`title` is missing or empty."),
        ({"title": "x" * 501}, "`title` is longer than 500 characters."),
        ({"text": " \n"}, "`text` is missing or empty."),
        ({"language": "german"}, "`language` 'german' must be a two-letter code"),
        ({"published_on": "24.06.1968"}, '`published_on` "24.06.1968" is not a date (YYYY-MM-DD).'),
        ({"published_on": "1968-02-30"}, '`published_on` "1968-02-30" is not a date'),
        ({"published_on": 1968}, "`published_on` 1968 is not a date"),
        ({"key": None, "url": ""}, "A document needs a key or a URL"),
        ({"key": "gg 115a"}, "`key` 'gg 115a' must be a slug"),
    ],
)
def test_a_document_row_breaking_a_rule_is_rejected_with_the_rule(fields, reason):
    result = services.import_registry(data={"sources": [GOOD_SOURCE], "documents": [{**GOOD_DOCUMENT, **fields}]})
    [rejected] = result.rejected
    assert (rejected.kind, rejected.row) == ("document", 1)
    assert reason in rejected.reason
    assert Source.objects.get().key == "bundestag"
    assert not Document.objects.exists()


def test_a_document_whose_source_was_rejected_is_rejected_with_that_reason():
    make_source(key="bundestag", name="Bundestag before")
    data = {"sources": [{**GOOD_SOURCE, "kind": "parliament"}], "documents": [GOOD_DOCUMENT]}
    result = services.import_registry(data=data)
    source_reason = result.rejected[0].reason
    assert result.rejected[1] == services.RejectedRow(
        "document", 1, "gg-115a", f"Its source 'bundestag' was rejected: {source_reason}"
    )
    # The stored source is left as it was, and nothing of the rejected rows is stored.
    assert Source.objects.get().name == "Bundestag before"
    assert not Document.objects.exists()


def test_valid_values_are_stored_in_their_normal_form():
    row = {**GOOD_SOURCE, "domain": "Bundestag.DE.", "language": "DE", "aliases": [" BT "], "kind": "government"}
    services.import_registry(data={"sources": [row], "documents": [{**GOOD_DOCUMENT, "published_on": None}]})
    source = Source.objects.get()
    assert (source.domain, source.language, source.aliases, source.kind) == ("bundestag.de", "de", ["BT"], "government")
    assert Document.objects.get().published_on is None


def test_the_sample_kinds_and_languages_are_all_accepted():
    data = json.loads(SAMPLE_REGISTRY.read_text("utf-8"))
    assert services.import_registry(data=data).rejected == []
    assert set(Source.objects.values_list("kind", flat=True)) >= {
        "news-agency",
        "broadcaster",
        "government",
        "legal-database",
        "institution",
    }
    assert set(Source.objects.values_list("language", flat=True)) == {"en", "de", "uk", "ru"}


def test_a_key_twice_in_one_import_keeps_the_first_row_and_rejects_the_second():
    second_source = {**GOOD_SOURCE, "name": "Second"}
    second_document = {**GOOD_DOCUMENT, "title": "Second", "url": "https://www.bundestag.de/other"}
    data = {"sources": [GOOD_SOURCE, second_source], "documents": [GOOD_DOCUMENT, second_document]}
    result = services.import_registry(data=data)
    assert [(r.kind, r.row, r.key) for r in result.rejected] == [("source", 2, "bundestag"), ("document", 2, "gg-115a")]
    assert result.rejected[0].reason == "The key appears again; source 1 has it."
    assert "Document 1 of this import is the same document" in result.rejected[1].reason
    assert Source.objects.get().name == "Deutscher Bundestag"
    assert Document.objects.get().title == "Artikel 115a"


def test_a_document_without_a_key_is_found_again_by_its_source_and_url():
    row = {**GOOD_DOCUMENT, "key": None}
    services.import_registry(data={"sources": [GOOD_SOURCE], "documents": [row]})
    result = services.import_registry(data={"documents": [{**row, "language": "en"}]})
    assert (result.documents_created, result.documents_updated) == (0, 1)
    document = Document.objects.get()
    assert (document.key, document.language) == (None, "en")
    # A key given later is adopted by the document at that URL.
    result = services.import_registry(data={"documents": [{**row, "key": "gg-115a", "language": "en"}]})
    assert result.documents_updated == 1
    assert Document.objects.get().key == "gg-115a"


def test_a_url_another_document_of_the_source_has_is_rejected():
    source = make_source(key="bundestag")
    make_document(source, key="first", url=GOOD_DOCUMENT["url"])
    result = services.import_registry(data={"documents": [{**GOOD_DOCUMENT, "key": "second"}]})
    assert result.rejected[0].reason == "Source 'bundestag' already has a document at this URL (key 'first')."
    assert list(Document.objects.values_list("key", flat=True)) == ["first"]


def test_fields_a_row_leaves_out_keep_their_stored_values():
    make_source(key="bundestag", name="Old", reliability="high", active=False, notes="Keep me", aliases=["BT"])
    result = services.import_registry(data={"sources": [{"key": "bundestag", "name": "Deutscher Bundestag"}]})
    assert result.sources_updated == 1
    source = Source.objects.get()
    assert (source.name, source.reliability, source.active, source.notes) == (
        "Deutscher Bundestag",
        "high",
        False,
        "Keep me",
    )
    assert source.aliases == ["BT"]


def test_a_changed_title_or_text_clears_the_embedding_and_other_changes_keep_it():
    documents = [
        GOOD_DOCUMENT,
        {**GOOD_DOCUMENT, "key": "gg-115b", "url": "https://www.bundestag.de/b", "title": "Artikel 115b"},
        {**GOOD_DOCUMENT, "key": "gg-115c", "url": "https://www.bundestag.de/c", "title": "Artikel 115c"},
    ]
    services.import_registry(data={"sources": [GOOD_SOURCE], "documents": documents})
    embedded_at = timezone.now() - timedelta(days=1)
    Document.objects.update(embedding=FAKE_VECTOR, embedded_at=embedded_at)
    changed = [
        {**documents[0], "title": "Artikel 115a GG"},
        {**documents[1], "text": "Ein neuer Text."},
        {**documents[2], "language": "en", "published_on": "1968-06-25"},
    ]
    result = services.import_registry(data={"documents": changed})
    assert (result.documents_updated, result.documents_unchanged) == (3, 0)
    a, b, c = Document.objects.order_by("key")
    assert (a.title, a.embedding, a.embedded_at) == ("Artikel 115a GG", None, None)
    assert (b.text, b.embedding, b.embedded_at) == ("Ein neuer Text.", None, None)
    assert (c.language, bytes(c.embedding), c.embedded_at) == ("en", FAKE_VECTOR, embedded_at)


def test_importing_the_same_rows_again_changes_nothing_and_keeps_the_embeddings():
    data = {"sources": [GOOD_SOURCE], "documents": [GOOD_DOCUMENT]}
    services.import_registry(data=data)
    Document.objects.update(embedding=FAKE_VECTOR, embedded_at=timezone.now())
    before = Document.objects.values().get(), Source.objects.values().get()
    result = services.import_registry(data=data)
    assert (result.sources_unchanged, result.documents_unchanged, result.rejected) == (1, 1, [])
    assert (Document.objects.values().get(), Source.objects.values().get()) == before


def test_the_embedding_task_is_queued_once_after_the_import_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.import_registry(data={"sources": [GOOD_SOURCE], "documents": [GOOD_DOCUMENT]})
    assert len(callbacks) == 1
    assert Document.objects.get().embedding is not None


def test_an_edited_text_is_embedded_again_after_the_import(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.import_registry(data={"sources": [GOOD_SOURCE], "documents": [GOOD_DOCUMENT]})
    first = Document.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.import_registry(data={"documents": [{**GOOD_DOCUMENT, "text": "Ganz anderer Text über Fußball."}]})
    again = Document.objects.get()
    assert again.embedding is not None and bytes(again.embedding) != bytes(first.embedding)
    assert again.embedded_at > first.embedded_at


def test_reembedding_clears_the_selected_documents_and_queues_them(django_capture_on_commit_callbacks):
    kept, again = make_document(), make_document()
    Document.objects.update(embedding=FAKE_VECTOR, embedded_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.reembed_documents(document_ids=[again.pk, 999_999]) == 1
    assert len(callbacks) == 1
    again.refresh_from_db()
    assert (again.embedding, again.embedded_at) == (None, None)
    assert bytes(Document.objects.get(pk=kept.pk).embedding) == FAKE_VECTOR
    callbacks[0]()
    again.refresh_from_db()
    assert vector_from_bytes(again.embedding).shape == (384,)


def test_saving_a_document_with_a_new_title_clears_its_embedding_and_queues_it(django_capture_on_commit_callbacks):
    document = make_document()
    Document.objects.update(embedding=FAKE_VECTOR, embedded_at=timezone.now())
    document = Document.objects.defer("embedding").get()
    document.language = "de"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.save_document(document=document) is False
    assert callbacks == [] and bytes(Document.objects.get().embedding) == FAKE_VECTOR
    document.title = "A new title"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.save_document(document=document) is True
    assert len(callbacks) == 1
    stored = Document.objects.get()
    assert (stored.title, stored.language, stored.embedding, stored.embedded_at) == ("A new title", "de", None, None)


def test_a_text_longer_than_the_limit_is_refused_with_a_message_and_nothing_is_stored(settings):
    settings.ARTICLE_MAX_CHARACTERS = 100
    with pytest.raises(ValidationError) as refused:
        services.ingest(content="Titel\n\n" + "Der Rat sagte, es werde gebaut. " * 10)
    assert "the limit is 100" in refused.value.message_dict["content"][0]
    assert not Article.objects.exists()
