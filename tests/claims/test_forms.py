"""The ingest form's own rules, before anything reaches the ingest service."""

import pytest

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
