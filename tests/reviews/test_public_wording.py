"""The claim as reviewed, on the claim page: the propose form offers the sentence without its attribution, the
reviewer's wording is stored with the proposed verdict and in its history row, and a wording too long is a form
error on the page with what was sent, nothing written."""

import pytest
from django.urls import reverse

from claims.models import Claim
from reviews import services
from reviews.models import EventKind
from tests.factories import make_article, make_claim

pytestmark = pytest.mark.django_db

TEXT = "Radweg-Bilanz\n\nDie Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen, sagte er in einer Sendung des RBB."
SENTENCE = TEXT.split("\n\n")[1]
WORDING = "Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen."


@pytest.fixture
def claim(alice):
    article = make_article(text=TEXT, language="de")
    claim = make_claim(article, start=TEXT.index(SENTENCE), end=len(TEXT), language="de")
    services.transition(claim_id=claim.pk, action="take", actor=alice)
    return Claim.objects.get(pk=claim.pk)


def propose(client, claim, **fields):
    data = {"action": "propose", "version": claim.version, "verdict": "unverifiable", "note": "Keine Daten.", **fields}
    return client.post(reverse("reviews:claim-transition", args=[claim.pk]), data)


def test_the_propose_form_offers_the_sentence_without_its_attribution(client, alice, claim):
    client.force_login(alice)
    html = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    assert f'name="claim_reviewed" rows="2" aria-describedby="claim-reviewed-help">{WORDING}</textarea>' in html


def test_the_reviewer_s_wording_is_stored_with_the_verdict(client, alice, claim):
    client.force_login(alice)
    response = propose(client, claim, claim_reviewed="Radunfälle:  plus 12 Prozent  im Jahr 2024.")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == "verdict_proposed" and claim.claim_reviewed == "Radunfälle: plus 12 Prozent im Jahr 2024."
    event = claim.events.filter(kind=EventKind.TRANSITION).last()
    assert event.data["claim_reviewed"] == claim.claim_reviewed
    assert not claim.events.filter(kind=EventKind.CORRECTED).exists()


def test_a_blank_wording_is_the_sentence_without_its_attribution(client, alice, claim):
    client.force_login(alice)
    assert propose(client, claim, claim_reviewed="  ").status_code == 302
    claim.refresh_from_db()
    assert claim.claim_reviewed == WORDING


def test_a_wording_too_long_is_a_form_error_and_nothing_is_written(client, alice, claim):
    client.force_login(alice)
    response = propose(client, claim, claim_reviewed="x" * 2001)
    assert response.status_code == 400
    html = response.content.decode()
    assert "At most 2000 characters." in html and "x" * 2001 + "</textarea>" in html
    claim.refresh_from_db()
    assert claim.state == "in_review" and claim.claim_reviewed == ""


def test_the_service_refuses_a_wording_too_long_with_the_field(alice, claim):
    from reviews.refusals import Invalid

    with pytest.raises(Invalid) as refused:
        services.transition(
            claim_id=claim.pk,
            action="propose",
            actor=alice,
            verdict="unverifiable",
            note="n",
            claim_reviewed="x" * 2001,
        )
    assert list(refused.value.messages) == ["claim_reviewed"]
    claim.refresh_from_db()
    assert claim.state == "in_review" and claim.claim_reviewed == "" and claim.version == 1


def test_a_wording_sent_back_and_proposed_again_is_kept_and_a_new_one_is_a_correction(alice, erin, claim):
    services.transition(
        claim_id=claim.pk, action="propose", actor=alice, verdict="unverifiable", note="n", claim_reviewed="Erste."
    )
    services.transition(claim_id=claim.pk, action="send_back", actor=erin, note="Wortlaut prüfen.")
    services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict="unverifiable", note="n")
    assert Claim.objects.get(pk=claim.pk).claim_reviewed == "Erste."
    services.transition(claim_id=claim.pk, action="send_back", actor=erin, note="Noch einmal.")
    services.transition(
        claim_id=claim.pk, action="propose", actor=alice, verdict="unverifiable", note="n", claim_reviewed="Zweite."
    )
    correction = Claim.objects.get(pk=claim.pk).events.get(kind=EventKind.CORRECTED)
    assert correction.data["old"] == {"claim_reviewed": "Erste."}
    assert correction.data["new"] == {"claim_reviewed": "Zweite."}


def test_the_claim_page_shows_the_approved_wording_and_links_the_public_page(client, alice, erin, claim):
    services.transition(
        claim_id=claim.pk, action="propose", actor=alice, verdict="unverifiable", note="n", claim_reviewed="Geprüft."
    )
    client.force_login(alice)
    html = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    assert "Geprüft.</p>" in html and reverse("public:factcheck-short", args=[claim.pk]) not in html
    services.transition(claim_id=claim.pk, action="approve", actor=erin)
    html = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    assert f'<a href="/factchecks/{claim.pk}/">The published fact-check</a>' in html
