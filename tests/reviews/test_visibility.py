"""One rule for what a viewer may see of a claim (`reviews.visibility`): the api-client role on the claim page and a
read-scope key in the API see the same published record, and neither sees the review's workings."""

import html
import json

import pytest
from django.utils import translation

from claims.models import Claim, Proposal, ProposalMethod, Verdict
from reviews import services
from reviews.visibility import INTERNAL, PUBLIC, ClaimVisibility
from tests.api.conftest import key_client
from tests.conftest import make_user
from tests.factories import make_claim, make_document

# Markers that can only come from one row each.
RATIONALE = "Rationale-7Q: table 3 shows four per cent."
NEW_RATIONALE = "Rationale-2N: a second look at table 4."
COMMENT = "Comment-3X: ask the ministry first."
EVIDENCE_NOTE = "Evidence-2P shows the rate."
EVIDENCE_URL = "https://example.org/statistik-2p"
PROPOSAL_REASON = "Proposal-4M: the same figures"
DOCUMENT_TITLE = "Document-8T"
REOPEN_NOTE = "Reopen-9K: the ministry revised its figures"
DISMISSAL = "Dismiss-5W: a headline, not a claim"
REVIEWER, EDITOR = "rita-zq", "ed-zq"


@pytest.fixture(autouse=True)
def fresh_cache():
    """The API remembers a key's role in the cache, and user ids repeat from test to test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def label(verdict: str) -> str:
    with translation.override("en"):
        return str(Verdict(verdict).label)


def facts() -> dict[str, tuple[str, str]]:
    """Each fact as the web page shows it and as the API's JSON holds it."""
    return {
        "rationale": (RATIONALE, RATIONALE),
        "new rationale": (NEW_RATIONALE, NEW_RATIONALE),
        "comment": (COMMENT, COMMENT),
        "evidence note": (EVIDENCE_NOTE, EVIDENCE_NOTE),
        "evidence url": (EVIDENCE_URL, EVIDENCE_URL),
        "proposal reason": (PROPOSAL_REASON, PROPOSAL_REASON),
        "proposal target": (DOCUMENT_TITLE, DOCUMENT_TITLE),
        "reopen note": (REOPEN_NOTE, REOPEN_NOTE),
        "dismissal reason": (DISMISSAL, DISMISSAL),
        "reviewer's name": (REVIEWER, REVIEWER),
        "editor's name": (EDITOR, EDITOR),
        "verdict misleading": (label("misleading"), '"misleading"'),
        "verdict disputed": (label("disputed"), '"disputed"'),
    }


def reviewed_claim(situation: str) -> Claim:
    """A claim with evidence, a comment and an open proposal, taken as far as `situation` says."""
    reviewer, editor = make_user(REVIEWER, "reviewer"), make_user(EDITOR, "editor")
    claim = make_claim()
    Proposal.objects.create(
        claim=claim,
        document=make_document(title=DOCUMENT_TITLE),
        method=ProposalMethod.LEXICAL,
        score=0.8,
        reason=PROPOSAL_REASON,
    )
    if situation == "dismissed":
        services.dismiss(claim_id=claim.pk, actor=reviewer, reason=DISMISSAL)
        return claim
    services.transition(claim_id=claim.pk, action="take", actor=reviewer)
    services.add_evidence(claim_id=claim.pk, actor=reviewer, url=EVIDENCE_URL, note=EVIDENCE_NOTE)
    services.add_comment(claim_id=claim.pk, actor=reviewer, text=COMMENT)
    first = "misleading" if situation == "proposed" else "disputed"
    services.transition(claim_id=claim.pk, action="propose", actor=reviewer, verdict=first, note=RATIONALE)
    if situation == "proposed":
        return claim
    services.transition(claim_id=claim.pk, action="approve", actor=editor)
    if situation == "approved":
        return claim
    # Reopened for a correction and a new verdict proposed: the published one stays, the new one is not public.
    services.transition(claim_id=claim.pk, action="reopen", actor=editor, note=REOPEN_NOTE)
    services.transition(claim_id=claim.pk, action="propose", actor=reviewer, verdict="misleading", note=NEW_RATIONALE)
    return claim


# What the published record holds in each situation; everything else in facts() is the review's own.
PUBLISHED = {
    "proposed": {"evidence note", "evidence url"},
    "approved": {"evidence note", "evidence url", "rationale", "verdict disputed"},
    "under correction": {"evidence note", "evidence url", "verdict disputed"},
    "dismissed": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("situation", sorted(PUBLISHED))
def test_the_api_client_role_on_the_web_sees_what_a_read_key_sees_and_no_more(client, cms, situation):
    claim = reviewed_claim(situation)
    client.force_login(cms)
    page = client.get(f"/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    shown_on_web = html.unescape(page.content.decode())
    answer = key_client(cms, "read").get(f"/api/v1/claims/{claim.pk}/")
    assert answer.status_code == 200
    shown_in_api = json.dumps(answer.json(), ensure_ascii=False)

    web = {name for name, (on_web, _in_api) in facts().items() if on_web in shown_on_web}
    api = {name for name, (_on_web, in_api) in facts().items() if in_api in shown_in_api}
    assert web == api == PUBLISHED[situation]
    assert answer.json()["proposals"] is None
    assert all(event["actor"] is None and event["note"] is None for event in answer.json()["history"])


@pytest.mark.django_db
@pytest.mark.parametrize("situation", ["proposed", "under correction"])
def test_the_review_sees_its_workings_on_the_web_and_with_a_review_key(client, alice, situation):
    """The other side of the rule: a reviewer sees the proposed verdict, comments, names and proposals."""
    claim = reviewed_claim(situation)
    client.force_login(alice)
    page = html.unescape(client.get(f"/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    for needle in (COMMENT, PROPOSAL_REASON, DOCUMENT_TITLE, REVIEWER, label("misleading")):
        assert needle in page, needle
    detail = key_client(alice, "review").get(f"/api/v1/claims/{claim.pk}/").json()
    assert [p["reason"] for p in detail["proposals"]] == [PROPOSAL_REASON]
    assert REVIEWER in {event["actor"] for event in detail["history"]}
    assert "misleading" in {event["verdict"] for event in detail["history"]}
    # The API's `verdict` and `verdict_rationale` are the published ones whatever the scope.
    assert detail["verdict"] is None and detail["verdict_rationale"] is None


@pytest.mark.django_db
def test_the_background_work_fragment_is_the_reviews_own(client, cms, alice):
    claim = make_claim()
    client.force_login(cms)
    assert client.get(f"/claims/{claim.pk}/work/").status_code == 403
    client.force_login(alice)
    assert client.get(f"/claims/{claim.pk}/work/").status_code == 200


@pytest.mark.django_db
def test_the_published_record_keeps_state_changes_without_names_notes_or_proposed_verdicts():
    claim = reviewed_claim("under correction")
    claim = Claim.objects.prefetch_related("events").get(pk=claim.pk)
    public = PUBLIC.events(claim)
    assert {event.kind for event in public} == {"transition"}
    assert all(event.actor_name == "" and event.note == "" for event in public)
    assert [event.verdict for event in public if event.verdict] == ["disputed"]
    assert [event.to_state for event in public if event.verdict] == ["approved"]
    # The copies leave the rows as they were.
    assert any(event.note == REOPEN_NOTE for event in INTERNAL.events(claim))
    assert len(INTERNAL.events(claim)) > len(public)


@pytest.mark.django_db
def test_the_role_decides_on_the_web(alice, erin, adam, cms, oscar):
    assert ClaimVisibility.for_user(alice).internal and ClaimVisibility.for_user(erin).internal
    assert ClaimVisibility.for_user(adam).internal
    assert not ClaimVisibility.for_user(cms).internal and not ClaimVisibility.for_user(oscar).internal


def shown(text: str) -> set[str]:
    """The facts a list shows; a verdict's label is left out, since every list offers each verdict as a filter (the
    verdict filter's own test is below)."""
    return {
        name
        for name, (on_web, in_api) in facts().items()
        if not name.startswith("verdict") and (on_web in text or in_api in text)
    }


# What a list may show of a claim is a part of what its detail may show.
LIST_PAGES = {
    "claim list": lambda claim: "/claims/?dismissed=",
    "article page": lambda claim: f"/articles/{claim.article_id}/",
}


@pytest.mark.django_db
@pytest.mark.parametrize("situation", sorted(PUBLISHED))
def test_the_lists_show_the_api_client_role_and_a_read_key_no_more_than_the_published_record(
    client, cms, alice, situation
):
    claim = reviewed_claim(situation)
    client.force_login(cms)
    for name, address in LIST_PAGES.items():
        page = client.get(address(claim), HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        assert shown(html.unescape(page.content.decode())) <= PUBLISHED[situation], name
    answer = key_client(cms, "read").get("/api/v1/claims/", {"dismissed": "true"} if situation == "dismissed" else {})
    assert [row["id"] for row in answer.json()["results"]] == [claim.pk]
    assert shown(json.dumps(answer.json(), ensure_ascii=False)) <= PUBLISHED[situation]
    # The same lists show the review its workings: the reviewer's name, the proposals on the article's page.
    client.force_login(alice)
    if situation != "dismissed":
        assert REVIEWER in client.get(LIST_PAGES["claim list"](claim)).content.decode()
    assert DOCUMENT_TITLE in client.get(LIST_PAGES["article page"](claim)).content.decode()


# The verdicts a filter finds the claim by: the published one outside the review, the current one inside it.
FOUND_BY = {
    "proposed": ({"misleading"}, set()),
    "approved": ({"disputed"}, {"disputed"}),
    "under correction": ({"misleading"}, {"disputed"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("situation", sorted(FOUND_BY))
def test_the_verdict_filter_reveals_no_verdict_outside_the_review_that_is_only_proposed(client, cms, alice, situation):
    claim = reviewed_claim(situation)
    inside, outside = FOUND_BY[situation]
    for viewer, verdicts in ((alice, inside), (cms, outside)):
        client.force_login(viewer)
        on_web = {
            verdict
            for verdict in Verdict.values
            if f'href="/claims/{claim.pk}/?' in client.get("/claims/", {"verdict": verdict}).content.decode()
        }
        scope = "review" if viewer is alice else "read"
        api = key_client(viewer, scope, name=f"{viewer.username}-{situation}")
        in_api = {
            verdict
            for verdict in Verdict.values
            if [row["id"] for row in api.get("/api/v1/claims/", {"verdict": verdict}).json()["results"]] == [claim.pk]
        }
        assert on_web == in_api == verdicts, viewer.username


@pytest.mark.django_db
def test_a_reviewers_name_in_the_assignee_filter_is_refused_outside_the_review(client, cms, alice):
    claim = reviewed_claim("proposed")
    client.force_login(cms)
    page = client.get("/claims/", {"assignee": REVIEWER}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Filtering by a reviewer&#x27;s name needs review scope." in page
    assert f'href="/claims/{claim.pk}/?' not in page
    assert client.get("/claims/", {"assignee": "none"}).status_code == 200
    answer = key_client(cms, "read").get("/api/v1/claims/", {"assignee": REVIEWER})
    assert answer.status_code == 400 and "assignee" in answer.json()["error"]["fields"]
    client.force_login(alice)
    assert f'href="/claims/{claim.pk}/?' in client.get("/claims/", {"assignee": REVIEWER}).content.decode()
