from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims.analysis.html import looks_like_html
from claims.models.articles import InputFormat
from claims.registry.rows import HTTP_URL
from claims.services import ingest as ingest_service


class IngestForm(forms.Form):
    """An article pasted as text or HTML, uploaded as a file, or fetched from its URL. Validation of the content
    itself is the ingest service's, so the form, the admin, the API and the command refuse the same things with the
    same words.

    The rule, also in the help texts: a URL given alone is fetched; pasted content or a file is HTML when the file
    is named .html, .htm or .xhtml or the content starts with a tag (`looks_like_html`), plain text otherwise."""

    text = forms.CharField(
        label=_("Article text or HTML"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "placeholder": _("date 2025-08-15 Headline\n\nFirst paragraph…")}),
        help_text=_(
            "Plain text: a first line “date YYYY-MM-DD Headline” sets the date and the headline. "
            "Content that starts with a tag (such as <html> or <p>) is read as a web page: its main text, title, "
            "date and author are taken from it."
        ),
    )
    file = forms.FileField(
        label=_("or a file"),
        required=False,
        help_text=_("A UTF-8 text file, or a web page: a file named .html or .htm, or one that starts with a tag."),
    )
    url = forms.URLField(
        label=_("URL"),
        required=False,
        assume_scheme="https",
        # http(s) only, the ingest service's rule: an ftp:// address is a form error, not a refusal after sending.
        validators=[HTTP_URL],
        max_length=2000,
        help_text=_(
            "Given alone, the page at this address is fetched and its article stored. "
            "Given with text or a file, it records where the article was published."
        ),
    )

    def clean(self):
        data = super().clean()
        has_text, has_file = bool(data.get("text", "").strip()), bool(data.get("file"))
        if has_text and has_file:
            raise forms.ValidationError(_("Paste the article or choose a file, not both."))
        if not (has_text or has_file or data.get("url") or self.has_error("url")):
            raise forms.ValidationError(_("Paste the article, choose a file or give the URL of its page."))
        return data

    def fetches(self) -> bool:
        """Whether the article is to be fetched from the URL: a URL came without text or a file."""
        return not self.cleaned_data.get("file") and not self.cleaned_data.get("text", "").strip()

    def content(self) -> tuple[str | bytes, str]:
        """The content, read no further than the size limit needs, and its input format: html or text."""
        upload = self.cleaned_data.get("file")
        content = upload.read(settings.ARTICLE_MAX_BYTES + 1) if upload else self.cleaned_data["text"]
        html = looks_like_html(content, upload.name if upload else "")
        return content, InputFormat.HTML if html else InputFormat.TEXT

    def ingest_arguments(self) -> dict:
        """What the ingest service needs: the page's URL alone, or the content with its format and origin URL."""
        if self.fetches():
            return {"url": self.cleaned_data["url"]}
        content, input_format = self.content()
        return {"content": content, "input_format": input_format, "url": self.cleaned_data["url"]}

    def store(self, *, actor) -> ingest_service.IngestResult | None:
        """Store the article this valid form describes, through the ingest service; None when the service refused
        it, its reasons then on the form's fields."""
        try:
            return ingest_service.ingest(**self.ingest_arguments(), actor=actor)
        except ValidationError as exc:
            self.add_service_error(exc)
            return None

    def add_service_error(self, error: ValidationError) -> None:
        """Show the ingest service's refusal on the field the user filled in: problems with the content on the
        text, the file or, for a fetched page, the URL."""
        source = "url" if self.fetches() else ("file" if self.cleaned_data.get("file") else "text")
        for key, messages in error.message_dict.items():
            self.add_error("url" if key == "url" else source, messages)
