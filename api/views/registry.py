"""/sources and /documents: the source registry's rows, read with any key and written through the registry import
with admin scope."""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import examples
from api.permissions import ReadOrAdminWrite
from api.schema import error_responses
from api.serializers.registry import (
    DocumentSerializer,
    DocumentWriteSerializer,
    SourceSerializer,
    SourceWriteSerializer,
)
from claims.filters import OneValueEachForm, StrictBooleanFilter
from claims.models import Document, Source
from claims.registry import rows as registry_rows
from claims.services import registry as registry_services


class SourceFilter(filters.FilterSet):
    active = StrictBooleanFilter(field_name="active")

    class Meta:
        model = Source
        form = OneValueEachForm
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
    list=extend_schema(
        summary="List sources", responses={200: SourceSerializer(many=True), **error_responses(400, 401, 403)}
    ),
    retrieve=extend_schema(summary="A source", responses={200: SourceSerializer, **error_responses(401, 403, 404)}),
    create=extend_schema(
        summary="Add or update a source (admin scope)",
        description="A source in the registry's format, checked by the same rules as `manage.py import_sources`: "
        "a new key adds it (201), a known key updates it (200).",
        request=SourceWriteSerializer,
        responses={201: SourceSerializer, 200: SourceSerializer, **error_responses(400, 401, 403)},
        examples=[examples.SOURCE],
    ),
    partial_update=extend_schema(
        summary="Change a source (admin scope)",
        request=SourceWriteSerializer(partial=True),
        responses={200: SourceSerializer, **error_responses(400, 401, 403, 404)},
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
        row = {name: getattr(source, name) for name in registry_rows.SOURCE_FIELDS}
        row.update(body.validated_data, key=source.key)
        return Response(SourceSerializer(self._import(row)).data)

    def _import(self, row: dict) -> Source:
        result = registry_services.import_registry(data={"sources": [row]})
        if result.rejected:
            raise ValidationError({"non_field_errors": [rejected.reason for rejected in result.rejected]})
        return Source.objects.get(key=row["key"])


class DocumentFilter(filters.FilterSet):
    source = filters.CharFilter(field_name="source__key", help_text="The source's key.")

    class Meta:
        model = Document
        form = OneValueEachForm
        fields = ["key", "language", "url"]


DOCUMENT_ROWS = Document.objects.select_related("source").defer("embedding")


@extend_schema_view(
    list=extend_schema(
        summary="List documents", responses={200: DocumentSerializer(many=True), **error_responses(400, 401, 403)}
    ),
    retrieve=extend_schema(summary="A document", responses={200: DocumentSerializer, **error_responses(401, 403, 404)}),
    create=extend_schema(
        summary="Add or update a document (admin scope)",
        description="A document in the registry's format: found again by its key, else by its source and URL "
        "(201 when new, 200 when updated). A new title or text is embedded again in the background.",
        request=DocumentWriteSerializer,
        responses={201: DocumentSerializer, 200: DocumentSerializer, **error_responses(400, 401, 403)},
        examples=[examples.DOCUMENT],
    ),
    partial_update=extend_schema(
        summary="Change a document (admin scope)",
        request=DocumentWriteSerializer(partial=True),
        responses={200: DocumentSerializer, **error_responses(400, 401, 403, 404)},
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
        result = registry_services.import_registry(data={"documents": [row]})
        if result.rejected:
            raise ValidationError({"non_field_errors": [rejected.reason for rejected in result.rejected]})
        return self._find(row)
