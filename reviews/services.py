"""Writes of the review: every one checks who acts, changes its rows and appends to the claim's history in one
transaction. The web app, the API and the admin call these; the rules themselves are in `reviews.workflow`.

A claim's state changes only through `transition`, as a compare-and-set on its version: of two people acting at
once exactly one wins, the other gets `Conflict` and nothing of theirs is written. Every change calls the
`claim_changed` signal once its transaction has committed (the hook for webhooks).

Every refusal is one of `reviews.refusals` (not permitted, wrong state, guard failed, invalid, conflict): the web
app and the API answer them in one place each.

One module for all of them, a little over 400 lines: every write here shares the compare-and-set, the history row
and the situation the rules read, and none is long.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.analysis.documents import visible_or_empty
from claims.models import CORRECTABLE_FIELDS, Claim, ClaimState, Proposal, ProposalStatus, Speaker, SpeakerKind
from claims.registry.rows import HTTP_URL
from claims.services.proposals import request_proposals
from reviews import workflow
from reviews.models import ClaimEvent, Comment, EventKind, Evidence
from reviews.published import default_claim_reviewed
from reviews.refusals import Conflict, GuardFailed, Invalid, Refusal
from reviews.signals import claim_changed
from reviews.snapshots import request_snapshot


def record_event(*, claim: Claim, kind: str, actor, note: str = "", data: dict | None = None, **fields) -> ClaimEvent:
    """Append to the claim's history, and mark the claim as worked on: the extraction leaves it alone from now."""
    claim.touched_at = timezone.now()
    Claim.objects.filter(pk=claim.pk).update(touched_at=claim.touched_at)
    event = ClaimEvent.objects.create(
        claim=claim,
        kind=kind,
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        note=note,
        data=data or {},
        **fields,
    )
    transaction.on_commit(lambda: claim_changed.send(sender=ClaimEvent, event=event))
    return event


def stale_claim() -> Conflict:
    """The conflict of a person who acted on a claim that changed since they looked at it."""
    return Conflict(_("Somebody changed this claim while you were looking at it. Reload and try again."))


def _compare_and_set(claim: Claim, **fields) -> None:
    """Write `fields` and bump the version only if nobody changed the claim since it was read; reload it."""
    updated = Claim.objects.filter(pk=claim.pk, version=claim.version).update(version=F("version") + 1, **fields)
    if not updated:
        raise stale_claim()
    claim.refresh_from_db()


def _claim(claim_id: int, *, lock: bool = False) -> Claim:
    claims = Claim.objects.select_for_update() if lock else Claim.objects
    claim = claims.filter(pk=claim_id).first()
    if claim is None:
        raise Claim.DoesNotExist(f"No claim {claim_id}.")
    return claim


def _permissions(actor) -> frozenset[str]:
    return frozenset(actor.get_all_permissions()) if actor.is_active else frozenset()


def situation(claim: Claim, actor) -> workflow.Situation:
    """What the workflow's rules need to know, read from the claim (its accepted evidence counted)."""
    evidence = getattr(claim, "evidence_count", None)
    if evidence is None:
        # A source alone is a lead, not evidence a verdict rests on.
        evidence = claim.evidence.followable().count()
    return workflow.Situation(
        state=claim.state,
        actor_id=actor.pk,
        permissions=_permissions(actor),
        assignee_id=claim.assignee_id,
        proposer_id=claim.verdict_proposed_by_id,
        verdict=claim.verdict,
        evidence_count=evidence,
        dismissed=claim.dismissed_at is not None,
        single_person_approval=settings.SINGLE_PERSON_APPROVAL,
    )


def allowed_transitions(claim: Claim, actor) -> list[workflow.Transition]:
    return workflow.allowed_transitions(situation(claim, actor))


def allowed_writes(claim: Claim, actor) -> set[str]:
    """The writes of `workflow.WRITES` this person may make on the claim now: the forms a page offers."""
    return workflow.allowed_writes(situation(claim, actor))


def _permitted_claim(claim_id: int, actor, write: str, *, lock: bool = False) -> Claim:
    """The claim, if the workflow's rule for `write` lets this person make it now. With `lock`, the claim's row is
    held until the transaction ends, so that a write that does not change the claim itself (evidence, a
    proposal's decision) cannot slip in beside a transition that does (an approval)."""
    claim = _claim(claim_id, lock=lock)
    workflow.permit(situation(claim, actor), workflow.WRITES[write])
    return claim


@transaction.atomic
def transition(
    *,
    claim_id: int,
    action: str,
    actor,
    version: int | None = None,
    verdict: str = "",
    note: str = "",
    claim_reviewed: str | None = None,
) -> Claim:
    """Move a claim on by `action`. `version` is the version the person saw (a form's hidden field, the API's
    body): if the claim changed since, nothing happens and `Conflict` is raised.

    With the verdict comes `claim_reviewed`, the claim in the words the fact-check publishes it under (blank or
    None: the wording it had, else the sentence without its attribution); it is approved with the verdict. A
    wording that replaces an earlier one is a correction, recorded as one.

    Raises `NotPermitted` (403), `GuardFailed` (400, with field messages), `WrongState` (409: the claim is in
    another state) and `Conflict` (409: somebody acted first).
    """
    claim = _claim(claim_id)
    if version is not None and claim.version != version:
        raise stale_claim()
    outcome = workflow.check(situation(claim, actor), workflow.Request(action=action, verdict=verdict, note=note))
    now = timezone.now()
    writes, wording, earlier_wording = outcome.writes(now=now), {}, claim.claim_reviewed
    if outcome.transition.needs_verdict:
        wording["claim_reviewed"] = writes["claim_reviewed"] = _claim_reviewed(claim, claim_reviewed)
    _compare_and_set(claim, **writes, updated_at=now)
    record_event(
        claim=claim,
        kind=EventKind.TRANSITION,
        actor=actor,
        note=note.strip(),
        from_state=outcome.transition.source,
        to_state=outcome.transition.target,
        verdict=claim.verdict,
        data={"action": outcome.transition.action, "version": claim.version, **wording},
    )
    if wording and earlier_wording and earlier_wording != claim.claim_reviewed:
        record_event(
            claim=claim,
            kind=EventKind.CORRECTED,
            actor=actor,
            data={
                "fields": ["claim_reviewed"],
                "old": {"claim_reviewed": earlier_wording},
                "new": wording,
                "version": claim.version,
            },
        )
    return claim


# The longest "claim as reviewed": a sentence or two, as ClaimReview's claimReviewed shows it.
CLAIM_REVIEWED_LENGTH = 2000
# A rationale, reason, comment or evidence note: the web forms and the API take at most this many characters.
NOTE_LENGTH = 20_000


def _claim_reviewed(claim: Claim, given: str | None) -> str:
    wording = _one_line(given or "")
    if len(wording) > CLAIM_REVIEWED_LENGTH:
        raise Invalid({"claim_reviewed": [_("At most %(count)d characters.") % {"count": CLAIM_REVIEWED_LENGTH}]})
    return wording or claim.claim_reviewed or default_claim_reviewed(claim)


@transaction.atomic
def assign(*, claim_id: int, assignee, actor, version: int | None = None) -> Claim:
    """Give a claim to a reviewer (None: to nobody). Editors assign anyone; a reviewer only takes a free claim
    for themselves (that is `transition(action="take")` for an unverified one)."""
    claim = _permitted_claim(claim_id, actor, "assign")
    if assignee is not None and not assignee.has_perm(workflow.REVIEW):
        raise GuardFailed({"assignee": [_("%(user)s is not a reviewer.") % {"user": assignee}]})
    if version is not None and claim.version != version:
        raise stale_claim()
    assignee_id = assignee.pk if assignee else None
    if assignee_id == claim.assignee_id:
        return claim
    _compare_and_set(claim, assignee_id=assignee_id, updated_at=timezone.now())
    record_event(
        claim=claim,
        kind=EventKind.ASSIGNED,
        actor=actor,
        data={"assignee": assignee.get_username() if assignee else None, "version": claim.version},
    )
    return claim


# The longest speaker name and outlet the columns hold.
NAME_LENGTH = 300


def _one_line(value: str) -> str:
    return " ".join(visible_or_empty(value).split())


@transaction.atomic
def correct_attribution(
    *,
    claim_id: int,
    actor,
    version: int | None = None,
    speaker: str | None = None,
    speaker_kind: str = "",
    cited_outlet: str | None = None,
    is_direct_quote: bool | None = None,
) -> Claim:
    """Put right what the extraction got wrong: who asserts the claim, the outlet it cites, whether it is a direct
    quote. None leaves a field as it is; an empty speaker or outlet clears it. The speaker is a known one if the
    name is a known speaker's name or alias (in any case), else a new speaker of `speaker_kind` (a person unless
    told). Every field changed is listed in `corrected_fields`, which re-running the extraction leaves alone, and
    the history records it with the old and new values; nothing changed, nothing is written. A new speaker or
    outlet names other sources: the claim's sources are proposed again once this commits.

    Raises `NotPermitted` (403), `Invalid` (400, field by field), `WrongState` (409: the claim is approved and must
    be reopened first, or was dismissed) and `Conflict` (409: the claim changed since `version`).
    """
    claim = _permitted_claim(claim_id, actor, "correct")
    if version is not None and claim.version != version:
        raise stale_claim()
    problems: dict[str, list[str]] = {}
    if speaker_kind and speaker_kind not in SpeakerKind.values:
        problems["speaker_kind"] = [_("Choose a person or an organisation.")]
    elif speaker_kind and not _one_line(speaker or ""):
        problems["speaker_kind"] = [_("Give the speaker's name with the kind.")]
    name = None if speaker is None else _one_line(speaker)
    outlet = None if cited_outlet is None else _one_line(cited_outlet)
    for field_name, value in (("speaker", name), ("cited_outlet", outlet)):
        if value is not None and len(value) > NAME_LENGTH:
            problems[field_name] = [_("At most %(count)d characters.") % {"count": NAME_LENGTH}]
    if problems:
        raise Invalid(problems)

    new: dict = {}
    if name is not None:
        found = Speaker.objects.named(name) if name else None
        if found is not None and speaker_kind and speaker_kind != found.kind:
            raise Invalid(
                {
                    "speaker_kind": [
                        _("“%(name)s” is known as: %(kind)s. Leave the kind empty, or ask an admin to change it.")
                        % {"name": found.name, "kind": found.get_kind_display()}
                    ]
                }
            )
        if name and found is None:
            found, _created = Speaker.objects.get_or_create(
                name=name, defaults={"kind": speaker_kind or SpeakerKind.PERSON}
            )
        if (found.pk if found else None) != claim.speaker_id:
            new["speaker"] = found
    if outlet is not None and outlet != claim.cited_outlet:
        new["cited_outlet"] = outlet
    if is_direct_quote is not None and bool(is_direct_quote) != claim.is_direct_quote:
        new["is_direct_quote"] = bool(is_direct_quote)
    if not new:
        return claim

    def shown(field_name: str, value):
        if field_name == "speaker":
            return value and {"id": value.pk, "name": value.name, "kind": value.kind}
        return value

    changed = [field_name for field_name in CORRECTABLE_FIELDS if field_name in new]
    old = {field_name: shown(field_name, getattr(claim, field_name)) for field_name in changed}
    corrected = [f for f in CORRECTABLE_FIELDS if f in changed or f in (claim.corrected_fields or [])]
    _compare_and_set(claim, **new, corrected_fields=corrected, updated_at=timezone.now())
    record_event(
        claim=claim,
        kind=EventKind.CORRECTED,
        actor=actor,
        data={
            "fields": changed,
            "old": old,
            "new": {field_name: shown(field_name, value) for field_name, value in new.items()},
            "version": claim.version,
        },
    )
    if "speaker" in new or "cited_outlet" in new:
        request_proposals(claim_id=claim.pk)
    return claim


@dataclass
class BulkReport:
    """What a bulk action did: the claims it changed, and for each one it skipped, why."""

    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def bulk(*, claim_ids: list[int], write: Callable[[int], object]) -> BulkReport:
    """Apply one write (`transition` or `assign`, given a claim's id) to several claims, each in its own transaction:
    a claim the write refuses is skipped with the reason, the others go on."""
    report = BulkReport()
    for claim_id in dict.fromkeys(claim_ids):
        try:
            write(claim_id)
        except (Refusal, Claim.DoesNotExist) as exc:
            report.skipped[claim_id] = str(exc)
        else:
            report.done.append(claim_id)
    return report


@transaction.atomic
def add_evidence(*, claim_id: int, actor, url: str, note: str = "") -> Evidence:
    """Evidence a reviewer found: a web address and what it shows. Not on an approved claim: what its verdict rests
    on changes only after it is reopened."""
    claim = _permitted_claim(claim_id, actor, "add_evidence", lock=True)
    url = url.strip()
    try:
        HTTP_URL(url)
    except ValidationError:
        raise Invalid({"url": [_("Enter a web address starting with http:// or https://.")]}) from None
    if len(url) > 2000:
        raise Invalid({"url": [_("The address is longer than 2,000 characters.")]})
    # The claim is locked: a form sent twice finds the first one's row here.
    if claim.evidence.filter(url=url).exists():
        raise Invalid({"url": [_("This address is already evidence for this claim.")]})
    evidence = Evidence.objects.create(claim=claim, url=url, note=note.strip(), added_by=actor)
    request_snapshot(evidence=evidence)
    Claim.objects.filter(pk=claim.pk).update(updated_at=timezone.now())
    record_event(claim=claim, kind=EventKind.EVIDENCE_ADDED, actor=actor, note=note.strip(), data={"url": url})
    return evidence


@transaction.atomic
def add_comment(*, claim_id: int, actor, text: str) -> Comment:
    claim = _permitted_claim(claim_id, actor, "comment")
    text = visible_or_empty(text)
    if not text:
        raise Invalid({"text": [_("Write a comment.")]})
    comment = Comment.objects.create(claim=claim, author=actor, text=text)
    Claim.objects.filter(pk=claim.pk).update(updated_at=timezone.now())
    record_event(claim=claim, kind=EventKind.COMMENTED, actor=actor, data={"comment": comment.pk})
    return comment


@transaction.atomic
def dismiss(*, claim_id: int, actor, reason: str, version: int | None = None) -> Claim:
    """Take a sentence out of the queues as not a claim, with the reason; its record stays."""
    claim = _permitted_claim(claim_id, actor, "dismiss")
    reason = visible_or_empty(reason)
    if not reason:
        raise GuardFailed({"note": [_("Give a reason.")]})
    updated = Claim.objects.filter(
        pk=claim.pk, version=claim.version if version is None else version, dismissed_at__isnull=True
    ).update(dismissed_at=timezone.now(), dismissal_reason=reason, version=F("version") + 1, updated_at=timezone.now())
    if not updated:
        raise stale_claim()
    claim.refresh_from_db()
    record_event(claim=claim, kind=EventKind.DISMISSED, actor=actor, note=reason)
    return claim


@transaction.atomic
def restore(*, claim_id: int, actor) -> Claim:
    """Undo a dismissal: the sentence is a claim after all."""
    claim = _permitted_claim(claim_id, actor, "restore")
    updated = Claim.objects.filter(pk=claim.pk, version=claim.version, dismissed_at__isnull=False).update(
        dismissed_at=None, dismissal_reason="", version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise stale_claim()
    claim.refresh_from_db()
    record_event(claim=claim, kind=EventKind.RESTORED, actor=actor)
    return claim


@transaction.atomic
def unlink_duplicate(*, claim_id: int, actor, reason: str, version: int | None = None) -> Claim:
    """Undo a near-duplicate link the proposals made: the earlier claim's verdict does not apply here, for the
    reason given. The claim is not linked again without asking."""
    claim = _permitted_claim(claim_id, actor, "unlink_duplicate")
    if claim.duplicate_of_id is None:
        raise GuardFailed({"action": [_("This claim is not linked to an earlier one.")]})
    reason = visible_or_empty(reason)
    if not reason:
        raise GuardFailed({"note": [_("Give a reason.")]})
    earlier = claim.duplicate_of_id
    updated = Claim.objects.filter(
        pk=claim.pk, version=claim.version if version is None else version, duplicate_of_id=earlier
    ).update(
        duplicate_of=None,
        duplicate_unlinked_at=timezone.now(),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        raise stale_claim()
    claim.refresh_from_db()
    record_event(claim=claim, kind=EventKind.UNLINKED, actor=actor, note=reason, data={"earlier_claim": earlier})
    return claim


@transaction.atomic
def add_claim(*, article_id: int, start: int, end: int, actor) -> Claim:
    """A claim the extractor missed, marked by a reviewer on the article's text (character offsets). A passage
    that is a claim already is refused as such, also when somebody adds it at the same moment."""
    from claims.models import Article

    # The rules of working on a claim, for the claim as it will be: unverified and nobody's.
    new = workflow.Situation(state=ClaimState.UNVERIFIED, actor_id=actor.pk, permissions=_permissions(actor))
    workflow.permit(new, workflow.WRITES["add_claim"])
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        raise Article.DoesNotExist(f"No article {article_id}.")
    problems = {}
    if not (0 <= start < end <= len(article.text)):
        problems["start"] = [_("Select a passage of the article's text.")]
    else:
        # Keep the selection's own words: drop the blanks around it.
        text = article.text[start:end]
        start += len(text) - len(text.lstrip())
        end -= len(text) - len(text.rstrip())
        if end <= start:
            problems["start"] = [_("Select a passage of the article's text.")]
        elif article.claims.filter(start=start, end=end).exists():
            problems["start"] = [_("This passage is already a claim.")]
    if problems:
        raise Invalid(problems)
    try:
        # Whoever adds the same passage at the same moment and commits first wins its unique span.
        with transaction.atomic():
            claim = Claim.objects.create(
                article=article, start=start, end=end, text=article.text[start:end], language=article.language
            )
    except IntegrityError:
        raise Invalid({"start": [_("This passage is already a claim.")]}) from None
    record_event(claim=claim, kind=EventKind.ADDED, actor=actor, data={"start": start, "end": end})
    request_proposals(claim_id=claim.pk)
    return claim


@transaction.atomic
def propose_again(*, claim_id: int, actor) -> bool:
    """Ask for the claim's sources to be proposed again; False if a run is going on right now. It asks the machine
    for work and changes nothing of the record, so it writes no history (and leaves the claim untouched)."""
    claim = _permitted_claim(claim_id, actor, "propose_again")
    return request_proposals(claim_id=claim.pk)


@transaction.atomic
def merge(*, claim_ids: list[int], actor, reason: str = "") -> Claim:
    """Join claims of one article that the extractor split: the first one grows to cover them all (its review
    record stays), the others are dismissed as merged into it."""
    claims = list(Claim.objects.filter(pk__in=claim_ids).select_related("article").order_by("start"))
    for claim in claims:
        workflow.permit(situation(claim, actor), workflow.WRITES["merge"])
    if len(claims) < 2 or len(claims) != len(set(claim_ids)):
        raise Invalid({"claims": [_("Choose two or more claims to merge.")]})
    if len({c.article_id for c in claims}) != 1:
        raise Invalid({"claims": [_("Only claims of the same article can be merged.")]})
    keep, others = claims[0], claims[1:]
    start, end = keep.start, max(c.end for c in claims)
    now = timezone.now()
    for other in others:
        updated = Claim.objects.filter(pk=other.pk, version=other.version).update(
            dismissed_at=now,
            dismissal_reason=_("merged into claim %(id)s") % {"id": keep.pk},
            version=F("version") + 1,
            updated_at=now,
        )
        if not updated:
            raise Conflict(_("Somebody changed one of these claims. Reload and try again."))
        record_event(
            claim=other, kind=EventKind.DISMISSED, actor=actor, note=reason.strip(), data={"merged_into": keep.pk}
        )
    updated = Claim.objects.filter(pk=keep.pk, version=keep.version).update(
        end=end, text=keep.article.text[start:end], version=F("version") + 1, updated_at=now
    )
    if not updated:
        raise Conflict(_("Somebody changed one of these claims. Reload and try again."))
    keep.refresh_from_db()
    record_event(
        claim=keep, kind=EventKind.MERGED, actor=actor, note=reason.strip(), data={"merged": [c.pk for c in others]}
    )
    return keep


@transaction.atomic
def decide_proposal(*, proposal_id: int, actor, accept: bool, note: str = "") -> Proposal:
    """Accept a proposal (it becomes evidence for its claim) or reject it (it stays out of future runs).

    A proposal is decided once: a second decision, by anyone, raises Conflict and changes nothing. Not on an
    approved claim: what its verdict rests on changes only after it is reopened.
    """
    claim_id = Proposal.objects.filter(pk=proposal_id).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise Conflict(_("This proposal has already been decided, or it no longer exists."))
    _permitted_claim(claim_id, actor, "decide_proposal", lock=True)
    status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    decided = Proposal.objects.filter(pk=proposal_id, status=ProposalStatus.PROPOSED).update(
        status=status, decided_at=timezone.now()
    )
    if not decided:
        raise Conflict(_("This proposal has already been decided, or it no longer exists."))
    proposal = Proposal.objects.select_related("claim").get(pk=proposal_id)
    if accept:
        evidence = Evidence.objects.create(
            claim=proposal.claim, proposal=proposal, note=note, added_by=actor, **Evidence.fields_of(proposal)
        )
        request_snapshot(evidence=evidence)
    record_event(
        claim=proposal.claim,
        kind=EventKind.PROPOSAL_DECIDED,
        actor=actor,
        note=note,
        data={"proposal": proposal.pk, "decision": status, "method": proposal.method, "target": str(proposal.target)},
    )
    return proposal
