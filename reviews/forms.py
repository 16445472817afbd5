"""The web app's forms. They read and check what a person sent; the services in `reviews.services` do the
writing and apply the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from claims.filters import row_id
from claims.models import SpeakerKind, Verdict
from reviews import selectors, workflow
from reviews.services import NOTE_LENGTH


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(t.action, t.label) for t in workflow.TRANSITIONS.values()])
    # The version the page showed: a claim changed since gets a Conflict, not a silent overwrite.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=[("", "—"), *Verdict.choices], required=False, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Rationale"), required=False, max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    # With the verdict: the claim in the words the fact-check publishes (blank: the wording the page offered). Its
    # length is the service's to check, so that a refusal shows beside the field with what was sent.
    claim_reviewed = forms.CharField(
        label=_("Claim as reviewed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceForm(forms.Form):
    url = forms.CharField(label=_("Address (URL)"), max_length=2000, widget=forms.URLInput)
    note = forms.CharField(
        label=_("What it shows"), required=False, max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class AttributionForm(forms.Form):
    """Speaker, cited outlet and quote flag as a reviewer corrects them; the service finds or makes the speaker."""

    speaker = forms.CharField(
        label=_("Speaker"),
        required=False,
        max_length=300,
        help_text=_("A known name or alias is that speaker; a new name becomes a new speaker. Empty: nobody."),
        widget=forms.TextInput(attrs={"aria-describedby": "attribution-speaker-help"}),
    )
    speaker_kind = forms.ChoiceField(
        label=_("Kind of a new speaker"),
        required=False,
        choices=[("", _("as known (a new one: person)")), *SpeakerKind.choices],
    )
    cited_outlet = forms.CharField(label=_("Cited outlet"), required=False, max_length=300)
    is_direct_quote = forms.BooleanField(label=_("Direct quote"), required=False)
    # The version the page showed: a claim changed since gets a Conflict, not a silent overwrite.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # Its own ids: the page has other forms with a "version" and a "note".
        kwargs.setdefault("auto_id", "attribution-%s")
        super().__init__(*args, **kwargs)

    @classmethod
    def of(cls, claim) -> "AttributionForm":
        return cls(
            initial={
                "speaker": claim.speaker.name if claim.speaker else "",
                "cited_outlet": claim.cited_outlet,
                "is_direct_quote": claim.is_direct_quote,
                "version": claim.version,
            }
        )


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not a claim"), max_length=2000)
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class UnlinkForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not the same claim"), max_length=2000)
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class MergeForm(forms.Form):
    claims = forms.TypedMultipleChoiceField(coerce=int, choices=[], label=_("Claims to merge"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def __init__(self, *args, claim_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].choices = [(pk, pk) for pk in claim_ids]


class AddClaimForm(forms.Form):
    """A passage of the article marked by its character offsets (a small script fills them from a selection)."""

    start = forms.IntegerField(label=_("From character"), min_value=0)
    end = forms.IntegerField(label=_("To character"), min_value=0)


BULK_ACTIONS = [("assign", _("Assign")), *[(t.action, t.label) for t in workflow.TRANSITIONS.values()]]


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=BULK_ACTIONS)
    claims = forms.TypedMultipleChoiceField(
        coerce=int,
        label=_("Claims"),
        error_messages={
            "required": _("Select one or more claims first."),
        },
    )
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=get_user_model().objects.none(), required=False, empty_label=_("nobody")
    )
    note = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.reviewers()
        # Any claim id may be sent; the service reports the ones that do not exist.
        data = self.data.getlist("claims") if hasattr(self.data, "getlist") else []
        self.fields["claims"].choices = [(value, value) for value in data if row_id(value) is not None]
