"""`reviews.services.transition` on the database: every transition four ways (allowed, wrong state, missing
permission, double submit), the history it writes, the two-person rule, and concurrent attempts."""

import threading

import pytest
from django.db import connection

from claims.models import Claim, ClaimState, ClaimStatus, Verdict
from reviews import services, workflow
from reviews.models import ClaimEvent, EventKind, Evidence
from reviews.signals import claim_changed
from tests.conftest import make_user
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

# action -> (state it starts from, who acts, what it needs)
CASES = {
    "take": (ClaimState.UNVERIFIED, "alice", {}),
    "give_back": (ClaimState.IN_REVIEW, "alice", {}),
    "propose": (ClaimState.IN_REVIEW, "alice", {"verdict": Verdict.FALSE, "note": "The statistics office says 3%."}),
    "send_back": (ClaimState.VERDICT_PROPOSED, "erin", {"note": "Cite the table, not the press release."}),
    "approve": (ClaimState.VERDICT_PROPOSED, "erin", {}),
    "reopen": (ClaimState.APPROVED, "erin", {"note": "The office corrected its figure."}),
}
# Who holds the permission but is not the actor in CASES lacks it: an API client (read only).
WITHOUT_PERMISSION = {"take": "cms", "give_back": "cms", "propose": "cms", "send_back": "alice", "approve": "alice"}
WITHOUT_PERMISSION["reopen"] = "alice"


@pytest.fixture
def people(alice, erin, cms):
    return {"alice": alice, "erin": erin, "cms": cms, "bob": make_user("bob", "reviewer")}


def claim_in(state: str, people, **fields) -> Claim:
    """A claim in `state` as the workflow would have left it: assigned to alice, with evidence, a proposal by bob."""
    if state != ClaimState.UNVERIFIED:
        fields.setdefault("assignee", people["alice"])
    if state in (ClaimState.VERDICT_PROPOSED, ClaimState.APPROVED):
        fields.setdefault("verdict", Verdict.FALSE)
        fields.setdefault("verdict_rationale", "because")
        fields.setdefault("verdict_proposed_by", people["bob"])
    claim = make_claim(state=state, **fields)
    Evidence.objects.create(claim=claim, url="https://www.destatis.de/", added_by=people["alice"])
    return claim


@pytest.mark.parametrize("action", CASES)
def test_allowed_the_claim_moves_its_version_grows_and_one_event_is_written(
    action, people, django_capture_on_commit_callbacks
):
    state, actor, needs = CASES[action]
    claim = claim_in(state, people)
    heard = []
    claim_changed.connect(receiver := lambda sender, event, **kw: heard.append(event), weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            moved = services.transition(claim_id=claim.pk, action=action, actor=people[actor], version=0, **needs)
    finally:
        claim_changed.disconnect(receiver)
    assert moved.state == workflow.TRANSITIONS[action].target
    assert moved.version == 1
    event = ClaimEvent.objects.get(claim=claim)
    assert (event.kind, event.from_state, event.to_state, event.actor_name) == (
        EventKind.TRANSITION,
        state,
        moved.state,
        actor,
    )
    assert event.note == needs.get("note", "")
    assert heard == [event]


@pytest.mark.parametrize("action", CASES)
def test_from_a_wrong_state_it_is_a_conflict_and_nothing_changes(action, people):
    state, actor, needs = CASES[action]
    wrong = next(s for s in ClaimState.values if s != state)
    claim = claim_in(wrong, people)
    with pytest.raises(services.Conflict):
        services.transition(claim_id=claim.pk, action=action, actor=people[actor], **needs)
    assert Claim.objects.get(pk=claim.pk).state == wrong
    assert not ClaimEvent.objects.exists()


@pytest.mark.parametrize("action", CASES)
def test_without_the_permission_it_is_refused_and_nothing_changes(action, people):
    state, _actor, needs = CASES[action]
    claim = claim_in(state, people, assignee=None) if action in ("take", "propose", "give_back") else None
    claim = claim or claim_in(state, people)
    with pytest.raises(workflow.NotPermitted):
        services.transition(claim_id=claim.pk, action=action, actor=people[WITHOUT_PERMISSION[action]], **needs)
    assert Claim.objects.get(pk=claim.pk).version == 0
    assert not ClaimEvent.objects.exists()


@pytest.mark.parametrize("action", CASES)
def test_a_double_submit_is_a_conflict_and_writes_one_event(action, people):
    state, actor, needs = CASES[action]
    claim = claim_in(state, people)
    services.transition(claim_id=claim.pk, action=action, actor=people[actor], version=0, **needs)
    with pytest.raises(services.Conflict):
        services.transition(claim_id=claim.pk, action=action, actor=people[actor], version=0, **needs)
    assert ClaimEvent.objects.filter(claim=claim).count() == 1
    assert Claim.objects.get(pk=claim.pk).version == 1


def test_a_claim_goes_the_whole_way_and_a_correction_keeps_the_published_verdict(people):
    alice, erin, bob = people["alice"], people["erin"], people["bob"]
    claim = make_claim()
    services.transition(claim_id=claim.pk, action="take", actor=alice)
    with pytest.raises(workflow.GuardFailed) as refused:
        services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict=Verdict.FALSE, note="x")
    assert "evidence" in refused.value.messages
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.IN_REVIEW
    services.add_evidence(claim_id=claim.pk, actor=alice, url="https://www.destatis.de/", note="table 3")
    services.transition(claim_id=claim.pk, action="propose", actor=alice, verdict=Verdict.FALSE, note="3%, not 30%")
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.AWAITING_APPROVAL
    claim = services.transition(claim_id=claim.pk, action="approve", actor=erin)
    assert (claim.status, claim.approved_by, claim.verdict_proposed_by) == (ClaimStatus.FALSE, erin, alice)
    claim = services.transition(claim_id=claim.pk, action="reopen", actor=erin, note="new figures")
    assert (claim.state, claim.status, claim.verdict_under_correction) == (
        ClaimState.IN_REVIEW,
        ClaimStatus.UNDER_CORRECTION,
        Verdict.FALSE,
    )
    services.assign(claim_id=claim.pk, assignee=bob, actor=erin)
    claim = services.transition(
        claim_id=claim.pk, action="propose", actor=bob, verdict=Verdict.MISLEADING, note="the base year differs"
    )
    assert claim.status == ClaimStatus.UNDER_CORRECTION
    claim = services.transition(claim_id=claim.pk, action="approve", actor=erin)
    assert (claim.status, claim.verdict_under_correction) == (ClaimStatus.MISLEADING, "")
    verdicts = list(
        ClaimEvent.objects.filter(claim=claim, to_state=ClaimState.APPROVED).values_list("verdict", flat=True)
    )
    assert verdicts == [Verdict.FALSE, Verdict.MISLEADING]


def test_an_editor_who_proposed_cannot_approve_unless_the_desk_allows_it(people, settings):
    erin = people["erin"]
    claim = claim_in(ClaimState.VERDICT_PROPOSED, people, verdict_proposed_by=erin)
    with pytest.raises(workflow.NotPermitted):
        services.transition(claim_id=claim.pk, action="approve", actor=erin)
    settings.SINGLE_PERSON_APPROVAL = True
    assert services.transition(claim_id=claim.pk, action="approve", actor=erin).state == ClaimState.APPROVED


def test_bulk_moves_what_allows_it_and_says_why_it_skipped_the_rest(people):
    alice, bob = people["alice"], people["bob"]
    free, theirs, done = make_claim(), claim_in(ClaimState.IN_REVIEW, people, assignee=bob), make_claim()
    services.transition(claim_id=done.pk, action="take", actor=alice)
    report = services.bulk(
        claim_ids=[free.pk, theirs.pk, done.pk],
        write=lambda pk: services.transition(claim_id=pk, action="take", actor=alice),
    )
    assert report.done == [free.pk]
    assert set(report.skipped) == {theirs.pk, done.pk}
    assert "not possible while the claim is “In review”" in report.skipped[done.pk]


def test_editors_assign_reviewers_and_reviewers_cannot(people):
    alice, erin, bob = people["alice"], people["erin"], people["bob"]
    claim = make_claim()
    with pytest.raises(workflow.NotPermitted):
        services.assign(claim_id=claim.pk, assignee=bob, actor=alice)
    with pytest.raises(workflow.GuardFailed):
        services.assign(claim_id=claim.pk, assignee=people["cms"], actor=erin)
    assert services.assign(claim_id=claim.pk, assignee=bob, actor=erin).assignee == bob
    assert ClaimEvent.objects.get(claim=claim).data["assignee"] == "bob"


def test_dismissing_needs_a_reason_and_takes_the_claim_out_of_the_queue(people):
    alice = people["alice"]
    claim = make_claim()
    with pytest.raises(workflow.GuardFailed):
        services.dismiss(claim_id=claim.pk, actor=alice, reason="")
    services.dismiss(claim_id=claim.pk, actor=alice, reason="a question, not a claim")
    assert not Claim.objects.awaiting_review().filter(pk=claim.pk).exists()
    with pytest.raises(services.Conflict):
        services.transition(claim_id=claim.pk, action="take", actor=alice)
    services.restore(claim_id=claim.pk, actor=alice)
    assert Claim.objects.awaiting_review().filter(pk=claim.pk).exists()


def test_a_missed_claim_is_added_from_a_selection_and_neighbours_are_merged(people):
    alice = people["alice"]
    claim = make_claim(start=0, end=8)
    article = claim.article
    added = services.add_claim(article_id=article.pk, start=10, end=len(article.text), actor=alice)
    assert added.text == article.text[10:].strip() and added.start == 10
    with pytest.raises(Exception) as refused:
        services.add_claim(article_id=article.pk, start=5, end=2, actor=alice)
    assert "start" in refused.value.messages
    merged = services.merge(claim_ids=[added.pk, claim.pk], actor=alice, reason="one sentence")
    assert (merged.pk, merged.start, merged.end) == (claim.pk, 0, added.end)
    assert Claim.objects.get(pk=added.pk).dismissal_reason == f"merged into claim {claim.pk}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_at_once_one_wins_one_conflict_one_event():
    alice, bob = make_user("alice", "reviewer"), make_user("bob", "reviewer")
    claim = make_claim()
    barrier, outcomes = threading.Barrier(2), []

    def take(person):
        try:
            barrier.wait()
            services.transition(claim_id=claim.pk, action="take", actor=person, version=0)
            outcomes.append("won")
        except services.Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(person,)) for person in (alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "won"]
    assert ClaimEvent.objects.filter(claim=claim).count() == 1
    claim.refresh_from_db()
    assert claim.version == 1 and claim.assignee in (alice, bob)
