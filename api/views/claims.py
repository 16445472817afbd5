"""/claims: the list and detail with their ETags, the ClaimReview, the lookup of reviewed claims, and the review's
actions on a claim (transitions, attribution, evidence, proposals, comments)."""

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api import claimreview, examples
from api.conditional import conditional_read, make_etag, set_validators
from api.permissions import REVIEW, ReadScope, ReviewScope, scope_level
from api.schema import error_responses
from api.serializers.claims import (
    EVIDENCE_ROWS,
    ClaimDetailSerializer,
    ClaimSerializer,
    EvidenceSerializer,
    LookupQuerySerializer,
    LookupSerializer,
    ProposalSerializer,
)
from api.serializers.review import (
    AttributionSerializer,
    CommentSerializer,
    EvidenceCreateSerializer,
    ProposalDecisionSerializer,
    TransitionSerializer,
    UnlinkSerializer,
)
from claims import selectors
from claims.filters import ClaimFilter
from claims.models import Claim, Proposal
from reviews import services as review_services
from reviews.models import ClaimEvent, Comment


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


CLAIM_ROWS = selectors.claim_rows()


class ScopedClaimFilterBackend(filters.DjangoFilterBackend):
    """The claim filters as the key's scope may use them: read scope filters on the published verdict only and
    names no reviewer (`claims.filters`)."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "internal": scope_level(request) >= REVIEW}


@extend_schema_view(
    list=extend_schema(
        summary="List claims",
        description="Claims (dismissed ones only with `dismissed=true`), filtered by the same filters as the web "
        "app's queues, newest first, in pages with cursor links. `ordering`: created, -created, updated, "
        "-updated. Answers 304 to If-None-Match / If-Modified-Since when the page has not changed.",
        responses={200: ClaimSerializer(many=True), **error_responses(400, 401, 403, 429)},
        examples=[examples.CLAIM_LIST],
    ),
    retrieve=extend_schema(
        summary="A claim",
        description="The claim with its article, speaker, approved verdict and rationale, accepted evidence and "
        "history; with review scope also its proposals and the actions you may take. `Accept: "
        "application/ld+json` answers with the ClaimReview instead (404 without an approved verdict).",
        responses={200: ClaimDetailSerializer, **error_responses(401, 403, 404, 429)},
        examples=[examples.CLAIM_DETAIL],
    ),
)
class ClaimViewSet(viewsets.GenericViewSet):
    queryset = CLAIM_ROWS
    filter_backends = [ScopedClaimFilterBackend]
    filterset_class = ClaimFilter
    cursor_orderings = {"created": "created_at", "updated": "updated_at"}
    cursor_ordering = ("-created_at", "-pk")
    serializer_class = ClaimSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_permissions(self):
        if self.action in ("transitions", "comments", "decide_proposal", "attribution", "unlink"):
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
        return conditional_read(
            request,
            etag=etag,
            last_modified=max((claim.updated_at.timestamp() for claim in page), default=None),
            respond=lambda: self.get_paginated_response(ClaimSerializer(page, many=True).data),
        )

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
        return conditional_read(
            request,
            etag=etag,
            last_modified=claim.updated_at.timestamp(),
            respond=lambda: Response(self._detail(claim)),
        )

    def _detail(self, claim: Claim) -> dict:
        """The detail of `claim`, its related rows read in a fixed number of queries."""
        review = scope_level(self.request) >= REVIEW
        prefetches = [
            Prefetch("evidence", queryset=EVIDENCE_ROWS),
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
            claim.evidence_count = len(claim.evidence.all())
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
            **error_responses(401, 403, 404, 429),
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
        responses={200: LookupSerializer, **error_responses(400, 401, 403, 429)},
        examples=[examples.LOOKUP],
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="lookup", filter_backends=[], pagination_class=None)
    def lookup(self, request):
        query = LookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = query.validated_data["text"]
        results = selectors.lookup_reviewed_claims(text=text, limit=query.validated_data.get("limit", 5))
        return Response(LookupSerializer({"text": text, "results": results}).data)

    @extend_schema(
        methods=["GET"],
        summary="Actions you may take",
        description="The transitions the caller may POST now, for the claim's current version (review scope).",
        responses={200: OpenApiTypes.OBJECT, **error_responses(401, 403, 404, 429)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Move a claim through the review",
        description="take, give_back, propose (verdict and rationale in `note`; evidence first unless "
        "unverifiable), send_back and reopen (a reason in `note`) and approve. approve, send_back and reopen need "
        "an editor's key. 409 when the claim changed since `version` or is in another state; 400 with the "
        "reasons when the action needs more; 403 when the role does not allow it.",
        request=TransitionSerializer,
        responses={200: ClaimDetailSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
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
        responses={200: ClaimDetailSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
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
        summary="Unlink from the earlier claim taken for the same",
        description="The proposals linked this claim to an earlier reviewed claim as a near-duplicate (`duplicate_of`) "
        "and a reviewer says it is not the same claim, with the reason (review scope, under the rules of working on "
        "the claim). The history records it, and no later run of the proposals links the claim again. 400 when the "
        "claim is not linked or the reason is missing; 409 when it changed since `version` or is approved (reopen "
        "it first); 403 when the role or the assignment does not allow it.",
        request=UnlinkSerializer,
        responses={200: ClaimDetailSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"], url_path="unlink", filter_backends=[], pagination_class=None)
    def unlink(self, request, pk):
        body = UnlinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = review_services.unlink_duplicate(claim_id=int(pk), actor=request.user, **body.validated_data)
        return Response(self._detail(get_object_or_404(CLAIM_ROWS, pk=claim.pk)))

    @extend_schema(
        methods=["GET"],
        summary="A claim's evidence",
        responses={200: EvidenceSerializer(many=True), **error_responses(401, 403, 404, 429)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add evidence",
        description="A web address a reviewer found and what it shows (review scope, under the rules of working on "
        "the claim: free or yours, or an editor's key). 409 when the claim is approved (reopen it first) or was "
        "dismissed; 403 when the role or the assignment does not allow it.",
        request=EvidenceCreateSerializer,
        responses={201: EvidenceSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
        examples=[examples.EVIDENCE],
    )
    @action(detail=True, methods=["get", "post"], url_path="evidence", filter_backends=[], pagination_class=None)
    def evidence(self, request, pk):
        if request.method == "GET":
            claim = get_object_or_404(Claim.objects.only("pk"), pk=pk)
            return Response(EvidenceSerializer(EVIDENCE_ROWS.filter(claim=claim), many=True).data)
        body = EvidenceCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        evidence = review_services.add_evidence(claim_id=int(pk), actor=request.user, **body.validated_data)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept or reject a proposal",
        description="Accepting makes the proposal evidence for the claim; rejecting keeps its target out of future "
        "proposal runs. A proposal is decided once: a second decision is a 409 (review scope). Under the rules of "
        "working on the claim: 403 on someone else's claim without an editor's key, 409 while the claim is approved "
        "(reopen it first) or dismissed.",
        request=ProposalDecisionSerializer,
        responses={200: ProposalSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
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
        responses={200: CommentSerializer(many=True), **error_responses(401, 403, 404, 429)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Comment on a claim",
        request=CommentSerializer,
        responses={201: CommentSerializer, **error_responses(400, 401, 403, 404, 429)},
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
