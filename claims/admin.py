from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from claims import services
from claims.forms import IngestForm
from claims.models import Article, Claim, Document, FetchAllowedHost, Proposal, Source, Speaker


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "published_on", "language", "claim_count", "extraction_status", "ingested_at"]
    list_filter = ["extraction_status", "language", "input_format", "published_on", "outlet"]
    search_fields = ["title", "text", "url"]
    date_hierarchy = "ingested_at"
    list_select_related = ["outlet"]
    readonly_fields = [
        "text",
        "content_hash",
        "input_format",
        "language",
        "ingested_by",
        "ingested_at",
        "extraction_status",
        "extraction_error",
        "extraction_started_at",
        "extraction_finished_at",
        "extraction_attempts",
    ]
    fields = ["title", "url", "outlet", "author", "published_on", *readonly_fields]
    actions = ["retry_extraction", "extract_again"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=Count("claims"))

    @admin.display(description=_("claims"), ordering="claim_count")
    def claim_count(self, article):
        return article.claim_count

    def get_urls(self):
        ingest = path("ingest/", self.admin_site.admin_view(self.ingest_view), name="claims_article_ingest")
        return [ingest, *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        # Articles enter through the ingest service only, so the admin's "add" is the ingest form.
        return redirect("admin:claims_article_ingest")

    def ingest_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = IngestForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.ingest(**form.ingest_arguments(), actor=request.user)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                if result.created:
                    self.message_user(request, _("Article stored; extraction is queued."), messages.SUCCESS)
                else:
                    self.message_user(request, _("This article was already stored."), messages.INFO)
                return redirect(reverse("admin:claims_article_change", args=[result.article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Ingest article"),
        }
        return TemplateResponse(request, "admin/claims/article/ingest.html", context)

    @admin.action(description=_("Retry extraction of the selected articles"), permissions=["change"])
    def retry_extraction(self, request, queryset):
        queued = sum(services.retry_extraction(article_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(count)d extraction(s) queued again.") % {"count": queued})

    @admin.action(
        description=_("Extract the selected articles again (claims reviewers touched are kept)"), permissions=["change"]
    )
    def extract_again(self, request, queryset):
        queued = sum(
            services.retry_extraction(article_id=pk, again=True) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(request, _("%(count)d extraction(s) queued again.") % {"count": queued})


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "role", "state", "verdict", "checkworthiness", "speaker", "assignee"]
    list_filter = ["state", "verdict", "language", "role", "is_direct_quote", "proposals_status"]
    search_fields = ["text", "cited_outlet", "speaker__name", "article__title"]
    list_select_related = ["article", "speaker", "assignee"]
    raw_id_fields = ["article", "speaker", "assignee", "verdict_proposed_by"]
    # State, verdict and version belong to the review workflow's service; the admin shows them only.
    readonly_fields = [
        "article",
        "text",
        "start",
        "end",
        "state",
        "verdict",
        "verdict_rationale",
        "verdict_proposed_by",
        "version",
        "proposals_status",
        "proposals_error",
        "proposals_started_at",
        "proposals_finished_at",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "description"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ["title", "url", "language", "published_on"]
    extra = 0
    show_change_link = True


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "kind", "domain", "language", "reliability", "active"]
    list_filter = ["kind", "reliability", "active", "language"]
    search_fields = ["name", "key", "domain", "notes"]
    prepopulated_fields = {"key": ["name"]}
    inlines = [DocumentInline]
    actions = ["activate", "deactivate"]

    @admin.action(description=_("Mark the selected sources active"), permissions=["change"])
    def activate(self, request, queryset):
        queryset.update(active=True)

    @admin.action(description=_("Mark the selected sources inactive"), permissions=["change"])
    def deactivate(self, request, queryset):
        queryset.update(active=False)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "language", "published_on", "created_at"]
    list_filter = ["language", "source__kind", "source"]
    search_fields = ["title", "text", "url", "source__name"]
    list_select_related = ["source"]
    raw_id_fields = ["source"]


@admin.register(FetchAllowedHost)
class FetchAllowedHostAdmin(admin.ModelAdmin):
    """Hosts whose pages may be fetched although they resolve to a private or loopback address (claims/fetching.py).
    Every other host must resolve to public addresses only."""

    list_display = ["host", "note", "created_at"]
    search_fields = ["host", "note"]
    readonly_fields = ["created_at"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["claim", "method", "score", "status", "document", "source", "earlier_claim", "created_at"]
    list_filter = ["method", "status"]
    search_fields = ["claim__text", "reason", "external_url"]
    raw_id_fields = ["claim", "document", "source", "earlier_claim"]
    list_select_related = ["claim", "document", "source", "earlier_claim"]
