"""Ingesting articles through the API and following their extraction."""

import pytest

from claims.models import Article
from tests.claims.conftest import allowed_web, web  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

TEXT = "date 2025-08-15 Radweg-Bilanz\n\nDie Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen, sagte Anna Beispiel."


def test_text_is_stored_at_once_with_a_status_url(reviewer_key, alice):
    response = reviewer_key.post("/api/v1/articles/", {"text": TEXT, "url": "https://example.org/a"}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    # Whether the queue took the task is only known once the request's transaction commits, which a test's own
    # transaction postpones: tests/test_queueing.py checks it on committed data.
    body.pop("processing_delayed")
    article = Article.objects.get()
    assert body == {
        "id": article.pk,
        "created": True,
        "status_url": f"/api/v1/articles/{article.pk}",
        "extraction_status": "pending",
    }
    assert response["Location"] == body["status_url"]
    assert (article.ingested_by, article.url, article.title) == (alice, "https://example.org/a", "Radweg-Bilanz")


def test_the_same_content_again_returns_the_stored_article(reviewer_key):
    first = reviewer_key.post("/api/v1/articles/", {"text": TEXT}, format="json").json()
    again = reviewer_key.post("/api/v1/articles/", {"text": TEXT}, format="json")
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["id"] == first["id"]
    assert Article.objects.count() == 1


def test_html_is_read_as_a_page(reviewer_key):
    page = "<!doctype html><html><head><title>Bilanz</title></head><body><article><h1>Bilanz</h1>"
    page += "<p>Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen, sagte der Senator am Montag.</p>"
    page += "<p>Der Haushalt der Stadt wächst im kommenden Jahr um drei Millionen Euro.</p></article></body></html>"
    response = reviewer_key.post("/api/v1/articles/", {"html": page}, format="json")
    assert response.status_code == 202, response.content
    assert Article.objects.get().input_format == "html"


def test_a_url_alone_is_fetched(reviewer_key, allowed_web):  # noqa: F811
    url = allowed_web.add("/story", "Radweg\n\nDie Zahl der Radunfälle ist 2024 gestiegen.", content_type="text/plain")
    response = reviewer_key.post("/api/v1/articles/", {"url": url}, format="json")
    assert response.status_code == 202, response.content
    assert Article.objects.get().url == url


def test_a_url_that_must_not_be_fetched_is_a_400(reviewer_key, web):  # noqa: F811
    response = reviewer_key.post("/api/v1/articles/", {"url": web.url("/x")}, format="json")
    assert response.status_code == 400 and "url" in response.json()["error"]["fields"]
    assert not Article.objects.exists() and web.requests == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "text"),
        ({"text": "a", "html": "<p>b</p>"}, "html"),
        ({"text": ""}, "text"),
        ({"text": "x", "url": "ftp://x"}, "url"),
        ({"text": "Ein Satz.", "url": "https://example.org/\u0001a"}, "url"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(reviewer_key, body, field):
    response = reviewer_key.post("/api/v1/articles/", body, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.content
    assert not Article.objects.exists()


def test_a_body_that_is_not_json_is_a_400(reviewer_key):
    response = reviewer_key.post("/api/v1/articles/", b"{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


def test_the_article_shows_its_extraction_and_its_claims(read_key, claim):
    body = read_key.get(f"/api/v1/articles/{claim.article_id}/").json()
    assert body["extraction"]["status"] == "pending"
    assert [(c["id"], c["status"]) for c in body["claims"]] == [(claim.pk, "unverified")]


def test_articles_are_listed_and_found_by_url(read_key, claim):
    body = read_key.get("/api/v1/articles/", {"url": "https://example.org/radweg"}).json()
    assert [a["id"] for a in body["results"]] == [claim.article_id]
    assert read_key.get("/api/v1/articles/", {"url": "https://example.org/none"}).json()["results"] == []
