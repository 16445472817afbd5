"""Every page and form of the web app against every role: anonymous visitors go to the login page, people without
the role get a 403, nobody ever gets a 5xx, every form refuses a POST without its CSRF token, and a refused request
changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Article, Claim, ClaimState, Proposal, ProposalMethod
from reviews.models import ClaimEvent, Comment, Evidence
from tests.conftest import make_user
from tests.factories import make_claim, make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(alice):
    claim = make_claim(state=ClaimState.IN_REVIEW, assignee=alice)
    proposal = Proposal.objects.create(
        claim=claim, document=make_document(), method=ProposalMethod.HYBRID, score=0.5, reason="r"
    )
    return {"pk": claim.pk, "article_pk": claim.article_id, "proposal": proposal.pk}


def pages(rows) -> list[str]:
    return [
        reverse("reviews:my-queue"),
        reverse("reviews:claim-list"),
        reverse("reviews:claim-detail", args=[rows["pk"]]),
        reverse("reviews:claim-work", args=[rows["pk"]]),
        reverse("reviews:dashboard"),
        reverse("reviews:article-list"),
        reverse("reviews:article-detail", args=[rows["article_pk"]]),
        reverse("reviews:article-ingest"),
    ]


def forms(rows) -> list[tuple[str, dict]]:
    pk, article = rows["pk"], rows["article_pk"]
    return [
        (reverse("reviews:bulk"), {"action": "give_back", "claims": [pk]}),
        (reverse("reviews:claim-transition", args=[pk]), {"action": "give_back", "version": 0}),
        (reverse("reviews:claim-assign", args=[pk]), {"assignee": ""}),
        (reverse("reviews:decide-proposal", args=[rows["proposal"]]), {"decision": "accept"}),
        (reverse("reviews:correct-attribution", args=[pk]), {"cited_outlet": "Reuters", "version": 0}),
        (reverse("reviews:add-evidence", args=[pk]), {"url": "https://example.org/", "note": "n"}),
        (reverse("reviews:add-comment", args=[pk]), {"text": "a comment"}),
        (reverse("reviews:propose-again", args=[pk]), {}),
        (reverse("reviews:dismiss", args=[pk]), {"reason": "not a claim"}),
        (reverse("reviews:restore", args=[pk]), {}),
        (reverse("reviews:add-claim", args=[article]), {"start": 0, "end": 5}),
        (reverse("reviews:merge", args=[article]), {"claims": [pk], "reason": "r"}),
        (reverse("reviews:article-ingest"), {"text": "Titel\n\nDer Rat sagte, 5 Schulen öffnen."}),
        (reverse("reviews:article-retry", args=[article]), {}),
    ]


def snapshot() -> tuple:
    claims = tuple(
        Claim.objects.order_by("pk").values_list(
            "pk", "state", "assignee_id", "version", "dismissed_at", "cited_outlet"
        )
    )
    proposals = tuple(Proposal.objects.values_list("pk", "status"))
    counts = tuple(model.objects.count() for model in (Article, ClaimEvent, Evidence, Comment))
    return claims, proposals, counts


def test_anonymous_visitors_are_sent_to_the_login_page_everywhere(client, rows):
    before = snapshot()
    for url in pages(rows):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    for url, data in forms(rows):
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    assert snapshot() == before


@pytest.mark.parametrize("role", [None, "api-client"])
def test_people_without_a_review_role_change_nothing_and_never_see_an_error_page(client, rows, role):
    client.force_login(make_user("someone", role))
    before = snapshot()
    for url in pages(rows):
        status = client.get(url).status_code
        # A user without any role sees nothing; an API client may read claims and articles, no more.
        assert status in ((200, 403) if role else (403,)), url
    for url, data in forms(rows):
        status = client.post(url, data).status_code
        assert status in (302, 400, 403), url
    assert snapshot() == before


@pytest.mark.parametrize("user", ["alice", "erin", "adam"])
def test_the_desk_opens_every_page(client, rows, user, request):
    client.force_login(request.getfixturevalue(user))
    for url in pages(rows):
        status = client.get(url).status_code
        expected = (403,) if url == reverse("reviews:dashboard") and user == "alice" else (200,)
        assert status in expected, (url, status)


def test_every_form_refuses_a_post_without_its_csrf_token(rows, erin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(erin)
    before = snapshot()
    for url, data in forms(rows):
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before
