"""The claim page's actions (`reviews.views.actions`) as plain POSTs and htmx requests: each transition allowed,
refused with the reason, from a stale page; assigning, deciding proposals, evidence, comments, corrections,
dismissing and restoring."""

import pytest
from django.urls import reverse

from claims.models import (
    Claim,
    ClaimState,
    Proposal,
    ProposalMethod,
    ProposalStatus,
    Speaker,
    SpeakerKind,
    Verdict,
    WorkStatus,
)
from reviews import workflow
from reviews.models import ClaimEvent, Comment, EventKind, Evidence
from tests.conftest import make_user
from tests.factories import make_claim, make_document
from tests.reviews.views.conftest import HTMX, claim_in, messages_of

pytestmark = pytest.mark.django_db


def test_propose_again_queues_a_new_run(client, alice):
    claim = make_claim(proposals_status=WorkStatus.DONE)
    client.force_login(alice)
    response = client.post(reverse("reviews:propose-again", args=[claim.pk]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.proposals_status in (WorkStatus.PENDING, WorkStatus.RUNNING, WorkStatus.DONE)
    assert messages_of(response) == ["Sources are being proposed again."]


CASES = {
    "take": (ClaimState.UNVERIFIED, "alice", {}),
    "give_back": (ClaimState.IN_REVIEW, "alice", {}),
    "propose": (ClaimState.IN_REVIEW, "alice", {"verdict": Verdict.FALSE, "note": "The office says 3%."}),
    "send_back": (ClaimState.VERDICT_PROPOSED, "erin", {"note": "Cite the table."}),
    "approve": (ClaimState.VERDICT_PROPOSED, "erin", {}),
    "reopen": (ClaimState.APPROVED, "erin", {"note": "The office corrected its figure."}),
}


WITHOUT_PERMISSION = {"take": "cms", "give_back": "cms", "propose": "cms", "send_back": "alice", "approve": "alice"}


WITHOUT_PERMISSION["reopen"] = "alice"


def claim_for(action, people) -> Claim:
    state = CASES[action][0]
    assignee = None if state == ClaimState.UNVERIFIED else people["alice"]
    return claim_in(state, assignee=assignee, proposer=people["bob"])


def post_transition(client, claim, action, version=0, **data):
    return client.post(
        reverse("reviews:claim-transition", args=[claim.pk]), {"action": action, "version": version, **data}
    )


@pytest.mark.parametrize("action", CASES)
def test_each_action_through_the_view_moves_the_claim_and_redirects_with_a_message(client, people, action):
    _state, actor, needs = CASES[action]
    claim = claim_for(action, people)
    client.force_login(people[actor])
    response = post_transition(client, claim, action, **needs)
    assert response.status_code == 302 and response.url == reverse("reviews:claim-detail", args=[claim.pk])
    claim.refresh_from_db()
    assert claim.state == workflow.TRANSITIONS[action].target and claim.version == 1
    event = ClaimEvent.objects.get(claim=claim, kind=EventKind.TRANSITION)
    assert event.actor == people[actor] and event.data["action"] == action
    assert messages_of(response) == [f"Done: {workflow.TRANSITIONS[action].label}."]


@pytest.mark.parametrize("action", CASES)
def test_each_action_without_the_permission_is_a_403_page_with_the_reason(client, people, action):
    _state, _actor, needs = CASES[action]
    claim = claim_for(action, people)
    client.force_login(people[WITHOUT_PERMISSION[action]])
    response = post_transition(client, claim, action, **needs)
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    claim.refresh_from_db()
    assert claim.version == 0 and not ClaimEvent.objects.filter(claim=claim).exists()


@pytest.mark.parametrize("action", CASES)
def test_each_action_from_a_stale_page_gets_the_conflict_message_and_changes_nothing(client, people, action):
    _state, actor, needs = CASES[action]
    claim = claim_for(action, people)
    Claim.objects.filter(pk=claim.pk).update(version=3)
    client.force_login(people[actor])
    response = post_transition(client, claim, action, version=2, **needs)
    assert response.status_code == 302
    assert "Reload and try again" in messages_of(response)[0]
    claim.refresh_from_db()
    assert claim.state == CASES[action][0] and claim.version == 3


def test_a_double_submit_gets_the_conflict_message_the_second_time(client, alice):
    claim = claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    assert post_transition(client, claim, "take").status_code == 302
    response = post_transition(client, claim, "take")
    assert "Reload and try again" in messages_of(response)[-1]
    assert ClaimEvent.objects.filter(claim=claim).count() == 1


def test_a_conflict_from_htmx_is_a_409_with_the_message(client, alice):
    claim = claim_in(ClaimState.UNVERIFIED)
    Claim.objects.filter(pk=claim.pk).update(version=5)
    client.force_login(alice)
    response = client.post(
        reverse("reviews:claim-transition", args=[claim.pk]), {"action": "take", "version": 4}, **HTMX
    )
    assert response.status_code == 409 and "Reload and try again" in response.content.decode()


def test_a_verdict_without_rationale_or_evidence_shows_the_rules_messages_on_the_form(client, alice):
    claim = claim_in(ClaimState.IN_REVIEW, assignee=alice, evidence=False)
    client.force_login(alice)
    response = post_transition(client, claim, "propose", verdict=Verdict.CONFIRMED, note="")
    assert response.status_code == 400
    body = response.content.decode()
    assert "A verdict needs a rationale." in body
    assert "Accept a proposal or add evidence first" in body
    assert 'value="confirmed" checked' in body
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_REVIEW and claim.version == 0


def test_an_incomplete_transition_form_is_a_message_not_an_error_page(client, alice):
    claim = claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    response = client.post(reverse("reviews:claim-transition", args=[claim.pk]), {"action": "fly"})
    assert response.status_code == 302 and "incomplete" in messages_of(response)[0]


@pytest.mark.parametrize("version", ["\u00b2", "99999999999999999999", "x"])
def test_an_assignment_with_a_version_that_is_no_number_is_made_without_the_check(client, alice, erin, version):
    claim = claim_in(ClaimState.UNVERIFIED)
    client.force_login(erin)
    response = client.post(reverse("reviews:claim-assign", args=[claim.pk]), {"assignee": "alice", "version": version})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.assignee == alice


def test_an_editor_assigns_a_claim_on_its_page_and_a_reviewer_may_not(client, alice, erin):
    claim = claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    response = client.post(reverse("reviews:claim-assign", args=[claim.pk]), {"assignee": "alice", "version": 0})
    assert response.status_code == 403
    client.force_login(erin)
    response = client.post(reverse("reviews:claim-assign", args=[claim.pk]), {"assignee": "alice", "version": 0})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.assignee == alice
    assert ClaimEvent.objects.get(claim=claim).kind == EventKind.ASSIGNED


@pytest.fixture
def proposal(db):
    return Proposal.objects.create(
        claim=make_claim(), document=make_document(title="Destatis table"), method=ProposalMethod.LEXICAL, score=0.8
    )


def test_accepting_a_proposal_by_plain_post_makes_it_evidence(client, alice, proposal):
    client.force_login(alice)
    response = client.post(reverse("reviews:decide-proposal", args=[proposal.pk]), {"decision": "accept"})
    assert response.status_code == 302 and response.url == reverse("reviews:claim-detail", args=[proposal.claim_id])
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert Evidence.objects.get(claim=proposal.claim).proposal == proposal
    assert ClaimEvent.objects.get(claim=proposal.claim).kind == EventKind.PROPOSAL_DECIDED


def test_rejecting_a_proposal_with_htmx_returns_its_row(client, alice, proposal):
    client.force_login(alice)
    response = client.post(reverse("reviews:decide-proposal", args=[proposal.pk]), {"decision": "reject"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith("<tr") and "Rejected" in body and "<html" not in body
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and not Evidence.objects.exists()


def test_deciding_a_proposal_twice_is_a_conflict(client, alice, proposal):
    client.force_login(alice)
    url = reverse("reviews:decide-proposal", args=[proposal.pk])
    client.post(url, {"decision": "accept"})
    assert client.post(url, {"decision": "reject"}, **HTMX).status_code == 409
    response = client.post(url, {"decision": "reject"})
    assert "already been decided" in messages_of(response)[-1]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


def test_a_decision_that_is_neither_accept_nor_reject_changes_nothing(client, alice, proposal):
    client.force_login(alice)
    response = client.post(reverse("reviews:decide-proposal", args=[proposal.pk]), {"decision": "maybe"})
    assert response.status_code == 302 and messages_of(response) == ["Choose accept or reject."]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_an_api_client_may_not_decide_proposals(client, cms, proposal):
    client.force_login(cms)
    assert (
        client.post(reverse("reviews:decide-proposal", args=[proposal.pk]), {"decision": "accept"}).status_code == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_evidence_is_added_by_url_with_a_note(client, alice):
    claim = make_claim()
    client.force_login(alice)
    response = client.post(
        reverse("reviews:add-evidence", args=[claim.pk]), {"url": "https://www.destatis.de/x", "note": "Table 3"}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(claim=claim)
    assert (evidence.url, evidence.note, evidence.added_by) == ("https://www.destatis.de/x", "Table 3", alice)
    assert ClaimEvent.objects.get(claim=claim).kind == EventKind.EVIDENCE_ADDED


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://example.org/\x01a"])
def test_evidence_with_a_bad_address_shows_the_error_on_the_form(client, alice, url):
    claim = make_claim()
    client.force_login(alice)
    response = client.post(reverse("reviews:add-evidence", args=[claim.pk]), {"url": url})
    assert response.status_code == 400
    assert "Enter a web address starting with http:// or https://." in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_comment_is_added_and_an_empty_one_refused(client, alice):
    claim = make_claim()
    client.force_login(alice)
    assert client.post(reverse("reviews:add-comment", args=[claim.pk]), {"text": "Ask the office."}).status_code == 302
    assert Comment.objects.get(claim=claim).author == alice
    assert client.post(reverse("reviews:add-comment", args=[claim.pk]), {"text": "  "}).status_code == 400
    assert Comment.objects.count() == 1


def test_a_comment_or_evidence_note_longer_than_the_api_takes_is_refused_on_the_form(client, alice):
    claim = make_claim()
    client.force_login(alice)
    long = "x" * 20_001
    assert client.post(reverse("reviews:add-comment", args=[claim.pk]), {"text": long}).status_code == 400
    evidence = {"url": "https://example.org/quelle", "note": long}
    assert client.post(reverse("reviews:add-evidence", args=[claim.pk]), evidence).status_code == 400
    assert not Comment.objects.exists() and not Evidence.objects.exists()


def test_an_outsider_may_not_comment(client, oscar):
    claim = make_claim()
    client.force_login(oscar)
    assert client.post(reverse("reviews:add-comment", args=[claim.pk]), {"text": "Hi"}).status_code == 403
    assert not Comment.objects.exists()


def post_correction(client, claim, version=0, headers=None, language="en", **data):
    body = {"speaker": "", "speaker_kind": "", "cited_outlet": "", "version": version, **data}
    return client.post(
        reverse("reviews:correct-attribution", args=[claim.pk]),
        body,
        HTTP_ACCEPT_LANGUAGE=language,
        **(headers or {}),
    )


def test_a_reviewer_corrects_speaker_outlet_and_quote_by_a_plain_post(client, alice):
    claim = make_claim(speaker=Speaker.objects.create(name="Der Senator"), cited_outlet="Bild")
    client.force_login(alice)
    response = post_correction(
        client, claim, speaker="Anna Beispiel", speaker_kind="person", cited_outlet="Reuters", is_direct_quote="on"
    )
    assert response.status_code == 302 and response.url == reverse("reviews:claim-detail", args=[claim.pk])
    assert messages_of(response) == ["Correction saved."]
    claim.refresh_from_db()
    assert (claim.speaker.name, claim.cited_outlet, claim.is_direct_quote) == ("Anna Beispiel", "Reuters", True)
    assert claim.corrected_fields == ["speaker", "cited_outlet", "is_direct_quote"] and claim.version == 1
    event = ClaimEvent.objects.get(claim=claim)
    assert event.kind == EventKind.CORRECTED and event.actor == alice
    assert event.data["old"]["speaker"]["name"] == "Der Senator" and event.data["new"]["cited_outlet"] == "Reuters"
    body = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    assert "corrected by a reviewer" in body
    assert "Corrected: speaker Der Senator → Anna Beispiel; cited outlet Bild → Reuters; direct quote no → yes" in body


def test_a_correction_by_htmx_returns_the_corrected_facts_with_the_new_version(client, alice):
    claim = make_claim(cited_outlet="Bild")
    client.force_login(alice)
    response = post_correction(client, claim, cited_outlet="Reuters", headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="attribution"' in body and 'data-claim-version="1"' in body and "Reuters" in body
    assert 'name="version" value="1"' in body and "Correction saved." in body
    assert Claim.objects.get(pk=claim.pk).cited_outlet == "Reuters"
    assert ClaimEvent.objects.get(claim=claim).kind == EventKind.CORRECTED


def test_the_claim_page_offers_the_correction_only_to_who_may_correct(client, alice, erin, cms):
    bob = make_user("bob", "reviewer")
    free = claim_in(ClaimState.UNVERIFIED)
    bobs = claim_in(ClaimState.IN_REVIEW, assignee=bob)
    approved = claim_in(ClaimState.APPROVED, assignee=bob, proposer=bob)
    form = 'action="{}"'.format

    def offered(user, claim) -> bool:
        client.force_login(user)
        body = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
        return form(reverse("reviews:correct-attribution", args=[claim.pk])) in body

    assert offered(alice, free) and not offered(alice, bobs) and not offered(alice, approved)
    assert offered(erin, bobs) and not offered(erin, approved)
    assert not offered(cms, free)


def test_the_correction_reads_in_german_too(client, alice):
    claim = make_claim(cited_outlet="Bild")
    client.force_login(alice)
    response = post_correction(client, claim, cited_outlet="Reuters", language="de")
    assert messages_of(response) == ["Korrektur gespeichert."]
    body = client.get(reverse("reviews:claim-detail", args=[claim.pk]), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Sprecher, Medium oder Zitat korrigieren" in body and "von einem Prüfer korrigiert" in body
    assert "Korrigiert: zitiertes Medium Bild → Reuters" in body


def test_a_refused_correction_shows_the_reason_on_the_form_and_changes_nothing(client, alice):
    Speaker.objects.create(name="Anna Beispiel", kind=SpeakerKind.PERSON)
    claim = make_claim()
    client.force_login(alice)
    response = post_correction(client, claim, speaker="anna beispiel", speaker_kind="organisation")
    assert response.status_code == 400
    body = response.content.decode()
    assert "is known as: Person" in body and '<details class="correct" open>' in body
    assert 'value="anna beispiel"' in body
    claim.refresh_from_db()
    assert claim.speaker is None and claim.version == 0 and not ClaimEvent.objects.exists()


def test_a_refused_correction_by_htmx_is_a_400_with_the_reasons_as_text(client, alice):
    claim = make_claim()
    client.force_login(alice)
    response = post_correction(client, claim, speaker="x" * 301, headers=HTMX)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("Speaker: ")
    assert Claim.objects.get(pk=claim.pk).version == 0 and not ClaimEvent.objects.exists()


def test_a_correction_that_changes_nothing_says_so(client, alice):
    claim = make_claim(cited_outlet="Bild")
    client.force_login(alice)
    response = post_correction(client, claim, cited_outlet="Bild")
    assert response.status_code == 302 and messages_of(response) == ["Nothing was changed."]
    assert not ClaimEvent.objects.exists()


def test_a_correction_from_a_stale_page_or_submitted_twice_gets_the_conflict_message(client, alice):
    claim = make_claim()
    client.force_login(alice)
    assert post_correction(client, claim, cited_outlet="Reuters").status_code == 302
    response = post_correction(client, claim, cited_outlet="AFP")
    assert response.status_code == 302 and "Reload and try again" in messages_of(response)[-1]
    response = post_correction(client, claim, cited_outlet="AFP", headers=HTMX)
    assert response.status_code == 409 and "Reload and try again" in response.content.decode()
    claim.refresh_from_db()
    assert claim.cited_outlet == "Reuters" and claim.version == 1 and ClaimEvent.objects.count() == 1


def test_an_approved_claim_is_not_corrected_before_it_is_reopened(client, erin):
    claim = claim_in(ClaimState.APPROVED, proposer=make_user("bob", "reviewer"), cited_outlet="Bild")
    client.force_login(erin)
    response = post_correction(client, claim, cited_outlet="Reuters")
    assert response.status_code == 302 and "reopen the claim" in messages_of(response)[0]
    claim.refresh_from_db()
    assert claim.cited_outlet == "Bild" and claim.version == 0 and not ClaimEvent.objects.exists()


def test_an_api_client_may_not_correct_and_an_incomplete_form_changes_nothing(client, alice, cms):
    claim = make_claim(cited_outlet="Bild")
    client.force_login(cms)
    assert post_correction(client, claim, cited_outlet="Reuters").status_code == 403
    client.force_login(alice)
    response = client.post(reverse("reviews:correct-attribution", args=[claim.pk]), {"cited_outlet": "Reuters"})
    assert response.status_code == 302 and "incomplete" in messages_of(response)[0]
    claim.refresh_from_db()
    assert claim.cited_outlet == "Bild" and claim.version == 0 and not ClaimEvent.objects.exists()


def test_a_reviewer_dismisses_a_non_claim_with_a_reason_and_restores_it(client, alice):
    claim = make_claim()
    article_url = reverse("reviews:article-detail", args=[claim.article_id])
    client.force_login(alice)
    response = client.post(
        reverse("reviews:dismiss", args=[claim.pk]), {"reason": "A headline", "version": 0, "next": article_url}
    )
    assert response.status_code == 302 and response.url == article_url
    claim.refresh_from_db()
    assert claim.dismissed_at is not None and claim.dismissal_reason == "A headline"
    assert ClaimEvent.objects.get(claim=claim).kind == EventKind.DISMISSED
    client.post(reverse("reviews:restore", args=[claim.pk]), {"next": article_url})
    claim.refresh_from_db()
    assert claim.dismissed_at is None


def test_dismissing_without_a_reason_is_refused_with_a_message(client, alice):
    claim = make_claim()
    client.force_login(alice)
    response = client.post(reverse("reviews:dismiss", args=[claim.pk]), {"reason": ""})
    assert messages_of(response) == ["Give a reason why this is not a claim."]
    claim.refresh_from_db()
    assert claim.dismissed_at is None
