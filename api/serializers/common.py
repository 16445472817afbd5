"""What every resource shares: links, times, the speaker and article a claim refers to, the error shape."""

from django.core.validators import RegexValidator
from django.urls import reverse
from rest_framework import serializers
from rest_framework.utils import html


def claim_path(pk: int) -> str:
    return reverse("api:claim-detail", args=[pk])


DATETIME = serializers.DateTimeField()


def datetime_or_none(value):
    return DATETIME.to_representation(value) if value else None


# Request fields: what a client sends is taken as sent, as the schema documents it. DRF turns a number into text and
# reads a form's empty field as an absent one (so `limit=` or `html=` went unnoticed); these refuse both.


class SentAsGiven:
    def get_value(self, dictionary):
        # A form cannot send null: where null is allowed, its empty field stays null, as DRF reads it.
        if html.is_html_input(dictionary) and dictionary.get(self.field_name) == "" and not self.allow_null:
            return ""
        return super().get_value(dictionary)


class TextField(SentAsGiven, serializers.CharField):
    """Text only: 12 or true is not a string (400), however DRF would read it. Where blank is refused, so is text of
    only white space (DRF trims it first), and the schema says so with a pattern."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.allow_blank and not any(isinstance(v, RegexValidator) for v in self.validators):
            self.validators.append(RegexValidator(r"\S", message="This field may not be blank."))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        # The length as sent, not as trimmed: the schema's maxLength counts what the client sends.
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class NumberField(SentAsGiven, serializers.IntegerField):
    pass


class FlagField(SentAsGiven, serializers.BooleanField):
    """true or false (JSON, or the words in a form): not 1, yes or on, which the schema does not document."""

    TRUE_VALUES = {True, "true"}
    FALSE_VALUES = {False, "false"}

    def to_internal_value(self, data):
        if not isinstance(data, bool | str):
            self.fail("invalid", input=data)
        return super().to_internal_value(data)


class DayField(SentAsGiven, serializers.DateField):
    pass


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
