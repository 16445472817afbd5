"""The transition table, without a database: every transition allowed, refused in the wrong state, refused
without the permission; the guards and the two-person rule."""

import pytest

from claims.models import ClaimState, Verdict
from reviews import workflow
from reviews.roles import EDITOR, REVIEWER
from reviews.workflow import GuardFailed, NotPermitted, Request, Situation, WrongState

ME, OTHER = 1, 2
REVIEWER_PERMS = frozenset(REVIEWER)
EDITOR_PERMS = frozenset(EDITOR)

# action -> (state it starts from, permissions that allow it, what it needs)
CASES = {
    "take": (ClaimState.UNVERIFIED, REVIEWER_PERMS, {}),
    "give_back": (ClaimState.IN_REVIEW, REVIEWER_PERMS, {}),
    "propose": (ClaimState.IN_REVIEW, REVIEWER_PERMS, {"verdict": Verdict.CONFIRMED, "note": "the treaty says so"}),
    "send_back": (ClaimState.VERDICT_PROPOSED, EDITOR_PERMS, {"note": "source too weak"}),
    "approve": (ClaimState.VERDICT_PROPOSED, EDITOR_PERMS, {}),
    "reopen": (ClaimState.APPROVED, EDITOR_PERMS, {"note": "a correction"}),
}
TARGETS = {
    "take": ClaimState.IN_REVIEW,
    "give_back": ClaimState.UNVERIFIED,
    "propose": ClaimState.VERDICT_PROPOSED,
    "send_back": ClaimState.IN_REVIEW,
    "approve": ClaimState.APPROVED,
    "reopen": ClaimState.IN_REVIEW,
}


def situation(state, permissions, **fields) -> Situation:
    fields.setdefault("proposer_id", OTHER)
    fields.setdefault("evidence_count", 1)
    return Situation(state=state, actor_id=ME, permissions=permissions, **fields)


@pytest.mark.parametrize("action", CASES)
def test_each_transition_is_allowed_from_its_state_with_its_permission(action):
    state, permissions, needs = CASES[action]
    outcome = workflow.check(situation(state, permissions), Request(action=action, **needs))
    assert outcome.transition.target == TARGETS[action]
    assert action in [t.action for t in workflow.allowed_transitions(situation(state, permissions))]


@pytest.mark.parametrize("action", CASES)
@pytest.mark.parametrize("state", ClaimState.values)
def test_each_transition_is_refused_from_every_other_state(action, state):
    source, permissions, needs = CASES[action]
    if state == source:
        return
    with pytest.raises(WrongState):
        workflow.check(situation(state, permissions), Request(action=action, **needs))
    assert action not in [t.action for t in workflow.allowed_transitions(situation(state, permissions))]


@pytest.mark.parametrize("action", CASES)
def test_each_transition_is_refused_without_its_permission(action):
    state, permissions, needs = CASES[action]
    without = permissions - {workflow.TRANSITIONS[action].permission}
    with pytest.raises(NotPermitted):
        workflow.check(situation(state, without), Request(action=action, **needs))
    assert workflow.allowed_transitions(situation(state, without)) == []


@pytest.mark.parametrize("action", ["send_back", "approve", "reopen"])
def test_reviewers_cannot_approve_send_back_or_reopen(action):
    state, _permissions, needs = CASES[action]
    with pytest.raises(NotPermitted):
        workflow.check(situation(state, REVIEWER_PERMS), Request(action=action, **needs))


def test_a_verdict_needs_a_verdict_a_rationale_and_accepted_evidence():
    with pytest.raises(GuardFailed) as refused:
        workflow.check(situation(ClaimState.IN_REVIEW, REVIEWER_PERMS, evidence_count=0), Request("propose"))
    assert set(refused.value.messages) == {"verdict", "note", "evidence"}


def test_unverifiable_needs_a_rationale_but_no_evidence():
    no_evidence = situation(ClaimState.IN_REVIEW, REVIEWER_PERMS, evidence_count=0)
    with pytest.raises(GuardFailed) as refused:
        workflow.check(no_evidence, Request("propose", verdict=Verdict.UNVERIFIABLE, note="  "))
    assert set(refused.value.messages) == {"note"}
    outcome = workflow.check(no_evidence, Request("propose", verdict=Verdict.UNVERIFIABLE, note="no record exists"))
    assert outcome.transition.target == ClaimState.VERDICT_PROPOSED


# White space and invisible characters alone: no reason, no rationale.
BLANK_NOTES = [" ", "\u200b\u200b", "\u200e\ufeff\n", "\u2060 \u00a0"]


@pytest.mark.parametrize("note", BLANK_NOTES)
def test_a_verdict_with_a_rationale_of_invisible_characters_has_none(note):
    no_evidence = situation(ClaimState.IN_REVIEW, REVIEWER_PERMS, evidence_count=0)
    with pytest.raises(GuardFailed) as refused:
        workflow.check(no_evidence, Request("propose", verdict=Verdict.UNVERIFIABLE, note=note))
    assert refused.value.messages == {"note": ["A verdict needs a rationale."]}


@pytest.mark.parametrize("note", BLANK_NOTES)
@pytest.mark.parametrize("action", ["send_back", "reopen"])
def test_sending_back_and_reopening_need_a_reason(action, note):
    state, permissions, _needs = CASES[action]
    with pytest.raises(GuardFailed) as refused:
        workflow.check(situation(state, permissions), Request(action=action, note=note))
    assert set(refused.value.messages) == {"note"}


def test_the_proposer_cannot_approve_their_own_verdict_unless_the_desk_allows_it():
    own = situation(ClaimState.VERDICT_PROPOSED, EDITOR_PERMS, proposer_id=ME)
    with pytest.raises(NotPermitted):
        workflow.check(own, Request("approve"))
    assert "approve" not in [t.action for t in workflow.allowed_transitions(own)]
    alone = situation(ClaimState.VERDICT_PROPOSED, EDITOR_PERMS, proposer_id=ME, single_person_approval=True)
    assert workflow.check(alone, Request("approve")).transition.target == ClaimState.APPROVED


def test_a_reviewer_acts_on_their_own_or_free_claims_an_editor_on_any():
    theirs = situation(ClaimState.IN_REVIEW, REVIEWER_PERMS, assignee_id=OTHER)
    with pytest.raises(NotPermitted):
        workflow.check(theirs, Request("give_back"))
    assert workflow.allowed_transitions(theirs) == []
    as_editor = situation(ClaimState.IN_REVIEW, EDITOR_PERMS, assignee_id=OTHER)
    assert workflow.check(as_editor, Request("give_back")).assignee_id is None


def test_taking_assigns_the_claim_and_giving_back_frees_it():
    assert workflow.check(situation(ClaimState.UNVERIFIED, REVIEWER_PERMS), Request("take")).assignee_id == ME
    mine = situation(ClaimState.IN_REVIEW, REVIEWER_PERMS, assignee_id=ME)
    assert workflow.check(mine, Request("give_back")).assignee_id is None


def test_a_dismissed_claim_allows_nothing_and_an_unknown_action_is_a_guard_failure():
    with pytest.raises(WrongState):
        workflow.check(situation(ClaimState.UNVERIFIED, REVIEWER_PERMS, dismissed=True), Request("take"))
    with pytest.raises(GuardFailed) as refused:
        workflow.check(situation(ClaimState.UNVERIFIED, REVIEWER_PERMS), Request("publish"))
    assert set(refused.value.messages) == {"action"}


# Corrections of speaker, cited outlet and quote ----------------------------------------------------------------


@pytest.mark.parametrize("state", [ClaimState.UNVERIFIED, ClaimState.IN_REVIEW, ClaimState.VERDICT_PROPOSED])
def test_a_reviewer_may_correct_a_free_or_own_claim_until_it_is_approved(state):
    workflow.check_correction(situation(state, REVIEWER_PERMS))
    workflow.check_correction(situation(state, REVIEWER_PERMS, assignee_id=ME))
    assert workflow.may_correct(situation(state, REVIEWER_PERMS))


def test_an_approved_claim_is_reopened_before_it_is_corrected():
    with pytest.raises(WrongState) as refusal:
        workflow.check_correction(situation(ClaimState.APPROVED, EDITOR_PERMS))
    assert "reopen" in str(refusal.value)
    assert not workflow.may_correct(situation(ClaimState.APPROVED, EDITOR_PERMS))


def test_a_dismissed_sentence_is_not_corrected():
    with pytest.raises(WrongState):
        workflow.check_correction(situation(ClaimState.UNVERIFIED, REVIEWER_PERMS, dismissed=True))


def test_someone_elses_claim_is_corrected_only_by_an_editor():
    with pytest.raises(NotPermitted):
        workflow.check_correction(situation(ClaimState.IN_REVIEW, REVIEWER_PERMS, assignee_id=OTHER))
    workflow.check_correction(situation(ClaimState.IN_REVIEW, EDITOR_PERMS, assignee_id=OTHER))


def test_a_role_without_review_may_not_correct():
    with pytest.raises(NotPermitted):
        workflow.check_correction(situation(ClaimState.UNVERIFIED, frozenset({"claims.view_claim"})))


# What each transition does: the assignee rule and the fields it writes, read from its row of the table ------------

NOW = "now"


def outcome_of(action, permissions=None, **fields):
    state, allowed, needs = CASES[action]
    return workflow.check(situation(state, permissions or allowed, **fields), Request(action=action, **needs))


def test_taking_or_proposing_gives_a_free_claim_to_the_actor_and_giving_back_frees_it():
    assert outcome_of("take").assignee_id == ME
    assert outcome_of("propose").assignee_id == ME
    assert outcome_of("propose", EDITOR_PERMS, assignee_id=OTHER).assignee_id == OTHER
    assert outcome_of("give_back", assignee_id=ME).assignee_id is None
    assert outcome_of("approve", assignee_id=OTHER).assignee_id == OTHER


def test_each_transition_writes_its_fields_from_the_request_and_the_claim():
    assert outcome_of("propose").writes(now=NOW) == {
        "state": ClaimState.VERDICT_PROPOSED,
        "assignee_id": ME,
        "verdict": Verdict.CONFIRMED,
        "verdict_rationale": "the treaty says so",
        "verdict_proposed_by_id": ME,
    }
    assert outcome_of("approve").writes(now=NOW) == {
        "state": ClaimState.APPROVED,
        "assignee_id": None,
        "verdict_under_correction": "",
        "approved_at": NOW,
        "approved_by_id": ME,
    }
    reopened = outcome_of("reopen", verdict=Verdict.FALSE).writes(now=NOW)
    assert (reopened["verdict_under_correction"], reopened["verdict"], reopened["verdict_proposed_by_id"]) == (
        Verdict.FALSE,
        "",
        None,
    )
    assert outcome_of("send_back").writes(now=NOW) == {
        "state": ClaimState.IN_REVIEW,
        "assignee_id": None,
        "verdict": "",
        "verdict_proposed_by_id": None,
    }
    assert outcome_of("take").writes(now=NOW) == {"state": ClaimState.IN_REVIEW, "assignee_id": ME}


def test_approving_and_reopening_are_announced_as_such_and_the_rest_as_state_changes():
    announced = {action: transition.announced_as for action, transition in workflow.TRANSITIONS.items()}
    assert announced.pop("approve") == workflow.VERDICT_APPROVED
    assert announced.pop("reopen") == workflow.VERDICT_REOPENED
    assert set(announced.values()) == {workflow.STATE_CHANGED}
