"""The ingest service: an article stored from text, HTML or a fetched page, and extraction queued once it is
committed."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from claims.models import Article, Claim, WorkStatus
from claims.models.articles import InputFormat
from claims.services.ingest import ingest
from tests.claims.conftest import ARTICLE_HTML
from tests.claims.services.conftest import ingest_sample
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_GOLD
from tests.factories import make_article

pytestmark = pytest.mark.django_db


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
        ingest(content=b"Headline\n\nOne sentence here.")
    assert len(callbacks) == 1
    assert Article.objects.get().extraction_status == WorkStatus.PENDING
    assert not Claim.objects.exists()


def test_the_same_article_twice_returns_the_stored_one_and_stores_nothing_new(django_capture_on_commit_callbacks):
    first = ingest_sample(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # The same content with Windows line ends and a byte-order mark is the same article.
        again = ingest(content=b"\xef\xbb\xbf" + SAMPLE_ARTICLE.read_bytes().replace(b"\n", b"\r\n"))
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
        ingest(content=content)
    assert message in error.value.message_dict["content"][0]
    assert Article.objects.count() == 1


def test_an_oversized_article_is_refused_with_the_limit_named(settings):
    settings.ARTICLE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="limit is 1,000 bytes"):
        ingest(content="Ein Satz. " * 101)
    assert not Article.objects.exists()


# HTML and URLs: the local web server and ARTICLE_HTML come from tests/claims/conftest.py.


def test_html_is_stored_as_its_main_text_with_title_date_and_author(django_capture_on_commit_callbacks, alice):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = ingest(content=ARTICLE_HTML.encode(), input_format=InputFormat.HTML, actor=alice)
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
    ingest(content=ARTICLE_HTML, input_format=InputFormat.HTML, title="Eigener Titel", published_on=date(2025, 1, 2))
    article = Article.objects.get()
    assert (article.title, article.published_on) == ("Eigener Titel", date(2025, 1, 2))


def test_html_without_article_text_is_refused_and_nothing_is_stored():
    with pytest.raises(ValidationError) as error:
        ingest(content="<html><body><nav>Home</nav></body></html>", input_format=InputFormat.HTML)
    assert "No article text" in error.value.message_dict["content"][0]
    assert not Article.objects.exists()


def test_the_size_limit_applies_to_html_too(settings):
    settings.ARTICLE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="limit is 1,000 bytes"):
        ingest(content=ARTICLE_HTML, input_format=InputFormat.HTML)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/a",
        "not a url",
        "https://e.org/" + "a" * 2000,
        "https://example.org/\x01a",
        "https://example.org/a\x7f",
    ],
)
def test_an_origin_that_is_not_an_http_url_is_refused_and_nothing_is_stored(url):
    with pytest.raises(ValidationError) as error:
        ingest(content="Titel\n\nEin Satz.", url=url)
    assert "url" in error.value.message_dict
    assert not Article.objects.exists()


def test_a_url_is_fetched_and_stored_with_where_the_page_was_found(allowed_web, alice):
    allowed_web.add("/artikel", ARTICLE_HTML)
    allowed_web.redirect("/kurz", "/artikel")
    result = ingest(url=allowed_web.url("/kurz"), actor=alice)
    article = Article.objects.get()
    assert result.created and result.article == article
    assert article.url == allowed_web.url("/artikel") and article.input_format == InputFormat.URL
    assert article.title == "Stadtrat beschließt Haushalt" and article.author == "Anna Schmidt"
    assert article.ingested_by == alice and article.extraction_status == WorkStatus.PENDING


def test_the_same_page_fetched_twice_is_stored_once(allowed_web):
    url = allowed_web.add("/artikel", ARTICLE_HTML)
    first = ingest(url=url)
    again = ingest(url=url + "?utm_source=feed")
    assert first.created and not again.created and again.article == first.article
    assert Article.objects.count() == 1


def test_a_fetched_plain_text_page_is_read_as_the_desks_text_format(allowed_web):
    text = "date 2025-08-15 Radweg wird gebaut\n\nDie Stadt baut einen Radweg. Er kostet 3 Millionen Euro."
    url = allowed_web.add("/text", text.encode("latin-1"), content_type="text/plain; charset=iso-8859-1")
    ingest(url=url)
    article = Article.objects.get()
    assert article.title == "Radweg wird gebaut" and str(article.published_on) == "2025-08-15"
    assert article.text.startswith("Radweg wird gebaut\n\nDie Stadt") and article.input_format == InputFormat.URL


def test_a_host_that_is_not_allow_listed_is_refused_on_the_url_field(web):
    url = web.add("/artikel", ARTICLE_HTML)
    with pytest.raises(ValidationError) as error:
        ingest(url=url)
    assert "loopback address" in error.value.message_dict["url"][0]
    assert not Article.objects.exists() and web.requests == []


def test_a_fetched_page_without_an_article_is_refused_on_the_content_field(allowed_web):
    url = allowed_web.add("/leer", "<html><body><nav>Start</nav><footer>Impressum</footer></body></html>")
    with pytest.raises(ValidationError) as error:
        ingest(url=url)
    assert "No article text" in error.value.message_dict["content"][0]
    assert not Article.objects.exists()


def test_a_page_larger_than_the_fetch_limit_is_refused_on_the_url_field(allowed_web, settings):
    settings.FETCH_MAX_BYTES = 1000
    url = allowed_web.add("/artikel", ARTICLE_HTML)
    with pytest.raises(ValidationError) as error:
        ingest(url=url)
    assert "larger than the limit of 1,000 bytes" in error.value.message_dict["url"][0]
    assert not Article.objects.exists()


def test_a_text_longer_than_the_limit_is_refused_with_a_message_and_nothing_is_stored(settings):
    settings.ARTICLE_MAX_CHARACTERS = 100
    with pytest.raises(ValidationError) as refused:
        ingest(content="Titel\n\n" + "Der Rat sagte, es werde gebaut. " * 10)
    assert "the limit is 100" in refused.value.message_dict["content"][0]
    assert not Article.objects.exists()
