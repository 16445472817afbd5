"""An admin registers a source's feed in the admin, a poll runs as Celery beat would run it, and the feed's items
are on the article list."""

import pytest
from playwright.sync_api import expect

from claims import tasks
from claims.models import Feed, FeedStatus
from tests.browser.conftest import log_in
from tests.claims.conftest import allowed_web, web  # noqa: F401 (fixtures)
from tests.claims.test_feeds import serve_rss
from tests.conftest import make_user
from tests.factories import make_source

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_admin_registers_a_feed_and_its_items_appear_on_the_article_list(
    page,
    live_server,
    allowed_web,  # noqa: F811 (the fixture imported above)
    shoot,
):
    make_user("adam", "admin", is_staff=True)
    make_source(name="Tagesblatt", domain="tagesblatt.example")
    feed_url = serve_rss(allowed_web)

    log_in(page, live_server, "adam")

    page.goto(f"{live_server.url}/admin/claims/feed/add/")
    page.select_option("#id_source", label="Tagesblatt")
    page.fill("#id_url", feed_url)
    shoot(page, "feed-form")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    feed = Feed.objects.get()
    assert feed.url == feed_url and feed.source.name == "Tagesblatt" and feed.active

    # What Celery beat sends every minute; without a broker each feed's poll runs in this process.
    assert tasks.poll_due_feeds() == 1
    feed.refresh_from_db()
    assert feed.last_status == FeedStatus.OK and feed.last_new_items == 2

    page.reload()
    page.goto(f"{live_server.url}/admin/claims/feed/")
    expect(page.locator("#result_list")).to_contain_text("Tagesblatt – Politik")
    shoot(page, "feed-list")

    page.goto(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text("Stadtrat beschließt Haushalt")
    expect(page.locator("main")).to_contain_text("Radweg wird verlängert")
    shoot(page, "article-list")
    page.click("a:has-text('Stadtrat beschließt Haushalt')")
    expect(page.locator("main")).to_contain_text("1,2 Milliarden Euro")
