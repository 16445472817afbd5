"""Feeds: RSS and Atom polled through the article fetcher, each new item stored once, each poll's outcome recorded
on the feed, and a failing feed polled less and less often."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from claims.models import Article, Feed, FeedStatus
from claims.services import feeds
from factcheck import queueing
from tests.claims.feed_fixtures import ATOM_FEED, article_page, rss_feed
from tests.factories import make_source

pytestmark = pytest.mark.django_db

RSS = "application/rss+xml; charset=utf-8"
ITEMS = [("/politik/haushalt", "Stadtrat beschließt Haushalt"), ("/politik/radweg", "Radweg wird verlängert")]


def serve_rss(server, items=ITEMS) -> str:
    for path, title in items:
        server.add(path, article_page(title, f"{title}: 1,2 Milliarden Euro für das kommende Jahr."))
    return server.add("/politik.rss", rss_feed(server, items), content_type=RSS)


def make_feed(url: str, **fields) -> Feed:
    return Feed.objects.create(source=fields.pop("source", None) or make_source(name="Tagesblatt"), url=url, **fields)


def item_requests(server) -> list[str]:
    paths = [path.split("?", 1)[0] for path, _host in server.requests]
    return [path for path in paths if not path.endswith((".rss", ".xml"))]


def test_an_rss_poll_stores_each_item_as_an_article_of_the_feed_s_source(allowed_web):
    feed = make_feed(serve_rss(allowed_web))
    before = timezone.now()
    result = feeds.poll_feed(feed_id=feed.pk)
    assert result.status == FeedStatus.OK and result.created == 2
    articles = Article.objects.order_by("title")
    assert [article.title for article in articles] == ["Radweg wird verlängert", "Stadtrat beschließt Haushalt"]
    haushalt = articles.get(title="Stadtrat beschließt Haushalt")
    # The link as the feed gave it, campaign parameters and all; its canonical form without them.
    assert haushalt.url == allowed_web.url("/politik/haushalt") + "?utm_source=rss&utm_medium=feed"
    assert haushalt.canonical_url == allowed_web.url("/politik/haushalt").replace("http://", "https://")
    assert haushalt.outlet == feed.source and "1,2 Milliarden Euro" in haushalt.text
    # 22:30 GMT on the 14th is the 15th in the desk's time zone (Europe/Berlin).
    assert haushalt.published_on == datetime.date(2025, 8, 15)
    feed.refresh_from_db()
    assert feed.last_status == FeedStatus.OK and feed.last_error == "" and feed.last_new_items == 2
    assert feed.title == "Tagesblatt – Politik" and feed.consecutive_failures == 0
    assert feed.last_polled_at >= before
    assert feed.next_poll_at == feed.last_polled_at + datetime.timedelta(seconds=settings.FEED_POLL_EVERY_SECONDS)


def test_a_second_poll_stores_nothing_new_and_fetches_no_item_page_again(allowed_web):
    feed = make_feed(serve_rss(allowed_web))
    feeds.poll_feed(feed_id=feed.pk)
    fetched = item_requests(allowed_web)
    again = feeds.poll_feed(feed_id=feed.pk)
    assert again.status == FeedStatus.OK and again.created == 0 and again.errors == []
    assert Article.objects.count() == 2
    assert item_requests(allowed_web) == fetched == ["/politik/haushalt", "/politik/radweg"]
    feed.refresh_from_db()
    assert feed.last_new_items == 0 and feed.last_status == FeedStatus.OK


def test_an_item_whose_page_was_stored_from_another_address_is_not_stored_twice(allowed_web):
    page = article_page("Stadtrat beschließt Haushalt", "Der Haushalt umfasst 1,2 Milliarden Euro.")
    allowed_web.add("/politik/haushalt", page)
    allowed_web.add("/syndication/haushalt-kopie", page)
    items = [("/politik/haushalt", "Stadtrat beschließt Haushalt"), ("/syndication/haushalt-kopie", "Kopie")]
    feed = make_feed(allowed_web.add("/politik.rss", rss_feed(allowed_web, items), content_type=RSS))
    result = feeds.poll_feed(feed_id=feed.pk)
    assert result.created == 1 and result.errors == [] and Article.objects.count() == 1


def test_an_atom_poll_reads_relative_links_and_falls_back_to_the_feed_s_own_text(allowed_web):
    allowed_web.add("/en/budget", article_page("Council approves the budget", "The budget is 1.2 billion euros."))
    feed = make_feed(allowed_web.add("/atom.xml", ATOM_FEED, content_type="application/atom+xml"))
    result = feeds.poll_feed(feed_id=feed.pk)
    assert result.status == FeedStatus.PARTIAL and result.created == 2
    budget = Article.objects.get(url=allowed_web.url("/en/budget"))
    assert "1.2 billion euros" in budget.text and budget.published_on == datetime.date(2025, 8, 14)
    # Its page answered 404: the article is the feed's own content, under the item's link.
    bridge = Article.objects.get(url=allowed_web.url("/en/gone"))
    assert bridge.title == "Bridge closed for repairs" and "ring road" in bridge.text
    feed.refresh_from_db()
    assert feed.last_status == FeedStatus.PARTIAL and feed.consecutive_failures == 0
    assert feed.last_error == f"{allowed_web.url('/en/missing')}: The server answered 404 Not Found."


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (
            "<html><body><p>Wartungsarbeiten</p></body></html>",
            "text/html",
            "This is not an RSS or Atom feed: text/html is not an XML media type.",
        ),
        (b"\x00\x01 kein XML", "application/xml", "This is not an RSS or Atom feed: "),
        ('{"items": []}', "application/json", "The address serves application/json, not "),
    ],
)
def test_a_broken_feed_is_a_failed_poll_with_its_reason(allowed_web, body, content_type, error):
    feed = make_feed(allowed_web.add("/feed", body, content_type=content_type))
    result = feeds.poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    assert result.status == FeedStatus.FAILED == feed.last_status
    assert feed.last_error.startswith(error) and feed.consecutive_failures == 1
    assert Article.objects.count() == 0


def test_a_feed_that_is_not_well_formed_keeps_the_items_read_from_it(allowed_web):
    allowed_web.add("/politik/haushalt", article_page("Stadtrat beschließt Haushalt", "Ein Satz mit 1,2 Milliarden."))
    truncated = rss_feed(allowed_web, ITEMS[:1]).split("</item>")[0] + "</item>"
    feed = make_feed(allowed_web.add("/politik.rss", truncated, content_type=RSS))
    result = feeds.poll_feed(feed_id=feed.pk)
    assert result.status == FeedStatus.PARTIAL and result.created == 1
    assert "not well-formed" in Feed.objects.get().last_error


def test_a_feed_at_a_private_address_is_refused_by_the_fetcher_and_never_requested(web):
    feed = make_feed(serve_rss(web))
    result = feeds.poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    assert result.status == FeedStatus.FAILED and "127.0.0.1 is a loopback address" in feed.last_error
    assert web.requests == [] and Article.objects.count() == 0


def test_a_failing_feed_backs_off_exponentially_up_to_the_cap_and_a_good_poll_resets_it(allowed_web, settings):
    settings.FEED_POLL_EVERY_SECONDS, settings.FEED_BACKOFF_MAX_SECONDS = 600, 3600
    feed = make_feed(allowed_web.add("/feed", "down", content_type="text/plain", status=503))
    waits = []
    for _poll in range(4):
        feeds.poll_feed(feed_id=feed.pk)
        feed.refresh_from_db()
        waits.append((feed.next_poll_at - feed.last_polled_at).total_seconds())
    assert waits == [1200, 2400, 3600, 3600] and feed.consecutive_failures == 4
    assert feed.last_error == "The server answered 503 Service Unavailable."
    serve_rss(allowed_web)
    feed.url = allowed_web.url("/politik.rss")
    feed.save()
    feeds.poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.consecutive_failures == 0 and feed.last_status == FeedStatus.OK and feed.last_error == ""
    assert (feed.next_poll_at - feed.last_polled_at).total_seconds() == 600


def test_the_backoff_doubles_with_each_failure_and_stops_at_the_cap():
    delays = [feeds.next_poll_delay(n, every=900, cap=21600) for n in range(7)]
    assert delays == [900, 1800, 3600, 7200, 14400, 21600, 21600]


def test_an_unchanged_feed_answers_304_to_the_validators_of_its_last_answer(allowed_web):
    url = serve_rss(allowed_web)
    allowed_web.pages["/politik.rss"].headers = {"ETag": '"v1"', "Last-Modified": "Fri, 15 Aug 2025 06:00:00 GMT"}
    feed = make_feed(url)
    feeds.poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ('"v1"', "Fri, 15 Aug 2025 06:00:00 GMT")
    allowed_web.add("/politik.rss", b"", content_type=None, status=304)
    result = feeds.poll_feed(feed_id=feed.pk)
    feed.refresh_from_db()
    assert result.status == FeedStatus.NOT_MODIFIED == feed.last_status and feed.consecutive_failures == 0
    assert Article.objects.count() == 2


def test_only_due_active_feeds_are_polled_and_a_claimed_feed_is_not_sent_twice(allowed_web):
    due = make_feed(serve_rss(allowed_web))
    make_feed(allowed_web.url("/inactive.rss"), active=False, source=due.source)
    make_feed(
        allowed_web.url("/later.rss"), next_poll_at=timezone.now() + datetime.timedelta(hours=1), source=due.source
    )
    # Without a broker the poll runs in process, as the beat task's would on a worker.
    assert feeds.poll_due_feeds() == 1
    assert Article.objects.count() == 2
    assert feeds.poll_due_feeds() == 0
    requested = {path for path, _host in allowed_web.requests}
    assert "/inactive.rss" not in requested and "/later.rss" not in requested


def test_a_feed_whose_poll_was_claimed_is_not_due_until_the_claim_runs_out():
    feed = make_feed("https://example.org/feed.rss")
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=feeds.POLL_LEASE_SECONDS)
    assert Feed.objects.start_poll(feed.pk, now=now, lease_until=lease)
    assert not Feed.objects.start_poll(feed.pk, now=now, lease_until=lease)
    assert Feed.objects.start_poll(feed.pk, now=lease, lease_until=lease + datetime.timedelta(minutes=1))


def test_celery_beat_polls_the_due_feeds_through_the_registered_tasks():
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["claims.poll_due_feeds"]["schedule"] == 60
    assert queueing.task("claims.poll_due_feeds").name == "claims.poll_due_feeds"
    assert queueing.task(feeds.POLL_TASK).name == "claims.poll_feed"


def test_an_inactive_or_deleted_feed_is_not_polled(allowed_web):
    feed = make_feed(serve_rss(allowed_web), active=False)
    assert feeds.poll_feed(feed_id=feed.pk) is None
    assert feeds.poll_feed(feed_id=feed.pk + 1000) is None
    assert allowed_web.requests == []
