"""/articles: the list, an article with its claims, and ingesting one."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api import examples
from api.permissions import ReadScope, ReviewScope
from api.schema import error_responses
from api.serializers.articles import (
    ArticleDetailSerializer,
    ArticleIngestedSerializer,
    ArticleIngestSerializer,
    ArticleSerializer,
)
from claims import selectors
from claims.filters import OneValueEachForm, published_at
from claims.models import Article
from claims.models.articles import InputFormat
from claims.services.ingest import ingest


class ArticleFilter(filters.FilterSet):
    url = filters.CharFilter(
        method="filter_url",
        help_text="Articles published at this URL, in any of its forms: http or https, with or without www., "
        "tracking parameters (utm_*, fbclid, gclid), a fragment or a final slash.",
    )
    extraction_status = filters.CharFilter(field_name="extraction_status")

    class Meta:
        model = Article
        form = OneValueEachForm
        fields = []

    def filter_url(self, queryset, name, value):
        return queryset.filter(published_at(value))


ARTICLE_ROWS = Article.objects.defer("text", "content_hash")


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        description="Articles, newest first, with their extraction status.",
        responses={200: ArticleSerializer(many=True), **error_responses(400, 401, 403, 429)},
    ),
    retrieve=extend_schema(
        summary="An article",
        description="The article, its extraction status and its claims (not the dismissed ones).",
        responses={200: ArticleDetailSerializer, **error_responses(401, 403, 404, 429)},
    ),
    create=extend_schema(
        summary="Ingest an article",
        description="`text` (plain text; a first line `date YYYY-MM-DD Headline` sets date and headline) or "
        "`html` (a page), with `url` where it was published; or `url` alone to fetch the page. 202 with the new "
        "article's id and its status URL: extraction runs in the background. The same content sent again: 200 "
        "with `created: false` and the article stored the first time. Review scope.",
        request=ArticleIngestSerializer,
        responses={
            202: ArticleIngestedSerializer,
            200: ArticleIngestedSerializer,
            **error_responses(400, 401, 403, 429),
        },
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
        article = get_object_or_404(selectors.article_with_claims(), pk=pk)
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
        result = ingest(content=content, url=data["url"], input_format=input_format, actor=request.user)
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
