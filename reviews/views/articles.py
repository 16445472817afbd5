"""The articles: their list, the form that brings one in, and an article's page (its text with every claim marked,
the table of its claims with their proposals, and its actions: add a claim the extractor missed, merge claims it
split, retry a failed extraction). Dismissing and restoring a claim from here are the claim's actions
(`reviews.views.actions`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from claims.filters import row_id
from claims.forms import IngestForm, OversizedFormHandler
from claims.models import Article, ClaimStatus, WorkStatus
from claims.services.extraction import retry_extraction
from reviews import forms, selectors, services
from reviews.views.writes import ReviewWrite
from reviews.visibility import ClaimVisibility

BUSY = (WorkStatus.PENDING, WorkStatus.RUNNING)
ARTICLES_PER_PAGE = 25


@login_required
@permission_required("claims.view_article", raise_exception=True)
def article_list(request):
    articles = Article.objects.annotate(claim_count=Count("claims")).order_by("-ingested_at", "-pk")
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reviews/article_list.html", {"page": page})


# Exempt from the CSRF middleware, which would read the body before the view could say how to read it, and
# CSRF-protected below once the handler is in place: Django's documented way to change request.upload_handlers.
@csrf_exempt
@login_required
@permission_required("claims.add_article", raise_exception=True)
def article_ingest(request):
    # A paste over the upload limit comes back as the form with its size and what was kept, not as a bare 400.
    request.upload_handlers.insert(0, OversizedFormHandler(request))
    return _article_ingest(request)


@csrf_protect
def _article_ingest(request):
    # The body is read first: the handler records what it could not keep while it reads. A form of which nothing
    # was kept is still a submitted form.
    posted = request.method == "POST"
    data, files = (request.POST, request.FILES) if posted else (None, None)
    form = IngestForm(data, files, oversized=request.oversized, oversized_total=request.oversized_total)
    if posted and form.is_valid() and (result := form.store(actor=request.user)):
        if result.created and Article.objects.get(pk=result.article.pk).processing_delayed:
            messages.warning(
                request,
                _(
                    "Article stored. Processing is delayed: the task queue cannot be reached right now. "
                    "Extraction starts by itself when it is back."
                ),
            )
        elif result.created:
            messages.success(request, _("Article stored. Claims are being extracted."))
        else:
            messages.info(request, _("This article was already stored; here it is."))
        return redirect("reviews:article-detail", pk=result.article.pk)
    return render(request, "reviews/article_ingest.html", {"form": form})


@login_required
@permission_required("claims.view_article", raise_exception=True)
def article_detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("ingested_by"), pk=pk)
    claims = selectors.article_claims(article)
    working = article.extraction_status in BUSY or any(claim.proposals_status in BUSY for claim in claims)
    context = {
        "article": article,
        "claims": claims,
        "working": working,
        "visible": ClaimVisibility.for_user(request.user),
        "segments": highlighted(article, claims),
        # The legend of the marks' colours.
        "statuses": ClaimStatus.choices,
    }
    return render(request, "reviews/article_detail.html", context)


def highlighted(article: Article, claims) -> list[tuple[str, object]]:
    """The article's text cut into (text, claim or None) pieces so that every claim can be marked in place.

    The pieces join up to exactly `article.text`, which the selection script relies on to compute offsets. A claim
    overlapping one already marked (a passage added by hand across two sentences) is left unmarked here; the
    table lists it."""
    text = article.text
    pieces: list[tuple[str, object]] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: (c.start, c.end)):
        if claim.start < cursor or claim.end > len(text):
            continue
        if claim.start > cursor:
            pieces.append((text[cursor : claim.start], None))
        pieces.append((text[claim.start : claim.end], claim))
        cursor = claim.end
    if cursor < len(text):
        pieces.append((text[cursor:], None))
    return pieces


class ArticleWrite(ReviewWrite):
    """A write from an article's page (`article_pk`), back to it."""

    def back(self):
        return reverse("reviews:article-detail", args=[self.kwargs["article_pk"]])


@require_POST
@login_required
@permission_required("claims.change_article", raise_exception=True)
def article_retry_extraction(request, article_pk):
    article = get_object_or_404(Article, pk=article_pk)
    if retry_extraction(article_id=article.pk):
        messages.success(request, _("Extraction queued again."))
    else:
        messages.info(request, _("Extraction is already done."))
    return redirect("reviews:article-detail", pk=article.pk)


class AddClaim(ArticleWrite):
    def post(self, request, article_pk):
        article = get_object_or_404(Article, pk=article_pk)
        form = forms.AddClaimForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Select a passage of the article's text."))
            return redirect(self.back())
        claim = services.add_claim(article_id=article.pk, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Claim #%(id)s added.") % {"id": claim.pk})
        return redirect(f"{self.back()}#claim-{claim.pk}")


class Merge(ArticleWrite):
    def post(self, request, article_pk):
        article = get_object_or_404(Article, pk=article_pk)
        # Only this article's claims: the page names the article, the service checks they share one.
        asked = [claim_id for value in request.POST.getlist("claims") if (claim_id := row_id(value)) is not None]
        ids = list(article.claims.filter(pk__in=asked).values_list("pk", flat=True))
        form = forms.MergeForm(request.POST, claim_ids=ids)
        if not form.is_valid():
            messages.error(request, _("Choose two or more claims to merge."))
            return redirect(self.back())
        kept = services.merge(
            claim_ids=form.cleaned_data["claims"], actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Claims merged into claim #%(id)s.") % {"id": kept.pk})
        return redirect(self.back())
