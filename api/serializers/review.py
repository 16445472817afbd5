"""What a review-scope client sends to act on a claim: a transition, a correction of its attribution, a decision
on a proposal, evidence, a comment."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import FlagField, NumberField, TextField
from claims.models import (
    CORRECTABLE_FIELDS,
    SpeakerKind,
    Verdict,
)
from reviews.models import Comment
from reviews.services import NOTE_LENGTH
from reviews.workflow import TRANSITIONS


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(TRANSITIONS))
    version = NumberField(
        required=False, min_value=0, help_text="The claim's version you saw; if it changed since, 409 and no change."
    )
    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False, default="")
    note = TextField(
        required=False, default="", allow_blank=True, max_length=NOTE_LENGTH, help_text="Rationale or reason."
    )
    claim_reviewed = TextField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="With a proposed verdict: the claim in the words the fact-check publishes (ClaimReview's "
        "claimReviewed), approved with the verdict. Absent or blank: the wording it had, else the sentence without "
        "its attribution.",
    )


class AttributionSerializer(serializers.Serializer):
    """A correction of what the extraction found: only the fields sent change (null or absent: unchanged)."""

    version = NumberField(
        required=False, min_value=0, help_text="The claim's version you saw; if it changed since, 409 and no change."
    )
    speaker = TextField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=300,
        help_text="Who asserts the claim: a known speaker's name or alias (any case), else a new speaker; empty "
        "clears it.",
    )
    speaker_kind = serializers.ChoiceField(
        choices=SpeakerKind.choices,
        required=False,
        allow_blank=True,
        help_text="For a new speaker (person when not given); a known speaker keeps theirs, and another kind is a 400.",
    )
    cited_outlet = TextField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=300,
        help_text="The outlet the text names as the origin, as written; empty clears it.",
    )
    is_direct_quote = FlagField(required=False, allow_null=True)

    def validate(self, data):
        if all(data.get(name) is None for name in CORRECTABLE_FIELDS):
            raise serializers.ValidationError(
                {"non_field_errors": ["Send speaker, cited_outlet or is_direct_quote: the fields to correct."]}
            )
        return data


class ProposalDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=["accept", "reject"],
        help_text="accept: the proposal becomes evidence; reject: it stays out of future runs.",
    )
    note = TextField(required=False, allow_blank=True, default="", max_length=2000)


class UnlinkSerializer(serializers.Serializer):
    reason = TextField(max_length=2000, help_text="Why the earlier claim is not the same claim.")
    version = NumberField(
        required=False, min_value=0, help_text="The claim's version you saw; if it changed since, 409 and no change."
    )


class EvidenceCreateSerializer(serializers.Serializer):
    url = TextField(max_length=2000, help_text="http(s) address of what the reviewer found.")
    note = TextField(required=False, default="", allow_blank=True, max_length=NOTE_LENGTH)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = serializers.SerializerMethodField()
    text = TextField(max_length=NOTE_LENGTH)
    created_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, comment: Comment):
        return comment.author.get_username() if comment.author else None
