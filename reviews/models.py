"""The review's record: evidence gathered for a claim, the reviewers' comments, and the append-only history of
everything that happened to it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.models import WorkStatus


class EvidenceQuerySet(models.QuerySet):
    def followable(self):
        """Evidence a reader can follow: a document, a web address (a reviewer's, a document's or an outside
        fact-check's), or an earlier reviewed claim. A source alone (an outlet, its homepage) is a lead: it is kept
        on the record, but a verdict does not rest on it."""
        return self.filter(
            models.Q(document__isnull=False) | ~models.Q(url="") | models.Q(proposal__earlier_claim__isnull=False)
        )


class Evidence(models.Model):
    """Something a reviewer relies on: an accepted proposal, or a URL the reviewer found, with a note.

    An accepted proposal's document and source are kept here as well, and protected: a document, source or
    proposal that evidence rests on cannot be deleted (the record would lose what the verdict was checked
    against). The URL is the address a reader follows (the reviewer's, the document's or the outside
    fact-check's), as it was when the evidence was recorded."""

    claim = models.ForeignKey(
        "claims.Claim", verbose_name=_("claim"), on_delete=models.CASCADE, related_name="evidence"
    )
    # A proposal that evidence rests on goes only with its claim (which takes the evidence too): deleted alone, its
    # evidence would be left pointing at nothing.
    proposal = models.OneToOneField(
        "claims.Proposal",
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="evidence",
    )
    document = models.ForeignKey(
        "claims.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    source = models.ForeignKey(
        "claims.Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

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
        # Named by the claim it supports: the admin lists evidence that stands in the way of a delete by this.
        return f"{self.claim.text[:100]} ({self.url or f'proposal {self.proposal_id}'})"

    @staticmethod
    def fields_of(proposal) -> dict:
        """What evidence from an accepted proposal keeps of its target: the document, its source (or the source
        proposed alone) and the address a reader follows (the document's, or an outside fact-check's)."""
        document = proposal.document
        return {
            "document": document,
            "source": document.source if document else proposal.source,
            "url": (document.url if document else "") or proposal.external_url,
        }

    @property
    def is_lead(self) -> bool:
        """A source alone, which a reader cannot follow: see `EvidenceQuerySet.followable`."""
        earlier = self.proposal is not None and self.proposal.earlier_claim_id is not None
        return self.document_id is None and not self.url and not earlier


class EvidenceSnapshot(models.Model):
    """The page an evidence URL led to when the evidence was recorded, fetched in the background through the
    article fetcher's address checks (claims/fetching.py), so that a page changed or taken down later does not
    erase what the verdict rested on. `sha256` is the hash of `text` as stored (UTF-8), to show it is unchanged."""

    evidence = models.OneToOneField(
        Evidence, verbose_name=_("evidence"), on_delete=models.CASCADE, related_name="snapshot"
    )
    # The address asked for; `final_url` is where the page was found after redirects.
    url = models.URLField(_("URL"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=WorkStatus.choices, default=WorkStatus.PENDING)
    # When the task was handed to the queue; empty while the broker could not be reached.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    final_url = models.URLField(_("final URL"), max_length=2000, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("evidence snapshot")
        verbose_name_plural = _("evidence snapshots")

    def __str__(self):
        return f"{self.url} ({self.get_status_display()})"


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
    UNLINKED = "unlinked", _("Unlinked from an earlier claim")


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
