"""The reviewers' web app through the Django test client: the queues and their filters, the claim page, every
action as a plain POST (allowed, refused with the reason, a stale page getting the conflict message), htmx
requests, bulk actions and their report, the article page's actions, escaping and the number of queries."""

import re

import pytest
from django.contrib.messages import get_messages
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
from tests.factories import make_article, make_claim, make_document

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def claim_in(state: str, *, assignee=None, proposer=None, evidence=True, **fields) -> Claim:
    if state in (ClaimState.VERDICT_PROPOSED, ClaimState.APPROVED):
        fields.setdefault("verdict", Verdict.FALSE)
        fields.setdefault("verdict_rationale", "because")
        fields.setdefault("verdict_proposed_by", proposer)
    claim = make_claim(state=state, assignee=assignee, **fields)
    if evidence:
        Evidence.objects.create(claim=claim, url="https://www.destatis.de/")
    return claim


# The queues ------------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for name in ("reviews:my-queue", "reviews:claim-list", "reviews:dashboard"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_my_queue_shows_only_my_open_claims(client, alice):
    bob = make_user("bob", "reviewer")
    mine = claim_in(ClaimState.IN_REVIEW, assignee=alice)
    approved = claim_in(ClaimState.APPROVED, assignee=alice, proposer=bob)
    others = claim_in(ClaimState.IN_REVIEW, assignee=bob)
    free = claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    response = client.get(reverse("reviews:my-queue"))
    assert response.status_code == 200
    shown = [claim.pk for claim, _allowed in response.context["rows"]]
    assert shown == [mine.pk]
    assert approved.pk not in shown and others.pk not in shown and free.pk not in shown


def test_all_claims_filter_by_state_search_and_assignee(client, alice):
    speaker = Speaker.objects.create(name="Petra Klein")
    article = make_article(text="Der Haushalt steigt um 80 Millionen Euro. Die Schulen werden saniert.")
    budget = make_claim(article, start=0, end=41, speaker=speaker)
    schools = make_claim(article, start=42, end=len(article.text), state=ClaimState.IN_REVIEW, assignee=alice)
    client.force_login(alice)
    url = reverse("reviews:claim-list")

    def shown(query):
        return [claim.pk for claim, _allowed in client.get(url, query).context["rows"]]

    assert shown({}) == [budget.pk, schools.pk]
    assert shown({"state": "in_review"}) == [schools.pk]
    assert shown({"q": "Haushalt"}) == [budget.pk]
    assert shown({"speaker": "Klein"}) == [budget.pk]
    assert shown({"assignee": "me"}) == [schools.pk]
    assert shown({"assignee": "none"}) == [budget.pk]
    assert shown({"ordering": "-created"}) == [schools.pk, budget.pk]


def test_the_list_counts_claims_per_state_and_status_for_the_current_filters(client, alice):
    claim_in(ClaimState.UNVERIFIED, language="de")
    claim_in(ClaimState.UNVERIFIED, language="de")
    claim_in(ClaimState.IN_REVIEW, assignee=alice, language="de")
    claim_in(ClaimState.IN_REVIEW, assignee=alice, language="en")
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-list"), {"language": "de"})
    states = {state: count for state, _label, count, _href in response.context["states"]}
    assert states == {"unverified": 2, "in_review": 1, "verdict_proposed": 0, "approved": 0}
    statuses = {status: count for status, _label, count, _href in response.context["statuses"]}
    assert statuses["unverified"] == 2 and statuses["in_review"] == 1


def test_the_filtered_list_offers_its_own_link_to_copy(client, alice):
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-list"), {"state": "in_review", "q": "Euro", "page": "1"})
    assert response.context["saved_link"] == "http://testserver/claims/?state=in_review&q=Euro"
    assert 'value="http://testserver/claims/?state=in_review&amp;q=Euro"' in response.content.decode()


def test_a_bad_filter_value_shows_no_claims_and_no_error_page(client, alice):
    claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-list"), {"state": "nonsense", "created_after": "yesterday"})
    assert response.status_code == 200
    assert response.context["rows"] == []


def test_an_htmx_filter_request_gets_only_the_results(client, alice):
    claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-list"), HTTP_HX_TARGET="results", **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "data-row" in body


def test_the_list_paginates_and_keeps_its_filters(client, alice, settings):
    for _ in range(3):
        claim_in(ClaimState.UNVERIFIED, evidence=False)
    client.force_login(alice)
    from reviews import views

    views.PER_PAGE, previous = 2, views.PER_PAGE
    try:
        response = client.get(reverse("reviews:claim-list"), {"state": "unverified"})
    finally:
        views.PER_PAGE = previous
    assert len(response.context["rows"]) == 2
    assert 'href="?state=unverified&amp;page=2"' in response.content.decode()


# The claim page --------------------------------------------------------------------------------------------------


def test_the_claim_page_shows_the_sentence_in_its_context_with_speaker_outlet_and_reasons(client, alice):
    text = (
        "Vorher kommt ein Satz. " * 40 + "Laut Bloomberg sagte Klein, es seien 80 Millionen Euro. " + "Danach. " * 100
    )
    article = make_article(text=text)
    start = text.index("Laut")
    claim = make_claim(
        article,
        start=start,
        end=start + len("Laut Bloomberg sagte Klein, es seien 80 Millionen Euro."),
        speaker=Speaker.objects.create(name="Petra Klein"),
        cited_outlet="Bloomberg",
        checkworthiness=0.87,
        checkworthiness_reasons=[{"code": "number", "detail": "80 Millionen Euro"}],
    )
    client.force_login(alice)
    body = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    assert '<mark id="sentence">Laut Bloomberg sagte Klein, es seien 80 Millionen Euro.</mark>' in body
    assert "Vorher kommt ein Satz." in body and body.count("Danach.") < 100
    assert "Petra Klein" in body and "Bloomberg" in body and "0.87" in body
    assert "number: 80 Millionen Euro" in body


def test_the_claim_page_offers_only_the_actions_this_person_may_take(client, alice, erin):
    claim = claim_in(ClaimState.VERDICT_PROPOSED, assignee=alice, proposer=alice)
    client.force_login(alice)
    assert [
        a["transition"].action for a in client.get(reverse("reviews:claim-detail", args=[claim.pk])).context["actions"]
    ] == []
    client.force_login(erin)
    actions = client.get(reverse("reviews:claim-detail", args=[claim.pk])).context["actions"]
    assert [a["transition"].action for a in actions] == ["send_back", "approve"]


def test_the_claim_page_ranks_proposals_and_shows_method_reason_and_reliability(client, alice):
    claim = make_claim()
    low = make_document(title="Low document")
    high = make_document(title="High document")
    high.source.reliability = "high"
    high.source.save()
    Proposal.objects.create(claim=claim, document=low, method=ProposalMethod.LEXICAL, score=0.2, reason="few words")
    Proposal.objects.create(
        claim=claim, document=high, method=ProposalMethod.SEMANTIC, score=0.9, reason="same meaning"
    )
    client.force_login(alice)
    body = client.get(reverse("reviews:claim-detail", args=[claim.pk])).content.decode()
    assert body.index("High document") < body.index("Low document")
    assert "Semantic search" in body and "same meaning" in body and ">High<" in body


def test_the_claim_page_links_the_near_duplicate_and_earlier_claims_with_their_verdicts(client, alice, erin):
    earlier = claim_in(ClaimState.APPROVED, verdict=Verdict.MISLEADING, proposer=erin)
    claim = make_claim(duplicate_of=earlier)
    Proposal.objects.create(claim=claim, earlier_claim=earlier, method=ProposalMethod.EARLIER_CLAIM, score=0.97)
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-detail", args=[claim.pk]))
    body = response.content.decode()
    assert reverse("reviews:claim-detail", args=[earlier.pk]) in body
    assert body.count("Misleading") >= 2
    assert response.context["earlier"][0].earlier_claim == earlier


def test_the_claim_page_links_to_the_next_and_previous_claim_of_the_list(client, alice):
    first, second, third = (claim_in(ClaimState.UNVERIFIED) for _ in range(3))
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-detail", args=[second.pk]), {"state": "unverified"})
    assert (response.context["previous"], response.context["following"]) == (first.pk, third.pk)
    assert 'rel="next"' in response.content.decode()


def test_an_unknown_claim_is_a_404(client, alice):
    client.force_login(alice)
    assert client.get(reverse("reviews:claim-detail", args=[999999])).status_code == 404


def test_the_work_status_polls_while_proposals_run_and_stops_when_done(client, alice):
    claim = make_claim(proposals_status=WorkStatus.RUNNING)
    claim.article.extraction_status = WorkStatus.DONE
    claim.article.save()
    client.force_login(alice)
    url = reverse("reviews:claim-work", args=[claim.pk])
    assert "hx-trigger" in client.get(url, HTMX).content.decode()
    Claim.objects.filter(pk=claim.pk).update(proposals_status=WorkStatus.DONE)
    body = client.get(url, {"polling": "1"}, **HTMX).content.decode()
    assert "hx-trigger" not in body and "reload the page" in body


def test_propose_again_queues_a_new_run(client, alice):
    claim = make_claim(proposals_status=WorkStatus.DONE)
    client.force_login(alice)
    response = client.post(reverse("reviews:propose-again", args=[claim.pk]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.proposals_status in (WorkStatus.PENDING, WorkStatus.RUNNING, WorkStatus.DONE)
    assert messages_of(response) == ["Sources are being proposed again."]


# Transitions through the view -----------------------------------------------------------------------------------

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


@pytest.fixture
def people(alice, erin, cms):
    return {"alice": alice, "erin": erin, "cms": cms, "bob": make_user("bob", "reviewer")}


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


# Proposals, evidence, comments ------------------------------------------------------------------------------------


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


def test_evidence_with_a_bad_address_shows_the_error_on_the_form(client, alice):
    claim = make_claim()
    client.force_login(alice)
    response = client.post(reverse("reviews:add-evidence", args=[claim.pk]), {"url": "javascript:alert(1)"})
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


def test_an_outsider_may_not_comment(client, oscar):
    claim = make_claim()
    client.force_login(oscar)
    assert client.post(reverse("reviews:add-comment", args=[claim.pk]), {"text": "Hi"}).status_code == 403
    assert not Comment.objects.exists()


# Correcting speaker, cited outlet and quote ----------------------------------------------------------------------


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


# Bulk actions ----------------------------------------------------------------------------------------------------


def test_bulk_take_reports_what_was_done_and_what_was_skipped_and_why(client, alice):
    bob = make_user("bob", "reviewer")
    free = [claim_in(ClaimState.UNVERIFIED) for _ in range(2)]
    taken = claim_in(ClaimState.IN_REVIEW, assignee=bob)
    client.force_login(alice)
    response = client.post(
        reverse("reviews:bulk"),
        {"action": "take", "claims": [free[0].pk, free[1].pk, taken.pk], "next": "/claims/?state=unverified"},
    )
    assert response.status_code == 302 and response.url == "/claims/?state=unverified"
    report = messages_of(response)
    assert report[0] == f"Take: done for 2 claims (#{free[0].pk}, #{free[1].pk})."
    assert report[1].startswith(f"Skipped claim #{taken.pk}: ") and "not possible" in report[1]
    assert set(Claim.objects.filter(assignee=alice).values_list("pk", flat=True)) == {free[0].pk, free[1].pk}


def test_bulk_assign_is_for_editors(client, alice, erin):
    claims = [claim_in(ClaimState.UNVERIFIED) for _ in range(2)]
    client.force_login(alice)
    response = client.post(
        reverse("reviews:bulk"), {"action": "assign", "claims": [c.pk for c in claims], "assignee": alice.pk}
    )
    assert response.status_code == 403 and not Claim.objects.filter(assignee=alice).exists()
    client.force_login(erin)
    response = client.post(
        reverse("reviews:bulk"), {"action": "assign", "claims": [c.pk for c in claims], "assignee": alice.pk}
    )
    assert response.status_code == 302
    assert Claim.objects.filter(assignee=alice).count() == 2
    assert messages_of(response)[0].startswith("Assign: done for 2 claims")


def test_bulk_without_a_selection_says_so(client, alice):
    client.force_login(alice)
    response = client.post(reverse("reviews:bulk"), {"action": "take"})
    assert response.status_code == 302 and messages_of(response) == ["Select one or more claims first."]


def test_bulk_send_back_without_a_reason_skips_every_claim_with_the_reason(client, erin, alice):
    claim = claim_in(ClaimState.VERDICT_PROPOSED, assignee=alice, proposer=alice)
    client.force_login(erin)
    response = client.post(reverse("reviews:bulk"), {"action": "send_back", "claims": [claim.pk, 987654]})
    report = messages_of(response)
    assert report[0] == "Send back: no claim was changed."
    assert report[1] == f"Skipped claim #{claim.pk}: Give a reason."
    assert report[2].startswith("Skipped claim #987654")


# The article page ------------------------------------------------------------------------------------------------


def test_the_article_page_marks_every_claim_with_its_status_and_keeps_the_text_intact(client, alice):
    article = make_article(text="Erster Satz hier. Zweiter Satz dort. Rest.")
    first = make_claim(article, start=0, end=17)
    second = make_claim(article, start=18, end=36, state=ClaimState.IN_REVIEW, assignee=alice)
    client.force_login(alice)
    response = client.get(reverse("claims:article-detail", args=[article.pk]))
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


def test_a_reviewer_dismisses_a_non_claim_with_a_reason_and_restores_it(client, alice):
    claim = make_claim()
    article_url = reverse("claims:article-detail", args=[claim.article_id])
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


# Escaping --------------------------------------------------------------------------------------------------------

HOSTILE = 'Er schrieb <script>alert(1)</script> und <b onclick="x()">fett</b> & "Zitat".'


def test_html_in_an_article_is_shown_as_text_on_the_list_claim_and_article_pages(client, alice):
    article = make_article(text=HOSTILE)
    article.title = "<i>Titel</i>"
    article.save()
    claim = make_claim(article, start=0, end=len(HOSTILE), cited_outlet="<em>Bild</em>")
    client.force_login(alice)
    for url in (
        reverse("reviews:claim-list"),
        reverse("reviews:claim-detail", args=[claim.pk]),
        reverse("claims:article-detail", args=[article.pk]),
    ):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url
        assert '<b onclick="x()">' not in body and "<i>Titel</i>" not in body and "<em>Bild</em>" not in body, url


def test_the_pages_have_no_inline_scripts_or_styles(client, erin):
    """A strict Content-Security-Policy blocks inline scripts and style attributes: the pages use none."""
    claim = claim_in(ClaimState.VERDICT_PROPOSED, assignee=erin, proposer=make_user("bob", "reviewer"))
    Proposal.objects.create(claim=claim, document=make_document(), method=ProposalMethod.LEXICAL, score=0.5)
    client.force_login(erin)
    for url in (
        reverse("reviews:my-queue"),
        reverse("reviews:claim-list"),
        reverse("reviews:claim-detail", args=[claim.pk]),
        reverse("reviews:claim-work", args=[claim.pk]),
        reverse("claims:article-detail", args=[claim.article_id]),
        reverse("reviews:dashboard"),
    ):
        body = client.get(url).content.decode()
        assert " style=" not in body and "<style" not in body, url
        for tag in re.findall(r"<script[^>]*>", body):
            assert " src=" in tag, (url, tag)
        assert not re.search(r"<[^>]+\son[a-z]+=", body), url


# Query counts ----------------------------------------------------------------------------------------------------


def make_busy_claims(count: int, people) -> None:
    speaker = Speaker.objects.create(name=f"Speaker {count}")
    for number in range(count):
        claim = claim_in(
            [ClaimState.UNVERIFIED, ClaimState.IN_REVIEW, ClaimState.VERDICT_PROPOSED][number % 3],
            assignee=people["alice"] if number % 3 else None,
            proposer=people["bob"],
            speaker=speaker,
        )
        Comment.objects.create(claim=claim, author=people["alice"], text="x")


@pytest.mark.parametrize("count", [5, 50])
def test_the_queue_takes_the_same_number_of_queries_for_5_and_50_claims(
    client, people, count, django_assert_max_num_queries
):
    make_busy_claims(count, people)
    client.force_login(people["erin"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reviews:claim-list"))
    assert len(response.context["rows"]) == count
    client.force_login(people["alice"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reviews:my-queue"))
    assert len(response.context["rows"]) == count - len(range(0, count, 3))


@pytest.mark.parametrize("count", [5, 50])
def test_the_claim_page_takes_the_same_number_of_queries_for_5_and_50_proposals(
    client, people, count, django_assert_max_num_queries
):
    claim = claim_in(ClaimState.IN_REVIEW, assignee=people["alice"])
    earlier = claim_in(ClaimState.APPROVED, proposer=people["bob"])
    for number in range(count):
        status = [ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED][number % 2]
        proposal = Proposal.objects.create(
            claim=claim, document=make_document(), method=ProposalMethod.HYBRID, score=number / 100, status=status
        )
        if status == ProposalStatus.ACCEPTED:
            Evidence.objects.create(claim=claim, proposal=proposal, added_by=people["alice"])
        Comment.objects.create(claim=claim, author=people["alice"], text=f"comment {number}")
        ClaimEvent.objects.create(claim=claim, kind=EventKind.COMMENTED, actor=people["alice"])
    Proposal.objects.create(claim=claim, earlier_claim=earlier, method=ProposalMethod.EARLIER_CLAIM, score=0.5)
    client.force_login(people["alice"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reviews:claim-detail", args=[claim.pk]))
    assert len(response.context["proposals"]) == count + 1


def test_a_search_of_too_many_words_shows_the_error_and_no_claims(client, alice, settings):
    claim_in(ClaimState.UNVERIFIED)
    client.force_login(alice)
    response = client.get(reverse("reviews:claim-list"), {"q": "Euro " * (settings.SEARCH_MAX_WORDS + 1)})
    assert response.status_code == 200 and response.context["rows"] == []
    assert f"at most {settings.SEARCH_MAX_WORDS} words" in response.content.decode()
