"""ClaimReview JSON-LD for approved verdicts, checked against Google's ClaimReview structured-data properties:
required claimReviewed, reviewRating (alternateName), url; recommended author, datePublished, itemReviewed (a Claim
with author, appearance or firstAppearance, datePublished), reviewRating's bestRating, worstRating, ratingValue."""

import pytest

from api.claimreview import RATING_VALUES
from tests.api.conftest import approve

pytestmark = pytest.mark.django_db


def check_claimreview(review: dict, claim) -> None:
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    # Required.
    assert review["claimReviewed"] == claim.text
    assert review["url"].startswith("http")
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
