"""What every page of the reviewers' web app shares: the login it asks for, text shown as text, no inline
scripts or styles."""

import re

import pytest
from django.urls import reverse

from claims.models import ClaimState, Proposal, ProposalMethod
from tests.conftest import make_user
from tests.factories import make_article, make_claim, make_document
from tests.reviews.views.conftest import claim_in

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for name in ("reviews:my-queue", "reviews:claim-list", "reviews:dashboard"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


HOSTILE = 'Er schrieb <script>alert(1)</script> und <b onclick="x()">fett</b> & "Zitat".'


def test_html_in_an_article_is_shown_as_text_on_the_list_claim_and_article_pages(client, alice):
    article = make_article(text=HOSTILE)
    article.title = "<i>Titel</i>"
    article.save()
    claim = make_claim(article, start=0, end=len(HOSTILE), cited_outlet="<em>Bild</em>")
    client.force_login(alice)
    for url in (
        reverse("reviews:claim-list"),
        reverse("reviews:claim-detail", args=[claim.pk]),
        reverse("reviews:article-detail", args=[article.pk]),
    ):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url
        assert '<b onclick="x()">' not in body and "<i>Titel</i>" not in body and "<em>Bild</em>" not in body, url


def test_the_pages_have_no_inline_scripts_or_styles(client, erin):
    """A strict Content-Security-Policy blocks inline scripts and style attributes: the pages use none."""
    claim = claim_in(ClaimState.VERDICT_PROPOSED, assignee=erin, proposer=make_user("bob", "reviewer"))
    Proposal.objects.create(claim=claim, document=make_document(), method=ProposalMethod.LEXICAL, score=0.5)
    client.force_login(erin)
    for url in (
        reverse("reviews:my-queue"),
        reverse("reviews:claim-list"),
        reverse("reviews:claim-detail", args=[claim.pk]),
        reverse("reviews:claim-work", args=[claim.pk]),
        reverse("reviews:article-detail", args=[claim.article_id]),
        reverse("reviews:dashboard"),
    ):
        body = client.get(url).content.decode()
        assert " style=" not in body and "<style" not in body, url
        for tag in re.findall(r"<script[^>]*>", body):
            assert " src=" in tag, (url, tag)
        assert not re.search(r"<[^>]+\son[a-z]+=", body), url
