"""Property-based tests of parsing, HTML, sentences, attribution, the analysis pipeline and the ingest service.

Whatever arrives (arbitrary Unicode, control characters, NUL bytes, lone surrogates, mixed scripts and directions,
HTML-looking plain text, deeply nested HTML, inputs at and just over ARTICLE_MAX_BYTES), the result is an article or
a clear refusal (`InputError` in the analysis, `ValidationError` with a message in the service), never another
exception and never a hang: every example has a deadline, and the examples are counted so that the whole module
stays within about a minute.
"""

import datetime
import time
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from claims.analysis.documents import CONTROL_CHARACTERS, InputError, content_hash, decode, normalise, parse_plain_text
from claims.analysis.html import decode_charset, decode_html, looks_like_html, parse_html
from claims.analysis.pipeline import analyse_article
from claims.analysis.sentences import split_sentences
from claims.models import Article, Claim
from claims.models.articles import InputFormat
from claims.services.extraction import extract_claims
from claims.services.ingest import ingest

# Pieces of text that have broken text pipelines before: scripts and directions, joiners and marks, quotes of every
# desk language, numbers and dates, markup, control characters, NUL, lone surrogates, odd line ends.
PIECES = [
    "Der Stadtrat hat am Donnerstag den Haushalt beschlossen.",
    "„Wir investieren in Schulen“, sagte Bürgermeisterin Petra Klein.",
    'Laut "Reuters" stieg die Zahl um 1,2 Milliarden Euro auf 3.400.',
    "The minister said on 14 August 2025 that 80% of schools had reopened.",
    "He said: «This is false.»",
    "Sie sagte, er habe gelogen.",
    "قال الوزير إن الميزانية ارتفعت بنسبة ١٢٪.",
    "政府表示，预算增加了百分之十二。",
    "東京都は3日、新たに120人の感染を確認したと発表した。",
    "Президент заявил, что рост составил 5%.",
    "😀🇩🇪👩‍👩‍👧‍👦 🏳️‍🌈",
    "\u200f\u200e\u202e\u202d\u2066\u2069\u061c",
    "\u200b\u200c\u200d\ufeff\u00ad",
    "e\u0301\u0301\u0301 \u0301 a\u20dd",
    "<p>Text</p>",
    "<script>alert('x')</script>",
    "<!-- comment --> &amp; &lt;b&gt; &#0; &#xD800;",
    "<3 < 5 % > 2",
    "date 2025-13-45 Headline",
    "date 2025-08-15 Echte Überschrift",
    "\x00",
    "\x01\x02\x1b\x7f\x85\x9f",
    "\ud800",
    "\udfff",
    "\ud83d",
    "\r\n",
    "\r",
    "\n\n\n",
    "\u2028\u2029\x0b\x0c\x1c\x1d\x1e",
    "\t",
    "Dr. med. Müller u. a. sagten Nr. 5 ca. 3 Std.",
    "...!!!???…",
    "\"\"\"'''“”„«»‹›",
    "(((((",
]
# Any Unicode code point, including unassigned ones and private use; surrogates come from PIECES.
ANY_CHARACTER = st.characters(exclude_categories=["Cs"])
SEPARATORS = st.sampled_from([" ", "\n", " ", "\n\n", "", ". "])


@st.composite
def texts(draw, max_pieces=25):
    """Text built from the pieces above and arbitrary characters, in any order and mixture."""
    parts = draw(st.lists(st.one_of(st.sampled_from(PIECES), st.text(ANY_CHARACTER, max_size=12)), max_size=max_pieces))
    return "".join(part + draw(SEPARATORS) for part in parts)


@st.composite
def html_pages(draw):
    """Markup around the texts above: tags a page has, unclosed and misnested ones, attributes and entities."""
    tags = st.sampled_from(
        ["p", "div", "article", "h1", "span", "b", "nav", "footer", "script", "style", "table", "td", "li", "br",
         "title", "meta", "time", "a", "svg", "math", "template", "noscript", "iframe", "frameset"]
    )  # fmt: skip
    parts = []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.integers(0, 3))
        tag = draw(tags)
        if kind == 0:
            parts.append(f"<{tag}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(f'<{tag} class="{draw(st.text(ANY_CHARACTER, max_size=6))}">')
        else:
            parts.append(draw(texts(max_pieces=4)))
    head = draw(st.sampled_from(["", "<!doctype html>", "<html>", "\ufeff<html><head><title>T</title></head>"]))
    return head + "".join(parts)


def assert_storable(text: str) -> None:
    """What every stored article text is: non-empty, encodable, normalised, free of NUL and control characters."""
    assert text and text == text.strip()
    text.encode("utf-8")  # no lone surrogates
    content_hash(text)
    assert "\x00" not in text and not CONTROL_CHARACTERS.search(text)
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text


def assert_clean_line(value: str) -> None:
    value.encode("utf-8")
    assert "\x00" not in value and not CONTROL_CHARACTERS.search(value) and "\n" not in value


def assert_sentences_slice_back(text: str, sentences) -> None:
    previous_end = 0
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert previous_end <= sentence.start < sentence.end <= len(text)
        previous_end = sentence.end


FAST = settings(max_examples=200, deadline=datetime.timedelta(seconds=2))


# Decoding and normalising --------------------------------------------------------------------------------------


@FAST
@given(data=st.binary(max_size=300) | texts().map(lambda t: t.encode("utf-8", "surrogatepass")))
@example(data=b"\xed\xa0\x80 lone surrogate in UTF-8")
@example(data=b"\xef\xbb\xbf\xef\xbb\xbfzwei BOMs")
@example(data=b"\xff\xfe<\x00p\x00>\x00")
def test_decoding_any_bytes_gives_text_or_a_clear_error(data):
    try:
        text = decode(data)
    except InputError as exc:
        assert str(exc)
        return
    text.encode("utf-8")


@FAST
@given(text=texts())
def test_normalising_gives_clean_idempotent_text_or_a_clear_error(text):
    try:
        clean = normalise(text)
    except InputError as exc:
        assert "binary" in str(exc) or "not valid Unicode" in str(exc)
        return
    if clean:
        assert_storable(clean)
    assert normalise(clean) == clean


@FAST
@given(text=texts())
@example(text="\ud800 Hello world.")
@example(text="<p>Das ist <b>kein</b> HTML, sondern Text über &lt;p&gt;.</p>")
def test_any_plain_text_becomes_a_storable_article_or_a_clear_error(text):
    try:
        parsed = parse_plain_text(text)
    except InputError as exc:
        assert str(exc)
        return
    assert_storable(parsed.text)
    assert_clean_line(parsed.title)
    assert parsed.title in parsed.text


@FAST
@given(content=texts() | st.binary(max_size=200), filename=st.sampled_from(["", "a.txt", "a.HTML", "x.xhtml"]))
def test_telling_html_from_text_never_fails(content, filename):
    assert isinstance(looks_like_html(content, filename), bool)


# HTML ----------------------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=datetime.timedelta(seconds=3))
@given(page=html_pages(), as_bytes=st.booleans())
@example(page="<p>Hallo \ud800 Welt, das ist ein Artikel mit genug Text für einen Absatz.</p>", as_bytes=False)
@example(page="<p>Hallo \x00 Welt, das ist ein Artikel mit genug Text für einen Absatz.</p>", as_bytes=False)
@example(page="<html><head><title>Ti\x00tel \ud800</title></head><body><p>" + "Satz. " * 30, as_bytes=False)
def test_any_markup_becomes_a_storable_article_or_a_clear_error(page, as_bytes):
    raw = page.encode("utf-8", "surrogatepass") if as_bytes else page
    try:
        parsed = parse_html(raw)
    except InputError as exc:
        assert str(exc)
        return
    assert_storable(parsed.text)
    assert_clean_line(parsed.title)
    assert_clean_line(parsed.author)


@settings(max_examples=100, deadline=datetime.timedelta(seconds=2))
@given(
    body=texts(max_pieces=6),
    charset=st.sampled_from(
        [
            "utf-8",
            "latin-1",
            "windows-1252",
            "utf-16",
            "utf-16le",
            "utf-32",
            "utf-7",
            "shift_jis",
            "koi8-r",
            "raw_unicode_escape",
            "unicode_escape",
            "punycode",
            "idna",
            "rot13",
            "base64",
            "hex",
            "zlib",
            "x-unknown",
            "",
            "utf-8\x00",
            "ut\u00e9f-8",
        ]
    ),  # fmt: skip
    declared_by=st.sampled_from(["meta", "server"]),
)
def test_a_page_in_any_declared_character_set_decodes_or_is_refused_clearly(body, charset, declared_by):
    markup = f'<html><head><meta charset="{charset}"></head><body><p>{body}</p></body></html>'
    data = markup.encode("utf-8", "surrogatepass")
    try:
        text = decode_html(data, charset if declared_by == "server" else None)
        parse_html(data, encoding=charset if declared_by == "server" else None)
    except InputError as exc:
        assert str(exc)
        return
    assert isinstance(text, str)


@pytest.mark.parametrize("depth", [1_000, 10_000, 50_000])
@pytest.mark.parametrize("tag", ["div", "b", "table"])
def test_deeply_nested_html_gives_an_article_or_a_clear_error_quickly(depth, tag):
    text = "Der Stadtrat hat am Donnerstag den Haushalt für das kommende Jahr beschlossen. " * 5
    page = f"<html><body>{f'<{tag}>' * depth}<p>{text}</p>{f'</{tag}>' * depth}</body></html>"
    started = time.monotonic()
    try:
        parsed = parse_html(page)
    except InputError as exc:
        assert "No article text" in str(exc)
    else:
        assert_storable(parsed.text)
    assert time.monotonic() - started < 10


def test_unclosed_nesting_without_end_tags_is_handled():
    page = "<p>" + "<div><span>" * 20_000 + "Ein Satz mit Inhalt, der lang genug für einen Artikel ist." * 3
    try:
        assert_storable(parse_html(page).text)
    except InputError as exc:
        assert str(exc)


@settings(max_examples=50, deadline=datetime.timedelta(seconds=2))
@given(data=st.binary(max_size=200), charset=st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252", "nope"]))
def test_decoding_bytes_in_a_named_charset_gives_text_or_a_clear_error(data, charset):
    try:
        decode_charset(data, charset)
    except InputError as exc:
        assert str(exc)


# Sentences, attribution, the pipeline ----------------------------------------------------------------------------


@settings(max_examples=150, deadline=datetime.timedelta(seconds=3))
@given(text=texts(), language=st.sampled_from(["de", "en", "fr", "ar", ""]))
def test_sentence_offsets_slice_back_into_any_stored_text(text, language):
    try:
        stored = parse_plain_text(text).text
    except InputError:
        return
    assert_sentences_slice_back(stored, split_sentences(stored, language))


@pytest.fixture(scope="module")
def warm_models():
    """The first analysis loads the tagger, the embedding and the scoring models (about a second)."""
    analyse_article("Der Stadtrat hat den Haushalt beschlossen, sagte Petra Klein.")


NAMES = st.text(ANY_CHARACTER, min_size=1, max_size=15) | st.sampled_from(["Reuters", "dpa", "Petra Klein", "قال"])


@settings(
    max_examples=60,
    deadline=datetime.timedelta(seconds=5),
    # The fixture is module-scoped (models loaded once), not per example; the check cannot tell.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=texts(max_pieces=12),
    outlets=st.lists(NAMES, max_size=3),
    speakers=st.dictionaries(NAMES, NAMES, max_size=3),
)
def test_the_analysis_of_any_stored_text_points_into_it(warm_models, text, outlets, speakers):
    try:
        stored = parse_plain_text(text).text
    except InputError:
        return
    analysis = analyse_article(stored, known_outlets=outlets, known_speakers=speakers)
    assert analysis.language
    assert_sentences_slice_back(stored, analysis.sentences)
    for sentence in analysis.sentences:
        attribution = sentence.attribution
        for value in (attribution.speaker, attribution.speaker_mention, attribution.cited_outlet):
            assert value is None or isinstance(value, str)
        if sentence.analysed:
            assert 0 <= sentence.checkworthiness <= 1
        for reason in sentence.reasons:
            assert reason.as_dict()["code"]


# The ingest service (database) -------------------------------------------------------------------------------


class TestIngestProperties(TestCase):
    """Each example runs in its own transaction, rolled back after it (hypothesis' Django TestCase)."""

    @settings(max_examples=120, deadline=datetime.timedelta(seconds=3))
    @given(
        content=texts() | html_pages() | st.binary(max_size=300),
        input_format=st.sampled_from([InputFormat.TEXT, InputFormat.HTML]),
    )
    @example(content="\ud800 Ein Satz.", input_format=InputFormat.TEXT)
    @example(content="<p>\ud800 Ein Satz mit genug Text für einen Artikel, lang genug.</p>", input_format="html")
    @example(content=b"\x00\x01binary", input_format=InputFormat.TEXT)
    def test_ingest_stores_an_article_or_refuses_with_a_field_message(self, content, input_format):
        try:
            result = ingest(content=content, input_format=input_format)
        except ValidationError as exc:
            assert exc.message_dict["content"][0]
            assert not Article.objects.exists()
            return
        article = Article.objects.get(pk=result.article.pk)
        assert_storable(article.text)
        assert article.content_hash == content_hash(article.text)
        again = ingest(content=content, input_format=input_format)
        assert not again.created and again.article.pk == article.pk

    @settings(max_examples=12, deadline=datetime.timedelta(seconds=10), suppress_health_check=[HealthCheck.too_slow])
    @given(text=texts(max_pieces=10))
    def test_every_extracted_claim_slices_back_to_its_text(self, text):
        try:
            article = ingest(content=text).article
        except ValidationError:
            return
        extract_claims(article_id=article.pk)
        article.refresh_from_db()
        for claim in Claim.objects.filter(article=article):
            assert article.text[claim.start : claim.end] == claim.text


# Sizes at the limit --------------------------------------------------------------------------------------------


@override_settings(ARTICLE_MAX_CHARACTERS=10_000_000)
class TestSizeLimit(TestCase):
    """ARTICLE_MAX_BYTES counts UTF-8 bytes: the limit itself is stored, one byte over is refused with a message.
    (The limit on the text's characters, ARTICLE_MAX_CHARACTERS, is lifted here: see
    tests/claims/services/test_ingest.py.)"""

    @settings(max_examples=8, deadline=datetime.timedelta(seconds=10))
    @given(character=st.sampled_from(["a", "ä", "€", "😀"]), over=st.integers(-3, 3), as_bytes=st.booleans())
    def test_the_limit_is_exact_in_bytes_for_any_character_width(self, character, over, as_bytes):
        from django.conf import settings as django_settings

        limit = django_settings.ARTICLE_MAX_BYTES
        width = len(character.encode())
        # "Headline\n" then the character repeated up to the limit (plus `over` bytes, padded with ASCII).
        head = "Kopfzeile\n"
        count, rest = divmod(limit + over - len(head), width)
        assume(count > 0)
        text = head + character * count + "x" * rest
        size = len(text.encode())
        content = text.encode() if as_bytes else text
        if size <= limit:
            result = ingest(content=content)
            assert result.created and len(result.article.text.encode()) == size
        else:
            with pytest.raises(ValidationError, match=f"The article is {size:,} bytes; the limit is {limit:,} bytes"):
                ingest(content=content)
            assert not Article.objects.exists()

    def test_binary_at_the_limit_is_refused_as_binary(self):
        from django.conf import settings as django_settings

        with pytest.raises(ValidationError, match="binary"):
            ingest(content=b"\x00" * django_settings.ARTICLE_MAX_BYTES)

    def test_a_page_at_the_limit_is_read_or_refused_within_seconds(self):
        from django.conf import settings as django_settings

        paragraph = "<p>Der Stadtrat hat am Donnerstag den Haushalt für das kommende Jahr beschlossen.</p>\n"
        page = "<html><body><article>" + paragraph * (django_settings.ARTICLE_MAX_BYTES // len(paragraph.encode()) - 1)
        page = page.encode()[: django_settings.ARTICLE_MAX_BYTES]
        started = time.monotonic()
        try:
            result = ingest(content=page, input_format=InputFormat.HTML)
            assert_storable(result.article.text)
        except ValidationError as exc:
            assert exc.message_dict["content"][0]
        assert time.monotonic() - started < 30


# Regressions: crashes these properties found, each fixed in claims/analysis/ --------------------------------------


def test_a_lone_surrogate_in_plain_text_is_a_clear_error_not_a_crash_when_hashed():
    """JSON's "\\ud800" escape reached content_hash(), whose UTF-8 encoding raised UnicodeEncodeError (a 500)."""
    with pytest.raises(InputError, match=r"half of a UTF-16 pair \(U\+D800\) at character 6"):
        parse_plain_text("Hallo \ud800 Welt.")


@pytest.mark.django_db
def test_a_lone_surrogate_sent_to_ingest_is_a_field_error():
    with pytest.raises(ValidationError) as error:
        ingest(content="Ein Satz mit \udfff darin.")
    assert "not valid Unicode" in error.value.message_dict["content"][0]
    assert not Article.objects.exists()


def test_html_with_a_lone_surrogate_or_nul_says_so_instead_of_finding_no_text():
    with pytest.raises(InputError, match="not valid Unicode"):
        parse_html("<p>Ein Absatz \ud83d mit genug Text, damit er ein Artikel sein könnte.</p>")
    with pytest.raises(InputError, match="binary"):
        parse_html("<p>Ein Absatz \x00 mit genug Text, damit er ein Artikel sein könnte.</p>")


@pytest.mark.parametrize("charset", ["punycode", "idna", "raw_unicode_escape", "unicode_escape"])
def test_a_page_declaring_a_python_only_codec_is_refused(charset):
    """punycode raised a bare UnicodeError (a 500); the escape codecs produced lone surrogates from `\\ud800`."""
    page = f'<meta charset="{charset}"><p>Gr\\ud800üße aus München, ein Absatz mit genug Text.</p>'.encode()
    with pytest.raises(InputError, match="which is not known"):
        parse_html(page)


def test_a_title_or_author_with_control_characters_is_cleaned():
    page = (
        "<html><head><title>Haus\x01halt \x1b beschlossen</title><meta name='author' content='Anna\x07 Schmidt'>"
        "</head><body><article><p>"
        + "Der Stadtrat hat den Haushalt beschlossen. " * 10
        + "</p></article></body></html>"
    )
    parsed = parse_html(page)
    assert_clean_line(parsed.title) and assert_clean_line(parsed.author)


def test_markup_that_breaks_the_html_parser_is_a_clear_error():
    """lxml's drop_tree() raised AssertionError inside trafilatura for this page (its <svg> root), a 500. (Without
    the body tag the fragment would be read as a page's body, which has no such root.)"""
    with pytest.raises(InputError, match="could not be read"):
        parse_html("<svg><p><p><body>")
    with pytest.raises(InputError, match="No article text was found"):
        parse_html("<svg><p><p>")


@pytest.mark.parametrize("text", ["\u200b", "\u200f\u200e\n\ufeff", "\u00ad \u2066"])
def test_input_of_only_invisible_characters_is_empty(text):
    with pytest.raises(InputError, match="The article is empty"):
        parse_plain_text(text)


def test_a_title_that_is_not_in_nfc_is_stored_in_nfc_like_the_text():
    """The title becomes the stored text's first line; it was not normalised, so the text was not NFC."""
    page = (
        "<html><head><title>Cafe\u0301 e\u0301\u0301</title></head><body><p>Cafe\u0301 e\u0301\u0301</p></body></html>"
    )
    parsed = parse_html(page)
    assert parsed.title == unicodedata.normalize("NFC", "Cafe\u0301 e\u0301\u0301")
    assert_storable(parsed.text)


def test_a_page_declaring_utf16_in_ascii_is_read_as_utf8_as_browsers_do():
    page = '<meta charset="utf-16"><p>Grüße aus München, ein Absatz mit genug Text für einen Artikel.</p>'.encode()
    assert "Grüße aus München" in decode_html(page)


@pytest.mark.parametrize("line", ["\u200b", "\u200f\u200e", "\ufeff", "\u00ad", "\u2066\u2069", "\u200b\u200c\u200d"])
def test_a_line_of_only_invisible_format_characters_holds_no_sentence(line):
    """SoMaJo returns an empty sentence for such a line; split_sentences raised IndexError, failing the extraction."""
    text = f"Überschrift\n{line}\nDer Stadtrat hat den Haushalt beschlossen."
    sentences = split_sentences(text, "de")
    assert [sentence.text for sentence in sentences] == ["Überschrift", "Der Stadtrat hat den Haushalt beschlossen."]
    assert_sentences_slice_back(text, sentences)


@pytest.mark.django_db
def test_an_article_with_an_invisible_line_is_extracted():
    article = ingest(content="Überschrift\n\u200f\nDer Stadtrat hat den Haushalt beschlossen.").article
    assert extract_claims(article_id=article.pk) == 2
