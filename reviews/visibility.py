"""What a viewer may see of a claim: the one rule the claim page and the API's claim detail both follow.

The review's people (reviewers, editors, admins; an API key with review scope) see its workings: the verdict while
it is only proposed, who proposed, approved or is assigned, the proposals, the comments, every event with its
actor and note. Everybody else who may read claims (the api-client role on the web, a read-scope key, an editor's
key limited to read scope) sees the published record only: the approved verdict and its rationale, the verdict
kept while it is under correction, when it was approved, the evidence without who added it, and the history's
state changes without names or notes, a verdict in it only where it was approved.
"""

import copy
from dataclasses import dataclass

from claims.models import Claim, ClaimState
from reviews import workflow
from reviews.models import EventKind


@dataclass(frozen=True)
class ClaimVisibility:
    internal: bool

    @classmethod
    def for_user(cls, user) -> "ClaimVisibility":
        """On the web: the role decides."""
        return cls(internal=user.has_perm(workflow.REVIEW))

    @property
    def names(self) -> bool:
        """Who reviewed, proposed, approved, added or said what."""
        return self.internal

    def verdict(self, claim: Claim) -> str | None:
        """The verdict this viewer may know of: a proposed one too for the review, else only an approved one."""
        if self.internal:
            return claim.verdict or None
        return claim.public_verdict

    def rationale(self, claim: Claim) -> str | None:
        if self.internal:
            return claim.verdict_rationale or None
        return claim.verdict_rationale if claim.public_verdict else None

    def proposals(self, claim: Claim) -> list | None:
        """The candidates the proposers found (None: not for this viewer)."""
        return list(claim.proposals.all()) if self.internal else None

    def comments(self, claim: Claim) -> list | None:
        return list(claim.comments.all()) if self.internal else None

    def events(self, claim: Claim) -> list:
        """The claim's history as this viewer may read it. For the published record: state changes only, as copies
        without actor, note or any data but the action, their verdict kept only where it was approved."""
        events = list(claim.events.all())
        if self.internal:
            return events
        shown = []
        for event in events:
            if event.kind != EventKind.TRANSITION:
                continue
            masked = copy.copy(event)
            masked.actor_name = ""
            masked.note = ""
            masked.data = {"action": (event.data or {}).get("action")}
            if event.to_state != ClaimState.APPROVED:
                masked.verdict = ""
            shown.append(masked)
        return shown


# The review's people, as the API reads a key's scope: reviews cannot import api, so the API passes the flag.
INTERNAL = ClaimVisibility(internal=True)
PUBLIC = ClaimVisibility(internal=False)
