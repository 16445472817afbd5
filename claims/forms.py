from django import forms
from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.http import QueryDict
from django.http.multipartparser import FIELD, FILE, ChunkIter, LazyStream, Parser, exhaust
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_str
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.analysis.html import looks_like_html
from claims.models.articles import InputFormat
from claims.registry.rows import HTTP_URL
from claims.services import ingest as ingest_service

# A field of an oversized form up to this size is kept (the URL, the CSRF token); a larger one is only measured.
KEPT_FIELD_BYTES = 64 * 1024


class OversizedFormHandler(FileUploadHandler):
    """Reads a multipart form larger than DATA_UPLOAD_MAX_MEMORY_SIZE (a paste of several megabytes) without
    refusing the request: its small fields are kept and each large field or file is measured, not stored, so the
    view can show the form again with the sizes and whatever was kept, instead of Django's bare 400. Installed by the
    view before the body is read (Django's documented way: request.upload_handlers, with the view exempted from the
    CSRF middleware and CSRF-protected itself). A form within the limit is left to Django's parser.

    `request.oversized` is then {field name: bytes} of what was not kept, and `request.oversized_total` the
    request's Content-Length."""

    def __init__(self, request):
        super().__init__(request)
        request.oversized = {}
        request.oversized_total = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or content_length <= limit:
            return None
        self.request.oversized_total = content_length
        post, oversized = QueryDict(mutable=True, encoding=encoding), {}
        fields = 0
        # Django's own multipart reader (django.http.multipartparser), part by part, never more than a chunk or a
        # kept field in memory.
        for item_type, meta, stream in Parser(LazyStream(ChunkIter(input_data, self.chunk_size)), boundary):
            disposition = meta.get("content-disposition")
            name = force_str(disposition[1].get("name", ""), encoding, errors="replace").strip() if disposition else ""
            if item_type not in (FIELD, FILE) or not name:
                exhaust(stream)
                continue
            fields += 1
            if settings.DATA_UPLOAD_MAX_NUMBER_FIELDS and fields > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:
                raise TooManyFieldsSent("The form has more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS.")
            data = stream.read(KEPT_FIELD_BYTES + 1) if item_type == FIELD else b""
            if item_type == FIELD and len(data) <= KEPT_FIELD_BYTES:
                post.appendlist(name, data.decode(encoding or settings.DEFAULT_CHARSET, "replace"))
                continue
            oversized[name] = oversized.get(name, 0) + len(data) + sum(len(chunk) for chunk in stream)
        self.request.oversized = oversized
        post._mutable = False
        return post, MultiValueDict()

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


class HttpUrlField(forms.URLField):
    """A URL field with the ingest service's rule in place of Django's (http(s) only, no control characters), so
    that an ftp:// address is a form error, not a refusal after sending, and a bad address is told once."""

    default_validators = [HTTP_URL]


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
    url = HttpUrlField(
        label=_("URL"),
        required=False,
        assume_scheme="https",
        max_length=2000,
        help_text=_(
            "Given alone, the page at this address is fetched and its article stored. "
            "Given with text or a file, it records where the article was published."
        ),
    )

    def __init__(self, *args, oversized: dict[str, int] | None = None, oversized_total: int = 0, **kwargs):
        """`oversized` and `oversized_total` are what OversizedFormHandler measured of a form too large to read."""
        super().__init__(*args, **kwargs)
        self.oversized = oversized or {}
        self.oversized_total = oversized_total

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # Its real size: the content is read no further than the limit.
        if upload and upload.size > settings.ARTICLE_MAX_BYTES:
            raise ValidationError(ingest_service.size_refusal(upload.size))
        return upload

    def clean(self):
        if self.oversized:
            self.refuse_oversized()
            return self.cleaned_data
        data = super().clean()
        has_text, has_file = bool(data.get("text", "").strip()), bool(data.get("file"))
        if has_text and has_file:
            raise forms.ValidationError(_("Paste the article or choose a file, not both."))
        # A field refused for its own reason (a NUL byte, an empty or oversized file) has said what is wrong.
        refused = any(self.has_error(name) for name in ("text", "file", "url"))
        if not (has_text or has_file or data.get("url") or refused):
            raise forms.ValidationError(_("Paste the article, choose a file or give the URL of its page."))
        return data

    def refuse_oversized(self) -> None:
        """The errors of a form too large to read: each field not kept with its size, and what was kept."""
        for name, size in self.oversized.items():
            if name not in self.fields:
                continue
            if size > settings.ARTICLE_MAX_BYTES:
                message = ingest_service.size_refusal(size) + " " + gettext("It was too large to keep; split it.")
            else:
                message = gettext("Not kept: the form was too large as a whole.")
            self.add_error(name, message)
        kept = [str(field.label) for name, field in self.fields.items() if self.data.get(name)]
        summary = gettext(
            "What you sent is %(size)s bytes, more than the %(limit)s bytes a form may be, so it was not stored."
        ) % {
            "size": number_format(self.oversized_total, force_grouping=True),
            "limit": number_format(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, force_grouping=True),
        }
        if kept:
            summary += " " + gettext("Kept: %(fields)s.") % {"fields": ", ".join(kept)}
        self.add_error(None, summary)

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
