"""Articles as the API shows them and the body that ingests one."""

from rest_framework import serializers

from api.serializers.common import TextField, claim_path
from claims.models import (
    ClaimStatus,
    WorkStatus,
)
from claims.models.articles import InputFormat


class ArticleClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=ClaimStatus.choices)
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    checkworthiness = serializers.FloatField(allow_null=True)
    is_checkworthy = serializers.BooleanField(allow_null=True)

    def get_url(self, claim) -> str:
        return claim_path(claim.pk)


class ExtractionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=WorkStatus.choices, source="extraction_status")
    error = serializers.CharField(source="extraction_error")
    started_at = serializers.DateTimeField(source="extraction_started_at", allow_null=True)
    finished_at = serializers.DateTimeField(source="extraction_finished_at", allow_null=True)
    attempts = serializers.IntegerField(source="extraction_attempts")
    delayed = serializers.BooleanField(
        source="processing_delayed",
        help_text="Stored, but the task queue could not be reached: extraction starts by itself when it is back.",
    )


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="Where the article was published; empty when unknown.")
    title = serializers.CharField()
    author = serializers.CharField()
    language = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    input_format = serializers.ChoiceField(choices=InputFormat.choices)
    ingested_at = serializers.DateTimeField()
    extraction = ExtractionSerializer(source="*", help_text="The background extraction of its claims.")


class ArticleDetailSerializer(ArticleSerializer):
    text = serializers.CharField()
    claims = ArticleClaimSerializer(many=True)


class ArticleIngestSerializer(serializers.Serializer):
    """Exactly one of `text` and `html`, with `url` as where it was published; or `url` alone to fetch it."""

    text = TextField(required=False, trim_whitespace=False, help_text="Plain text.")
    html = TextField(required=False, trim_whitespace=False, help_text="A web page.")
    url = TextField(required=False, default="", allow_blank=True, max_length=2000)

    def validate(self, data):
        given = [name for name in ("text", "html") if name in data]
        if len(given) > 1:
            raise serializers.ValidationError({"html": ["Send either text or html, not both."]})
        if not given and not data.get("url"):
            raise serializers.ValidationError({"text": ["Send text, html or a url to fetch."]})
        return data


class ArticleIngestedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created = serializers.BooleanField(help_text="False: the same content was stored before; this is that article.")
    status_url = serializers.CharField(help_text="GET it to follow the extraction.")
    extraction_status = serializers.ChoiceField(choices=WorkStatus.choices)
    processing_delayed = serializers.BooleanField(
        help_text="True when the task queue could not be reached: the article is stored and its extraction starts "
        "by itself when the queue is back."
    )
