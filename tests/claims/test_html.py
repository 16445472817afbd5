"""Web pages to stored text: plain Python, no database."""

import datetime

import pytest

from claims.analysis.documents import InputError
from claims.analysis.html import decode_html, looks_like_html, parse_html
from claims.analysis.sentences import split_sentences
from tests.claims.conftest import ARTICLE_HTML


def test_the_main_text_starts_with_the_headline_and_keeps_one_paragraph_a_line():
    parsed = parse_html(ARTICLE_HTML)
    paragraphs = parsed.text.split("\n\n")
    assert paragraphs[0] == "Stadtrat beschließt Haushalt"
    assert len(paragraphs) == 4
    assert paragraphs[1].startswith("Der Stadtrat hat am Donnerstag") and paragraphs[1].endswith("im Vorjahr.")
    assert paragraphs[3].startswith("Laut Kämmerer Jonas Weber") and paragraphs[3].endswith("610 Millionen Euro.")
    # Line breaks inside a paragraph of the source are not paragraph breaks.
    assert all("\n" not in paragraph for paragraph in paragraphs)


def test_title_date_and_author_come_from_the_page():
    parsed = parse_html(ARTICLE_HTML)
    assert parsed.title == "Stadtrat beschließt Haushalt"
    assert parsed.published_on == datetime.date(2025, 8, 14)
    assert parsed.author == "Anna Schmidt"


def test_navigation_cookie_banner_related_links_and_footer_are_dropped():
    text = parse_html(ARTICLE_HTML).text
    for boilerplate in ("Startseite", "Politik", "Cookies", "Mehr zum Thema", "Haushaltsstreit", "Impressum"):
        assert boilerplate not in text


def test_scripts_styles_and_structured_data_never_reach_the_text():
    text = parse_html(ARTICLE_HTML).text
    for hidden in ("SCRIPT-IN-HEAD", "SCRIPT-IN-BODY", "document.write", "JSON-LD-PAYLOAD", "secret-style"):
        assert hidden not in text


def test_the_headline_and_every_paragraph_become_sentences_of_their_own():
    parsed = parse_html(ARTICLE_HTML)
    sentences = split_sentences(parsed.text, "de")
    assert sentences[0].text == "Stadtrat beschließt Haushalt" and sentences[0].is_headline
    assert [s.text for s in sentences if s.text.startswith("„Wir investieren")] == [
        "„Wir investieren in Schulen und Kitas“, sagte Bürgermeisterin Petra Klein nach der Abstimmung."
    ]
    assert all(parsed.text[s.start : s.end] == s.text for s in sentences)


def test_a_page_title_outside_the_text_is_put_first_as_the_headline():
    page = """<html><head><title>Council opens twelve schools</title></head><body><div class="content">
      <p>The council said on Monday that twelve new schools will open next year, the mayor told reporters.</p>
      <p>The schools will cost 30 million pounds, according to the council's budget.</p></div></body></html>"""
    parsed = parse_html(page)
    assert parsed.title == "Council opens twelve schools"
    assert parsed.text.startswith("Council opens twelve schools\n\nThe council said on Monday")


def test_a_date_in_the_text_is_not_taken_as_the_publication_date():
    page = """<html><head><title>Unfallzahlen steigen</title></head><body><article><h1>Unfallzahlen steigen</h1>
      <p>Am 15. August 2024 sagte der Minister, die Zahl der Unfälle sei um zwölf Prozent gestiegen. Die Polizei
      bestätigte die Zahlen am Dienstag in einer Pressekonferenz in der Landeshauptstadt.</p></article></body></html>"""
    assert parse_html(page).published_on is None


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><nav><a href='/'>Home</a><a href='/news'>News</a></nav><footer>Imprint</footer></body></html>",
        "<html><head><script>var article = 'not here';</script></head><body><script>x()</script></body></html>",
        "<html><body><div id='cookie-banner'>We use cookies. Accept all cookies to read on?</div></body></html>",
        "<!doctype html><html><body></body></html>",
    ],
)
def test_a_page_without_article_text_is_refused_with_a_clear_message(page):
    with pytest.raises(InputError, match="No article text was found in the HTML"):
        parse_html(page)


@pytest.mark.parametrize("page", ["", "   \n ", b""])
def test_an_empty_page_is_refused(page):
    with pytest.raises(InputError, match="empty"):
        parse_html(page)


def test_bytes_are_read_in_the_charset_the_page_declares():
    page = "<html><head><meta charset='iso-8859-1'></head><body><article><h1>Grüße aus München</h1><p>Der Bürgermeister sagte am Montag, dass die Straße ab Juni für vier Wochen gesperrt werde.</p></article></body></html>"  # noqa: E501
    parsed = parse_html(page.encode("latin-1"))
    assert parsed.title == "Grüße aus München" and "Straße" in parsed.text


def test_the_charset_the_server_names_wins_over_the_page_and_a_byte_order_mark_over_both():
    page = "<meta charset='utf-8'><p>Straße</p>".encode("latin-1")
    assert decode_html(page, "iso-8859-1") == "<meta charset='utf-8'><p>Straße</p>"
    assert decode_html(b"\xef\xbb\xbf<p>Stra\xc3\x9fe</p>", "iso-8859-1") == "<p>Straße</p>"


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (b"<p>Stra\xdfe</p>", None, "not valid utf-8"),
        (b"<meta charset='klingon'><p>x</p>", None, "'klingon', which is not known"),
        (b"<p>x</p>", "rot13", "'rot13', which is not known"),
        (b"<p>\x00\x01\x02</p>", None, "binary"),
    ],
)
def test_bytes_that_cannot_be_read_are_refused_with_the_reason(data, encoding, message):
    with pytest.raises(InputError, match=message):
        decode_html(data, encoding)


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        ("<!DOCTYPE html><html>…", "", True),
        ("\n  <html lang='de'>", "", True),
        ("<p>Ein Absatz.</p>", "", True),
        ("<!-- saved page --><div>", "", True),
        (b"\xef\xbb\xbf<html>", "", True),
        ('<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', "", True),
        ("<?XML version='1.0'?><html>", "-", True),
        ("<?xml-Dateien sind Text", "", False),
        ("Plain text, even with <b>tags</b> later.", "", False),
        ("<3 Liebe ist ein Gefühl.", "", False),
        ("< 5 % der Befragten", "", False),
        ("date 2025-08-15 Headline", "", False),
        ("Ein Satz.", "saved.HTML", True),
        ("Ein Satz.", "seite.htm", True),
        ("<p>Ein Absatz.</p>", "notes.txt", True),
    ],
)
def test_html_is_told_from_plain_text_by_file_name_or_a_leading_tag(content, filename, expected):
    assert looks_like_html(content, filename) is expected


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>The minister said on Monday that 34 hospitals had closed.</p>",
        "<div>Der Minister sagte am Montag, 34 Kliniken hätten geschlossen.</div>",
        "<article><h1>Kliniken</h1><p>Der Minister sagte am Montag, 34 Kliniken hätten geschlossen.</p></article>",
    ],
)
def test_a_fragment_without_a_page_around_it_is_read_as_the_body_of_one(fragment):
    parsed = parse_html(fragment)
    assert "34" in parsed.text and ("hospitals" in parsed.text or "Kliniken" in parsed.text)
    assert "<" not in parsed.text
