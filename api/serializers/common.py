"""What every resource shares: links, times, the speaker and article a claim refers to, the error shape."""

from django.urls import reverse
from rest_framework import serializers


def claim_path(pk: int) -> str:
    return reverse("api:claim-detail", args=[pk])


DATETIME = serializers.DateTimeField()


def datetime_or_none(value):
    return DATETIME.to_representation(value) if value else None


class SpeakerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="person or organisation")


class ArticleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="Where the article was published; empty when unknown.")
    published_on = serializers.DateField(allow_null=True)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
