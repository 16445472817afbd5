"""The API's views: parse the request, call one service or read, render. Errors are shaped by api.exceptions."""

import hashlib

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api import claimreview, examples
from api.permissions import REVIEW, ReadOrAdminWrite, ReadScope, ReviewScope, scope_level
from api.serializers import (
    ArticleDetailSerializer,
    ArticleIngestedSerializer,
    ArticleIngestSerializer,
    ArticleSerializer,
    AttributionSerializer,
    ClaimDetailSerializer,
    ClaimSerializer,
    CommentSerializer,
    DocumentSerializer,
    DocumentWriteSerializer,
    ErrorSerializer,
    EvidenceCreateSerializer,
    EvidenceSerializer,
    LookupQuerySerializer,
    LookupSerializer,
    ProposalDecisionSerializer,
    ProposalSerializer,
    SourceSerializer,
    SourceWriteSerializer,
    TransitionSerializer,
)
from claims import services as claims_services
from claims.analysis.embeddings import embed_queries
from claims.filters import ClaimFilter
from claims.models import Article, Claim, ClaimState, Document, Proposal, Source
from claims.models.articles import InputFormat
from claims.proposing.earlier_claims import EarlierClaimsProposer
from claims.retrieval.corpora import REVIEWED_CLAIMS
from claims.retrieval.search import searcher
from reviews import services as review_services
from reviews.models import ClaimEvent, Comment, Evidence


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


def errors(*codes: int) -> dict:
    return {code: ErrorSerializer for code in codes}


def not_modified(request, *, etag: str, last_modified: float | None):
    """A 304 when the client's If-None-Match or If-Modified-Since says it has this already, else None."""
    response = get_conditional_response(
        request._request, etag=etag, last_modified=int(last_modified) if last_modified else None
    )
    if response is not None:
        # A failed If-Match / If-Unmodified-Since (412) is not ours to answer on a read: serve normally.
        return response if response.status_code == 304 else None
    return None


def set_validators(response, *, etag: str, last_modified: float | None):
    from django.utils.http import http_date

    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    return response


def make_etag(*parts) -> str:
    return quote_etag(hashlib.sha1("|".join(str(part) for part in parts).encode()).hexdigest())


CLAIM_ROWS = Claim.objects.select_related("article", "speaker").defer(
    "embedding", "article__text", "article__content_hash"
)


@extend_schema_view(
    list=extend_schema(
        summary="List claims",
        description="Claims (dismissed ones only with `dismissed=true`), filtered by the same filters as the web "
        "app's queues, newest first, in pages with cursor links. `ordering`: created, -created, updated, "
        "-updated. Answers 304 to If-None-Match / If-Modified-Since when the page has not changed.",
        responses={200: ClaimSerializer(many=True), **errors(400, 401, 403, 429)},
        examples=[examples.CLAIM_LIST],
    ),
    retrieve=extend_schema(
        summary="A claim",
        description="The claim with its article, speaker, approved verdict and rationale, accepted evidence and "
        "history; with review scope also its proposals and the actions you may take. `Accept: "
        "application/ld+json` answers with the ClaimReview instead (404 without an approved verdict).",
        responses={200: ClaimDetailSerializer, **errors(401, 403, 404, 429)},
        examples=[examples.CLAIM_DETAIL],
    ),
)
class ClaimViewSet(viewsets.GenericViewSet):
    queryset = CLAIM_ROWS
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ClaimFilter
    cursor_orderings = {"created": "created_at", "updated": "updated_at"}
    cursor_ordering = ("-created_at", "-pk")
    serializer_class = ClaimSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_permissions(self):
        if self.action in ("transitions", "comments", "decide_proposal", "attribution"):
            return [ReviewScope()]
        if self.action == "evidence" and self.request.method == "POST":
            return [ReviewScope()]
        return [ReadScope()]

    def get_renderers(self):
        if self.action == "claimreview":
            return [JSONLDRenderer(), JSONRenderer()]
        if self.action == "retrieve":
            return [JSONRenderer(), JSONLDRenderer()]
        return [JSONRenderer()]

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        level = scope_level(request)
        etag = make_etag(
            "claims",
            level,
            request.get_full_path(),
            *(f"{claim.pk}:{claim.version}:{claim.updated_at.timestamp()}" for claim in page),
            self.paginator.get_next_link(),
        )
        last_modified = max((claim.updated_at.timestamp() for claim in page), default=None)
        cached = not_modified(request, etag=etag, last_modified=last_modified)
        if cached is not None:
            return set_validators(cached, etag=etag, last_modified=last_modified)
        response = self.get_paginated_response(ClaimSerializer(page, many=True).data)
        return set_validators(response, etag=etag, last_modified=last_modified)

    def retrieve(self, request, pk):
        claim = get_object_or_404(CLAIM_ROWS, pk=pk)
        jsonld = request.accepted_renderer.format == "jsonld"
        if jsonld:
            return self._claimreview(claim)
        level = scope_level(request)
        etag = make_etag(
            "claim",
            claim.pk,
            claim.version,
            claim.updated_at.timestamp(),
            level,
            claim.proposals_status,
            claim.proposals_finished_at,
            claim.article.extraction_status,
            request.user.pk if level >= REVIEW else "",
        )
        last_modified = claim.updated_at.timestamp()
        cached = not_modified(request, etag=etag, last_modified=last_modified)
        if cached is not None:
            return set_validators(cached, etag=etag, last_modified=last_modified)
        response = Response(self._detail(claim))
        return set_validators(response, etag=etag, last_modified=last_modified)

    def _detail(self, claim: Claim) -> dict:
        """The detail of `claim`, its related rows read in a fixed number of queries."""
        review = scope_level(self.request) >= REVIEW
        prefetches = [
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("proposal__document", "proposal__source").defer(
                    "proposal__document__embedding", "proposal__document__text"
                ),
            ),
            Prefetch("events", queryset=ClaimEvent.objects.order_by("created_at", "pk")),
        ]
        if review:
            prefetches.append(
                Prefetch(
                    "proposals",
                    queryset=Proposal.objects.select_related("document", "source").defer(
                        "document__embedding", "document__text"
                    ),
                )
            )
        prefetch_related_objects([claim], *prefetches)
        context = {"review": review, "request": self.request}
        if review:
            claim.accepted_evidence_count = len(claim.evidence.all())
            allowed = review_services.allowed_transitions(claim, self.request.user)
            context["allowed_actions"] = [transition.action for transition in allowed]
        return ClaimDetailSerializer(claim, context=context).data

    def _claimreview(self, claim: Claim) -> Response:
        if not claimreview.has_claimreview(claim):
            raise Http404("This claim has no approved verdict.")
        response = Response(claimreview.claimreview(claim), content_type="application/ld+json")
        etag = make_etag("claimreview", claim.pk, claim.version, claim.updated_at.timestamp())
        return set_validators(response, etag=etag, last_modified=claim.updated_at.timestamp())

    @extend_schema(
        summary="ClaimReview JSON-LD",
        description="The claim's approved verdict as schema.org ClaimReview (mapping of verdicts to ratings in "
        "docs/API.md); 404 while the claim has no approved verdict.",
        responses={
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            (200, "application/json"): OpenApiTypes.OBJECT,
            **errors(401, 403, 404, 429),
        },
        examples=[examples.CLAIMREVIEW],
    )
    @action(detail=True, methods=["get"], url_path="claimreview")
    def claimreview(self, request, pk):
        return self._claimreview(get_object_or_404(CLAIM_ROWS, pk=pk))

    @extend_schema(
        summary="Has this been checked?",
        description="The reviewed claims closest to `text` (the matching of the earlier-claims proposer: lexical "
        "and semantic search over claims given a verdict), best first, with scores; results below "
        "EARLIER_CLAIMS_SUGGEST_THRESHOLD are left out. `verdict` is set once an editor approved it.",
        parameters=[LookupQuerySerializer],
        responses={200: LookupSerializer, **errors(400, 401, 403, 429)},
        examples=[examples.LOOKUP],
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="lookup", filter_backends=[], pagination_class=None)
    def lookup(self, request):
        query = LookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = query.validated_data["text"]
        proposer = EarlierClaimsProposer(limit=min(query.validated_data.get("limit", 5), settings.API_LOOKUP_LIMIT))
        hits = [
            hit
            for hit in searcher(REVIEWED_CLAIMS).search(
                text=text, embedding=embed_queries([text])[0], limit=proposer.limit
            )
            if hit.score >= proposer.suggest_threshold
        ]
        rows = CLAIM_ROWS.in_bulk([hit.id for hit in hits])
        results = [
            {
                "claim": rows[hit.id],
                "score": round(hit.score, 4),
                "similarity": None if hit.similarity is None else round(hit.similarity, 4),
                "near_duplicate": hit.score >= proposer.link_threshold,
            }
            for hit in hits
            if hit.id in rows and (rows[hit.id].verdict or rows[hit.id].state == ClaimState.APPROVED)
        ]
        return Response(LookupSerializer({"text": text, "results": results}).data)

    @extend_schema(
        methods=["GET"],
        summary="Actions you may take",
        description="The transitions the caller may POST now, for the claim's current version (review scope).",
        responses={200: OpenApiTypes.OBJECT, **errors(401, 403, 404, 429)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Move a claim through the review",
        description="take, give_back, propose (verdict and rationale in `note`; evidence first unless "
        "unverifiable), send_back and reopen (a reason in `note`) and approve. approve, send_back and reopen need "
        "an editor's key. 409 when the claim changed since `version` or is in another state; 400 with the "
        "reasons when the action needs more; 403 when the role does not allow it.",
        request=TransitionSerializer,
        responses={200: ClaimDetailSerializer, **errors(400, 401, 403, 404, 409, 429)},
        examples=[examples.TRANSITION],
    )
    @action(detail=True, methods=["get", "post"], url_path="transitions", filter_backends=[], pagination_class=None)
    def transitions(self, request, pk):
        if request.method == "GET":
            claim = get_object_or_404(Claim.objects.defer("embedding"), pk=pk)
            allowed = review_services.allowed_transitions(claim, request.user)
            return Response(
                {
                    "version": claim.version,
                    "actions": [
                        {
                            "action": t.action,
                            "label": str(t.label),
                            "needs_verdict": t.needs_verdict,
                            "needs_reason": t.needs_reason,
                        }
                        for t in allowed
                    ],
                }
            )
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = review_services.transition(claim_id=int(pk), actor=request.user, **body.validated_data)
        return Response(self._detail(get_object_or_404(CLAIM_ROWS, pk=claim.pk)))

    @extend_schema(
        summary="Correct speaker, cited outlet or quote",
        description="Put right what the extraction found (review scope, under the rules of working on the claim: "
        "free or yours, or an editor's key). Only the fields sent change; `speaker` is a known speaker's name or "
        "alias, else a new speaker of `speaker_kind`; empty clears. A corrected field is kept when the extraction "
        "runs again, and the history records old and new values. 409 when the claim changed since `version`, is "
        "approved (reopen it first) or was dismissed; 400 with field messages on bad input; 403 when the role or the "
        "assignment does not allow it.",
        request=AttributionSerializer,
        responses={200: ClaimDetailSerializer, **errors(400, 401, 403, 404, 409, 429)},
        examples=[examples.ATTRIBUTION],
    )
    @action(detail=True, methods=["post"], url_path="attribution", filter_backends=[], pagination_class=None)
    def attribution(self, request, pk):
        body = AttributionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        claim = review_services.correct_attribution(
            claim_id=int(pk),
            actor=request.user,
            version=data.get("version"),
            speaker=data.get("speaker"),
            speaker_kind=data.get("speaker_kind", ""),
            cited_outlet=data.get("cited_outlet"),
            is_direct_quote=data.get("is_direct_quote"),
        )
        return Response(self._detail(get_object_or_404(CLAIM_ROWS, pk=claim.pk)))

    @extend_schema(
        methods=["GET"],
        summary="A claim's evidence",
        responses={200: EvidenceSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add evidence",
        description="A web address a reviewer found and what it shows (review scope).",
        request=EvidenceCreateSerializer,
        responses={201: EvidenceSerializer, **errors(400, 401, 403, 404, 429)},
        examples=[examples.EVIDENCE],
    )
    @action(detail=True, methods=["get", "post"], url_path="evidence", filter_backends=[], pagination_class=None)
    def evidence(self, request, pk):
        if request.method == "GET":
            claim = get_object_or_404(Claim.objects.only("pk"), pk=pk)
            rows = Evidence.objects.filter(claim=claim).select_related("proposal__document", "proposal__source")
            return Response(EvidenceSerializer(rows.defer("proposal__document__embedding"), many=True).data)
        body = EvidenceCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        evidence = review_services.add_evidence(claim_id=int(pk), actor=request.user, **body.validated_data)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept or reject a proposal",
        description="Accepting makes the proposal evidence for the claim; rejecting keeps its target out of future "
        "proposal runs. A proposal is decided once: a second decision is a 409 (review scope).",
        request=ProposalDecisionSerializer,
        responses={200: ProposalSerializer, **errors(400, 401, 403, 404, 409, 429)},
        examples=[examples.PROPOSAL_DECISION],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"proposals/(?P<proposal_id>[0-9]{1,18})/decision",
        filter_backends=[],
        pagination_class=None,
    )
    def decide_proposal(self, request, pk, proposal_id):
        get_object_or_404(Proposal.objects.only("pk"), pk=proposal_id, claim_id=pk)
        body = ProposalDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review_services.decide_proposal(
            proposal_id=int(proposal_id),
            actor=request.user,
            accept=body.validated_data["decision"] == "accept",
            note=body.validated_data["note"],
        )
        proposal = Proposal.objects.select_related("document", "source").get(pk=proposal_id)
        return Response(ProposalSerializer(proposal).data)

    @extend_schema(
        methods=["GET"],
        summary="A claim's comments",
        description="The reviewers' discussion (review scope).",
        responses={200: CommentSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Comment on a claim",
        request=CommentSerializer,
        responses={201: CommentSerializer, **errors(400, 401, 403, 404, 429)},
        examples=[examples.COMMENT],
    )
    @action(detail=True, methods=["get", "post"], url_path="comments", filter_backends=[], pagination_class=None)
    def comments(self, request, pk):
        if request.method == "GET":
            claim = get_object_or_404(Claim.objects.only("pk"), pk=pk)
            rows = Comment.objects.filter(claim=claim).select_related("author").order_by("created_at", "pk")
            return Response(CommentSerializer(rows, many=True).data)
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = review_services.add_comment(claim_id=int(pk), actor=request.user, text=body.validated_data["text"])
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class ArticleFilter(filters.FilterSet):
    url = filters.CharFilter(field_name="url", help_text="Articles published at this exact URL.")
    extraction_status = filters.CharFilter(field_name="extraction_status")

    class Meta:
        model = Article
        fields = []


ARTICLE_ROWS = Article.objects.defer("text", "content_hash")


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        description="Articles, newest first, with their extraction status.",
        responses={200: ArticleSerializer(many=True), **errors(400, 401, 403, 429)},
    ),
    retrieve=extend_schema(
        summary="An article",
        description="The article, its extraction status and its claims (not the dismissed ones).",
        responses={200: ArticleDetailSerializer, **errors(401, 403, 404, 429)},
    ),
    create=extend_schema(
        summary="Ingest an article",
        description="`text` (plain text; a first line `date YYYY-MM-DD Headline` sets date and headline) or "
        "`html` (a page), with `url` where it was published; or `url` alone to fetch the page. 202 with the new "
        "article's id and its status URL: extraction runs in the background. The same content sent again: 200 "
        "with `created: false` and the article stored the first time. Review scope.",
        request=ArticleIngestSerializer,
        responses={202: ArticleIngestedSerializer, 200: ArticleIngestedSerializer, **errors(400, 401, 403, 429)},
        examples=[examples.INGEST, examples.INGESTED],
    ),
)
class ArticleViewSet(viewsets.GenericViewSet):
    queryset = ARTICLE_ROWS
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ArticleFilter
    cursor_ordering = ("-ingested_at", "-pk")
    serializer_class = ArticleSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_permissions(self):
        return [ReviewScope()] if self.action == "create" else [ReadScope()]

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ArticleSerializer(page, many=True).data)

    def retrieve(self, request, pk):
        article = get_object_or_404(
            Article.objects.defer("content_hash").prefetch_related(
                Prefetch(
                    "claims",
                    queryset=Claim.objects.filter(dismissed_at__isnull=True)
                    .order_by("start")
                    .only(
                        "pk",
                        "article_id",
                        "text",
                        "start",
                        "end",
                        "state",
                        "verdict",
                        "published_verdict",
                        "checkworthiness",
                        "is_checkworthy",
                    ),
                )
            ),
            pk=pk,
        )
        return Response(ArticleDetailSerializer(article).data)

    def create(self, request):
        if not request.user.has_perm("claims.add_article"):
            raise PermissionDenied("Your role does not allow ingesting articles.")
        body = ArticleIngestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if "html" in data:
            content, input_format = data["html"], InputFormat.HTML
        elif "text" in data:
            content, input_format = data["text"], InputFormat.TEXT
        else:
            content, input_format = None, InputFormat.URL
        result = claims_services.ingest(content=content, url=data["url"], input_format=input_format, actor=request.user)
        status_url = reverse("api:article-detail", args=[result.article.pk])
        article = Article.objects.only("extraction_status", "queued_at").get(pk=result.article.pk)
        response = Response(
            {
                "id": result.article.pk,
                "created": result.created,
                "status_url": status_url,
                "extraction_status": article.extraction_status,
                "processing_delayed": article.processing_delayed,
            },
            status=status.HTTP_202_ACCEPTED if result.created else status.HTTP_200_OK,
        )
        response["Location"] = status_url
        return response


class SourceFilter(filters.FilterSet):
    class Meta:
        model = Source
        fields = ["key", "kind", "active", "reliability", "language", "domain"]


class RegistryViewSet(viewsets.GenericViewSet):
    """The source registry's rows: read for every key, written (through the registry import) with admin scope."""

    permission_classes = [ReadOrAdminWrite]
    filter_backends = [filters.DjangoFilterBackend]
    lookup_value_regex = "[0-9]{1,18}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.serializer_class(page, many=True).data)

    def retrieve(self, request, pk):
        return Response(self.serializer_class(get_object_or_404(self.get_queryset(), pk=pk)).data)


@extend_schema_view(
    list=extend_schema(summary="List sources", responses={200: SourceSerializer(many=True), **errors(400, 401, 403)}),
    retrieve=extend_schema(summary="A source", responses={200: SourceSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Add or update a source (admin scope)",
        description="A source in the registry's format, checked by the same rules as `manage.py import_sources`: "
        "a new key adds it (201), a known key updates it (200).",
        request=SourceWriteSerializer,
        responses={201: SourceSerializer, 200: SourceSerializer, **errors(400, 401, 403)},
        examples=[examples.SOURCE],
    ),
    partial_update=extend_schema(
        summary="Change a source (admin scope)",
        request=SourceWriteSerializer(partial=True),
        responses={200: SourceSerializer, **errors(400, 401, 403, 404)},
    ),
)
class SourceViewSet(RegistryViewSet):
    queryset = Source.objects.all()
    filterset_class = SourceFilter
    cursor_ordering = ("name", "pk")
    serializer_class = SourceSerializer

    def create(self, request):
        body = SourceWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = not Source.objects.filter(key=body.validated_data["key"]).exists()
        source = self._import(dict(body.validated_data))
        return Response(SourceSerializer(source).data, status=status.HTTP_201_CREATED if created else 200)

    def partial_update(self, request, pk):
        source = get_object_or_404(Source, pk=pk)
        body = SourceWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        if body.validated_data.get("key", source.key) != source.key:
            raise ValidationError({"key": ["A source's key does not change."]})
        row = {name: getattr(source, name) for name in claims_services.SOURCE_FIELDS}
        row.update(body.validated_data, key=source.key)
        return Response(SourceSerializer(self._import(row)).data)

    def _import(self, row: dict) -> Source:
        result = claims_services.import_registry(data={"sources": [row]})
        if result.rejected:
            raise ValidationError({"non_field_errors": [rejected.reason for rejected in result.rejected]})
        return Source.objects.get(key=row["key"])


class DocumentFilter(filters.FilterSet):
    source = filters.CharFilter(field_name="source__key", help_text="The source's key.")

    class Meta:
        model = Document
        fields = ["key", "language", "url"]


DOCUMENT_ROWS = Document.objects.select_related("source").defer("embedding")


@extend_schema_view(
    list=extend_schema(
        summary="List documents", responses={200: DocumentSerializer(many=True), **errors(400, 401, 403)}
    ),
    retrieve=extend_schema(summary="A document", responses={200: DocumentSerializer, **errors(401, 403, 404)}),
    create=extend_schema(
        summary="Add or update a document (admin scope)",
        description="A document in the registry's format: found again by its key, else by its source and URL "
        "(201 when new, 200 when updated). A new title or text is embedded again in the background.",
        request=DocumentWriteSerializer,
        responses={201: DocumentSerializer, 200: DocumentSerializer, **errors(400, 401, 403)},
        examples=[examples.DOCUMENT],
    ),
    partial_update=extend_schema(
        summary="Change a document (admin scope)",
        request=DocumentWriteSerializer(partial=True),
        responses={200: DocumentSerializer, **errors(400, 401, 403, 404)},
    ),
)
class DocumentViewSet(RegistryViewSet):
    queryset = DOCUMENT_ROWS
    filterset_class = DocumentFilter
    cursor_ordering = ("-created_at", "-pk")
    serializer_class = DocumentSerializer

    def create(self, request):
        body = DocumentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = self._row(body.validated_data)
        existing = self._find(row)
        document = self._import(row)
        return Response(DocumentSerializer(document).data, status=200 if existing else status.HTTP_201_CREATED)

    def partial_update(self, request, pk):
        document = get_object_or_404(DOCUMENT_ROWS, pk=pk)
        body = DocumentWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        if not document.key and not document.url:
            raise ValidationError({"key": ["This document has neither key nor URL: change it in the admin."]})
        changes = self._row(body.validated_data)
        if changes.get("key", document.key) != document.key and document.key:
            raise ValidationError({"key": ["A document's key does not change."]})
        row = {
            "source": document.source.key,
            "key": document.key,
            "url": document.url,
            "title": document.title,
            "text": document.text,
            "language": document.language,
            "published_on": document.published_on.isoformat() if document.published_on else None,
        }
        if not document.key and changes.get("url", document.url) != document.url:
            raise ValidationError({"url": ["A document without a key is found by its URL: give it a key first."]})
        row.update(changes)
        return Response(DocumentSerializer(self._import(row)).data)

    @staticmethod
    def _row(data: dict) -> dict:
        row = dict(data)
        if row.get("published_on"):
            row["published_on"] = row["published_on"].isoformat()
        if not row.get("key"):
            row.pop("key", None)
        return row

    @staticmethod
    def _find(row: dict) -> Document | None:
        if row.get("key"):
            return DOCUMENT_ROWS.filter(key=row["key"]).first()
        if row.get("url"):
            return DOCUMENT_ROWS.filter(source__key=row["source"], url=row["url"]).first()
        return None

    def _import(self, row: dict) -> Document:
        result = claims_services.import_registry(data={"documents": [row]})
        if result.rejected:
            raise ValidationError({"non_field_errors": [rejected.reason for rejected in result.rejected]})
        return self._find(row)
