"""Source proposals: every proposer's candidates for a claim stored as proposals, a near-duplicate of an earlier
reviewed claim linked, and "propose again"."""

import datetime
import logging
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.models import Claim, Document, Proposal, ProposalStatus, WorkStatus
from claims.proposing.base import Candidate, Proposer, ProposerUnavailable, lead_score, target_of
from claims.proposing.earlier_claims import EarlierClaimsProposer
from claims.proposing.factcheck_search import FactCheckSearchProposer
from claims.proposing.named_sources import NamedSourcesProposer
from claims.proposing.reasons import english, reason
from claims.proposing.registry_documents import RegistryDocumentsProposer
from factcheck.queueing import queue

logger = logging.getLogger(__name__)

PROPOSE_TASK = "claims.propose_sources"


def queue_proposals(claim_id: int, *, now: bool = False) -> bool:
    """Send the claim's proposal task once the current transaction commits, or with `now` at once (the sweeper:
    False when the broker is down). Its `proposals_queued_at` records that the queue took it."""
    return queue(PROPOSE_TASK, claim_id, mark=(Claim.objects.filter(pk=claim_id), "proposals_queued_at"), now=now)


@dataclass(frozen=True)
class ProposalRun:
    created: int
    # Proposers whose outside service was down: the run is recorded as failed and retried; the others' proposals
    # are kept.
    unavailable: list[str]
    errors: list[str]


def default_proposers(claim: Claim) -> list[Proposer]:
    """The proposers that run for `claim`. The external search costs quota, so it only runs for check-worthy
    claims, and only when a key is configured."""
    proposers: list[Proposer] = [NamedSourcesProposer(), RegistryDocumentsProposer(), EarlierClaimsProposer()]
    external = FactCheckSearchProposer()
    if external.enabled and claim.is_checkworthy:
        proposers.append(external)
    return proposers


def propose_sources(*, claim_id: int, proposers: list[Proposer] | None = None, takeover: bool = False):
    """Ask every proposer for candidates and store them as proposals; the run's outcome, or None when there is
    nothing to do (the claim is gone, done, or another worker is on it).

    Safe to run again: a claim has one proposal per target, so nothing is duplicated, and a proposal a reviewer
    accepted or rejected keeps its decision (a rejected target never comes back as new). The proposers run
    outside any transaction: one may call an outside service.
    """
    stale_before = timezone.now() - datetime.timedelta(
        seconds=0 if takeover else settings.PROPOSALS_STALE_AFTER_SECONDS
    )
    if not Claim.objects.start_proposals(claim_id, stale_before=stale_before):
        return None
    claim = Claim.objects.select_related("speaker", "article").filter(pk=claim_id).first()
    if claim is None:
        return None
    candidates, linkable, unavailable, errors = [], [], [], []
    for proposer in default_proposers(claim) if proposers is None else proposers:
        try:
            found = proposer.propose(claim)
        except ProposerUnavailable as exc:
            unavailable.append(str(exc))
            continue
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:
            # One broken proposer must not cost the others' results; its error is shown on the claim.
            logger.exception("proposer %s failed for claim %s", proposer.name, claim_id)
            errors.append(f"{proposer.name}: {type(exc).__name__}: {exc}"[:500])
            continue
        candidates.extend(found)
        if hasattr(proposer, "is_auto_link"):
            linkable.extend((candidate, proposer) for candidate in found)
    candidates.extend(_sources_of_documents(candidates))
    duplicate = _near_duplicate(claim, linkable)
    with transaction.atomic():
        created = _store_proposals(claim, candidates)
        if duplicate is not None:
            # A link (an earlier run's) is never replaced, and a claim a reviewer unlinked is not linked again.
            Claim.objects.filter(pk=claim_id, duplicate_of__isnull=True, duplicate_unlinked_at__isnull=True).update(
                duplicate_of_id=duplicate, updated_at=timezone.now()
            )
        Claim.objects.filter(pk=claim_id, proposals_status=WorkStatus.RUNNING).update(
            proposals_status=WorkStatus.FAILED if unavailable or errors else WorkStatus.DONE,
            proposals_finished_at=timezone.now(),
            proposals_error="; ".join(errors + unavailable)[:2000],
        )
    return ProposalRun(created=created, unavailable=unavailable, errors=errors)


def _near_duplicate(claim: Claim, linkable: list[tuple[Candidate, Proposer]]) -> int | None:
    """The earlier reviewed claim to link `claim` to without asking: the best candidate that the proposer which
    found it calls a near-duplicate (by that proposer's link threshold)."""
    earlier = sorted(
        (pair for pair in linkable if pair[0].earlier_claim_id is not None), key=lambda pair: -pair[0].score
    )
    return next((c.earlier_claim_id for c, proposer in earlier if proposer.is_auto_link(c, claim)), None)


# A document's source is worth proposing too, but below every source the claim names itself (the lowest named
# score is 0.6, a surname, in claims/proposing/named_sources.py): a source that publishes a similar text says less
# about a claim than the outlet it is attributed to or the person who said it.
SOURCE_OF_DOCUMENT_FACTOR = 0.5


def _sources_of_documents(candidates: list[Candidate]) -> list[Candidate]:
    named = {c.source_id for c in candidates if c.source_id is not None}
    documents = [c for c in candidates if c.document_id is not None]
    sources = dict(Document.objects.filter(pk__in=[c.document_id for c in documents]).values_list("pk", "source_id"))
    titles = dict(Document.objects.filter(pk__in=sources).values_list("pk", "title"))
    best: dict[int, Candidate] = {}
    for candidate in sorted(documents, key=lambda c: -c.score):
        source_id = sources.get(candidate.document_id)
        if source_id is None or source_id in named or source_id in best:
            continue
        publishes = reason("publishes", title=titles.get(candidate.document_id, ""))
        best[source_id] = Candidate(
            candidate.method,
            # A lead like the named sources, half as strong as a document's score would make it.
            lead_score(candidate.score * SOURCE_OF_DOCUMENT_FACTOR),
            english([publishes]),
            source_id=source_id,
            reasons=(publishes,),
        )
    return list(best.values())


def _store_proposals(claim: Claim, candidates: list[Candidate]) -> int:
    """New targets become proposals; a target still only proposed gets the newest score and reason; a target a
    reviewer decided on is left alone."""
    best: dict[tuple, Candidate] = {}
    for candidate in candidates:
        if candidate.target not in best or candidate.score > best[candidate.target].score:
            best[candidate.target] = candidate
    existing = {target_of(p): p for p in claim.proposals.all()}
    new, refreshed = [], []
    for target, candidate in best.items():
        fields = {
            "method": candidate.method,
            "score": min(1.0, max(0.0, candidate.score)),
            "reason": candidate.reason[:2000],
            "reasons": list(candidate.reasons),
        }
        proposal = existing.get(target)
        if proposal is None:
            new.append(
                Proposal(
                    claim=claim,
                    document_id=candidate.document_id,
                    source_id=candidate.source_id,
                    earlier_claim_id=candidate.earlier_claim_id,
                    external_url=candidate.external_url,
                    external_title=candidate.external_title,
                    external_publisher=candidate.external_publisher,
                    external_rating=candidate.external_rating,
                    **fields,
                )
            )
        elif proposal.status == ProposalStatus.PROPOSED:
            for name, value in fields.items():
                setattr(proposal, name, value)
            refreshed.append(proposal)
    Proposal.objects.bulk_create(new, ignore_conflicts=True)
    Proposal.objects.bulk_update(refreshed, ["method", "score", "reason", "reasons"])
    return len(new)


@transaction.atomic
def request_proposals(*, claim_id: int) -> bool:
    """ "Propose again": queue a new proposal run for a claim, unless one is running right now."""
    stale_before = timezone.now() - datetime.timedelta(seconds=settings.PROPOSALS_STALE_AFTER_SECONDS)
    updated = (
        Claim.objects.filter(pk=claim_id)
        .exclude(proposals_status=WorkStatus.RUNNING, proposals_started_at__gte=stale_before)
        .update(proposals_status=WorkStatus.PENDING, proposals_error="", proposals_queued_at=None)
    )
    if updated:
        queue_proposals(claim_id)
    return bool(updated)
