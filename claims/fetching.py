"""Fetching an article's page from the web without letting a URL reach what it must not.

A URL typed by a user makes our server open a connection, so a URL could point it at the database, at a cloud's
metadata service (169.254.169.254) or at anything else on our private network. Before every connection, the first
and each redirect (which we follow ourselves), the host name is resolved once, every address it resolves to is
checked, and the connection goes to the address that was checked: a second lookup, which a DNS server could
answer differently (DNS rebinding), never happens. Hosts that an admin put on the allow-list
(`FetchAllowedHost`) skip the address check, for intranet sources; a redirect from them is checked like any URL.

The same rules guard other outgoing connections a URL typed by someone decides (webhook deliveries): they parse
the URL with `parse_target`, resolve it once with `resolve`, ask `refused` about the addresses and connect to one of
them through `connection_pool`.

Limits: a connect timeout, a total timeout for the whole fetch (redirects included), a size limit (the body is
read in chunks and reading stops past it), and a content type of HTML or plain text.
"""

import email.message
import ipaddress
import re
import socket
import time
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util import parse_url

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain"}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
DEFAULT_PORTS = {"http": 80, "https": 443}
CHUNK_BYTES = 64 * 1024
USER_AGENT = "factcheck-claim-tracker/0.1 (fetches news articles for fact-checking)"
# An IPv6 address can carry an IPv4 one; it is checked as the IPv4 address it reaches.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


class NotModified(Exception):
    """The server answered 304 Not Modified to a conditional request: what the caller has is current."""


class FetchError(Exception):
    """The page could not be fetched, or must not be; the message says which and why. `status` is the HTTP status
    the server answered with, when it answered."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FetchedPage:
    # Where the page was found in the end, after redirects.
    url: str
    content: bytes
    media_type: str
    # The character set the server named, "" when it named none.
    charset: str
    # The HTTP status of the final answer.
    status: int = 200
    # The answer's validators, for a conditional request next time (If-None-Match, If-Modified-Since).
    etag: str = ""
    last_modified: str = ""

    @property
    def is_html(self) -> bool:
        return self.media_type in HTML_TYPES


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    request_uri: str

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


# A label of a host name after IDNA, as normalise_host gives it (an IPv4 address is four such labels).
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def is_host_name(host: str) -> bool:
    """Whether `host` (lower case, ASCII) is one host name: labels of letters, digits and hyphens between dots."""
    return len(host) <= 253 and all(HOST_LABEL.fullmatch(label) for label in host.split("."))


def normalise_host(host: str) -> str:
    """A host as the allow-list stores and compares it: lower case, ASCII (IDNA), no brackets or final dot."""
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why a connection to `address` is refused, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return refusal(embedded)
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address (where cloud metadata services answer)"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "not a public address"
    return None


def fetch(
    url: str,
    *,
    allowed_hosts: Collection[str] = (),
    connect_timeout: float | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int | None = None,
    media_types: Collection[str] | None = None,
    headers: dict[str, str] | None = None,
) -> FetchedPage:
    """GET an HTML or plain-text page, following redirects; FetchError says what went wrong.

    `media_types` are the content types accepted instead of HTML and plain text (a feed's XML types), `headers`
    extra request headers (Accept, or If-None-Match and If-Modified-Since: a 304 answer raises NotModified).

    `allowed_hosts` are normalised host names (see `normalise_host`) whose addresses are not checked. The limits
    default to the FETCH_* settings.
    """
    connect_timeout = settings.FETCH_CONNECT_TIMEOUT_SECONDS if connect_timeout is None else connect_timeout
    timeout = settings.FETCH_TIMEOUT_SECONDS if timeout is None else timeout
    max_bytes = settings.FETCH_MAX_BYTES if max_bytes is None else max_bytes
    max_redirects = settings.FETCH_MAX_REDIRECTS if max_redirects is None else max_redirects
    deadline = time.monotonic() + timeout
    for _hop in range(max_redirects + 1):
        target = parse_target(url)
        addresses = _addresses(target, checked=target.host not in allowed_hosts)
        pool, response = _open(
            target,
            addresses,
            deadline=deadline,
            timeout=timeout,
            connect_timeout=connect_timeout,
            extra_headers=headers,
        )
        try:
            if response.status in REDIRECT_STATUSES:
                location = response.headers.get("Location", "").strip()
                if not location:
                    raise FetchError(f"The server answered {response.status} (a redirect) without saying where to.")
                url = urljoin(url, location)
                continue
            if response.status == 304 and headers:
                raise NotModified()
            if not 200 <= response.status < 300:
                reason = f" {response.reason}" if response.reason else ""
                raise FetchError(f"The server answered {response.status}{reason}.", status=response.status)
            media_type, charset = _content_type(response.headers.get("Content-Type"), accepted=media_types)
            content = _read(response, max_bytes=max_bytes, deadline=deadline, timeout=timeout)
            return FetchedPage(
                url=url,
                content=content,
                media_type=media_type,
                charset=charset,
                status=response.status,
                etag=response.headers.get("ETag", "")[:300],
                last_modified=response.headers.get("Last-Modified", "")[:100],
            )
        finally:
            response.close()
            pool.close()
    raise FetchError(f"The page redirects more than {max_redirects} times; fetching stopped.")


def parse_target(url: str) -> Target:
    """Where an http(s) URL leads, its host normalised; FetchError when the URL is not one we connect to."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"The URL is not valid: {exc}.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise FetchError(f"Only http and https URLs are fetched, not {scheme or 'a URL without a scheme'}.")
    host = normalise_host(parts.hostname or "")
    # "http://./" has a host name that is nothing once its final dot is dropped.
    if not host:
        raise FetchError("The URL names no host.")
    if parts.username is not None or parts.password is not None:
        raise FetchError("URLs with a user name or password are not fetched.")
    if port == 0:
        raise FetchError("The URL is not valid: port 0 cannot be connected to.")
    try:
        # urllib3 sends the request, so its parser must accept the URL too: it is stricter than urlsplit about hosts
        # (spaces, control characters, labels IDNA refuses) and raises its own ValueError subclass for them.
        request_uri = parse_url(url.strip()).request_uri
    except ValueError as exc:
        raise FetchError(f"The URL is not valid: {exc}.") from None
    return Target(
        scheme=scheme,
        host=host,
        port=DEFAULT_PORTS[scheme] if port is None else port,
        request_uri=request_uri,
    )


def resolve(target: Target) -> list[str]:
    """The addresses the target's host resolves to, looked up once: connect to these, never look up again."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise FetchError(f"The host name {target.host} could not be resolved.") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def refused(target: Target, addresses: list[str]) -> str | None:
    """Why the host must not be connected to ("10.0.0.1 is a private address"), or None when every address it
    resolved to is public. Any forbidden address refuses the host, so that a name with one public and one private
    address cannot be used to reach the private one."""
    for address in addresses:
        reason = refusal(ipaddress.ip_address(address))
        if reason:
            shown = target.host if target.host == address else f"{target.host} ({address})"
            return f"{shown} is {reason}"
    return None


def _addresses(target: Target, *, checked: bool) -> list[str]:
    """The addresses to connect to, resolved once; all of them public unless the host is allow-listed."""
    addresses = resolve(target)
    reason = refused(target, addresses) if checked else None
    if reason:
        raise FetchError(
            f"{reason}; pages there are not fetched. An admin can allow the host in “Fetch allowed hosts”."
        )
    return addresses


def connection_pool(target: Target, address: str, **pool_kwargs):
    """A urllib3 pool that connects to `address`, a checked address of the target's host, and speaks to the host."""
    if target.scheme == "https":
        # Connect to the checked address, but speak TLS to the host: SNI and the certificate check use its name.
        return urllib3.HTTPSConnectionPool(
            address, target.port, server_hostname=target.host, assert_hostname=target.host, **pool_kwargs
        )
    return urllib3.HTTPConnectionPool(address, target.port, **pool_kwargs)


def _open(
    target: Target,
    addresses: list[str],
    *,
    deadline: float,
    timeout: float,
    connect_timeout: float,
    extra_headers: dict[str, str] | None = None,
):
    """Connect to the first address that answers and send the request; the pool and the unread response."""
    headers = {
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
        **(extra_headers or {}),
    }
    failure = None
    for address in addresses:
        remaining = _remaining(deadline, timeout)
        pool_kwargs = {
            "timeout": urllib3.Timeout(connect=min(connect_timeout, remaining), read=remaining),
            "retries": False,
            "maxsize": 1,
        }
        pool = connection_pool(target, address, **pool_kwargs)
        try:
            response = pool.urlopen(
                "GET",
                target.request_uri,
                headers=headers,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
            )
        except NewConnectionError as exc:
            pool.close()
            failure = FetchError(f"Could not connect to {target.host}: {_reason(exc)}.")
            continue
        except ConnectTimeoutError:
            pool.close()
            failure = FetchError(f"Could not connect to {target.host} within {connect_timeout:g} s.")
            continue
        except ReadTimeoutError:
            pool.close()
            raise FetchError(f"{target.host} did not answer within {timeout:g} s.") from None
        except SSLError as exc:
            pool.close()
            raise FetchError(f"The secure connection to {target.host} failed: {_reason(exc)}.") from None
        except (ProtocolError, HTTPError) as exc:
            pool.close()
            raise FetchError(f"The connection to {target.host} failed: {_reason(exc)}.") from None
        return pool, response
    raise failure or FetchError(f"{target.host} has no address to connect to.")


def _content_type(value: str | None, *, accepted: Collection[str] | None = None) -> tuple[str, str]:
    if not value:
        raise FetchError("The server did not say what type of content the page is; only HTML and plain text are read.")
    message = email.message.Message()
    message["Content-Type"] = value
    media_type = message.get_content_type()
    if accepted and media_type not in accepted:
        raise FetchError(f"The address serves {media_type}, not {' or '.join(sorted(accepted))}.")
    if not accepted and media_type not in HTML_TYPES | TEXT_TYPES:
        raise FetchError(f"The page is {media_type}, not HTML or plain text.")
    return media_type, str(message.get_param("charset") or "").strip()


def _read(response, *, max_bytes: int, deadline: float, timeout: float) -> bytes:
    """The body, read in chunks until its end, the size limit or the deadline, whichever comes first."""
    too_large = f"The page is larger than the limit of {max_bytes:,} bytes."
    declared = response.headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(too_large)
    chunks, size = [], 0
    while True:
        remaining = _remaining(deadline, timeout)
        # The read timeout applies to each read from the socket; shorten it so a server that trickles bytes
        # cannot stretch the fetch past its total time.
        sock = getattr(response.connection, "sock", None)
        if sock is not None:
            sock.settimeout(remaining)
        try:
            chunk = response.read1(CHUNK_BYTES)
        except ReadTimeoutError:
            raise FetchError(f"The page did not arrive within {timeout:g} s.") from None
        except (ProtocolError, HTTPError) as exc:
            raise FetchError(f"The connection broke off while reading the page: {_reason(exc)}.") from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(too_large)
        chunks.append(chunk)


def _remaining(deadline: float, timeout: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"The page did not arrive within {timeout:g} s.")
    return remaining


def _reason(exc: Exception) -> str:
    # urllib3 prefixes its messages with the connection object's repr, which means nothing to a reader.
    text = str(exc)
    return text.split(": ", 1)[1] if text.startswith("<") and ": " in text else text
