"""Polling the registry's RSS and Atom feeds: each new item is stored once as an article of the feed's source.

Celery beat runs `poll_due_feeds` every FEED_CHECK_EVERY_SECONDS; it claims each active feed whose next poll time
has come and sends one `claims.poll_feed` for it. A poll fetches the feed through the article fetcher
(claims/fetching.py: the same address checks, limits and allow-list), conditionally when the last answer carried an
ETag or a Last-Modified date, parses it with feedparser and hands every item not stored yet to the ingest service,
which fetches the item's page. What the poll found is recorded on the feed: its status, the error or the items it
could not store, how many articles it stored, and when to poll next.

De-duplication: an item whose link has the canonical form of a stored article's URL is not fetched at all; a page
whose text was stored before (another address, a syndicated copy) is not stored twice (the content hash). An item
whose page cannot be fetched is stored from the feed's own text of it when the feed carries one, else it is listed
among the poll's errors and tried again at the next poll.

Backoff: a feed that fails (cannot be fetched, is not a feed) is polled again after FEED_POLL_EVERY_SECONDS ×
2^failures, at most FEED_BACKOFF_MAX_SECONDS later; the first poll that works resets it.
"""

import calendar
import datetime
import logging
from dataclasses import dataclass, field

import feedparser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape

from claims import fetching
from claims.fetching import FetchError, NotModified
from claims.models import Feed, FeedStatus, FetchAllowedHost
from claims.models.articles import InputFormat
from claims.services.ingest import ingest, stored_at
from factcheck.queueing import queue

logger = logging.getLogger(__name__)

POLL_TASK = "claims.poll_feed"
# What a feed is served as; some servers label theirs HTML or plain text, which feedparser reads as well.
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        *fetching.HTML_TYPES,
        *fetching.TEXT_TYPES,
    }
)
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
# A claimed poll's feed is not due again for this long: longer than the poll task's time limit (claims/tasks.py),
# so that only a worker that died leaves it to the next claim.
POLL_LEASE_SECONDS = 900
# How many items' errors the feed's record lists; the count says how many there were.
ERRORS_SHOWN = 10


@dataclass
class PollResult:
    status: str
    created: int = 0
    errors: list[str] = field(default_factory=list)


def poll_due_feeds(*, now: datetime.datetime | None = None) -> int:
    """Claim every due feed and send its poll; how many were sent (periodic, Celery beat). A feed whose poll could
    not be sent (the broker is down) is due again once its claim runs out."""
    now = now or timezone.now()
    lease_until = now + datetime.timedelta(seconds=POLL_LEASE_SECONDS)
    sent = 0
    for feed_id in Feed.objects.due(now).order_by("next_poll_at", "pk").values_list("pk", flat=True):
        if Feed.objects.start_poll(feed_id, now=now, lease_until=lease_until):
            sent += queue(POLL_TASK, feed_id, now=True)
    return sent


def poll_now(*, feed_ids: list[int]) -> int:
    """Make the given active feeds due and send their polls at once (the admin's "poll now"); how many were sent."""
    now = timezone.now()
    Feed.objects.filter(pk__in=feed_ids, active=True).update(next_poll_at=now)
    lease_until = now + datetime.timedelta(seconds=POLL_LEASE_SECONDS)
    return sum(
        queue(POLL_TASK, feed_id, now=True)
        for feed_id in feed_ids
        if Feed.objects.start_poll(feed_id, now=now, lease_until=lease_until)
    )


def next_poll_delay(failures: int, *, every: int, cap: int) -> int:
    """Seconds until the next poll of a feed that failed `failures` times in a row: `every` while it works, then
    doubling with each failure, never more than `cap`."""
    if failures <= 0:
        return every
    return min(every * 2**failures, max(cap, every))


def poll_feed(*, feed_id: int) -> PollResult | None:
    """Fetch one feed, store its new items as articles and record the outcome on the feed; None when the feed is
    gone or inactive. Safe to run twice: what is stored is not stored again."""
    feed = Feed.objects.select_related("source").filter(pk=feed_id, active=True).first()
    if feed is None:
        return None
    conditional = {"If-None-Match": feed.etag} if feed.etag else {}
    if feed.last_modified:
        conditional["If-Modified-Since"] = feed.last_modified
    allowed_hosts = FetchAllowedHost.objects.hosts()
    try:
        page = fetching.fetch(
            feed.url, allowed_hosts=allowed_hosts, media_types=FEED_TYPES, headers={"Accept": ACCEPT, **conditional}
        )
    except NotModified:
        return _record(feed, PollResult(status=FeedStatus.NOT_MODIFIED))
    except FetchError as exc:
        return _record(feed, PollResult(status=FeedStatus.FAILED, errors=[str(exc)]))
    parsed = feedparser.parse(
        page.content,
        response_headers={
            "content-type": f"{page.media_type}; charset={page.charset}" if page.charset else page.media_type,
            # Relative links in the feed are read against where it was found.
            "content-location": page.url,
        },
    )
    if not parsed.version:
        reason = f": {parsed.bozo_exception}" if parsed.bozo else ""
        return _record(feed, PollResult(status=FeedStatus.FAILED, errors=[f"This is not an RSS or Atom feed{reason}."]))
    result = PollResult(status=FeedStatus.OK)
    if parsed.bozo:
        # feedparser reads what it can of a feed that is not well-formed: store that, and say so.
        result.errors.append(f"The feed is not well-formed ({parsed.bozo_exception}); the items read from it are kept.")
    for entry in _new_entries(parsed.entries):
        error = _store_entry(entry, feed=feed)
        if error is None:
            result.created += 1
        elif error:
            result.errors.append(error)
    if result.errors:
        result.status = FeedStatus.PARTIAL
    return _record(
        feed,
        result,
        title=str(parsed.feed.get("title", ""))[:500],
        etag=page.etag,
        last_modified=page.last_modified,
    )


def _new_entries(entries) -> list:
    """The entries not stored yet, in the feed's order (newest first in most feeds), at most
    FEED_MAX_ITEMS_PER_POLL: the rest wait for the next poll."""
    fresh = [entry for entry in entries if not (entry.get("link") and stored_at(entry["link"]))]
    return fresh[: settings.FEED_MAX_ITEMS_PER_POLL]


def _store_entry(entry, *, feed: Feed) -> str | None:
    """Store one item: its page, or the feed's own text of it when the page cannot be had. None when an article
    was stored, "" when the item's text had been stored already, else why the item could not be stored."""
    link = str(entry.get("link", "")).strip()
    common = {"title": str(entry.get("title", "")).strip()[:500], "published_on": _date(entry), "outlet": feed.source}
    refusal = ""
    if link:
        try:
            return None if ingest(url=link, **common).created else ""
        except ValidationError as exc:
            refusal = "; ".join(exc.messages)
    text = _entry_text(entry)
    if not text:
        return f"{link or common['title'] or 'An item without a link'}: {refusal or 'the item has no text.'}"
    try:
        return None if ingest(content=text, input_format=InputFormat.HTML, url=link, **common).created else ""
    except ValidationError as exc:
        return f"{link or common['title']}: {refusal or '; '.join(exc.messages)}"


def _entry_text(entry) -> str:
    """The feed's own text of the item as a page: its full content when the feed carries it, else its summary."""
    contents = [part.get("value", "") for part in entry.get("content", []) if part.get("value")]
    body = max(contents, key=len) if contents else entry.get("summary", "")
    if not body.strip():
        return ""
    title = entry.get("title", "")
    return f"<html><head><title>{escape(title)}</title></head><body><article>{body}</article></body></html>"


def _date(entry) -> datetime.date | None:
    """The item's date in the desk's time zone; feedparser gives it in UTC."""
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return timezone.localtime(datetime.datetime.fromtimestamp(calendar.timegm(stamp), tz=datetime.UTC)).date()


def _record(feed: Feed, result: PollResult, **found) -> PollResult:
    """The poll's outcome on the feed, and its next poll time: one UPDATE. `found` is what a feed that was read
    says of itself: its title (kept when it has none) and the answer's validators."""
    now = timezone.now()
    failed = result.status == FeedStatus.FAILED
    failures = feed.consecutive_failures + 1 if failed else 0
    delay = next_poll_delay(failures, every=settings.FEED_POLL_EVERY_SECONDS, cap=settings.FEED_BACKOFF_MAX_SECONDS)
    errors = result.errors[:ERRORS_SHOWN]
    if len(result.errors) > ERRORS_SHOWN:
        errors.append(f"… and {len(result.errors) - ERRORS_SHOWN} more.")
    Feed.objects.filter(pk=feed.pk).update(
        last_polled_at=now,
        last_status=result.status,
        last_error="\n".join(errors),
        last_new_items=result.created,
        consecutive_failures=F("consecutive_failures") + 1 if failed else 0,
        next_poll_at=now + datetime.timedelta(seconds=delay),
        **{name: value for name, value in found.items() if value or name != "title"},
    )
    if failed:
        logger.warning("feed %s failed (%d in a row): %s", feed.url, failures, result.errors[0])
    return result
