"""The ingest form's own rules, before anything reaches the ingest service."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.forms import IngestForm


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/a.txt",
        "ftps://example.org/a.txt",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "not a url",
        "https://example.org/\x01a",
    ],
)
def test_an_address_that_is_not_http_is_a_form_error_said_once(url):
    form = IngestForm({"url": url})
    assert not form.is_valid() and form.errors["url"] == ["Enter a valid URL."]


def test_an_http_address_alone_is_accepted():
    assert IngestForm({"url": "https://example.org/artikel"}).is_valid()


def test_text_refused_for_its_own_reason_is_the_only_error():
    form = IngestForm({"text": "Ein Satz\x00 mit NUL."})
    assert not form.is_valid()
    assert form.errors["text"] and "__all__" not in form.errors


def test_an_empty_file_is_the_only_error():
    form = IngestForm({}, {"file": SimpleUploadedFile("artikel.txt", b"")})
    assert not form.is_valid()
    assert form.errors["file"] and "__all__" not in form.errors


def test_nothing_at_all_asks_for_the_article():
    form = IngestForm({})
    assert form.errors["__all__"] == ["Paste the article, choose a file or give the URL of its page."]
