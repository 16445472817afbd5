"""The reads of what a desk has published: a fact-check as readers see it on its public page, in its ClaimReview and
in the feed. Only approved verdicts are published; a claim reopened for correction stays published with the verdict
approved last (and says it is under correction), never with what is being reviewed again.

What was published is the claim's own fields while it is approved; while it is under correction, the history: the
last approval, and the proposal it approved (its rationale and its wording, `claim_reviewed`).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.text import slugify

from claims.analysis.wording import without_attribution
from claims.models import Claim, ClaimState
from reviews.models import ClaimEvent, EventKind, Evidence

# The longest slug in a fact-check's address; the id before it is what the address stands on.
SLUG_LENGTH = 60


def default_claim_reviewed(claim: Claim) -> str:
    """The wording a fact-check starts from: the sentence without the clause that attributes it."""
    return without_attribution(claim.text, claim.language or claim.article.language)


@dataclass(frozen=True)
class Publication:
    """One approval: the verdict, and the rationale and wording it approved."""

    at: datetime.datetime
    verdict: str
    rationale: str
    claim_reviewed: str


@dataclass(frozen=True)
class Correction:
    """A published verdict reopened, with the editor's reason, and the verdict approved after it (none yet: the
    correction is under way)."""

    reopened_at: datetime.datetime
    reason: str
    before: Publication | None
    after: Publication | None


@dataclass(frozen=True)
class Source:
    """A piece of evidence as a reader follows it: a title, an address (empty where there is none), what it shows."""

    title: str
    url: str
    note: str


@dataclass(frozen=True)
class FactCheck:
    claim: Claim
    verdict: str
    rationale: str
    claim_reviewed: str
    # First published, and the latest approval (later than the first after a correction).
    first_published_at: datetime.datetime
    approved_at: datetime.datetime
    under_correction: bool
    corrections: list[Correction] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slug_of(self.claim_reviewed)

    @property
    def speaker(self) -> str:
        claim = self.claim
        return claim.speaker.name if claim.speaker else claim.cited_outlet


def slug_of(text: str) -> str:
    slug = slugify(text)[:SLUG_LENGTH].strip("-")
    return slug or "factcheck"


def published_claims() -> QuerySet[Claim]:
    """Claims with a published verdict: approved, or reopened for correction after an approval."""
    return Claim.objects.published()


def public_address(claim: Claim) -> str:
    """The absolute address of a published claim's page (its short form, which leads to the page)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("public:factcheck-short", args=[claim.pk])


def latest_factchecks(*, limit: int) -> list[FactCheck]:
    """The fact-checks approved last, newest first (the feed)."""
    claims = published_claims().filter(approved_at__isnull=False).order_by("-approved_at", "-pk")[:limit]
    return [_factcheck(claim) for claim in _with_record(claims)]


def factcheck(claim_id: int) -> FactCheck | None:
    """The published fact-check of one claim; None when the claim has none (not approved, or no such claim)."""
    claim = _with_record(published_claims().filter(pk=claim_id)).first()
    return _factcheck(claim) if claim is not None else None


def claim_factcheck(claim: Claim) -> FactCheck:
    """The fact-check of a claim known to be approved (the API's ClaimReview), from the claim as it was read."""
    return _factcheck(claim)


def _with_record(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return claims.select_related("article", "speaker").prefetch_related(
        Prefetch(
            "events",
            queryset=ClaimEvent.objects.filter(kind=EventKind.TRANSITION).order_by("created_at", "pk"),
            to_attr="transitions",
        ),
        Prefetch(
            "evidence",
            queryset=Evidence.objects.select_related(
                "proposal__document__source", "proposal__source", "proposal__earlier_claim"
            ).order_by("created_at", "pk"),
            to_attr="published_evidence",
        ),
    )


def _factcheck(claim: Claim) -> FactCheck:
    transitions = getattr(claim, "transitions", None)
    if transitions is None:
        transitions = list(claim.events.filter(kind=EventKind.TRANSITION).order_by("created_at", "pk"))
    publications, corrections = _history(claim, transitions)
    under_correction = claim.state != ClaimState.APPROVED
    if under_correction:
        last = publications[-1] if publications else None
        verdict = claim.verdict_under_correction
        rationale = last.rationale if last else claim.verdict_rationale
        wording = last.claim_reviewed if last and last.claim_reviewed else ""
    else:
        verdict, rationale, wording = claim.verdict, claim.verdict_rationale, claim.claim_reviewed
    approved_at = claim.approved_at or (publications[-1].at if publications else claim.updated_at)
    evidence = getattr(claim, "published_evidence", None)
    if evidence is None:
        evidence = list(claim.evidence.select_related("proposal__document__source", "proposal__source"))
    return FactCheck(
        claim=claim,
        verdict=verdict,
        rationale=rationale,
        claim_reviewed=wording or default_claim_reviewed(claim),
        first_published_at=publications[0].at if publications else approved_at,
        approved_at=approved_at,
        under_correction=under_correction,
        corrections=corrections,
        # What the published verdict rests on: evidence added while the claim is reviewed again is not approved yet.
        sources=[_source(item) for item in evidence if item.created_at <= approved_at],
    )


def _history(claim: Claim, transitions: list[ClaimEvent]) -> tuple[list[Publication], list[Correction]]:
    publications: list[Publication] = []
    corrections: list[Correction] = []
    proposed = ("", "")
    for event in transitions:
        action = (event.data or {}).get("action")
        if action == "propose":
            proposed = (event.note, (event.data or {}).get("claim_reviewed", ""))
        elif action == "approve":
            publication = Publication(event.created_at, event.verdict, *proposed)
            publications.append(publication)
            if corrections and corrections[-1].after is None:
                last = corrections[-1]
                corrections[-1] = Correction(last.reopened_at, last.reason, last.before, publication)
        elif action == "reopen":
            before = publications[-1] if publications else None
            corrections.append(Correction(event.created_at, event.note, before, None))
    return publications, corrections


def followable(url: str) -> str:
    """`url` if a reader's browser can follow it safely (http or https), else nothing: the page links no
    `javascript:` or `data:` address, wherever one came from (an outside fact-check search, an import)."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def _source(evidence: Evidence) -> Source:
    found = _found(evidence)
    return Source(title=found.title, url=followable(found.url), note=found.note)


def _found(evidence: Evidence) -> Source:
    proposal = evidence.proposal
    if proposal is None:
        return Source(title=evidence.url, url=evidence.url, note=evidence.note)
    if proposal.document_id:
        document = proposal.document
        title = f"{document.source.name}: {document.title}" if document.source_id else document.title
        return Source(title=title, url=evidence.url or document.url, note=evidence.note)
    if proposal.source_id:
        source = proposal.source
        url = evidence.url or (f"https://{source.domain}/" if source.domain else "")
        return Source(title=source.name, url=url, note=evidence.note)
    if proposal.earlier_claim_id:
        # An earlier claim the desk published a verdict on: the reader follows it to that fact-check's page.
        earlier = proposal.earlier_claim
        url = evidence.url or (public_address(earlier) if earlier.is_published else "")
        return Source(title=earlier.claim_reviewed or earlier.text, url=url, note=evidence.note)
    return Source(title=proposal.external_title or proposal.external_url, url=proposal.external_url, note=evidence.note)
