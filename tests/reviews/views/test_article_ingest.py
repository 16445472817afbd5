"""The web form, the article list and the admin's ingest view."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from claims.models import Article, FetchAllowedHost
from claims.models.articles import InputFormat
from tests.claims.conftest import ARTICLE_HTML
from tests.conftest import SAMPLE_ARTICLE
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("reviews:article-ingest"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_without_a_role_may_not_ingest(client, oscar):
    client.force_login(oscar)
    assert client.post(reverse("reviews:article-ingest"), {"text": "Ein Satz."}).status_code == 403
    assert not Article.objects.exists()


def test_a_reviewer_pastes_an_article_and_sees_its_claims(client, alice, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:article-ingest"), {"text": SAMPLE_ARTICLE.read_text("utf-8")})
    article = Article.objects.get()
    assert response.status_code == 302 and response.url == reverse("reviews:article-detail", args=[article.pk])
    assert article.ingested_by == alice
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["claims"].count() == 14
    assert "Wolodymyr Selenskyj" in page.content.decode()


def test_an_uploaded_file_is_ingested_like_pasted_text(client, alice, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with SAMPLE_ARTICLE.open("rb") as upload, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:article-ingest"), {"file": upload})
    assert Article.objects.get().claims.count() == 14


def test_a_binary_upload_gets_a_form_error_and_nothing_is_stored(client, alice, tmp_path):
    client.force_login(alice)
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    with path.open("rb") as upload:
        response = client.post(reverse("reviews:article-ingest"), {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The input looks like a binary file, not text."]
    assert not Article.objects.exists()


def test_an_empty_form_asks_for_text_or_a_file(client, alice):
    client.force_login(alice)
    response = client.post(reverse("reviews:article-ingest"), {"text": "   "})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Article.objects.exists()


def test_the_article_list_is_paginated(client, alice):
    for _ in range(27):
        make_article()
    client.force_login(alice)
    first, second = client.get(reverse("reviews:article-list")), client.get(reverse("reviews:article-list") + "?page=2")
    assert len(first.context["page"]) == 25 and len(second.context["page"]) == 2


def test_the_admin_add_article_page_is_the_ingest_form(client, adam, django_capture_on_commit_callbacks):
    client.force_login(adam)
    assert client.get(reverse("admin:claims_article_add")).url == reverse("admin:claims_article_ingest")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:claims_article_ingest"), {"text": SAMPLE_ARTICLE.read_text("utf-8")})
    article = Article.objects.get()
    assert response.url == reverse("admin:claims_article_change", args=[article.pk])
    assert article.claims.count() == 14 and article.ingested_by == adam


@pytest.mark.parametrize("name", ["article", "claim", "speaker", "source", "document", "proposal"])
def test_every_claims_model_has_a_working_admin_list(client, adam, name):
    make_article()
    client.force_login(adam)
    assert client.get(reverse(f"admin:claims_{name}_changelist") + "?q=x").status_code == 200


def test_the_page_is_available_in_german(client, alice):
    client.force_login(alice)
    page = client.get(reverse("reviews:article-list"), headers={"accept-language": "de"})
    assert page.context["LANGUAGE_CODE"] == "de"
    assert "Artikel" in page.content.decode()


def test_a_url_given_alone_is_fetched_and_stored(client, alice, allowed_web):
    url = allowed_web.add("/artikel", ARTICLE_HTML)
    client.force_login(alice)
    response = client.post(reverse("reviews:article-ingest"), {"url": url})
    article = Article.objects.get()
    assert response.status_code == 302 and response.url == reverse("reviews:article-detail", args=[article.pk])
    assert (article.url, article.input_format, article.ingested_by) == (url, InputFormat.URL, alice)
    assert article.title == "Stadtrat beschließt Haushalt"
    assert "Anna Schmidt" in client.get(response.url).content.decode()


def test_a_refused_url_is_a_form_error_on_the_url_and_nothing_is_stored(client, alice, web):
    url = web.add("/artikel", ARTICLE_HTML)
    client.force_login(alice)
    response = client.post(reverse("reviews:article-ingest"), {"url": url})
    assert response.status_code == 200
    assert "loopback address" in response.context["form"].errors["url"][0]
    assert not Article.objects.exists() and web.requests == []


def test_a_fetched_page_without_an_article_is_a_form_error_on_the_url(client, alice, allowed_web):
    url = allowed_web.add("/leer", "<html><body><nav>Start</nav></body></html>")
    client.force_login(alice)
    response = client.post(reverse("reviews:article-ingest"), {"url": url})
    assert "No article text" in response.context["form"].errors["url"][0]
    assert not Article.objects.exists()


def test_with_text_the_url_is_only_where_the_article_was_published(client, alice, web):
    client.force_login(alice)
    client.post(reverse("reviews:article-ingest"), {"text": "Titel\n\nEin Satz.", "url": web.url("/artikel")})
    article = Article.objects.get()
    assert article.url == web.url("/artikel") and article.input_format == InputFormat.TEXT
    assert web.requests == []


def test_an_uploaded_html_file_is_read_as_a_web_page(client, alice, tmp_path):
    path = tmp_path / "seite.html"
    path.write_text(ARTICLE_HTML, "utf-8")
    client.force_login(alice)
    with path.open("rb") as upload:
        client.post(reverse("reviews:article-ingest"), {"file": upload})
    article = Article.objects.get()
    assert article.input_format == InputFormat.HTML and article.title == "Stadtrat beschließt Haushalt"
    assert "SCRIPT-IN-BODY" not in article.text and "<p>" not in article.text


def test_pasted_html_is_read_as_a_web_page(client, alice):
    client.force_login(alice)
    client.post(reverse("reviews:article-ingest"), {"text": ARTICLE_HTML})
    article = Article.objects.get()
    assert article.input_format == InputFormat.HTML and article.author == "Anna Schmidt"


def test_text_and_a_file_together_are_refused(client, alice, tmp_path):
    path = tmp_path / "artikel.txt"
    path.write_text("Titel\n\nEin Satz.", "utf-8")
    client.force_login(alice)
    with path.open("rb") as upload:
        response = client.post(reverse("reviews:article-ingest"), {"text": "Titel\n\nEin Satz.", "file": upload})
    assert response.context["form"].non_field_errors() and not Article.objects.exists()


def test_the_admin_ingests_a_url_alone(client, adam, allowed_web):
    url = allowed_web.add("/artikel", ARTICLE_HTML)
    client.force_login(adam)
    response = client.post(reverse("admin:claims_article_ingest"), {"url": url})
    article = Article.objects.get()
    assert response.url == reverse("admin:claims_article_change", args=[article.pk])
    assert article.url == url and article.ingested_by == adam


def test_the_admin_shows_a_refused_url_on_the_form(client, adam, web):
    client.force_login(adam)
    response = client.post(reverse("admin:claims_article_ingest"), {"url": web.add("/a", ARTICLE_HTML)})
    assert response.status_code == 200 and "loopback address" in response.content.decode()
    assert not Article.objects.exists()


def test_a_superuser_adds_a_host_to_the_fetch_allow_list_in_the_admin(client, db):
    root = get_user_model().objects.create_superuser("root", password="root-password")
    client.force_login(root)
    response = client.post(
        reverse("admin:claims_fetchallowedhost_add"), {"host": " Intranet.Example. ", "note": "Pressestelle"}
    )
    assert response.status_code == 302
    assert list(FetchAllowedHost.objects.values_list("host", "note")) == [("intranet.example", "Pressestelle")]
    assert client.get(reverse("admin:claims_fetchallowedhost_changelist") + "?q=intra").status_code == 200
