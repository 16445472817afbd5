from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from claims.forms import IngestForm
from claims.models import Article
from claims.services.ingest import ingest

ARTICLES_PER_PAGE = 25


@login_required
@permission_required("claims.view_article", raise_exception=True)
def article_list(request):
    articles = Article.objects.annotate(claim_count=Count("claims")).order_by("-ingested_at", "-pk")
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "claims/article_list.html", {"page": page})


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
            return redirect("reviews:article-detail", pk=result.article.pk)
    return render(request, "claims/article_ingest.html", {"form": form})
