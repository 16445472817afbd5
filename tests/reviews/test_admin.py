"""The review in the admin: claims, proposals, evidence, comments and the history are read-only there (a posted
change form is refused and changes nothing), and the admin's actions go through the review's services, so each
writes its event, bumps the claim's version and reaches the webhooks; a refusal is a message, never an error page."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from api.models import DeliveryStatus, EventType, Webhook, WebhookDelivery
from claims.models import Claim, ClaimState, Proposal, ProposalMethod, ProposalStatus, Verdict
from reviews import services
from reviews.models import ClaimEvent, Comment, EventKind, Evidence
from tests.api.test_webhooks import Receiver
from tests.factories import make_claim, make_document

pytestmark = pytest.mark.django_db

CLAIMS = reverse("admin:claims_claim_changelist")
PROPOSALS = reverse("admin:claims_proposal_changelist")


@pytest.fixture
def admin_client(client, adam):
    client.force_login(adam)
    return client


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def run_action(client, url, action, objects, **data):
    return client.post(url, {"action": action, "_selected_action": [obj.pk for obj in objects], **data})


def approved(claim, *, reviewer, editor) -> Claim:
    services.transition(claim_id=claim.pk, action="take", actor=reviewer)
    services.add_evidence(claim_id=claim.pk, actor=reviewer, url="https://example.org/table", note="Table 3.")
    services.transition(claim_id=claim.pk, action="propose", actor=reviewer, verdict=Verdict.FALSE, note="No.")
    return services.transition(claim_id=claim.pk, action="approve", actor=editor)


def claim_form(claim, **changes) -> dict:
    """The claim's admin form as an admin would post it, with the workflow's fields changed."""
    return {
        "language": claim.language,
        "role": claim.role,
        "cited_outlet": claim.cited_outlet,
        "checkworthiness_reasons": "[]",
        "entities": "{}",
        "proposals_status": claim.proposals_status,
        "_save": "Save",
        **changes,
    }


# Read-only: nothing of the review is edited in place.


def test_the_admin_cannot_edit_a_claims_workflow_fields(admin_client, adam, alice):
    claim = make_claim()
    other = make_claim()
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = claim_form(
        claim,
        assignee=alice.pk,
        approved_by=adam.pk,
        dismissed_at_0="2026-01-01",
        dismissed_at_1="10:00:00",
        dismissal_reason="no",
        verdict_under_correction=Verdict.FALSE,
        duplicate_of=other.pk,
    )
    assert admin_client.post(url, data).status_code == 403
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.assignee, stored.approved_by, stored.dismissed_at, stored.duplicate_of) == (None, None, None, None)
    assert (stored.verdict_under_correction, stored.version) == ("", 0)
    page = admin_client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()


def test_the_admin_cannot_accept_a_proposal_by_editing_its_status(admin_client):
    proposal = Proposal.objects.create(claim=make_claim(), document=make_document(), method="hybrid", score=0.8)
    url = reverse("admin:claims_proposal_change", args=[proposal.pk])
    data = {"claim": proposal.claim_id, "document": proposal.document_id, "method": "hybrid", "score": "0.8"}
    assert admin_client.post(url, {**data, "status": ProposalStatus.ACCEPTED, "_save": "Save"}).status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED and not Evidence.objects.exists()
    assert admin_client.get(reverse("admin:claims_proposal_add")).status_code == 403


def test_evidence_and_comments_are_shown_but_not_added_changed_or_deleted(admin_client, alice):
    claim = make_claim()
    evidence = services.add_evidence(claim_id=claim.pk, actor=alice, url="https://example.org/a", note="Shows it.")
    comment = services.add_comment(claim_id=claim.pk, actor=alice, text="Checked the table.")
    for row, name in ((evidence, "evidence"), (comment, "comment")):
        assert admin_client.get(reverse(f"admin:reviews_{name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:reviews_{name}_change", args=[row.pk])).status_code == 200
        changed = {"claim": claim.pk, "url": "https://evil.example", "note": "x", "text": "x", "_save": "Save"}
        assert admin_client.post(reverse(f"admin:reviews_{name}_change", args=[row.pk]), changed).status_code == 403
        assert admin_client.post(reverse(f"admin:reviews_{name}_add"), changed).status_code == 403
        response = admin_client.post(reverse(f"admin:reviews_{name}_delete", args=[row.pk]), {"post": "yes"})
        assert response.status_code == 403
        page = admin_client.get(reverse(f"admin:reviews_{name}_change", args=[row.pk])).content.decode()
        assert reverse(f"admin:reviews_{name}_delete", args=[row.pk]) not in page
        listed = admin_client.get(reverse(f"admin:reviews_{name}_changelist"))
        assert listed.status_code == 200 and listed.context["action_form"] is None
        run_action(admin_client, reverse(f"admin:reviews_{name}_changelist"), "delete_selected", [row], post="yes")
    assert Evidence.objects.get().url == "https://example.org/a" and Comment.objects.get().text == "Checked the table."


def test_the_history_is_read_only_in_the_admin(admin_client, alice):
    claim = make_claim()
    services.add_comment(claim_id=claim.pk, actor=alice, text="A comment.")
    event = ClaimEvent.objects.get()
    url = reverse("admin:reviews_claimevent_change", args=[event.pk])
    assert admin_client.post(url, {"note": "rewritten", "_save": "Save"}).status_code == 403
    assert (
        admin_client.post(reverse("admin:reviews_claimevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert ClaimEvent.objects.get().note == ""


# Actions: the services' writes, with their events.


def test_assign_to_me_assigns_through_the_service_with_its_event(admin_client, adam):
    claim = make_claim()
    response = run_action(admin_client, CLAIMS, "assign_to_me", [claim])
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.assignee, stored.version) == (adam, 1)
    event = ClaimEvent.objects.get(claim=claim)
    assert (event.kind, event.actor, event.data["assignee"]) == (EventKind.ASSIGNED, adam, "adam")
    assert shown_messages(response) == [f"Assign to me: done for 1 claim (#{claim.pk})."]


def test_unassign_gives_the_claim_to_nobody(admin_client, adam, alice):
    claim = make_claim()
    services.transition(claim_id=claim.pk, action="take", actor=alice)
    response = run_action(admin_client, CLAIMS, "unassign", [claim])
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).assignee is None
    assert ClaimEvent.objects.filter(claim=claim, kind=EventKind.ASSIGNED, actor=adam).exists()


def test_an_action_the_service_refuses_for_one_claim_is_a_message_and_the_others_go_on(admin_client, alice, erin):
    done, refused = make_claim(), approved(make_claim(), reviewer=alice, editor=erin)
    before = refused.version
    response = run_action(admin_client, CLAIMS, "assign_to_me", [done, refused])
    assert response.status_code == 302
    assert Claim.objects.get(pk=refused.pk).version == before and Claim.objects.get(pk=refused.pk).assignee == alice
    assert shown_messages(response) == [
        f"Assign to me: done for 1 claim (#{done.pk}).",
        f"Skipped claim #{refused.pk}: Only claims still in review are assigned.",
    ]


def test_dismiss_asks_for_a_reason_then_dismisses_through_the_service(admin_client, adam):
    claim = make_claim()
    page = run_action(admin_client, CLAIMS, "dismiss", [claim])
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert Claim.objects.get(pk=claim.pk).dismissed_at is None
    blank = run_action(admin_client, CLAIMS, "dismiss", [claim], apply="Dismiss", reason="  ")
    assert blank.status_code == 200 and blank.context["form"].errors["reason"]
    assert Claim.objects.get(pk=claim.pk).dismissed_at is None and not ClaimEvent.objects.exists()
    response = run_action(admin_client, CLAIMS, "dismiss", [claim], apply="Dismiss", reason="A question, no claim.")
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert (
        stored.dismissed_at is not None and stored.dismissal_reason == "A question, no claim." and stored.version == 1
    )
    event = ClaimEvent.objects.get(claim=claim)
    assert (event.kind, event.actor, event.note) == (EventKind.DISMISSED, adam, "A question, no claim.")


def test_restore_undoes_a_dismissal_and_refuses_one_that_is_not_dismissed(admin_client, adam, alice):
    dismissed, kept = make_claim(), make_claim()
    services.dismiss(claim_id=dismissed.pk, actor=alice, reason="Not a claim.")
    response = run_action(admin_client, CLAIMS, "restore", [dismissed, kept])
    assert response.status_code == 302
    assert Claim.objects.get(pk=dismissed.pk).dismissed_at is None
    assert ClaimEvent.objects.filter(claim=dismissed, kind=EventKind.RESTORED, actor=adam).exists()
    assert f"Skipped claim #{kept.pk}: This claim is not dismissed." in shown_messages(response)
    assert not ClaimEvent.objects.filter(claim=kept).exists()


def test_unlink_asks_for_a_reason_then_unlinks_through_the_service(admin_client, adam):
    earlier = make_claim()
    linked, alone = make_claim(duplicate_of=earlier), make_claim()
    apply = "Unlink from the earlier claim"
    response = run_action(admin_client, CLAIMS, "unlink_duplicate", [linked, alone], apply=apply, reason="Other year.")
    assert response.status_code == 302
    stored = Claim.objects.get(pk=linked.pk)
    assert stored.duplicate_of_id is None and stored.duplicate_unlinked_at is not None
    event = ClaimEvent.objects.get(claim=linked)
    assert (event.kind, event.actor, event.note) == (EventKind.UNLINKED, adam, "Other year.")
    assert f"Skipped claim #{alone.pk}: This claim is not linked to an earlier one." in shown_messages(response)


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    import threading

    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_reopen_from_the_admin_keeps_the_verdict_under_correction_and_reaches_the_webhook(
    admin_client, adam, alice, erin, receiver, django_capture_on_commit_callbacks
):
    claim = approved(make_claim(), reviewer=alice, editor=erin)
    Webhook.objects.create(name="cms", url=receiver.url, secret="s", event_types=[EventType.VERDICT_REOPENED])
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, CLAIMS, "reopen", [claim], apply="Reopen", reason="The table was revised.")
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.state, stored.verdict, stored.verdict_under_correction) == (ClaimState.IN_REVIEW, "", Verdict.FALSE)
    assert stored.version == claim.version + 1
    event = ClaimEvent.objects.filter(claim=claim).latest("pk")
    assert (event.actor, event.data["action"], event.note) == (adam, "reopen", "The table was revised.")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.event_type, delivery.status) == (
        event,
        EventType.VERDICT_REOPENED,
        DeliveryStatus.SUCCEEDED,
    )
    assert len(receiver.received) == 1


def test_reopen_of_a_claim_that_is_not_approved_is_a_message(admin_client):
    claim = make_claim()
    response = run_action(admin_client, CLAIMS, "reopen", [claim], apply="Reopen", reason="Why not.")
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).version == 0 and not ClaimEvent.objects.exists()
    [done, skipped] = shown_messages(response)
    assert done == "Reopen for correction: no claim was changed."
    assert skipped.startswith(f"Skipped claim #{claim.pk}: ")


def test_accepting_a_proposal_in_the_admin_makes_it_evidence_with_its_event(admin_client, adam):
    proposal = Proposal.objects.create(
        claim=make_claim(), document=make_document(), method=ProposalMethod.HYBRID, score=0.8
    )
    response = run_action(admin_client, PROPOSALS, "accept", [proposal])
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.ACCEPTED
    assert Evidence.objects.get().proposal_id == proposal.pk
    event = ClaimEvent.objects.get()
    assert (event.kind, event.actor, event.data["decision"]) == (EventKind.PROPOSAL_DECIDED, adam, "accepted")
    again = run_action(admin_client, PROPOSALS, "reject", [proposal])
    assert again.status_code == 302 and Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.ACCEPTED
    assert shown_messages(again)[-1].startswith(f"Skipped proposal #{proposal.pk}: ")
    assert Evidence.objects.count() == 1 and ClaimEvent.objects.count() == 1


def test_the_claim_list_offers_the_review_actions(admin_client):
    make_claim()
    actions = {name for name, _label in admin_client.get(CLAIMS).context["action_form"].fields["action"].choices}
    assert {"assign_to_me", "unassign", "dismiss", "restore", "reopen"} <= actions
