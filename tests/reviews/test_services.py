"""Deciding on proposals: evidence, history, permissions, double submits."""

import pytest
from django.core.exceptions import PermissionDenied

from claims.models import Proposal, ProposalMethod, ProposalStatus
from reviews import services
from reviews.models import ClaimEvent, EventKind, Evidence
from tests.factories import make_claim, make_document

pytestmark = pytest.mark.django_db


def make_proposal(**fields) -> Proposal:
    fields.setdefault("claim", make_claim())
    fields.setdefault("document", make_document())
    return Proposal.objects.create(method=ProposalMethod.HYBRID, score=0.8, reason="shares words", **fields)


def test_accepting_a_proposal_makes_it_evidence_and_records_who_did_it(alice):
    proposal = make_proposal()
    services.decide_proposal(proposal_id=proposal.pk, actor=alice, accept=True, note="the treaty text")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decided_at
    evidence = Evidence.objects.get()
    assert (evidence.claim, evidence.proposal, evidence.added_by, evidence.note) == (
        proposal.claim,
        proposal,
        alice,
        "the treaty text",
    )
    event = ClaimEvent.objects.get()
    assert (event.kind, event.actor, event.actor_name) == (EventKind.PROPOSAL_DECIDED, alice, "alice")
    assert event.data["decision"] == "accepted" and event.data["proposal"] == proposal.pk


def test_rejecting_a_proposal_makes_no_evidence(alice):
    proposal = make_proposal()
    services.decide_proposal(proposal_id=proposal.pk, actor=alice, accept=False)
    assert Proposal.objects.get().status == ProposalStatus.REJECTED
    assert not Evidence.objects.exists()
    assert ClaimEvent.objects.get().data["decision"] == "rejected"


def test_a_proposal_is_decided_once(alice, erin):
    proposal = make_proposal()
    services.decide_proposal(proposal_id=proposal.pk, actor=alice, accept=True)
    with pytest.raises(services.Conflict):
        services.decide_proposal(proposal_id=proposal.pk, actor=erin, accept=False)
    assert Proposal.objects.get().status == ProposalStatus.ACCEPTED
    assert Evidence.objects.count() == 1 and ClaimEvent.objects.count() == 1


@pytest.mark.parametrize("user", ["cms", "oscar"])
def test_api_clients_and_outsiders_may_not_decide(user, request):
    proposal = make_proposal()
    with pytest.raises(PermissionDenied):
        services.decide_proposal(proposal_id=proposal.pk, actor=request.getfixturevalue(user), accept=True)
    assert Proposal.objects.get().status == ProposalStatus.PROPOSED
    assert not Evidence.objects.exists() and not ClaimEvent.objects.exists()
