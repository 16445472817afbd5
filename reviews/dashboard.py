"""The editors' dashboard: what the desk has on its plate and how fast it gets through it. Plain reads, one query
each; the view only renders what these return."""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Count, F, Q

from claims.models import Claim, ClaimState

# Claims that still need someone's work: neither approved nor dismissed.
OPEN_STATES = (ClaimState.UNVERIFIED, ClaimState.IN_REVIEW, ClaimState.VERDICT_PROPOSED)


def backlog_per_state() -> dict[str, int]:
    """Claims not dismissed, by state; every state is there, with 0 where none are."""
    counts = dict.fromkeys(ClaimState.values, 0)
    for row in Claim.objects.open().order_by().values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts


def awaiting_approval(*, limit: int = 20):
    """Proposed verdicts waiting for an editor, the longest-waiting first."""
    return (
        Claim.objects.awaiting_approval()
        .select_related("article", "verdict_proposed_by", "assignee")
        .order_by("updated_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class Durations:
    count: int
    median: datetime.timedelta | None
    p90: datetime.timedelta | None


def percentile(values: list, fraction: float):
    """The nearest-rank percentile of sorted `values` (None when there are none): the smallest value that at
    least `fraction` of them do not exceed."""
    if not values:
        return None
    rank = max(1, math.ceil(fraction * len(values)))
    return values[rank - 1]


def time_to_approval() -> Durations:
    """From ingesting an article to the approval of a claim's verdict, over approved claims: median and p90.

    Computed in Python from one column of durations, so that SQLite and PostgreSQL give the same figures."""
    durations = sorted(
        Claim.objects.filter(state=ClaimState.APPROVED, approved_at__isnull=False)
        .annotate(duration=F("approved_at") - F("article__ingested_at"))
        .values_list("duration", flat=True)
    )
    return Durations(count=len(durations), median=percentile(durations, 0.5), p90=percentile(durations, 0.9))


def reviewer_load() -> list[dict]:
    """Open claims per assignee (username, counts by state), the busiest first."""
    rows = (
        Claim.objects.open()
        .filter(assignee__isnull=False, state__in=OPEN_STATES)
        .order_by()
        .values("assignee__username")
        .annotate(
            total=Count("pk"),
            in_review=Count("pk", filter=Q(state=ClaimState.IN_REVIEW)),
            verdict_proposed=Count("pk", filter=Q(state=ClaimState.VERDICT_PROPOSED)),
        )
        .order_by("-total", "assignee__username")
    )
    return [
        {
            "username": row["assignee__username"],
            "total": row["total"],
            "in_review": row["in_review"],
            "verdict_proposed": row["verdict_proposed"],
        }
        for row in rows
    ]


def linked_claims(*, limit: int = 20):
    """Claims linked to an earlier reviewed claim (a near-duplicate), the newest first, with that claim."""
    return (
        Claim.objects.open()
        .filter(duplicate_of__isnull=False)
        .select_related("article", "duplicate_of", "duplicate_of__article")
        .order_by("-created_at", "-pk")[:limit]
    )


def linked_count() -> int:
    return Claim.objects.open().filter(duplicate_of__isnull=False).count()
