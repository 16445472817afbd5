"""The API's own rows: the keys clients authenticate with, and the webhooks that tell them about changes."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a key may do, each scope including the ones before it. The key's user must hold the role as well:
    a review key acting as an API client still cannot review."""

    READ = "read", _("Read")
    REVIEW = "review", _("Review (ingest, transitions, evidence, comments)")
    ADMIN = "admin", _("Admin (also the source registry)")


SCOPE_LEVELS = {Scope.READ: 1, Scope.REVIEW: 2, Scope.ADMIN: 3}


def hash_secret(secret: str) -> str:
    # The secret is 32 random bytes: a fast hash is enough, nothing to brute-force as with passwords.
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKey(models.Model):
    """A key an admin issued. The key is `fc_<prefix>_<secret>`: the prefix finds the row, the secret is only ever
    stored as its SHA-256, so the key is shown once, when it is made (api.services.issue_api_key)."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    # Whose permissions the key acts with: the workflow services check this user's role, and history names them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acts as"), on_delete=models.CASCADE, related_name="api_keys"
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def level(self) -> int:
        return SCOPE_LEVELS[self.scope]

    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class EventType(models.TextChoices):
    """What a webhook can subscribe to; a ClaimEvent maps to one of these (api.services.event_type_of)."""

    CLAIM_CREATED = "claim.created", _("Claim created")
    STATE_CHANGED = "claim.state_changed", _("Claim state changed")
    VERDICT_APPROVED = "verdict.approved", _("Verdict approved")
    VERDICT_REOPENED = "verdict.reopened", _("Verdict reopened")


class Webhook(models.Model):
    """A URL an admin registered to hear about claims, with the secret its deliveries are signed with."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=2000)
    secret = models.CharField(
        _("secret"), max_length=200, help_text=_("Shared with the receiver, who checks the signature with it.")
    )
    event_types = models.JSONField(_("event types"), default=list, help_text=_("Empty: every event type."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    RETRYING = "retrying", _("Failed, will retry")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one webhook: the body is fixed when the event happens, so a retry sends
    the same bytes; attempts, the last error and the response code are kept for the admin."""

    webhook = models.ForeignKey(Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(
        "reviews.ClaimEvent", verbose_name=_("event"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    event_type = models.CharField(_("event type"), max_length=32, choices=EventType.choices)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_code = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When the queue took its task (factcheck.queueing.send's mark); None while pending means the broker never got
    # it, and the sweep sends it at its next run (api.services.sweep_stuck_deliveries).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The signal may be heard twice (a retried commit hook): one delivery per webhook and event.
            models.UniqueConstraint(fields=["webhook", "event"], name="webhook_delivery_unique_event"),
        ]

    def __str__(self):
        return f"{self.event_type} to {self.webhook}"
