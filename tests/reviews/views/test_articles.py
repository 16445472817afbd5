"""An article's page (`reviews.views.articles`): every claim marked in its text, and its actions: adding a claim
the extractor missed, merging claims, retrying the extraction."""

import json

import pytest
from django.urls import reverse

from claims.models import Article, Claim, ClaimState, WorkStatus
from claims.services.ingest import ingest
from claims.services.registry import import_registry
from reviews.models import ClaimEvent, EventKind
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_REGISTRY
from tests.factories import make_article, make_claim
from tests.reviews.views.conftest import messages_of

pytestmark = pytest.mark.django_db


def test_the_article_page_marks_every_claim_with_its_status_and_keeps_the_text_intact(client, alice):
    article = make_article(text="Erster Satz hier. Zweiter Satz dort. Rest.")
    first = make_claim(article, start=0, end=17)
    second = make_claim(article, start=18, end=36, state=ClaimState.IN_REVIEW, assignee=alice)
    client.force_login(alice)
    response = client.get(reverse("reviews:article-detail", args=[article.pk]))
    assert "".join(piece for piece, _claim in response.context["segments"]) == article.text
    body = response.content.decode()
    assert f'id="claim-{first.pk}" class="claim-mark mark-unverified"' in body
    assert f'id="claim-{second.pk}" class="claim-mark mark-in_review"' in body


def test_a_reviewer_adds_a_claim_the_extractor_missed_by_its_offsets(client, alice):
    article = make_article(text="Erster Satz hier. Zweiter Satz dort.")
    client.force_login(alice)
    response = client.post(reverse("reviews:add-claim", args=[article.pk]), {"start": 17, "end": 36})
    claim = Claim.objects.get(article=article)
    assert response.status_code == 302 and response.url.endswith(f"#claim-{claim.pk}")
    assert claim.text == "Zweiter Satz dort." and claim.start == 18
    assert ClaimEvent.objects.filter(claim=claim, kind=EventKind.ADDED, actor=alice).exists()


def test_adding_a_claim_outside_the_text_is_a_message(client, alice):
    article = make_article(text="Kurz.")
    client.force_login(alice)
    response = client.post(reverse("reviews:add-claim", args=[article.pk]), {"start": 3, "end": 99})
    assert response.status_code == 302 and messages_of(response) == ["Select a passage of the article's text."]
    assert not Claim.objects.exists()


def test_a_reviewer_merges_two_claims_of_an_article(client, alice):
    article = make_article(text="Der Rat sagte, die Zahl sei 3. Prozent seien es. Ende.")
    first = make_claim(article, start=0, end=30)
    second = make_claim(article, start=31, end=48)
    client.force_login(alice)
    response = client.post(
        reverse("reviews:merge", args=[article.pk]), {"claims": [first.pk, second.pk], "reason": "split at 3."}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.text == "Der Rat sagte, die Zahl sei 3. Prozent seien es."
    assert second.dismissed_at is not None
    assert ClaimEvent.objects.get(claim=first).kind == EventKind.MERGED


def test_claims_of_another_article_are_not_merged_through_this_one(client, alice):
    article = make_article(text="Erster Satz. Zweiter Satz.")
    other = make_article(text="Dritter Satz. Vierter Satz.")
    first = make_claim(other, start=0, end=13)
    second = make_claim(other, start=14, end=26)
    client.force_login(alice)
    response = client.post(reverse("reviews:merge", args=[article.pk]), {"claims": [first.pk, second.pk]})
    assert messages_of(response) == ["Choose two or more claims to merge."]
    assert not Claim.objects.filter(dismissed_at__isnull=False).exists()


@pytest.mark.parametrize("bad", ["99999999999999999999", "\u00b2", "-1"])
def test_a_claim_id_no_row_could_have_is_ignored_in_a_merge(client, alice, bad):
    article = make_article(text="Erster Satz. Zweiter Satz.")
    first = make_claim(article, start=0, end=12)
    client.force_login(alice)
    response = client.post(reverse("reviews:merge", args=[article.pk]), {"claims": [first.pk, bad], "reason": "x"})
    assert messages_of(response) == ["Choose two or more claims to merge."]
    assert not Claim.objects.filter(dismissed_at__isnull=False).exists()


def test_an_api_client_may_not_add_dismiss_or_merge(client, cms):
    article = make_article(text="Erster Satz. Zweiter Satz.")
    first = make_claim(article, start=0, end=12)
    second = make_claim(article, start=13, end=26)
    client.force_login(cms)
    assert client.post(reverse("reviews:add-claim", args=[article.pk]), {"start": 0, "end": 5}).status_code == 403
    assert client.post(reverse("reviews:dismiss", args=[first.pk]), {"reason": "no"}).status_code == 403
    merge = client.post(reverse("reviews:merge", args=[article.pk]), {"claims": [first.pk, second.pk]})
    assert merge.status_code == 403
    assert Claim.objects.filter(dismissed_at__isnull=True).count() == 2


def test_an_article_still_being_extracted_refreshes_itself(client, alice):
    article = make_article()
    client.force_login(alice)
    assert 'http-equiv="refresh"' in client.get(reverse("reviews:article-detail", args=[article.pk])).content.decode()


def test_article_text_is_shown_as_text_not_html(client, alice, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:article-ingest"), {"text": "Titel <script>alert(1)</script>\n\nEin Satz."})
    page = client.get(reverse("reviews:article-detail", args=[Article.objects.get().pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_editor_retries_a_failed_extraction(client, erin, alice, django_capture_on_commit_callbacks):
    article = make_article(extraction_status=WorkStatus.FAILED, extraction_error="boom")
    client.force_login(alice)
    assert client.post(reverse("reviews:article-retry", args=[article.pk])).status_code == 403
    client.force_login(erin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:article-retry", args=[article.pk]))
    article.refresh_from_db()
    assert article.extraction_status == WorkStatus.DONE and article.claims.count() == 2


def test_the_article_page_shows_proposals_in_a_constant_number_of_queries(
    client, alice, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        import_registry(data=json.loads(SAMPLE_REGISTRY.read_text("utf-8")))
        article = ingest(content=SAMPLE_ARTICLE.read_bytes()).article
    client.force_login(alice)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reviews:article-detail", args=[article.pk]))
    assert "Bloomberg" in page.content.decode() and 'http-equiv="refresh"' not in page.content.decode()
