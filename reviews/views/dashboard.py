"""The editors' dashboard: what the desk has on its plate and how fast it gets through it."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claims.models import ClaimState
from reviews import selectors, workflow


@login_required
# The editors' view of the desk.
@permission_required(workflow.APPROVE, raise_exception=True)
@require_GET
def dashboard(request):
    backlog = selectors.backlog_per_state()
    context = {
        "backlog": [(state, label, backlog[state]) for state, label in ClaimState.choices],
        "awaiting": selectors.awaiting_approval(),
        "durations": selectors.time_to_approval(),
        "load": selectors.reviewer_load(),
        "linked": selectors.linked_claims(),
        "linked_count": selectors.linked_count(),
    }
    return render(request, "reviews/dashboard.html", context)
