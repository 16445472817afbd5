"""Turning raw input into the stored text: plain Python, no database."""

import datetime

import pytest

from claims.analysis.documents import InputError, content_hash, decode, normalise, parse_plain_text


def test_dateline_gives_date_and_headline_and_is_dropped_from_the_text():
    parsed = parse_plain_text(" date 2025-08-15 USA und Russland einig\n\nErster Absatz.")
    assert parsed.published_on == datetime.date(2025, 8, 15)
    assert parsed.title == "USA und Russland einig"
    assert parsed.text == "USA und Russland einig\n\nErster Absatz."


def test_dateline_with_an_impossible_date_is_refused_with_the_date_named():
    with pytest.raises(InputError, match="2025-13-40"):
        parse_plain_text("date 2025-13-40 Headline\n\nText.")


def test_short_first_line_without_a_sentence_end_is_the_headline():
    assert parse_plain_text("Council opens school\n\nThe council said so.").title == "Council opens school"


def test_first_line_that_is_a_sentence_is_not_taken_as_headline():
    parsed = parse_plain_text("The council said so.\nMore text.")
    assert parsed.title == ""
    assert parsed.published_on is None


@pytest.mark.parametrize("raw", ["", "   \n\t\n  "])
def test_empty_input_is_refused(raw):
    with pytest.raises(InputError, match="empty"):
        parse_plain_text(raw)


def test_bytes_with_nul_are_refused_as_binary():
    with pytest.raises(InputError, match="binary"):
        decode(b"PK\x03\x04\x00\x00rest of a zip file")


def test_bytes_that_are_not_utf8_are_refused_with_the_position():
    with pytest.raises(InputError, match="position 7"):
        decode("Stadt München".encode("latin-1"))


def test_utf8_byte_order_mark_is_dropped():
    assert decode("\ufeffText".encode()) == "Text"


def test_line_ends_are_unix_and_unicode_is_composed():
    assert normalise("Stra\u0073\u0073e\r\nMu\u0308nchen\r") == "Strasse\nM\u00fcnchen"


def test_a_few_stray_control_characters_are_removed():
    assert normalise("Ein Satz\x07 mit Steuerzeichen." + " Mehr Text." * 20).startswith("Ein Satz mit")


def test_many_control_characters_mean_binary():
    with pytest.raises(InputError, match="binary"):
        normalise("\x01\x02\x03\x04abc")


def test_same_text_same_hash_different_text_different_hash():
    assert content_hash("a") == content_hash("a") != content_hash("b")
