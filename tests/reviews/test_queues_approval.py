"""An editor's queue lists the verdicts waiting for their approval, and the claim page says why an editor who
proposed a verdict has no Approve button (the two-person rule)."""

import pytest
from django.urls import reverse

from claims.models import ClaimState
from reviews import selectors
from tests.conftest import make_user
from tests.reviews.views.conftest import claim_in

pytestmark = pytest.mark.django_db


def test_an_editors_queue_lists_verdicts_others_proposed_awaiting_approval(client, alice, erin):
    waiting = claim_in(ClaimState.VERDICT_PROPOSED, assignee=alice, proposer=alice)
    own = claim_in(ClaimState.VERDICT_PROPOSED, assignee=erin, proposer=erin)
    approved = claim_in(ClaimState.APPROVED, assignee=alice, proposer=alice)
    dismissed = claim_in(ClaimState.VERDICT_PROPOSED, proposer=alice)
    dismissed.dismissed_at = dismissed.created_at
    dismissed.save(update_fields=["dismissed_at"])
    client.force_login(erin)
    response = client.get(reverse("reviews:my-queue"))
    assert response.status_code == 200
    listed = [claim.pk for claim in response.context["awaiting_approval"]]
    assert listed == [waiting.pk]
    assert own.pk not in listed and approved.pk not in listed and dismissed.pk not in listed
    page = response.content.decode()
    assert "Awaiting your approval" in page
    assert reverse("reviews:claim-detail", args=[waiting.pk]) in page


def test_the_approval_section_is_in_german_for_a_german_editor(client, alice, erin):
    claim_in(ClaimState.VERDICT_PROPOSED, assignee=alice, proposer=alice)
    client.force_login(erin)
    page = client.get(reverse("reviews:my-queue"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Wartet auf Ihre Freigabe" in page


def test_a_reviewer_has_no_approval_section(client, alice):
    bob = make_user("bob", "reviewer")
    claim_in(ClaimState.VERDICT_PROPOSED, assignee=bob, proposer=bob)
    client.force_login(alice)
    response = client.get(reverse("reviews:my-queue"))
    assert not response.context["awaiting_approval"]
    assert "Awaiting your approval" not in response.content.decode()


def test_with_single_person_approval_an_editor_sees_their_own_verdicts_too(settings, alice, erin):
    settings.SINGLE_PERSON_APPROVAL = True
    own = claim_in(ClaimState.VERDICT_PROPOSED, assignee=erin, proposer=erin)
    assert list(selectors.awaiting_approval_by(erin)) == [own]


def test_the_claim_page_tells_the_proposing_editor_why_there_is_no_approve_button(client, erin):
    claim = claim_in(ClaimState.VERDICT_PROPOSED, assignee=erin, proposer=erin)
    client.force_login(erin)
    page = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    assert 'id="action-approve"' not in page
    assert "You proposed this verdict; another editor approves it." in page


def test_another_editor_sees_the_approve_button_and_no_reason(client, alice):
    claim = claim_in(ClaimState.VERDICT_PROPOSED, assignee=alice, proposer=alice)
    make_user("edith", "editor")
    client.login(username="edith", password="edith-password")
    page = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    assert 'id="action-approve"' in page
    assert "another editor approves it" not in page


def test_a_reviewer_who_proposed_sees_no_approval_reason(client, alice):
    """Reviewers never approve: the reason is for editors, who would otherwise expect the button."""
    claim = claim_in(ClaimState.VERDICT_PROPOSED, assignee=alice, proposer=alice)
    client.force_login(alice)
    page = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    assert "another editor approves it" not in page
