"""The reviewers' web app: the claim queues with their bulk actions, the claim page and its actions, the actions
of the article page (add, dismiss, merge claims) and the editors' dashboard.

Every change is a plain form POST that calls one service and redirects back with a message; htmx only swaps
fragments where it is there. The services check who may do what: a refusal is a 403 page, a form the rules
turn down shows the rule's messages on the form, and a claim somebody changed meanwhile is a message telling to
reload (409 for htmx requests).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from claims.filters import ClaimFilter
from claims.models import Article, Claim, ClaimState, ClaimStatus, Proposal, WorkStatus, status_filter
from claims.services.proposals import request_proposals
from reviews import dashboard as figures
from reviews import forms, services, workflow
from reviews.forms import BulkForm, TransitionForm
from reviews.models import ClaimEvent, Comment, Evidence

PER_PAGE = 50
# "My queue": the claims still open for their assignee.
OPEN_STATES = (ClaimState.UNVERIFIED, ClaimState.IN_REVIEW, ClaimState.VERDICT_PROPOSED)
BUSY = (WorkStatus.PENDING, WorkStatus.RUNNING)
# How much of the article the claim page shows around the sentence, in characters on each side.
CONTEXT_CHARS = 400


def with_evidence_count(queryset):
    """Annotate the evidence count that `services.situation` reads, so listing allowed actions costs no query."""
    count = Evidence.objects.filter(claim=OuterRef("pk")).order_by().values("claim").annotate(n=Count("pk")).values("n")
    return queryset.annotate(accepted_evidence_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)))


def forbidden(request, exc):
    """The 403 page, with the reason the rules gave."""
    if isinstance(exc, workflow.WorkflowError):
        reasons = [str(m) for ms in exc.messages.values() for m in ms]
    else:
        reasons = [str(exc)] if str(exc) else []
    if request.htmx:
        return HttpResponse(" ".join(reasons) or _("You may not do this."), status=403, content_type="text/plain")
    return render(request, "reviews/forbidden.html", {"reasons": reasons}, status=403)


def conflict(request, exc, back: str):
    """Somebody else acted first: say so, and send the person back to the page to reload it."""
    message = str(exc) or _("Somebody changed this claim while you were looking at it. Reload and try again.")
    if request.htmx:
        return HttpResponse(message, status=409, content_type="text/plain")
    messages.error(request, message)
    return redirect(back)


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


# The queues ------------------------------------------------------------------------------------------------------


def _queue_filter(request, data: QueryDict) -> ClaimFilter:
    claim_filter = ClaimFilter(
        data,
        request=request,
        queryset=with_evidence_count(Claim.objects.select_related("article", "speaker", "assignee", "duplicate_of")),
    )
    # Checkboxes read better than multi-selects for the few states, statuses and verdicts.
    form = claim_filter.form
    for name in ("state", "status", "verdict"):
        form.fields[name].widget = forms.forms.CheckboxSelectMultiple(choices=form.fields[name].choices)
    for name in ("created_after", "created_before"):
        form.fields[name].widget = forms.forms.DateInput(attrs={"type": "date"})
    return claim_filter


def _counts(queryset) -> tuple[list, list]:
    """Claims per state and per status among those the filters let through: one query."""
    queryset = queryset.order_by()
    aggregates = {f"state_{s}": Count("pk", filter=Q(state=s)) for s in ClaimState.values}
    aggregates.update({f"status_{s}": Count("pk", filter=status_filter(s)) for s in ClaimStatus.values})
    row = queryset.aggregate(**aggregates)
    states = [(state, label, row[f"state_{state}"]) for state, label in ClaimState.choices]
    statuses = [(status, label, row[f"status_{status}"]) for status, label in ClaimStatus.choices]
    return states, statuses


def _narrowed(data: QueryDict, name: str, value: str) -> str:
    """The query string of these filters with `name` set to `value` alone (state and status replace each other)."""
    narrowed = data.copy()
    for other in ("state", "status", "page"):
        narrowed.pop(other, None)
    narrowed[name] = value
    return narrowed.urlencode()


def _claim_list(request, *, mine: bool):
    data = request.GET.copy()
    data.pop("page", None)
    if mine:
        data["assignee"] = "me"
        if not data.getlist("state") and not data.getlist("status"):
            data.setlist("state", list(OPEN_STATES))
    claim_filter = _queue_filter(request, data)
    # A hand-edited link with a bad value shows the errors and no claims rather than every claim.
    queryset = claim_filter.qs if claim_filter.is_valid() else Claim.objects.none()
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    states, statuses = _counts(queryset) if claim_filter.is_valid() else ([], [])
    states = [(value, label, count, _narrowed(data, "state", value)) for value, label, count in states]
    statuses = [(value, label, count, _narrowed(data, "status", value)) for value, label, count in statuses]
    rows = [(claim, services.allowed_transitions(claim, request.user)) for claim in page]
    bulk_actions = {}
    for _claim, allowed in rows:
        for transition in allowed:
            if not transition.needs_verdict:
                bulk_actions[transition.action] = transition
    query = data.urlencode()
    link_query = request.GET.copy()
    link_query.pop("page", None)
    link = request.path + (f"?{link_query.urlencode()}" if link_query else "")
    context = {
        "mine": mine,
        "filter": claim_filter,
        "page": page,
        "rows": rows,
        "states": states,
        "statuses": statuses,
        "query": query,
        "page_query": f"{query}&" if query else "",
        "saved_link": request.build_absolute_uri(link),
        "bulk_actions": list(bulk_actions.values()),
        "can_assign": request.user.has_perm(workflow.ASSIGN),
        "bulk_form": BulkForm(),
        "list_url": request.get_full_path(),
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "reviews/_results.html", context)
    return render(request, "reviews/claim_list.html", context)


@login_required
@permission_required("claims.view_claim", raise_exception=True)
@require_GET
def my_queue(request):
    return _claim_list(request, mine=True)


@login_required
@permission_required("claims.view_claim", raise_exception=True)
@require_GET
def claim_list(request):
    return _claim_list(request, mine=False)


@login_required
@require_POST
def bulk(request):
    back = safe_next(request, reverse("reviews:claim-list"))
    form = BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    action = form.cleaned_data["action"]
    ids = form.cleaned_data["claims"]
    if action == "assign" and not request.user.has_perm(workflow.ASSIGN):
        return forbidden(request, PermissionDenied(_("Only editors assign claims.")))
    report = services.bulk(
        claim_ids=ids,
        actor=request.user,
        action=action,
        assignee=form.cleaned_data["assignee"],
        note=form.cleaned_data["note"],
    )
    label = dict(forms.BULK_ACTIONS)[action]
    if report.done:
        messages.success(
            request,
            ngettext(
                "%(action)s: done for %(count)d claim (%(ids)s).",
                "%(action)s: done for %(count)d claims (%(ids)s).",
                len(report.done),
            )
            % {"action": label, "count": len(report.done), "ids": ", ".join(f"#{pk}" for pk in report.done)},
        )
    else:
        messages.warning(request, _("%(action)s: no claim was changed.") % {"action": label})
    for pk, reason in report.skipped.items():
        messages.warning(request, _("Skipped claim #%(id)s: %(reason)s") % {"id": pk, "reason": reason})
    return redirect(back)


# The claim page --------------------------------------------------------------------------------------------------


def claim_queryset():
    return with_evidence_count(
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
                queryset=Proposal.objects.select_related(
                    "document", "document__source", "source", "earlier_claim", "earlier_claim__article"
                ).order_by("-score", "pk"),
            ),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related(
                    "added_by", "proposal", "proposal__document", "proposal__source", "proposal__earlier_claim"
                ),
            ),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
            Prefetch("events", queryset=ClaimEvent.objects.order_by("created_at", "pk")),
        )
    )


def context_of(claim: Claim) -> dict:
    """The sentence with the article text around it (not the whole article), cut at blanks."""
    text = claim.article.text
    start = max(0, claim.start - CONTEXT_CHARS)
    end = min(len(text), claim.end + CONTEXT_CHARS)
    if start > 0:
        blank = text.find(" ", start, claim.start)
        start = blank + 1 if blank != -1 else start
    if end < len(text):
        blank = text.rfind(" ", claim.end, end)
        end = blank if blank != -1 else end
    return {
        "before": text[start : claim.start],
        "sentence": text[claim.start : claim.end],
        "after": text[claim.end : end],
        "cut_before": start > 0,
        "cut_after": end < len(text),
    }


def neighbours(request, claim: Claim) -> tuple[int | None, int | None, str]:
    """The previous and next claim in the list the person came from (its filters travel in the query string)."""
    data = request.GET.copy()
    for name in ("page", "next"):
        data.pop(name, None)
    claim_filter = ClaimFilter(data, request=request, queryset=Claim.objects.all())
    if not claim_filter.is_valid():
        return None, None, ""
    ids = list(claim_filter.qs.values_list("pk", flat=True))
    try:
        position = ids.index(claim.pk)
    except ValueError:
        return None, None, data.urlencode()
    previous = ids[position - 1] if position > 0 else None
    following = ids[position + 1] if position + 1 < len(ids) else None
    return previous, following, data.urlencode()


def render_claim(
    request, claim: Claim, *, status: int = 200, errors: dict | None = None, forms_data: dict | None = None
):
    previous, following, query = neighbours(request, claim)
    allowed = services.allowed_transitions(claim, request.user)
    errors = errors or {}
    forms_data = forms_data or {}
    actions = []
    for transition in allowed:
        data = forms_data if forms_data.get("action") == transition.action else None
        actions.append({"transition": transition, "data": data, "errors": errors.get(transition.action, {})})
    proposals = list(claim.proposals.all())
    context = {
        "claim": claim,
        "article": claim.article,
        "text": context_of(claim),
        "actions": actions,
        "proposals": proposals,
        "earlier": [p for p in proposals if p.earlier_claim_id],
        "evidence_form": forms_data.get("evidence_form") or forms.EvidenceForm(),
        "comment_form": forms_data.get("comment_form") or forms.CommentForm(),
        "attribution_form": forms_data.get("attribution_form") or forms.AttributionForm.of(claim),
        "can_correct": services.may_correct(claim, request.user),
        "dismiss_errors": errors.get("dismiss", {}),
        "verdicts": TransitionForm.base_fields["verdict"].choices[1:],
        "previous": previous,
        "following": following,
        "query": query,
        "busy": claim.article.extraction_status in BUSY or claim.proposals_status in BUSY,
        "can_decide": request.user.has_perm("claims.change_proposal"),
        "can_review": request.user.has_perm(workflow.REVIEW),
        # Lazy: only read when the assign form is shown (editors).
        "reviewers": forms.reviewers(),
    }
    return render(request, "reviews/claim_detail.html", context, status=status)


def get_claim(pk: int) -> Claim:
    claim = claim_queryset().filter(pk=pk).first()
    if claim is None:
        raise Http404(_("No such claim."))
    return claim


def claim_url(request, pk: int) -> str:
    url = reverse("reviews:claim-detail", args=[pk])
    query = request.POST.get("query", "")
    return f"{url}?{query}" if query else url


@login_required
@permission_required("claims.view_claim", raise_exception=True)
@require_GET
def claim_detail(request, pk):
    return render_claim(request, get_claim(pk))


@login_required
@permission_required("claims.view_claim", raise_exception=True)
@require_GET
def claim_work(request, pk):
    """The background work's status, polled by the claim page while it runs (the fragment stops the polling)."""
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    busy = claim.article.extraction_status in BUSY or claim.proposals_status in BUSY
    return render(
        request,
        "reviews/_work.html",
        {"claim": claim, "article": claim.article, "busy": busy, "finished": not busy and "polling" in request.GET},
    )


@login_required
@require_POST
def claim_transition(request, pk):
    back = claim_url(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete. Reload the page and try again."))
        return redirect(back)
    data = form.cleaned_data
    try:
        services.transition(
            claim_id=pk,
            action=data["action"],
            actor=request.user,
            version=data["version"],
            verdict=data["verdict"],
            note=data["note"],
        )
    except Claim.DoesNotExist:
        raise Http404(_("No such claim.")) from None
    except workflow.NotPermitted as exc:
        return forbidden(request, exc)
    except services.Conflict as exc:
        return conflict(request, exc, back)
    except workflow.GuardFailed as exc:
        claim = get_claim(pk)
        return render_claim(
            request,
            claim,
            status=400,
            errors={data["action"]: exc.messages},
            forms_data={"action": data["action"], "verdict": data["verdict"], "note": data["note"]},
        )
    label = workflow.TRANSITIONS[data["action"]].label
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    return redirect(back)


@login_required
@require_POST
def claim_assign(request, pk):
    back = claim_url(request, pk)
    username = request.POST.get("assignee", "")
    assignee = forms.reviewers().filter(username=username).first() if username else None
    if username and assignee is None:
        messages.error(request, _("%(user)s is not a reviewer.") % {"user": username})
        return redirect(back)
    version = request.POST.get("version", "")
    try:
        services.assign(
            claim_id=pk, assignee=assignee, actor=request.user, version=int(version) if version.isdigit() else None
        )
    except Claim.DoesNotExist:
        raise Http404(_("No such claim.")) from None
    except workflow.NotPermitted as exc:
        return forbidden(request, exc)
    except workflow.GuardFailed as exc:
        messages.error(request, str(exc))
        return redirect(back)
    except services.Conflict as exc:
        return conflict(request, exc, back)
    messages.success(request, _("Assigned to %(user)s.") % {"user": assignee or _("nobody")})
    return redirect(back)


@login_required
@require_POST
def decide_proposal(request, pk):
    proposal = get_object_or_404(Proposal.objects.select_related("claim"), pk=pk)
    back = claim_url(request, proposal.claim_id)
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        if request.htmx:
            return HttpResponse(_("Choose accept or reject."), status=400, content_type="text/plain")
        messages.error(request, _("Choose accept or reject."))
        return redirect(back)
    accept = decision == "accept"
    try:
        services.decide_proposal(proposal_id=pk, actor=request.user, accept=accept, note=request.POST.get("note", ""))
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except services.Conflict as exc:
        return conflict(request, exc, back)
    if request.htmx:
        proposal = Proposal.objects.select_related(
            "document", "document__source", "source", "earlier_claim", "earlier_claim__article"
        ).get(pk=pk)
        return render(
            request,
            "reviews/_proposal.html",
            {"proposal": proposal, "can_decide": True, "query": request.POST.get("query", "")},
        )
    messages.success(request, _("Proposal accepted as evidence.") if accept else _("Proposal rejected."))
    return redirect(back)


def _claim_form(request, pk, form, write, done: str, form_name: str):
    """A form on the claim page that adds something through a service: back to the page with `done`, or the page
    again with the service's field errors on the form."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except Claim.DoesNotExist:
            raise Http404(_("No such claim.")) from None
        except PermissionDenied as exc:
            return forbidden(request, exc)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, done)
            return redirect(claim_url(request, pk))
    return render_claim(request, get_claim(pk), status=400, forms_data={form_name: form})


@login_required
@require_POST
def add_evidence(request, pk):
    return _claim_form(
        request,
        pk,
        forms.EvidenceForm(request.POST),
        lambda data: services.add_evidence(claim_id=pk, actor=request.user, **data),
        _("Evidence added."),
        "evidence_form",
    )


@login_required
@require_POST
def add_comment(request, pk):
    return _claim_form(
        request,
        pk,
        forms.CommentForm(request.POST),
        lambda data: services.add_comment(claim_id=pk, actor=request.user, text=data["text"]),
        _("Comment added."),
        "comment_form",
    )


@login_required
@require_POST
def correct_attribution(request, pk):
    """Speaker, cited outlet and quote flag put right. htmx gets the corrected facts back (or the refusal as text),
    a plain POST the page."""
    back = claim_url(request, pk)
    form = forms.AttributionForm(request.POST)
    if not form.is_valid() and "version" in form.errors:
        if request.htmx:
            return HttpResponse(
                _("The form was incomplete. Reload the page and try again."), status=400, content_type="text/plain"
            )
        messages.error(request, _("The form was incomplete. Reload the page and try again."))
        return redirect(back)
    if form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.correct_attribution(claim_id=pk, actor=request.user, **data)
        except Claim.DoesNotExist:
            raise Http404(_("No such claim.")) from None
        except workflow.NotPermitted as exc:
            return forbidden(request, exc)
        except services.Conflict as exc:
            return conflict(request, exc, back)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            changed = claim.version != data["version"]
            outcome = _("Correction saved.") if changed else _("Nothing was changed.")
            if request.htmx:
                claim = with_evidence_count(Claim.objects.select_related("speaker", "duplicate_of")).get(pk=pk)
                return render(
                    request,
                    "reviews/_attribution.html",
                    {
                        "claim": claim,
                        "attribution_form": forms.AttributionForm.of(claim),
                        "can_correct": services.may_correct(claim, request.user),
                        "query": request.POST.get("query", ""),
                        "outcome": outcome,
                    },
                )
            (messages.success if changed else messages.info)(request, outcome)
            return redirect(back)
    if request.htmx:
        reasons = [
            f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
            for name, errors in form.errors.items()
            for error in errors
        ]
        return HttpResponse(" ".join(reasons), status=400, content_type="text/plain")
    return render_claim(request, get_claim(pk), status=400, forms_data={"attribution_form": form})


@login_required
@require_POST
def propose_again(request, pk):
    back = claim_url(request, pk)
    if not request.user.has_perm(workflow.REVIEW):
        return forbidden(request, PermissionDenied(_("Your role does not allow this.")))
    get_object_or_404(Claim, pk=pk)
    if request_proposals(claim_id=pk):
        messages.success(request, _("Sources are being proposed again."))
    else:
        messages.info(request, _("Sources are being proposed right now."))
    return redirect(back)


# The article page's actions (the page itself is claims.views.article_detail) -----------------------------------


@login_required
@require_POST
def dismiss(request, pk):
    claim = get_object_or_404(Claim, pk=pk)
    back = safe_next(request, claim_url(request, pk))
    form = forms.DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason why this is not a claim."))
        return redirect(back)
    try:
        services.dismiss(
            claim_id=pk, actor=request.user, reason=form.cleaned_data["reason"], version=form.cleaned_data["version"]
        )
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except workflow.GuardFailed as exc:
        messages.error(request, str(exc))
        return redirect(back)
    except services.Conflict as exc:
        return conflict(request, exc, back)
    messages.success(request, _("Claim #%(id)s dismissed as not a claim.") % {"id": claim.pk})
    return redirect(back)


@login_required
@require_POST
def restore(request, pk):
    get_object_or_404(Claim, pk=pk)
    back = safe_next(request, claim_url(request, pk))
    try:
        services.restore(claim_id=pk, actor=request.user)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except services.Conflict as exc:
        return conflict(request, exc, back)
    messages.success(request, _("Claim #%(id)s restored.") % {"id": pk})
    return redirect(back)


@login_required
@require_POST
def add_claim(request, article_pk):
    article = get_object_or_404(Article, pk=article_pk)
    back = reverse("claims:article-detail", args=[article.pk])
    form = forms.AddClaimForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select a passage of the article's text."))
        return redirect(back)
    try:
        claim = services.add_claim(article_id=article.pk, actor=request.user, **form.cleaned_data)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    messages.success(request, _("Claim #%(id)s added.") % {"id": claim.pk})
    return redirect(f"{back}#claim-{claim.pk}")


@login_required
@require_POST
def merge(request, article_pk):
    article = get_object_or_404(Article, pk=article_pk)
    back = reverse("claims:article-detail", args=[article.pk])
    # Only this article's claims: the page names the article, the service checks they share one.
    asked = [int(value) for value in request.POST.getlist("claims") if value.isdigit()]
    ids = list(article.claims.filter(pk__in=asked).values_list("pk", flat=True))
    form = forms.MergeForm(request.POST, claim_ids=ids)
    if not form.is_valid():
        messages.error(request, _("Choose two or more claims to merge."))
        return redirect(back)
    try:
        kept = services.merge(
            claim_ids=form.cleaned_data["claims"], actor=request.user, reason=form.cleaned_data["reason"]
        )
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    except services.Conflict as exc:
        return conflict(request, exc, back)
    messages.success(request, _("Claims merged into claim #%(id)s.") % {"id": kept.pk})
    return redirect(back)


# The editors' dashboard ------------------------------------------------------------------------------------------


@login_required
# The editors' view of the desk.
@permission_required("reviews.approve_verdict", raise_exception=True)
@require_GET
def dashboard(request):
    backlog = figures.backlog_per_state()
    context = {
        "backlog": [(state, label, backlog[state]) for state, label in ClaimState.choices],
        "awaiting": figures.awaiting_approval(),
        "durations": figures.time_to_approval(),
        "load": figures.reviewer_load(),
        "linked": figures.linked_claims(),
        "linked_count": figures.linked_count(),
    }
    return render(request, "reviews/dashboard.html", context)
