"""The review's record: evidence gathered for a claim, the reviewers' comments, and the append-only history of
everything that happened to it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Evidence(models.Model):
    """Something a reviewer relies on: an accepted proposal, or a URL the reviewer found, with a note."""

    claim = models.ForeignKey(
        "claims.Claim", verbose_name=_("claim"), on_delete=models.CASCADE, related_name="evidence"
    )
    proposal = models.OneToOneField(
        "claims.Proposal",
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence",
    )
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["claim_id", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(proposal__isnull=False) | ~models.Q(url=""), name="evidence_has_proposal_or_url"
            ),
        ]

    def __str__(self):
        return self.url or f"proposal {self.proposal_id}"


class Comment(models.Model):
    claim = models.ForeignKey(
        "claims.Claim", verbose_name=_("claim"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["claim_id", "created_at"]

    def __str__(self):
        return self.text[:80]


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("State changed")
    ASSIGNED = "assigned", _("Assigned")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    PROPOSAL_DECIDED = "proposal_decided", _("Proposal accepted or rejected")
    COMMENTED = "commented", _("Commented")
    DISMISSED = "dismissed", _("Dismissed as not a claim")
    RESTORED = "restored", _("Restored as a claim")
    ADDED = "added", _("Added by hand")
    MERGED = "merged", _("Merged")
    CORRECTED = "corrected", _("Speaker, outlet or quote corrected")


class ClaimEvent(models.Model):
    """One row per change to a claim, written in the same transaction as the change. Rows are never updated or
    deleted; they outlive the user who acted (the name is kept) and block deleting a claim that has history."""

    claim = models.ForeignKey("claims.Claim", verbose_name=_("claim"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    from_state = models.CharField(_("from state"), max_length=20, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, blank=True)
    verdict = models.CharField(_("verdict"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")
        ordering = ["claim_id", "created_at", "pk"]
        # The history is append-only: nobody gets to change or delete it, not even in the admin.
        default_permissions = ("view",)
        # The review roles' permissions, named `reviews.<codename>`.
        permissions = [
            ("review_claim", _("Can take claims, give them back and propose verdicts")),
            ("approve_verdict", _("Can approve a verdict or send it back")),
            ("reopen_verdict", _("Can reopen an approved verdict for correction")),
            ("assign_claim", _("Can assign claims to reviewers")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on claim {self.claim_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Claim events are append-only.")
        super().save(*args, **kwargs)
