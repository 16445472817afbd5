"""What every view of the review that writes shares. Each is a `ReviewWrite`: a POST, by someone logged in, that
calls one service and redirects back with a message (htmx only swaps fragments where it is there). The services
raise `reviews.refusals`, and they are answered here, the same on every page:

- not permitted: the 403 page with the reasons (plain text for htmx);
- a conflict or a wrong state (somebody acted first): back to the page with the message, to reload it (409 for
  htmx);
- a guard failed or invalid input: the messages, on the page the person came from, unless the view shows them on
  its form (`invalid`);
- an unknown claim: 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from claims.models import Claim
from reviews.refusals import Conflict, Kind, Refusal
from reviews.services import BulkReport


def forbidden(request, refusal: Refusal):
    """The 403 page, with the reasons the rules gave."""
    reasons = refusal.reasons()
    if request.htmx:
        return HttpResponse(" ".join(reasons) or _("You may not do this."), status=403, content_type="text/plain")
    return render(request, "reviews/forbidden.html", {"reasons": reasons}, status=403)


def conflict(request, refusal: Refusal, back: str):
    """Somebody else acted first: say so, and send the person back to the page to reload it."""
    message = str(refusal) or _("Somebody changed this claim while you were looking at it. Reload and try again.")
    if request.htmx:
        return HttpResponse(message, status=409, content_type="text/plain")
    messages.error(request, message)
    return redirect(back)


def bulk_summary(report: BulkReport, label) -> tuple[int, str]:
    """What a bulk write changed, in one message and its level, for the queue and the admin alike."""
    if not report.done:
        return messages.WARNING, _("%(action)s: no claim was changed.") % {"action": label}
    done = ngettext(
        "%(action)s: done for %(count)d claim (%(ids)s).",
        "%(action)s: done for %(count)d claims (%(ids)s).",
        len(report.done),
    )
    return messages.SUCCESS, done % {
        "action": label,
        "count": len(report.done),
        "ids": ", ".join(f"#{pk}" for pk in report.done),
    }


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


def claim_url(request, pk: int) -> str:
    """A claim's page, with the filters of the list the person came from (the form's "query")."""
    url = reverse("reviews:claim-detail", args=[pk])
    query = request.POST.get("query", "")
    return f"{url}?{query}" if query else url


class ReviewWrite(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def back(self) -> str:
        """The page to return to."""
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Claim.DoesNotExist:
            raise Http404(_("No such claim.")) from None
        except Refusal as refusal:
            if refusal.kind is Kind.NOT_PERMITTED:
                return forbidden(request, refusal)
            if isinstance(refusal, Conflict):
                return conflict(request, refusal, self.back())
            return self.invalid(refusal)

    def invalid(self, refusal: Refusal):
        """A guard failed or the input was refused: by default, its messages on the page the person came from."""
        for reason in refusal.reasons():
            messages.error(self.request, reason)
        return redirect(self.back())
