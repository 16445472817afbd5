"""An article's URL in one canonical form, so that the many addresses of one page match: what the ingest service
de-duplicates on and what an API client's `article_url` is compared with. Plain Python, no Django.

The same page is linked as http and https, with and without `www.`, with campaign parameters a newsletter or a
social network appended (`utm_source`, `fbclid`, ...), with a fragment, with a trailing slash or with its query
parameters in another order. The canonical form is https, the host in lower case (IDNA) without `www.` and without
the default port, no user name or password, the path percent-decoded without a trailing slash, the query without
tracking parameters and sorted, no fragment. It is a key to compare on, never an address to fetch: the page is
always fetched at the URL as given.
"""

import contextlib
import re
from urllib.parse import parse_qsl, unquote, urlsplit

# Parameters that say how a reader came to the page, not which page it is.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "wt_mc",
    }
)
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}
HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# "mailto:", "javascript:": a scheme without slashes; "localhost:8000/a" is a host and a port.
OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+-]*:(?!\d)")
# Kept encoded in the decoded query so that a value's "&" or "=" cannot be read as a separator.
QUERY_ESCAPES = {"%": "%25", "&": "%26", "=": "%3D", "#": "%23", "+": "%2B", " ": "%20"}


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL (see the module's docstring); "" for anything that is not one. A URL
    typed without a scheme ("www.example.org/a") is read as https."""
    url = url.strip()
    if not url:
        return ""
    if not HAS_SCHEME.match(url):
        if OTHER_SCHEME.match(url):
            return ""
        url = "https://" + url.lstrip("/")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return ""
    host = _host(parts.hostname or "")
    if not host:
        return ""
    netloc = f"[{host}]" if ":" in host else host
    # The scheme becomes https, so http's default port goes as well as https's.
    if port is not None and port not in (DEFAULT_PORTS[scheme], DEFAULT_PORTS["https"]):
        netloc = f"{netloc}:{port}"
    path = unquote(parts.path).rstrip("/")
    query = _query(parts.query)
    return f"https://{netloc}{path}" + (f"?{query}" if query else "")


def _host(host: str) -> str:
    host = host.strip().strip("[]").rstrip(".").lower()
    # A label IDNA refuses stays as it was: the key only has to be the same each time.
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    return host.removeprefix("www.")


def _query(query: str) -> str:
    pairs = [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if name.lower() not in TRACKING_PARAMETERS and not name.lower().startswith(TRACKING_PREFIXES)
    ]
    return "&".join(f"{_escape(name)}={_escape(value)}" for name, value in sorted(pairs))


def _escape(text: str) -> str:
    return "".join(QUERY_ESCAPES.get(char, char) for char in text)
