"""The source registry: sources and documents as shown, and the bodies that add or change them (the registry
format, checked by the import's rules)."""

from django.core.validators import RegexValidator
from rest_framework import serializers

from api.serializers.common import DayField, FlagField, TextField
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


# The registry's row rules (claims/registry/rows.py) as patterns, so that the schema states them: the row rules still
# decide. White space around a value is trimmed first; an empty value is allowed beside the pattern.
SLUG = RegexValidator(r"^\s*[-a-zA-Z0-9_]+\s*$", message="A slug: letters, digits, hyphens and underscores.")
LANGUAGE = RegexValidator(r"^\s*[a-zA-Z]{2}\s*$", message="A two-letter code (en, de) or empty.")
HOST = RegexValidator(
    r"^\s*([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9]))*\.?\s*$",
    message="A host name such as example.org, without scheme or path.",
)


class SourceWriteSerializer(serializers.Serializer):
    """A source in the registry's format (see README, "The source registry"); checked by the import's rules."""

    key = TextField(
        max_length=100,
        validators=[SLUG],
        help_text="A slug; POST with an existing key updates that source.",
    )
    name = TextField(max_length=300)
    kind = serializers.ChoiceField(choices=SourceKind.choices, required=False)
    domain = TextField(required=False, allow_blank=True, max_length=253, validators=[HOST])
    language = TextField(required=False, allow_blank=True, max_length=8, validators=[LANGUAGE])
    aliases = serializers.ListField(child=TextField(max_length=300), required=False)
    reliability = serializers.ChoiceField(choices=Reliability.choices, required=False)
    reliability_note = TextField(required=False, allow_blank=True, trim_whitespace=False)
    active = FlagField(required=False)
    notes = TextField(required=False, allow_blank=True, trim_whitespace=False)


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

    source = TextField(help_text="The key of its source.")
    key = TextField(required=False, allow_null=True, max_length=100, validators=[SLUG])
    url = TextField(required=False, allow_blank=True, max_length=2000)
    title = TextField(max_length=500)
    text = TextField(trim_whitespace=False)
    language = TextField(required=False, allow_blank=True, max_length=8, validators=[LANGUAGE])
    published_on = DayField(required=False, allow_null=True)
