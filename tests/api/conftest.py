"""Clients for each way into the API: anonymous, an API key per scope, and the web app's session.

`cms` holds a read key, `alice` (reviewer) and `erin` (editor) review keys, `adam` (admin) an admin key. A claim
that went the whole way (taken, evidence, proposed, approved) is `approved_claim`.
"""

import pytest
from rest_framework.test import APIClient

from api import services
from claims.models import Speaker, SpeakerKind
from reviews import services as review_services
from tests.factories import make_article, make_claim


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counts and remembered roles live in the cache; user ids repeat from test to test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class KeyClient(APIClient):
    """An API client sending `Authorization: Bearer KEY`; `.key` is the whole key, `.api_key` its row."""

    def __init__(self, issued=None, **kwargs):
        super().__init__(**kwargs)
        self.issued = issued
        if issued is not None:
            self.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.key}")


def key_client(user, scope: str, name: str | None = None) -> KeyClient:
    issued = services.issue_api_key(name=name or f"{user.username}-{scope}", scope=scope, user=user)
    return KeyClient(issued)


@pytest.fixture
def anonymous(db):
    return APIClient()


@pytest.fixture
def read_key(cms):
    return key_client(cms, "read")


@pytest.fixture
def reviewer_key(alice):
    return key_client(alice, "review")


@pytest.fixture
def editor_key(erin):
    return key_client(erin, "review")


@pytest.fixture
def admin_key(adam):
    return key_client(adam, "admin")


@pytest.fixture
def reviewer_session(alice):
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(alice)
    return client


ARTICLE_TEXT = (
    "Radweg-Bilanz\n\nDie Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen, sagte der Senator. "
    "Der Haushalt wächst um drei Millionen Euro."
)


def claim_text_span(text: str, sentence: str) -> dict:
    start = text.index(sentence)
    return {"start": start, "end": start + len(sentence)}


@pytest.fixture
def article(db):
    return make_article(text=ARTICLE_TEXT, url="https://example.org/radweg", language="de")


@pytest.fixture
def claim(article):
    sentence = "Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen, sagte der Senator."
    speaker = Speaker.objects.create(name="Anna Beispiel", kind=SpeakerKind.PERSON)
    return make_claim(article, language="de", speaker=speaker, **claim_text_span(ARTICLE_TEXT, sentence))


def approve(claim, *, reviewer, editor, verdict="misleading"):
    """Take the claim the whole way to an approved verdict, through the services."""
    review_services.transition(claim_id=claim.pk, action="take", actor=reviewer)
    review_services.add_evidence(
        claim_id=claim.pk, actor=reviewer, url="https://example.org/statistik", note="Table 3 shows 4 %."
    )
    review_services.transition(
        claim_id=claim.pk, action="propose", actor=reviewer, verdict=verdict, note="Only e-bikes rose by 12 %."
    )
    return review_services.transition(claim_id=claim.pk, action="approve", actor=editor)


@pytest.fixture
def approved_claim(claim, alice, erin):
    return approve(claim, reviewer=alice, editor=erin)
