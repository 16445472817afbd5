from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class IngestForm(forms.Form):
    """An article pasted as text or uploaded as a UTF-8 text file. Validation of the content itself is the
    ingest service's, so the form, the admin, the API and the command refuse the same things with the same words."""

    text = forms.CharField(
        label=_("Article text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "placeholder": _("date 2025-08-15 Headline\n\nFirst paragraph…")}),
        help_text=_("A first line “date YYYY-MM-DD Headline” sets the date and the headline."),
    )
    file = forms.FileField(label=_("or a text file"), required=False)
    url = forms.URLField(
        label=_("Original URL"),
        required=False,
        assume_scheme="https",
        help_text=_("Where the article was published, for reference."),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("text", "").strip()) == bool(data.get("file")):
            raise forms.ValidationError(_("Paste the article text or choose a file, not both and not neither."))
        return data

    def content(self) -> tuple[str, str | bytes]:
        """The field the content came from and the content, read no further than the size limit needs."""
        if self.cleaned_data.get("file"):
            return "file", self.cleaned_data["file"].read(settings.ARTICLE_MAX_BYTES + 1)
        return "text", self.cleaned_data["text"]
