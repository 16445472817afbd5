"""Fetching pages: a real local web server, and every way a URL could reach what it must not."""

import ipaddress
import ssl
import subprocess
import threading
import time

import pytest
from django.core.exceptions import ValidationError

from claims.fetching import FetchError, fetch, normalise_host, refusal
from claims.models import FetchAllowedHost
from tests.claims.conftest import ARTICLE_HTML, WebServer

LOCAL = {"127.0.0.1"}


def test_an_allow_listed_host_is_fetched_and_the_page_comes_back_whole(web):
    url = web.add("/artikel", ARTICLE_HTML)
    page = fetch(url, allowed_hosts=LOCAL)
    assert page.content == ARTICLE_HTML.encode() and page.is_html
    assert (page.media_type, page.charset, page.url) == ("text/html", "utf-8", url)
    assert web.requests == [("/artikel", f"127.0.0.1:{web.port}")]


def test_plain_text_is_fetched_with_the_charset_the_server_names(web):
    url = web.add("/text", "Grüße aus München.".encode("latin-1"), content_type="text/plain; charset=ISO-8859-1")
    page = fetch(url, allowed_hosts=LOCAL)
    assert not page.is_html and page.media_type == "text/plain" and page.charset == "ISO-8859-1"


def test_redirects_on_an_allow_listed_host_are_followed_to_the_page(web):
    web.add("/artikel", ARTICLE_HTML)
    web.redirect("/kurz", "/umweg", status=301)
    web.redirect("/umweg", web.url("/artikel"), status=307)
    page = fetch(web.url("/kurz?x=1"), allowed_hosts=LOCAL)
    assert page.url == web.url("/artikel")
    assert [path for path, _host in web.requests] == ["/kurz?x=1", "/umweg", "/artikel"]


def test_loopback_is_refused_when_the_host_is_not_allow_listed_and_nothing_is_requested(web):
    url = web.add("/artikel", ARTICLE_HTML)
    with pytest.raises(FetchError, match="127.0.0.1 is a loopback address; pages there are not fetched"):
        fetch(url)
    assert web.requests == []


def test_a_name_that_resolves_to_loopback_is_refused_although_its_address_is_allow_listed(web):
    web.add("/artikel", ARTICLE_HTML)
    with pytest.raises(FetchError, match=r"localhost \(127.0.0.1\) is a loopback address"):
        fetch(f"http://localhost:{web.port}/artikel", allowed_hosts=LOCAL)
    assert web.requests == []


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.1/admin", "private"),
        ("http://[fd00::1]/", "private"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://0.0.0.0/", "unspecified"),
    ],
)
def test_a_redirect_to_a_private_target_is_refused_even_from_an_allow_listed_host(web, target, reason):
    # The check happens before any connection: nothing is ever sent to these addresses.
    url = web.redirect("/weiter", target)
    with pytest.raises(FetchError, match=f"is {'an' if reason[0] in 'aeiou' else 'a'} {reason}"):
        fetch(url, allowed_hosts=LOCAL)
    assert [path for path, _host in web.requests] == ["/weiter"]


def test_a_redirect_to_a_name_that_resolves_to_loopback_is_refused(web):
    web.add("/artikel", ARTICLE_HTML)
    url = web.redirect("/weiter", f"http://localhost:{web.port}/artikel")
    with pytest.raises(FetchError, match="loopback"):
        fetch(url, allowed_hosts=LOCAL)
    assert [path for path, _host in web.requests] == ["/weiter"]


@pytest.mark.parametrize(
    "url",
    ["http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://127.1/", "http://2130706433/", "http://[::]/"],
)
def test_loopback_in_any_spelling_is_refused(url):
    with pytest.raises(FetchError, match="loopback|unspecified"):
        fetch(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/file.txt", "not ftp"),
        ("file:///etc/passwd", "not file"),
        ("gopher://example.org/", "not gopher"),
        ("javascript:alert(1)", "not javascript"),
        ("example.org/article", "without a scheme"),
        ("http:///article", "names no host"),
        ("http://user:secret@example.org/", "user name or password"),
        ("http://example.org:99999/", "not valid"),
    ],
)
def test_urls_that_are_not_plain_http_are_refused(url, message):
    with pytest.raises(FetchError, match=message):
        fetch(url)


def test_a_redirect_to_another_scheme_is_refused(web):
    url = web.redirect("/weiter", "file:///etc/passwd")
    with pytest.raises(FetchError, match="Only http and https URLs are fetched, not file"):
        fetch(url, allowed_hosts=LOCAL)


def test_a_redirect_loop_stops_at_the_limit(web):
    url = web.redirect("/kreis", "/kreis")
    with pytest.raises(FetchError, match="redirects more than 3 times"):
        fetch(url, allowed_hosts=LOCAL, max_redirects=3)
    assert len(web.requests) == 4


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("application/pdf", "The page is application/pdf, not HTML or plain text."),
        ("image/png", "The page is image/png"),
        ("application/json; charset=utf-8", "The page is application/json"),
        (None, "did not say what type of content"),
    ],
)
def test_a_page_that_is_not_html_or_text_is_refused_with_its_type_named(web, content_type, message):
    url = web.add("/datei", b"%PDF-1.7 ...", content_type=content_type)
    with pytest.raises(FetchError, match=message):
        fetch(url, allowed_hosts=LOCAL)


def test_an_error_status_is_named(web):
    with pytest.raises(FetchError, match="The server answered 404 Not Found."):
        fetch(web.url("/gibt-es-nicht"), allowed_hosts=LOCAL)


def test_a_page_declared_larger_than_the_limit_is_refused_before_it_is_read(web):
    url = web.add("/gross", "x" * 5000)
    with pytest.raises(FetchError, match="larger than the limit of 1,000 bytes"):
        fetch(url, allowed_hosts=LOCAL, max_bytes=1000)


@pytest.mark.parametrize("declared", ["\u00b2", "-5", "1e9", "12, 12"])
def test_a_content_length_that_is_no_byte_count_is_ignored_and_the_body_is_read(web, declared):
    url = web.add("/seltsam", ARTICLE_HTML, declare_length=False, headers={"Content-Length": declared})
    try:
        page = fetch(url, allowed_hosts=LOCAL, max_bytes=100_000)
    except FetchError as error:  # the client library may refuse the header itself: a message, not a crash
        assert "larger than the limit" not in str(error)
    else:
        assert b"Stadtrat" in page.content


def test_reading_an_endless_page_stops_past_the_limit(web):
    url = web.add("/endlos", endless=True)
    started = time.monotonic()
    with pytest.raises(FetchError, match="larger than the limit of 200,000 bytes"):
        fetch(url, allowed_hosts=LOCAL, max_bytes=200_000, timeout=10)
    assert time.monotonic() - started < 5


def test_a_server_that_does_not_answer_times_out(web):
    url = web.add("/langsam", ARTICLE_HTML, delay=10)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"did not answer within 0.5 s"):
        fetch(url, allowed_hosts=LOCAL, timeout=0.5)
    assert time.monotonic() - started < 2


def test_a_server_that_trickles_its_page_hits_the_total_timeout(web):
    # Each byte comes well within any per-read timeout; only the total limit stops it.
    url = web.add("/tropfen", "x" * 200, trickle=0.05)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"did not arrive within 1 s"):
        fetch(url, allowed_hosts=LOCAL, timeout=1)
    assert time.monotonic() - started < 2.5


def test_an_unreachable_port_is_a_clear_error(web):
    with pytest.raises(FetchError, match="Could not connect to 127.0.0.1"):
        fetch("http://127.0.0.1:1/", allowed_hosts=LOCAL)


def test_an_unknown_host_name_is_a_clear_error():
    with pytest.raises(FetchError, match="could not be resolved"):
        fetch("http://no-such-host.invalid/")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.0.7",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",
        "2002:a00:1::",
        "64:ff9b::a00:1",
        "2001:db8::1",
    ],
)
def test_every_non_public_address_is_refused(address):
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert refusal(ipaddress.ip_address(address)) is None


def test_hosts_are_compared_in_one_spelling():
    assert normalise_host(" Intranet.Example.ORG. ") == "intranet.example.org"
    assert normalise_host("[::1]") == "::1"
    assert normalise_host("bücher.example") == "xn--bcher-kva.example"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [(" Intranet.Example. ", "intranet.example"), ("10.1.2.3", "10.1.2.3"), ("[::1]", "::1")],
)
def test_the_allow_list_stores_hosts_as_the_fetcher_compares_them(typed, stored):
    host = FetchAllowedHost(host=typed, note="intranet")
    host.full_clean()
    host.save()
    assert FetchAllowedHost.objects.hosts() == {stored}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "https://intranet.example",
        "intranet.example:8080",
        "intranet.example/path",
        "",
        "*",
        "*.example.org",
        "intra_net.example",
        "-intranet.example",
        "intranet..example",
    ],
)
def test_the_allow_list_takes_hosts_only(typed):
    with pytest.raises(ValidationError):
        FetchAllowedHost(host=typed).full_clean()
    assert not FetchAllowedHost.objects.exists()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for the name localhost, made with the openssl command."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_web(certificate):
    server = WebServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_https_connects_to_the_checked_address_and_verifies_the_certificate_for_the_name(
    tls_web, certificate, monkeypatch
):
    # The name is resolved once and the connection goes to that address; TLS still speaks to "localhost" (SNI)
    # and checks the certificate against that name. OpenSSL reads SSL_CERT_FILE for the trusted certificates.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    tls_web.add("/artikel", ARTICLE_HTML)
    page = fetch(f"https://localhost:{tls_web.port}/artikel", allowed_hosts={"localhost"})
    assert page.content == ARTICLE_HTML.encode()
    assert tls_web.requests == [("/artikel", f"localhost:{tls_web.port}")]


def test_https_with_a_certificate_that_is_not_trusted_is_refused(tls_web, tmp_path, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-certificates.pem"))
    tls_web.add("/artikel", ARTICLE_HTML)
    with pytest.raises(FetchError, match="The secure connection to localhost failed"):
        fetch(f"https://localhost:{tls_web.port}/artikel", allowed_hosts={"localhost"})
    assert tls_web.requests == []


def test_an_http_server_is_not_taken_for_https(web):
    with pytest.raises(FetchError, match="127.0.0.1"):
        fetch(f"https://127.0.0.1:{web.port}/", allowed_hosts=LOCAL)
