"""The review workflow as a table: which action moves a claim from which state to which, who may take it and what
it needs. Plain Python, no database: `reviews.services.transition` is the one place that applies it.

    unverified --take--> in_review --propose--> verdict_proposed --approve--> approved
    in_review --give_back--> unverified
    verdict_proposed --send_back (reason)--> in_review
    approved --reopen (reason, editors)--> in_review   (the published verdict stays: "under correction")
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from claims.models import ClaimState, Verdict

REVIEW = "reviews.review_claim"
APPROVE = "reviews.approve_verdict"
REOPEN = "reviews.reopen_verdict"
ASSIGN = "reviews.assign_claim"


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


TRANSITIONS = {
    t.action: t
    for t in [
        Transition("take", _("Take"), ClaimState.UNVERIFIED, ClaimState.IN_REVIEW, REVIEW),
        Transition("give_back", _("Give back"), ClaimState.IN_REVIEW, ClaimState.UNVERIFIED, REVIEW),
        Transition(
            "propose",
            _("Propose verdict"),
            ClaimState.IN_REVIEW,
            ClaimState.VERDICT_PROPOSED,
            REVIEW,
            needs_verdict=True,
        ),
        Transition(
            "send_back", _("Send back"), ClaimState.VERDICT_PROPOSED, ClaimState.IN_REVIEW, APPROVE, needs_reason=True
        ),
        Transition("approve", _("Approve"), ClaimState.VERDICT_PROPOSED, ClaimState.APPROVED, APPROVE),
        Transition(
            "reopen", _("Reopen for correction"), ClaimState.APPROVED, ClaimState.IN_REVIEW, REOPEN, needs_reason=True
        ),
    ]
}


@dataclass(frozen=True)
class Situation:
    """What the rules need to know about a claim and the person acting on it."""

    state: str
    actor_id: int
    permissions: frozenset[str]
    assignee_id: int | None = None
    proposer_id: int | None = None
    accepted_evidence: int = 0
    dismissed: bool = False
    # A one-person desk may approve its own verdicts (the SINGLE_PERSON_APPROVAL setting, off by default).
    single_person_approval: bool = False


@dataclass(frozen=True)
class Request:
    """What the person asks for: an action, and the verdict and note that go with it."""

    action: str
    verdict: str = ""
    note: str = ""


class WorkflowError(Exception):
    """Base of the refusals below; `messages` maps a field ("action", "verdict", "note", "evidence") to reasons."""

    def __init__(self, messages: dict[str, list[str]]):
        self.messages = messages
        super().__init__("; ".join(str(m) for ms in messages.values() for m in ms))


class NotPermitted(WorkflowError):
    """The person lacks the role, or the claim is someone else's. 403."""


class WrongState(WorkflowError):
    """The claim is not (or no longer) in a state that allows the action: usually somebody else acted first. 409."""


class GuardFailed(WorkflowError):
    """The request is missing what the action needs: a verdict, a rationale, evidence. 400, field by field."""


@dataclass(frozen=True)
class Outcome:
    transition: Transition
    # The claim's assignee after the transition (taking a claim assigns it; giving it back frees it).
    assignee_id: int | None
    messages: dict[str, list[str]] = field(default_factory=dict)


def check(situation: Situation, request: Request) -> Outcome:
    """The transition `request` asks for, if the rules allow it here; raises the first kind of refusal that applies:
    unknown action or wrong state, then missing permission, then missing input."""
    transition = TRANSITIONS.get(request.action)
    if transition is None:
        raise GuardFailed({"action": [_("Unknown action “%(action)s”.") % {"action": request.action}]})
    if situation.dismissed:
        raise WrongState({"action": [_("This sentence was dismissed as not a claim.")]})
    if situation.state != transition.source:
        raise WrongState(
            {
                "action": [
                    _("“%(action)s” is not possible while the claim is “%(state)s”.")
                    % {"action": transition.label, "state": ClaimState(situation.state).label}
                ]
            }
        )
    _check_permission(transition, situation)
    problems: dict[str, list[str]] = {}
    note = request.note.strip()
    if transition.needs_reason and not note:
        problems.setdefault("note", []).append(_("Give a reason."))
    if transition.needs_verdict:
        if request.verdict not in Verdict.values:
            problems.setdefault("verdict", []).append(_("Choose a verdict."))
        if not note:
            problems.setdefault("note", []).append(_("A verdict needs a rationale."))
        if request.verdict != Verdict.UNVERIFIABLE and situation.accepted_evidence == 0:
            problems.setdefault("evidence", []).append(
                _("Accept a proposal or add evidence first: only “unverifiable” needs no evidence.")
            )
    if problems:
        raise GuardFailed(problems)
    assignee = situation.assignee_id
    if transition.action in ("take", "propose") and assignee is None:
        assignee = situation.actor_id
    elif transition.action == "give_back":
        assignee = None
    return Outcome(transition=transition, assignee_id=assignee)


def _check_permission(transition: Transition, situation: Situation) -> None:
    if transition.permission not in situation.permissions:
        raise NotPermitted({"action": [_("Your role does not allow “%(action)s”.") % {"action": transition.label}]})
    others_claim = situation.assignee_id not in (None, situation.actor_id)
    if transition.permission == REVIEW and others_claim and ASSIGN not in situation.permissions:
        raise NotPermitted({"action": [_("This claim is assigned to someone else.")]})
    own_verdict = situation.proposer_id == situation.actor_id
    if transition.action == "approve" and own_verdict and not situation.single_person_approval:
        raise NotPermitted({"action": [_("Someone other than the proposer must approve a verdict.")]})


def allowed_transitions(situation: Situation) -> list[Transition]:
    """The actions this person may take on the claim now (their input aside: a form asks for that)."""
    allowed = []
    for transition in TRANSITIONS.values():
        if situation.dismissed or situation.state != transition.source:
            continue
        try:
            _check_permission(transition, situation)
        except NotPermitted:
            continue
        allowed.append(transition)
    return allowed


def check_correction(situation: Situation) -> None:
    """Whether this person may correct what the extraction found about the claim (speaker, cited outlet, quote).
    The rules of working on a claim: a reviewer's role, and the claim free or theirs (editors may act on anyone's).
    A published record is not changed in place: an approved claim is reopened for correction first."""
    if REVIEW not in situation.permissions:
        raise NotPermitted({"action": [_("Your role does not allow correcting a claim.")]})
    if situation.dismissed:
        raise WrongState({"action": [_("This sentence was dismissed as not a claim.")]})
    if situation.state == ClaimState.APPROVED:
        raise WrongState({"action": [_("The verdict is published: reopen the claim for correction first.")]})
    if situation.assignee_id not in (None, situation.actor_id) and ASSIGN not in situation.permissions:
        raise NotPermitted({"action": [_("This claim is assigned to someone else.")]})


def may_correct(situation: Situation) -> bool:
    try:
        check_correction(situation)
    except WorkflowError:
        return False
    return True
