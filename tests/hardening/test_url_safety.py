"""URL ingestion never reaches loopback, private, link-local (cloud metadata), unspecified, multicast, reserved or
non-HTTP targets: in any spelling of the address, behind a DNS name, or behind a redirect from an allowed host.

Every refused target below is checked before any connection. Loopback targets use the port of a live local server,
so a check that let one through would show up in the server's request log, not as a timeout."""

import re
import socket
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from claims import fetching
from claims.fetching import FetchError, fetch
from claims.models import Article
from claims.services.ingest import ingest
from tests.claims.conftest import ARTICLE_HTML

# Bounds for targets that must never be connected to: if a check let one through, the test fails fast.
QUICK = {"connect_timeout": 0.5, "timeout": 1}

# (host as typed in the URL, the reason the fetcher gives). The reason is the address class of what the host resolves
# to; the forms that only the system resolver understands (octal, hex, decimal, short) resolve to 127.0.0.1.
LOOPBACK = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("127.1", "loopback"),
    ("0177.0.0.1", "loopback"),
    ("0x7f.0.0.1", "loopback"),
    ("0x7f000001", "loopback"),
    ("2130706433", "loopback"),
    ("017700000001", "loopback"),
    ("[::1]", "loopback"),
    ("[0:0:0:0:0:0:0:1]", "loopback"),
    ("[::ffff:127.0.0.1]", "loopback"),
    ("[::ffff:7f00:1]", "loopback"),
    ("[64:ff9b::127.0.0.1]", "loopback"),
    ("[2002:7f00:1::]", "loopback"),
    ("localhost", "loopback"),
    ("LOCALHOST.", "loopback"),
    ("0.0.0.0", "unspecified"),
    ("0", "unspecified"),
    ("[::]", "unspecified"),
    ("[::ffff:0.0.0.0]", "unspecified"),
]
ELSEWHERE = [
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("[fd00::1]", "private"),
    ("[fc00::1]", "private"),
    ("[::ffff:10.0.0.1]", "private"),
    ("[::ffff:192.168.0.1]", "private"),
    ("169.254.169.254", "link-local"),
    ("0xa9fea9fe", "link-local"),
    ("2852039166", "link-local"),
    ("[::ffff:169.254.169.254]", "link-local"),
    ("[fd00:ec2::254]", "private"),
    ("[fe80::1]", "link-local"),
    # With a zone (interface) id, as the resolver accepts it: the address is still checked without its zone.
    ("[fe80::1%lo]", "link-local"),
    ("[fe80::1%251]", "link-local"),
    ("100.64.0.1", "not a public address"),
    ("100.100.100.200", "not a public address"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("[ff02::1]", "multicast"),
    ("[ff05::1:3]", "multicast"),
    ("240.0.0.1", "reserved|private"),
    ("255.255.255.255", "reserved|private"),
    ("192.0.2.1", "private"),
    ("198.18.0.1", "private"),
    ("[2001:db8::1]", "private"),
    ("[::7f00:1]", "reserved|private"),
]


@pytest.mark.parametrize(("host", "reason"), LOOPBACK)
def test_every_spelling_of_loopback_is_refused_before_connecting(web, host, reason):
    web.add("/artikel", ARTICLE_HTML)
    with pytest.raises(FetchError, match=f"{reason}.*pages there are not fetched"):
        fetch(f"http://{host}:{web.port}/artikel", **QUICK)
    assert web.requests == []


@pytest.mark.parametrize(("host", "reason"), ELSEWHERE)
def test_every_other_non_public_address_class_is_refused_before_connecting(host, reason):
    with pytest.raises(FetchError, match=f"is (a |an )?({reason}).*pages there are not fetched"):
        fetch(f"http://{host}/latest/meta-data/", **QUICK)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "dict://127.0.0.1:11211/",
        "ldap://127.0.0.1/",
        "data:text/html,<p>hi</p>",
        "javascript:alert(1)",
        "ws://127.0.0.1/",
        "//127.0.0.1/",
        "http:127.0.0.1",
    ],
)
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(FetchError, match="Only http and https|names no host"):
        fetch(url, **QUICK)


def test_hosts_named_in_etc_hosts_that_resolve_to_loopback_are_refused(web):
    """Not patched: the system resolver answers, as it would for a DNS name an attacker points at 127.0.0.1."""
    hosts = Path("/etc/hosts").read_text(encoding="utf-8")
    names = [
        name
        for line in hosts.splitlines()
        if line.split("#", 1)[0].strip()
        for name in line.split("#", 1)[0].split()[1:]
        if _resolves_to_loopback(name)
    ]
    assert "localhost" in names
    web.add("/artikel", ARTICLE_HTML)
    for name in names:
        with pytest.raises(FetchError, match="loopback"):
            fetch(f"http://{name}:{web.port}/artikel", **QUICK)
    assert web.requests == []


def _resolves_to_loopback(name: str) -> bool:
    try:
        return all(info[4][0] in {"127.0.0.1", "::1"} or info[4][0].startswith("127.") for info in
                   socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM))  # fmt: skip
    except OSError:
        return False


@pytest.mark.parametrize(
    "location",
    [
        "http://localhost:{port}/artikel",
        "http://2130706433:{port}/artikel",
        "http://0x7f.1:{port}/artikel",
        "http://[::1]:{port}/artikel",
        "http://[::ffff:127.0.0.1]:{port}/artikel",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://192.168.0.1/",
        "http://0.0.0.0:{port}/artikel",
        "http://224.0.0.1/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:{port}/",
    ],
)
def test_a_redirect_from_an_allowed_host_to_a_refused_target_is_refused(web, location):
    """127.0.0.1 is allow-listed (an intranet host); other spellings of it and everything it redirects to are not."""
    web.add("/artikel", ARTICLE_HTML)
    url = web.redirect("/weiter", location.format(port=web.port))
    with pytest.raises(FetchError, match="not fetched|Only http and https"):
        fetch(url, allowed_hosts={"127.0.0.1"}, **QUICK)
    assert [path for path, _host in web.requests] == ["/weiter"]


def test_a_chain_of_redirects_is_checked_at_every_hop(web):
    web.add("/artikel", ARTICLE_HTML)
    web.redirect("/eins", "/zwei")
    web.redirect("/zwei", f"http://localhost:{web.port}/artikel")
    with pytest.raises(FetchError, match="localhost .* is a loopback address"):
        fetch(web.url("/eins"), allowed_hosts={"127.0.0.1"}, **QUICK)
    assert [path for path, _host in web.requests] == ["/eins", "/zwei"]


@pytest.mark.django_db
def test_ingesting_a_refused_url_is_a_field_error_and_stores_nothing(web):
    web.add("/artikel", ARTICLE_HTML)
    with pytest.raises(ValidationError) as error:
        ingest(url=f"http://0x7f000001:{web.port}/artikel")
    assert "loopback" in error.value.message_dict["url"][0]
    assert not Article.objects.exists() and web.requests == []


@pytest.mark.django_db
def test_ingesting_a_redirect_from_an_allow_listed_host_to_metadata_stores_nothing(allowed_web):
    url = allowed_web.redirect("/weiter", "http://169.254.169.254/latest/meta-data/iam/")
    with pytest.raises(ValidationError) as error:
        ingest(url=url)
    assert "link-local" in error.value.message_dict["url"][0]
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_the_allow_listed_host_itself_is_fetched(allowed_web):
    url = allowed_web.add("/artikel", ARTICLE_HTML)
    result = ingest(url=url)
    assert result.created and result.article.url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://exa mple.org/",
        "http://a\x00b/",
        "http://%00/",
        "http://[v1.x]/",
        "http://\u2488.example/",
        "http://127.0.0.1:0/",
        "http://[::1/",
        "http://./",
        "http://example.org:99999/",
    ],
)
def test_a_url_urllib3_cannot_parse_is_a_clear_error_not_a_crash(url):
    """Regression: these passed urlsplit and then crashed in urllib3's parser with LocationParseError (a 500)."""
    with pytest.raises(FetchError, match="not valid|names no host"):
        fetch(url, **QUICK)


@pytest.mark.django_db
def test_ingesting_an_unparsable_url_is_a_field_error():
    with pytest.raises(ValidationError) as error:
        ingest(url="http://exa mple.org/")
    assert "not valid" in error.value.message_dict["url"][0]


# Hosts made only of characters that never need a DNS server to be refused: IP literals in any spelling, or text
# that is not a host name at all. Anything else could send a query to the network.
IP_HOSTS = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(lambda a: f"[{a}]"),
    st.integers(0, 2**32 - 1).map(str),
    st.integers(0, 2**32 - 1).map(hex),
)


@settings(max_examples=300, deadline=2000)
@given(host=IP_HOSTS, port=st.integers(1, 65535), path=st.text(max_size=30))
def test_any_address_literal_is_either_public_or_refused_with_a_reason(host, port, path):
    """For each literal: the target parses or is refused with FetchError; if it resolves, every address the fetcher
    would connect to passes `refusal` (public), else it raises FetchError naming the class."""
    try:
        target = fetching.parse_target(f"http://{host}:{port}/{path}")
        addresses = fetching._addresses(target, checked=True)
    except FetchError:
        return
    for address in addresses:
        assert fetching.refusal(fetching.ipaddress.ip_address(address)) is None


@settings(max_examples=300, deadline=1000)
@given(url=st.text(max_size=80) | st.builds(lambda s, rest: f"{s}://{rest}", st.sampled_from(["http", "https",
       "HTTP", "ftp", "file", ""]), st.text(max_size=60)))  # fmt: skip
def test_parsing_any_url_gives_a_target_or_a_clear_error(url):
    """The parser alone (no resolution): arbitrary text never raises anything but FetchError."""
    try:
        target = fetching.parse_target(url)
    except FetchError as exc:
        assert str(exc)
    else:
        assert target.scheme in {"http", "https"} and target.host and 0 < target.port < 65536


# Webhooks follow the same rules: an admin cannot register a receiver the fetcher would refuse, and a delivery checks
# the address again when it is sent (a row stored before the check, or a name that now resolves elsewhere), and
# connects to the address it checked.

WEBHOOK_REFUSED = [
    "ftp://127.0.0.1/hook",
    "gopher://127.0.0.1:70/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/",
    "http://10.0.0.1/hook",
    "http://192.168.1.1/hook",
    "http://[fd00::1]/hook",
    "http://100.64.0.1/hook",
    "http://user:secret@93.184.215.14/hook",
]


@pytest.fixture
def root_client(client, db):
    from tests.conftest import make_user

    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


def add_webhook(client, url: str):
    return client.post("/admin/api/webhook/add/", {"name": "cms", "url": url, "secret": "k", "active": "on"})


@pytest.mark.parametrize(("host", "reason"), LOOPBACK)
def test_the_admin_refuses_a_webhook_on_any_spelling_of_loopback(root_client, receiver, host, reason, settings):
    from api.models import Webhook

    settings.WEBHOOK_ALLOWED_HOSTS = []
    response = add_webhook(root_client, f"http://{host}:{receiver.server_address[1]}/hook")
    assert response.status_code == 200
    # Django's URL field already refuses some spellings (127.1, 0x7f.0.0.1); the others are refused by address.
    errors = str(response.context["adminform"].form.errors["url"])
    assert re.search(reason, errors) or "Enter a valid URL." in errors
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("url", WEBHOOK_REFUSED)
def test_the_admin_refuses_a_webhook_that_is_not_public_http(root_client, url, settings):
    from api.models import Webhook

    settings.WEBHOOK_ALLOWED_HOSTS = []
    response = add_webhook(root_client, url)
    assert response.status_code == 200 and response.context["adminform"].form.errors["url"]
    assert not Webhook.objects.exists()


def test_the_admin_saves_a_webhook_on_a_public_address(root_client, settings):
    from api.models import Webhook

    settings.WEBHOOK_ALLOWED_HOSTS = []
    response = add_webhook(root_client, "https://93.184.215.14/hook")
    assert response.status_code == 302
    assert Webhook.objects.get().url == "https://93.184.215.14/hook"


def test_the_admin_saves_a_local_webhook_whose_host_is_allowed(root_client, receiver, settings):
    from api.models import Webhook

    settings.WEBHOOK_ALLOWED_HOSTS = ["LocalHost."]
    assert add_webhook(root_client, f"http://localhost:{receiver.server_address[1]}/hook").status_code == 302
    assert Webhook.objects.count() == 1


def stored_delivery_to(url: str):
    """A delivery to a webhook stored without the admin's check (as rows stored before it were)."""
    from api.models import Webhook, WebhookDelivery

    webhook = Webhook.objects.create(name="old", url=url, secret="k")
    return WebhookDelivery.objects.create(webhook=webhook, event_type="claim.state_changed", body="{}")


@pytest.mark.django_db
@pytest.mark.parametrize(("host", "reason"), LOOPBACK)
def test_a_delivery_to_any_spelling_of_loopback_fails_without_connecting(receiver, host, reason, settings):
    from api import services
    from api.models import DeliveryStatus

    settings.WEBHOOK_ALLOWED_HOSTS, settings.WEBHOOK_MAX_RETRIES = [], 8
    delivery = stored_delivery_to(f"http://{host}:{receiver.server_address[1]}/hook")
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    # Failed at once with the reason: waiting would not make the address public.
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.FAILED, 1, None)
    assert re.search(reason, delivery.last_error) and "not delivered there" in delivery.last_error
    assert receiver.received == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", WEBHOOK_REFUSED)
def test_a_delivery_to_an_address_that_is_not_public_http_fails_at_once(url, settings):
    from api import services
    from api.models import DeliveryStatus

    settings.WEBHOOK_ALLOWED_HOSTS = []
    delivery = stored_delivery_to(url)
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1) and delivery.last_error


@pytest.mark.django_db
def test_a_delivery_connects_to_the_address_it_checked_not_to_a_second_answer(receiver, settings, monkeypatch):
    """The name is looked up once; the connection goes to that address, with the name in the Host header. A
    resolver that answers differently the second time (DNS rebinding) is never asked again."""
    from api import services
    from api.models import DeliveryStatus

    settings.WEBHOOK_ALLOWED_HOSTS, settings.WEBHOOK_CONNECT_TIMEOUT = ["hooks.example.org"], 0.5
    port = receiver.server_address[1]
    real_getaddrinfo, answers = socket.getaddrinfo, []

    def rebinding_resolver(host, *args, **kwargs):
        if host != "hooks.example.org":
            return real_getaddrinfo(host, *args, **kwargs)
        answers.append(host)
        address = "127.0.0.1" if len(answers) == 1 else "192.0.2.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_resolver)
    delivery = stored_delivery_to(f"http://hooks.example.org:{port}/hook")
    services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(answers) == 1
    assert [headers["Host"] for headers, _body in receiver.received] == [f"hooks.example.org:{port}"]
