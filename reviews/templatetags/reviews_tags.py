import datetime

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import ClaimState, ProposalStatus
from claims.proposing.reasons import render
from reviews import selectors, services, workflow
from reviews.models import EventKind
from reviews.refusals import NotPermitted, Refusal

register = template.Library()


def _state_label(value: str) -> str:
    return ClaimState(value).label if value in ClaimState.values else value


@register.simple_tag
def event_summary(event) -> str:
    """One line that says what a history row records, in the reader's language (escaped by the template)."""
    data = event.data or {}
    if event.kind == EventKind.TRANSITION:
        text = _("%(from)s → %(to)s") % {"from": _state_label(event.from_state), "to": _state_label(event.to_state)}
        if event.verdict:
            from claims.models import Verdict

            verdict = Verdict(event.verdict).label if event.verdict in Verdict.values else event.verdict
            text += " · " + _("verdict: %(verdict)s") % {"verdict": verdict}
        return text
    if event.kind == EventKind.ASSIGNED:
        return _("Assigned to %(user)s") % {"user": data.get("assignee") or _("nobody")}
    if event.kind == EventKind.PROPOSAL_DECIDED:
        decision = data.get("decision", "")
        label = ProposalStatus(decision).label if decision in ProposalStatus.values else decision
        return _("Proposal %(decision)s: %(target)s") % {"decision": label, "target": data.get("target", "")}
    if event.kind == EventKind.EVIDENCE_ADDED:
        return _("Evidence added: %(url)s") % {"url": data.get("url", "")}
    if event.kind == EventKind.MERGED:
        return _("Merged with %(ids)s") % {"ids": ", ".join(f"#{pk}" for pk in data.get("merged", []))}
    if event.kind == EventKind.CORRECTED:
        return _("Corrected: %(changes)s") % {"changes": "; ".join(_correction(data))}
    if event.kind == EventKind.UNLINKED and data.get("earlier_claim"):
        return _("Unlinked from the earlier claim #%(id)s") % {"id": data["earlier_claim"]}
    if event.kind == EventKind.DISMISSED and data.get("merged_into"):
        return _("Merged into #%(id)s") % {"id": data["merged_into"]}
    return str(event.get_kind_display())


def _correction(data: dict) -> list[str]:
    labels = {
        "speaker": _("speaker"),
        "cited_outlet": _("cited outlet"),
        "is_direct_quote": _("direct quote"),
        "claim_reviewed": _("claim as reviewed"),
    }

    def shown(field: str, value) -> str:
        if field == "speaker":
            return value["name"] if value else "–"
        if field == "is_direct_quote":
            return _("yes") if value else _("no")
        return value or "–"

    old, new = data.get("old", {}), data.get("new", {})
    return [
        _("%(field)s %(old)s → %(new)s")
        % {"field": labels.get(field, field), "old": shown(field, old.get(field)), "new": shown(field, new.get(field))}
        for field in data.get("fields", [])
    ]


@register.simple_tag
def own_verdict_to_approve(claim, user) -> bool:
    """Whether `user` is an editor who would approve this verdict but may not because they proposed it (the
    two-person rule): the claim page says so where the Approve button would be."""
    if claim.verdict_proposed_by_id != user.pk or not user.has_perm(workflow.APPROVE):
        return False
    try:
        workflow.check(services.situation(claim, user), workflow.Request(action="approve"))
    except NotPermitted:
        return True
    except Refusal:
        return False
    return False


@register.inclusion_tag("reviews/_evidence.html")
def evidence_box(claim_id: int, *, oob: bool = False) -> dict:
    """A claim's evidence box; with `oob`, marked for htmx to swap into the page beside the fragment it answers."""
    return {"evidence_items": selectors.evidence_of(claim_id), "oob": oob}


@register.filter
def duration(value: datetime.timedelta | None) -> str:
    """A duration as days and hours, or hours and minutes when shorter than a day, with localised numbers."""
    if value is None:
        return "–"
    seconds = max(0, int(value.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(days)s d %(hours)s h") % {"days": number_format(days, force_grouping=True), "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


# The extraction stores reasons as codes so that each reader sees them in their own language.
REASON_LABELS = {
    "number": gettext_lazy("number"),
    "date": gettext_lazy("date"),
    "named_speaker": gettext_lazy("named speaker"),
    "cited_outlet": gettext_lazy("cited outlet"),
    "direct_quote": gettext_lazy("direct quote"),
    "reported_speech": gettext_lazy("reported speech"),
    "hedged": gettext_lazy("hedged wording"),
    "opinion_wording": gettext_lazy("opinion wording"),
    "not_analysed": gettext_lazy("not analysed: language"),
    "attribution_failed": gettext_lazy("speaker and quote could not be analysed"),
}


@register.filter
def reason_label(reason: dict) -> str:
    """'number: 412 Millionen Euro' from {"code": "number", "detail": "412 Millionen Euro"}."""
    label = REASON_LABELS.get(reason.get("code", ""), reason.get("code", ""))
    return f"{label}: {reason['detail']}" if reason.get("detail") else str(label)


@register.filter
def proposal_reason(proposal) -> str:
    """Why a proposal was made, in the reader's language; a proposal stored before reasons had codes keeps its text."""
    return render(proposal.reasons) if proposal.reasons else proposal.reason
