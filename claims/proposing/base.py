"""The one interface every proposer implements."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from claims.models import ProposalMethod

if TYPE_CHECKING:
    from claims.models import Claim


@dataclass(frozen=True)
class Candidate:
    """A possible piece of evidence for a claim: exactly one target, a score in [0, 1] (higher is better within a
    proposer; proposers are ranked together by score), and a reason a reviewer can read: `reasons` as codes with
    their details (claims/proposing/reasons.py), rendered in each reader's language, and `reason`, their English
    text."""

    method: ProposalMethod
    score: float
    reason: str
    document_id: int | None = None
    source_id: int | None = None
    earlier_claim_id: int | None = None
    external_url: str = ""
    external_title: str = ""
    external_publisher: str = ""
    external_rating: str = ""
    reasons: tuple[dict, ...] = ()

    @property
    def target(self) -> tuple[str, int | str]:
        """What makes a proposal unique for its claim."""
        return target_of(self)


def target_of(found) -> tuple[str, int | str]:
    """The one target of a candidate or a stored Proposal (both carry the same four target fields)."""
    if found.document_id is not None:
        return ("document", found.document_id)
    if found.source_id is not None:
        return ("source", found.source_id)
    if found.earlier_claim_id is not None:
        return ("earlier_claim", found.earlier_claim_id)
    return ("external_url", found.external_url)


# A source without a document is a lead to follow, not evidence a reader can follow: its score is brought below
# every document worth proposing (PROPOSAL_DOCUMENTS_MIN_SCORE, 0.3 by default; a desk should not set it below
# LEAD_CEILING) so that leads come after the documents, earlier claims and fact-checks that show something, in the
# order of their own scores.
LEAD_CEILING = 0.1


def lead_score(score: float) -> float:
    """A source's score (in [0, 1]) as a lead's, below LEAD_CEILING."""
    return round(LEAD_CEILING * min(max(score, 0.0), 1.0) * 0.99, 4)


class Proposer(Protocol):
    """Finds candidates for one claim. `name` appears in logs and in the claim's error when the proposer fails.

    Proposers read; they never write. One that calls a service outside this process must bound every call with a
    timeout and raise `ProposerUnavailable` when the service is down, so the run records it and goes on.
    """

    name: str

    def propose(self, claim: "Claim") -> list[Candidate]: ...


class ProposerUnavailable(Exception):
    """An outside service a proposer depends on could not be reached or answered badly; worth retrying later."""
