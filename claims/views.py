from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims.forms import IngestForm
from claims.models import Article, Proposal, WorkStatus
from claims.services.extraction import retry_extraction
from claims.services.ingest import ingest

ARTICLES_PER_PAGE = 25


@login_required
@permission_required("claims.view_article", raise_exception=True)
def article_list(request):
    articles = Article.objects.annotate(claim_count=Count("claims")).order_by("-ingested_at", "-pk")
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "claims/article_list.html", {"page": page})


@login_required
@permission_required("claims.view_article", raise_exception=True)
def article_detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("ingested_by"), pk=pk)
    claims = (
        article.claims.select_related("speaker")
        .prefetch_related(
            Prefetch(
                "proposals",
                queryset=Proposal.objects.select_related("source", "document").order_by("-score", "pk"),
            )
        )
        .order_by("start")
    )
    busy = (WorkStatus.PENDING, WorkStatus.RUNNING)
    working = article.extraction_status in busy or any(claim.proposals_status in busy for claim in claims)
    context = {"article": article, "claims": claims, "working": working, "segments": highlighted(article, claims)}
    return render(request, "claims/article_detail.html", context)


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


@login_required
@permission_required("claims.add_article", raise_exception=True)
def article_ingest(request):
    form = IngestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = ingest(**form.ingest_arguments(), actor=request.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
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
            return redirect("claims:article-detail", pk=result.article.pk)
    return render(request, "claims/article_ingest.html", {"form": form})


@require_POST
@login_required
@permission_required("claims.change_article", raise_exception=True)
def article_retry_extraction(request, pk):
    article = get_object_or_404(Article, pk=pk)
    if retry_extraction(article_id=article.pk):
        messages.success(request, _("Extraction queued again."))
    else:
        messages.info(request, _("Extraction is already done."))
    return redirect("claims:article-detail", pk=pk)
