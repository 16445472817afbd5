"""The claim list's bulk form with a mixed selection: the action goes to the claims that allow it, and every claim
skipped is reported with its reason (one message per reason); a post without an action says to choose one."""

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimState
from tests.conftest import make_user
from tests.reviews.views.conftest import claim_in, messages_of

pytestmark = pytest.mark.django_db


def test_a_selection_with_approved_claims_takes_the_free_ones_and_groups_the_skipped_by_reason(client, alice):
    bob = make_user("bob", "reviewer")
    free = claim_in(ClaimState.UNVERIFIED)
    approved = [claim_in(ClaimState.APPROVED, proposer=bob) for _ in range(2)]
    client.force_login(alice)
    response = client.post(
        reverse("reviews:bulk"), {"action": "take", "claims": [free.pk, *(c.pk for c in approved)], "next": "/claims/"}
    )
    assert response.status_code == 302
    report = messages_of(response)
    assert report[0] == f"Take: done for 1 claim (#{free.pk})."
    ids = f"#{approved[0].pk}, #{approved[1].pk}"
    assert report[1] == f"Skipped 2 claims ({ids}): “Take” is not possible while the claim is “Approved”."
    assert len(report) == 2
    assert list(Claim.objects.filter(assignee=alice).values_list("pk", flat=True)) == [free.pk]
    assert Claim.objects.filter(pk__in=[c.pk for c in approved], state=ClaimState.APPROVED).count() == 2


def test_a_post_without_an_action_asks_for_one_and_changes_nothing(client, alice):
    claim = claim_in(ClaimState.APPROVED, proposer=make_user("bob", "reviewer"))
    client.force_login(alice)
    response = client.post(reverse("reviews:bulk"), {"claims": [claim.pk], "next": "/claims/"})
    assert response.status_code == 302 and response.url == "/claims/"
    assert messages_of(response) == ["Choose an action for the selected claims."]


def test_the_list_offers_every_action_any_claim_on_the_page_allows(client, erin):
    """The rows carry their allowed actions (the page's script enables an action when any ticked row allows it);
    the select lists the actions of every row, an approved claim's reopen beside a free claim's take."""
    claim_in(ClaimState.UNVERIFIED)
    approved = claim_in(ClaimState.APPROVED, proposer=make_user("bob", "reviewer"))
    client.force_login(erin)
    page = client.get(reverse("reviews:claim-list")).content.decode()
    select = page.split("data-bulk-action>", 1)[1].split("</select>", 1)[0]
    assert 'value="take"' in select and 'value="reopen"' in select
    assert f'value="{approved.pk}"' in page and 'data-actions="reopen ' in page


def test_a_german_report_groups_the_skipped_claims_too(client, alice):
    bob = make_user("bob", "reviewer")
    approved = [claim_in(ClaimState.APPROVED, proposer=bob) for _ in range(2)]
    client.force_login(alice)
    response = client.post(
        reverse("reviews:bulk"),
        {"action": "take", "claims": [c.pk for c in approved], "next": "/claims/"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    skipped = [m for m in messages_of(response) if "übersprungen" in m]
    assert len(skipped) == 1 and f"#{approved[0].pk}, #{approved[1].pk}" in skipped[0]
