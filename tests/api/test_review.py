"""Transitions, evidence and comments through the API: the review services' rules, answered in HTTP."""

import pytest

from api.models import Scope
from claims.models import Claim, ClaimState
from reviews.models import ClaimEvent, Comment, EventKind, Evidence
from tests.api.conftest import key_client

pytestmark = pytest.mark.django_db


def post_transition(client, claim, **body):
    return client.post(f"/api/v1/claims/{claim.pk}/transitions/", body, format="json")


def test_a_reviewer_key_takes_a_claim_as_its_user(reviewer_key, claim, alice):
    response = post_transition(reviewer_key, claim, action="take", version=claim.version)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "in_review" and response.json()["version"] == 1
    claim.refresh_from_db()
    assert (claim.state, claim.assignee) == (ClaimState.IN_REVIEW, alice)
    event = ClaimEvent.objects.get()
    assert (event.kind, event.actor, event.to_state) == (EventKind.TRANSITION, alice, "in_review")


def test_from_a_wrong_state_a_transition_is_a_409_and_changes_nothing(reviewer_key, claim):
    response = post_transition(reviewer_key, claim, action="give_back")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert Claim.objects.get().state == ClaimState.UNVERIFIED and not ClaimEvent.objects.exists()


def test_a_reviewer_key_cannot_approve_and_changes_nothing(reviewer_key, claim, alice):
    from reviews import services

    services.transition(claim_id=claim.pk, action="take", actor=alice)
    services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict="unverifiable", note="n")
    events = ClaimEvent.objects.count()
    response = post_transition(reviewer_key, claim, action="approve")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert "action" in response.json()["error"]["fields"]
    assert Claim.objects.get().state == ClaimState.VERDICT_PROPOSED and ClaimEvent.objects.count() == events


def test_an_editors_key_approves(editor_key, claim, alice, erin):
    from reviews import services

    services.transition(claim_id=claim.pk, action="take", actor=alice)
    services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict="unverifiable", note="n")
    response = post_transition(editor_key, claim, action="approve")
    assert response.status_code == 200 and response.json()["status"] == "unverifiable"
    assert Claim.objects.get().approved_by == erin


def test_a_double_submit_is_a_409_and_writes_one_event(reviewer_key, claim):
    first = post_transition(reviewer_key, claim, action="take", version=0)
    second = post_transition(reviewer_key, claim, action="take", version=0)
    assert (first.status_code, second.status_code) == (200, 409)
    assert ClaimEvent.objects.count() == 1 and Claim.objects.get().version == 1


def test_a_proposal_without_what_it_needs_is_a_400_with_the_reasons(reviewer_key, claim):
    post_transition(reviewer_key, claim, action="take")
    response = post_transition(reviewer_key, claim, action="propose", verdict="false")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "guard_failed" and {"note", "evidence"} <= set(error["fields"])
    assert Claim.objects.get().state == ClaimState.IN_REVIEW


def test_an_unknown_action_is_a_400(reviewer_key, claim):
    response = post_transition(reviewer_key, claim, action="publish")
    assert response.status_code == 400 and "action" in response.json()["error"]["fields"]


def test_a_review_key_of_an_api_client_user_cannot_review(cms, claim):
    client = key_client(cms, Scope.REVIEW)
    assert post_transition(client, claim, action="take").status_code == 403
    assert not ClaimEvent.objects.exists()


def test_get_transitions_lists_the_actions_allowed_now(reviewer_key, claim):
    body = reviewer_key.get(f"/api/v1/claims/{claim.pk}/transitions/").json()
    assert body == {
        "version": 0,
        "actions": [{"action": "take", "label": "Take", "needs_verdict": False, "needs_reason": False}],
    }


def test_a_reviewer_adds_evidence_and_it_shows_on_the_claim(reviewer_key, read_key, claim, alice):
    response = reviewer_key.post(
        f"/api/v1/claims/{claim.pk}/evidence/", {"url": "https://example.org/x", "note": "shows it"}, format="json"
    )
    assert response.status_code == 201 and response.json()["url"] == "https://example.org/x"
    assert Evidence.objects.get().added_by == alice
    assert ClaimEvent.objects.get().kind == EventKind.EVIDENCE_ADDED
    assert [e["note"] for e in read_key.get(f"/api/v1/claims/{claim.pk}/evidence/").json()] == ["shows it"]


def test_evidence_without_a_web_address_is_a_400_and_nothing_is_stored(reviewer_key, claim):
    response = reviewer_key.post(f"/api/v1/claims/{claim.pk}/evidence/", {"url": "not a url"}, format="json")
    assert response.status_code == 400 and "url" in response.json()["error"]["fields"]
    assert not Evidence.objects.exists() and not ClaimEvent.objects.exists()


def test_a_reviewer_comments_and_reads_the_comments(reviewer_key, claim, alice):
    response = reviewer_key.post(f"/api/v1/claims/{claim.pk}/comments/", {"text": "Asked the police."}, format="json")
    assert response.status_code == 201 and response.json()["author"] == "alice"
    assert Comment.objects.get().author == alice
    assert [c["text"] for c in reviewer_key.get(f"/api/v1/claims/{claim.pk}/comments/").json()] == ["Asked the police."]


def test_an_empty_comment_is_a_400(reviewer_key, claim):
    response = reviewer_key.post(f"/api/v1/claims/{claim.pk}/comments/", {"text": "  "}, format="json")
    assert response.status_code == 400 and "text" in response.json()["error"]["fields"]
    assert not Comment.objects.exists()


def test_a_transition_on_a_missing_claim_is_a_404(reviewer_key):
    response = reviewer_key.post("/api/v1/claims/999999/transitions/", {"action": "take"}, format="json")
    assert response.status_code == 404


def test_the_session_needs_a_csrf_token_for_writes(alice, claim):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(f"/api/v1/claims/{claim.pk}/transitions/", {"action": "take"}, format="json")
    assert response.status_code == 403 and not ClaimEvent.objects.exists()


def test_a_reviewer_accepts_a_proposal_and_it_becomes_evidence_once(reviewer_key, alice):
    from claims.models import Proposal, ProposalMethod, ProposalStatus
    from reviews.models import Evidence
    from tests.factories import make_claim, make_document

    claim = make_claim()
    proposal = Proposal.objects.create(
        claim=claim, document=make_document(), method=ProposalMethod.HYBRID, score=0.8, reason="shares words"
    )
    path = f"/api/v1/claims/{claim.pk}/proposals/{proposal.pk}/decision"
    response = reviewer_key.post(path, {"decision": "accept", "note": "the treaty"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ProposalStatus.ACCEPTED
    assert Evidence.objects.get(claim=claim).proposal == proposal
    # The evidence names its document and the snapshot kept of the document's page.
    import datetime

    from django.utils import timezone

    from reviews.models import EvidenceSnapshot

    fetched = timezone.now()
    EvidenceSnapshot.objects.create(
        evidence=Evidence.objects.get(claim=claim),
        url="https://example.org/a",
        final_url="https://example.org/b",
        status="done",
        http_status=200,
        sha256="ab" * 32,
        text="the page",
        fetched_at=fetched,
    )
    (shown,) = reviewer_key.get(f"/api/v1/claims/{claim.pk}/evidence/").json()
    assert shown["document"] == {
        "key": proposal.document.key,
        "title": proposal.document.title,
        "url": proposal.document.url,
        "source": proposal.document.source.key,
    }
    assert shown["lead"] is False and shown["kind"] == "document"
    assert datetime.datetime.fromisoformat(shown["snapshot"]["fetched_at"]) == fetched
    assert shown["snapshot"] == {
        "status": "done",
        "fetched_at": shown["snapshot"]["fetched_at"],
        "final_url": "https://example.org/b",
        "http_status": 200,
        "sha256": "ab" * 32,
        "error": "",
    }
    assert reviewer_key.get(f"/api/v1/claims/{claim.pk}/").json()["evidence"] == [shown]
    again = reviewer_key.post(path, {"decision": "reject"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert reviewer_key.post(path, {"decision": "maybe"}, format="json").status_code == 400
    other = make_claim()
    assert (
        reviewer_key.post(
            f"/api/v1/claims/{other.pk}/proposals/{proposal.pk}/decision", {"decision": "reject"}, format="json"
        ).status_code
        == 404
    )
    assert Evidence.objects.count() == 1


# Correcting speaker, cited outlet and quote ----------------------------------------------------------------------


def post_attribution(client, claim, **body):
    return client.post(f"/api/v1/claims/{claim.pk}/attribution/", body, format="json")


def test_a_reviewer_key_corrects_the_speaker_and_the_claim_shows_it_with_its_history(reviewer_key, claim, alice):
    response = post_attribution(
        reviewer_key, claim, version=0, speaker="Olaf Scholz", speaker_kind="person", is_direct_quote=True
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["speaker"]["name"] == "Olaf Scholz" and body["is_direct_quote"] is True and body["version"] == 1
    assert body["corrected_fields"] == ["speaker", "is_direct_quote"]
    change = body["history"][-1]
    assert change["kind"] == "corrected" and change["actor"] == "alice"
    assert change["changes"]["old"]["speaker"]["name"] == "Anna Beispiel"
    assert change["changes"]["new"]["speaker"]["name"] == "Olaf Scholz"
    claim.refresh_from_db()
    assert (claim.speaker.name, claim.is_direct_quote, claim.cited_outlet) == ("Olaf Scholz", True, "")
    event = ClaimEvent.objects.get()
    assert (event.kind, event.actor, event.data["fields"]) == (
        EventKind.CORRECTED,
        alice,
        ["speaker", "is_direct_quote"],
    )


def test_a_form_encoded_correction_changes_only_the_fields_it_sends(reviewer_key, claim):
    Claim.objects.filter(pk=claim.pk).update(is_direct_quote=True)
    response = reviewer_key.post(
        f"/api/v1/claims/{claim.pk}/attribution/",
        "cited_outlet=Reuters",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert (claim.cited_outlet, claim.is_direct_quote, claim.speaker.name) == ("Reuters", True, "Anna Beispiel")
    assert claim.corrected_fields == ["cited_outlet"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"version": 0, "speaker_kind": "person"}, "non_field_errors"),
        ({"speaker": "x" * 301}, "speaker"),
        ({"cited_outlet": "y" * 301}, "cited_outlet"),
        ({"speaker": "R2", "speaker_kind": "robot"}, "speaker_kind"),
        ({"is_direct_quote": "perhaps"}, "is_direct_quote"),
        ({"speaker": "anna beispiel", "speaker_kind": "organisation"}, "speaker_kind"),
        ({"speaker": "", "speaker_kind": "person"}, "speaker_kind"),
        ({"speaker": "Olaf Scholz", "version": -1}, "version"),
    ],
)
def test_a_bad_correction_is_a_400_with_the_field_and_changes_nothing(reviewer_key, claim, body, field):
    response = post_attribution(reviewer_key, claim, **body)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    claim.refresh_from_db()
    assert claim.version == 0 and claim.speaker.name == "Anna Beispiel" and not ClaimEvent.objects.exists()


def test_a_read_key_or_an_api_client_may_not_correct(read_key, cms, claim):
    assert post_attribution(read_key, claim, cited_outlet="Reuters").status_code == 403
    assert post_attribution(key_client(cms, Scope.REVIEW), claim, cited_outlet="Reuters").status_code == 403
    claim.refresh_from_db()
    assert claim.cited_outlet == "" and claim.version == 0 and not ClaimEvent.objects.exists()


def test_someone_elses_claim_is_a_403_for_a_reviewer_and_an_editor_corrects_it(reviewer_key, editor_key, claim):
    from reviews import services
    from tests.conftest import make_user

    services.transition(claim_id=claim.pk, action="take", actor=make_user("bob", "reviewer"))
    response = post_attribution(reviewer_key, claim, cited_outlet="Reuters")
    assert response.status_code == 403 and "action" in response.json()["error"]["fields"]
    assert post_attribution(editor_key, claim, cited_outlet="Reuters").status_code == 200
    assert Claim.objects.get().cited_outlet == "Reuters"


def test_a_stale_or_double_correction_is_a_409_and_writes_one_event(reviewer_key, claim):
    first = post_attribution(reviewer_key, claim, version=0, cited_outlet="Reuters")
    second = post_attribution(reviewer_key, claim, version=0, cited_outlet="Reuters")
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.json()["error"]["code"] == "conflict"
    assert ClaimEvent.objects.count() == 1 and Claim.objects.get().version == 1


def test_correcting_an_approved_claim_is_a_409_until_it_is_reopened(editor_key, approved_claim):
    events = ClaimEvent.objects.count()
    response = post_attribution(editor_key, approved_claim, cited_outlet="Reuters")
    assert response.status_code == 409 and "reopen" in response.json()["error"]["message"]
    approved_claim.refresh_from_db()
    assert approved_claim.cited_outlet == "" and ClaimEvent.objects.count() == events


def test_correcting_a_missing_claim_is_a_404(reviewer_key):
    response = reviewer_key.post("/api/v1/claims/987654/attribution/", {"cited_outlet": "x"}, format="json")
    assert response.status_code == 404


# One rule for every write: an approved verdict's evidence and proposals, and another reviewer's claim -----------


def proposal_of(claim):
    from claims.models import Proposal, ProposalMethod
    from tests.factories import make_document

    return Proposal.objects.create(
        claim=claim, document=make_document(), method=ProposalMethod.HYBRID, score=0.8, reason="shares words"
    )


def test_evidence_and_proposals_of_an_approved_claim_are_a_409_until_it_is_reopened(editor_key, approved_claim):
    from claims.models import Proposal, ProposalStatus

    proposal = proposal_of(approved_claim)
    events, evidence = ClaimEvent.objects.count(), Evidence.objects.count()
    response = editor_key.post(
        f"/api/v1/claims/{approved_claim.pk}/evidence/", {"url": "https://example.org/late"}, format="json"
    )
    assert response.status_code == 409 and "reopen" in response.json()["error"]["message"]
    path = f"/api/v1/claims/{approved_claim.pk}/proposals/{proposal.pk}/decision"
    response = editor_key.post(path, {"decision": "accept"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED
    assert (ClaimEvent.objects.count(), Evidence.objects.count()) == (events, evidence)

    post_transition(editor_key, approved_claim, action="reopen", note="A correction.")
    assert editor_key.post(path, {"decision": "accept"}, format="json").status_code == 200


def test_evidence_and_proposals_of_another_reviewers_claim_are_a_403(reviewer_key, claim):
    from claims.models import Proposal, ProposalStatus
    from reviews import services
    from tests.conftest import make_user

    services.transition(claim_id=claim.pk, action="take", actor=make_user("bob", "reviewer"))
    proposal = proposal_of(claim)
    events = ClaimEvent.objects.count()
    response = reviewer_key.post(f"/api/v1/claims/{claim.pk}/evidence/", {"url": "https://example.org/"}, format="json")
    assert response.status_code == 403 and "action" in response.json()["error"]["fields"]
    path = f"/api/v1/claims/{claim.pk}/proposals/{proposal.pk}/decision"
    response = reviewer_key.post(path, {"decision": "reject"}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED
    assert not Evidence.objects.exists() and ClaimEvent.objects.count() == events


def test_a_reviewer_unlinks_a_wrong_near_duplicate_and_the_history_says_why(reviewer_key, alice):
    from reviews.models import ClaimEvent, EventKind
    from tests.factories import make_claim

    earlier = make_claim()
    claim = make_claim(duplicate_of=earlier)
    path = f"/api/v1/claims/{claim.pk}/unlink/"
    missing = reviewer_key.post(path, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    response = reviewer_key.post(path, {"reason": "Another city."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["duplicate_of"] is None
    event = ClaimEvent.objects.get(claim=claim)
    assert (event.kind, event.actor, event.note) == (EventKind.UNLINKED, alice, "Another city.")
    again = reviewer_key.post(path, {"reason": "Still another city."}, format="json")
    assert again.status_code == 400 and ClaimEvent.objects.filter(claim=claim).count() == 1


def test_a_read_key_cannot_unlink(read_key):
    from tests.factories import make_claim

    claim = make_claim(duplicate_of=make_claim())
    assert read_key.post(f"/api/v1/claims/{claim.pk}/unlink/", {"reason": "x"}, format="json").status_code == 403
