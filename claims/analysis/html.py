"""Turning a web page into the text we store: its main text, one paragraph per line, with title, date and author.

trafilatura finds the article in the page and drops the rest. We help it with a list of elements that are page
furniture on every news site (navigation, footers, cookie and consent banners), because on a short page its
fallback extractors otherwise take those for the article. Scripts and styles never reach the text: trafilatura
removes them before it looks for text.
"""

import codecs
import datetime
import logging
import re

from claims.analysis.documents import InputError, ParsedText, check_text, clean_line, has_visible_text, normalise

logger = logging.getLogger(__name__)

# The rule every way in uses to tell HTML from plain text (a file's name aside): the content begins, after an
# optional byte-order mark and white space, with a tag, a doctype, a comment or the XML declaration of an XHTML page.
# Plain text starting with "<3" or "< 5 %" is still text.
HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|!--|\?xml\s|[a-z][a-z0-9]*[\s/>])", re.IGNORECASE)
HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
BODY_TAG = re.compile(r"<(?:body|html)[\s>]", re.IGNORECASE)

# Where an HTML page declares its character set when the server does not: `<meta charset=...>` or the older
# `<meta http-equiv="Content-Type" content="text/html; charset=...">`, within the first bytes of the page.
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.IGNORECASE)
META_CHARSET_WINDOW = 4096
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard), and so do pages written for them.
WINDOWS_1252_LABELS = {"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819"}
# Python codecs that turn bytes into text but are no character set of the web: a page naming them is refused.
NOT_CHARACTER_SETS = {"punycode", "idna", "raw-unicode-escape", "unicode-escape"}

# Page furniture, removed before extraction. A header inside the article holds its headline and stays.
BOILERPLATE_XPATHS = [
    "//nav",
    "//footer",
    "//aside",
    "//header[not(ancestor::article)]",
    "//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='dialog' or @aria-modal='true']",
    *(
        f"//*[contains(translate(@{attribute}, '{word.upper()}', '{word}'), '{word}')]"
        for attribute in ("id", "class")
        for word in ("cookie", "consent")
    ),
]


def looks_like_html(content: str | bytes, filename: str = "") -> bool:
    """Whether input is HTML: a file named .html, .htm or .xhtml, or content that starts with a tag (`HTML_START`)."""
    if filename.lower().endswith(HTML_EXTENSIONS):
        return True
    head = content[:1024]
    return bool(HTML_START.match(head.encode("utf-8", "surrogatepass") if isinstance(head, str) else head))


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """The page as a string: a UTF-8 byte-order mark first, then the charset the server named (`encoding`), then
    the one the page declares in a meta tag, then UTF-8, the order browsers use, so we read what a reader sees.
    UTF-16 and UTF-32 pages are refused (their NUL bytes read as a binary file)."""
    if b"\x00" in data[:META_CHARSET_WINDOW]:
        raise InputError("The input looks like a binary file, not HTML.")
    if data.startswith(codecs.BOM_UTF8):
        return decode_charset(data[len(codecs.BOM_UTF8) :], "utf-8")
    if not encoding:
        declared = META_CHARSET.search(data[:META_CHARSET_WINDOW])
        encoding = declared[1].decode("ascii") if declared else "utf-8"
        # A page that can declare its encoding in ASCII is not UTF-16 or UTF-32, whatever it says; browsers read
        # such a declaration as UTF-8 (WHATWG HTML, "prescan a byte stream").
        if encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32", "utf16", "utf32")):
            encoding = "utf-8"
    return decode_charset(data, encoding)


def decode_charset(data: bytes, encoding: str) -> str:
    """Bytes in a character set a server or a page named; InputError when it is unknown or the bytes are not in it."""
    label = "cp1252" if encoding.strip().lower() in WINDOWS_1252_LABELS else encoding.strip()
    unknown = InputError(f"The page declares the character set {encoding!r}, which is not known.")
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        # A name Python does not know.
        raise unknown from None
    if codec in NOT_CHARACTER_SETS:
        raise unknown
    try:
        return data.decode(codec)
    except LookupError:
        # A codec that is no character set ("rot13", "base64") is found, but refuses to decode bytes to text.
        raise unknown from None
    except UnicodeDecodeError as exc:
        raise InputError(f"The page is not valid {encoding} text (invalid byte at position {exc.start}).") from None
    except UnicodeError:
        # Some codecs raise the base class, without a position.
        raise InputError(f"The page is not valid {encoding} text.") from None


def parse_html(raw: str | bytes, *, encoding: str | None = None) -> ParsedText:
    """The article in a web page: its main text (headline first, one paragraph a line), title, date and author.

    The date is the one the page's metadata gives (meta tags, JSON-LD, <time>), never one guessed from the text: a
    date in an article is usually the date of what it reports, not of the article. Raises InputError when the page
    holds no article text.
    """
    # Imported here, not at the top: it costs about 40 MB and a third of a second, which the Celery worker (it only
    # extracts claims from stored text) and every management command would otherwise pay for nothing.
    import trafilatura

    markup = decode_html(raw, encoding) if isinstance(raw, bytes) else raw
    if not markup.strip():
        raise InputError("The article is empty.")
    # lxml drops a document with NUL or lone surrogates silently; say what is wrong with it instead.
    check_text(markup)
    if not BODY_TAG.search(markup):
        # A fragment (one paragraph, as a CMS or a paste sends it): trafilatura finds no tree to read in a lone
        # element, so it is read as the body of a page.
        markup = f"<html><body>{markup}</body></html>"
    try:
        document = trafilatura.bare_extraction(
            markup,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            prune_xpath=BOILERPLATE_XPATHS,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:
        # trafilatura, htmldate and lxml fail on some malformed pages with their own errors (an AssertionError from
        # lxml's drop_tree for "<svg><p><p>", where the element to drop is the root). For the sender that page
        # simply cannot be read; the traceback goes to the log for us.
        logger.warning("reading an HTML page failed", exc_info=True)
        raise InputError("The HTML page could not be read: its markup is too broken to find an article in.") from None
    body = normalise(document.text or "") if document is not None else ""
    if not body or not has_visible_text(body):
        raise InputError("No article text was found in the HTML: the page holds only navigation, scripts or markup.")
    title = clean_line(document.title or "")
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    # Like the desk's plain-text format: the headline first (so that it is a claim too), a blank line between
    # paragraphs, each paragraph on one line (the sentence splitter takes every line as a paragraph).
    if title and lines[0].casefold() != title.casefold():
        lines.insert(0, title)
    return ParsedText(
        text="\n\n".join(lines),
        title=title,
        published_on=_date(document.date),
        author=clean_line(document.author or ""),
    )


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
