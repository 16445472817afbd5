"""ClaimReview JSON-LD for approved verdicts, checked against Google's ClaimReview structured-data properties:
required claimReviewed, reviewRating (alternateName), url; recommended author, datePublished, itemReviewed (a Claim
with author, appearance or firstAppearance, datePublished), reviewRating's bestRating, worstRating, ratingValue.
The `url` is the public fact-check page; the claim is the wording approved with the verdict; the rating is named in
the desk's language, not the client's."""

import pytest

from api.claimreview import RATING_VALUES
from tests.api.conftest import approve

pytestmark = pytest.mark.django_db
# The sentence without its attribution (", sagte der Senator"), and the page's address made of it.
WORDING = "Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen."
PAGE_SLUG = "die-zahl-der-radunfalle-ist-2024-um-12-prozent-gestiegen"


@pytest.fixture(autouse=True)
def public_base_url(settings):
    settings.PUBLIC_BASE_URL = "https://desk.example.org"


def check_claimreview(review: dict, claim) -> None:
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    # Required.
    assert (
        review["claimReviewed"] == claim.claim_reviewed == "Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen."
    )
    assert review["url"] == f"https://desk.example.org/factchecks/{claim.pk}-{PAGE_SLUG}/"
    assert review["reviewRating"]["@type"] == "Rating" and review["reviewRating"]["alternateName"]
    # Recommended.
    assert review["author"]["@type"] == "Organization" and review["author"]["name"] and review["author"]["url"]
    assert review["datePublished"] == claim.approved_at.date().isoformat()
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "Anna Beispiel"}
    assert item["appearance"][0]["url"] == "https://example.org/radweg"
    assert item["datePublished"]


@pytest.mark.parametrize("verdict", sorted(RATING_VALUES))
def test_an_approved_verdict_is_a_claimreview_with_a_numeric_rating(read_key, claim, alice, erin, verdict, settings):
    settings.FACTCHECK_ORGANISATION_NAME, settings.FACTCHECK_ORGANISATION_URL = "Desk", "https://desk.example.org"
    approved = approve(claim, reviewer=alice, editor=erin, verdict=verdict)
    response = read_key.get(f"/api/v1/claims/{claim.pk}/claimreview")
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    review = response.json()
    check_claimreview(review, approved)
    rating = review["reviewRating"]
    assert (rating["worstRating"], rating["bestRating"]) == (1, 5)
    assert rating["ratingValue"] == RATING_VALUES[verdict] and 1 <= rating["ratingValue"] <= 5
    assert review["author"] == {"@type": "Organization", "name": "Desk", "url": "https://desk.example.org"}


def test_unverifiable_has_a_textual_rating_only(read_key, claim, alice, erin):
    approved = approve(claim, reviewer=alice, editor=erin, verdict="unverifiable")
    review = read_key.get(f"/api/v1/claims/{claim.pk}/claimreview").json()
    check_claimreview(review, approved)
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable", "name": "Unverifiable"}


def test_the_detail_answers_with_the_claimreview_to_accept_ld_json(read_key, approved_claim):
    response = read_key.get(f"/api/v1/claims/{approved_claim.pk}/", HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    check_claimreview(response.json(), approved_claim)


def test_a_claim_without_an_approved_verdict_has_no_claimreview(read_key, claim):
    assert read_key.get(f"/api/v1/claims/{claim.pk}/claimreview").status_code == 404
    response = read_key.get(f"/api/v1/claims/{claim.pk}/", HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_a_reopened_verdict_is_withdrawn_from_claimreview(read_key, approved_claim, erin):
    from reviews import services

    services.transition(claim_id=approved_claim.pk, action="reopen", actor=erin, note="new figures")
    assert read_key.get(f"/api/v1/claims/{approved_claim.pk}/claimreview").status_code == 404


def test_the_claimreview_author_is_the_speaker_a_reviewer_corrected(read_key, reviewer_key, claim, alice, erin):
    response = reviewer_key.post(
        f"/api/v1/claims/{claim.pk}/attribution/",
        {"version": 0, "speaker": "Bundesministerium für Verkehr", "speaker_kind": "organisation"},
        format="json",
    )
    assert response.status_code == 200, response.content
    approve(claim, reviewer=alice, editor=erin)
    review = read_key.get(f"/api/v1/claims/{claim.pk}/claimreview").json()
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "Bundesministerium für Verkehr"}


def test_a_published_claim_reopened_corrected_and_approved_again_names_the_cited_outlet(
    read_key, approved_claim, alice, erin
):
    from reviews import services

    assert read_key.get(f"/api/v1/claims/{approved_claim.pk}/claimreview").json()["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Anna Beispiel",
    }
    services.transition(claim_id=approved_claim.pk, action="reopen", actor=erin, note="The outlet said it, not her.")
    services.correct_attribution(claim_id=approved_claim.pk, actor=alice, speaker="", cited_outlet="Reuters")
    services.transition(claim_id=approved_claim.pk, action="propose", actor=alice, verdict="misleading", note="n")
    services.transition(claim_id=approved_claim.pk, action="approve", actor=erin)
    review = read_key.get(f"/api/v1/claims/{approved_claim.pk}/claimreview").json()
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "Reuters"}


def test_the_url_is_the_public_page_anyone_can_open(read_key, approved_claim):
    from django.test import Client

    url = read_key.get(f"/api/v1/claims/{approved_claim.pk}/claimreview").json()["url"]
    assert Client().get(url.removeprefix("https://desk.example.org")).status_code == 200


def test_a_desk_that_publishes_elsewhere_names_its_own_address(read_key, approved_claim, settings):
    settings.CLAIMREVIEW_URL = "https://cms.example.org/faktencheck/{id}/{slug}"
    review = read_key.get(f"/api/v1/claims/{approved_claim.pk}/claimreview").json()
    assert review["url"] == f"https://cms.example.org/faktencheck/{approved_claim.pk}/{PAGE_SLUG}"


@pytest.mark.parametrize("accept_language", ["de", "en", "de-DE,de;q=0.9"])
def test_the_rating_is_named_in_the_desk_language_whatever_the_client_asks(
    read_key, claim, alice, erin, settings, accept_language
):
    settings.FACTCHECK_LANGUAGE = "de"
    approve(claim, reviewer=alice, editor=erin, verdict="confirmed")
    response = read_key.get(f"/api/v1/claims/{claim.pk}/claimreview", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.json()["reviewRating"] == {
        "@type": "Rating",
        "name": "Bestätigt",
        "alternateName": "Richtig",
        "ratingValue": 5,
        "bestRating": 5,
        "worstRating": 1,
    }


def test_an_english_desk_names_it_in_english_to_a_german_client(read_key, claim, alice, erin, settings):
    settings.FACTCHECK_LANGUAGE = "en"
    approve(claim, reviewer=alice, editor=erin, verdict="false")
    rating = read_key.get(f"/api/v1/claims/{claim.pk}/claimreview", HTTP_ACCEPT_LANGUAGE="de").json()["reviewRating"]
    assert (rating["name"], rating["alternateName"]) == ("False", "False")


def test_the_reviewer_sets_the_wording_with_the_verdict_through_the_api(read_key, reviewer_key, editor_key, claim):
    from reviews.models import EventKind

    base = f"/api/v1/claims/{claim.pk}/transitions/"
    assert reviewer_key.post(base, {"action": "take"}, format="json").status_code == 200
    wording = "Radunfälle nahmen 2024 um 12 Prozent zu."
    response = reviewer_key.post(
        base,
        {"action": "propose", "verdict": "unverifiable", "note": "Keine Daten.", "claim_reviewed": wording},
        format="json",
    )
    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert claim.claim_reviewed == wording
    event = claim.events.filter(kind=EventKind.TRANSITION).last()
    assert event.data["claim_reviewed"] == wording
    assert editor_key.post(base, {"action": "approve"}, format="json").status_code == 200
    assert read_key.get(f"/api/v1/claims/{claim.pk}/claimreview").json()["claimReviewed"] == wording


def test_a_wording_too_long_is_a_400_with_the_field(reviewer_key, claim):
    base = f"/api/v1/claims/{claim.pk}/transitions/"
    reviewer_key.post(base, {"action": "take"}, format="json")
    response = reviewer_key.post(
        base,
        {"action": "propose", "verdict": "unverifiable", "note": "n", "claim_reviewed": "x" * 2001},
        format="json",
    )
    assert response.status_code == 400 and "claim_reviewed" in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == "in_review" and claim.claim_reviewed == ""


def test_a_new_wording_after_a_reopen_is_recorded_as_a_correction(read_key, approved_claim, alice, erin):
    from reviews import services
    from reviews.models import EventKind

    old = approved_claim.claim_reviewed
    services.transition(claim_id=approved_claim.pk, action="reopen", actor=erin, note="Wortlaut zu eng.")
    services.transition(
        claim_id=approved_claim.pk,
        action="propose",
        actor=alice,
        verdict="misleading",
        note="n",
        claim_reviewed="Radunfälle: plus 12 Prozent.",
    )
    correction = approved_claim.events.get(kind=EventKind.CORRECTED)
    assert correction.data["fields"] == ["claim_reviewed"]
    assert correction.data["old"] == {"claim_reviewed": old}
    assert correction.data["new"] == {"claim_reviewed": "Radunfälle: plus 12 Prozent."}
    assert correction.actor == alice
