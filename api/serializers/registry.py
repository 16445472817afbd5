"""The source registry: sources and documents as shown, and the bodies that add or change them (the registry
format, checked by the import's rules)."""

from rest_framework import serializers

from claims.models import (
    Document,
    Reliability,
    Source,
    SourceKind,
)


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = [
            "id",
            "key",
            "name",
            "kind",
            "domain",
            "language",
            "aliases",
            "reliability",
            "reliability_note",
            "active",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SourceWriteSerializer(serializers.Serializer):
    """A source in the registry's format (see README, "The source registry"); checked by the import's rules."""

    key = serializers.CharField(max_length=100, help_text="A slug; POST with an existing key updates that source.")
    name = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=SourceKind.choices, required=False)
    domain = serializers.CharField(required=False, allow_blank=True, max_length=253)
    language = serializers.CharField(required=False, allow_blank=True, max_length=8)
    aliases = serializers.ListField(child=serializers.CharField(max_length=300), required=False)
    reliability = serializers.ChoiceField(choices=Reliability.choices, required=False)
    reliability_note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    active = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class SourceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()


class DocumentSerializer(serializers.ModelSerializer):
    source = SourceRefSerializer()
    # Empty for reference texts without a page: not a URI then.
    url = serializers.CharField(read_only=True)
    embedded = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "source", "key", "url", "title", "text", "language", "published_on", "embedded", "created_at"]
        read_only_fields = fields

    def get_embedded(self, document) -> bool:
        """Whether its embedding is computed (semantic search finds it)."""
        return document.embedded_at is not None


class DocumentWriteSerializer(serializers.Serializer):
    """A document in the registry's format: found again by its key, else by its source and URL."""

    source = serializers.CharField(help_text="The key of its source.")
    key = serializers.CharField(required=False, allow_null=True, max_length=100)
    url = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    title = serializers.CharField(max_length=500)
    text = serializers.CharField(trim_whitespace=False)
    language = serializers.CharField(required=False, allow_blank=True, max_length=8)
    published_on = serializers.DateField(required=False, allow_null=True)
