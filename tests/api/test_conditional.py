"""Conditional reads: the claims list and detail carry an ETag and Last-Modified and answer 304 to them until what
they show changes."""

import pytest

from reviews import services as review_services

pytestmark = pytest.mark.django_db


def test_the_detail_answers_304_to_its_etag_until_the_claim_changes(read_key, claim, alice):
    first = read_key.get(f"/api/v1/claims/{claim.pk}/")
    etag = first["ETag"]
    assert first.status_code == 200 and etag and first["Last-Modified"]
    again = read_key.get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    since = read_key.get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    changed = read_key.get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_list_answers_304_to_its_etag_until_a_claim_on_the_page_changes(read_key, claim, alice):
    first = read_key.get("/api/v1/claims/")
    assert read_key.get("/api/v1/claims/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    review_services.transition(claim_id=claim.pk, action="take", actor=alice)
    assert read_key.get("/api/v1/claims/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_failed_if_match_on_a_read_is_answered_in_full(read_key, claim):
    """If-Match guards writes; on a read the precondition is not the API's to refuse (no 412)."""
    response = read_key.get(f"/api/v1/claims/{claim.pk}/", HTTP_IF_MATCH='"something-else"')
    assert response.status_code == 200 and response.json()["id"] == claim.pk and response["ETag"]
