"""The registry's row rules on their own: plain Python, no database."""

import datetime

import pytest

from claims.registry.rows import RowError, clean_document, clean_source, row_key

KINDS, RELIABILITIES = ("outlet", "institution"), ("high", "low", "unknown")


def test_a_source_row_becomes_its_key_and_fields_in_their_normal_form():
    row = {"key": "bundestag", "name": " Bundestag ", "kind": "institution", "domain": "Bundestag.DE."}
    row["aliases"] = [" BT "]
    key, fields = clean_source(row, kinds=KINDS, reliabilities=RELIABILITIES)
    assert key == "bundestag"
    assert fields == {"name": "Bundestag", "kind": "institution", "domain": "bundestag.de", "aliases": ["BT"]}


def test_a_kind_outside_the_given_choices_is_refused_with_the_choices_named():
    with pytest.raises(RowError, match='`kind` "newspaper" is not one of: outlet, institution.'):
        clean_source({"key": "x", "name": "X", "kind": "newspaper"}, kinds=KINDS, reliabilities=RELIABILITIES)


def test_a_document_row_becomes_its_source_key_and_fields_with_a_date():
    row = {"source": "bundestag", "title": "Artikel 115a", "text": "Text.", "published_on": "1968-06-24"}
    assert clean_document(row) == (
        "bundestag",
        {"title": "Artikel 115a", "text": "Text.", "published_on": datetime.date(1968, 6, 24)},
    )


@pytest.mark.parametrize("key", ["gg 115a", "gg/115a", "ü"])
def test_a_key_that_is_no_slug_is_refused(key):
    with pytest.raises(RowError, match="must be a slug"):
        clean_document({"key": key, "source": "s", "title": "T", "text": "x"})


def test_the_key_of_a_row_is_named_even_when_the_row_is_not_an_object():
    assert (row_key({"key": " a "}), row_key({"key": 7}), row_key(["a"])) == ("a", "", "")


@pytest.mark.parametrize(
    "url",
    ["https://example.org/\x01a", "https://example.org/a\x7f", "https://example.org/\x1b[31m", "https://e\x85.org/"],
)
def test_a_document_url_with_a_control_character_is_refused(url):
    with pytest.raises(RowError, match="is not an http\\(s\\) URL"):
        clean_document({"key": "d", "source": "s", "title": "T", "text": "x", "url": url})


def test_a_document_url_with_letters_of_any_script_is_kept():
    url = "https://de.wikipedia.org/wiki/Stra\u00dfe_\u0639"
    assert clean_document({"key": "d", "source": "s", "title": "T", "text": "x", "url": url})[1]["url"] == url
