from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.canonical import canonical_url


class WorkStatus(models.TextChoices):
    """Where a row's background work stands, so that the UI and the API can show it and a failure is visible."""

    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class InputFormat(models.TextChoices):
    TEXT = "text", _("Plain text")
    HTML = "html", _("HTML")
    URL = "url", _("URL")


class ArticleQuerySet(models.QuerySet):
    def start_extraction(self, pk: int, *, stale_before) -> bool:
        """Claim the extraction of one article for this worker; False if it is done or another worker has it.

        One conditional UPDATE, so two workers given the same article never both run it. A run that started
        before `stale_before` and never finished belongs to a worker that died: it may be taken over.
        """
        claimable = Q(extraction_status__in=[WorkStatus.PENDING, WorkStatus.FAILED]) | Q(
            extraction_status=WorkStatus.RUNNING, extraction_started_at__lt=stale_before
        )
        return (
            self.filter(claimable, pk=pk).update(
                extraction_status=WorkStatus.RUNNING,
                extraction_started_at=timezone.now(),
                extraction_finished_at=None,
                extraction_error="",
                extraction_attempts=F("extraction_attempts") + 1,
            )
            == 1
        )


class Article(models.Model):
    """A news text as it arrived. Stored before any background work, so nothing is lost if that work fails."""

    title = models.CharField(_("title"), max_length=500, blank=True)
    # Claim offsets index into this text, so it is never rewritten after ingestion.
    text = models.TextField(_("text"))
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    # The URL in its canonical form (claims/canonical.py): what the ingest service de-duplicates on and what API
    # clients' `article_url` is compared with, so that http/https, www., utm_* and a trailing slash all match.
    canonical_url = models.CharField(_("canonical URL"), max_length=2000, blank=True, editable=False)
    outlet = models.ForeignKey(
        "claims.Source",
        verbose_name=_("outlet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="published_articles",
    )
    author = models.CharField(_("author"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    input_format = models.CharField(
        _("input format"), max_length=8, choices=InputFormat.choices, default=InputFormat.TEXT
    )
    # SHA-256 of the normalised text: the same article sent twice is stored once.
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True, editable=False)
    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ingested_articles",
    )
    ingested_at = models.DateTimeField(_("ingested at"), auto_now_add=True, db_index=True)

    # When the extraction task was last handed to the queue; None while it could not be (the broker was down):
    # processing is delayed, and the sweeper sends it once the broker is back (factcheck/queueing.py).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    extraction_status = models.CharField(
        _("extraction status"), max_length=10, choices=WorkStatus.choices, default=WorkStatus.PENDING
    )
    extraction_error = models.TextField(_("extraction error"), blank=True)
    extraction_started_at = models.DateTimeField(_("extraction started"), null=True, blank=True)
    extraction_finished_at = models.DateTimeField(_("extraction finished"), null=True, blank=True)
    extraction_attempts = models.PositiveIntegerField(_("extraction attempts"), default=0)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-ingested_at", "-pk"]
        indexes = [
            # API clients ask "what about the article at this URL?".
            models.Index(fields=["url"], name="article_url_idx"),
            models.Index(fields=["canonical_url"], name="article_canonical_url_idx"),
            # The sweeper looks for articles whose extraction never finished.
            models.Index(fields=["extraction_status"], name="article_extraction_status_idx"),
        ]

    def __str__(self):
        return self.title or self.text[:80]

    def save(self, *args, **kwargs):
        # The canonical form follows the URL wherever it is set (the ingest service, the admin, a factory).
        self.canonical_url = canonical_url(self.url)[:2000]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "url" in update_fields:
            kwargs["update_fields"] = {*update_fields, "canonical_url"}
        super().save(*args, **kwargs)

    @property
    def processing_delayed(self) -> bool:
        """Stored, but its extraction could not be handed to the queue yet: it starts when the broker is back."""
        return self.extraction_status == WorkStatus.PENDING and self.queued_at is None
