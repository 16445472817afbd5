"""The canonical form of an article's URL: one key for the many addresses of one page."""

import pytest

from claims.canonical import canonical_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("http://example.org/politik/radweg", "https://example.org/politik/radweg"),
        ("https://www.example.org/politik/radweg", "https://example.org/politik/radweg"),
        ("https://EXAMPLE.org/Politik/Radweg", "https://example.org/Politik/Radweg"),
        ("https://example.org/politik/radweg/", "https://example.org/politik/radweg"),
        ("https://example.org/", "https://example.org"),
        ("https://example.org", "https://example.org"),
        ("https://example.org/a#kommentare", "https://example.org/a"),
        ("https://example.org/a?utm_source=newsletter&utm_medium=email", "https://example.org/a"),
        ("https://example.org/a?UTM_Campaign=x", "https://example.org/a"),
        ("https://example.org/a?fbclid=IwAR0abc", "https://example.org/a"),
        ("https://example.org/a?gclid=Cj0KCQ&id=7", "https://example.org/a?id=7"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
        ("https://example.org/a?page=2&utm_source=x&id=7", "https://example.org/a?id=7&page=2"),
        ("https://example.org/a?q=x%26y", "https://example.org/a?q=x%26y"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("http://example.org:80/a", "https://example.org/a"),
        ("http://example.org:8080/a", "https://example.org:8080/a"),
        ("https://user:secret@example.org/a", "https://example.org/a"),
        ("https://example.org./a", "https://example.org/a"),
        ("https://example.org/stra%C3%9Fe", "https://example.org/straße"),
        ("https://example.org/straße", "https://example.org/straße"),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("https://[2001:DB8::1]/a", "https://[2001:db8::1]/a"),
        ("  www.example.org/a/  ", "https://example.org/a"),
        ("localhost:8000/a", "https://localhost:8000/a"),
        ("HTTP://WWW.Example.ORG/a/?utm_source=x#top", "https://example.org/a"),
    ],
)
def test_a_url_has_one_canonical_form(url, canonical):
    assert canonical_url(url) == canonical


def test_the_addresses_of_one_page_share_their_canonical_form():
    forms = {
        "http://www.tagesblatt.example/politik/haushalt/?utm_source=twitter",
        "https://tagesblatt.example/politik/haushalt",
        "https://TAGESBLATT.example/politik/haushalt#comments",
        "https://tagesblatt.example/politik/haushalt/?fbclid=abc",
    }
    assert len({canonical_url(url) for url in forms}) == 1


def test_different_pages_keep_different_canonical_forms():
    assert canonical_url("https://example.org/a?id=1") != canonical_url("https://example.org/a?id=2")
    assert canonical_url("https://example.org/a") != canonical_url("https://example.org/A")
    assert canonical_url("https://example.org/a") != canonical_url("https://news.example.org/a")


@pytest.mark.parametrize(
    "url",
    ["", "   ", "ftp://example.org/a", "mailto:someone@example.org", "javascript:alert(1)", "https://", "http://[::1"],
)
def test_what_is_not_an_http_url_has_no_canonical_form(url):
    assert canonical_url(url) == ""
