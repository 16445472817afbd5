"""The editors' dashboard page (`reviews.views.dashboard`)."""

import pytest
from django.urls import reverse
from django.utils import translation

from claims.models import Article, ClaimState
from tests.factories import make_claim
from tests.reviews.conftest import approved_after

pytestmark = pytest.mark.django_db


def test_the_dashboard_page_shows_the_figures(client, erin, alice):
    approved_after(26, alice)
    make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    client.force_login(erin)
    response = client.get(reverse("reviews:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<td data-state="in_review">1</td>' in body
    assert '<td data-figure="median">1 d 2 h</td>' in body
    assert ">alice</a>" in body
    assert Article.objects.count() == 2


@pytest.fixture
def english_afterwards():
    """A request in German leaves German active in this thread (LocaleMiddleware activates, nothing deactivates):
    put English back so that the tests after this one read English messages."""
    yield
    translation.activate("en")


def test_the_dashboard_speaks_german(client, erin, english_afterwards):
    client.force_login(erin)
    response = client.get(reverse("reviews:dashboard"), HTTP_ACCEPT_LANGUAGE="de")
    assert "Rückstand je Status" in response.content.decode()
