"""Reads of the review's pages: the queues and their counts, a claim's page and its neighbours in a list, an
article's page, and the editors' dashboard figures. The views render what these return; the writes are in
`reviews.services`."""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from claims.filters import ClaimFilter
from claims.models import Article, Claim, ClaimState, ClaimStatus, Proposal, status_filter
from reviews import workflow
from reviews.models import ClaimEvent, Comment, Evidence
from reviews.visibility import ClaimVisibility

# Claims that still need someone's work: neither approved nor dismissed ("my queue", a reviewer's load).
OPEN_STATES = (ClaimState.UNVERIFIED, ClaimState.IN_REVIEW, ClaimState.VERDICT_PROPOSED)
# How much of its paragraph the claim page shows around the sentence, in characters on each side, where no
# neighbouring sentence is known.
CONTEXT_CHARS = 400
PROPOSAL_TARGETS = ("document", "document__source", "source", "earlier_claim", "earlier_claim__article")


def reviewers() -> QuerySet:
    """Everybody who may review claims: the people a claim can be assigned to."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__permissions__codename=workflow.REVIEW.split(".")[1])
        .distinct()
        .order_by("username")
    )


def with_evidence_count(queryset: QuerySet) -> QuerySet:
    """Annotate the evidence count that `services.situation` reads, so listing allowed actions costs no query: the
    evidence a reader can follow (`EvidenceQuerySet.followable`)."""
    count = (
        Evidence.objects.followable()
        .filter(claim=OuterRef("pk"))
        .order_by()
        .values("claim")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(evidence_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)))


# The queues ------------------------------------------------------------------------------------------------------


def queue(data, *, request) -> ClaimFilter:
    """The claims of a queue as `data` (a query string's filters) narrows them, for the person asking."""
    return ClaimFilter(
        data,
        request=request,
        queryset=with_evidence_count(Claim.objects.select_related("article", "speaker", "assignee", "duplicate_of")),
        internal=ClaimVisibility.for_user(request.user).internal,
    )


def counts(queryset: QuerySet) -> tuple[list, list]:
    """Claims per state and per status among those the filters let through: one query."""
    queryset = queryset.order_by()
    aggregates = {f"state_{s}": Count("pk", filter=Q(state=s)) for s in ClaimState.values}
    aggregates.update({f"status_{s}": Count("pk", filter=status_filter(s)) for s in ClaimStatus.values})
    row = queryset.aggregate(**aggregates)
    states = [(state, label, row[f"state_{state}"]) for state, label in ClaimState.choices]
    statuses = [(status, label, row[f"status_{status}"]) for status, label in ClaimStatus.choices]
    return states, statuses


def neighbours(data, *, request, claim_id: int) -> tuple[int | None, int | None] | None:
    """The previous and next claim in the list `data` filters (None where there is none); None when the filters
    are not valid."""
    claim_filter = ClaimFilter(
        data, request=request, queryset=Claim.objects.all(), internal=ClaimVisibility.for_user(request.user).internal
    )
    if not claim_filter.is_valid():
        return None
    ids = list(claim_filter.qs.values_list("pk", flat=True))
    try:
        position = ids.index(claim_id)
    except ValueError:
        return None, None
    previous = ids[position - 1] if position > 0 else None
    following = ids[position + 1] if position + 1 < len(ids) else None
    return previous, following


# A claim's page --------------------------------------------------------------------------------------------------


def claim_page(pk: int) -> Claim | None:
    """The claim with all its page shows: proposals best first, evidence, comments and history."""
    return (
        with_evidence_count(
            Claim.objects.select_related(
                "article",
                "speaker",
                "assignee",
                "verdict_proposed_by",
                "approved_by",
                "duplicate_of",
                "duplicate_of__article",
            ).prefetch_related(
                Prefetch(
                    "proposals",
                    queryset=Proposal.objects.select_related(*PROPOSAL_TARGETS).order_by("-score", "pk"),
                ),
                Prefetch(
                    "evidence",
                    queryset=evidence_rows(),
                ),
                Prefetch("comments", queryset=Comment.objects.select_related("author")),
                Prefetch("events", queryset=ClaimEvent.objects.order_by("created_at", "pk")),
            )
        )
        .filter(pk=pk)
        .first()
    )


def evidence_rows() -> QuerySet:
    """Evidence with what the claim page's evidence box shows: its target, who added it, its page's snapshot."""
    return Evidence.objects.select_related(
        "added_by",
        "document",
        "source",
        "snapshot",
        "proposal",
        "proposal__document",
        "proposal__source",
        "proposal__earlier_claim",
    )


def evidence_of(claim_id: int) -> list[Evidence]:
    """A claim's evidence box on its own, for the fragment that updates it after a proposal is accepted."""
    return list(evidence_rows().filter(claim_id=claim_id))


def claim_attribution(pk: int) -> Claim:
    """The claim with what its attribution fragment shows."""
    return with_evidence_count(Claim.objects.select_related("speaker", "duplicate_of")).get(pk=pk)


def proposal_row(pk: int) -> Proposal:
    """A proposal with what its row on the claim page shows."""
    return Proposal.objects.select_related(*PROPOSAL_TARGETS).get(pk=pk)


def context_of(claim: Claim) -> dict:
    """The sentence with the sentence before and the sentence after it, whole, as the extraction segmented the
    article (every sentence is one of its claims, with its offsets): "sagte er" comes with the sentence that names
    him. Where no sentence is found on a side (the article's first or last, or a text not yet segmented), the
    claim's paragraph is shown to its edge, at most CONTEXT_CHARS."""
    text = claim.article.text
    sentences = Claim.objects.filter(article_id=claim.article_id).exclude(pk=claim.pk)
    previous = sentences.filter(end__lte=claim.start).order_by("-end", "-start").values_list("start", flat=True)
    following = sentences.filter(start__gte=claim.end).order_by("start", "end").values_list("end", flat=True)
    start, end = previous.first(), following.first()
    if start is None:
        paragraph = text.rfind("\n", 0, claim.start) + 1
        start = max(paragraph, claim.start - CONTEXT_CHARS)
        if start > paragraph:
            blank = text.find(" ", start, claim.start)
            start = blank + 1 if blank != -1 else start
    if end is None:
        line_end = text.find("\n", claim.end)
        paragraph_end = len(text) if line_end == -1 else line_end
        end = min(paragraph_end, claim.end + CONTEXT_CHARS)
        if end < paragraph_end:
            blank = text.rfind(" ", claim.end, end)
            end = blank if blank != -1 else end
    return {
        "before": text[start : claim.start],
        "sentence": text[claim.start : claim.end],
        "after": text[claim.end : end],
        "cut_before": bool(text[:start].strip()),
        "cut_after": bool(text[end:].strip()),
    }


# An article's page -----------------------------------------------------------------------------------------------


def article_claims(article: Article) -> QuerySet:
    """The article's claims in the order of the text, dismissed ones too, with their speaker and proposals."""
    return (
        article.claims.select_related("speaker")
        .prefetch_related(
            Prefetch(
                "proposals",
                queryset=Proposal.objects.select_related("source", "document").order_by("-score", "pk"),
            )
        )
        .order_by("start")
    )


# The editors' dashboard: plain reads, one query each ------------------------------------------------------------


def backlog_per_state() -> dict[str, int]:
    """Claims not dismissed, by state; every state is there, with 0 where none are."""
    counted = dict.fromkeys(ClaimState.values, 0)
    for row in Claim.objects.not_dismissed().order_by().values("state").annotate(n=Count("pk")):
        counted[row["state"]] = row["n"]
    return counted


def awaiting_approval(*, limit: int = 20):
    """Proposed verdicts waiting for an editor, the longest-waiting first."""
    return (
        Claim.objects.awaiting_approval()
        .select_related("article", "verdict_proposed_by", "assignee")
        .order_by("updated_at", "pk")[:limit]
    )


def awaiting_approval_by(user) -> QuerySet:
    """The proposed verdicts `user` may approve, the longest-waiting first: none without an editor's role, and
    none of their own (the two-person rule, `needs_second_person` in the workflow) unless the desk allows one
    person to approve alone."""
    if not user.is_active or not user.has_perm(workflow.APPROVE):
        return Claim.objects.none()
    claims = Claim.objects.awaiting_approval()
    if not settings.SINGLE_PERSON_APPROVAL:
        claims = claims.exclude(verdict_proposed_by=user)
    return claims.select_related("article", "verdict_proposed_by", "assignee").order_by("updated_at", "pk")


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
        Claim.objects.not_dismissed()
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
        Claim.objects.not_dismissed()
        .filter(duplicate_of__isnull=False)
        .select_related("article", "duplicate_of", "duplicate_of__article")
        .order_by("-created_at", "-pk")[:limit]
    )


def linked_count() -> int:
    return Claim.objects.not_dismissed().filter(duplicate_of__isnull=False).count()
