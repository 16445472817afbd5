"""The actions of a claim's page: move it through the workflow, assign it, decide on proposals, add evidence and
comments, correct its attribution, propose its sources again, dismiss it as not a claim and restore it. Each is a
`ReviewWrite`: refusals are answered there."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.filters import row_id
from claims.models import Claim, Proposal
from reviews import forms, selectors, services, workflow
from reviews.forms import TransitionForm
from reviews.refusals import Refusal
from reviews.views.claim import get_claim, render_claim
from reviews.views.writes import ReviewWrite, claim_url, safe_next

INCOMPLETE = gettext_lazy("The form was incomplete. Reload the page and try again.")


class ClaimWrite(ReviewWrite):
    """A write on one claim (`pk`), back to its page."""

    def back(self):
        return claim_url(self.request, self.kwargs["pk"])


class ClaimTransition(ClaimWrite):
    def post(self, request, pk):
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, str(INCOMPLETE))
            return redirect(self.back())
        self.data = form.cleaned_data
        services.transition(
            claim_id=pk,
            action=self.data["action"],
            actor=request.user,
            version=self.data["version"],
            verdict=self.data["verdict"],
            note=self.data["note"],
            claim_reviewed=self.data["claim_reviewed"],
        )
        label = workflow.TRANSITIONS[self.data["action"]].label
        messages.success(request, _("Done: %(action)s.") % {"action": label})
        return redirect(self.back())

    def invalid(self, refusal: Refusal):
        """The rules' messages on the action's form, with what was sent."""
        action = self.data["action"]
        return render_claim(
            self.request,
            get_claim(self.kwargs["pk"]),
            status=400,
            errors={action: refusal.messages},
            forms_data={
                "action": action,
                "verdict": self.data["verdict"],
                "note": self.data["note"],
                "claim_reviewed": self.data["claim_reviewed"],
            },
        )


class ClaimAssign(ClaimWrite):
    def post(self, request, pk):
        username = request.POST.get("assignee", "")
        assignee = selectors.reviewers().filter(username=username).first() if username else None
        if username and assignee is None:
            messages.error(request, _("%(user)s is not a reviewer.") % {"user": username})
            return redirect(self.back())
        version = row_id(request.POST.get("version", ""))
        services.assign(claim_id=pk, assignee=assignee, actor=request.user, version=version)
        messages.success(request, _("Assigned to %(user)s.") % {"user": assignee or _("nobody")})
        return redirect(self.back())


class DecideProposal(ReviewWrite):
    def back(self):
        return claim_url(self.request, self.proposal.claim_id)

    def post(self, request, pk):
        self.proposal = get_object_or_404(Proposal.objects.select_related("claim"), pk=pk)
        decision = request.POST.get("decision")
        if decision not in ("accept", "reject"):
            if request.htmx:
                return HttpResponse(_("Choose accept or reject."), status=400, content_type="text/plain")
            messages.error(request, _("Choose accept or reject."))
            return redirect(self.back())
        accept = decision == "accept"
        services.decide_proposal(proposal_id=pk, actor=request.user, accept=accept, note=request.POST.get("note", ""))
        if request.htmx:
            return render(
                request,
                "reviews/_proposal.html",
                {"proposal": selectors.proposal_row(pk), "can_decide": True, "query": request.POST.get("query", "")},
            )
        messages.success(request, _("Proposal accepted as evidence.") if accept else _("Proposal rejected."))
        return redirect(self.back())


class ClaimForm(ClaimWrite):
    """A form on the claim page that adds something through a service: back to the page with `done`, or the page
    again with the service's field errors on the form."""

    form_class: type
    form_name: str
    done: str

    def write(self, data: dict) -> None:
        raise NotImplementedError

    def post(self, request, pk):
        self.form = self.form_class(request.POST)
        if not self.form.is_valid():
            return self.form_refused()
        self.write(self.form.cleaned_data)
        messages.success(request, str(self.done))
        return redirect(self.back())

    def invalid(self, refusal: Refusal):
        for field, errors in refusal.messages.items():
            self.form.add_error(field if field in self.form.fields else None, errors)
        return self.form_refused()

    def form_refused(self):
        return render_claim(
            self.request, get_claim(self.kwargs["pk"]), status=400, forms_data={self.form_name: self.form}
        )


class AddEvidence(ClaimForm):
    form_class = forms.EvidenceForm
    form_name = "evidence_form"
    done = gettext_lazy("Evidence added.")

    def write(self, data):
        services.add_evidence(claim_id=self.kwargs["pk"], actor=self.request.user, **data)


class AddComment(ClaimForm):
    form_class = forms.CommentForm
    form_name = "comment_form"
    done = gettext_lazy("Comment added.")

    def write(self, data):
        services.add_comment(claim_id=self.kwargs["pk"], actor=self.request.user, text=data["text"])


class CorrectAttribution(ClaimForm):
    """Speaker, cited outlet and quote flag put right. htmx gets the corrected facts back (or the refusal as text),
    a plain POST the page."""

    form_class = forms.AttributionForm
    form_name = "attribution_form"

    def post(self, request, pk):
        self.form = forms.AttributionForm(request.POST)
        if not self.form.is_valid() and "version" in self.form.errors:
            if request.htmx:
                return HttpResponse(str(INCOMPLETE), status=400, content_type="text/plain")
            messages.error(request, str(INCOMPLETE))
            return redirect(self.back())
        if not self.form.is_valid():
            return self.form_refused()
        data = self.form.cleaned_data
        claim = services.correct_attribution(claim_id=pk, actor=request.user, **data)
        changed = claim.version != data["version"]
        outcome = _("Correction saved.") if changed else _("Nothing was changed.")
        if request.htmx:
            claim = selectors.claim_attribution(pk)
            return render(
                request,
                "reviews/_attribution.html",
                {
                    "claim": claim,
                    "attribution_form": forms.AttributionForm.of(claim),
                    "writes": services.allowed_writes(claim, request.user),
                    "query": request.POST.get("query", ""),
                    "outcome": outcome,
                },
            )
        (messages.success if changed else messages.info)(request, outcome)
        return redirect(self.back())

    def form_refused(self):
        if self.request.htmx:
            reasons = [
                f"{self.form.fields[name].label}: {error}" if name in self.form.fields else str(error)
                for name, errors in self.form.errors.items()
                for error in errors
            ]
            return HttpResponse(" ".join(reasons), status=400, content_type="text/plain")
        return super().form_refused()


class ProposeAgain(ClaimWrite):
    def post(self, request, pk):
        if services.propose_again(claim_id=pk, actor=request.user):
            messages.success(request, _("Sources are being proposed again."))
        else:
            messages.info(request, _("Sources are being proposed right now."))
        return redirect(self.back())


class ClaimOrArticleWrite(ClaimWrite):
    """A write on a claim from its page or its article's (the form's "next")."""

    def back(self):
        return safe_next(self.request, super().back())


class Dismiss(ClaimOrArticleWrite):
    """Take a sentence out of the queues as not a claim."""

    def post(self, request, pk):
        claim = get_object_or_404(Claim, pk=pk)
        form = forms.DismissForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason why this is not a claim."))
            return redirect(self.back())
        services.dismiss(
            claim_id=pk, actor=request.user, reason=form.cleaned_data["reason"], version=form.cleaned_data["version"]
        )
        messages.success(request, _("Claim #%(id)s dismissed as not a claim.") % {"id": claim.pk})
        return redirect(self.back())


class UnlinkDuplicate(ClaimWrite):
    """The near-duplicate link is wrong: the earlier claim's verdict does not apply here."""

    def post(self, request, pk):
        get_object_or_404(Claim, pk=pk)
        form = forms.UnlinkForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason why it is not the same claim."))
            return redirect(self.back())
        services.unlink_duplicate(
            claim_id=pk, actor=request.user, reason=form.cleaned_data["reason"], version=form.cleaned_data["version"]
        )
        messages.success(request, _("Claim #%(id)s is no longer linked to the earlier claim.") % {"id": pk})
        return redirect(self.back())


class Restore(ClaimOrArticleWrite):
    def post(self, request, pk):
        get_object_or_404(Claim, pk=pk)
        services.restore(claim_id=pk, actor=request.user)
        messages.success(request, _("Claim #%(id)s restored.") % {"id": pk})
        return redirect(self.back())
