from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _

from claims.forms import IngestForm
from claims.models import (
    Article,
    Claim,
    Document,
    FetchAllowedHost,
    Proposal,
    Reliability,
    Source,
    SourceKind,
    Speaker,
)
from claims.registry import files as registry_files
from claims.registry.rows import DOCUMENT_FIELDS, SOURCE_FIELDS, RowError, clean_document, clean_source
from claims.services import extraction
from claims.services import registry as registry_services

# Evidence rests on the accepted proposal that found it, and a proposal goes with its document or source: deleting
# one would leave evidence pointing at nothing (the database refuses that row, a check constraint). The admin
# refuses such a delete before it starts, naming the evidence, so that nothing of the record is lost.


def evidence_in_the_way(proposals, *, deleted_claims=None) -> list[str]:
    """The evidence that rests on `proposals` (a queryset) and would stay, each as a line for the admin's list of
    protected objects: the claim it supports, linked to the claim's admin page. Evidence of `deleted_claims` (a
    queryset) goes with its claim, so it is in nobody's way."""
    lines = []
    resting = proposals.filter(evidence__isnull=False)
    if deleted_claims is not None:
        resting = resting.exclude(evidence__claim__in=deleted_claims)
    resting = resting.select_related("claim").order_by("claim_id", "pk")
    for proposal in resting:
        lines.append(
            format_html(
                '{}: <a href="{}">{}</a> ({})',
                _("Evidence for the claim"),
                reverse("admin:claims_claim_change", args=[proposal.claim_id]),
                Truncator(proposal.claim.text).chars(120),
                proposal,
            )
        )
    return lines


class KeepsEvidence:
    """An admin whose rows evidence may rest on: a delete that would take such evidence's proposal with it is
    refused (Django's "protected objects" page, for the delete view and the bulk delete alike) with a message
    saying what to do instead."""

    refused_delete_message = _(
        "Evidence on a claim rests on this, through the proposal it was accepted from. Evidence is part of the "
        "claim's record, so this is kept: nothing is deleted."
    )

    def proposals_deleted_with(self, ids: list[int]):
        raise NotImplementedError

    def claims_deleted_with(self, ids: list[int]):
        return None

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        ids = [obj.pk for obj in objs]
        in_the_way = evidence_in_the_way(self.proposals_deleted_with(ids), deleted_claims=self.claims_deleted_with(ids))
        if in_the_way:
            self.message_user(request, self.refused_delete_message, messages.ERROR)
        return deleted, counts, perms_needed, [*protected, *in_the_way]


@admin.register(Article)
class ArticleAdmin(KeepsEvidence, admin.ModelAdmin):
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

    # An article's claims may be the earlier claims other claims' evidence was linked to.
    def proposals_deleted_with(self, ids):
        return Proposal.objects.filter(Q(claim__article__in=ids) | Q(earlier_claim__article__in=ids))

    def claims_deleted_with(self, ids):
        return Claim.objects.filter(article__in=ids)

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
        if request.method == "POST" and form.is_valid() and (result := form.store(actor=request.user)):
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
        queued = sum(extraction.retry_extraction(article_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(count)d extraction(s) queued again.") % {"count": queued})

    @admin.action(
        description=_("Extract the selected articles again (claims reviewers touched are kept)"), permissions=["change"]
    )
    def extract_again(self, request, queryset):
        queued = sum(
            extraction.retry_extraction(article_id=pk, again=True) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(request, _("%(count)d extraction(s) queued again.") % {"count": queued})


@admin.register(Claim)
class ClaimAdmin(KeepsEvidence, admin.ModelAdmin):
    list_display = ["__str__", "article", "role", "state", "verdict", "checkworthiness", "speaker", "assignee"]
    list_filter = ["state", "verdict", "language", "role", "is_direct_quote", "proposals_status"]
    search_fields = ["text", "cited_outlet", "speaker__name", "article__title"]
    list_select_related = ["article", "speaker", "assignee"]
    raw_id_fields = ["article", "speaker", "assignee", "verdict_proposed_by", "duplicate_of"]
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
        "corrected_fields",
        "proposals_status",
        "proposals_error",
        "proposals_started_at",
        "proposals_finished_at",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False

    # Nothing of a claim is edited here: the extraction writes what it found, and the review's services write the
    # review (state, assignee, verdicts, dismissal, the duplicate link), each with its event, version and webhook.
    # The review's admin (reviews/admin.py) adds actions that call those services.
    def has_change_permission(self, request, obj=None):
        return False

    def proposals_deleted_with(self, ids):
        return Proposal.objects.filter(Q(claim__in=ids) | Q(earlier_claim__in=ids))

    def claims_deleted_with(self, ids):
        return Claim.objects.filter(pk__in=ids)


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "description"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]


# Django 6 reads a URL typed without a scheme as https; say so now, as the ingest form does.
URL_FORM_FIELD = {models.URLField: {"assume_scheme": "https"}}


class RegistryRowForm(forms.ModelForm):
    """A source or document form held to the registry's row rules (claims/registry/rows.py), the rules an import
    follows: what the admin stores, an export writes and an import reads back unchanged (an alias holding the CSV's
    "|", a domain with a scheme, a language that is no two-letter code are refused here as in a file), and the
    values are stored as an import would store them (stripped, lower-cased)."""

    # The form's fields the rules check.
    row_fields: tuple[str, ...] = ()
    # The fields a row needs besides the one checked, with values that pass: each field is checked on its own,
    # so that its reason stands beside it.
    placeholders: dict = {}

    @staticmethod
    def clean_row(row: dict) -> dict:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        row = {name: cleaned[name] for name in self.row_fields if name in cleaned}
        for name, value in row.items():
            try:
                self.clean_row({**self.placeholders, name: value})
            except RowError as exc:
                self.add_error(name, str(exc))
        if not self.errors:
            fields = self.clean_row({**self.placeholders, **row})
            cleaned.update({name: value for name, value in fields.items() if name in row})
        return cleaned


class SourceForm(RegistryRowForm):
    row_fields = ("key", *SOURCE_FIELDS)
    placeholders = {"key": "key", "name": "name"}

    @staticmethod
    def clean_row(row):
        return clean_source(row, kinds=SourceKind.values, reliabilities=Reliability.values)[1]


class DocumentForm(RegistryRowForm):
    row_fields = ("key", *DOCUMENT_FIELDS)
    placeholders = {"source": "source", "title": "title", "text": "text"}

    @staticmethod
    def clean_row(row):
        return clean_document(row)[1]


class DocumentFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        deleted = [form.instance.pk for form in self.deleted_forms if form.instance.pk]
        in_the_way = evidence_in_the_way(Proposal.objects.filter(document__in=deleted)) if deleted else []
        if in_the_way:
            raise ValidationError(
                [_("A document evidence rests on is not deleted; it stays part of the claim's record.")] + in_the_way
            )


class DocumentInline(admin.TabularInline):
    model = Document
    form = DocumentForm
    formset = DocumentFormSet
    fields = ["title", "url", "language", "published_on"]
    formfield_overrides = URL_FORM_FIELD
    extra = 0
    show_change_link = True


def _ids(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def _set_reliability(level: Reliability):
    """A bulk action that sets the selected sources' reliability to `level`: one per level, no extra page."""

    def action(modeladmin, request, queryset):
        count = registry_services.update_sources(source_ids=_ids(queryset), reliability=level)
        modeladmin.message_user(
            request, _("Reliability of %(count)d source(s) set to %(level)s.") % {"count": count, "level": level.label}
        )

    action.__name__ = f"set_reliability_{level.value}"
    description = format_lazy(_("Set the reliability of the selected sources to “{}”"), level.label)
    return admin.action(description=description, permissions=["change"])(action)


class RegistryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Registry file"),
        help_text=_(
            "JSON (.json, with `sources` and `documents` lists), JSONL (.jsonl: one object a line with `type` "
            "source or document) or CSV (.csv: a `type` column, aliases separated by |), as `manage.py "
            "import_sources` reads them."
        ),
    )


@admin.register(Source)
class SourceAdmin(KeepsEvidence, admin.ModelAdmin):
    form = SourceForm
    list_display = ["name", "key", "kind", "domain", "language", "reliability", "active", "document_count"]
    list_filter = ["kind", "reliability", "active", "language"]
    search_fields = ["name", "key", "domain", "aliases", "notes", "reliability_note"]
    prepopulated_fields = {"key": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [DocumentInline]
    actions = ["activate", "deactivate", *(_set_reliability(level) for level in Reliability)]
    refused_delete_message = _(
        "Evidence on a claim rests on this source or one of its documents, through the proposal it was accepted "
        "from. Evidence is part of the claim's record, so the source is kept: nothing is deleted. Mark the source "
        "inactive instead."
    )

    def proposals_deleted_with(self, ids):
        return Proposal.objects.filter(Q(source__in=ids) | Q(document__source__in=ids))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_count=Count("documents"))

    @admin.display(description=_("documents"), ordering="document_count")
    def document_count(self, source):
        return source.document_count

    def save_formset(self, request, form, formset, change):
        if formset.model is not Document:
            return super().save_formset(request, form, formset, change)
        # Documents edited inline go through the same service as in their own admin: a new title is embedded again.
        for document in formset.save(commit=False):
            registry_services.save_document(document=document)
        for document in formset.deleted_objects:
            document.delete()

    @admin.action(description=_("Mark the selected sources active"), permissions=["change"])
    def activate(self, request, queryset):
        count = registry_services.update_sources(source_ids=_ids(queryset), active=True)
        self.message_user(request, _("%(count)d source(s) marked active.") % {"count": count})

    @admin.action(description=_("Mark the selected sources inactive"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = registry_services.update_sources(source_ids=_ids(queryset), active=False)
        self.message_user(request, _("%(count)d source(s) marked inactive.") % {"count": count})

    def get_urls(self):
        upload = path("import/", self.admin_site.admin_view(self.import_view), name="claims_source_import")
        return [upload, *super().get_urls()]

    def import_view(self, request):
        """The registry import of `manage.py import_sources`, for an uploaded file, with the same report."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = RegistryImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                registry = registry_files.read_registry(upload.read(), format=registry_files.format_of(upload.name))
                result = registry_services.import_registry(data=registry.data)
            except registry_files.UnusableFile as exc:
                form.add_error("file", str(exc))
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                report = registry_files.report(registry, result)
                rejected = len(registry.unplaced) + len(result.rejected)
                level = messages.WARNING if rejected else messages.SUCCESS
                self.message_user(
                    request,
                    _("Import done: %(rejected)d of %(rows)d rows rejected.")
                    % {"rejected": rejected, "rows": registry.rows},
                    level,
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "title": _("Import sources and documents"),
        }
        return TemplateResponse(request, "admin/claims/source/import.html", context)


class EmbeddedFilter(admin.SimpleListFilter):
    title = _("embedded")
    parameter_name = "embedded"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No, waiting for the embedding task"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(embedding__isnull=self.value() == "no")
        return queryset


@admin.register(Document)
class DocumentAdmin(KeepsEvidence, admin.ModelAdmin):
    list_display = ["title", "source", "key", "language", "published_on", "is_embedded", "created_at"]
    list_filter = [
        EmbeddedFilter,
        "language",
        "source__kind",
        "source__reliability",
        "source__active",
        "published_on",
        "source",
    ]
    search_fields = ["title", "key", "url", "text", "source__name", "source__key"]
    list_select_related = ["source"]
    raw_id_fields = ["source"]
    readonly_fields = ["embedded_at", "created_at", "updated_at"]
    form = DocumentForm
    formfield_overrides = URL_FORM_FIELD
    actions = ["embed_again"]

    def proposals_deleted_with(self, ids):
        return Proposal.objects.filter(document__in=ids)

    def get_queryset(self, request):
        # The vector itself is never shown; the list only says whether there is one.
        return (
            super()
            .get_queryset(request)
            .defer("embedding")
            .annotate(has_embedding=ExpressionWrapper(Q(embedding__isnull=False), output_field=BooleanField()))
        )

    @admin.display(description=_("embedded"), boolean=True, ordering="has_embedding")
    def is_embedded(self, document):
        return document.has_embedding

    def save_model(self, request, obj, form, change):
        # A new title or text makes the embedding stale: the service clears it and queues the embedding.
        registry_services.save_document(document=obj)

    @admin.action(description=_("Embed the selected documents again"), permissions=["change"])
    def embed_again(self, request, queryset):
        count = registry_services.reembed_documents(document_ids=_ids(queryset))
        self.message_user(request, _("%(count)d document(s) queued to be embedded again.") % {"count": count})


@admin.register(FetchAllowedHost)
class FetchAllowedHostAdmin(admin.ModelAdmin):
    """Hosts whose pages may be fetched although they resolve to a private or loopback address (claims/fetching.py).
    Every other host must resolve to public addresses only."""

    list_display = ["host", "note", "created_at"]
    search_fields = ["host", "note"]
    readonly_fields = ["created_at"]


@admin.register(Proposal)
class ProposalAdmin(KeepsEvidence, admin.ModelAdmin):
    list_display = ["claim", "method", "score", "status", "document", "source", "earlier_claim", "created_at"]
    list_filter = ["method", "status"]
    search_fields = ["claim__text", "reason", "external_url"]
    raw_id_fields = ["claim", "document", "source", "earlier_claim"]
    list_select_related = ["claim", "document", "source", "earlier_claim"]

    # Proposals are made by the proposers and decided in the review (accepting one makes it evidence, with its
    # event): the admin shows them, and the review's admin adds the decision as actions.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def proposals_deleted_with(self, ids):
        return Proposal.objects.filter(pk__in=ids)


# The feeds of the registry's sources (claims/services/feeds.py), imported here beside their admin.
from claims.models import Feed  # noqa: E402
from claims.services import feeds as feed_services  # noqa: E402


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    """A source's RSS or Atom feed: registered here, polled on Celery beat, each poll's outcome shown. A feed is
    fetched like an article's page, so a host on a private network needs an entry in “Fetch allowed hosts”."""

    list_display = ["__str__", "source", "active", "last_polled_at", "last_status", "last_new_items", "next_poll_at"]
    list_filter = ["active", "last_status", "source"]
    search_fields = ["url", "title", "source__name", "last_error"]
    list_select_related = ["source"]
    formfield_overrides = URL_FORM_FIELD
    readonly_fields = [
        "title",
        "last_polled_at",
        "last_status",
        "last_error",
        "last_new_items",
        "consecutive_failures",
        "etag",
        "last_modified",
        "created_at",
    ]
    fields = ["source", "url", "active", "next_poll_at", *readonly_fields]
    actions = ["poll_now"]

    @admin.action(description=_("Poll the selected feeds now"), permissions=["change"])
    def poll_now(self, request, queryset):
        count = feed_services.poll_now(feed_ids=_ids(queryset))
        self.message_user(request, _("%(count)d feed poll(s) started.") % {"count": count})
