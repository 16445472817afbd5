"""The review workflow as a table: which action moves a claim from which state to which, who may take it, what it
needs and what it does (who has the claim after it, the fields it writes, the name it is announced under). Plain
Python, no database: `reviews.services.transition` is the one place that applies it, and it names no action.

    unverified --take--> in_review --propose--> verdict_proposed --approve--> approved
    in_review --give_back--> unverified
    verdict_proposed --send_back (reason)--> in_review
    approved --reopen (reason, editors)--> in_review   (the published verdict stays: "under correction")

Every other write on a claim (assigning it, correcting it, evidence, proposals, comments, dismissing, restoring,
merging, adding one) has a row in `WRITES`. A transition and a write alike are checked by one function, `permit`:
the role, the claim's state (an approved verdict is frozen until it is reopened; a dismissed sentence takes nothing
until it is restored) and the assignment (a reviewer works on a free claim or their own; an editor on any).
"""

from dataclasses import dataclass, field
from enum import Enum

from django.utils.translation import gettext_lazy as _

from claims.analysis.documents import visible_or_empty
from claims.models import ClaimState, Verdict
from reviews.refusals import GuardFailed, NotPermitted, Refusal, WrongState

REVIEW = "reviews.review_claim"
APPROVE = "reviews.approve_verdict"
REOPEN = "reviews.reopen_verdict"
ASSIGN = "reviews.assign_claim"


class Assignee(Enum):
    """Who has the claim after a transition."""

    KEEP = "keep"
    # The person acting, if nobody has it yet: taking a claim, or proposing a verdict on a free one.
    ACTOR_IF_FREE = "actor_if_free"
    NOBODY = "nobody"


class Value(Enum):
    """A value a transition writes that depends on the request: the rest of its writes are constants."""

    ACTOR = "actor"
    VERDICT = "verdict"
    # The note, without blanks around it: a verdict's rationale.
    NOTE = "note"
    # The verdict the claim had before the transition.
    CURRENT_VERDICT = "current_verdict"
    NOW = "now"


# The names under which a transition is announced to those who follow claims from outside (api.models.EventType).
STATE_CHANGED = "claim.state_changed"
VERDICT_APPROVED = "verdict.approved"
VERDICT_REOPENED = "verdict.reopened"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: ClaimState
    target: ClaimState
    permission: str
    # The note becomes required: why a verdict is sent back or reopened.
    needs_reason: bool = False
    needs_verdict: bool = False
    # The two-person rule: someone other than the proposer of the verdict acts (unless the desk allows one person).
    needs_second_person: bool = False
    assignee: Assignee = Assignee.KEEP
    # The claim's fields the transition writes besides state and assignee: a constant, or a `Value`.
    writes: dict[str, object] = field(default_factory=dict, hash=False)
    announced_as: str = STATE_CHANGED

    @property
    def rule(self) -> "Rule":
        return Rule(
            self.label,
            self.permission,
            frozenset({self.source}),
            needs_second_person=self.needs_second_person,
        )


TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            "take",
            _("Take"),
            ClaimState.UNVERIFIED,
            ClaimState.IN_REVIEW,
            REVIEW,
            assignee=Assignee.ACTOR_IF_FREE,
        ),
        Transition(
            "give_back",
            _("Give back"),
            ClaimState.IN_REVIEW,
            ClaimState.UNVERIFIED,
            REVIEW,
            assignee=Assignee.NOBODY,
        ),
        Transition(
            "propose",
            _("Propose verdict"),
            ClaimState.IN_REVIEW,
            ClaimState.VERDICT_PROPOSED,
            REVIEW,
            needs_verdict=True,
            assignee=Assignee.ACTOR_IF_FREE,
            writes={"verdict": Value.VERDICT, "verdict_rationale": Value.NOTE, "verdict_proposed_by_id": Value.ACTOR},
        ),
        Transition(
            "send_back",
            _("Send back"),
            ClaimState.VERDICT_PROPOSED,
            ClaimState.IN_REVIEW,
            APPROVE,
            needs_reason=True,
            writes={"verdict": "", "verdict_proposed_by_id": None},
        ),
        Transition(
            "approve",
            _("Approve"),
            ClaimState.VERDICT_PROPOSED,
            ClaimState.APPROVED,
            APPROVE,
            needs_second_person=True,
            writes={"verdict_under_correction": "", "approved_at": Value.NOW, "approved_by_id": Value.ACTOR},
            announced_as=VERDICT_APPROVED,
        ),
        Transition(
            "reopen",
            _("Reopen for correction"),
            ClaimState.APPROVED,
            ClaimState.IN_REVIEW,
            REOPEN,
            needs_reason=True,
            # The published verdict stays visible (under correction) until a new one is approved.
            writes={"verdict_under_correction": Value.CURRENT_VERDICT, "verdict": "", "verdict_proposed_by_id": None},
            announced_as=VERDICT_REOPENED,
        ),
    ]
}


@dataclass(frozen=True)
class Rule:
    """Who may make a write on a claim, and in which of its states."""

    label: str
    permission: str
    # The states of the claim the write is made in.
    states: frozenset[str]
    # False: never on a dismissed sentence; True: only on one; None: either.
    dismissed: bool | None = False
    # The claim is free or the actor's, unless the actor assigns claims (an editor).
    own_or_free: bool = True
    # Someone other than the proposer of the verdict acts (unless the desk allows one person).
    needs_second_person: bool = False
    # Why the write is refused in another state; without it, the action and the state are named.
    wrong_state: str = ""


UNTIL_APPROVED = frozenset({ClaimState.UNVERIFIED, ClaimState.IN_REVIEW, ClaimState.VERDICT_PROPOSED})
BEFORE_VERDICT = frozenset({ClaimState.UNVERIFIED, ClaimState.IN_REVIEW})
EVERY_STATE = frozenset(ClaimState.values)
PUBLISHED = _("The verdict is published: reopen the claim for correction first.")

WRITES = {
    "assign": Rule(_("Assign"), ASSIGN, UNTIL_APPROVED, wrong_state=_("Only claims still in review are assigned.")),
    "correct": Rule(_("Correct speaker, outlet or quote"), REVIEW, UNTIL_APPROVED, wrong_state=PUBLISHED),
    # Evidence and decisions on proposals are what an approved verdict rests on: frozen with it.
    "add_evidence": Rule(_("Add evidence"), "reviews.add_evidence", UNTIL_APPROVED, wrong_state=PUBLISHED),
    "decide_proposal": Rule(_("Decide on a proposal"), "claims.change_proposal", UNTIL_APPROVED, wrong_state=PUBLISHED),
    # The desk discusses any claim, in any state: a comment changes nothing of the record.
    "comment": Rule(_("Add comment"), "reviews.add_comment", EVERY_STATE, dismissed=None, own_or_free=False),
    "dismiss": Rule(
        _("Dismiss"), REVIEW, BEFORE_VERDICT, wrong_state=_("Only claims not yet given a verdict can be dismissed.")
    ),
    "restore": Rule(_("Restore"), REVIEW, EVERY_STATE, dismissed=True),
    "merge": Rule(
        _("Merge"), REVIEW, BEFORE_VERDICT, wrong_state=_("Only claims not yet given a verdict can be merged.")
    ),
    # Checked against the claim as it will be: unverified and free.
    "add_claim": Rule(_("Add claim"), REVIEW, frozenset({ClaimState.UNVERIFIED})),
    # A near-duplicate link says the earlier claim's verdict applies here: part of the record once approved.
    "unlink_duplicate": Rule(_("Unlink from the earlier claim"), REVIEW, UNTIL_APPROVED, wrong_state=PUBLISHED),
    # New proposals for an approved claim could not be decided: reopen first.
    "propose_again": Rule(_("Propose again"), REVIEW, UNTIL_APPROVED, wrong_state=PUBLISHED),
}


@dataclass(frozen=True)
class Situation:
    """What the rules need to know about a claim and the person acting on it."""

    state: str
    actor_id: int
    permissions: frozenset[str]
    assignee_id: int | None = None
    proposer_id: int | None = None
    # The claim's verdict now (a reopened claim keeps it as the published one).
    verdict: str = ""
    evidence_count: int = 0
    dismissed: bool = False
    # A one-person desk may approve its own verdicts (the SINGLE_PERSON_APPROVAL setting, off by default).
    single_person_approval: bool = False


@dataclass(frozen=True)
class Request:
    """What the person asks for: an action, and the verdict and note that go with it."""

    action: str
    verdict: str = ""
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    transition: Transition
    # The claim's assignee after the transition.
    assignee_id: int | None
    # What the request gives the transition's `Value`s (all but the time, which the caller knows).
    values: dict[Value, object] = field(default_factory=dict)

    def writes(self, *, now) -> dict[str, object]:
        """The claim's fields as the transition leaves them: its state, its assignee and the transition's writes."""
        values = {**self.values, Value.NOW: now}
        fields = {"state": self.transition.target, "assignee_id": self.assignee_id}
        for name, value in self.transition.writes.items():
            fields[name] = values[value] if isinstance(value, Value) else value
        return fields


def check(situation: Situation, request: Request) -> Outcome:
    """The transition `request` asks for, if the rules allow it here; raises the first kind of refusal that applies:
    unknown action, then what `permit` refuses, then missing input."""
    transition = TRANSITIONS.get(request.action)
    if transition is None:
        raise GuardFailed({"action": [_("Unknown action “%(action)s”.") % {"action": request.action}]})
    permit(situation, transition.rule)
    problems: dict[str, list[str]] = {}
    note = visible_or_empty(request.note)
    if transition.needs_reason and not note:
        problems.setdefault("note", []).append(_("Give a reason."))
    if transition.needs_verdict:
        if request.verdict not in Verdict.values:
            problems.setdefault("verdict", []).append(_("Choose a verdict."))
        if not note:
            problems.setdefault("note", []).append(_("A verdict needs a rationale."))
        if request.verdict != Verdict.UNVERIFIABLE and situation.evidence_count == 0:
            problems.setdefault("evidence", []).append(
                _(
                    "Accept a proposal or add evidence first: a document or an address a reader can follow (a source "
                    "without a document is a lead, not evidence). Only “unverifiable” needs no evidence."
                )
            )
    if problems:
        raise GuardFailed(problems)
    assignee = situation.assignee_id
    if transition.assignee is Assignee.NOBODY:
        assignee = None
    elif transition.assignee is Assignee.ACTOR_IF_FREE and assignee is None:
        assignee = situation.actor_id
    values = {
        Value.ACTOR: situation.actor_id,
        Value.VERDICT: request.verdict,
        Value.NOTE: note,
        Value.CURRENT_VERDICT: situation.verdict,
    }
    return Outcome(transition=transition, assignee_id=assignee, values=values)


def permit(situation: Situation, rule: Rule) -> None:
    """Whether this person may make this write on the claim now, by the rule every write follows; raises the first
    refusal that applies: the role (NotPermitted), the state (WrongState), the assignment and the two-person rule
    (NotPermitted)."""
    if rule.permission not in situation.permissions:
        raise NotPermitted({"action": [_("Your role does not allow “%(action)s”.") % {"action": rule.label}]})
    if situation.dismissed and rule.dismissed is False:
        raise WrongState({"action": [_("This sentence was dismissed as not a claim.")]})
    if not situation.dismissed and rule.dismissed is True:
        raise WrongState({"action": [_("This claim is not dismissed.")]})
    if situation.state not in rule.states:
        message = rule.wrong_state or _("“%(action)s” is not possible while the claim is “%(state)s”.") % {
            "action": rule.label,
            "state": ClaimState(situation.state).label,
        }
        raise WrongState({"action": [message]})
    others_claim = situation.assignee_id not in (None, situation.actor_id)
    if rule.own_or_free and others_claim and ASSIGN not in situation.permissions:
        raise NotPermitted({"action": [_("This claim is assigned to someone else.")]})
    own_verdict = situation.proposer_id == situation.actor_id
    if rule.needs_second_person and own_verdict and not situation.single_person_approval:
        raise NotPermitted({"action": [_("Someone other than the proposer must approve a verdict.")]})


def allows(situation: Situation, rule: Rule) -> bool:
    try:
        permit(situation, rule)
    except Refusal:
        return False
    return True


def allowed_transitions(situation: Situation) -> list[Transition]:
    """The actions this person may take on the claim now (their input aside: a form asks for that)."""
    return [transition for transition in TRANSITIONS.values() if allows(situation, transition.rule)]


def allowed_writes(situation: Situation) -> set[str]:
    """The names of the writes of `WRITES` this person may make on the claim now (for the page's forms)."""
    return {name for name, rule in WRITES.items() if allows(situation, rule)}


def check_correction(situation: Situation) -> None:
    """Whether this person may correct what the extraction found about the claim (speaker, cited outlet, quote).
    A published record is not changed in place: an approved claim is reopened for correction first."""
    permit(situation, WRITES["correct"])


def may_correct(situation: Situation) -> bool:
    return allows(situation, WRITES["correct"])
