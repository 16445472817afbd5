from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FeedStatus(models.TextChoices):
    """How a feed's last poll went."""

    OK = "ok", _("OK")
    NOT_MODIFIED = "not-modified", _("Unchanged since the last poll")
    PARTIAL = "partial", _("Some items could not be stored")
    FAILED = "failed", _("Failed")


class FeedQuerySet(models.QuerySet):
    def due(self, now):
        """Active feeds whose next poll time has come (a feed never polled is due at once)."""
        return self.filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now), active=True)

    def start_poll(self, pk: int, *, now, lease_until) -> bool:
        """Claim one due feed's poll for this worker; False when it is not due (another worker has it, or it was
        polled since). One conditional UPDATE: the next poll time moves to `lease_until`, so a second worker or a
        task sent twice finds it not due, and a worker that died mid-poll leaves it due again once the lease ends."""
        return self.due(now).filter(pk=pk).update(next_poll_at=lease_until) == 1


class Feed(models.Model):
    """An RSS or Atom feed of a source in the registry: its new items are stored as articles, polled on Celery beat
    (claims.poll_due_feeds). Each poll's outcome is kept here, and a failing feed is polled less and less often."""

    source = models.ForeignKey(
        "claims.Source", verbose_name=_("source"), on_delete=models.CASCADE, related_name="feeds"
    )
    url = models.URLField(
        _("feed URL"), max_length=2000, unique=True, help_text=_("The address of the RSS or Atom feed.")
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active feeds are polled."))
    # The feed's own title, as its last successful poll read it.
    title = models.CharField(_("title"), max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_status = models.CharField(
        _("last status"), max_length=12, choices=FeedStatus.choices, blank=True, editable=False
    )
    # Why the last poll failed, or which items it could not store; empty after a clean poll.
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_new_items = models.PositiveIntegerField(_("new items in the last poll"), default=0, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0, editable=False)
    # None: due now. Set after each poll: FEED_POLL_EVERY_SECONDS on, longer after failures (claims/services/feeds.py).
    next_poll_at = models.DateTimeField(_("next poll"), null=True, blank=True)
    # The validators of the last answer, sent back so that an unchanged feed costs the server a 304.
    etag = models.CharField(_("ETag"), max_length=300, blank=True, editable=False)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True, editable=False)

    objects = FeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        ordering = ["source__name", "url"]
        indexes = [
            # The beat task asks every minute which active feeds are due.
            models.Index(fields=["active", "next_poll_at"], name="feed_due_idx"),
        ]

    def __str__(self):
        return self.title or self.url
