"""A claim's page: the sentence in its article, the actions this person may take, proposals, evidence, comments
and history; and the fragment that shows the background work while it runs."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from claims.models import Claim, WorkStatus
from reviews import forms, selectors, services
from reviews.forms import TransitionForm
from reviews.visibility import ClaimVisibility

BUSY = (WorkStatus.PENDING, WorkStatus.RUNNING)


def is_busy(claim: Claim) -> bool:
    return claim.article.extraction_status in BUSY or claim.proposals_status in BUSY


def get_claim(pk: int) -> Claim:
    claim = selectors.claim_page(pk)
    if claim is None:
        raise Http404(_("No such claim."))
    return claim


def render_claim(
    request, claim: Claim, *, status: int = 200, errors: dict | None = None, forms_data: dict | None = None
):
    """The claim's page; `errors` and `forms_data` show a form the rules turned down with what was sent."""
    # The filters of the list the person came from travel in the query string.
    data = request.GET.copy()
    for name in ("page", "next"):
        data.pop(name, None)
    found = selectors.neighbours(data, request=request, claim_id=claim.pk)
    previous, following = found or (None, None)
    allowed = services.allowed_transitions(claim, request.user)
    # The page offers the forms the workflow's rule lets this person use now, and no other.
    writes = services.allowed_writes(claim, request.user)
    errors = errors or {}
    forms_data = forms_data or {}
    actions = []
    for transition in allowed:
        data_shown = forms_data if forms_data.get("action") == transition.action else None
        actions.append({"transition": transition, "data": data_shown, "errors": errors.get(transition.action, {})})
    # The api-client role reads the published record only, as a read-scope key does in the API.
    visible = ClaimVisibility.for_user(request.user)
    proposals = visible.proposals(claim) or []
    context = {
        "claim": claim,
        "visible": visible,
        "verdict": visible.verdict(claim),
        "rationale": visible.rationale(claim),
        "events": visible.events(claim),
        "article": claim.article,
        "text": selectors.context_of(claim),
        "actions": actions,
        "proposals": proposals,
        "earlier": [p for p in proposals if p.earlier_claim_id],
        "evidence_form": forms_data.get("evidence_form") or forms.EvidenceForm(),
        "comment_form": forms_data.get("comment_form") or forms.CommentForm(),
        "attribution_form": forms_data.get("attribution_form") or forms.AttributionForm.of(claim),
        "writes": writes,
        "dismiss_errors": errors.get("dismiss", {}),
        "verdicts": TransitionForm.base_fields["verdict"].choices[1:],
        "previous": previous,
        "following": following,
        "query": data.urlencode() if found is not None else "",
        "busy": is_busy(claim),
        "can_decide": "decide_proposal" in writes,
        # Lazy: only read when the assign form is shown (editors).
        "reviewers": selectors.reviewers(),
    }
    return render(request, "reviews/claim_detail.html", context, status=status)


@login_required
@permission_required("claims.view_claim", raise_exception=True)
@require_GET
def claim_detail(request, pk):
    return render_claim(request, get_claim(pk))


@login_required
@permission_required("claims.view_claim", raise_exception=True)
@require_GET
def claim_work(request, pk):
    """The background work's status, polled by the claim page while it runs (the fragment stops the polling); the
    proposals' progress and errors are the review's, not the published record's."""
    if not ClaimVisibility.for_user(request.user).internal:
        raise PermissionDenied
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    busy = is_busy(claim)
    return render(
        request,
        "reviews/_work.html",
        {"claim": claim, "article": claim.article, "busy": busy, "finished": not busy and "polling" in request.GET},
    )
