"""The claim queues: my queue (my open claims) and all claims, filtered, counted, paginated, with the bulk actions
on the claims ticked."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from claims.models import Claim
from reviews import forms, selectors, services, workflow
from reviews.forms import BulkForm
from reviews.refusals import NotPermitted
from reviews.views.writes import ReviewWrite, bulk_summary, safe_next
from reviews.visibility import ClaimVisibility

PER_PAGE = 50


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
            data.setlist("state", list(selectors.OPEN_STATES))
    claim_filter = selectors.queue(data, request=request)
    # Checkboxes read better than multi-selects for the few states, statuses and verdicts.
    form = claim_filter.form
    for name in ("state", "status", "verdict"):
        form.fields[name].widget = django_forms.CheckboxSelectMultiple(choices=form.fields[name].choices)
    for name in ("created_after", "created_before"):
        form.fields[name].widget = django_forms.DateInput(attrs={"type": "date"})
    # A hand-edited link with a bad value shows the errors and no claims rather than every claim.
    queryset = claim_filter.qs if claim_filter.is_valid() else Claim.objects.none()
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    states, statuses = selectors.counts(queryset) if claim_filter.is_valid() else ([], [])
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
        "visible": ClaimVisibility.for_user(request.user),
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
        # An editor's queue holds the verdicts others proposed too: they wait for this editor's approval.
        "awaiting_approval": selectors.awaiting_approval_by(request.user) if mine else None,
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


class Bulk(ReviewWrite):
    """One action on the claims ticked in a queue: what was done, and for each claim skipped, why."""

    def back(self):
        return safe_next(self.request, reverse("reviews:claim-list"))

    def post(self, request):
        if not request.POST.get("action"):
            # A browser sends no action when every one was disabled for the ticked claims.
            messages.error(request, _("Choose an action for the selected claims."))
            return redirect(self.back())
        form = BulkForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(self.back())
        data = form.cleaned_data
        action = data["action"]
        if action == "assign":
            if not request.user.has_perm(workflow.ASSIGN):
                raise NotPermitted(_("Only editors assign claims."))

            def write(pk):
                return services.assign(claim_id=pk, assignee=data["assignee"], actor=request.user)
        else:

            def write(pk):
                return services.transition(claim_id=pk, action=action, actor=request.user, note=data["note"])

        report = services.bulk(claim_ids=data["claims"], write=write)
        label = dict(forms.BULK_ACTIONS)[action]
        messages.add_message(request, *bulk_summary(report, label))
        # One message per reason, naming the claims it kept out.
        by_reason: dict[str, list[int]] = {}
        for pk, reason in report.skipped.items():
            by_reason.setdefault(reason, []).append(pk)
        for reason, pks in by_reason.items():
            messages.warning(
                request,
                ngettext(
                    "Skipped claim %(ids)s: %(reason)s",
                    "Skipped %(count)d claims (%(ids)s): %(reason)s",
                    len(pks),
                )
                % {"count": len(pks), "ids": ", ".join(f"#{pk}" for pk in pks), "reason": reason},
            )
        return redirect(self.back())
