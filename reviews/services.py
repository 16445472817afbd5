"""Writes of the review: every one checks who acts, changes its rows and appends to the claim's history in one
transaction."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from claims.models import Claim, Proposal, ProposalStatus
from reviews.models import ClaimEvent, EventKind, Evidence


class Conflict(Exception):
    """Somebody else changed the row first; nothing was written. The API answers 409."""


def record_event(*, claim: Claim, kind: str, actor, note: str = "", data: dict | None = None, **fields) -> ClaimEvent:
    return ClaimEvent.objects.create(
        claim=claim,
        kind=kind,
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        note=note,
        data=data or {},
        **fields,
    )


@transaction.atomic
def decide_proposal(*, proposal_id: int, actor, accept: bool, note: str = "") -> Proposal:
    """Accept a proposal (it becomes evidence for its claim) or reject it (it stays out of future runs).

    A proposal is decided once: a second decision, by anyone, raises Conflict and changes nothing.
    """
    if not actor.has_perm("claims.change_proposal"):
        raise PermissionDenied("Only reviewers and editors decide on proposals.")
    status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    decided = Proposal.objects.filter(pk=proposal_id, status=ProposalStatus.PROPOSED).update(
        status=status, decided_at=timezone.now()
    )
    if not decided:
        raise Conflict("This proposal has already been decided, or it no longer exists.")
    proposal = Proposal.objects.select_related("claim").get(pk=proposal_id)
    if accept:
        Evidence.objects.create(claim=proposal.claim, proposal=proposal, note=note, added_by=actor)
    record_event(
        claim=proposal.claim,
        kind=EventKind.PROPOSAL_DECIDED,
        actor=actor,
        note=note,
        data={"proposal": proposal.pk, "decision": status, "method": proposal.method, "target": str(proposal.target)},
    )
    return proposal
