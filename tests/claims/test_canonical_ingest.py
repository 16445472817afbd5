"""Articles matched on their canonical URL: ingest de-duplicates on it and keeps a URL sent later, and the
`article_url` filters of the queues and the API find an article by any form of its address."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from claims.filters import ClaimFilter
from claims.models import Article
from claims.services.ingest import ingest
from tests.api.conftest import key_client
from tests.claims.conftest import ARTICLE_HTML
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db

TEXT = "Titel\n\nDer Stadtrat hat am Donnerstag den Haushalt beschlossen."


def test_the_same_text_sent_again_with_its_url_keeps_the_url():
    first = ingest(content=TEXT)
    again = ingest(content=TEXT, url="http://www.example.org/politik/haushalt/?utm_source=x")
    article = Article.objects.get()
    assert first.created and not again.created and again.article == article
    assert article.url == "http://www.example.org/politik/haushalt/?utm_source=x" == again.article.url
    assert article.canonical_url == "https://example.org/politik/haushalt"


def test_a_url_already_stored_is_not_replaced_by_another():
    ingest(content=TEXT, url="https://example.org/a")
    ingest(content=TEXT, url="https://example.org/b")
    assert Article.objects.get().url == "https://example.org/a"


def test_an_article_s_canonical_url_follows_its_url_when_it_is_edited():
    article = make_article(url="http://www.example.org/a/")
    assert article.canonical_url == "https://example.org/a"
    article.url = "https://example.org/b?utm_medium=email"
    article.save(update_fields=["url"])
    article.refresh_from_db()
    assert article.canonical_url == "https://example.org/b"


def test_a_page_already_stored_under_another_form_of_its_address_is_not_fetched_again(allowed_web):
    url = allowed_web.add("/politik/haushalt", ARTICLE_HTML)
    first = ingest(url=url)
    variant = url.replace("http://", "https://").replace("/politik/haushalt", "/politik/haushalt/") + "?fbclid=1"
    again = ingest(url=variant + "#kommentare")
    assert first.created and not again.created and again.article == first.article
    assert Article.objects.count() == 1
    # The second address was answered from the database: the server saw one request.
    assert [path for path, _host in allowed_web.requests] == ["/politik/haushalt"]


def test_a_page_that_redirects_to_a_stored_address_returns_the_stored_article(allowed_web):
    stored = make_article(url=allowed_web.url("/politik/haushalt"))
    allowed_web.add("/politik/haushalt", "<html><body><article><p>Eine andere Fassung.</p></article></body></html>")
    short = allowed_web.redirect("/kurz", allowed_web.url("/politik/haushalt?utm_source=feed"))
    result = ingest(url=short)
    assert not result.created and result.article == stored
    assert Article.objects.count() == 1


def test_a_refused_url_is_still_refused_when_nothing_is_stored_there(web):
    with pytest.raises(ValidationError) as error:
        ingest(url=web.add("/artikel", ARTICLE_HTML))
    assert "loopback address" in error.value.message_dict["url"][0]


def claim_ids(query: str) -> list[int]:
    request = RequestFactory().get("/claims/", query)
    return sorted(claim.pk for claim in ClaimFilter(request.GET, request=request).qs)


@pytest.mark.parametrize(
    "asked",
    [
        "https://example.org/radweg",
        "http://example.org/radweg",
        "https://www.example.org/radweg",
        "https://example.org/radweg/",
        "https://example.org/radweg?utm_source=newsletter&utm_campaign=x",
        "https://EXAMPLE.org/radweg#top",
        "example.org/radweg",
    ],
)
def test_the_claim_filter_finds_an_article_by_any_form_of_its_url(asked):
    claim = make_claim(make_article(url="https://www.example.org/radweg/?utm_source=twitter"))
    make_claim(make_article(url="https://example.org/radweg-2"))
    assert claim_ids({"article_url": asked}) == [claim.pk]


def test_the_claim_filter_compares_a_value_that_is_no_url_as_given():
    make_claim(make_article(url="https://example.org/radweg"))
    make_claim(make_article())
    assert claim_ids({"article_url": "not a url"}) == []


def test_the_api_finds_claims_and_articles_by_any_form_of_the_article_url(cms):
    article = make_article(url="https://www.example.org/radweg/")
    claim = make_claim(article)
    make_claim(make_article(url="https://example.org/anderswo"))
    client = key_client(cms, "read")
    claims = client.get("/api/v1/claims/", {"article_url": "http://example.org/radweg?utm_source=x"}).json()
    articles = client.get("/api/v1/articles/", {"url": "example.org/radweg#top"}).json()
    assert [row["id"] for row in claims["results"]] == [claim.pk]
    assert [row["id"] for row in articles["results"]] == [article.pk]
