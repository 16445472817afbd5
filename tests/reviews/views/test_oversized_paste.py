"""A form over the upload limit: the ingest form shows it again with the real size and keeps what it can; any other
form is the styled 413 page in the reader's language."""

import html
import re

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from claims.models import Article
from factcheck.middleware import bad_request
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

INGEST = reverse("reviews:article-ingest")
# Over DATA_UPLOAD_MAX_MEMORY_SIZE (2 × ARTICLE_MAX_BYTES, 4,000,000 bytes): Django would refuse to read the form.
PASTE = "Ein Satz über den Haushalt. " * 180_000


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def test_a_paste_over_the_upload_limit_is_a_form_error_with_its_real_size_and_the_url_kept(client, alice):
    client.force_login(alice)
    size = len(PASTE.encode())
    response = client.post(INGEST, {"text": PASTE, "url": "https://example.org/haushalt"})
    page = page_of(response)
    assert response.status_code == 200 and size > 5_000_000
    assert f"The article is {size:,} bytes; the limit is 2,000,000 bytes." in page
    assert re.search(r'name="url"[^>]*value="https://example.org/haushalt"', page)
    assert "Kept: URL." in page and "more than the 4,000,000 bytes a form may be" in page
    assert Article.objects.count() == 0


def test_the_oversized_form_is_still_csrf_protected(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    refused = client.post(INGEST, {"text": PASTE})
    assert refused.status_code == 403
    client.get(INGEST)
    token = client.cookies["csrftoken"].value
    answered = client.post(INGEST, {"csrfmiddlewaretoken": token, "text": PASTE, "url": "https://example.org/a"})
    assert answered.status_code == 200 and "bytes; the limit is 2,000,000 bytes" in page_of(answered)


def test_a_five_megabyte_file_is_reported_with_its_size_not_the_limit_plus_one(client, alice):
    client.force_login(alice)
    upload = SimpleUploadedFile("gross.txt", b"x" * 5_000_000, content_type="text/plain")
    page = page_of(client.post(INGEST, {"file": upload}))
    assert "The article is 5,000,000 bytes; the limit is 2,000,000 bytes." in page
    assert "2,000,001" not in page and Article.objects.count() == 0


def test_a_file_over_the_article_limit_but_within_the_form_limit_is_reported_with_its_size(client, alice):
    client.force_login(alice)
    upload = SimpleUploadedFile("gross.txt", b"x" * 3_000_000, content_type="text/plain")
    page = page_of(client.post(INGEST, {"file": upload}))
    assert "The article is 3,000,000 bytes; the limit is 2,000,000 bytes." in page and "2,000,001" not in page


def test_a_paste_within_the_limits_is_still_stored(client, alice):
    client.force_login(alice)
    response = client.post(INGEST, {"text": "Titel\n\nDer Stadtrat hat den Haushalt beschlossen."})
    assert response.status_code == 302 and Article.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "heading", "sentence"),
    [
        ("en", "Too large to send", "You sent {size} bytes; a form may be at most 4,000,000 bytes."),
        ("de", "Zu groß zum Senden", "Sie haben {size} Bytes gesendet; ein Formular darf höchstens 4.000.000 Bytes"),
    ],
)
def test_any_other_form_over_the_limit_is_the_styled_413_page_in_the_reader_s_language(
    client, alice, claim_to_comment, language, heading, sentence
):
    client.force_login(alice)
    body = "text=" + "x" * 4_100_000
    response = client.post(
        reverse("reviews:add-comment", args=[claim_to_comment.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    page = page_of(response)
    size = f"{len(body):,}" if language == "en" else f"{len(body):,}".replace(",", ".")
    assert response.status_code == 413 and f"<h1>{heading}</h1>" in page
    assert sentence.format(size=size) in page and 'class="bar"' in page


@pytest.fixture
def claim_to_comment():
    return make_claim()


def test_a_body_too_large_that_reaches_the_400_handler_is_the_413_page_outside_the_api_only(rf):
    request = rf.post("/somewhere/", data="x", content_type="text/plain", CONTENT_LENGTH="5000000")
    request.user = None
    page = bad_request(request, RequestDataTooBig())
    assert page.status_code == 413 and "You sent 5,000,000 bytes" in page.content.decode()
    api = bad_request(rf.post("/api/v1/articles/"), RequestDataTooBig())
    assert api.status_code == 413 and b'"too_large"' in api.content
