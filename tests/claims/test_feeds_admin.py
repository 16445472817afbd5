"""Feeds in the admin: an admin registers a source's feed, sees each poll's outcome and polls it on demand."""

import pytest
from django.urls import reverse

from claims.models import Article, Feed, FeedStatus
from tests.claims.test_feeds import serve_rss
from tests.factories import make_source

pytestmark = pytest.mark.django_db

FEEDS = reverse("admin:claims_feed_changelist")


@pytest.fixture
def admin_client(client, adam):
    client.force_login(adam)
    return client


def test_an_admin_registers_a_feed_for_a_source(admin_client):
    source = make_source(name="Tagesblatt")
    response = admin_client.post(
        reverse("admin:claims_feed_add"),
        {"source": source.pk, "url": "tagesblatt.example/politik.rss", "active": "on", "next_poll_at_0": ""},
    )
    assert response.status_code == 302
    feed = Feed.objects.get()
    # Typed without a scheme, read as https, as everywhere in the admin.
    assert feed.source == source and feed.url == "https://tagesblatt.example/politik.rss" and feed.active
    assert feed.last_status == "" and feed.next_poll_at is None


def test_the_list_shows_each_feed_s_last_poll_and_polls_the_selected_ones_on_demand(admin_client, allowed_web):
    feed = Feed.objects.create(source=make_source(name="Tagesblatt"), url=serve_rss(allowed_web))
    response = admin_client.post(FEEDS, {"action": "poll_now", "_selected_action": [feed.pk]}, follow=True)
    assert "1 feed poll(s) started." in response.content.decode()
    feed.refresh_from_db()
    assert feed.last_status == FeedStatus.OK and feed.last_new_items == 2 and Article.objects.count() == 2
    page = admin_client.get(FEEDS).content.decode()
    assert "Tagesblatt – Politik" in page and "OK" in page


def test_a_reviewer_cannot_manage_feeds(client, alice):
    client.force_login(alice)
    assert client.get(FEEDS).status_code in (302, 403)
